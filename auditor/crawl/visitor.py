"""What the crawler needs of whoever checks its pages: an interface the crawl package owns.

The checker (:class:`auditor.check.engine.Checker`) implements it; the crawler never
reaches into the checker's fetcher or politeness slots, and the check package never
imports the crawl package: the pipeline (:mod:`auditor.pipeline`) hands one to the other.

``visit``      check a page and keep it: the page fetch *is* the page's check, shared by
               every reference to the page (one request per address and run)
``gate``       also skip the addresses a rule gives a reason for (the site's robots.txt)
``slow_down``  space the requests to a host (robots.txt's ``Crawl-delay``)
``fetch``      a page that is read but not checked (robots.txt, sitemaps), redirects followed
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from auditor.check.cache import CheckCache
    from auditor.check.deadline import Deadline
    from auditor.check.page import Page
    from auditor.check.redirects import Trail
    from auditor.check.settings import CheckSettings
    from auditor.verdict import Verdict

#: Says why an address is not checked (robots.txt forbids it), or None.
Gate = Callable[[str], str | None]


@dataclass(frozen=True, slots=True)
class Visit:
    """A crawled page's check: the verdict every reference to the page shares, and the page
    as fetched; ``page`` is None when it was not fetched (the cache answered, or it failed)."""

    verdict: Verdict
    page: Page | None


class Visitor(Protocol):
    """Checks the pages a crawl reads (see the module's docstring)."""

    @property
    def settings(self) -> CheckSettings: ...

    @property
    def deadline(self) -> Deadline: ...

    @property
    def cache(self) -> CheckCache | None: ...

    async def visit(self, url: str, *, reuse: bool, max_bytes: int) -> Visit:
        """Check ``url`` keeping its page (up to ``max_bytes``); ``reuse``: the cache holds what the
        page contained, so a fresh cached verdict (or a 304) is enough and the page is not fetched."""
        ...

    def gate(self, gate: Gate) -> None: ...

    def slow_down(self, host: str, seconds: float) -> None: ...

    async def fetch(self, url: str, *, max_bytes: int | None = None) -> Trail: ...


@runtime_checkable
class CrawlProgress(Protocol):
    """Told as a crawl reads pages (before the checks start): ``pages`` read of ``planned`` found."""

    def crawled(self, pages: int, planned: int) -> None: ...
