"""The transports under the checker: the same verdicts whichever HTTP stack asks.

Every row runs through both transports (libcurl's multi interface and aiohttp) against the
fake web, reached through one injected :class:`~auditor.check.transport.Network`; then the
checker runs on a :class:`~auditor.check.transport.MockTransport` alone, with no socket.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import socket
import ssl
from collections.abc import Iterator
from dataclasses import replace
from importlib.metadata import version

import pytest

from auditor.check.settings import CheckSettings
from auditor.check.transport import (
    Answer,
    MockTransport,
    Network,
    Request,
    TransportChoice,
    TransportError,
    Trouble,
    open_transport,
)
from auditor.errors import AuditorError
from auditor.fakeweb import (
    FakeWeb,
    echo_headers,
    endless,
    gzip_bomb,
    huge_header,
    malformed,
    not_found,
    page,
    redirect,
    refused,
    reset,
    slow,
    status,
    unresolvable,
)
from auditor.pipeline import check_references
from auditor.verdict import CheckRun, Status
from tests.conftest import extract

ARTICLE = "<title>Article</title><h1>Article</h1>" + "<p>What the article says.</p>" * 20
TRANSPORTS = ["curl", "aiohttp"]
SETTINGS = CheckSettings(
    timeout=2,
    retries=0,
    host_request_interval=0,
    probe_soft_404=False,
    archive_url=None,
    outage_witnesses=(),
    exclude_private=True,
    exclude_link_local=True,
)

SITES = {
    "www.example.org": {
        "/article": page(ARTICLE),
        "/perm": redirect(301, "/article"),
        "/temp": redirect(302, "/article"),
        "/to-intranet": redirect(302, "http://intranet.example.org/"),
        "/gone": status(410),
        "/slow": slow(4.0, page(ARTICLE)),
        "/reset": reset(),
        "/ssh": malformed(),
        "*": not_found(),
    },
    "huge-header.example": {"*": huge_header(100_000)},
    "expired.example.org": {"*": page(ARTICLE)},
    "refused.example.org": refused(),
    "www.cancer.gov": unresolvable(),
    "intranet.example.org": {"*": page("staff only")},
}
ADDRESSES = {"intranet.example.org": "10.0.0.5"}

# (id, link, status, words in the reason): each row through each transport.
TABLE = [
    ("ok", "https://www.example.org/article", Status.OK, "200 OK"),
    ("plain http", "http://www.example.org/article", Status.OK, "200 OK"),
    ("not found", "https://www.example.org/nothing", Status.DEAD, "404 Not Found"),
    ("gone", "https://www.example.org/gone", Status.DEAD, "410 Gone"),
    ("permanent redirect", "https://www.example.org/perm", Status.MOVED, "permanent redirect to https://www.example.org/article"),
    ("temporary redirect", "https://www.example.org/temp", Status.REDIRECTED, "temporary redirect"),
    ("nxdomain", "https://www.no-such-charity.org/", Status.DEAD, "the domain www.no-such-charity.org does not exist (NXDOMAIN)"),
    ("dns says try again", "https://www.cancer.gov/", Status.ERROR, "DNS lookup of www.cancer.gov failed"),
    ("connection refused", "https://refused.example.org/", Status.DEAD, "connection refused by refused.example.org:443"),
    ("timeout", "https://www.example.org/slow", Status.ERROR, "timeout after 2 s"),
    ("connection reset", "https://www.example.org/reset", Status.ERROR, "the connection broke off"),
    ("not HTTP", "https://www.example.org/ssh", Status.ERROR, "malformed response ("),
    ("a 100 kB header line", "https://huge-header.example/", Status.ERROR, "malformed response"),
    ("expired certificate", "https://expired.example.org/", Status.ERROR, "TLS: certificate of expired.example.org expired on 2020-01-01"),
    ("private address, resolved", "https://intranet.example.org/", Status.SKIPPED, "private address 10.0.0.5 refused"),
    ("redirect to a private address", "https://www.example.org/to-intranet", Status.SKIPPED, "private address 10.0.0.5 refused"),
    ("link-local literal", "http://169.254.169.254/latest", Status.SKIPPED, "link-local address 169.254.169.254 refused"),
]  # fmt: skip


def _run(transport: str, text: str, settings: CheckSettings = SETTINGS) -> tuple[CheckRun, FakeWeb]:
    async def go() -> tuple[CheckRun, FakeWeb]:
        chosen = replace(settings, transport=transport)
        async with FakeWeb(SITES, expired_tls={"expired.example.org"}, addresses=ADDRESSES) as web:
            return await check_references(extract(text), chosen, network=web.network), web

    return asyncio.run(go())


@pytest.fixture(scope="module", params=TRANSPORTS)
def table_run(request: pytest.FixtureRequest) -> Iterator[CheckRun]:
    run, _ = _run(request.param, "\n\n".join(row[1] for row in TABLE))
    yield run


@pytest.mark.parametrize(("link", "expected", "words"), [r[1:] for r in TABLE], ids=[r[0] for r in TABLE])
def test_each_transport_gives_the_same_verdicts(table_run: CheckRun, link: str, expected: Status, words: str) -> None:
    (item,) = [i for i in table_run.results if i.reference.text == link]
    assert item.verdict.status is expected, item.verdict.reason
    assert words in item.verdict.reason
    assert len(item.verdict.reason) < 400


_AIOHTTP = tuple(int(part) for part in version("aiohttp").split(".")[:2])


@pytest.mark.parametrize("handler", [gzip_bomb(50_000_000), endless()], ids=["gzip bomb", "endless body"])
@pytest.mark.parametrize("transport", TRANSPORTS)
def test_a_body_is_read_up_to_the_limit(transport: str, handler: object) -> None:
    # Each alone: the fake web's endless() may outlive a client that hung up, beside other answers.
    settings = replace(SETTINGS, transport=transport, max_body=1_000_000)

    async def go() -> CheckRun:
        async with FakeWeb({"hostile.example": {"*": handler}}) as web:  # type: ignore[dict-item]
            return await check_references(extract("https://hostile.example/"), settings, network=web.network)

    (item,) = asyncio.run(go()).results
    if transport == "aiohttp" and type(handler).__name__ == "GzipBomb" and _AIOHTTP < (3, 14):
        # aiohttp 3.13 stops inflating at its own 32 MiB, before our limit: an error, bounded all the same.
        assert item.verdict.status is Status.ERROR
        return
    assert (item.verdict.status, item.verdict.reason) == (Status.OK, "200 OK")


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_the_expiry_is_read_without_a_request(transport: str) -> None:
    run, web = _run(transport, "https://expired.example.org/page")
    assert [i.verdict.reason for i in run.results] == ["TLS: certificate of expired.example.org expired on 2020-01-01"]
    assert web.requests_to("expired.example.org") == []


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_an_unknown_authority_is_refused_unless_insecure(transport: str) -> None:
    # The network trusts another CA than the one that signed the fake web's certificates.
    async def go(insecure: bool) -> CheckRun:
        import trustme

        other = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        trustme.CA().configure_trust(other)
        settings = CheckSettings(timeout=2, retries=0, probe_soft_404=False, transport=transport, insecure=insecure)
        async with FakeWeb(SITES) as web:
            network = Network(resolver=web.resolver, ssl=other)
            return await check_references(extract("https://www.example.org/article"), settings, network=network)

    (refused_,) = asyncio.run(go(False)).results
    assert refused_.verdict.status is Status.ERROR
    assert refused_.verdict.reason.startswith("TLS: certificate of www.example.org refused: ")
    (insecure,) = asyncio.run(go(True)).results
    assert (insecure.verdict.status, insecure.verdict.reason) == (Status.OK, "200 OK")


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_each_transport_sends_the_same_headers(transport: str) -> None:
    settings = CheckSettings(retries=0, probe_soft_404=False, transport=transport, headers=(("X-Token", "t1"),))

    async def go() -> list[tuple[str, str | None, str | None]]:
        async with FakeWeb({"api.example.org": {"*": echo_headers()}}) as web:
            await check_references(extract("https://api.example.org/v1"), settings, network=web.network)
            return [(r.path_qs, r.headers.get("User-Agent"), r.headers.get("X-Token")) for r in web.requests]

    assert asyncio.run(go()) == [("/v1", settings.user_agent, "t1")]


# --- the interface alone: a mock transport, no socket ---


def _mock_web(request: Request) -> Answer:
    if request.host == "www.no-such-charity.org":
        raise TransportError(Trouble.NO_SUCH_NAME, "no such name", host=request.host, port=443)
    if request.host == "expired.example.org":
        raise TransportError(Trouble.CERTIFICATE, "certificate has expired", host=request.host, port=443, expired=True)
    if request.host == "slow.example.org":
        raise TransportError(Trouble.TIMEOUT, "too slow")
    answers = {
        "https://www.example.org/old": Answer(request.url, 301, {"location": "/new"}, b""),
        "https://www.example.org/new": Answer(request.url, 200, {"content-type": "text/html"}, ARTICLE.encode()),
    }
    return answers.get(request.url) or Answer(request.url, 404, {}, b"not found")


MOCK_TABLE = [
    ("https://www.example.org/new", Status.OK, "200 OK"),
    ("https://www.example.org/old", Status.MOVED, "permanent redirect to https://www.example.org/new (301; 1 hop)"),
    ("https://www.example.org/missing", Status.DEAD, "404 Not Found"),
    ("https://www.no-such-charity.org/", Status.DEAD, "the domain www.no-such-charity.org does not exist (NXDOMAIN)"),
    ("https://expired.example.org/", Status.ERROR, "TLS: certificate of expired.example.org expired on 2020-01-01"),
    (
        "https://slow.example.org/",
        Status.ERROR,
        "timeout after 20 s \u2014 raise checks.timeout (--timeout) or exclude the host",
    ),
]


def test_the_checker_works_through_the_interface_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("a mock transport opens no connection")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    mock = MockTransport(_mock_web, expired_on=dt.date(2020, 1, 1))
    settings = CheckSettings(timeout=20, retries=0, probe_soft_404=False, archive_url=None, outage_witnesses=())
    refs = extract("\n\n".join(link for link, _, _ in MOCK_TABLE))
    run = asyncio.run(check_references(refs, settings, network=Network(transport=mock)))
    assert [(i.reference.text, i.verdict.status, i.verdict.reason) for i in run.results] == MOCK_TABLE
    # The redirect's hop is asked by our policy (auditor.check.redirects), not by the transport.
    assert sorted(r.url for r in mock.requests if r.host == "www.example.org") == [
        "https://www.example.org/missing",
        "https://www.example.org/new",
        "https://www.example.org/new",
        "https://www.example.org/old",
    ]


# --- choosing a transport ---


def test_auto_picks_curl_when_pycurl_is_importable() -> None:
    async def go(choice: str) -> str:
        from auditor.check.addresses import address_policy

        transport, _ = open_transport(choice, Network(), address_policy())
        try:
            return str(getattr(transport, "name", ""))
        finally:
            await transport.close()

    assert [asyncio.run(go(c.value)) for c in TransportChoice] == ["curl", "curl", "aiohttp"]


def test_curl_without_pycurl_says_what_to_do(monkeypatch: pytest.MonkeyPatch) -> None:
    import auditor.check.transport as transport

    monkeypatch.setattr(transport, "curl_available", lambda: False)

    async def go() -> None:
        from auditor.check.addresses import address_policy

        open_transport("curl", Network(), address_policy())

    with pytest.raises(AuditorError, match="needs pycurl: pip install pycurl, or use --transport aiohttp"):
        asyncio.run(go())
