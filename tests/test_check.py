"""Checking against the fake web: every row of the verdict table, and politeness."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from auditor.check.engine import CheckRun, check_references
from auditor.check.settings import CheckSettings
from auditor.fakeweb import FakeWeb, not_found, page, redirect, refused, reset, sequence, slow, status
from auditor.verdict import Status
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
            "/flaky": sequence(status(503), page(ARTICLE)),
            "/broken": status(500),
            "/slow": slow(2.0, page(ARTICLE)),
            "/reset": reset(),
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
        "cancerbackup.org.uk now sends readers to macmillan.org.uk",
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
    ("server error", "https://www.example.org/broken", Status.ERROR, "500 Internal Server Error after 1 retries", None),
    ("timeout", "https://www.example.org/slow", Status.ERROR, "timeout after 0.5 s", None),
    ("connection reset", "https://www.example.org/reset", Status.ERROR, "broke off", None),
    ("redirect loop", "https://www.example.org/loop", Status.ERROR, "redirect loop", None),
    ("too many redirects", "https://www.example.org/hop0", Status.ERROR, "too many redirects", None),
    (
        "expired certificate",
        "https://expired.example.org/page",
        Status.ERROR,
        "TLS: certificate of expired.example.org refused: certificate has expired",
        None,
    ),
    ("connection refused", "https://refused.example.org/", Status.DEAD, "connection refused", None),
    ("schemeless falls back to http", "expired.example.org/typed", Status.OK, "200 OK", None),
    ("mail domain exists", "help@sarcoma-uk.org", Status.OK, "exists", None),
    ("mail domain does not", "help@no-such-charity.org", Status.DEAD, "does not resolve", None),
    ("unsupported scheme", "ftp://ftp.example.org/pub/", Status.SKIPPED, "ftp: addresses are not checked", None),
]

FAST = CheckSettings(timeout=0.5, retries=1, host_request_interval=0)


def run_check(text: str, settings: CheckSettings = FAST, sites_: dict | None = None) -> tuple[CheckRun, list]:
    async def go() -> tuple[CheckRun, list]:
        declared = sites_ if sites_ is not None else sites()
        expired = {"expired.example.org"} & set(declared)
        async with FakeWeb(declared, expired_tls=expired) as web:
            result = await check_references(extract(text), settings, resolver=web.resolver, ssl=web.client_ssl)
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
    assert {item.verdict.status for item in run.results} == {Status.ERROR}
    assert all("network unavailable" in item.verdict.reason for item in run.results)


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
