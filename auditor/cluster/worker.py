"""What a cluster worker runs: the engine's own check on one shard's references, nothing else.

No dask here: Dask calls :func:`check_shard` with a :class:`ShardJob` (plain values that
pickle) in one of its worker threads; the shard is checked on an event loop of its own,
by a :class:`~auditor.check.engine.Checker` like a single-process run's, and a
:class:`ShardResult` goes back. A worker keeps nothing between shards.

A crawl's pages (:func:`visit_page`, :func:`fetch_page`) are read by one Checker per run
on the worker of their host, kept between pages so that its politeness slots space the
requests, until the coordinator calls :func:`close_crawl` on every worker.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import importlib
import threading
import time
from collections.abc import Coroutine, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from auditor.check.addresses import AddressPolicy
from auditor.check.cache import CachePart, Learnt
from auditor.check.deadline import Deadline
from auditor.check.engine import Checker, Outcome, Part
from auditor.check.freshness import LAZY_MODULES
from auditor.check.redirects import Trail
from auditor.check.settings import CheckSettings
from auditor.cluster.network import NetworkSpec
from auditor.crawl.visitor import Visit
from auditor.defaults import MAX_INPUT_BYTES
from auditor.reference import Reference, Url

T = TypeVar("T")
#: The HTTP stacks a transport imports when it opens (auditor.check.transport.open_transport).
TRANSPORT_MODULES = ("aiohttp", "auditor.check.transport._aiohttp", "auditor.check.transport._curl")


@dataclass(frozen=True, slots=True)
class ShardJob:
    """One shard to check: its web references as written, as plain text (``urls``, and ``texts``
    where a reference was written otherwise: a link's text, a scheme-less name; strings pickle
    fast), indexes 0..n-1 in the result; the run's settings, network and address policy; the
    cache's stored results for its addresses; when the run's --max-duration ends
    (``time.time()``; None: no limit)."""

    number: int
    urls: Sequence[str]
    texts: Sequence[str | None]
    settings: CheckSettings
    network: NetworkSpec
    policy: AddressPolicy  # the coordinator's: its input URLs and its CI variable decide
    cache: CachePart | None = None
    ends_at: float | None = None

    @classmethod
    def of(
        cls,
        number: int,
        references: Iterable[Reference],
        settings: CheckSettings,
        network: NetworkSpec,
        policy: AddressPolicy,
        cache: CachePart | None = None,
        ends_at: float | None = None,
    ) -> ShardJob:
        """The job of ``references`` (web addresses: only their targets and text travel)."""
        urls: list[str] = []
        texts: list[str | None] = []
        for ref in references:
            assert isinstance(ref.target, Url), "a shard checks web addresses"
            urls.append(ref.target.url)
            texts.append(None if ref.text == ref.target.url else ref.text)
        return cls(number, urls, texts, settings, network, policy, cache, ends_at)

    def references(self) -> list[Reference]:
        """The references to check, as a check reads them (their places stay on the coordinator)."""
        written = zip(self.urls, self.texts, strict=True)
        return [Reference(Url(url), url if text is None else text, ()) for url, text in written]


@dataclass(frozen=True, slots=True)
class ShardResult:
    """A shard's verdicts (``part``, indexed as the job's references) and what its cache learnt."""

    number: int
    part: Part
    learnt: Learnt | None


def check_shard(job: ShardJob) -> ShardResult:
    """Check ``job`` on an event loop of this thread's own (Dask runs tasks in threads)."""
    _import_once(job.settings)
    return asyncio.run(_check(job))


_IMPORTING = threading.Lock()


def _import_once(settings: CheckSettings) -> None:
    """What the checks import when first needed, imported by one thread while the others wait:
    Dask runs two shards at once in a worker, and two threads importing trafilatura (or the
    HTTP stack) at once can leave one with a half-initialised module."""
    with _IMPORTING:
        for name in (*TRANSPORT_MODULES, *(LAZY_MODULES if settings.page_facts else ())):
            importlib.import_module(name)


async def _check(job: ShardJob) -> ShardResult:
    settings = job.settings
    cache = job.cache.open() if job.cache is not None else None
    checker = Checker(settings, network=job.network.build(), cache=cache, policy=job.policy)
    async with checker:
        if job.ends_at is not None:  # the run's deadline, not a new one per shard
            checker.deadline = Deadline.ending(settings.max_duration, job.ends_at - time.time())
        prepared = checker.prepare(job.references())
        part = await checker.check_part(prepared)
    learnt = cache.learnt() if cache is not None else None
    return ShardResult(job.number, _by_the_second(part), learnt)


def _by_the_second(part: Part) -> Part:
    """``part`` with each verdict's ``checked_at`` to the second (what reports show), one object
    per second: pickled once each, so the coordinator holds one per second, not per verdict."""
    seconds: dict[dt.datetime, dt.datetime] = {}
    verdicts = []
    for verdict in part.verdicts:
        second = verdict.checked_at.replace(microsecond=0)
        verdicts.append(dataclasses.replace(verdict, checked_at=seconds.setdefault(second, second)))
    return dataclasses.replace(part, verdicts=tuple(verdicts))


# -- crawls: a page fetch on the worker of its host ------------------------------------------


@dataclass(frozen=True, slots=True)
class CrawlSpec:
    """What a worker needs to read a run's crawled pages: one Checker per run and worker, kept
    between pages (its politeness slots space the requests to each host)."""

    run: str
    settings: CheckSettings
    network: NetworkSpec
    policy: AddressPolicy


@dataclass(frozen=True, slots=True)
class PageJob:
    """One page of a crawl: checked and kept (``visit``), or only read (robots.txt, a sitemap).
    ``delays``: the Crawl-delay robots.txt asks of the page's host, when it asks one."""

    crawl: CrawlSpec
    url: str
    max_bytes: int | None
    delays: tuple[tuple[str, float], ...] = ()


class _Resident:
    """A run's Checker on this worker, on an event loop in a thread of its own (Dask's task
    threads come and go; the checker's connections and slots must stay on one loop)."""

    def __init__(self, crawl: CrawlSpec) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name=f"auditor-crawl-{crawl.run}", daemon=True)
        self.thread.start()
        _import_once(crawl.settings)
        self.checker = Checker(crawl.settings, network=crawl.network.build(), policy=crawl.policy)
        self.call(self.checker.__aenter__())

    def call(self, job: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(job, self.loop).result()

    def close(self) -> None:
        try:
            self.call(self.checker.__aexit__(None, None, None))
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join()
            self.loop.close()


_RESIDENTS: dict[str, _Resident] = {}
_RESIDENTS_LOCK = threading.Lock()


def _resident(crawl: CrawlSpec) -> _Resident:
    with _RESIDENTS_LOCK:
        resident = _RESIDENTS.get(crawl.run)
        if resident is None:
            resident = _RESIDENTS[crawl.run] = _Resident(crawl)
        return resident


def _slowed(resident: _Resident, job: PageJob) -> None:
    for host, seconds in job.delays:
        resident.checker.slow_down(host, seconds)


def visit_page(job: PageJob) -> tuple[Visit, Outcome]:
    """Check a crawled page and keep it (:meth:`Checker.visited`), on this worker's checker of the run."""
    resident = _resident(job.crawl)
    _slowed(resident, job)
    max_bytes = job.max_bytes if job.max_bytes is not None else MAX_INPUT_BYTES + 1
    return resident.call(resident.checker.visited(job.url, max_bytes=max_bytes))


def fetch_page(job: PageJob) -> Trail:
    """Read a page without checking it (robots.txt, a sitemap), redirects followed."""
    resident = _resident(job.crawl)
    _slowed(resident, job)
    return resident.call(resident.checker.fetch(job.url, max_bytes=job.max_bytes))


def crawl_requests(run: str) -> int:
    """The requests this worker's checker of the run made (0 when it read no page)."""
    with _RESIDENTS_LOCK:
        resident = _RESIDENTS.get(run)
    return resident.checker.fetcher.requests if resident is not None else 0


def close_crawl(run: str) -> None:
    """The run is over: its checker on this worker closes (run on every worker by the coordinator)."""
    with _RESIDENTS_LOCK:
        resident = _RESIDENTS.pop(run, None)
    if resident is not None:
        resident.close()
