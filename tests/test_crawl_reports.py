"""How a site crawl and the cross-run cache show in the HTML report and the Markdown summary.

The crawl itself is tested in test_crawl.py; here its :class:`CrawlReport` and the
pages it read are built by hand, as test_html_report.py builds its fixtures.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from bs4 import BeautifulSoup

from auditor.crawl.crawler import CrawlReport
from auditor.extract import Extraction, SourceInfo
from auditor.reference import Location, Reference, Url
from auditor.report.html import to_html
from auditor.report.markdown import to_markdown
from auditor.sources import Format
from auditor.verdict import DEFAULT_FAIL_ON, Checked, CheckRun, Status, Verdict
from tests.test_html_report import WHEN, data, report, texts
from tests.test_reports import HOSTILE, sample_run

START = "https://www.sarcoma.org.uk/"
EARLIER = dt.datetime(2026, 11, 20, 6, 0, tzinfo=dt.UTC)


def crawl_report(**changes: object) -> CrawlReport:
    capped = CrawlReport(
        start=START,
        scope="host",
        depth=3,
        max_pages=10_000,
        pages=10_000,
        cached=900,
        disallowed=12,
        beyond_depth=345,
        beyond_max_pages=4_567,
        sitemaps=("https://www.sarcoma.org.uk/sitemap.xml",),
        sitemap_pages=1_800,
        crawl_delay=1.5,
        warnings=("sitemap https://www.sarcoma.org.uk/news.xml: not XML (line 1); its pages were not added",),
    )
    return replace(capped, **changes)


QUIET = {"beyond_depth": 0, "beyond_max_pages": 0, "disallowed": 0, "sitemaps": (), "sitemap_pages": 0}


def page_url(i: int) -> str:
    return f"{START}page-{i}" if i else START


def crawled(pages: int, crawl: CrawlReport | None = None, *, cached: bool = False) -> tuple[Extraction, CheckRun]:
    """A crawl of ``pages`` pages, each linking to the home page and one page of its own (dead on page 1)."""
    sources = tuple(SourceInfo(page_url(i), Format.HTML, None, page_url(i)) for i in range(pages))
    home = Reference(Url(START), START, tuple(Location(page_url(i), 10, 3, "Home", START) for i in range(pages)))
    results = [Checked(home, Verdict(Status.OK, "200 OK", 200, cached=cached, checked_at=EARLIER))]
    for i in range(pages):
        target = f"https://www.example.org/from-{i}"
        status = Status.DEAD if i == 1 else Status.OK
        results.append(
            Checked(
                Reference(Url(target), target, (Location(page_url(i), 20, 5, "see", target),)),
                Verdict(status, "404 Not Found" if status is Status.DEAD else "200 OK", 404 if i == 1 else 200),
            )
        )
    run = CheckRun(tuple(results), False, pages + 1, 2_000, cached=1 if cached else 0)
    crawls = (crawl or crawl_report(pages=pages),)
    return Extraction(sources, tuple(item.reference for item in results), (), crawls), run


def html(extraction: Extraction, run: CheckRun) -> BeautifulSoup:
    return BeautifulSoup(to_html(extraction, run, DEFAULT_FAIL_ON, generated_at=WHEN), "lxml")


def figures(page: BeautifulSoup) -> dict[str, str]:
    section = page.select_one("#crawl .figures")
    return {dt.get_text(): " ".join(dt.find_next_sibling("dd").get_text(" ").split()) for dt in section.select("dt")}


def test_a_crawl_says_how_far_it_went_and_which_caps_it_hit() -> None:
    page = html(*crawled(3))
    assert "Site crawl" in texts(page.select("nav a"))
    (site,) = page.select("#crawl article.crawl")
    assert site.select_one("h3 a")["href"] == START
    # The caps hit are cautions, each saying what to raise.
    assert texts(site.select(".cap")) == [
        "\u26a0 depth 3 reached: 345 more pages were not followed (raise --depth or sources[].depth)",
        "\u26a0 10,000 pages reached: 4,567 more were not read (raise --max-pages or sources[].max_pages)",
    ]
    assert all("tone-warn" in cap["class"] for cap in site.select(".cap"))
    assert figures(page) == {
        "Scope": "host (this host name only), up to 3 links from the start page, at most 10,000 pages",
        "Pages read": "3 (900 from the cache)",
        "Sitemaps": "1,800 pages listed in 1 sitemap: https://www.sarcoma.org.uk/sitemap.xml",
        "robots.txt": "12 pages forbidden: neither read nor checked",
        "Crawl-delay": "1.5 s between requests, honoured",
    }
    assert site.select_one(".sitemaps a")["href"] == "https://www.sarcoma.org.uk/sitemap.xml"
    assert texts(site.select(".warnings li")) == [
        "sitemap https://www.sarcoma.org.uk/news.xml: not XML (line 1); its pages were not added"
    ]
    # The header says the audit is incomplete, and where to read why.
    (banner,) = [b for b in page.select("header.top .banner") if "stopped short" in b.get_text()]
    assert banner.select_one("a")["href"] == "#crawl"


def test_a_crawl_within_its_limits_has_no_caution() -> None:
    page = html(*crawled(2, crawl_report(pages=2, cached=0, crawl_delay=None, warnings=(), **QUIET)))
    assert not page.select("#crawl .cap, #crawl .warnings")
    assert not [b for b in page.select("header.top .banner") if "stopped short" in b.get_text()]
    assert figures(page) == {
        "Scope": "host (this host name only), up to 3 links from the start page, at most 10,000 pages",
        "Pages read": "2",
        "Sitemaps": "none found",
        "robots.txt": "nothing on the site forbidden",
        "Crawl-delay": "none asked",
    }


def test_no_crawl_no_crawl_section() -> None:
    page = report()
    assert not page.select("#crawl")
    assert "Site crawl" not in texts(page.select("nav a"))
    assert "stopped short" not in page.select_one("header.top").get_text()


def test_what_a_site_says_stays_text_and_only_web_addresses_are_links() -> None:
    crawl = crawl_report(start="javascript:alert(1)", sitemaps=("javascript:alert(2)",), warnings=(HOSTILE,))
    page = html(*crawled(2, crawl))
    site = page.select_one("#crawl article.crawl")
    assert not site.select("a")  # neither the start nor the sitemap became a link
    assert site.select_one("h3 code").get_text() == "javascript:alert(1)"
    assert texts(site.select(".warnings li")) == [" ".join(HOSTILE.split())]
    assert not page.find_all("img") and len(page.find_all("script")) == 2  # the data and ours


def test_every_crawled_page_is_a_document_with_its_address_as_a_link() -> None:
    page = html(*crawled(3))
    documents = data(page)["docs"]
    assert [d["u"] for d in documents] == [START, f"{START}page-1", f"{START}page-2"]
    assert not [d for d in documents if "fix" in d]  # `auditor fix` edits files, not a web site
    # A place names its page by the document's index: the script links it to that document.
    (dead,) = [row for row in data(page)["rows"] if row.get("f")]
    assert dead["p"] == [[1, 20, 5, "see"]]


def test_many_documents_each_have_their_counts_from_the_summary() -> None:
    pages = 25
    documents = data(html(*crawled(pages)))["docs"]
    assert len(documents) == pages
    # by group: fails, replace, check by hand, fine
    assert documents[1]["c"] == [1, 0, 0, 1] and documents[0]["c"] == [0, 0, 0, 2]


def test_a_link_on_every_page_is_one_row_with_all_its_places() -> None:
    page = html(*crawled(8))
    (home,) = [row for row in data(page)["rows"] if row["t"] == START]
    assert [place[0] for place in home["p"]] == list(range(8))  # the script folds all but the first few


def test_a_cached_result_is_marked_in_its_row_and_counted_in_the_header() -> None:
    page = html(*crawled(2, cached=True))
    (cached,) = [row for row in data(page)["rows"] if "ca" in row]
    assert (cached["t"], cached["ca"]) == (START, "2026-11-20 06:00 UTC")
    meta = texts(page.select("header.top .meta"))[0]
    assert "3 requests in 2.0 s · 1 cached" in meta


def test_without_cached_results_no_tag_and_no_count() -> None:
    page = html(*crawled(2))
    assert not page.select(".cached, .cached-count")
    assert not [row for row in data(page)["rows"] if "ca" in row]
    assert "cached" not in texts(page.select("header.top .meta"))[0]


def test_the_markdown_summary_has_the_crawl_and_the_cached_count() -> None:
    extraction, run = crawled(3, cached=True)
    lines = to_markdown(run, DEFAULT_FAIL_ON, crawls=extraction.crawls).splitlines()
    assert "4 references checked, 1 failing (4 requests, 1 cached, 2.0 s)." in lines
    start = lines.index("### Site crawl")
    assert lines[start + 1 : start + 6] == [
        "",
        "- crawled https://www.sarcoma.org.uk/: 3 pages (900 from the cache), 1,800 listed in 1 sitemap,"
        " 12 forbidden by robots.txt, Crawl-delay 1.5 s",
        "  - depth 3 reached: 345 more pages not followed (raise --depth or sources[].depth)",
        "  - 10,000 pages reached: 4,567 more pages not read (raise --max-pages or sources[].max_pages)",
        "  - warning: sitemap https://www.sarcoma.org.uk/news.xml: not XML (line 1); its pages were not added",
    ]


@pytest.mark.parametrize("crawls", [(), None], ids=["no-crawl", "not-given"])
def test_the_markdown_summary_without_a_crawl_or_cache_is_as_before(crawls: tuple[CrawlReport, ...] | None) -> None:
    run = sample_run()
    summary = to_markdown(run, DEFAULT_FAIL_ON) if crawls is None else to_markdown(run, DEFAULT_FAIL_ON, crawls=crawls)
    assert "Site crawl" not in summary and "cached" not in summary
    assert "6 references checked, 2 failing (6 requests, 1.2 s)." in summary.splitlines()


def test_a_hostile_crawl_warning_cannot_break_the_markdown() -> None:
    extraction, run = crawled(2, crawl_report(warnings=(HOSTILE,)))
    summary = to_markdown(run, DEFAULT_FAIL_ON, crawls=extraction.crawls)
    assert "<script>" not in summary and "<img" not in summary
