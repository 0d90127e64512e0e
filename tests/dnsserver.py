"""A tiny DNS server on 127.0.0.1 for the tests of the product's MX lookup (aiodns, c-ares).

It answers MX and A questions from a zone given as data, NXDOMAIN for any other name,
SERVFAIL for names in ``failing`` and nothing at all for names in ``silent``::

    async with DnsServer({"nhs.net": {"MX": [(10, "mx1.nhs.net")]}, "example.org": {"A": ["127.0.0.1"]}}) as dns:
        resolver = DnsMailResolver(addresses, timeout=1, nameservers=[dns.address])
"""

from __future__ import annotations

import asyncio
import struct
from collections.abc import Collection, Mapping
from types import TracebackType
from typing import Any, Self

MX, A = 15, 1
NXDOMAIN, SERVFAIL = 3, 2

Zone = Mapping[str, Mapping[str, list[Any]]]


class DnsServer(asyncio.DatagramProtocol):
    def __init__(self, zone: Zone, *, failing: Collection[str] = (), silent: Collection[str] = ()) -> None:
        self.zone = zone
        self.failing = set(failing)
        self.silent = set(silent)
        self.questions: list[tuple[str, int]] = []
        self._transport: asyncio.DatagramTransport | None = None

    @property
    def address(self) -> str:
        assert self._transport is not None
        host, port = self._transport.get_extra_info("sockname")[:2]
        return f"{host}:{port}"

    async def __aenter__(self) -> Self:
        loop = asyncio.get_running_loop()
        self._transport, _ = await loop.create_datagram_endpoint(lambda: self, local_addr=("127.0.0.1", 0))
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._transport is not None:
            self._transport.close()

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        query_id = data[:2]
        name, end = _name(data, 12)
        qtype = struct.unpack("!H", data[end : end + 2])[0]
        self.questions.append((name, qtype))
        if name in self.silent:
            return
        records = self.zone.get(name)
        rcode = SERVFAIL if name in self.failing else NXDOMAIN if records is None else 0
        answers = [_record(qtype, value) for value in (records or {}).get({MX: "MX", A: "A"}.get(qtype, ""), [])]
        header = query_id + struct.pack("!HHHHH", 0x8180 | rcode, 1, len(answers), 0, 0)
        assert self._transport is not None
        self._transport.sendto(header + data[12 : end + 4] + b"".join(answers), addr)


def _name(data: bytes, at: int) -> tuple[str, int]:
    labels = []
    while data[at]:
        size = data[at]
        labels.append(data[at + 1 : at + 1 + size].decode("ascii").lower())
        at += 1 + size
    return ".".join(labels), at + 1


def _encode(name: str) -> bytes:
    return b"".join(bytes([len(label)]) + label.encode("ascii") for label in name.split(".") if label) + b"\0"


def _record(qtype: int, value: Any) -> bytes:
    if qtype == MX:
        priority, exchange = value
        data = struct.pack("!H", priority) + _encode(exchange)
    else:
        data = bytes(int(part) for part in value.split("."))
    # The owner name points at the question's (offset 12): a compressed name.
    return b"\xc0\x0c" + struct.pack("!HHIH", qtype, 1, 60, len(data)) + data
