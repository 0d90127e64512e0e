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
from typing import Any

from auditor.check.engine import Checker, Part, Prepared, Progress
from auditor.cluster.crawl import ClusterVisitor
from auditor.cluster.network import NetworkSpec
from auditor.cluster.session import ClusterSession
from auditor.cluster.shards import Shard, plan
from auditor.cluster.worker import ShardJob
from auditor.errors import ClusterError
from auditor.reference import Reference, Url
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
        self._settings = dataclasses.replace(checker.settings, cluster=None)  # what a worker checks with
        self._session = ClusterSession(address)
        self.visitor = ClusterVisitor(checker, self._session, self._settings, self._network)

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
        shards = plan(places, session.threads)
        here = _not_in(shards, len(prepared))
        if progress is not None:
            progress.start(len(prepared))
        try:
            local, remote = await asyncio.gather(
                checker.check_part(prepared, here, progress=progress),
                _shard_parts(checker, prepared, shards, session, self._jobs(prepared, shards), progress),
            )
        finally:
            if progress is not None:
                progress.finish()
        crawled = Part(range(0), (), answered=False, network_failures=(), requests=await self.visitor.requests())
        return await checker.conclude(prepared, [local, *remote, crawled], started)

    def _jobs(self, prepared: Prepared, shards: Sequence[Shard]) -> Iterator[ShardJob]:
        checker = self._checker
        remaining = checker.deadline.remaining()
        ends_at = None if remaining is None else time.time() + remaining
        cache, policy = checker.cache, checker.policy
        assert policy is not None, "use `async with Checker(...)`"
        for shard in shards:
            part = None
            if cache is not None:  # the stored results of the addresses checked (--remap applied)
                part = cache.part(filter(None, (checker.cache_key(prepared.checked[i]) for i in shard.indexes)))
            written = (prepared.written[i] for i in shard.indexes)
            yield ShardJob.of(shard.number, written, self._settings, self._network, policy, part, ends_at)


def _not_in(shards: Sequence[Shard], total: int) -> list[int]:
    """The indexes no shard takes: checked here."""
    taken = bytearray(total)
    for shard in shards:
        for i in shard.indexes:
            taken[i] = 1
    return [i for i in range(total) if not taken[i]]


async def _shard_parts(
    checker: Checker,
    prepared: Prepared,
    shards: Sequence[Shard],
    session: ClusterSession,
    jobs: Iterator[ShardJob],
    progress: Progress | None,
) -> list[Part]:
    parts = []
    shared: dict[Any, Any] = {}  # one object per value (times, durations), across shards
    async for result in session.results(jobs):
        shard = shards[result.number]
        part = _placed(result.part, shard, prepared, shared)
        if checker.cache is not None and result.learnt is not None:
            checker.cache.absorb(result.learnt)
        if progress is not None:
            for i, verdict in zip(part.indexes, part.verdicts, strict=True):
                progress.advance(Checked(prepared.checked[i], verdict))
        parts.append(part)
    return parts


def _placed(part: Part, shard: Shard, prepared: Prepared, shared: dict[Any, Any]) -> Part:
    """``part`` with the run's indexes instead of the shard's, its verdicts sharing what they
    can with the run: the reference's own address string as the final URL when they are the
    same, one ``checked_at`` object per second, one ``elapsed_ms`` int per value (a million
    verdicts, some 150 MB less)."""
    at = shard.indexes
    indexes = at if part.indexes == range(len(at)) else array("q", (at[i] for i in part.indexes))
    verdicts = []
    for i, verdict in zip(indexes, part.verdicts, strict=True):
        target = prepared.checked[i].target
        url = target.url if isinstance(target, Url) and target.url == verdict.final_url else verdict.final_url
        when = shared.setdefault(verdict.checked_at, verdict.checked_at)
        took = shared.setdefault(verdict.elapsed_ms, verdict.elapsed_ms)
        if url is not verdict.final_url or when is not verdict.checked_at or took is not verdict.elapsed_ms:
            verdict = dataclasses.replace(verdict, final_url=url, checked_at=when, elapsed_ms=took)
        verdicts.append(verdict)
    failures = tuple(at[i] for i in part.network_failures)
    return dataclasses.replace(part, indexes=indexes, verdicts=tuple(verdicts), network_failures=failures)
