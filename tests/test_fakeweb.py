"""The fake web: declared sites answer a real aiohttp client, and each failure is the real one."""

from __future__ import annotations

import asyncio
import errno
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator

import aiohttp
import pytest
import pytest_asyncio
from aiohttp import web as aioweb

from auditor import fakeweb
from auditor.check import tls
from auditor.check.mail import NoMailHost, NoSuchDomain
from auditor.fakeweb import (
    EXPIRED_CERTIFICATE_ENDED,
    FakeWeb,
    head_refused,
    html_page,
    malformed,
    not_found,
    page,
    redirect,
    refused,
    reset,
    sequence,
    slow,
    status,
    unresolvable,
)

HOST = "www.example.org"
TIMEOUT = aiohttp.ClientTimeout(total=5)


async def echo_method(request: aioweb.Request) -> aioweb.StreamResponse:
    return aioweb.Response(text=request.method)


def declare() -> dict:
    """Fresh sites for each test: a sequence remembers how many requests it has answered."""
    return {
        HOST: {
            "/old": redirect(301, "/new"),
            "/away": redirect(308, "https://other.example.org/landing"),
            "/new": page("<title>New</title><p>Hello</p>"),
            "/gone": status(410),
            "/search": page("any query"),
            "/search?q=fake": page("exact query"),
            "/slow": slow(0.2, page("late")),
            "/reset": reset(),
            "/flaky": sequence(status(503), page("ok")),
            "/limited": sequence(status(429, headers={"Retry-After": "1"}), page("ok")),
            "/no-head": head_refused(page("body")),
            "/pdf": page(b"%PDF-1.7", content_type="application/pdf", headers={"X-Robots-Tag": "noindex"}),
            "/method": echo_method,
            "/ssh": malformed(),
            "*": not_found(),
        },
        "other.example.org": {"/landing": html_page("Landing", "welcome")},
        "bare.example.org": {"/": page("only the root")},
        "expired.example.org": {"/": page("stale")},
        "down.example.org": refused(),
        "offline.example.org": unresolvable(),
    }


MAIL = {"nhs.net": ["mx1.nhs.net", "mx2.nhs.net"], "no-mail.example.org": []}


@pytest_asyncio.fixture
async def web() -> AsyncIterator[FakeWeb]:
    async with FakeWeb(declare(), expired_tls={"expired.example.org"}, mail=MAIL) as fake:
        yield fake


@pytest_asyncio.fixture
async def session(web: FakeWeb) -> AsyncIterator[aiohttp.ClientSession]:
    connector = aiohttp.TCPConnector(resolver=web.resolver, ssl=web.client_ssl)
    async with aiohttp.ClientSession(connector=connector) as client:
        yield client


async def fetch(session: aiohttp.ClientSession, url: str, method: str = "GET", **kwargs: object) -> tuple[int, str]:
    async with session.request(method, url, **kwargs) as response:  # type: ignore[arg-type]
        return response.status, await response.text()


# --- Answers ----------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["http", "https"])
@pytest.mark.asyncio
async def test_page_over_both_schemes(web: FakeWeb, session: aiohttp.ClientSession, scheme: str) -> None:
    async with session.get(web.url(HOST, "/new", scheme)) as response:
        assert response.status == 200
        assert response.content_type == "text/html"
        assert await response.text() == "<title>New</title><p>Hello</p>"


@pytest.mark.asyncio
async def test_redirect_is_seen_when_not_followed(web: FakeWeb, session: aiohttp.ClientSession) -> None:
    async with session.get(web.url(HOST, "/old"), allow_redirects=False) as response:
        assert response.status == 301
        assert response.headers["Location"] == "/new"


@pytest.mark.asyncio
async def test_redirect_is_followed_across_hosts_and_schemes(web: FakeWeb, session: aiohttp.ClientSession) -> None:
    async with session.get(web.url(HOST, "/away")) as response:
        assert [r.status for r in response.history] == [308]
        assert str(response.url) == "https://other.example.org/landing"
        assert "<title>Landing</title>" in await response.text()


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        pytest.param("/nowhere", (404, "<title>Not Found</title><h1>Not Found</h1>"), id="star-fallback"),
        pytest.param("/search?q=fake", (200, "exact query"), id="path-and-query-first"),
        pytest.param("/search?q=other", (200, "any query"), id="then-path"),
        pytest.param("/gone", (410, "410 Gone"), id="status"),
    ],
)
@pytest.mark.asyncio
async def test_routing(web: FakeWeb, session: aiohttp.ClientSession, path: str, expected: tuple[int, str]) -> None:
    assert await fetch(session, web.url(HOST, path)) == expected


@pytest.mark.asyncio
async def test_undeclared_path_without_fallback_says_what_to_add(web: FakeWeb, session: aiohttp.ClientSession) -> None:
    code, text = await fetch(session, web.url("bare.example.org", "/missing"))
    assert code == 404
    assert "'/missing'" in text and "'*'" in text


@pytest.mark.asyncio
async def test_page_headers_and_content_type(web: FakeWeb, session: aiohttp.ClientSession) -> None:
    async with session.get(web.url(HOST, "/pdf")) as response:
        assert response.content_type == "application/pdf"
        assert response.headers["X-Robots-Tag"] == "noindex"
        assert await response.read() == b"%PDF-1.7"


@pytest.mark.asyncio
async def test_a_plain_aiohttp_handler_works_too(web: FakeWeb, session: aiohttp.ClientSession) -> None:
    assert await fetch(session, web.url(HOST, "/method"), "POST") == (200, "POST")


@pytest.mark.asyncio
async def test_sequence_answers_503_then_ok_from_then_on(web: FakeWeb, session: aiohttp.ClientSession) -> None:
    answers = [await fetch(session, web.url(HOST, "/flaky")) for _ in range(3)]
    assert [code for code, _ in answers] == [503, 200, 200]


@pytest.mark.asyncio
async def test_sequence_carries_retry_after(web: FakeWeb, session: aiohttp.ClientSession) -> None:
    async with session.get(web.url(HOST, "/limited")) as response:
        assert (response.status, response.headers["Retry-After"]) == (429, "1")
    assert await fetch(session, web.url(HOST, "/limited")) == (200, "ok")


@pytest.mark.asyncio
async def test_head_refused_but_get_answered(web: FakeWeb, session: aiohttp.ClientSession) -> None:
    assert (await fetch(session, web.url(HOST, "/no-head"), "HEAD"))[0] == 405
    assert await fetch(session, web.url(HOST, "/no-head")) == (200, "body")


@pytest.mark.asyncio
async def test_slow_answers_after_the_delay(web: FakeWeb, session: aiohttp.ClientSession) -> None:
    started = time.perf_counter()
    assert await fetch(session, web.url(HOST, "/slow")) == (200, "late")
    assert time.perf_counter() - started >= 0.2


@pytest.mark.asyncio
async def test_slow_beyond_the_total_timeout_is_a_plain_timeout(web: FakeWeb, session: aiohttp.ClientSession) -> None:
    # A total timeout is asyncio's own TimeoutError, not one of aiohttp's ClientError classes.
    with pytest.raises(asyncio.TimeoutError) as caught:
        await fetch(session, web.url(HOST, "/slow"), timeout=aiohttp.ClientTimeout(total=0.05))
    assert not isinstance(caught.value, aiohttp.ClientError)


@pytest.mark.asyncio
async def test_slow_beyond_the_read_timeout_is_a_server_timeout(web: FakeWeb, session: aiohttp.ClientSession) -> None:
    with pytest.raises(aiohttp.SocketTimeoutError) as caught:
        await fetch(session, web.url(HOST, "/slow"), timeout=aiohttp.ClientTimeout(sock_read=0.05))
    assert isinstance(caught.value, aiohttp.ServerTimeoutError)
    assert isinstance(caught.value, asyncio.TimeoutError)  # both kinds at once


# --- Failures ---------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_undeclared_host_is_a_dns_failure(web: FakeWeb, session: aiohttp.ClientSession) -> None:
    with pytest.raises(aiohttp.ClientConnectorDNSError) as caught:
        await fetch(session, web.url("nowhere.example.org"))
    assert isinstance(caught.value.os_error, socket.gaierror)
    assert caught.value.os_error.errno == socket.EAI_NONAME


@pytest.mark.asyncio
async def test_unresolvable_host_fails_its_lookup_for_now(web: FakeWeb, session: aiohttp.ClientSession) -> None:
    with pytest.raises(aiohttp.ClientConnectorDNSError) as caught:
        await fetch(session, web.url("offline.example.org"))
    assert caught.value.os_error.errno == socket.EAI_AGAIN  # "try again": what a machine without network says


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("http://down.example.org/", id="refused-host-http"),
        pytest.param("https://down.example.org/", id="refused-host-https"),
        pytest.param("http://www.example.org:8080/", id="undeclared-port"),
    ],
)
@pytest.mark.asyncio
async def test_refused_connection_is_not_a_dns_failure(session: aiohttp.ClientSession, url: str) -> None:
    with pytest.raises(aiohttp.ClientConnectorError) as caught:
        await fetch(session, url)
    assert not isinstance(caught.value, aiohttp.ClientConnectorDNSError)
    assert isinstance(caught.value.os_error, ConnectionRefusedError)
    assert caught.value.os_error.errno == errno.ECONNREFUSED


@pytest.mark.asyncio
async def test_expired_certificate(web: FakeWeb, session: aiohttp.ClientSession) -> None:
    with pytest.raises(aiohttp.ClientConnectorCertificateError) as caught:
        await fetch(session, web.url("expired.example.org", scheme="https"))
    assert "expired" in str(caught.value.certificate_error)
    assert caught.value.certificate_error.verify_code == tls.X509_V_ERR_CERT_HAS_EXPIRED  # type: ignore[attr-defined]
    # It ended on a known day, so tests can expect the date in the reason.
    ended = await tls.expiry_date(session, web.url("expired.example.org", scheme="https"), timeout=TIMEOUT)
    assert ended == EXPIRED_CERTIFICATE_ENDED.date()
    # Only the certificate is stale: the same host over plain HTTP answers.
    assert await fetch(session, web.url("expired.example.org")) == (200, "stale")


@pytest.mark.parametrize("scheme", ["http", "https"])
@pytest.mark.asyncio
async def test_malformed_answers_bytes_that_are_not_http(
    web: FakeWeb, session: aiohttp.ClientSession, scheme: str
) -> None:
    with pytest.raises(aiohttp.ClientResponseError) as caught:
        await fetch(session, web.url(HOST, "/ssh", scheme))
    assert caught.value.status == 400  # aiohttp's parser refused it (its words vary by version)
    assert "SSH-2.0" in caught.value.message


@pytest.mark.parametrize("scheme", ["http", "https"])
@pytest.mark.asyncio
async def test_reset_drops_the_connection(web: FakeWeb, session: aiohttp.ClientSession, scheme: str) -> None:
    # A TCP reset surfaces as ClientOSError(ECONNRESET); a clean close would be ServerDisconnectedError.
    with pytest.raises(aiohttp.ClientOSError) as caught:
        await fetch(session, web.url(HOST, "/reset", scheme))
    assert caught.value.errno == errno.ECONNRESET


@pytest.mark.asyncio
async def test_untrusted_client_rejects_the_certificate(web: FakeWeb) -> None:
    connector = aiohttp.TCPConnector(resolver=web.resolver)  # the system CAs only
    async with aiohttp.ClientSession(connector=connector) as client:
        with pytest.raises(aiohttp.ClientConnectorCertificateError):
            await fetch(client, web.url(HOST, "/new", "https"))


# --- Mail domains ------------------------------------------------------------------------

# (id, domain asked, its exchangers or the error)
MAIL_ANSWERS = [
    ("declared MX records", "nhs.net", ["mx1.nhs.net", "mx2.nhs.net"]),
    ("names compare as DNS does", "NHS.net.", ["mx1.nhs.net", "mx2.nhs.net"]),
    ("a web host: an address, no MX", HOST, []),
    ("a refused host still has an address", "down.example.org", []),
    ("declared without exchangers: takes no mail", "no-mail.example.org", NoMailHost),
    ("anything else: NXDOMAIN", "nowhere.example.org", NoSuchDomain),
]


@pytest.mark.parametrize(("domain", "expected"), [r[1:] for r in MAIL_ANSWERS], ids=[r[0] for r in MAIL_ANSWERS])
@pytest.mark.asyncio
async def test_mail_resolver(web: FakeWeb, domain: str, expected: object) -> None:
    if isinstance(expected, list):
        assert await web.mail_resolver.mail_exchangers(domain) == expected
    else:
        assert isinstance(expected, type)
        with pytest.raises(expected):
            await web.mail_resolver.mail_exchangers(domain)
    assert web.mail_resolver.lookups == [domain]


# --- Recording, the resolver, setup -----------------------------------------------------


@pytest.mark.asyncio
async def test_requests_are_recorded(web: FakeWeb, session: aiohttp.ClientSession) -> None:
    await fetch(session, web.url(HOST, "/search?q=fake", "https"), headers={"User-Agent": "auditor-test"})
    await fetch(session, web.url(HOST, "/no-head"), "HEAD")
    seen = [(r.scheme, r.host, r.method, r.path_qs) for r in web.requests]
    assert seen == [("https", HOST, "GET", "/search?q=fake"), ("http", HOST, "HEAD", "/no-head")]
    assert web.requests[0].headers["User-Agent"] == "auditor-test"


@pytest.mark.asyncio
async def test_resolver_answers_like_getaddrinfo(web: FakeWeb) -> None:
    [http] = await web.resolver.resolve("WWW.Example.org.", 80)
    [https] = await web.resolver.resolve(HOST, 443)
    assert http["host"] == https["host"] == "127.0.0.1"
    assert http["hostname"] == "WWW.Example.org."
    assert (http["family"], http["proto"], http["flags"]) == (socket.AF_INET, 0, socket.AI_NUMERICHOST)
    assert http["port"] != https["port"]
    with pytest.raises(socket.gaierror):
        await web.resolver.resolve("nowhere.example.org", 80)


@pytest.mark.asyncio
async def test_connector_helper_and_http_only() -> None:
    async with FakeWeb({HOST: {"/": page("plain")}}, https=False) as fake:
        with pytest.raises(RuntimeError, match="https=False"):
            fake.client_ssl  # noqa: B018
        async with aiohttp.ClientSession(connector=fake.connector()) as client:
            assert await fetch(client, fake.url(HOST)) == (200, "plain")


def test_the_module_docstring_example_runs() -> None:
    doc = fakeweb.__doc__ or ""
    block = doc[doc.index("    import aiohttp") : doc.index("\nRouting:")]
    namespace: dict[str, object] = {}
    exec("async def example():\n" + block, namespace)
    asyncio.run(namespace["example"]())  # type: ignore[operator]


def test_trustme_is_not_needed_to_import() -> None:
    code = "import sys, auditor.fakeweb; sys.exit('trustme' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_url() -> None:
    assert FakeWeb({}).url(HOST, "/new") == "http://www.example.org/new"
    assert FakeWeb({}).url(HOST, "/x?y=1", "https") == "https://www.example.org/x?y=1"


@pytest.mark.parametrize(
    ("build", "message"),
    [
        pytest.param(lambda: FakeWeb({HOST: {"new": page("x")}}), "must start with '/'", id="relative-path"),
        pytest.param(lambda: FakeWeb({HOST: {"/": "x"}}), "is not a handler", id="not-a-handler"),
        pytest.param(
            lambda: FakeWeb({HOST: {}}, expired_tls={"other.org"}), "undeclared hosts", id="expired-undeclared"
        ),
        pytest.param(lambda: redirect(200, "/new"), "must be 3xx", id="redirect-not-3xx"),
        pytest.param(lambda: sequence(), "at least one", id="empty-sequence"),
        pytest.param(lambda: FakeWeb({}, mail={"nhs.net": "mx1.nhs.net"}), "list of exchanger names", id="mail-str"),
    ],
)
def test_declaration_mistakes_say_what_to_fix(build: object, message: str) -> None:
    with pytest.raises((ValueError, TypeError), match=message):
        build()  # type: ignore[operator]
