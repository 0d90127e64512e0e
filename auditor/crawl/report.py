"""What one crawl did, for the reports (a value with no behaviour: reports and extraction import it
without the crawler)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CrawlReport:
    """What one crawl did, for the reports: how far it went and where it stopped.

    ``pages``: pages read as sources; ``cached``: of those, answered by the cache;
    ``disallowed``: addresses on the site robots.txt forbids (neither crawled nor
    checked); ``beyond_depth``: pages linked from the deepest pages, not followed;
    ``beyond_max_pages``: pages found after ``max_pages`` was reached, not read;
    ``sitemap_pages``: pages the sitemaps listed; ``warnings``: what went wrong
    without stopping the crawl (a malformed sitemap, an enormous page).
    """

    start: str
    scope: str
    depth: int
    max_pages: int
    pages: int
    cached: int
    disallowed: int
    beyond_depth: int
    beyond_max_pages: int
    sitemaps: tuple[str, ...]
    sitemap_pages: int
    crawl_delay: float | None
    warnings: tuple[str, ...]

    @property
    def capped(self) -> bool:
        return bool(self.beyond_depth or self.beyond_max_pages)
