"""The run's time limit (``--max-duration``): one clock for the crawl and the checks.

When it runs out, nothing new starts, what is in flight is cancelled, and every
reference left is ``unchecked`` with :data:`REASON`; the reports are written as usual.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Iterable
from typing import TypeVar

T = TypeVar("T")


def reason(seconds: float) -> str:
    return f"not checked: the run's time limit ({seconds:g}s, --max-duration) ran out first"


class Deadline:
    """A point in time after which a run stops; ``None`` seconds: never."""

    __slots__ = ("_end", "seconds")

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds
        self._end = None if seconds is None else time.monotonic() + seconds

    @classmethod
    def ending(cls, seconds: float | None, remaining: float | None) -> Deadline:
        """The run's limit of ``seconds`` with ``remaining`` left (a cluster shard, started late)."""
        deadline = cls(seconds)
        if remaining is not None:
            deadline._end = time.monotonic() + max(0.0, remaining)
        return deadline

    def remaining(self) -> float | None:
        """Seconds left (never below 0), or None without a limit."""
        return None if self._end is None else max(0.0, self._end - time.monotonic())

    @property
    def expired(self) -> bool:
        return self._end is not None and time.monotonic() >= self._end

    @property
    def reason(self) -> str:
        return reason(self.seconds or 0.0)

    async def run(self, jobs: Iterable[Awaitable[object]]) -> bool:
        """Run ``jobs`` together until they finish or the time runs out (then the rest are
        cancelled); True when they all finished. An error in a job is raised."""
        tasks = [asyncio.ensure_future(job) for job in jobs]
        if not tasks:
            return True
        done, pending = await asyncio.wait(tasks, timeout=self.remaining())
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)
        for task in done:
            task.result()
        return not pending

    async def value(self, job: Awaitable[T], default: T) -> T:
        """``job``'s result, or ``default`` when the time runs out first (or it was cancelled by it)."""
        try:
            return await asyncio.wait_for(job, self.remaining())
        except (TimeoutError, asyncio.CancelledError):
            if not self.expired:
                raise
            return default
