"""Per-host politeness: at most N requests at once, a minimum interval between starts,
and a pause for the whole host when it asks for one (``Retry-After``). A crawled site's
``Crawl-delay`` raises its host's interval (:meth:`HostSlot.slow_down`), never lowers it.

Like scrapy's downloader ``Slot``: one small object per host, created on first use.
"""

from __future__ import annotations

import asyncio
import time
from types import TracebackType


class HostSlot:
    __slots__ = ("_gate", "_interval", "_lock", "_next_start")

    def __init__(self, concurrency: int, interval: float) -> None:
        self._gate = asyncio.Semaphore(max(1, concurrency))
        self._lock = asyncio.Lock()
        self._interval = interval
        self._next_start = 0.0

    async def __aenter__(self) -> HostSlot:
        await self._gate.acquire()
        if self._interval <= 0 and not self._lock.locked() and self._next_start <= time.monotonic():
            return self  # nothing to space and no pause: no lock to take (the common case)
        try:
            async with self._lock:  # starts are spaced one by one
                wait = self._next_start - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                self._next_start = max(self._next_start, time.monotonic()) + self._interval
        except BaseException:
            self._gate.release()
            raise
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._gate.release()

    def slow_down(self, interval: float) -> None:
        """Space starts at least ``interval`` seconds apart from now on (robots.txt's Crawl-delay)."""
        self._interval = max(self._interval, interval)

    @property
    def interval(self) -> float:
        return self._interval

    def pause(self, seconds: float) -> None:
        """No request starts on this host for ``seconds`` (it said Retry-After)."""
        self._next_start = max(self._next_start, time.monotonic() + seconds)


class Politeness:
    """The slots of every host seen, with the same limits for each."""

    def __init__(self, host_concurrency: int, interval: float) -> None:
        self._concurrency = host_concurrency
        self._interval = interval
        self._slots: dict[str, HostSlot] = {}

    def slot(self, host: str) -> HostSlot:
        slot = self._slots.get(host)
        if slot is None:
            slot = self._slots[host] = HostSlot(self._concurrency, self._interval)
        return slot
