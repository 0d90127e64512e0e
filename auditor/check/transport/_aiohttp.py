"""The aiohttp transport: the HTTP stack the checker was built on, kept as the fallback.

Its exceptions become :class:`Trouble` kinds in :func:`trouble_of`, most specific first, as
aiohttp's own hierarchy is (``client_exceptions.py``)::

    ClientConnectorDNSError (os_error: AddressRefused)   ADDRESS_REFUSED
    ClientConnectorDNSError                              NO_SUCH_NAME / DNS_FAILED
    ClientConnectorCertificateError                      CERTIFICATE (expired: verify code 10)
    ClientSSLError                                       TLS_HANDSHAKE
    ClientConnectorError                                 CONNECTION_REFUSED / CANNOT_CONNECT
    ServerTimeoutError, TimeoutError                     TIMEOUT
    ServerDisconnectedError, ClientOSError,
    ClientPayloadError                                   BROKE_OFF
    InvalidURL, ValueError, UnicodeError                 INVALID_URL
    ClientResponseError                                  MALFORMED
    ClientError                                          OTHER
"""

from __future__ import annotations

import asyncio
import datetime as dt
import errno
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult

from auditor.check import tls
from auditor.check.addresses import AddressPolicy
from auditor.check.guard import AddressRefused, Guard
from auditor.check.transport._base import Answer, TransportError, Trouble, no_such_name
from auditor.untrusted import quoted

if TYPE_CHECKING:
    from aiohttp.tracing import Trace


class AiohttpTransport:
    """One aiohttp session over one :class:`GuardedConnector`."""

    name = "aiohttp"

    def __init__(
        self,
        resolver: AbstractResolver,
        policy: AddressPolicy,
        *,
        ssl: aiohttp.Fingerprint | bool | object = True,
        cookies: aiohttp.abc.AbstractCookieJar | None = None,
    ) -> None:
        self.connector = GuardedConnector(
            policy=policy,
            limit=0,  # the limits are the fetcher's: --max-concurrency and the politeness slots
            limit_per_host=0,
            resolver=resolver,
            ssl=ssl,
            ttl_dns_cache=300,
        )
        self.guard = self.connector.guard
        jar = cookies if cookies is not None else aiohttp.DummyCookieJar()
        self.session = aiohttp.ClientSession(connector=self.connector, cookie_jar=jar)
        self._timeouts: dict[float, aiohttp.ClientTimeout] = {}

    def _timeout(self, seconds: float) -> aiohttp.ClientTimeout:
        timeout = self._timeouts.get(seconds)
        if timeout is None:
            timeout = self._timeouts[seconds] = aiohttp.ClientTimeout(total=seconds)
        return timeout

    async def request(
        self, method: str, url: str, headers: Mapping[str, str], *, max_bytes: int, timeout: float
    ) -> Answer:
        try:
            async with self.session.request(
                method, url, allow_redirects=False, timeout=self._timeout(timeout), headers=headers
            ) as response:
                body = await _read_at_most(response.content, max_bytes) if max_bytes > 0 else b""
                answered = {k.lower(): v for k, v in response.headers.items()}
                return Answer(str(response.url), response.status, answered, body)
        except (TimeoutError, aiohttp.ClientError, ValueError, UnicodeError) as exc:
            raise trouble_of(exc) from exc

    async def expiry_date(self, url: str, *, timeout: float, now: dt.datetime | None = None) -> dt.date | None:
        return await tls.expiry_date(self.session, url, timeout=self._timeout(timeout), now=now)

    async def close(self) -> None:
        await self.session.close()


async def _read_at_most(stream: aiohttp.StreamReader, limit: int) -> bytes:
    """The body up to ``limit`` bytes (``read(n)`` alone stops at the first chunk)."""
    chunks = []
    size = 0
    while size < limit:
        chunk = await stream.read(limit - size)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def trouble_of(exc: BaseException) -> TransportError:
    """The kind of failure an aiohttp exception is (see the module doc); re-raises what is not one."""
    if isinstance(exc, TransportError):
        return exc
    if isinstance(exc, aiohttp.ClientConnectorDNSError):
        host, port = exc.host, exc.port
        if isinstance(exc.os_error, AddressRefused):
            return TransportError(Trouble.ADDRESS_REFUSED, exc.os_error.reason, host=host, port=port)
        kind = Trouble.NO_SUCH_NAME if no_such_name(exc.os_error) else Trouble.DNS_FAILED
        return TransportError(kind, str(exc.os_error), host=host, port=port)
    if isinstance(exc, aiohttp.ClientConnectorCertificateError):
        cert_error = exc.certificate_error
        message = getattr(cert_error, "verify_message", None) or str(cert_error)
        return TransportError(Trouble.CERTIFICATE, message, host=exc.host, port=exc.port, expired=tls.has_expired(exc))
    if isinstance(exc, aiohttp.ClientSSLError):
        return TransportError(Trouble.TLS_HANDSHAKE, str(exc.os_error), host=exc.host, port=exc.port)
    if isinstance(exc, aiohttp.ClientConnectorError):
        if getattr(exc.os_error, "errno", None) == errno.ECONNREFUSED:
            return TransportError(Trouble.CONNECTION_REFUSED, str(exc.os_error), host=exc.host, port=exc.port)
        return TransportError(Trouble.CANNOT_CONNECT, str(exc.os_error), host=exc.host, port=exc.port)
    if isinstance(exc, aiohttp.ServerTimeoutError | asyncio.TimeoutError | TimeoutError):
        return TransportError(Trouble.TIMEOUT, words(exc))
    if isinstance(exc, aiohttp.ServerDisconnectedError | aiohttp.ClientPayloadError | aiohttp.ClientOSError):
        return TransportError(Trouble.BROKE_OFF, words(exc))
    if isinstance(exc, aiohttp.InvalidURL | ValueError | UnicodeError):
        return TransportError(Trouble.INVALID_URL, words(exc))
    if isinstance(exc, aiohttp.ClientResponseError):
        return TransportError(Trouble.MALFORMED, _parser_words(exc))
    if isinstance(exc, aiohttp.ClientError):
        return TransportError(Trouble.OTHER, words(exc))
    raise exc


def _parser_words(exc: aiohttp.ClientResponseError) -> str:
    """The HTTP parser's complaint on one line, without the caret pointing at the bad byte."""
    lines = (line.strip() for line in str(exc.message).splitlines())
    text = " ".join(line for line in lines if line.strip("^ "))
    return quoted(text) if text else words(exc)  # it may quote the server's bytes


def words(exc: BaseException) -> str:
    text = quoted(str(exc))  # an error may quote what the server sent
    return f"{exc.__class__.__name__}: {text}" if text else exc.__class__.__name__


class GuardedConnector(aiohttp.TCPConnector):
    """A TCPConnector that connects only to addresses ``policy`` allows (see the module doc)."""

    def __init__(self, *, policy: AddressPolicy, resolver: AbstractResolver, **kwargs: Any) -> None:
        super().__init__(resolver=resolver, **kwargs)
        self.policy = policy
        self.guard = Guard(policy, resolver)

    async def _resolve_host(self, host: str, port: int, traces: Sequence[Trace] | None = None) -> list[ResolveResult]:
        parent = super()._resolve_host
        return await self.guard.addresses(host, port, lambda: parent(host, port, traces=traces))

    def refusal_as_written(self, host: str, port: int) -> str | None:
        """Why ``host`` is refused before any lookup (an address literal, a loopback name), or None."""
        return self.guard.refusal_as_written(host, port)

    async def is_public(self, host: str) -> bool:
        """Whether ``host`` is public (see :meth:`Guard.is_public`)."""
        return await self.guard.is_public(host)
