"""What a cluster worker runs: the engine's own check on one shard's references, nothing else.

No dask here: Dask calls :func:`check_shard` with a :class:`ShardJob` (plain values that
pickle) in one of its worker threads; the shard is checked on an event loop of its own,
by a :class:`~auditor.check.engine.Checker` like a single-process run's, and a
:class:`ShardResult` goes back. A worker keeps nothing between shards.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass

from auditor._version import __version__
from auditor.check.cache import CachePart, Learnt
from auditor.check.deadline import Deadline
from auditor.check.engine import Checker, Part
from auditor.check.settings import CheckSettings
from auditor.cluster.network import NetworkSpec
from auditor.reference import Reference


@dataclass(frozen=True, slots=True)
class ShardJob:
    """One shard to check: its references as written (indexes 0..n-1 in the result), the run's
    settings and network, the cache's stored results for its addresses, and when the run's
    --max-duration ends (``time.time()``; None: no limit)."""

    number: int
    references: Sequence[Reference]
    settings: CheckSettings
    network: NetworkSpec
    cache: CachePart | None = None
    ends_at: float | None = None


@dataclass(frozen=True, slots=True)
class ShardResult:
    """A shard's verdicts (``part``, indexed as the job's references), what its cache learnt,
    and how long it took where (for the log and the bench)."""

    number: int
    part: Part
    learnt: Learnt | None
    seconds: float
    version: str = __version__


def check_shard(job: ShardJob) -> ShardResult:
    """Check ``job`` on an event loop of this thread's own (Dask runs tasks in threads)."""
    return asyncio.run(_check(job))


async def _check(job: ShardJob) -> ShardResult:
    started = time.monotonic()
    settings = job.settings
    cache = job.cache.open() if job.cache is not None else None
    checker = Checker(settings, network=job.network.build(), cache=cache)
    async with checker:
        if job.ends_at is not None:  # the run's deadline, not a new one per shard
            checker.deadline = Deadline.ending(settings.max_duration, job.ends_at - time.time())
        prepared = checker.prepare(job.references)
        part = await checker.check_part(prepared)
    learnt = cache.learnt() if cache is not None else None
    return ShardResult(job.number, part, learnt, time.monotonic() - started)
