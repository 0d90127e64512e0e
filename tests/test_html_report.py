"""The HTML report: read back with an HTML parser and checked for what a maintainer sees.

The real-browser test (filters, search, a screenshot) is in test_report_browser.py.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re
from dataclasses import replace

import pytest
from bs4 import BeautifulSoup, Tag

from auditor.extract import Extraction, SourceInfo
from auditor.extract.dates import DocumentDate
from auditor.reference import Location, Reference, Url
from auditor.report.html import to_html
from auditor.sources import Format
from auditor.verdict import DEFAULT_FAIL_ON, Checked, CheckRun, Finding, FindingKind, Status, Verdict
from tests.test_reports import HOSTILE, ref, sample_run

WHEN = dt.datetime(2026, 11, 21, 6, 0, tzinfo=dt.UTC)


def sample_extraction(run: CheckRun) -> Extraction:
    return Extraction(
        (
            SourceInfo("leaflet.md", Format.MARKDOWN, DocumentDate(2011, 3)),
            SourceInfo("guide.md", Format.MARKDOWN, None),
        ),
        tuple(item.reference for item in run.results),
        (),
    )


def report(run: CheckRun | None = None, fail_on=DEFAULT_FAIL_ON, extraction: Extraction | None = None) -> BeautifulSoup:  # type: ignore[no-untyped-def]
    run = run or sample_run()
    extraction = extraction or sample_extraction(run)
    return BeautifulSoup(to_html(extraction, run, fail_on, inputs=["docs/"], generated_at=WHEN), "lxml")


def texts(elements: list[Tag]) -> list[str]:
    return [" ".join(e.get_text(" ").split()) for e in elements]


def test_the_header_says_when_what_and_how_long() -> None:
    page = report()
    meta = texts(page.select("header.top .meta"))[0]
    assert "2026-11-21 06:00 UTC" in meta
    assert "6 references" in meta
    assert "6 requests in 1.2 s" in meta
    assert texts(page.select(".inputs li")) == ["docs/"]
    assert "2 failing" in page.title.get_text()


def test_a_tile_per_status_with_its_count_most_urgent_first() -> None:
    tiles = report().select(".tiles [data-filter]")
    assert [(t["data-filter"], t.select_one(".count").get_text()) for t in tiles] == [
        ("dead", "1"),
        ("soft-404", "1"),
        ("moved", "1"),
        ("blocked", "1"),
        ("ok", "1"),
        ("unchecked", "1"),
    ]
    # Colour is never the only sign: the word is written, failing tiles say so.
    assert [t.select_one(".word").get_text().strip("\u2717\u2192?\u2713\u00b7 ") for t in tiles][:2] == [
        "dead",
        "soft-404",
    ]
    assert [bool(t.select_one(".fails")) for t in tiles] == [True, True, False, False, False, False]


def test_needs_attention_lists_broken_then_replacements_then_unverified() -> None:
    groups = report().select("#attention .group")
    assert [g["id"] for g in groups] == ["group-broken", "group-replace", "group-unverified"]
    assert [[card["data-status"] for card in g.select(".ref")] for g in groups] == [
        ["dead", "soft-404"],
        ["moved"],
        ["blocked"],
    ]


def test_a_card_shows_the_text_as_written_where_with_context_the_reason_chain_and_suggestion() -> None:
    run = sample_run()
    moved_item = run.results[2]
    moved_item = replace(moved_item, verdict=replace(moved_item.verdict, final_url="https://www.macmillan.org.uk/"))
    (moved,) = report(replace(run, results=(*run.results[:2], moved_item, *run.results[3:]))).select(
        "#group-replace .ref"
    )
    assert moved.select_one(".written").get_text() == "http://www.cancerbackup.org.uk/"
    assert texts(moved.select(".places li")) == ["guide.md:2:1 see http://www.cancerbackup.org.uk/"]
    assert moved.select_one(".places a")["href"] == "#doc-2"
    assert "permanent redirect" in moved.select_one(".reason").get_text()
    assert texts(moved.select(".chain li")) == [
        "http://www.cancerbackup.org.uk/ 301",
        "https://www.macmillan.org.uk/ 200",
    ]
    assert moved.select_one(".suggestion .new").get_text() == "https://www.macmillan.org.uk/"
    assert moved.select_one("button.copy")["data-copy"] == "https://www.macmillan.org.uk/"
    assert "merged or been renamed" in moved.select_one(".note").get_text()


def test_all_references_are_in_one_sortable_table_most_urgent_first() -> None:
    table = report().select_one("#references table.sortable")
    headers = texts(table.select("thead th"))
    assert headers == ["Status", "Reference", "Where", "Reason", "HTTP"]
    assert [row["data-status"] for row in table.select("tbody tr")] == [
        "dead",
        "soft-404",
        "moved",
        "blocked",
        "ok",
        "unchecked",
    ]
    # every cell a phone layout labels
    assert {td["data-label"] for td in table.select("tbody td")} == set(headers)


def test_each_document_has_its_date_and_its_references_in_reading_order() -> None:
    documents = report().select("#documents section.document")
    assert [d.select_one("h3").get_text() for d in documents] == ["leaflet.md", "guide.md"]
    leaflet, guide = documents
    assert "dated 2011-03" in leaflet.select_one(".meta").get_text()
    assert "no date found" in guide.select_one(".meta").get_text()
    # Under its document's own heading a place is its line (a crawled page's name is a long URL).
    assert texts(leaflet.select("tbody td:first-child")) == ["line 3:1", "line 7:1", "line 12:5"]
    assert all(d.select_one("details").has_attr("open") for d in documents)  # a few documents: all open


def test_a_reference_written_in_two_documents_appears_under_both() -> None:
    shared = Reference(
        Url("https://www.macmillan.org.uk/"),
        "https://www.macmillan.org.uk/",
        (
            Location("leaflet.md", 4, 1, "a", "https://www.macmillan.org.uk/"),
            Location("guide.md", 8, 3, "b", "https://www.macmillan.org.uk/"),
        ),
    )
    run = CheckRun((Checked(shared, Verdict(Status.DEAD, "404 Not Found", 404)),), False, 1, 10)
    page = report(run)
    assert texts(page.select("#documents tbody td:first-child")) == ["line 4:1", "line 8:3"]
    assert texts(page.select("#group-broken .places li")) == ["leaflet.md:4:1 a", "guide.md:8:3 b"]


@pytest.mark.parametrize(
    ("status", "findings", "group"),
    [
        (Status.ERROR, (), "group-broken"),
        (Status.PARKED, (), "group-broken"),
        (Status.SHORTENED, (), "group-replace"),
        (Status.OK, (Finding(FindingKind.MISSING_FRAGMENT, "#dosage"),), "group-findings"),
    ],
    ids=["error-is-broken", "parked-is-broken", "shortened-to-replace", "missing-fragment-is-a-finding"],
)
def test_where_each_status_goes_in_needs_attention(status: Status, findings: tuple[Finding, ...], group: str) -> None:
    run = CheckRun(
        (Checked(ref("https://tinyurl.com/2bypqp", "guide.md", 1), Verdict(status, "why", findings=findings)),),
        False,
        1,
        1,
    )
    page = report(run)
    assert [g["id"] for g in page.select("#attention .group")] == [group]
    if findings:
        assert texts(page.select(f"#{group} .findings li")) == ["missing-fragment: #dosage"]


def test_fail_on_decides_what_is_broken() -> None:
    page = report(fail_on=frozenset({Status.DEAD, Status.BLOCKED}))
    assert [card["data-status"] for card in page.select("#group-broken .ref")] == ["dead", "blocked"]
    assert not page.select("#group-unverified")


def test_nothing_to_fix_says_so() -> None:
    run = CheckRun(
        (Checked(ref("https://www.sarcoma.org.uk/", "guide.md", 1), Verdict(Status.OK, "200 OK", 200)),), False, 1, 5
    )
    page = report(run)
    assert "Nothing needs attention" in page.select_one("#attention").get_text()
    assert "Nothing failing" in page.select_one(".verdict").get_text()


def test_an_outage_is_announced_at_the_top() -> None:
    page = report(replace(sample_run(), network_unavailable=True))
    assert "network was unavailable" in page.select_one("[role=alert]").get_text()


def test_pdf_places_are_pages() -> None:
    run = CheckRun(
        (Checked(ref("https://www.sarcoma.org.uk/", "flyer.pdf", 2), Verdict(Status.DEAD, "404", 404)),), False, 1, 5
    )
    extraction = Extraction((SourceInfo("flyer.pdf", Format.PDF, None),), (), ())
    page = report(run, extraction=extraction)
    assert texts(page.select("#group-broken .places a")) == ["flyer.pdf p. 2"]


def test_untrusted_text_leaves_no_executable_markup() -> None:
    """A page title `<script>…` and a link text `"><img onerror=…>` stay text."""
    page = report()
    (script,) = page.find_all("script")  # ours, and only ours
    assert "alert" not in script.get_text()
    assert not page.find_all("img")
    assert not [(tag.name, attr) for tag in page.find_all(True) for attr in tag.attrs if attr.lower().startswith("on")]
    hostile = [e for e in page.select(".written") if "onerror" in e.get_text()]
    assert hostile and all(e.get_text().startswith('www.example.org/"><img') for e in hostile)
    assert HOSTILE in page.select_one("#group-broken [data-status=soft-404] .reason").get_text()
    assert "\x1b" not in str(page) and "\x00" not in str(page)


def with_archive_url(run: CheckRun, archive_url: str) -> CheckRun:
    """``run`` with an archived copy for its dead reference."""
    results = tuple(
        replace(item, verdict=replace(item.verdict, archive_url=archive_url))
        if item.verdict.status is Status.DEAD
        else item
        for item in run.results
    )
    return replace(run, results=results)


def test_an_archived_copy_is_a_link_next_to_the_dead_reference_wherever_it_is_shown() -> None:
    snapshot = f"https://web.archive.org/web/2013/http://www.cancerbackup.org.uk/info/sarcomas.htm?q={HOSTILE}"
    page = report(with_archive_url(sample_run(), snapshot))
    shown = page.select(".archived")
    # "Needs attention", "All references" and the document's own table
    assert [e.find_parent(["article", "td"]).name for e in shown] == ["article", "td", "td"]
    assert {e.find_parent(["article", "tr"])["data-status"] for e in shown} == {"dead"}
    assert texts(shown) == [f"Archived copy: {snapshot}"] * 3
    assert [a["href"] for a in page.select(".archived a")] == [snapshot] * 3
    assert [a["rel"] for a in page.select(".archived a")] == [["noreferrer"]] * 3
    assert not page.find_all("img")  # the hostile part of the address stays text, even in href


def test_no_archived_copy_no_line_and_never_a_link_that_is_not_the_web() -> None:
    assert not report().select(".archived")
    assert not report(with_archive_url(sample_run(), "javascript:alert(1)")).select(".archived")


def test_only_its_own_style_and_script_may_run() -> None:
    """The Content-Security-Policy allows the inline style and script by hash, and nothing else."""
    page = report()
    csp = page.select_one('meta[http-equiv="Content-Security-Policy"]')["content"]

    def digest(text: str) -> str:
        return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"

    policy = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert policy["default-src"] == "'none'"
    assert policy["script-src"] == digest(page.find("script").string)
    assert policy["style-src"] == digest(page.find("style").string)


def test_the_report_is_self_contained() -> None:
    html = to_html(sample_extraction(sample_run()), sample_run(), DEFAULT_FAIL_ON, generated_at=WHEN)
    page = BeautifulSoup(html, "lxml")
    assert not page.select("link[rel=stylesheet], script[src], img[src], iframe")
    assert not re.search(r"(src|href)=\"(https?:)?//", html.replace('href="#', ""))
    assert page.html["lang"] == "en" and page.select_one("meta[name=viewport]")
