"""A crawl on a cluster: the frontier stays here, each page is fetched on the worker of its host.

:class:`ClusterVisitor` is the crawler's :class:`~auditor.crawl.visitor.Visitor`: the
crawler (its frontier, robots.txt rules, sitemaps, scope, what it extracts) runs on the
coordinator as ever; ``visit`` and ``fetch`` send the page to the worker its registrable
domain maps to, where one Checker per run keeps the host's politeness between pages
(:mod:`.worker`). Each page's check comes back and is recorded in the coordinator's
checker, so a link to a crawled page is not fetched again, as in one process.

A fresh result in the cross-run cache is still used here without a request; a worker
never sees the cache (a stale page is fetched again, not revalidated with a 304).
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from auditor.address import Address
from auditor.cluster.network import NetworkSpec
from auditor.cluster.session import ClusterSession
from auditor.cluster.worker import CrawlSpec, PageJob, close_crawl, crawl_requests, fetch_page, visit_page
from auditor.crawl.visitor import Gate, Visit

if TYPE_CHECKING:
    from auditor.check.cache import CheckCache
    from auditor.check.deadline import Deadline
    from auditor.check.engine import Checker
    from auditor.check.redirects import Trail
    from auditor.check.settings import CheckSettings


class ClusterVisitor:
    """Crawled pages read on the cluster; :meth:`close` at the end of the run."""

    def __init__(
        self, checker: Checker, session: ClusterSession, settings: CheckSettings, network: NetworkSpec
    ) -> None:
        """``settings``: what the workers check with (:class:`~auditor.cluster.run.Cluster`'s)."""
        self._checker = checker
        self._session = session
        assert checker.policy is not None, "use `async with Checker(...)`"
        self._spec = CrawlSpec(secrets.token_hex(8), settings, network, checker.policy)
        self._delays: dict[str, float] = {}

    @property
    def settings(self) -> CheckSettings:
        return self._checker.settings

    @property
    def deadline(self) -> Deadline:
        return self._checker.deadline

    @property
    def cache(self) -> CheckCache | None:
        return self._checker.cache

    async def requests(self) -> int:
        """The requests the run's crawl checkers made on the workers (the run counts them too)."""
        return sum(await self._session.everywhere(crawl_requests, self._spec.run))

    async def close(self) -> None:
        """The run's crawl checkers on the workers close (those that read no page have none)."""
        await self._session.everywhere(close_crawl, self._spec.run)

    async def visit(self, url: str, *, reuse: bool, max_bytes: int) -> Visit:
        checker = self._checker
        address = Address.of(url)
        if checker.holds(address) or (reuse and checker.fresh_in_cache(address)):
            return await checker.visit(url, reuse=reuse, max_bytes=max_bytes)  # no request, or one shared
        visit, outcome = await self._session.call(visit_page, self._job(url, max_bytes), affinity=address.site)
        checker.record(url, outcome, visit.page)
        return visit

    def gate(self, gate: Gate) -> None:
        self._checker.gate(gate)  # the links it forbids are skipped here, never sent to a shard

    def slow_down(self, host: str, seconds: float) -> None:
        self._delays[host] = seconds

    async def fetch(self, url: str, *, max_bytes: int | None = None) -> Trail:
        address = Address.of(url)
        return await self._session.call(fetch_page, self._job(url, max_bytes), affinity=address.site)

    def _job(self, url: str, max_bytes: int | None) -> PageJob:
        host = Address.of(url).host
        delays = ((host, self._delays[host]),) if host in self._delays else ()
        return PageJob(self._spec, url, max_bytes, delays)
