"""What every transport speaks: one request is one hop, answered by an :class:`Answer` or
refused with a :class:`TransportError` whose :class:`Trouble` says what kind of failure it
was. Turning a trouble into a verdict's words is :mod:`auditor.check.failures`' business."""

from __future__ import annotations

import datetime as dt
import enum
import socket
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

_NO_SUCH_NAME = {socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME)}


class Trouble(enum.Enum):
    """The kinds of failure a transport reports, whatever the HTTP stack under it."""

    ADDRESS_REFUSED = "the address policy refuses every address of the host"
    NO_SUCH_NAME = "the name does not exist (NXDOMAIN)"
    DNS_FAILED = "the name lookup failed for now"
    CERTIFICATE = "the server's certificate is refused"
    TLS_HANDSHAKE = "the TLS handshake failed"
    CONNECTION_REFUSED = "nothing accepts the connection"
    CANNOT_CONNECT = "the connection could not be made"
    TIMEOUT = "no answer in time"
    BROKE_OFF = "the answer broke off"
    INVALID_URL = "the URL cannot be put in a request"
    MALFORMED = "the answer is not HTTP the parser accepts"
    OTHER = "any other failure of the request"


class TransportError(Exception):
    """A request that got no answer: ``kind``, the ``host`` and ``port`` asked, the stack's
    words (``detail``, already quoted: it may repeat the server's bytes), and for a refused
    certificate whether it had expired (the date is then read by ``expiry_date``)."""

    def __init__(
        self, kind: Trouble, detail: str, *, host: str = "", port: int | None = None, expired: bool = False
    ) -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail
        self.host = host
        self.port = port
        self.expired = expired

    def __repr__(self) -> str:
        return f"TransportError({self.kind.name}, {self.detail!r}, host={self.host!r}, port={self.port})"


@dataclass(frozen=True, slots=True)
class Answer:
    """One HTTP answer (no redirect followed): the URL asked (as the stack normalised it), the
    status, the headers with lower-case names (the last of repeated ones), and at most
    ``max_bytes`` of the decoded body."""

    url: str
    status: int
    headers: Mapping[str, str]
    body: bytes


class Transport(Protocol):
    """An HTTP stack as the checker uses it. Every connection it makes honours the run's
    :class:`~auditor.check.transport.Network` (resolver, CA) and the address policy on the
    resolved address (:class:`~auditor.check.guard.Guard`), on every hop."""

    async def request(
        self, method: str, url: str, headers: Mapping[str, str], *, max_bytes: int, timeout: float
    ) -> Answer:
        """``method url`` once, redirects not followed; raises :class:`TransportError`."""
        ...

    async def expiry_date(self, url: str, *, timeout: float, now: dt.datetime | None = None) -> dt.date | None:
        """The day the certificate ``url``'s host serves ended, read by an unverified handshake
        (no request sent); None when it cannot be read or has not ended."""
        ...

    async def close(self) -> None: ...


def no_such_name(error: BaseException) -> bool:
    """Whether a failed name lookup says the name does not exist (rather than "try again").

    ``getaddrinfo`` says it with an errno; aiohttp's AsyncResolver raises a bare
    ``OSError`` caused by c-ares's ``DNSError``, which carries the code.
    """
    if getattr(error, "errno", None) in _NO_SUCH_NAME:
        return True
    # The same answers from c-ares, which aiohttp's AsyncResolver (and the MX lookup) use; not
    # imported for this: no DNSError exists before something has loaded aiodns.
    ares = sys.modules.get("aiodns.error")
    if ares is None:
        return False
    cause = error if isinstance(error, ares.DNSError) else error.__cause__
    return (
        isinstance(cause, ares.DNSError)
        and bool(cause.args)
        and cause.args[0] in (ares.ARES_ENOTFOUND, ares.ARES_ENODATA)
    )


def lookup_trouble(host: str, port: int, error: BaseException) -> TransportError:
    """A failed name lookup (or the policy refusing what it found) as a transport error."""
    from auditor.check.guard import AddressRefused

    if isinstance(error, AddressRefused):
        return TransportError(Trouble.ADDRESS_REFUSED, error.reason, host=host, port=port)
    if no_such_name(error):
        return TransportError(Trouble.NO_SUCH_NAME, str(error), host=host, port=port)
    return TransportError(Trouble.DNS_FAILED, str(error), host=host, port=port)
