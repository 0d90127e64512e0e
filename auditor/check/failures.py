"""The one place where an exception from fetching becomes a verdict.

Most specific first, as aiohttp's own hierarchy is (``client_exceptions.py``):

    ClientConnectorDNSError           the name does not resolve      dead (NXDOMAIN) / error (temporary)
    ClientConnectorCertificateError   the certificate is refused     error "TLS: ..."
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
import errno
import socket
from dataclasses import dataclass

import aiohttp

from auditor.verdict import Status

_NO_SUCH_NAME = {socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME)}


@dataclass(frozen=True, slots=True)
class Failure:
    status: Status
    reason: str
    retryable: bool = False
    network: bool = False  # a DNS or connection failure: counts towards "network unavailable"
    https_only: bool = False  # a failure of TLS or of port 443: worth trying http:// instead


def classify(exc: BaseException, *, timeout: float) -> Failure:
    """What went wrong, in words a person understands, and whether to try again."""
    if isinstance(exc, aiohttp.ClientConnectorDNSError):
        code = getattr(exc.os_error, "errno", None)
        if code in _NO_SUCH_NAME:
            return Failure(Status.DEAD, f"the domain {exc.host} does not exist (NXDOMAIN)", network=True)
        return Failure(Status.ERROR, f"DNS lookup of {exc.host} failed: {exc.os_error}", retryable=True, network=True)
    if isinstance(exc, aiohttp.ClientConnectorCertificateError):
        return Failure(Status.ERROR, f"TLS: {_certificate_problem(exc)}", https_only=True)
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
        return Failure(Status.ERROR, f"malformed response ({_words(exc)})")
    if isinstance(exc, aiohttp.ClientError):
        return Failure(Status.ERROR, f"request failed ({_words(exc)})", retryable=True)
    raise exc


def _certificate_problem(exc: aiohttp.ClientConnectorCertificateError) -> str:
    cert_error = exc.certificate_error
    message = getattr(cert_error, "verify_message", None) or str(cert_error)
    return f"certificate of {exc.host} refused: {message}"


def _words(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{exc.__class__.__name__}: {text}" if text else exc.__class__.__name__
