"""The servers: one aiohttp application per scheme on a free local port, and the resolver that leads there."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import ssl
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

import aiohttp
from aiohttp import web
from aiohttp.abc import AbstractResolver, ResolveResult
from multidict import CIMultiDict, CIMultiDictProxy

from auditor.fakeweb._handlers import Handler, Refused, Unresolvable
from auditor.fakeweb._mail import FakeMailResolver, check_mail

if TYPE_CHECKING:
    from auditor.check.transport import Network

LOCALHOST = "127.0.0.1"
#: The address every declared name stands for unless ``addresses`` says otherwise: a
#: public documentation address (TEST-NET-3), so the product's address policy
#: (auditor.check.addresses) sees a public host, as it would on the real web.
PUBLIC_ADDRESS = "203.0.113.80"
#: When the certificate of the ``expired_tls`` hosts ended (its notAfter): a fixed day, so
#: tests can expect "expired on 2020-01-01".
EXPIRED_CERTIFICATE_ENDED = datetime(2020, 1, 1, tzinfo=UTC)
# Long enough to let an answered request finish, short enough that a test leaving a
# slow request behind does not wait for it on the way out.
SHUTDOWN_TIMEOUT = 0.1

Site = Mapping[str, Handler] | Refused | Unresolvable


def _host(name: str) -> str:
    """The form host names are compared in: lower case, no trailing dot."""
    return name.rstrip(".").lower()


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """A request as the fake web received it, for tests to assert on."""

    scheme: str
    host: str
    method: str
    path_qs: str
    headers: CIMultiDictProxy[str]


class FakeResolver(AbstractResolver):
    """Resolve declared names to the fake web's local servers; any other name is a DNS failure.

    Every name leads to 127.0.0.1, but *stands for* its declared address
    (:meth:`stands_for`, the product's ``StandIn``): that is what the product's address
    policy judges. A host declared as an address literal (``"169.254.169.254"``) is
    served too, when the product asks for it (its guarded connector does).
    """

    def __init__(
        self,
        sites: Mapping[str, Site],
        ports: Mapping[int, int],
        refused_port: int,
        addresses: Mapping[str, str] | None = None,
    ) -> None:
        self._sites = sites
        self._ports = ports
        self._refused_port = refused_port
        self._addresses = dict(addresses or {})

    def __getstate__(self) -> dict[str, Any]:
        # How each name answers, not the sites' handlers: the resolver pickles, so cluster
        # workers (auditor.cluster.network) resolve as this process does.
        routes: dict[str, Site] = {
            name: site if isinstance(site, Refused | Unresolvable) else {} for name, site in self._sites.items()
        }
        return {**self.__dict__, "_sites": routes}

    def stands_for(self, host: str) -> str:
        """The address ``host`` pretends to have: declared in ``addresses``, else a public one;
        an address literal stands for itself."""
        name = _host(host).strip("[]")
        if name in self._addresses:
            return self._addresses[name]
        try:
            return str(ipaddress.ip_address(name))
        except ValueError:
            return PUBLIC_ADDRESS

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        site = self._sites.get(_host(host))
        if site is None:
            # A gaierror is what getaddrinfo raises, so aiohttp reports a genuine DNS failure.
            raise socket.gaierror(socket.EAI_NONAME, f"fakeweb: {host!r} is not declared in the sites")
        if isinstance(site, Unresolvable):
            raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
        target = self._refused_port if isinstance(site, Refused) else self._ports.get(port, self._refused_port)
        return [
            ResolveResult(
                hostname=host,
                host=LOCALHOST,
                port=target,
                family=socket.AF_INET,
                proto=0,
                flags=socket.AI_NUMERICHOST,
            )
        ]

    async def close(self) -> None:
        """Nothing to release: the servers belong to the :class:`FakeWeb`."""


class FakeWeb:
    """Serve ``sites`` over HTTP and HTTPS on local ports for the life of an ``async with`` block.

    ``expired_tls`` names hosts whose HTTPS certificate has expired (it ended on
    :data:`EXPIRED_CERTIFICATE_ENDED`). ``https=False`` skips the HTTPS server and with it
    the test-only ``trustme`` dependency. ``mail`` declares mail domains and their MX
    records (``{"nhs.net": ["mx1.nhs.net"]}``), answered by :attr:`mail_resolver`.
    ``addresses`` gives declared hosts the address they pretend to have
    (``{"intranet.example.org": "10.0.0.5"}``); others pretend :data:`PUBLIC_ADDRESS`.
    """

    def __init__(
        self,
        sites: Mapping[str, Site],
        *,
        expired_tls: Collection[str] = (),
        https: bool = True,
        mail: Mapping[str, Sequence[str]] | None = None,
        addresses: Mapping[str, str] | None = None,
    ) -> None:
        self._sites = _check_sites(sites)
        self._addresses = {_host(name): str(ipaddress.ip_address(a)) for name, a in (addresses or {}).items()}
        if unknown := sorted(self._addresses.keys() - self._sites.keys()):
            raise ValueError(f"addresses names undeclared hosts {unknown}; declare them in the sites too")
        self._mail_resolver = FakeMailResolver(check_mail(mail or {}), self._sites)
        self._expired = frozenset(_host(name) for name in expired_tls)
        if unknown := sorted(self._expired - self._sites.keys()):
            raise ValueError(f"expired_tls names undeclared hosts {unknown}; declare them in the sites too")
        if self._expired and not https:
            raise ValueError("expired_tls needs https=True")
        self._https = https
        self._runners: list[web.AppRunner] = []
        self._refused: socket.socket | None = None
        self._ports: dict[int, int] = {}
        self._resolver: FakeResolver | None = None
        self._client_ssl: ssl.SSLContext | None = None
        self.requests: list[RecordedRequest] = []

    async def __aenter__(self) -> Self:
        try:
            await self.start()
        except BaseException:
            await self.close()  # a half-started fake web must not keep its ports
            raise
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def start(self) -> None:
        """Start the servers; ports are chosen by the system, so parallel tests never clash."""
        # Bound but never listening: connecting is refused, and no other process can take the port.
        self._refused = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._refused.bind((LOCALHOST, 0))
        self._ports[80] = await self._serve(None)
        if self._https:
            # Key generation and trustme's temporary files stay off the event loop.
            server_ssl, self._client_ssl = await asyncio.to_thread(_tls_contexts, self._sites, self._expired)
            self._ports[443] = await self._serve(server_ssl)
        self._resolver = FakeResolver(self._sites, self._ports, self._refused.getsockname()[1], self._addresses)

    async def close(self) -> None:
        """Stop the servers and release the ports."""
        for runner in self._runners:
            await runner.cleanup()
        self._runners.clear()
        if self._refused is not None:
            self._refused.close()
            self._refused = None

    @property
    def resolver(self) -> FakeResolver:
        """The resolver to give ``aiohttp.TCPConnector(resolver=...)``."""
        if self._resolver is None:
            raise RuntimeError("the fake web is not started; use `async with FakeWeb(sites) as web`")
        return self._resolver

    @property
    def client_ssl(self) -> ssl.SSLContext:
        """A client context trusting the fake web's certificate authority, for ``TCPConnector(ssl=...)``."""
        if self._client_ssl is None:
            raise RuntimeError("no HTTPS: the fake web is not started, or was built with https=False")
        return self._client_ssl

    @property
    def network(self) -> Network:
        """The one object that points the product at this fake web: its resolver (with the
        pretend addresses), its CA (when it serves HTTPS) and its mail resolver; give it to
        ``check_sources(network=...)`` and every transport honours it."""
        from auditor.check.transport import Network

        return Network(
            resolver=self.resolver, ssl=self._client_ssl if self._https else None, mail_resolver=self._mail_resolver
        )

    @property
    def mail_resolver(self) -> FakeMailResolver:
        """The mail resolver to give ``check_references(mail_resolver=...)``; ``.lookups`` lists the questions.

        A domain in ``mail`` answers its exchangers; a declared web host has an address
        and no MX; any other name is NXDOMAIN.
        """
        return self._mail_resolver

    def connector(self, **kwargs: Any) -> aiohttp.TCPConnector:
        """An ``aiohttp.TCPConnector`` wired to the fake web; ``kwargs`` go to the connector."""
        if self._https:
            kwargs.setdefault("ssl", self.client_ssl)
        return aiohttp.TCPConnector(resolver=self.resolver, **kwargs)

    def requests_to(self, host: str) -> list[RecordedRequest]:
        """The requests that reached ``host`` (as its Host header named it), in order."""
        name = _host(host).strip("[]")
        return [r for r in self.requests if r.host.strip("[]") == name]

    def url(self, host: str, path: str = "/", scheme: str = "http") -> str:
        """The URL a client would use: ``web.url("www.example.org", "/new")``."""
        return f"{scheme}://{host}{path}"

    async def _serve(self, server_ssl: ssl.SSLContext | None) -> int:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        runner = web.AppRunner(app, access_log=None, handler_cancellation=True, shutdown_timeout=SHUTDOWN_TIMEOUT)
        await runner.setup()
        self._runners.append(runner)
        await web.TCPSite(runner, LOCALHOST, 0, ssl_context=server_ssl).start()
        port: int = runner.addresses[0][1]
        return port

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        host = _host(request.url.host or "")
        scheme = "https" if request.secure else "http"
        self.requests.append(
            RecordedRequest(
                scheme, host, request.method, request.path_qs, CIMultiDictProxy(CIMultiDict(request.headers))
            )
        )
        site = self._sites.get(host)
        if site is None or isinstance(site, Refused | Unresolvable):
            return web.Response(status=HTTPStatus.MISDIRECTED_REQUEST, text=f"fakeweb: no site declared for {host!r}")
        handler = next((site[key] for key in (request.path_qs, request.path, "*") if key in site), None)
        if handler is None:
            return web.Response(
                status=HTTPStatus.NOT_FOUND,
                text=f"fakeweb: {host} declares no {request.path!r}; add it, or a '*' fallback",
            )
        return await handler(request)


def _check_sites(sites: Mapping[str, Site]) -> dict[str, Site]:
    """Normalise host names and catch declaration mistakes early, with a message saying what to fix."""
    checked: dict[str, Site] = {}
    for name, site in sites.items():
        if not isinstance(site, Refused | Unresolvable | Mapping):
            raise TypeError(
                f"site {name!r}: expected a mapping of paths to handlers, refused() or unresolvable(), got {site!r}"
            )
        if isinstance(site, Mapping):
            for path, handler in site.items():
                if path != "*" and not path.startswith("/"):
                    raise ValueError(f"site {name!r}: path {path!r} must start with '/' (or be '*')")
                if not callable(handler):
                    raise TypeError(f"site {name!r}, path {path!r}: {handler!r} is not a handler")
        checked[_host(name)] = site
    return checked


def _tls_contexts(sites: Iterable[str], expired: frozenset[str]) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """Server and client contexts from a fresh trustme CA; SNI picks the expired certificate."""
    try:
        import trustme  # test-only dependency: imported when HTTPS is actually used
    except ModuleNotFoundError as exc:
        raise ModuleNotFoundError(
            "the fake web's HTTPS needs trustme: pip install -e '.[test]', or use FakeWeb(sites, https=False)"
        ) from exc

    ca = trustme.CA()
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(*(sorted(set(sites) - expired) or ["localhost"])).configure_cert(server)
    if expired:
        ended = EXPIRED_CERTIFICATE_ENDED
        stale = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert(*sorted(expired), not_before=ended - timedelta(days=365), not_after=ended).configure_cert(stale)

        def choose(conn: ssl.SSLObject, server_name: str | None, _: ssl.SSLContext) -> None:
            if server_name is not None and _host(server_name) in expired:
                conn.context = stale

        server.sni_callback = choose
    # Only the fake CA, not the system's: cheaper to build, and no real site could pass for a fake one.
    client = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ca.configure_trust(client)
    return server, client
