"""The one place where an exception from fetching becomes a verdict.

Most specific first, as aiohttp's own hierarchy is (``client_exceptions.py``):

    ClientConnectorDNSError           the address policy refuses     skipped (see auditor.check.guard)
      (os_error: AddressRefused)
    ClientConnectorDNSError           the name does not resolve      dead (NXDOMAIN) / error (temporary)
    ClientConnectorCertificateError   the certificate is refused     error "TLS: ..." (with the date, if expired)
    ClientSSLError                    the TLS handshake failed       error "TLS: ..."
    ClientConnectorError              nothing accepts the connection dead if refused, else error
    ServerTimeoutError, TimeoutError  no answer in time              error, retried
    ServerDisconnectedError,
    ClientOSError, ClientPayloadError the answer broke off           error, retried
    ClientResponseError, InvalidURL,
    ValueError, UnicodeError          the answer or URL is malformed error

A failure also says whether it happened at the network level (DNS or connection):
when nearly every host fails that way, the network itself is down and nothing is
called dead (see :mod:`auditor.check.engine`).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import errno
import socket
from dataclasses import dataclass

import aiohttp
from aiodns.error import ARES_ENODATA, ARES_ENOTFOUND, DNSError

from auditor.check.guard import AddressRefused
from auditor.untrusted import quoted
from auditor.verdict import Status

_NO_SUCH_NAME = {socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME)}
# The same answers from c-ares, which aiohttp's AsyncResolver (and the MX lookup) use.
_ARES_NO_SUCH_NAME = {ARES_ENOTFOUND, ARES_ENODATA}


@dataclass(frozen=True, slots=True)
class Failure:
    status: Status
    reason: str
    retryable: bool = False
    network: bool = False  # a DNS or connection failure: counts towards "network unavailable"
    https_only: bool = False  # a failure of TLS or of port 443: worth trying http:// instead


def classify(exc: BaseException, *, timeout: float, expired_on: dt.date | None = None) -> Failure:
    """What went wrong, in words a person understands, and whether to try again.

    ``expired_on``: the day a refused certificate ended, when it could be read
    (see :mod:`auditor.check.tls`).
    """
    if isinstance(exc, aiohttp.ClientConnectorDNSError) and isinstance(exc.os_error, AddressRefused):
        return Failure(Status.SKIPPED, exc.os_error.reason)
    if isinstance(exc, aiohttp.ClientConnectorDNSError):
        if no_such_name(exc.os_error):
            return Failure(Status.DEAD, f"the domain {exc.host} does not exist (NXDOMAIN)", network=True)
        return Failure(Status.ERROR, f"DNS lookup of {exc.host} failed: {exc.os_error}", retryable=True, network=True)
    if isinstance(exc, aiohttp.ClientConnectorCertificateError):
        return Failure(Status.ERROR, f"TLS: {_certificate_problem(exc, expired_on)}", https_only=True)
    if isinstance(exc, aiohttp.ClientSSLError):
        return Failure(Status.ERROR, f"TLS: handshake with {exc.host} failed ({exc.os_error})", https_only=True)
    if isinstance(exc, aiohttp.ClientConnectorError):
        if getattr(exc.os_error, "errno", None) == errno.ECONNREFUSED:
            where = f"{exc.host}:{exc.port}"
            return Failure(Status.DEAD, f"connection refused by {where}", network=True, https_only=exc.port == 443)
        return Failure(
            Status.ERROR, f"cannot connect to {exc.host}:{exc.port}: {exc.os_error}", retryable=True, network=True
        )
    if isinstance(exc, aiohttp.ServerTimeoutError | asyncio.TimeoutError | TimeoutError):
        return Failure(
            Status.ERROR,
            f"timeout after {timeout:g} s \u2014 raise checks.timeout (--timeout) or exclude the host",
            retryable=True,
        )
    if isinstance(exc, aiohttp.ServerDisconnectedError | aiohttp.ClientPayloadError | aiohttp.ClientOSError):
        return Failure(Status.ERROR, f"the connection broke off ({_words(exc)})", retryable=True)
    if isinstance(exc, aiohttp.InvalidURL | ValueError | UnicodeError):
        return Failure(Status.ERROR, f"not a valid URL ({_words(exc)})")
    if isinstance(exc, aiohttp.ClientResponseError):
        return Failure(Status.ERROR, f"malformed response ({_parser_words(exc)})")
    if isinstance(exc, aiohttp.ClientError):
        return Failure(Status.ERROR, f"request failed ({_words(exc)})", retryable=True)
    raise exc


def no_such_name(error: BaseException) -> bool:
    """Whether a failed name lookup says the name does not exist (rather than "try again").

    ``getaddrinfo`` says it with an errno; aiohttp's AsyncResolver raises a bare
    ``OSError`` caused by c-ares's ``DNSError``, which carries the code.
    """
    if getattr(error, "errno", None) in _NO_SUCH_NAME:
        return True
    cause = error if isinstance(error, DNSError) else error.__cause__
    return isinstance(cause, DNSError) and bool(cause.args) and cause.args[0] in _ARES_NO_SUCH_NAME


def _certificate_problem(exc: aiohttp.ClientConnectorCertificateError, expired_on: dt.date | None) -> str:
    if expired_on is not None:
        return f"certificate of {exc.host} expired on {expired_on.isoformat()}"
    cert_error = exc.certificate_error
    message = getattr(cert_error, "verify_message", None) or str(cert_error)
    return f"certificate of {exc.host} refused: {message}"


def _parser_words(exc: aiohttp.ClientResponseError) -> str:
    """The HTTP parser's complaint on one line, without the caret pointing at the bad byte."""
    lines = (line.strip() for line in str(exc.message).splitlines())
    text = " ".join(line for line in lines if line.strip("^ "))
    return quoted(text) if text else _words(exc)  # it may quote the server's bytes


def _words(exc: BaseException) -> str:
    text = quoted(str(exc))  # an error may quote what the server sent
    return f"{exc.__class__.__name__}: {text}" if text else exc.__class__.__name__
