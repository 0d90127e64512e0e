"""The address policy applied where connections are made: no DNS-rebinding gap.

Every request of a run (each link, each redirect hop, the soft-404 probe, robots.txt,
crawled pages, input pages, archive lookups) goes through the run's one connector. Its
``_resolve_host`` is where aiohttp turns a host into the addresses it then connects to,
so judging there judges exactly what is connected to:

- an address literal (``169.254.169.254``, ``[::ffff:127.0.0.1]``, ``0x7f000001``) is
  read as browsers read it and judged before anything else (aiohttp would otherwise
  connect to it without asking the resolver);
- a loopback name (``localhost``) is refused before any lookup;
- any other name is resolved (through the DNS cache), and the addresses the policy
  refuses are dropped; when none is left, the lookup fails with :class:`AddressRefused`,
  which :func:`auditor.check.failures.failure_of` turns into ``skipped`` with the reason.

A resolver that leads every name somewhere else (the fake web: all to 127.0.0.1) says
through :class:`StandIn` which address each name stands for; that is what is judged.
"""

from __future__ import annotations

import socket
import sys
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from auditor.check.addresses import AddressPolicy, is_loopback_name, kind_of, kind_of_host, literal_address

if TYPE_CHECKING:
    from aiohttp.abc import ResolveResult

    from auditor.check.transport._resolver import Resolver


class AddressRefused(OSError):
    """The policy refuses every address a host leads to; ``str()`` is the reason shown."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

    def __str__(self) -> str:
        return self.reason


@runtime_checkable
class StandIn(Protocol):
    """A resolver that connects names elsewhere than they stand (a fake web) says where they stand."""

    def stands_for(self, host: str) -> str:
        """The address ``host`` would have on the network it pretends to be."""
        ...


class Guard:
    """The address policy for one run, judged on the resolved address (see the module doc).

    Shared by every transport: aiohttp's connector asks it in ``_resolve_host``, the curl
    transport before every hop (and refuses any other address when the socket opens).
    """

    def __init__(self, policy: AddressPolicy, resolver: Resolver) -> None:
        self.policy = policy
        self.resolver = resolver

    async def addresses(
        self, host: str, port: int, lookup: Callable[[], Awaitable[list[ResolveResult]]] | None = None
    ) -> list[ResolveResult]:
        """Where ``host:port`` may be connected to; :class:`AddressRefused` when nowhere.
        ``lookup`` resolves the name (aiohttp's, through its DNS cache); else the resolver."""
        if (why := self.refusal_as_written(host, port)) is not None:
            raise AddressRefused(why)
        literal = literal_address(host)
        if literal is not None:
            if isinstance(self.resolver, StandIn):
                return await self.resolver.resolve(str(literal), port)  # the fake web serves declared addresses
            family = socket.AF_INET6 if literal.version == 6 else socket.AF_INET
            # The address as read, not as written: 127.1 connects to 127.0.0.1 on every aiohttp.
            found: ResolveResult = {
                "hostname": host,
                "host": str(literal),
                "port": port,
                "family": family,
                "proto": 0,
                "flags": socket.AI_NUMERICHOST,
            }
            return [found]
        results = await (lookup() if lookup is not None else self.resolver.resolve(host, port, socket.AF_UNSPEC))
        if not self.policy.refused:
            return results
        kept, refusals = [], []
        for result in results:
            address = self.resolver.stands_for(host) if isinstance(self.resolver, StandIn) else result["host"]
            literal = literal_address(address)
            why = self.policy.refusal(kind_of(literal), address, host, port) if literal is not None else None
            if why is None:
                kept.append(result)
            else:
                refusals.append(why)
        if not kept:
            raise AddressRefused(f"{host}: {refusals[0]}" if refusals else f"{host}: no address")
        return kept

    def refusal_as_written(self, host: str, port: int) -> str | None:
        """Why ``host`` is refused before any lookup (an address literal, a loopback name), or None."""
        literal = literal_address(host)
        if literal is not None:
            return self.policy.refusal(kind_of(literal), str(literal), host, port)
        if is_loopback_name(host):
            return self.policy.refusal(kind_of_host(host), host, host, port)
        return None

    async def is_public(self, host: str) -> bool:
        """Whether ``host`` is public: not a private, loopback or link-local address or name, and
        every address it resolves to public (a name that does not resolve is not)."""
        if kind_of_host(host) is not None:
            return False
        if literal_address(host) is not None:
            return True
        try:
            results = await self.resolver.resolve(host, 0, socket.AF_UNSPEC)
        except _lookup_errors():
            return False
        addresses = [
            self.resolver.stands_for(host) if isinstance(self.resolver, StandIn) else r["host"] for r in results
        ]
        literals = [literal_address(a) for a in addresses]
        return bool(literals) and all(a is not None and kind_of(a) is None for a in literals)


def _lookup_errors() -> tuple[type[BaseException], ...]:
    """What a failed lookup raises: OSError, and aiohttp's errors once aiohttp is loaded (an
    aiohttp resolver may raise them; none can be raised before aiohttp is imported)."""
    aiohttp = sys.modules.get("aiohttp")
    return (OSError, aiohttp.ClientError) if aiohttp is not None else (OSError,)


def __getattr__(name: str) -> Any:
    # GuardedConnector lives with the aiohttp transport (importing it imports aiohttp).
    if name == "GuardedConnector":
        from auditor.check.transport._aiohttp import GuardedConnector

        return GuardedConnector
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
