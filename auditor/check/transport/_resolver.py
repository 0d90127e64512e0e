"""Name resolution without aiohttp: the shape of aiohttp's resolver, so either stack takes
either (the fake web's resolver is an aiohttp ``AbstractResolver``), and the system's
resolver for the curl transport, so that a run over curl never imports aiohttp."""

from __future__ import annotations

import asyncio
import socket
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from aiohttp.abc import ResolveResult

# As aiohttp's ThreadedResolver asks getaddrinfo and reports what it found.
_AI_ADDRCONFIG = getattr(socket, "AI_ADDRCONFIG", 0)
_NUMERIC = socket.AI_NUMERICHOST | socket.AI_NUMERICSERV


class Resolver(Protocol):
    """Turns a host into addresses (aiohttp's ``AbstractResolver`` is one)."""

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]: ...

    async def close(self) -> None: ...


class SystemResolver:
    """The system's resolver (getaddrinfo: /etc/hosts, nsswitch) in the loop's thread pool:
    aiohttp's ``ThreadedResolver`` without importing aiohttp."""

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        loop = asyncio.get_running_loop()
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM, family=family, flags=_AI_ADDRCONFIG)
        found: list[ResolveResult] = []
        for family_found, _, proto, _, address in infos:
            if family_found == socket.AF_INET6:
                if len(address) < 3:
                    continue  # IPv6 not supported by this Python
                if address[3]:  # a link-local address keeps its scope: fe80::1%eth0
                    resolved, service = await loop.getnameinfo(address, _NUMERIC)
                    port_found = int(service)
                else:
                    resolved, port_found = str(address[0]), int(address[1])
            else:
                resolved, port_found = str(address[0]), int(address[1])
            found.append(
                {
                    "hostname": host,
                    "host": resolved,
                    "port": port_found,
                    "family": family_found,
                    "proto": proto,
                    "flags": _NUMERIC,
                }
            )
        return found

    async def close(self) -> None:
        pass
