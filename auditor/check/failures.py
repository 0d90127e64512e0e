"""The one place where a failed request becomes a verdict's words.

Each transport says what kind of failure it met (:class:`~auditor.check.transport.Trouble`;
aiohttp's exceptions are sorted in :mod:`auditor.check.transport._aiohttp`, curl's codes in
:mod:`auditor.check.transport._curl`); here each kind gets its status and wording:

    ADDRESS_REFUSED      the address policy refuses     skipped (see auditor.check.guard)
    NO_SUCH_NAME         the name does not resolve      dead (NXDOMAIN)
    DNS_FAILED           the lookup failed for now      error, retried
    CERTIFICATE          the certificate is refused     error "TLS: ..." (with the date, if expired)
    TLS_HANDSHAKE        the TLS handshake failed       error "TLS: ..."
    CONNECTION_REFUSED   nothing accepts the connection dead
    CANNOT_CONNECT       no connection for another cause error, retried
    TIMEOUT              no answer in time              error, retried
    BROKE_OFF            the answer broke off           error, retried
    INVALID_URL          the URL is malformed           error
    MALFORMED            the answer is not HTTP         error
    OTHER                anything else                  error, retried

A failure also says whether it happened at the network level (DNS or connection):
when nearly every host fails that way, the network itself is down and nothing is
called dead (see :mod:`auditor.check.engine`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from auditor.check.transport._base import TransportError, Trouble, no_such_name
from auditor.verdict import Status

__all__ = ["Failure", "failure_of", "no_such_name"]


@dataclass(frozen=True, slots=True)
class Failure:
    status: Status
    reason: str
    retryable: bool = False
    network: bool = False  # a DNS or connection failure: counts towards "network unavailable"
    https_only: bool = False  # a failure of TLS or of port 443: worth trying http:// instead


def failure_of(error: TransportError, *, timeout: float, expired_on: dt.date | None = None) -> Failure:
    """The verdict's side of a transport's failure (see the module doc)."""
    kind, host, detail = error.kind, error.host, error.detail
    if kind is Trouble.ADDRESS_REFUSED:
        return Failure(Status.SKIPPED, detail)
    if kind is Trouble.NO_SUCH_NAME:
        return Failure(Status.DEAD, f"the domain {host} does not exist (NXDOMAIN)", network=True)
    if kind is Trouble.DNS_FAILED:
        return Failure(Status.ERROR, f"DNS lookup of {host} failed: {detail}", retryable=True, network=True)
    if kind is Trouble.CERTIFICATE:
        if expired_on is not None:
            return Failure(
                Status.ERROR, f"TLS: certificate of {host} expired on {expired_on.isoformat()}", https_only=True
            )
        return Failure(Status.ERROR, f"TLS: certificate of {host} refused: {detail}", https_only=True)
    if kind is Trouble.TLS_HANDSHAKE:
        return Failure(Status.ERROR, f"TLS: handshake with {host} failed ({detail})", https_only=True)
    if kind is Trouble.CONNECTION_REFUSED:
        where = f"{host}:{error.port}"
        return Failure(Status.DEAD, f"connection refused by {where}", network=True, https_only=error.port == 443)
    if kind is Trouble.CANNOT_CONNECT:
        return Failure(Status.ERROR, f"cannot connect to {host}:{error.port}: {detail}", retryable=True, network=True)
    if kind is Trouble.TIMEOUT:
        return Failure(
            Status.ERROR,
            f"timeout after {timeout:g} s \u2014 raise checks.timeout (--timeout) or exclude the host",
            retryable=True,
        )
    if kind is Trouble.BROKE_OFF:
        return Failure(Status.ERROR, f"the connection broke off ({detail})", retryable=True)
    if kind is Trouble.INVALID_URL:
        return Failure(Status.ERROR, f"not a valid URL ({detail})")
    if kind is Trouble.MALFORMED:
        return Failure(Status.ERROR, f"malformed response ({detail})")
    return Failure(Status.ERROR, f"request failed ({detail})", retryable=True)
