"""The Dask client of a cluster run: the only module that imports dask (``auditor[cluster]``).

``local:N`` starts a ``LocalCluster`` of N worker processes (two threads each: a shard
waiting on its hosts' politeness leaves room for another); an address connects to a
running scheduler (``dask scheduler`` / ``dask worker``, or dask-kubernetes), whose
workers must run this auditor's version. Shards are submitted a window at a time, so
the scheduler (in this process for ``local:N``) never holds every shard's references,
and results come back as they finish. A worker lost mid-shard is the scheduler's to
retry on another (``distributed.scheduler.allowed-failures``); a shard that fails anyway
is a :class:`~auditor.errors.ClusterError`.
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import AsyncIterator, Callable, Iterator
from types import TracebackType
from typing import Any, TypeVar, cast

from auditor._version import __version__
from auditor.cluster.address import ClusterAddress
from auditor.cluster.worker import ShardJob, ShardResult, check_shard
from auditor.errors import ClusterError
from auditor.untrusted import quoted

#: Worker threads of a ``local:N`` worker process.
LOCAL_THREADS = 2
#: Shards in flight per worker thread: one running, one waiting to start.
WINDOW_PER_THREAD = 2
#: How long to wait for a scheduler to answer, and for its first worker.
CONNECT_TIMEOUT = 30.0

INSTALL = "pip install 'reference-auditor[cluster]'"
J = TypeVar("J")
R = TypeVar("R")


def _distributed(address: ClusterAddress) -> Any:
    """The ``distributed`` package; ClusterError saying what to install without it."""
    try:
        import distributed
    except ImportError:
        raise ClusterError(f"--cluster {address} needs Dask: {INSTALL}") from None
    return distributed


def _version() -> str:
    """Run on each worker: the auditor it imports."""
    return __version__


class ClusterSession:
    """A Dask client for one run (``async with``); :meth:`results` checks shards on it."""

    def __init__(self, address: ClusterAddress) -> None:
        self._dask = _distributed(address)
        self.address = address
        self._cluster: Any = None
        self._client: Any = None
        self._workers: dict[str, Any] = {}  # address -> what the scheduler says of it

    async def __aenter__(self) -> ClusterSession:
        try:
            await self._open()
        except BaseException:
            await self.close()
            raise
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def _open(self) -> None:
        distributed, address = self._dask, self.address
        if address.workers is not None:
            self._cluster = await distributed.LocalCluster(
                n_workers=address.workers,
                threads_per_worker=LOCAL_THREADS,
                processes=True,
                asynchronous=True,
                host="127.0.0.1",  # this machine's workers only
                # TLS with credentials made for this run: another user of the machine cannot
                # connect to the scheduler and have the workers run code of theirs.
                security=True,
                dashboard_address="127.0.0.1:0",  # any free port: no clash with a dask already running
                worker_dashboard_address="127.0.0.1:0",
                silence_logs=logging.CRITICAL,  # a worker closing after the scheduler is no news
            )
            self._client = await distributed.Client(self._cluster, asynchronous=True)
            await self._refresh()
            return
        try:
            self._client = await distributed.Client(address.scheduler, asynchronous=True, timeout=CONNECT_TIMEOUT)
            await self._client.wait_for_workers(1, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError) as exc:
            raise ClusterError(
                f"--cluster {address}: no Dask scheduler with workers answered in {CONNECT_TIMEOUT:g}s ({exc}); "
                "start one with `dask scheduler` and `dask worker ADDRESS` (docs/scale.md)"
            ) from None
        await self._refresh()
        versions = await self._client.run(_version)
        other = {worker: v for worker, v in versions.items() if v != __version__}
        if other:
            worker, version = next(iter(other.items()))
            raise ClusterError(
                f"--cluster {address}: worker {worker} runs auditor {version}, this is {__version__}; "
                "install the same version on every worker"
            )

    async def close(self) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = None
        if self._cluster is not None:
            await self._cluster.close()
            self._cluster = None

    @property
    def scheduler_address(self) -> str:
        """Where the scheduler listens (``tls://127.0.0.1:…`` for ``local:N``)."""
        assert self._client is not None, "use `async with ClusterSession(...)`"
        return str(self._client.scheduler.address)

    async def _refresh(self) -> None:
        """Ask the scheduler which workers it has (an asynchronous client's cache holds none)."""
        identity = await self._client.scheduler.identity()
        self._workers = dict(identity.get("workers", {}))

    @property
    def threads(self) -> int:
        """Worker threads in the cluster when last asked (at least 1)."""
        return max(1, sum(w.get("nthreads", 1) for w in self._workers.values()))

    async def call(self, task: Callable[[J], R], job: J, *, affinity: str) -> R:
        """``task(job)`` on the worker ``affinity`` (a host's registrable domain) maps to, so that
        one host's pages are read by one worker; another takes it when that one is gone."""
        assert self._client is not None, "use `async with ClusterSession(...)`"
        workers = sorted(self._workers)
        if workers:
            where = {"workers": [workers[zlib.crc32(affinity.encode()) % len(workers)]], "allow_other_workers": True}
        else:
            where = {}
        future = self._client.submit(task, job, pure=False, retries=1, **where)
        try:
            return cast("R", await future)
        finally:
            future.release()

    async def everywhere(self, task: Callable[[str], R], argument: str) -> list[R]:
        """``task(argument)`` on every worker now (a run's crawl checkers counting, closing)."""
        assert self._client is not None, "use `async with ClusterSession(...)`"
        return list((await self._client.run(task, argument)).values())

    async def results(
        self, jobs: Iterator[ShardJob], task: Callable[[ShardJob], ShardResult] = check_shard
    ) -> AsyncIterator[ShardResult]:
        """Check ``jobs`` on the cluster, a window at a time; each result as it finishes."""
        assert self._client is not None, "use `async with ClusterSession(...)`"
        client = self._client

        def submit(job: ShardJob) -> Any:
            return client.submit(task, job, key=f"auditor-shard-{job.number}-{id(jobs):x}", pure=False, retries=1)

        window = self.threads * WINDOW_PER_THREAD
        first = [submit(job) for _, job in zip(range(window), jobs, strict=False)]
        if not first:
            return
        running = self._dask.as_completed(first, with_results=True, raise_errors=False)
        async for future, result in running:
            if future.status == "error":
                error = result[1] if isinstance(result, tuple) else result  # (type, error, traceback)
                why = quoted(f"{type(error).__name__}: {error}")
                raise ClusterError(f"shard {future.key} failed on the cluster: {why}") from None
            future.release()
            following = next(jobs, None)
            if following is not None:
                running.add(submit(following))
            yield result
