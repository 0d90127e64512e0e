"""The crawl: from a start page, read every page of the site within reach, once.

Breadth first, one depth at a time, so that every page is read at the smallest depth
it can be reached at and ``--depth`` means what it says; within a depth, pages are
fetched concurrently under the checker's limits and politeness (a page fetch *is* the
page's check: :meth:`auditor.crawl.visitor.Visitor.visit`). Before the first page the
site's robots.txt is read (its rules gate every address on the host, crawled or only
checked; its ``Crawl-delay`` spaces our requests) and so are its sitemaps (``Sitemap:``
lines, else ``/sitemap.xml``; indexes followed), whose pages enter at depth 1, so a
page linked from nowhere is read too.

What is kept is what the report needs: each page's document facts, references and
(until its depth is done) links; page bodies are dropped once read. The frontier is
bounded by ``max_pages``; the caps hit are counted and reported (:class:`CrawlReport`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

from auditor.check.cache import PageContent
from auditor.check.failures import Failure
from auditor.check.page import Page
from auditor.crawl.links import page_links
from auditor.crawl.report import CrawlReport
from auditor.crawl.robots import Robots, agent_token
from auditor.crawl.scope import CrawlScope, Scope, canonical, page_key
from auditor.crawl.sitemap import MAX_SITEMAP_BYTES, parse_sitemap
from auditor.crawl.visitor import CrawlProgress, Visitor
from auditor.defaults import MAX_PAGE_BYTES
from auditor.errors import UnreadableInput
from auditor.extract import SourceInfo, extract_document
from auditor.extract.domains import host_of
from auditor.reference import Reference
from auditor.sources import Fetched, Format, Site, Source, content_format, read, size_limit, sniff

__all__ = ["CrawlReport", "Crawled", "Crawler", "crawl"]

#: Sitemaps read per site at most (an index of indexes must end somewhere).
MAX_SITEMAPS = 100
#: Formats a crawled page is read as; anything else (an image, an archive) is only checked.
READ_FORMATS = frozenset({Format.HTML, Format.PDF, Format.TEXT, Format.MARKDOWN})
#: Distinct addresses counted beyond a cap, at most (the count is then a lower bound).
MAX_COUNTED = 100_000


@dataclass(slots=True)
class Crawled:
    """The pages read, their references, what could not be read, and the crawl's report."""

    sources: list[SourceInfo] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    problems: list[UnreadableInput] = field(default_factory=list)
    report: CrawlReport | None = None
    offline: bool = False  # the site could not be reached in a way that may be this machine's fault


class _Counted:
    """Distinct addresses, counted up to :data:`MAX_COUNTED`."""

    __slots__ = ("_seen",)

    def __init__(self) -> None:
        self._seen: set[str] = set()

    def add(self, key: str) -> None:
        if len(self._seen) < MAX_COUNTED:
            self._seen.add(key)

    def __len__(self) -> int:
        return len(self._seen)


class Crawler:
    """One crawl of one site through a :class:`~auditor.crawl.visitor.Visitor` (the checker:
    its session, limits, politeness and cache)."""

    def __init__(
        self,
        visitor: Visitor,
        start: str,
        site: Site,
        regions: Sequence[str],
        *,
        progress: CrawlProgress | None = None,
    ) -> None:
        self.visitor = visitor
        self.progress = progress
        self._read = 0  # pages done (read, failed or skipped)
        self.site = site
        self.regions = tuple(regions)
        self.start = canonical(start) or start
        self.scope = Scope(self.start, CrawlScope(site.scope), site.include, site.exclude)
        self.agent = agent_token(visitor.settings.user_agent)
        self.out = Crawled()
        self._seen: set[str] = set()  # page keys planned or read: no page is fetched twice
        self._robots: dict[str, asyncio.Future[Robots]] = {}  # by origin (scheme://host:port)
        self._disallowed = _Counted()
        self._beyond_depth = _Counted()
        self._beyond_max = _Counted()
        self._warnings: list[str] = []
        self._sitemaps: list[str] = []
        self._sitemap_pages = 0
        self._cached = 0
        self._delay: float | None = None
        visitor.gate(self._gate)

    async def run(self) -> Crawled:
        robots = await self._robots_for(self.start)
        self._seen.add(page_key(self.start))
        level = [self.start]
        if not robots.allows(self.start, self.agent):
            self._fail(f"robots.txt ({robots.url}) forbids crawling it{_because(robots.why)}")
            level = []
        depth = 0
        while level:
            found: list[str] = []
            await self._read_level(level, depth, found)
            if depth == 0 and self.site.depth >= 1 and self._start_followed():
                # Read once the start page is known to lead somewhere: a site whose start
                # page fails is not crawled through its sitemaps either.
                found.extend(await self._sitemap_pages_of(robots))
            level = found
            depth += 1
            if level and self.visitor.deadline.expired:
                self._warn(
                    f"--max-duration ({self.visitor.deadline.seconds:g}s) ran out: the crawl stopped after "
                    f"{len(self.out.sources):,} pages; {len(level):,} more were planned"
                )
                break
        self.out.report = CrawlReport(
            start=self.start,
            scope=self.scope.mode.value,
            depth=self.site.depth,
            max_pages=self.site.max_pages,
            pages=len(self.out.sources),
            cached=self._cached,
            disallowed=len(self._disallowed),
            beyond_depth=len(self._beyond_depth),
            beyond_max_pages=len(self._beyond_max),
            sitemaps=tuple(self._sitemaps),
            sitemap_pages=self._sitemap_pages,
            crawl_delay=self._delay,
            warnings=tuple(self._warnings),
        )
        return self.out

    def _start_followed(self) -> bool:
        """Whether the start page was read as an HTML page, whose links (and the sitemaps' pages) lead on."""
        return bool(self.out.sources) and self.out.sources[0].format is Format.HTML

    # -- the frontier ----------------------------------------------------------------------

    def _plan(self, url: str) -> bool:
        """Whether ``url`` is a page of the site not yet planned, within the caps (counting it if not)."""
        key = page_key(url)
        if key in self._seen or self.scope.why_outside(url) is not None:
            return False
        if self._gate(url) is not None:
            self._disallowed.add(key)
            return False
        if len(self._seen) >= self.site.max_pages:
            self._beyond_max.add(key)
            return False
        self._seen.add(key)
        return True

    async def _read_level(self, level: list[str], depth: int, found: list[str]) -> None:
        """Read the pages of one depth concurrently; then, in the level's order (so that
        reports do not depend on which answer came first), keep them and plan their links."""
        pending = iter(enumerate(level))
        contents: list[PageContent | None] = [None] * len(level)

        deadline = self.visitor.deadline

        async def worker() -> None:
            for i, url in pending:
                if deadline.expired:
                    return
                contents[i] = await self._read_page(url, depth)
                self._read += 1
                if self.progress is not None:
                    self.progress.crawled(self._read, len(self._seen))

        workers = min(len(level), self.visitor.settings.max_concurrency)
        await deadline.run(worker() for _ in range(workers))
        last = depth >= self.site.depth
        for content in contents:
            if content is None:
                continue
            self.out.sources.append(content.info)
            self.out.references.extend(content.references)
            for link in content.links:
                if not last:
                    if self._plan(link):
                        found.append(link)
                elif (key := page_key(link)) not in self._seen and self._in_site(link):
                    self._beyond_depth.add(key)

    def _full(self) -> bool:
        """Whether ``max_pages`` pages are planned: what more is found only counts as beyond it."""
        return len(self._seen) >= self.site.max_pages

    def _in_site(self, url: str) -> bool:
        return self.scope.why_outside(url) is None and self._gate(url) is None

    # -- one page --------------------------------------------------------------------------

    async def _read_page(self, url: str, depth: int) -> PageContent | None:
        """Check the page; what it holds when it is a document of the site."""
        key = page_key(url)
        await self._robots_for(url)  # another host of the site (domain scope): its rules first
        if self._gate(url) is not None:
            self._disallowed.add(key)
            return None
        cache = self.visitor.cache
        stored = await cache.page(key) if cache is not None else None
        visit = await self.visitor.visit(url, reuse=stored is not None, max_bytes=MAX_PAGE_BYTES + 1)
        verdict, page = visit.verdict, visit.page
        if page is None:
            if stored is not None and verdict.cached:
                self._cached += 1
                if cache is not None:
                    cache.refresh_page(key)
                return stored
            if verdict.status.is_healthy:
                return None  # read by another crawl whose site overlaps this one: it is a source there
            if depth == 0:
                self._fail(verdict.reason)
            if cache is not None:
                cache.forget_page(key)
            return None
        if not verdict.status.is_healthy or not 200 <= page.status < 300:
            if depth == 0:
                self._fail(f"the start page is {verdict.status.value} ({verdict.reason})")
            return None
        if (outside := self.scope.why_outside(page.url)) is not None:
            if depth == 0:
                self._fail(f"it redirects off the site to {page.url} ({outside}); crawl that address instead")
            return None
        if page.url != url and page_key(page.url) != key:  # redirected to another page of the site
            if page_key(page.url) in self._seen and depth > 0:
                return None  # read (or to be read) under its own address
            self._seen.add(page_key(page.url))
        content = await self._content(url, page, depth)
        if content is not None and cache is not None:
            cache.keep_page(key, content)
        return content

    async def _content(self, url: str, page: Page, depth: int) -> PageContent | None:
        content_type = page.headers.get("content-type", "")
        declared = content_format(content_type)
        fmt: Format | None = declared or sniff(page.body)
        if declared is None and fmt is Format.TEXT and content_type and not content_type.startswith("text/"):
            fmt = None  # an image, an archive: sniffing calls anything "text", the server knew better
        if fmt is None or fmt not in READ_FORMATS:
            if depth == 0:
                self._warn(f"{url} is not a document ({content_type or 'no content type'}): nothing to read or follow")
            return None
        body = page.body
        if len(body) > MAX_PAGE_BYTES:
            body = body[:MAX_PAGE_BYTES]
            self._warn(f"{url} is larger than {size_limit(MAX_PAGE_BYTES)}: only its beginning was read")
        if depth == 0 and fmt is not Format.HTML:
            self._warn(f"{url} is not an HTML page ({content_type}): read as a document, no links followed")
        fetched = Fetched(page.url, content_type, body)
        try:
            return await asyncio.to_thread(_read, url, fmt, fetched, self.regions)
        except UnreadableInput as problem:
            self.out.problems.append(problem)
            return None

    # -- robots.txt and sitemaps -----------------------------------------------------------

    def _gate(self, url: str) -> str | None:
        """Why robots.txt keeps us from ``url`` (only on hosts whose robots.txt was read)."""
        future = self._robots.get(_origin(url))
        if future is None or not future.done() or future.cancelled():
            return None
        robots = future.result()
        if robots.allows(url, self.agent):
            return None
        return f"robots.txt ({robots.url}) disallows it for {self.agent}{_because(robots.why)}"

    async def _robots_for(self, url: str) -> Robots:
        origin = _origin(url)
        future = self._robots.get(origin)
        if future is None:
            future = self._robots[origin] = asyncio.ensure_future(self._read_robots(origin))
        return await future

    async def _read_robots(self, origin: str) -> Robots:
        where = f"{origin}/robots.txt"
        trail = await self.visitor.fetch(where)
        final = trail.final
        if isinstance(final, Failure):
            robots = Robots.disallow_all(where, f"robots.txt could not be fetched: {final.reason}")
            if origin == _origin(self.start):
                self.out.offline = final.network and final.retryable
        elif final.status >= 500:
            robots = Robots.disallow_all(where, f"robots.txt answered {final.status}")
        elif not 200 <= final.status < 300:
            robots = Robots.allow_all(where, f"no robots.txt ({final.status})")
        else:
            robots = Robots.parse(where, final.text)
        if not robots.allows(f"{origin}/", self.agent) and robots.why:
            self._warn(f"{where}: {robots.why}; RFC 9309 says to crawl nothing on {host_of(where)}")
        delay = robots.crawl_delay(self.agent)
        cap = self.visitor.settings.max_crawl_delay
        if delay and delay > cap:
            self._warn(
                f"{where}: Crawl-delay {delay:g}s is longer than the cap: waiting {cap:g}s between requests"
                " (--max-crawl-delay, checks.max_crawl_delay)"
            )
            delay = cap
        if delay:
            self.visitor.slow_down(host_of(where), delay)
            if origin == _origin(self.start):
                self._delay = delay
        return robots

    async def _sitemap_pages_of(self, robots: Robots) -> list[str]:
        """The pages the site's sitemaps list, planned (indexes followed, at most MAX_SITEMAPS read).

        Reading stops once ``max_pages`` pages are planned: 100 sitemaps of 50,000 URLs
        must not be held in memory for a crawl of 100 pages."""
        named = list(robots.sitemaps)
        queue = named or [f"{_origin(self.start)}/sitemap.xml"]
        quiet_if_missing = not named  # /sitemap.xml is only a guess: its absence is no news
        read: set[str] = set()
        pages: list[str] = []
        dropped = False
        while queue and len(read) < MAX_SITEMAPS:
            if self.visitor.deadline.expired:
                return pages
            if self._full():
                self._warn(f"--max-pages ({self.site.max_pages:,}) reached: the other sitemaps were not read")
                return pages
            where = queue.pop(0)
            if where in read:
                continue
            read.add(where)
            trail = await self.visitor.fetch(where, max_bytes=MAX_SITEMAP_BYTES)
            final = trail.final
            if isinstance(final, Failure) or not 200 <= final.status < 300:
                if not quiet_if_missing:
                    why = final.reason if isinstance(final, Failure) else f"the server answered {final.status}"
                    self._warn(f"sitemap {where} could not be read: {why}")
                continue
            sitemap = await asyncio.to_thread(parse_sitemap, final.url, final.body)
            del trail, final  # the sitemap's bytes: one at a time
            if sitemap.problem and not (quiet_if_missing and not sitemap.pages and not sitemap.sitemaps):
                self._warn(f"sitemap {where}: {sitemap.problem}")
            if sitemap.pages or sitemap.sitemaps:
                self._sitemaps.append(where)
            self._sitemap_pages += len(sitemap.pages)
            pages.extend(url for url in sitemap.pages if self._plan(url))
            room = max(0, MAX_SITEMAPS - len(read) - len(queue))  # an index of 50,000 sitemaps is not queued whole
            dropped = dropped or len(sitemap.sitemaps) > room
            queue.extend(sitemap.sitemaps[:room])
            quiet_if_missing = False
        if queue or dropped:
            self._warn(f"more than {MAX_SITEMAPS} sitemaps: the rest were not read")
        return pages

    # -- what went wrong -------------------------------------------------------------------

    def _fail(self, why: str) -> None:
        self.out.problems.append(UnreadableInput(self.start, f"cannot crawl: {why}"))

    def _warn(self, message: str) -> None:
        self._warnings.append(message)


def _read(url: str, fmt: Format, fetched: Fetched, regions: Sequence[str]) -> PageContent:
    """Extract a fetched page (in a worker thread): its document, references and links."""
    document = read(Source(url, None, fmt, url=url), web={url: fetched})
    info, references = extract_document(document, regions)
    links = page_links(document.text, fetched.url) if fmt is Format.HTML else []
    return PageContent(fetched.url, info, tuple(references), tuple(links))


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), "", "", ""))


def _because(why: str) -> str:
    return f" ({why})" if why else ""


async def crawl(
    visitor: Visitor, start: str, site: Site, regions: Sequence[str], *, progress: CrawlProgress | None = None
) -> Crawled:
    """Crawl the site of ``start`` with ``visitor`` (see :class:`Crawler`); ``progress`` hears of each page."""
    if canonical(start) is None:
        return Crawled(problems=[UnreadableInput(start, "cannot crawl: not a web address with a host name")])
    return await Crawler(visitor, start, site, regions, progress=progress).run()
