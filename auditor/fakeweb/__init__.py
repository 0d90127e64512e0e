"""A fake web: local HTTP and HTTPS servers that serve sites declared as data.

Tests (and the offline ``auditor demo``) point the product's own aiohttp client at it
through an injected resolver, so nothing ever touches the real internet, yet every
failure is a real one: a real DNS error, a refused port, an expired certificate, a
reset connection.

    import aiohttp
    from auditor.fakeweb import FakeWeb, malformed, not_found, page, redirect, refused, reset, sequence, slow, status
    from auditor.fakeweb import echo_headers, unresolvable

    sites = {
        "www.example.org": {
            "/old": redirect(301, "/new"),                    # relative or absolute Location
            "/new": page("<title>New</title><p>Hello</p>"),   # 200 text/html
            "/gone": status(410),                             # any status, small body
            "/flaky": sequence(status(503), page("ok")),      # 503 once, then 200
            "/slow": slow(2.0, page("late")),                 # wait, then answer
            "/reset": reset(),                                # close without an answer
            "/echo": echo_headers(),                          # 200, the request's headers as JSON
            "/ssh": malformed(),                              # bytes that are not HTTP
            "*": not_found(),                                 # any other path on this host
        },
        "expired.example.org": {"/": page("ok")},
        "down.example.org": refused(),                        # nothing listens
        "www.cancer.gov": unresolvable(),                     # DNS says "try again", as when offline
        "intranet.example.org": {"/": page("staff only")},   # pretends 10.0.0.5 (addresses=)
        "169.254.169.254": {"*": page("secrets")},           # an address literal is served too
    }
    # hostile answers: gzip_bomb(10**9), endless(), drip(1.0), huge_header(100_000), many_headers(10_000)
    async with FakeWeb(sites, expired_tls={"expired.example.org"}) as web:
        connector = aiohttp.TCPConnector(resolver=web.resolver, ssl=web.client_ssl)
        async with aiohttp.ClientSession(connector=connector) as session:
            async with session.get(web.url("www.example.org", "/old")) as response:
                assert response.status == 200 and response.history[0].status == 301
        assert web.requests[0].path_qs == "/old"

    async with FakeWeb(sites, mail={"nhs.net": ["mx1.nhs.net"]}) as web:
        assert await web.mail_resolver.mail_exchangers("nhs.net") == ["mx1.nhs.net"]
        assert await web.mail_resolver.mail_exchangers("www.example.org") == []  # an address, no MX

Routing: the Host header (without its port) picks the site; within it the exact
path+query wins, then the exact path, then ``"*"``. Port 80 goes to the HTTP server,
443 to the HTTPS server, any other port is refused, as on most real hosts. A name that
is not declared fails like a real DNS lookup (aiohttp raises ``ClientConnectorDNSError``).

Addresses: every name leads to 127.0.0.1 but *stands for* an address the product's
address policy judges (``web.resolver.stands_for(host)``): the one given in
``FakeWeb(sites, addresses={"intranet.example.org": "10.0.0.5"})``, else the public
:data:`PUBLIC_ADDRESS`; a host declared as an address literal stands for itself, and is
served when the product's guarded connector asks for it (an undeclared literal fails like
an unknown name, so no test reaches a real address). ``web.requests_to(host)`` lists
the requests a host received.

Mail: ``web.mail_resolver`` answers the product's MX question
(:class:`auditor.check.mail.MailResolver`): a domain declared in ``mail`` has those
exchangers, a declared web host has an address and no MX, any other name is NXDOMAIN
(``NoSuchDomain``). It records every question in ``web.mail_resolver.lookups``.

What the aiohttp client raises (aiohttp 3.14; catch the most specific first, since
both DNS and certificate errors are also ``ClientConnectorError``)::

    undeclared host        ClientConnectorDNSError (os_error: socket.gaierror)
    refused() / other port ClientConnectorError (os_error: ConnectionRefusedError)
    unresolvable()         ClientConnectorDNSError (os_error: socket.gaierror, errno EAI_AGAIN)
    expired_tls host       ClientConnectorCertificateError (also a ClientSSLError); verify_code 10,
                           the certificate ended on EXPIRED_CERTIFICATE_ENDED (2020-01-01)
    reset()                ClientOSError (errno ECONNRESET), not ServerDisconnectedError
    slow() past total=     TimeoutError, which is not an aiohttp ClientError
    slow() past sock_read= SocketTimeoutError (a ServerTimeoutError and a TimeoutError)
    malformed()            ClientResponseError (the parser's words: "Bad status line ..."), status 400

A handler is any aiohttp web handler; the factories here build small frozen dataclasses
that are such handlers, so a test may also pass its own ``async def``.
"""

from __future__ import annotations

from auditor.fakeweb._handlers import (
    EchoHeaders,
    Handler,
    HeadRefused,
    Malformed,
    Page,
    Redirect,
    Refused,
    Reset,
    Sequence,
    Slow,
    Unresolvable,
    echo_headers,
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
from auditor.fakeweb._hostile import drip, endless, gzip_bomb, huge_header, many_headers
from auditor.fakeweb._mail import FakeMailResolver
from auditor.fakeweb._server import (
    EXPIRED_CERTIFICATE_ENDED,
    PUBLIC_ADDRESS,
    FakeResolver,
    FakeWeb,
    RecordedRequest,
    Site,
)

__all__ = [
    "EXPIRED_CERTIFICATE_ENDED",
    "PUBLIC_ADDRESS",
    "EchoHeaders",
    "FakeMailResolver",
    "FakeResolver",
    "FakeWeb",
    "Handler",
    "HeadRefused",
    "Malformed",
    "Page",
    "RecordedRequest",
    "Redirect",
    "Refused",
    "Reset",
    "Sequence",
    "Site",
    "Slow",
    "Unresolvable",
    "drip",
    "echo_headers",
    "endless",
    "gzip_bomb",
    "head_refused",
    "html_page",
    "huge_header",
    "malformed",
    "many_headers",
    "not_found",
    "page",
    "redirect",
    "refused",
    "reset",
    "sequence",
    "slow",
    "status",
    "unresolvable",
]
