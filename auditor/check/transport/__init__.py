"""The HTTP stack under the checker, behind one small interface.

    Transport.request(method, url, headers, *, max_bytes, timeout) -> Answer
        one request is one hop (redirects are followed by auditor.check.redirects, our policy);
        raises TransportError(kind: Trouble, detail, host, port, expired)
    Transport.expiry_date(url, *, timeout) -> date | None    the refused certificate's end
    Transport.close()

- :class:`Network`: the one injected object saying where names lead (the resolver, with
  pretend addresses for the address policy) and which CAs are trusted; ``FakeWeb.network``
  points every transport at the fake web.
- :class:`CurlTransport` (``curl``): libcurl's multi interface on the event loop (pycurl);
  the default when pycurl is importable.
- :class:`AiohttpTransport` (``aiohttp``): the fallback.
- :class:`MockTransport`: answers from a function, for tests of pure logic.
- :func:`open_transport` picks one for ``checks.transport`` (``auto``, ``curl``, ``aiohttp``).

Both honour the address policy on the resolved address of every hop
(:class:`auditor.check.guard.Guard`); what a :class:`Trouble` means for a verdict is
:mod:`auditor.check.failures`' business.
"""

from __future__ import annotations

import importlib.util
from typing import TYPE_CHECKING

from auditor.check.settings import TransportChoice
from auditor.check.transport._base import Answer, Transport, TransportError, Trouble
from auditor.check.transport._mock import MockTransport, Request
from auditor.check.transport._network import Network
from auditor.check.transport._resolver import Resolver, SystemResolver

if TYPE_CHECKING:
    from aiohttp.abc import AbstractCookieJar

    from auditor.check.addresses import AddressPolicy
    from auditor.check.guard import Guard

__all__ = [
    "Answer",
    "MockTransport",
    "Network",
    "Request",
    "Resolver",
    "SystemResolver",
    "Transport",
    "TransportChoice",
    "TransportError",
    "Trouble",
    "open_transport",
]


def curl_available() -> bool:
    return importlib.util.find_spec("pycurl") is not None


def open_transport(
    choice: TransportChoice | str,
    network: Network,
    policy: AddressPolicy,
    *,
    verify: bool = True,
    cookies: AbstractCookieJar | None = None,
) -> tuple[Transport, Guard]:
    """The transport ``choice`` names, on ``network``, judging addresses by ``policy``; and its
    guard (the engine asks it about addresses as written, the archive whether a host is public).
    Call it in the running event loop; ``close()`` the transport at the end."""
    from auditor.check.guard import Guard

    choice = TransportChoice(choice)
    if choice is TransportChoice.CURL and not curl_available():
        from auditor.errors import AuditorError

        raise AuditorError(
            "--transport curl (checks.transport) needs pycurl: pip install pycurl, or use --transport aiohttp"
        )
    # The system's resolver (getaddrinfo: /etc/hosts, nsswitch), not the c-ares one aiohttp
    # picks by itself once aiodns is installed for the MX lookups; aiohttp's shape, not its code.
    resolver = network.resolver if network.resolver is not None else SystemResolver()
    if network.transport is not None:
        return network.transport, Guard(policy, resolver)
    if choice is TransportChoice.CURL or (choice is TransportChoice.AUTO and curl_available()):
        from auditor.check.transport._curl import CurlTransport

        guard = Guard(policy, resolver)
        return CurlTransport(guard, network, verify=verify, cookies=cookies), guard
    import aiohttp

    from auditor.check.transport._aiohttp import AiohttpTransport

    ssl: object = False if not verify else (network.ssl or True)
    own = network.resolver if network.resolver is not None else aiohttp.ThreadedResolver()
    aio = AiohttpTransport(own, policy, ssl=ssl, cookies=cookies)
    return aio, aio.guard
