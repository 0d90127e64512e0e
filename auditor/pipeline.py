"""The pipeline of a run: read -> crawl -> extract -> check -> archive -> cache. It only orchestrates.

::

    sources ──read──▶ input pages (fetched)  ─┐
            ──crawl─▶ crawled sites (pages)  ─┼─extract─▶ Extraction ──check──▶ CheckRun
            ──────── documents on disk ──────┘                                   │
                                          CheckRun ◀──archive (dead pages)───────┘
                                                   ──cache.save (not after an outage)

One :class:`~auditor.check.engine.Checker` (one session, one result table keyed by
:class:`~auditor.address.Address`) serves every stage: a page crawled, an input page or an
organisation's page is not fetched again to check a link to it. The crawler sees the
checker only through :class:`~auditor.crawl.visitor.Visitor`; the checker knows nothing of
crawls. ``auditor run`` (:mod:`auditor.audit`) wraps :func:`check_sources` with the history.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, BinaryIO

from auditor.check.cache import CheckCache
from auditor.check.engine import Checker, Progress
from auditor.check.mail import MailResolver
from auditor.check.organisations import OrganisationSpec
from auditor.check.settings import CheckSettings
from auditor.check.transport import Network
from auditor.crawl.crawler import crawl
from auditor.crawl.visitor import CrawlProgress, Visitor
from auditor.extract import Extraction, extract_sources
from auditor.reference import Reference, merge
from auditor.sources import Source
from auditor.verdict import CheckRun

if TYPE_CHECKING:
    import ssl as ssl_module

    from aiohttp.abc import AbstractResolver

    from auditor.cluster.run import Cluster

__all__ = ["Audit", "check_references", "check_sources", "extract_with_pages", "read_sources"]


def _input_urls(sources: Sequence[Source]) -> tuple[str, ...]:
    """The addresses of the web pages among ``sources``: the user named them."""
    return tuple(s.url for s in sources if s.url is not None)


async def check_references(
    references: Iterable[Reference],
    settings: CheckSettings | None = None,
    *,
    resolver: AbstractResolver | None = None,
    ssl: ssl_module.SSLContext | None = None,
    mail_resolver: MailResolver | None = None,
    progress: Progress | None = None,
    organisations: Sequence[OrganisationSpec] = (),
    regions: Sequence[str] | None = None,  # None: settings.regions
    network: Network | None = None,
) -> CheckRun:
    """Check every reference; the public entry point (``network`` for a fake web).

    Phones are looked up on the pages of ``organisations``, numbers read in ``regions``.
    """
    checker = Checker(
        settings,
        resolver=resolver,
        ssl=ssl,
        mail_resolver=mail_resolver,
        organisations=organisations,
        regions=regions,
        network=network,
    )
    async with checker, _cluster(checker) as cluster:
        return await _check(checker, cluster, references, progress)


def _cluster(checker: Checker) -> AbstractAsyncContextManager[Cluster | None]:
    """The cluster ``--cluster`` names, for the run's reading and checking; None without it (dask
    is imported only then: :mod:`auditor.cluster`)."""
    if checker.settings.cluster is None:
        return contextlib.nullcontext()
    from auditor.cluster.run import Cluster

    return Cluster(checker)


async def _check(
    checker: Checker, cluster: Cluster | None, references: Iterable[Reference], progress: Progress | None
) -> CheckRun:
    """The checks, here or in host shards on the cluster."""
    if cluster is None:
        return await checker.check(references, progress)
    return await cluster.check(references, progress)


@dataclass(frozen=True, slots=True)
class Audit:
    """What ``auditor check`` found: the extraction (sources, references, problems) and the verdicts."""

    extraction: Extraction
    run: CheckRun


async def read_sources(
    checker: Checker,
    sources: Sequence[Source],
    regions: Sequence[str],
    *,
    stdin: BinaryIO | None = None,
    progress: CrawlProgress | None = None,
    visitor: Visitor | None = None,
) -> tuple[Extraction, bool]:
    """Fetch the web pages among ``sources`` with the checker's client, then extract every source.

    Sites are crawled through ``visitor`` (default: the checker; a cluster run's reads each
    page on the worker of its host). Also says whether the network looks unavailable: every
    page failed in a way that may be the machine's fault. Extraction runs in a worker
    thread: it is CPU work.
    """
    pages = [s.url for s in sources if s.url is not None and s.crawl is None]
    fetched = await asyncio.gather(*(checker.read_page(url) for url in pages))  # a link to one shares it
    crawls = await asyncio.gather(
        *(
            crawl(visitor or checker, s.url, s.crawl, regions, progress=progress)
            for s in sources
            if s.url is not None and s.crawl is not None
        )
    )
    web = {page.url: page.result for page in fetched}
    documents = [s for s in sources if s.crawl is None]
    extraction = await asyncio.to_thread(extract_sources, documents, regions, stdin=stdin, web=web)
    if crawls:
        extraction = Extraction(
            extraction.sources + tuple(info for c in crawls for info in c.sources),
            tuple(merge([*extraction.references, *(ref for c in crawls for ref in c.references)])),
            extraction.problems + tuple(problem for c in crawls for problem in c.problems),
            tuple(c.report for c in crawls if c.report is not None),
        )
    tried = [page.offline for page in fetched] + [c.offline for c in crawls]
    return extraction, bool(tried) and all(tried)


async def extract_with_pages(
    sources: Sequence[Source],
    regions: Sequence[str] | None = None,  # None: settings.regions
    *,
    stdin: BinaryIO | None = None,
    settings: CheckSettings | None = None,
    resolver: AbstractResolver | None = None,
    ssl: ssl_module.SSLContext | None = None,
    network: Network | None = None,
) -> Extraction:
    """What ``auditor extract`` reads: like :func:`auditor.extract.extract_sources`, web pages too."""
    checker = Checker(
        settings, resolver=resolver, ssl=ssl, regions=regions, inputs=_input_urls(sources), network=network
    )
    async with checker:
        extraction, _ = await read_sources(checker, sources, checker.regions, stdin=stdin)
    return extraction


async def check_sources(
    sources: Sequence[Source],
    settings: CheckSettings | None = None,
    regions: Sequence[str] | None = None,  # None: settings.regions
    *,
    stdin: BinaryIO | None = None,
    resolver: AbstractResolver | None = None,
    ssl: ssl_module.SSLContext | None = None,
    mail_resolver: MailResolver | None = None,
    progress: Progress | None = None,
    organisations: Sequence[OrganisationSpec] = (),
    cache: CheckCache | None = None,
    save_cache: bool = True,
    network: Network | None = None,
) -> Audit:
    """Read every source (web pages fetched and sites crawled first), then check every reference found.

    One transport serves both, so a fake web injected through ``network`` serves
    the input pages too, and a page crawled is not fetched again to check links to it.
    ``progress`` hears about the checks (not the reading). Phones are looked up on the
    pages of ``organisations`` (targets.yaml). With a ``cache``, fresh healthy results
    are reused, and what this run learnt is saved at the end (not after an outage), unless
    ``save_cache`` is false (``auditor run`` saves it once the run is recorded). Then
    archived copies are looked up for what is dead (``settings.archive_url``; None: not).
    """
    checker = Checker(
        settings,
        resolver=resolver,
        ssl=ssl,
        mail_resolver=mail_resolver,
        organisations=organisations,
        regions=regions,
        cache=cache,
        inputs=_input_urls(sources),
        network=network,
    )
    async with checker, _cluster(checker) as cluster:
        crawling = progress if isinstance(progress, CrawlProgress) else None
        visitor = cluster.visitor if cluster is not None else None
        extraction, offline = await read_sources(
            checker, sources, checker.regions, stdin=stdin, progress=crawling, visitor=visitor
        )
        run = await _check(checker, cluster, extraction.references, progress)
        if checker.settings.archive_url is not None and not run.network_unavailable and not checker.deadline.expired:
            run = await checker.archive(run, extraction)
    if offline and not run.results:
        run = replace(run, network_unavailable=True)  # not one input page could be reached
    if cache is not None and save_cache and not run.network_unavailable:
        await cache.save()
    return Audit(extraction, run)
