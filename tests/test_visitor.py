"""The crawler needs only its own interface (:class:`auditor.crawl.visitor.Visitor`): a stand-in
that serves pages from a table drives a whole crawl, without a checker, a session or a network."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from auditor.check.cache import CheckCache
from auditor.check.deadline import Deadline
from auditor.check.page import Page
from auditor.check.redirects import Trail
from auditor.check.settings import CheckSettings
from auditor.crawl.crawler import crawl
from auditor.crawl.visitor import Gate, Visit, Visitor
from auditor.sources import Site
from auditor.verdict import Status, Verdict

SITE = {
    "https://www.example.org/robots.txt": ("text/plain", "User-agent: *\nDisallow: /private\nCrawl-delay: 0.25\n"),
    "https://www.example.org/": ("text/html", '<a href="/a">a</a> <a href="/b/">b</a> <a href="/private/x">x</a>'),
    "https://www.example.org/a": ("text/html", '<a href="/">home</a> <a href="/b">b again</a>'),
    "https://www.example.org/b/": ("text/html", "<p>b</p>"),
}


def answer(url: str) -> Page:
    kind, text = SITE.get(url, ("text/plain", "not found"))
    status = 200 if url in SITE else 404
    return Page(url, status, {"content-type": kind}, text.encode(), text, "")


@dataclass
class TableVisitor:
    """A :class:`Visitor` over :data:`SITE`: records what the crawler asks of it."""

    settings: CheckSettings = field(default_factory=CheckSettings)
    deadline: Deadline = field(default_factory=lambda: Deadline(None))
    cache: CheckCache | None = None
    visited: list[str] = field(default_factory=list)
    fetched: list[str] = field(default_factory=list)
    gates: list[Gate] = field(default_factory=list)
    delays: dict[str, float] = field(default_factory=dict)

    async def visit(self, url: str, *, reuse: bool, max_bytes: int) -> Visit:
        self.visited.append(url)
        page = answer(url)
        status = Status.OK if page.status == 200 else Status.DEAD
        return Visit(Verdict(status, str(page.status)), page)

    def gate(self, gate: Gate) -> None:
        self.gates.append(gate)

    def slow_down(self, host: str, seconds: float) -> None:
        self.delays[host] = seconds

    async def fetch(self, url: str, *, max_bytes: int | None = None) -> Trail:
        self.fetched.append(url)
        return Trail((), answer(url), url)


def test_a_table_drives_a_whole_crawl() -> None:
    visitor = TableVisitor()
    typed: Visitor = visitor  # the stand-in is a Visitor (mypy checks the protocol)
    crawled = asyncio.run(crawl(typed, "https://www.example.org/", Site(depth=2), ("GB",)))
    assert visitor.visited == ["https://www.example.org/", "https://www.example.org/a", "https://www.example.org/b/"]
    assert visitor.fetched[0] == "https://www.example.org/robots.txt"  # then the sitemap guess
    assert visitor.delays == {"www.example.org": 0.25}  # Crawl-delay, through the interface
    assert len(visitor.gates) == 1 and visitor.gates[0]("https://www.example.org/private/x")  # robots.txt gates checks
    assert [info.url for info in crawled.sources] == [
        "https://www.example.org/",
        "https://www.example.org/a",
        "https://www.example.org/b/",
    ]
    assert crawled.report is not None and crawled.report.disallowed == 1
