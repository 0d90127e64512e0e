"""When a refused certificate ended, so that the reason can say "expired on 2020-01-01".

Verification says only "certificate has expired", and a refused handshake hands over
no certificate. So the host is asked once more without verification, through the same
session (the same connector, resolver and politeness slot: in tests, the fake web), and
the connection is dropped right after the handshake: no HTTP request is sent.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import ssl
from functools import cache
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:  # aiohttp is imported by the functions that take its objects: curl needs none
    import aiohttp

    class _Grabbing(aiohttp.Fingerprint):
        """What :func:`expiry_date` reads of a ``_Grab``: the certificate, once handshaken."""

        der: bytes | None

        def __init__(self) -> None: ...


# OpenSSL's verify code for "certificate has expired" (X509_V_ERR_CERT_HAS_EXPIRED).
X509_V_ERR_CERT_HAS_EXPIRED = 10


def has_expired(exc: BaseException) -> bool:
    """Whether ``exc`` is a certificate refused because it (or one above it) has expired."""
    import aiohttp

    if not isinstance(exc, aiohttp.ClientConnectorCertificateError):
        return False
    return getattr(exc.certificate_error, "verify_code", None) == X509_V_ERR_CERT_HAS_EXPIRED


async def expiry_date(
    session: aiohttp.ClientSession, url: str, *, timeout: aiohttp.ClientTimeout, now: dt.datetime | None = None
) -> dt.date | None:
    """The day the certificate served for ``url`` ended (its notAfter, UTC).

    None when it cannot be read, or when it has not ended (then an intermediate
    certificate is the expired one, and the host's own date would mislead).
    """
    import aiohttp

    grab = _grab_type()()
    try:
        async with session.get(url, ssl=grab, allow_redirects=False, timeout=timeout):
            pass  # not reached: the connection is dropped after the handshake
    except aiohttp.ServerFingerprintMismatch:
        pass
    except (TimeoutError, aiohttp.ClientError, ValueError, UnicodeError):
        return None
    if grab.der is None:
        return None
    ended = not_after(grab.der)
    if ended is None or ended > (now or dt.datetime.now(dt.UTC)):
        return None
    return ended.date()


def not_after(der: bytes) -> dt.datetime | None:
    """The notAfter of a DER certificate, or None if it cannot be parsed."""
    from cryptography import x509  # imported only when a certificate has expired

    try:
        return x509.load_der_x509_certificate(der).not_valid_after_utc
    except ValueError:
        return None


@cache
def _grab_type() -> type[_Grabbing]:
    """The ``ssl=`` value of :func:`expiry_date`, made on first use (it subclasses aiohttp's)."""
    import aiohttp

    class _Grab(aiohttp.Fingerprint):
        """An ``ssl=`` value that keeps the peer's certificate and then hangs up.

        aiohttp checks a fingerprint on the fresh connection, after an unverified
        handshake and before sending the request; on a mismatch it closes the connection.
        This one records the certificate and never matches. (A fresh ``_Grab`` is also a
        fresh connection-pool key, so the handshake always happens.)
        """

        def __init__(self) -> None:
            super().__init__(bytes(32))  # any sha256-sized digest: it is never compared
            self.der: bytes | None = None

        def check(self, transport: Any) -> None:
            ssl_object: ssl.SSLObject | None = transport.get_extra_info("ssl_object")
            self.der = ssl_object.getpeercert(binary_form=True) if ssl_object is not None else None
            host, port, *_ = transport.get_extra_info("peername") or ("", 0)
            got = hashlib.sha256(self.der or b"").digest()
            raise aiohttp.ServerFingerprintMismatch(self.fingerprint, got, host, port)

    return cast("type[_Grabbing]", _Grab)


async def handshake_expiry(
    address: str, port: int, server_name: str, *, timeout: float, now: dt.datetime | None = None
) -> dt.date | None:
    """Like :func:`expiry_date`, for a stack without aiohttp's fingerprint hook: an unverified
    TLS handshake with ``address:port`` (already resolved and allowed by the address policy)
    naming ``server_name``, then the connection is closed; no HTTP request is sent."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        async with asyncio.timeout(timeout):
            _, writer = await asyncio.open_connection(address, port, ssl=context, server_hostname=server_name)
    except (OSError, TimeoutError, ssl.SSLError):
        return None
    try:
        ssl_object: ssl.SSLObject | None = writer.get_extra_info("ssl_object")
        der = ssl_object.getpeercert(binary_form=True) if ssl_object is not None else None
    finally:
        writer.close()
    if der is None:
        return None
    ended = not_after(der)
    if ended is None or ended > (now or dt.datetime.now(dt.UTC)):
        return None
    return ended.date()
