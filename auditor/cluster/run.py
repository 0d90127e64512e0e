"""The coordinator's side of a cluster check: plan shards, submit them, stream verdicts back, conclude.

Everything but the web addresses' checks stays here (phones, e-mails, local files,
skipped addresses, and pages this run already holds: crawled, read as inputs, read for an
organisation), checked by the run's own :class:`~auditor.check.engine.Checker` while the
shards run. The run is concluded as a single process's is (:meth:`Checker.conclude`):
same verdicts, same outage judgement, over every part.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from array import array
from collections.abc import Iterable, Iterator, Sequence
from types import TracebackType

from auditor.check.engine import Checker, Part, Prepared, Progress
from auditor.cluster.crawl import ClusterVisitor
from auditor.cluster.network import NetworkSpec
from auditor.cluster.session import ClusterSession
from auditor.cluster.shards import Shard, plan
from auditor.cluster.worker import ShardJob
from auditor.errors import ClusterError
from auditor.reference import Reference
from auditor.verdict import Checked, CheckRun


class Cluster:
    """A run's cluster (``async with``, around the run's reading and checking): the Dask session,
    the crawl's :attr:`visitor`, and :meth:`check`."""

    def __init__(self, checker: Checker) -> None:
        address = checker.settings.cluster
        assert address is not None, "Cluster needs settings.cluster"
        if checker.settings.cookie_jar is not None:
            raise ClusterError("--cookie-jar cannot be shared with cluster workers yet: leave out --cluster or the jar")
        self._checker = checker
        self._network = NetworkSpec.of(checker.network)
        self._session = ClusterSession(address)
        self.visitor = ClusterVisitor(checker, self._session, self._network)

    async def __aenter__(self) -> Cluster:
        await self._session.__aenter__()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            await self.visitor.close()
        finally:
            await self._session.__aexit__(exc_type, exc, tb)

    async def check(self, references: Iterable[Reference], progress: Progress | None = None) -> CheckRun:
        """``checker.check(references)``, its web addresses checked in host shards on the cluster."""
        checker, session = self._checker, self._session
        started = time.monotonic()
        prepared = checker.prepare(references)
        places = ((i, domain) for i, ref in enumerate(prepared.checked) if (domain := checker.shard_place(ref)))
        shards = plan(places, session.workers)
        here = _not_in(shards, len(prepared))
        if progress is not None:
            progress.start(len(prepared))
        try:
            local, remote = await asyncio.gather(
                checker.check_part(prepared, here, progress=progress),
                _shard_parts(checker, prepared, shards, session, self._network, progress),
            )
        finally:
            if progress is not None:
                progress.finish()
        return await checker.conclude(prepared, [local, *remote], started)


def _not_in(shards: Sequence[Shard], total: int) -> list[int]:
    """The indexes no shard takes: checked here."""
    taken = bytearray(total)
    for shard in shards:
        for i in shard.indexes:
            taken[i] = 1
    return [i for i in range(total) if not taken[i]]


def _jobs(checker: Checker, prepared: Prepared, shards: Sequence[Shard], network: NetworkSpec) -> Iterator[ShardJob]:
    settings = dataclasses.replace(checker.settings, cluster=None)
    remaining = checker.deadline.remaining()
    ends_at = None if remaining is None else time.time() + remaining
    cache, policy = checker.cache, checker.policy
    assert policy is not None, "use `async with Checker(...)`"
    for shard in shards:
        part = None
        if cache is not None:  # the stored results of the addresses checked (--remap applied)
            part = cache.part(filter(None, (checker.cache_key(prepared.checked[i]) for i in shard.indexes)))
        written = (prepared.written[i] for i in shard.indexes)
        yield ShardJob.of(shard.number, written, settings, network, policy, part, ends_at)


async def _shard_parts(
    checker: Checker,
    prepared: Prepared,
    shards: Sequence[Shard],
    session: ClusterSession,
    network: NetworkSpec,
    progress: Progress | None,
) -> list[Part]:
    parts = []
    async for result in session.results(_jobs(checker, prepared, shards, network)):
        shard = shards[result.number]
        part = _placed(result.part, shard)
        if checker.cache is not None and result.learnt is not None:
            checker.cache.absorb(result.learnt)
        if progress is not None:
            for i, verdict in zip(part.indexes, part.verdicts, strict=True):
                progress.advance(Checked(prepared.checked[i], verdict))
        parts.append(part)
    return parts


def _placed(part: Part, shard: Shard) -> Part:
    """``part`` with the run's indexes instead of the shard's."""
    at = shard.indexes
    indexes = at if part.indexes == range(len(at)) else array("q", (at[i] for i in part.indexes))
    return dataclasses.replace(part, indexes=indexes, network_failures=tuple(at[i] for i in part.network_failures))
