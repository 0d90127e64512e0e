"""Crawling a site (issue 6): from a start page, every page of the site within reach is
read once, its links checked, and the crawl says how far it went and where it stopped.

1. robots.txt gates every address on the host (our ``auditor`` group over ``*``); what it
   forbids is neither fetched nor crawled, and links to it are ``skipped``; its
   ``Crawl-delay`` spaces our requests.
2. Sitemaps (``Sitemap:`` lines, else the ``/sitemap.xml`` guess; indexes and gzip
   followed) add pages linked from nowhere; a broken one is a warning, not a stop.
3. Loops, endless calendars, ``/about`` vs ``/about/`` vs ``/about#team``: each page is
   fetched once, and ``--depth`` and ``--max-pages`` end the crawl, counted in the report.
4. Every page read is a source (PDFs too); its links are references, checked whether
   they stay on the site or not; pages off the site or beyond the depth are checked only.
5. A start page that cannot be crawled is a problem naming it; the command line refuses
   crawl flags that make no sense.

Every test runs against the fake web (:mod:`auditor.fakeweb`), whose sites are declared
below as data.
"""

from __future__ import annotations

import asyncio
import gzip
import itertools
import json
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web as aioweb
from click.testing import CliRunner

import auditor.cli
from auditor.check.settings import CheckSettings
from auditor.cli import main
from auditor.crawl import crawler
from auditor.fakeweb import FakeWeb, Handler, Page, RecordedRequest, not_found, page, redirect, status
from auditor.pipeline import check_sources
from auditor.report.checked import to_dict
from auditor.sources import Site, Source
from auditor.verdict import DEFAULT_FAIL_ON
from tests.conftest import through_fake_web
from tests.pdfmaker import make_pdf

ORIGIN = "https://www.example.org"
HOME = f"{ORIGIN}/"
FAST = CheckSettings(host_request_interval=0, retries=0)
DEPTH_3 = Site(depth=3)


def html(title: str, *links: str, head: str = "") -> str:
    """A page of the site: a title, some words (so it is no error page) and links."""
    anchors = "\n".join(f'<li><a href="{href}">{href}</a></li>' for href in links)
    return (
        f"<!doctype html><html><head><title>{title}</title>{head}</head><body><h1>{title}</h1>"
        + f"<p>{title}: what sarcoma is, how it is treated and where to find support.</p>" * 5
        + f"<ul>\n{anchors}\n</ul></body></html>"
    )


def urlset(*urls: str) -> str:
    entries = "".join(f"<url><loc>{url}</loc></url>" for url in urls)
    return f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'


def sitemap_index(*urls: str) -> str:
    entries = "".join(f"<sitemap><loc>{url}</loc></sitemap>" for url in urls)
    return f'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</sitemapindex>'


def xml(body: str) -> Page:
    return page(body, content_type="application/xml")


def text(body: str) -> Page:
    return page(body, content_type="text/plain")


ROBOTS = """\
User-agent: *
Disallow: /members/
Crawl-delay: 0.5

User-agent: auditor
Disallow: /staff/

Sitemap: https://www.example.org/sitemap-index.xml
Sitemap: https://www.example.org/sitemaps/broken.xml
"""

# A leaflet that links to a page of the site and names another site's page in its text.
LEAFLET = make_pdf(
    ["Sarcoma leaflet", "More at https://www.cancer.gov/leaflet-info"], links=[["https://www.example.org/a"]]
)

# The site the main crawl reads, at depth 3: what each link of the home page is there to
# show is in the comments. Sitemap pages enter at depth 1, as if the home page linked them.
SITE: dict[str, Any] = {
    "/robots.txt": text(ROBOTS),
    "/": page(
        html(
            "Sarcoma charity",
            "/a",  # a loop: /a -> /b -> /a
            "/about",  # one page written three ways
            "/about/",
            "/about#team",
            "/news",  # and two pages, the query tells them apart
            "/news?page=2",
            "/calendar?month=1",  # endless "next month" links
            "/docs/guide",  # relative links
            "/manual",  # <base href>
            "/members/",  # forbidden to *, not to auditor
            "/staff/list",  # forbidden to auditor
            "/leaflet.pdf",
            "/partner",  # 301 off the site
            "/missing",  # 404
            "https://www.cancer.gov/",
            "https://www.cancer.gov/gone",
        )
    ),
    "/a": page(html("Page A", "/b")),
    "/b": page(html("Page B", "/a")),
    "/about": page(html("About us")),
    "/about/": page(html("About us")),
    "/news": page(html("News")),
    "/news?page=2": page(html("Older news")),
    **{f"/calendar?month={n}": page(html(f"Month {n}", f"/calendar?month={n + 1}")) for n in range(1, 9)},
    "/docs/guide": page(html("Guide", "install", "../contact")),
    "/docs/install": page(html("Installing")),
    "/contact": page(html("Contact")),
    "/manual": page(html("Manual", "intro", head='<base href="/manual/v2/">')),
    "/manual/v2/intro": page(html("Manual introduction")),
    "/members/": page(html("Members")),
    "/staff/list": page(html("Staff")),
    "/leaflet.pdf": page(LEAFLET, content_type="application/pdf"),
    "/partner": redirect(301, "https://www.macmillan.org.uk/sarcoma"),
    "/orphan": page(html("Linked from nowhere")),
    "/orphan-gz": page(html("Listed in the gzipped sitemap")),
    "/from-broken": page(html("Listed before the break")),
    "/guessed": page(html("Only in /sitemap.xml")),
    "/sitemap-index.xml": xml(sitemap_index("/sitemaps/pages.xml", "https://www.example.org/sitemaps/more.xml.gz")),
    "/sitemaps/pages.xml": xml(urlset(HOME, "https://www.example.org/about/", "https://www.example.org/orphan")),
    "/sitemaps/more.xml.gz": page(
        gzip.compress(urlset("https://www.example.org/orphan-gz").encode()), content_type="application/x-gzip"
    ),
    "/sitemaps/broken.xml": xml(
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        "<url><loc>https://www.example.org/from-broken</loc></url><url><loc>https://www.exa"
    ),
    "/sitemap.xml": xml(urlset("https://www.example.org/guessed")),
    "*": not_found(),
}

ELSEWHERE: dict[str, Any] = {
    "www.cancer.gov": {
        "/": page(html("National Cancer Institute")),
        "/leaflet-info": page(html("Leaflets")),
        "*": not_found(),
    },
    "www.macmillan.org.uk": {"/sarcoma": page(html("Macmillan: sarcoma", "/elsewhere")), "*": not_found()},
}


def sites(site: Mapping[str, Any] = SITE) -> dict[str, Any]:
    """The fake web: ``site`` (by default the one above) as www.example.org, and the other hosts."""
    return {"www.example.org": dict(site), **ELSEWHERE}


@dataclass(frozen=True)
class Crawl:
    """One ``check_sources`` crawl: the JSON report and what the fake web was asked."""

    report: dict[str, Any]
    requests: list[RecordedRequest]

    @property
    def crawl(self) -> dict[str, Any]:
        (crawl,) = self.report["crawls"]
        return crawl

    @property
    def sources(self) -> list[str]:
        return [source["url"] for source in self.report["sources"]]

    def reference(self, url: str) -> dict[str, Any]:
        (found,) = [ref for ref in self.report["references"] if ref.get("url") == url]
        return found

    def asked(self, path_qs: str, host: str = "www.example.org") -> int:
        return sum(1 for r in self.requests if r.host == host and r.path_qs == path_qs)

    @property
    def problems(self) -> list[str]:
        return [f"{p['source']}: {p['message']}" for p in self.report["problems"]]


def crawl(declared: Mapping[str, Any], start: str = HOME, site: Site = DEPTH_3) -> Crawl:
    """Crawl ``start`` with ``check_sources`` against a fake web of ``declared`` sites."""

    async def go() -> Crawl:
        async with FakeWeb(declared) as web:
            source = Source(start, None, None, url=start).crawled(site)
            audit = await check_sources([source], FAST, resolver=web.resolver, ssl=web.client_ssl)
            return Crawl(to_dict(audit.extraction, audit.run, DEFAULT_FAIL_ON), list(web.requests))

    return asyncio.run(go())


@pytest.fixture(scope="module")
def site_crawl() -> Crawl:
    """The main crawl: the whole site above from its home page, depth 3."""
    return crawl(sites())


# -- 1. robots.txt -----------------------------------------------------------------------


def test_a_page_robots_txt_forbids_is_neither_fetched_nor_crawled(site_crawl: Crawl) -> None:
    assert site_crawl.asked("/staff/list") == 0
    assert "https://www.example.org/staff/list" not in site_crawl.sources
    assert site_crawl.crawl["disallowed"] == 1


def test_a_link_to_a_forbidden_page_is_skipped_naming_robots_txt(site_crawl: Crawl) -> None:
    ref = site_crawl.reference("https://www.example.org/staff/list")
    assert ref["status"] == "skipped"
    assert ref["reason"] == "robots.txt (https://www.example.org/robots.txt) disallows it for auditor"


def test_the_auditor_group_applies_over_the_star_group(site_crawl: Crawl) -> None:
    # "*" forbids /members/ and asks for a Crawl-delay; neither reaches us.
    assert "https://www.example.org/members/" in site_crawl.sources
    assert site_crawl.crawl["crawl_delay"] is None


class RequestClock:
    """Wraps a site's handlers to note when each request arrived (RecordedRequest has no time)."""

    def __init__(self) -> None:
        self.arrivals: list[tuple[str, float]] = []

    def site(self, site: Mapping[str, Any]) -> dict[str, Any]:
        return {path: self._timed(handler) for path, handler in site.items()}

    def _timed(self, handler: Handler) -> Handler:
        async def answer(request: aioweb.Request) -> aioweb.StreamResponse:
            self.arrivals.append((request.path_qs, time.monotonic()))
            return await handler(request)

        return answer


def test_crawl_delay_spaces_the_requests_to_the_host() -> None:
    delay = 0.2
    clock = RequestClock()
    site = clock.site(
        {
            "/robots.txt": text(f"User-agent: *\nCrawl-delay: 5\n\nUser-agent: auditor\nCrawl-delay: {delay}\n"),
            "/": page(html("Home", "/one", "/two", "/three")),
            "/one": page(html("One")),
            "/two": page(html("Two")),
            "/three": page(html("Three")),
            "*": not_found(),
        }
    )
    done = crawl({"www.example.org": site})
    assert done.crawl["crawl_delay"] == delay
    after_robots = [at for path, at in clock.arrivals if path != "/robots.txt"]
    gaps = [later - earlier for earlier, later in itertools.pairwise(after_robots)]
    assert len(gaps) >= 4
    assert min(gaps) >= delay * 0.75  # arrivals, not starts: a little slack for the connection


def test_robots_txt_answering_500_means_nothing_is_crawled() -> None:
    # RFC 9309 §2.3.1.4: a server error on robots.txt means "assume complete disallow".
    done = crawl(sites({**SITE, "/robots.txt": status(500)}))
    assert [r.path_qs for r in done.requests] == ["/robots.txt"]
    assert done.sources == []
    assert done.problems == [
        f"{HOME}: cannot crawl: robots.txt (https://www.example.org/robots.txt) forbids crawling it"
        " (robots.txt answered 500)"
    ]
    (warning,) = done.crawl["warnings"]
    assert warning.endswith("robots.txt answered 500; RFC 9309 says to crawl nothing on www.example.org")


# -- 2. sitemaps -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("https://www.example.org/orphan", id="listed-in-a-sitemap-of-the-index"),
        pytest.param("https://www.example.org/orphan-gz", id="listed-in-a-gzipped-sitemap"),
    ],
)
def test_a_page_linked_from_nowhere_but_listed_in_a_sitemap_is_crawled(site_crawl: Crawl, url: str) -> None:
    assert url in site_crawl.sources


def test_the_sitemaps_read_are_reported(site_crawl: Crawl) -> None:
    assert site_crawl.crawl["sitemaps"] == [
        "https://www.example.org/sitemap-index.xml",
        "https://www.example.org/sitemaps/broken.xml",
        "https://www.example.org/sitemaps/pages.xml",
        "https://www.example.org/sitemaps/more.xml.gz",
    ]
    assert site_crawl.crawl["sitemap_pages"] == 5  # home, /about/, /orphan, /orphan-gz, /from-broken


def test_a_malformed_sitemap_is_a_warning_and_what_came_before_the_break_is_crawled(site_crawl: Crawl) -> None:
    (warning,) = site_crawl.crawl["warnings"]
    assert warning.startswith("sitemap https://www.example.org/sitemaps/broken.xml: malformed XML")
    assert warning.endswith("kept the 1 URL before the break")
    assert "https://www.example.org/from-broken" in site_crawl.sources


def test_sitemap_lines_in_robots_txt_replace_the_sitemap_xml_guess(site_crawl: Crawl) -> None:
    assert site_crawl.asked("/sitemap.xml") == 0
    assert "https://www.example.org/guessed" not in site_crawl.sources


# A small site whose robots.txt names its sitemaps, or not; /guessed is listed only in /sitemap.xml.
SMALL: dict[str, Any] = {
    "/": page(html("Home", "/about")),
    "/about": page(html("About")),
    "/guessed": page(html("Only in /sitemap.xml")),
    "/sitemap.xml": xml(urlset("https://www.example.org/guessed")),
    "*": not_found(),
}

# (id, robots.txt, /sitemap.xml, sitemaps read, warnings)
SITEMAP_SOURCES = [
    ("no-sitemap-line-guess-found", "User-agent: *\nDisallow:\n", SMALL["/sitemap.xml"], ["/sitemap.xml"], []),
    ("no-sitemap-line-guess-404-is-no-news", "User-agent: *\nDisallow:\n", not_found(), [], []),
    (
        "a-named-sitemap-missing-is-news",
        "User-agent: *\nDisallow:\n\nSitemap: https://www.example.org/sitemaps/gone.xml\n",
        SMALL["/sitemap.xml"],
        [],
        ["sitemap https://www.example.org/sitemaps/gone.xml could not be read: the server answered 404"],
    ),
]


@pytest.mark.parametrize(
    ("robots", "guess", "read", "warnings"),
    [row[1:] for row in SITEMAP_SOURCES],
    ids=[row[0] for row in SITEMAP_SOURCES],
)
def test_sitemap_xml_is_only_a_guess(robots: str, guess: Page, read: list[str], warnings: list[str]) -> None:
    done = crawl(sites({**SMALL, "/robots.txt": text(robots), "/sitemap.xml": guess}))
    assert done.crawl["sitemaps"] == [ORIGIN + path for path in read]
    assert done.crawl["warnings"] == warnings
    assert ("https://www.example.org/guessed" in done.sources) == bool(read)


# -- 3. each page once, and where the crawl stops -----------------------------------------


def test_no_address_is_requested_twice(site_crawl: Crawl) -> None:
    # Over the whole crawl and check; the soft-404 probe's made-up address aside.
    asked = Counter((r.host, r.path_qs) for r in site_crawl.requests if "-no-such-page" not in r.path_qs)
    assert {key: n for key, n in asked.items() if n > 1} == {}


def test_pages_linking_in_a_loop_are_each_fetched_once(site_crawl: Crawl) -> None:
    assert (site_crawl.asked("/a"), site_crawl.asked("/b")) == (1, 1)
    assert {"https://www.example.org/a", "https://www.example.org/b"} <= set(site_crawl.sources)


def test_an_endless_calendar_stops_at_the_depth(site_crawl: Crawl) -> None:
    months = [n for n in range(1, 9) if f"https://www.example.org/calendar?month={n}" in site_crawl.sources]
    assert months == [1, 2, 3]  # depths 1, 2 and 3
    assert [site_crawl.asked(f"/calendar?month={n}") for n in range(1, 7)] == [1, 1, 1, 1, 0, 0]
    assert site_crawl.crawl["beyond_depth"] > 0
    assert site_crawl.crawl["capped"] is True


def test_a_page_beyond_the_depth_is_checked_but_not_read(site_crawl: Crawl) -> None:
    url = "https://www.example.org/calendar?month=4"
    assert site_crawl.reference(url)["status"] == "ok"
    assert url not in site_crawl.sources


def test_max_pages_ends_the_crawl_and_counts_what_was_left() -> None:
    done = crawl(sites(), site=Site(depth=3, max_pages=4))
    assert len(done.sources) == done.crawl["pages"] == 4
    assert done.sources[0] == HOME
    assert done.crawl["beyond_max_pages"] > 0
    assert done.crawl["capped"] is True


@pytest.mark.parametrize(
    ("written", "fetched"),
    [
        pytest.param(["/about", "/about/", "/about#team"], ["/about"], id="slash-and-fragment-are-one-page"),
        pytest.param(["/news", "/news?page=2"], ["/news", "/news?page=2"], id="a-query-is-another-page"),
    ],
)
def test_which_addresses_are_one_page(site_crawl: Crawl, written: list[str], fetched: list[str]) -> None:
    asked = [r.path_qs for r in site_crawl.requests if r.host == "www.example.org" and r.path_qs in written]
    assert sorted(asked) == fetched
    assert [url for url in site_crawl.sources if url.removeprefix(ORIGIN) in written] == [ORIGIN + p for p in fetched]
    assert {site_crawl.reference(ORIGIN + path)["status"] for path in written} == {"ok"}


@pytest.mark.parametrize(
    ("url", "linked_from"),
    [
        pytest.param("https://www.example.org/docs/install", "https://www.example.org/docs/guide", id="relative"),
        pytest.param("https://www.example.org/contact", "https://www.example.org/docs/guide", id="dot-dot"),
        pytest.param("https://www.example.org/manual/v2/intro", "https://www.example.org/manual", id="base-href"),
    ],
)
def test_relative_links_are_resolved_and_followed(site_crawl: Crawl, url: str, linked_from: str) -> None:
    assert url in site_crawl.sources
    assert site_crawl.reference(url)["locations"][0]["source"] == linked_from


def test_base_href_wins_over_the_page_address(site_crawl: Crawl) -> None:
    assert site_crawl.asked("/intro") == 0  # "intro" on /manual without its <base href>


# -- 4. what is read and what is checked --------------------------------------------------


def test_every_page_read_is_a_source_with_its_url(site_crawl: Crawl) -> None:
    pages = ["/", "/a", "/b", "/about", "/news", "/news?page=2", "/calendar?month=1", "/calendar?month=2"]
    pages += ["/calendar?month=3", "/docs/guide", "/docs/install", "/contact", "/manual", "/manual/v2/intro"]
    pages += ["/members/", "/leaflet.pdf", "/orphan", "/orphan-gz", "/from-broken"]
    assert sorted(site_crawl.sources) == sorted(ORIGIN + path for path in pages)
    assert site_crawl.crawl["pages"] == len(site_crawl.report["sources"])
    assert all(source["path"] == source["url"] for source in site_crawl.report["sources"])


def test_a_pdf_on_the_site_is_a_source_with_its_references(site_crawl: Crawl) -> None:
    leaflet = "https://www.example.org/leaflet.pdf"
    (source,) = [s for s in site_crawl.report["sources"] if s["url"] == leaflet]
    assert source["format"] == "pdf"
    ref = site_crawl.reference("https://www.cancer.gov/leaflet-info")
    assert ref["locations"][0]["source"] == leaflet
    assert ref["status"] == "ok"


def test_an_off_site_redirect_is_checked_but_not_followed(site_crawl: Crawl) -> None:
    ref = site_crawl.reference("https://www.example.org/partner")
    assert ref["status"] == "moved"
    assert ref["suggestion"] == "https://www.macmillan.org.uk/sarcoma"
    assert not [url for url in site_crawl.sources if "macmillan" in url]
    assert site_crawl.asked("/elsewhere", host="www.macmillan.org.uk") == 0


def test_a_dead_page_of_the_site_is_dead_where_it_is_linked(site_crawl: Crawl) -> None:
    ref = site_crawl.reference("https://www.example.org/missing")
    assert ref["status"] == "dead"
    assert ref["locations"][0]["source"] == HOME
    assert "https://www.example.org/missing" not in site_crawl.sources


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        pytest.param("https://www.cancer.gov/", "ok", id="ok"),
        pytest.param("https://www.cancer.gov/gone", "dead", id="404"),
    ],
)
def test_external_links_are_checked_not_crawled(site_crawl: Crawl, url: str, expected: str) -> None:
    assert site_crawl.reference(url)["status"] == expected
    assert url not in site_crawl.sources


def scope_sites() -> dict[str, Any]:
    return {
        "www.example.org": {
            "/": page(html("Home", "https://shop.example.org/shoes", "https://example.com/")),
            "*": not_found(),
        },
        "shop.example.org": {"/shoes": page(html("Shoes", "/socks")), "/socks": page(html("Socks")), "*": not_found()},
        "example.com": {"/": page(html("Example", "/more")), "/more": page(html("More")), "*": not_found()},
    }


@pytest.mark.parametrize(
    ("scope", "read"),
    [
        pytest.param("host", [HOME], id="host"),
        pytest.param(
            "domain",
            [HOME, "https://shop.example.org/shoes", "https://shop.example.org/socks"],
            id="domain-takes-in-shop",
        ),
    ],
)
def test_the_crawl_scope_decides_which_hosts_are_the_site(scope: str, read: list[str]) -> None:
    done = crawl(scope_sites(), site=Site(depth=3, scope=scope))
    assert done.sources == read
    assert done.reference("https://example.com/")["status"] == "ok"  # checked, never crawled
    assert done.asked("/more", host="example.com") == 0


# -- 5. start pages that cannot be crawled ----------------------------------------------


@pytest.mark.parametrize(
    ("start", "problem"),
    [
        pytest.param(
            "https://www.example.org/missing", "cannot crawl: the start page is dead (404 Not Found)", id="404"
        ),
        pytest.param(
            "https://www.example.org/partner",
            "cannot crawl: it redirects off the site to https://www.macmillan.org.uk/sarcoma"
            " (another host: www.macmillan.org.uk); crawl that address instead",
            id="redirects-off-site",
        ),
    ],
)
def test_a_start_page_that_cannot_be_read_is_a_problem_naming_it(start: str, problem: str) -> None:
    done = crawl(sites(), start)
    assert done.problems == [f"{start}: {problem}"]
    assert done.sources == []  # nor are the sitemaps' pages read: there is no site to add them to
    assert done.crawl["pages"] == 0


def test_a_pdf_start_page_is_read_as_a_document_and_nothing_followed() -> None:
    leaflet = "https://www.example.org/leaflet.pdf"
    done = crawl(sites(), leaflet)
    assert done.sources == [leaflet]
    warning = f"{leaflet} is not an HTML page (application/pdf): read as a document, no links followed"
    assert warning in done.crawl["warnings"]
    assert done.reference("https://www.example.org/a")["status"] == "ok"  # its link is checked
    assert done.asked("/b") == 0  # and not followed
    assert done.problems == []


def test_an_enormous_page_is_read_up_to_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(crawler, "MAX_PAGE_BYTES", 2000)
    body = '<title>Long</title><a href="/early">early</a>' + "<p>Sarcoma.</p>" * 300 + '<a href="/late">late</a>'
    assert len(body) > 4000
    done = crawl({"www.example.org": {"/": page(body), "/early": page(html("Early")), "*": not_found()}})
    assert done.crawl["warnings"] == [f"{HOME} is larger than 2000 bytes: only its beginning was read"]
    assert HOME in done.sources
    assert "https://www.example.org/early" in done.sources
    assert [r for r in done.report["references"] if r["url"].endswith("/late")] == []
    assert done.asked("/late") == 0


# -- the command line ----------------------------------------------------------------------

CRAWL_KEYS = {
    "start",
    "scope",
    "depth",
    "max_pages",
    "pages",
    "cached",
    "disallowed",
    "beyond_depth",
    "beyond_max_pages",
    "capped",
    "sitemaps",
    "sitemap_pages",
    "crawl_delay",
    "warnings",
}


@pytest.fixture
def cli_web(monkeypatch: pytest.MonkeyPatch) -> None:
    """Point `auditor check` at the fake web of this file."""
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.setattr(auditor.cli, "check_sources", through_fake_web(sites))


def check(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["check", *args, "--retries", "0", "--host-request-interval", "0"])
    return result.exit_code, result.stdout, result.stderr


def test_the_json_report_says_what_each_crawl_did(cli_web: None) -> None:
    code, out, err = check(HOME, "--crawl", "--depth", "1", "--format", "json")
    assert code == 1, err  # /missing and cancer.gov/gone are dead
    report = json.loads(out)
    (crawled,) = report["crawls"]
    assert set(crawled) == CRAWL_KEYS
    assert (crawled["start"], crawled["scope"], crawled["depth"]) == (HOME, "host", 1)
    assert crawled["pages"] == len(report["sources"])
    assert "https://www.example.org/b" not in [s["url"] for s in report["sources"]]  # depth 2


def test_the_text_report_starts_with_the_crawl(cli_web: None) -> None:
    _, out, _ = check(HOME, "--crawl", "--depth", "1", "--format", "json")
    pages = json.loads(out)["crawls"][0]["pages"]
    code, out, err = check(HOME, "--crawl", "--depth", "1")
    assert code == 1, err
    assert out.splitlines()[0].startswith(f"crawled {HOME}: {pages} pages, ")


def test_a_start_page_that_cannot_be_crawled_exits_2(cli_web: None) -> None:
    code, _, err = check("https://www.example.org/missing", "--crawl")
    assert code == 2
    assert "https://www.example.org/missing: cannot crawl: the start page is dead (404 Not Found)" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param([HOME, "--depth", "2"], "--depth only apply with --crawl", id="depth-without-crawl"),
        pytest.param(
            [HOME, "--crawl-scope", "domain"], "--crawl-scope only apply with --crawl", id="scope-without-crawl"
        ),
        pytest.param(["FILE", "--crawl"], "--crawl needs the address of a web page", id="crawl-without-a-url"),
    ],
)
def test_crawl_flags_that_make_no_sense_are_usage_errors(
    cli_web: None, tmp_path: Path, args: list[str], message: str
) -> None:
    doc = tmp_path / "leaflet.md"
    doc.write_text("See https://www.example.org/about\n")
    code, _, err = check(*[str(doc) if arg == "FILE" else arg for arg in args])
    assert code == 2
    assert message in err
