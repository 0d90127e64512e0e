"""Checking against the fake web: every row of the verdict table, and politeness."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

import aiohttp
import pytest

from auditor.check import tls
from auditor.check.mail import LookupFailed
from auditor.check.settings import CheckSettings
from auditor.fakeweb import (
    FakeWeb,
    head_refused,
    malformed,
    not_found,
    page,
    redirect,
    refused,
    reset,
    sequence,
    slow,
    status,
)
from auditor.pipeline import check_references
from auditor.verdict import CheckRun, Status
from tests.conftest import extract

ARTICLE = (
    "<title>Soft tissue sarcoma</title><h1>Soft tissue sarcoma</h1>"
    + "<p>What sarcoma is and how it is treated.</p>" * 20
)
HOME = "<title>Sarcoma charity</title><h1>Welcome</h1>" + "<p>We support people with sarcoma.</p>" * 20
NOT_FOUND_PAGE = "<title>Page not found</title><h1>Sorry, we can't find that page</h1><p>Try the search.</p>"
PARKED = (
    "<title>sarcoma-help.com is for sale | HugeDomains</title>"
    "<h1>This domain is for sale</h1><p>Buy sarcoma-help.com today at HugeDomains.com</p>"
)
CHALLENGE = "<title>Just a moment...</title><p>Checking your browser before accessing the site.</p>"


def sites() -> dict:
    """The fake web's sites, fresh each time: a sequence() remembers its answers."""
    return {
        "www.example.org": {
            "/": page(HOME),
            "/article": page(ARTICLE),
            "/about": redirect(301, "/about/"),
            "/about/": page(ARTICLE),
            "/temp": redirect(302, "/article"),
            "/perm": redirect(301, "/article"),
            "/upgrade": redirect(301, "https://www.example.org/article"),
            "/gone": status(410),
            "/loop": redirect(302, "/loop2"),
            "/loop2": redirect(302, "/loop"),
            **{f"/hop{i}": redirect(302, f"/hop{i + 1}") for i in range(12)},
            "/soft": page(NOT_FOUND_PAGE),
            "/info/sarcomas.htm": redirect(301, "/"),
            "/login": status(401),
            "/challenge": page(CHALLENGE, status=503, headers={"cf-mitigated": "challenge"}),
            "/busy": sequence(status(429, headers={"Retry-After": "0"}), page(ARTICLE)),
            "/busy-1s": sequence(status(429, headers={"Retry-After": "1"}), page(ARTICLE)),
            "/flaky": sequence(status(503), page(ARTICLE)),
            "/broken": status(500),
            "/slow": slow(2.0, page(ARTICLE)),
            "/reset": reset(),
            "/ssh": malformed(),
            "/no-head": head_refused(page(ARTICLE)),
            "*": not_found(),
        },
        "www.cancerbackup.org.uk": {"*": redirect(301, "https://www.macmillan.org.uk/cancer-information/sarcoma")},
        "www.macmillan.org.uk": {"/cancer-information/sarcoma": page(ARTICLE), "*": not_found()},
        "tinyurl.com": {
            "/2bypqp": redirect(301, "https://www.example.org/article"),
            "/broken1": redirect(301, "https://www.example.org/gone"),
        },
        "sarcoma-help.com": {"*": page(PARKED)},
        "catchall.example.org": {"*": page(HOME)},
        "expired.example.org": {"/page": page(ARTICLE), "/typed": page(ARTICLE), "*": not_found()},
        "refused.example.org": refused(),
        "sarcoma-uk.org": {"*": page(HOME)},
    }


# Mail domains and their MX records; a web host is a mail domain with an address and no MX.
MAIL = {"nhs.net": ["mx1.nhs.net"]}


# (id, reference as written, status, words in the reason, suggestion)
TABLE = [
    ("ok", "https://www.example.org/article", Status.OK, "200 OK", None),
    ("trailing slash is no redirect", "https://www.example.org/about", Status.OK, "200", None),
    (
        "temporary redirect",
        "https://www.example.org/temp",
        Status.REDIRECTED,
        "temporary redirect to https://www.example.org/article",
        None,
    ),
    (
        "permanent redirect",
        "https://www.example.org/perm",
        Status.MOVED,
        "permanent redirect to https://www.example.org/article (301; 1 hop)",
        "https://www.example.org/article",
    ),
    (
        "http to https",
        "http://www.example.org/upgrade",
        Status.MOVED,
        "permanent redirect",
        "https://www.example.org/article",
    ),
    (
        "merged charity",
        "https://www.cancerbackup.org.uk/info/sarcomas.htm",
        Status.MOVED,
        "www.cancerbackup.org.uk now redirects to www.macmillan.org.uk: the organisation may have merged or renamed"
        " \u2014 check the text around this reference too",
        "https://www.macmillan.org.uk/cancer-information/sarcoma",
    ),
    (
        "shortener",
        "http://tinyurl.com/2bypqp",
        Status.SHORTENED,
        "tinyurl.com link to https://www.example.org/article",
        "https://www.example.org/article",
    ),
    ("shortener to a dead page", "http://tinyurl.com/broken1", Status.DEAD, "410 Gone (via tinyurl.com)", None),
    ("not found", "https://www.example.org/nothing-here", Status.DEAD, "404 Not Found", None),
    ("gone", "https://www.example.org/gone", Status.DEAD, "410 Gone", None),
    ("nxdomain", "https://www.no-such-charity.org/", Status.DEAD, "does not exist (NXDOMAIN)", None),
    ("error page served with 200", "https://www.example.org/soft", Status.SOFT_404, "not found", None),
    ("deep link sent home", "https://www.example.org/info/sarcomas.htm", Status.SOFT_404, "home page", None),
    ("catch-all site", "https://catchall.example.org/leaflets/sarcoma.pdf", Status.SOFT_404, "made-up address", None),
    ("parked domain", "https://sarcoma-help.com/", Status.PARKED, "HugeDomains", None),
    ("login", "https://www.example.org/login", Status.BLOCKED, "401 Unauthorized", None),
    ("bot challenge", "https://www.example.org/challenge", Status.BLOCKED, "could not verify", None),
    ("429 then success", "https://www.example.org/busy", Status.OK, "200", None),
    ("503 once then success", "https://www.example.org/flaky", Status.OK, "200", None),
    ("server error", "https://www.example.org/broken", Status.ERROR, "500 Internal Server Error after 1 retry", None),
    ("timeout", "https://www.example.org/slow", Status.ERROR, "timeout after 0.5 s", None),
    ("connection reset", "https://www.example.org/reset", Status.ERROR, "broke off", None),
    ("malformed response", "https://www.example.org/ssh", Status.ERROR, "malformed response (", None),
    ("HEAD refused: GET is used", "https://www.example.org/no-head", Status.OK, "200 OK", None),
    ("redirect loop", "https://www.example.org/loop", Status.ERROR, "redirect loop", None),
    ("too many redirects", "https://www.example.org/hop0", Status.ERROR, "too many redirects", None),
    (
        "expired certificate",
        "https://expired.example.org/page",
        Status.ERROR,
        "TLS: certificate of expired.example.org expired on 2020-01-01",
        None,
    ),
    ("connection refused", "https://refused.example.org/", Status.DEAD, "connection refused", None),
    ("schemeless falls back to http", "expired.example.org/typed", Status.OK, "200 OK", None),
    ("mail domain with MX only", "help@nhs.net", Status.OK, "exists (mail exchanger mx1.nhs.net)", None),
    ("mail domain with an address only", "help@sarcoma-uk.org", Status.OK, "exists (no MX record", None),
    (
        "mail domain does not exist",
        "help@no-such-charity.org",
        Status.DEAD,
        "the mail domain no-such-charity.org does not exist (NXDOMAIN)",
        None,
    ),
    ("unsupported scheme", "ftp://ftp.example.org/pub/", Status.SKIPPED, "ftp: addresses are not checked", None),
]

FAST = CheckSettings(timeout=0.5, retries=1, host_request_interval=0)


def run_check(text: str, settings: CheckSettings = FAST, sites_: dict | None = None) -> tuple[CheckRun, list]:
    async def go() -> tuple[CheckRun, list]:
        declared = sites_ if sites_ is not None else sites()
        expired = {"expired.example.org"} & set(declared)
        async with FakeWeb(declared, expired_tls=expired, mail=MAIL) as web:
            result = await check_references(
                extract(text), settings, resolver=web.resolver, ssl=web.client_ssl, mail_resolver=web.mail_resolver
            )
            return result, list(web.requests)

    return asyncio.run(go())


@pytest.fixture(scope="module")
def table_run() -> CheckRun:
    text = (
        "\n\n".join(row[1] for row in TABLE)
        + "\n\nAnd www.macmillan.org.uk/cancer-information/sarcoma is written without a scheme."
    )
    run, _ = run_check(text)
    return run


@pytest.mark.parametrize(
    ("written", "expected", "words", "suggestion"), [r[1:] for r in TABLE], ids=[r[0] for r in TABLE]
)
def test_verdict_table(table_run: CheckRun, written: str, expected: Status, words: str, suggestion: str | None) -> None:
    (item,) = [i for i in table_run.results if i.reference.text == written]
    assert item.verdict.status is expected, item.verdict.reason
    assert words.lower() in item.verdict.reason.lower()
    assert item.verdict.suggestion == suggestion


def test_redirects_are_recorded_hop_by_hop(table_run: CheckRun) -> None:
    (item,) = [i for i in table_run.results if i.reference.text == "https://www.cancerbackup.org.uk/info/sarcomas.htm"]
    assert [(h.url, h.status) for h in item.verdict.redirects] == [
        ("https://www.cancerbackup.org.uk/info/sarcomas.htm", 301)
    ]
    assert item.verdict.domain_changed is True
    assert item.verdict.final_url == "https://www.macmillan.org.uk/cancer-information/sarcoma"


def test_a_working_https_answer_for_a_schemeless_reference_is_ok(table_run: CheckRun) -> None:
    (item,) = [i for i in table_run.results if i.reference.text == "www.macmillan.org.uk/cancer-information/sarcoma"]
    assert item.verdict.status is Status.OK


def test_each_url_is_requested_once_however_often_it_is_referenced() -> None:
    _, requests = run_check(
        "https://www.example.org/article\n\nhttps://www.example.org/article#top\n\nhttps://www.example.org/article#end"
    )
    assert [(r.host, r.path_qs) for r in requests if r.path_qs == "/article"] == [("www.example.org", "/article")]


def test_a_definitive_answer_is_not_retried() -> None:
    _, requests = run_check("https://www.example.org/gone", CheckSettings(retries=3, host_request_interval=0))
    assert [r.path_qs for r in requests] == ["/gone"]


def test_when_no_host_can_be_reached_nothing_is_called_dead() -> None:
    run, _ = run_check("https://www.cancer.gov/\n\nhttps://www.sarcoma-uk.org/\n\nwww.lmsdr.org", sites_={})
    assert run.network_unavailable is True
    assert {item.verdict.status for item in run.results} == {Status.UNCHECKED}
    assert all("could not verify: the network is unavailable" in item.verdict.reason for item in run.results)


def test_phones_are_listed_unchecked_and_local_files_by_existence(tmp_path: Path) -> None:
    (tmp_path / "here.html").write_text("x")
    from auditor.sources import Format

    refs = extract(
        '<a href="here.html">a</a> <a href="gone.html">b</a> call 0808 801 0401', Format.HTML, folder=tmp_path
    )

    async def go() -> CheckRun:
        async with FakeWeb({}) as web:
            return await check_references(refs, FAST, resolver=web.resolver, ssl=web.client_ssl)

    run = asyncio.run(go())
    assert [(i.reference.text, i.verdict.status) for i in run.results] == [
        ("here.html", Status.OK),
        ("gone.html", Status.DEAD),
        ("0808 801 0401", Status.UNCHECKED),
    ]


def test_excluded_urls_are_skipped_unless_included() -> None:
    import re

    settings = CheckSettings(
        timeout=0.5,
        retries=0,
        host_request_interval=0,
        exclude=(re.compile(r"example\.org"),),
        include=(re.compile(r"/about"),),
    )
    run, requests = run_check("https://www.example.org/article\n\nhttps://www.example.org/about/", settings)
    assert [(i.verdict.status, i.verdict.reason) for i in run.results] == [
        (Status.SKIPPED, r"excluded by --exclude example\.org"),
        (Status.OK, "200 OK"),
    ]
    assert [r.path_qs for r in requests if r.path_qs in ("/article", "/about/")] == ["/about/"]


def test_requests_carry_the_user_agent_and_extra_headers() -> None:
    settings = CheckSettings(retries=0, host_request_interval=0, user_agent="tester/1", headers=(("X-Team", "docs"),))
    _, requests = run_check("https://www.example.org/article", settings)
    first = requests[0]
    assert first.headers["User-Agent"] == "tester/1"
    assert first.headers["X-Team"] == "docs"


def test_a_fragment_missing_from_the_page_is_a_finding_and_the_status_stays() -> None:
    web = {
        "www.example.org": {
            "/guide": page('<title>Guide</title><h2 id="install">Install</h2><a name="faq"></a>' + ARTICLE)
        }
    }
    text = "https://www.example.org/guide#install\n\nhttps://www.example.org/guide#faq\n\nhttps://www.example.org/guide#usage"
    run, requests = run_check(text, sites_=web)
    found = {i.reference.text: (i.verdict.status, [f.kind for f in i.verdict.findings]) for i in run.results}
    assert found == {
        "https://www.example.org/guide#install": (Status.OK, []),
        "https://www.example.org/guide#faq": (Status.OK, []),
        "https://www.example.org/guide#usage": (Status.OK, ["missing-fragment"]),
    }
    assert [r.path_qs for r in requests].count("/guide") == 1


def test_head_is_never_sent_so_a_server_refusing_it_is_ok() -> None:
    run, requests = run_check("https://www.example.org/no-head")
    assert [i.verdict.status for i in run.results] == [Status.OK]
    assert {r.method for r in requests} == {"GET"}


def test_retry_after_pauses_the_host_before_the_retry() -> None:
    run, requests = run_check("https://www.example.org/busy-1s")
    (item,) = run.results
    assert (item.verdict.status, item.verdict.reason) == (Status.OK, "200 OK")
    assert [r.path_qs for r in requests].count("/busy-1s") == 2
    assert item.verdict.elapsed_ms >= 1000  # Retry-After: 1 (backoff alone waits at most 0.5 s)


# (id, path, how many GETs with one retry allowed)
ATTEMPTS = [
    ("503 once then success: retried once", "/flaky", 2),
    ("500 always: retried, then given up", "/broken", 2),
    ("429 then success: retried once", "/busy", 2),
    ("404: never retried", "/nothing-here", 1),
    ("410: never retried", "/gone", 1),
    ("malformed: never retried", "/ssh", 1),
]


def test_how_often_each_answer_is_asked() -> None:
    _, requests = run_check("\n\n".join(f"https://www.example.org{path}" for _, path, _ in ATTEMPTS))
    asked = [r.path_qs for r in requests]
    assert {name: asked.count(path) for name, path, _ in ATTEMPTS} == {name: n for name, _, n in ATTEMPTS}


def test_the_expiry_date_is_read_without_sending_a_request() -> None:
    run, requests = run_check("https://expired.example.org/page")
    (item,) = run.results
    assert (item.verdict.status, item.verdict.reason) == (
        Status.ERROR,
        "TLS: certificate of expired.example.org expired on 2020-01-01",
    )
    # Two handshakes (verified, then to read the date), and no request reached the server.
    assert [r for r in requests if r.host == "expired.example.org"] == []


def test_a_certificate_end_still_to_come_is_not_given_as_the_expiry() -> None:
    # An expired intermediate certificate is refused with the same code as an expired leaf:
    # the leaf's own date would then mislead, and the reason keeps OpenSSL's words.
    async def go() -> tuple[dt.date | None, dt.date | None]:
        sites_ = {"expired.example.org": {"*": page(ARTICLE)}}
        async with FakeWeb(sites_, expired_tls=sites_) as web, aiohttp.ClientSession(connector=web.connector()) as s:
            url = "https://expired.example.org/"
            timeout = aiohttp.ClientTimeout(total=5)
            before = await tls.expiry_date(s, url, timeout=timeout, now=dt.datetime(2019, 6, 1, tzinfo=dt.UTC))
            return before, await tls.expiry_date(s, url, timeout=timeout)

    assert asyncio.run(go()) == (None, dt.date(2020, 1, 1))


def test_each_mail_domain_is_looked_up_once() -> None:
    text = "help@nhs.net, info@nhs.net and <mailto:press@nhs.net>; also help@sarcoma-uk.org and info@sarcoma-uk.org"

    async def go() -> tuple[CheckRun, list[str]]:
        async with FakeWeb(sites(), mail=MAIL) as web:
            refs = extract(text)
            run = await check_references(refs, FAST, resolver=web.resolver, mail_resolver=web.mail_resolver)
            return run, web.mail_resolver.lookups

    run, lookups = asyncio.run(go())
    assert len(run.results) == 5
    assert {i.verdict.status for i in run.results} == {Status.OK}
    assert sorted(lookups) == ["nhs.net", "sarcoma-uk.org"]


class FailingDns:
    """A mail resolver whose DNS gives no answer (a timeout, SERVFAIL)."""

    async def mail_exchangers(self, domain: str) -> list[str]:
        raise LookupFailed(domain, "Timeout while contacting DNS servers")


def check_mail(text: str, mail_resolver: object) -> CheckRun:
    async def go() -> CheckRun:
        async with FakeWeb(sites(), mail=MAIL) as web:
            return await check_references(
                extract(text), FAST, resolver=web.resolver, ssl=web.client_ssl, mail_resolver=mail_resolver
            )

    return asyncio.run(go())


def test_a_temporary_dns_failure_is_an_error_never_dead() -> None:
    run = check_mail("help@nhs.net\n\nhttps://www.example.org/article", FailingDns())
    assert [(i.verdict.status, i.verdict.reason) for i in run.results] == [
        (
            Status.ERROR,
            "DNS lookup of the mail domain nhs.net failed (Timeout while contacting DNS servers) \u2014 try again later",
        ),
        (Status.OK, "200 OK"),
    ]
    assert run.network_unavailable is False


def test_mail_domains_failing_at_dns_count_towards_network_unavailable() -> None:
    run = check_mail("help@nhs.net\n\nhelp@cancer.gov\n\nhelp@sarcoma-uk.org", FailingDns())
    assert run.network_unavailable is True
    assert {(i.verdict.status, i.verdict.reason.split(":")[0]) for i in run.results} == {
        (Status.UNCHECKED, "could not verify")
    }


def test_an_injected_resolver_alone_answers_for_mail_domains_with_its_addresses() -> None:
    # Without a mail resolver, a fake web's resolver is asked for addresses: it knows no MX.
    async def go() -> CheckRun:
        async with FakeWeb(sites(), mail=MAIL) as web:
            return await check_references(extract("help@sarcoma-uk.org\n\nhelp@nhs.net"), FAST, resolver=web.resolver)

    run = asyncio.run(go())
    assert [(i.verdict.status, i.verdict.reason) for i in run.results] == [
        (Status.OK, "the mail domain sarcoma-uk.org exists (no MX record: mail goes to its address)"),
        (Status.DEAD, "the mail domain nhs.net does not exist (NXDOMAIN)"),
    ]


def test_the_mail_resolver_protocol_is_all_a_test_needs() -> None:
    class Everything:
        async def mail_exchangers(self, domain: str) -> list[str]:
            return [f"mx.{domain}"]

    run = check_mail("a@anywhere.org", Everything())
    assert [i.verdict.reason for i in run.results] == [
        "the mail domain anywhere.org exists (mail exchanger mx.anywhere.org)"
    ]
