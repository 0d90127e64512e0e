"""The HTML report: read back with an HTML parser and checked for what a maintainer sees.

What is server-rendered (the summary, "This week", the four group tiles) is read as HTML;
the references are read from the page's JSON data, which report.js draws. The real-browser
tests (drawing, filters, layout, keyboard, dark mode) are in test_report_browser.py.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import re
from dataclasses import replace
from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag

from auditor.extract import Extraction, SourceInfo
from auditor.extract.dates import DocumentDate
from auditor.history import Memory
from auditor.reference import Email, Location, Reference, Url
from auditor.report.html import THIS_WEEK_ROWS, island, source_link, to_html
from auditor.report.recall import HistoryContext
from auditor.report.summary import WAITING, Group, RunPoint, summarize
from auditor.sources import Format
from auditor.verdict import DEFAULT_FAIL_ON, Checked, CheckRun, Finding, FindingKind, Status, Verdict
from tests.test_reports import HOSTILE, ref, sample_run

WHEN = dt.datetime(2026, 11, 21, 6, 0, tzinfo=dt.UTC)
LAST_WEEK = dt.datetime(2026, 11, 14, 6, 0, tzinfo=dt.UTC)
BREAKOUT = "</script><script>alert(1)</script><!-- <!--"


def sample_extraction(run: CheckRun) -> Extraction:
    return Extraction(
        (
            SourceInfo("leaflet.md", Format.MARKDOWN, DocumentDate(2011, 3)),
            SourceInfo("guide.md", Format.MARKDOWN, None),
        ),
        tuple(item.reference for item in run.results),
        (),
    )


def report(  # type: ignore[no-untyped-def]
    run: CheckRun | None = None, fail_on=DEFAULT_FAIL_ON, extraction: Extraction | None = None, **options
) -> BeautifulSoup:
    run = run or sample_run()
    extraction = extraction or sample_extraction(run)
    return BeautifulSoup(to_html(extraction, run, fail_on, inputs=["docs/"], generated_at=WHEN, **options), "lxml")


def data(page: BeautifulSoup) -> dict[str, Any]:
    """The page's JSON data, as report.js reads it."""
    return json.loads(page.select_one("script#report-data").string)  # type: ignore[no-any-return]


def statuses(page: BeautifulSoup) -> list[str]:
    names = [s[0] for s in data(page)["statuses"]]
    return [names[row["s"]] for row in data(page)["rows"]]


def texts(elements: list[Tag]) -> list[str]:
    return [" ".join(e.get_text(" ").split()) for e in elements]


def history(run: CheckRun, **memories: Memory) -> HistoryContext:
    """A history in which each reference key given has a memory; new/still/fixed by the memories."""
    new = frozenset(k for k, m in memories.items() if m.confirmed and m.previous_status in (None, Status.OK))
    still = frozenset(k for k, m in memories.items() if m.confirmed and m.previous_status is Status.DEAD)
    fixed = frozenset(k for k, m in memories.items() if m.failing_runs == 0 and m.previous_status is Status.DEAD)
    return HistoryContext(memories, new, fixed, still, LAST_WEEK, 365, WHEN.date())


def memory(previous: Status | None, *, confirmed: bool = True, failing_runs: int = 1) -> Memory:
    return Memory(previous, LAST_WEEK, LAST_WEEK, failing_runs, confirmed, None, None)


def test_the_header_says_when_what_and_how_long() -> None:
    page = report()
    meta = texts(page.select("header.top .meta"))[0]
    assert "2026-11-21 06:00 UTC" in meta
    assert "6 references" in meta
    assert "6 requests in 1.2 s" in meta
    assert texts(page.select(".inputs li")) == ["docs/"]
    assert "2 failing" in page.title.get_text()


def test_four_group_tiles_with_the_summarys_counts_and_their_statuses_inside() -> None:
    page = report()
    summary = summarize(sample_run(), DEFAULT_FAIL_ON)
    tiles = page.select(".tiles .tile")
    assert [(t["data-group"], t.select_one(".count").get_text()) for t in tiles] == [
        (g.value, str(summary.by_group[g])) for g in Group
    ]
    assert [t["data-group"] for t in tiles] == ["fails", "replace", "check by hand", "fine"]
    chips = {(c["data-group"], c["data-filter"]): int(c.select_one(".count").get_text()) for c in page.select(".chip")}
    assert chips == {
        ("fails", "dead"): 1,
        ("fails", "soft-404"): 1,
        ("replace", "moved"): 1,
        ("check by hand", "blocked"): 1,
        ("check by hand", "unchecked"): 1,
        ("fine", "ok"): 1,
    }
    # Colour is never the only sign: each group has its heading, each chip its word.
    assert texts(page.select(".tile .word")) == ["Fails", "Replace", "Check by hand", "Fine"]
    assert texts(page.select(".chip .word")) == ["dead", "soft-404", "moved", "blocked", "unchecked", "ok"]
    headline = texts(page.select(".verdict"))[0]
    assert headline.endswith("2 failing of 6 references") and summary.headline == "2 failing of 6 references"


def test_each_reference_is_in_the_page_once_most_urgent_first() -> None:
    page = report()
    assert statuses(page) == ["dead", "soft-404", "moved", "blocked", "ok", "unchecked"]
    assert not page.select("main .ref")  # no server-rendered copies (no history: no "This week" rows)
    assert page.select_one("#rows") is not None and "needs JavaScript" in page.select_one("noscript").get_text()


def test_a_row_has_the_text_as_written_its_places_the_reason_chain_and_suggestion() -> None:
    run = sample_run()
    moved_item = run.results[2]
    moved_item = replace(moved_item, verdict=replace(moved_item.verdict, final_url="https://www.macmillan.org.uk/"))
    page = report(replace(run, results=(*run.results[:2], moved_item, *run.results[3:])))
    (moved,) = [row for row in data(page)["rows"] if row.get("x")]
    assert moved["t"] == "http://www.cancerbackup.org.uk/" and moved["h"] == 1  # the address, a link
    assert [d["n"] for d in data(page)["docs"]][moved["p"][0][0]] == "guide.md"
    assert moved["p"] == [[1, 2, 1, "see http://www.cancerbackup.org.uk/"]]
    assert "permanent redirect" in data(page)["reasons"][moved["r"]]
    assert moved["rd"] == [[1, 301]]  # 1: the reference's own address
    assert moved["fu"] == [1, 200]  # 1: the suggestion
    assert (moved["x"], moved["xh"], moved["dc"]) == ("https://www.macmillan.org.uk/", 1, 1)


@pytest.mark.parametrize(
    ("target", "href"),
    [
        (Url("https://www.sarcoma.org.uk/"), 1),
        (Url("javascript:alert(1)"), None),
        (Url("file:///etc/passwd"), None),
        (Email("help@sarcoma.org.uk"), "mailto:help@sarcoma.org.uk"),
        (Email('a"b@x.org'), "mailto:a%22b@x.org"),
    ],
    ids=["https", "javascript-never", "file-never", "mailto", "mailto-encoded"],
)
def test_an_address_is_a_link_only_to_the_web_mail_or_a_phone(target: Url | Email, href: object) -> None:
    written = getattr(target, "url", None) or getattr(target, "address", "")
    item = Checked(Reference(target, written, (Location("guide.md", 1, 1, "", written),)), Verdict(Status.OK, "ok"))
    (row,) = data(report(CheckRun((item,), False, 1, 1)))["rows"]
    assert row.get("h") == href


def test_documents_have_their_dates_counts_from_the_summary_and_places_in_reading_order() -> None:
    page = report()
    leaflet, guide = data(page)["docs"]
    assert (leaflet["n"], leaflet["d"], guide["n"], guide.get("d")) == ("leaflet.md", "2011-03", "guide.md", None)
    # by group: fails, replace, check by hand, fine
    assert leaflet["c"] == [1, 0, 1, 1] and guide["c"] == [1, 1, 1, 0]
    lines = sorted(p[1] for row in data(page)["rows"] for p in row["p"] if p[0] == 0)
    assert lines == [3, 7, 12]


def test_a_reference_written_in_two_documents_is_one_row_with_both_places() -> None:
    shared = Reference(
        Url("https://www.macmillan.org.uk/"),
        "https://www.macmillan.org.uk/",
        (
            Location("leaflet.md", 4, 1, "a", "https://www.macmillan.org.uk/"),
            Location("guide.md", 8, 3, "b", "https://www.macmillan.org.uk/"),
        ),
    )
    run = CheckRun((Checked(shared, Verdict(Status.DEAD, "404 Not Found", 404)),), False, 1, 10)
    (row,) = data(report(run))["rows"]
    assert row["p"] == [[0, 4, 1, "a"], [1, 8, 3, "b"]]


@pytest.mark.parametrize(
    ("status", "findings", "group"),
    [
        (Status.ERROR, (), Group.FAILS),
        (Status.PARKED, (), Group.FAILS),
        (Status.INVALID, (), Group.FAILS),
        (Status.SHORTENED, (), Group.REPLACE),
        (Status.BLOCKED, (), Group.BY_HAND),
        (Status.UNCHECKED, (), Group.BY_HAND),
        (Status.OK, (Finding(FindingKind.MISSING_FRAGMENT, "#dosage"),), Group.FINE),
    ],
    ids=["error", "parked", "invalid", "shortened", "blocked", "unchecked", "ok-with-finding"],
)
def test_the_group_each_status_goes_to(status: Status, findings: tuple[Finding, ...], group: Group) -> None:
    run = CheckRun(
        (Checked(ref("https://tinyurl.com/2bypqp", "guide.md", 1), Verdict(status, "why", findings=findings)),),
        False,
        1,
        1,
    )
    page = report(run)
    (row,) = data(page)["rows"]
    assert data(page)["groups"][row["g"]][0] == group.value
    assert [t.select_one(".count").get_text() for t in page.select(".tile")] == [
        "1" if g is group else "0" for g in Group
    ]
    if findings:
        assert row["fi"] == ["missing-fragment: #dosage"]


def test_fail_on_decides_what_fails() -> None:
    page = report(fail_on=frozenset({Status.DEAD, Status.BLOCKED}))
    assert [(c["data-filter"]) for c in page.select('.chip[data-group="fails"]')] == ["dead", "blocked"]


def test_nothing_to_fix_says_so() -> None:
    run = CheckRun(
        (Checked(ref("https://www.sarcoma.org.uk/", "guide.md", 1), Verdict(Status.OK, "200 OK", 200)),), False, 1, 5
    )
    assert "Nothing failing" in report(run).select_one(".verdict").get_text()


def test_an_outage_is_announced_at_the_top() -> None:
    page = report(replace(sample_run(), network_unavailable=True))
    assert "network was unavailable" in page.select_one("[role=alert]").get_text()


def test_pdf_documents_say_so_for_their_places_to_read_as_pages() -> None:
    run = CheckRun(
        (Checked(ref("https://www.sarcoma.org.uk/", "flyer.pdf", 2), Verdict(Status.DEAD, "404", 404)),), False, 1, 5
    )
    extraction = Extraction((SourceInfo("flyer.pdf", Format.PDF, None),), (), ())
    page = report(run, extraction=extraction)
    assert data(page)["docs"][0]["f"] == "pdf" and data(page)["rows"][0]["p"][0][:2] == [0, 2]


def test_untrusted_text_leaves_no_executable_markup() -> None:
    """A page title `<script>…` and a link text `"><img onerror=…>` stay text."""
    page = report()
    (script,) = [s for s in page.find_all("script") if s.get("type") != "application/json"]  # ours, and only ours
    assert "alert" not in script.get_text()
    assert not page.find_all("img")
    assert not [(tag.name, attr) for tag in page.find_all(True) for attr in tag.attrs if attr.lower().startswith("on")]
    rows = data(page)["rows"]
    assert any(row["t"] == f"www.example.org/{HOSTILE}" for row in rows)
    assert f"the page says '{HOSTILE}'" in data(page)["reasons"]  # control characters gone
    assert "\x1b" not in str(page) and "\x00" not in str(page)


@pytest.mark.parametrize("text", [BREAKOUT, f"<!--{HOSTILE}", "a</SCRIPT >b", "\u2028</script\u2029"])
def test_a_documents_text_cannot_break_out_of_the_data(text: str) -> None:
    item = Checked(ref("https://www.example.org/", "guide.md", 1, text=text), Verdict(Status.DEAD, text, 404))
    html = to_html(sample_extraction(sample_run()), CheckRun((item,), False, 1, 1), DEFAULT_FAIL_ON)
    page = BeautifulSoup(html, "lxml")
    island_text = page.select_one("script#report-data").string
    assert "<" not in island_text and ">" not in island_text
    assert len(page.find_all("script")) == 2  # the data and ours: nothing broke out
    (row,) = data(page)["rows"]
    assert (row["t"], data(page)["reasons"][row["r"]]) == (text, text)
    assert island({"t": "</script>&"}) == '{"t":"\\u003c/script\\u003e\\u0026"}'


def with_archive_url(run: CheckRun, archive_url: str) -> CheckRun:
    """``run`` with an archived copy for its dead reference."""
    results = tuple(
        replace(item, verdict=replace(item.verdict, archive_url=archive_url))
        if item.verdict.status is Status.DEAD
        else item
        for item in run.results
    )
    return replace(run, results=results)


def test_an_archived_copy_is_in_the_dead_references_row() -> None:
    snapshot = f"https://web.archive.org/web/2013/http://www.cancerbackup.org.uk/info/sarcomas.htm?q={HOSTILE}"
    page = report(with_archive_url(sample_run(), snapshot))
    assert [(statuses(page)[n], row["a"]) for n, row in enumerate(data(page)["rows"]) if "a" in row] == [
        ("dead", snapshot)
    ]
    assert not page.find_all("img")  # the hostile part of the address stays text


def test_no_archived_copy_unless_it_is_the_web() -> None:
    assert not [
        row for row in data(report(with_archive_url(sample_run(), "javascript:alert(1)")))["rows"] if "a" in row
    ]


def test_only_its_own_style_and_script_may_run() -> None:
    """The Content-Security-Policy allows the inline style and script by hash, and nothing else."""
    page = report()
    csp = page.select_one('meta[http-equiv="Content-Security-Policy"]')["content"]

    def digest(text: str) -> str:
        return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"

    policy = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert policy["default-src"] == "'none'"
    (script,) = [s for s in page.find_all("script") if s.get("type") != "application/json"]
    assert policy["script-src"] == digest(script.string)
    assert policy["style-src"] == digest(page.find("style").string)


def test_the_report_is_self_contained() -> None:
    html = to_html(sample_extraction(sample_run()), sample_run(), DEFAULT_FAIL_ON, generated_at=WHEN)
    page = BeautifulSoup(html, "lxml")
    assert not page.select("link[rel=stylesheet], script[src], img[src], iframe")
    assert not re.search(r"(src|href)=\"(https?:)?//", html.replace('href="#', ""))
    assert page.html["lang"] == "en" and page.select_one("meta[name=viewport]")


# -- This week: with a history (auditor run) --------------------------------------------------------


def weekly_run() -> tuple[CheckRun, HistoryContext]:
    run = sample_run()
    error = Checked(ref("https://flaky.example.org/", "guide.md", 20), Verdict(Status.ERROR, "503 Service Unavailable"))
    fixed = Checked(ref("https://back.example.org/", "guide.md", 21), Verdict(Status.OK, "200 OK", 200))
    run = replace(run, results=(*run.results, error, fixed))
    dead, soft, error_, fixed_ = run.results[1], run.results[3], run.results[6], run.results[7]
    return run, history(
        run,
        **{
            dead.reference.key: memory(Status.DEAD),  # still broken
            soft.reference.key: memory(Status.OK),  # new broken
            error_.reference.key: memory(Status.OK, confirmed=False),  # seen once
            fixed_.reference.key: memory(Status.DEAD, failing_runs=0),  # fixed
        },
    )


def test_this_week_lists_new_still_and_fixed_each_row_with_its_link_and_place() -> None:
    run, context = weekly_run()
    page = report(run, history=context, source_url="https://github.com/org/docs/blob/main/{path}#L{line}")
    assert texts(page.select("#this-week h3")) == ["New broken (1)", "Still broken (1)", "Fixed (1)"]
    new, still, fixed = (page.select_one(f"#changes-{c} li") for c in ("new", "still", "fixed"))
    assert new["data-status"] == "soft-404" and still["data-status"] == "dead" and fixed["data-status"] == "ok"
    link = still.select_one("a.addr")
    assert (link["href"], link["rel"]) == (
        "http://www.cancerbackup.org.uk/info/sarcomas.htm",
        ["noopener", "noreferrer"],
    )
    assert still.select_one("a.where")["href"] == "https://github.com/org/docs/blob/main/leaflet.md#L7"
    assert "failing since 2026-11-14" in still.get_text()
    assert "\u2192" not in new.get_text()  # never "ok → soft-404", let alone "error → error"
    headline = texts(page.select(".verdict"))[0]
    assert headline.startswith("\u2717 2 failing of 8 references (1 new, 1 still, 1 fixed); 1 " + WAITING)


def test_a_transient_error_seen_once_waits_to_be_confirmed_and_does_not_fail() -> None:
    run, context = weekly_run()
    page = report(run, history=context)
    (row,) = [row for row in data(page)["rows"] if row["t"] == "https://flaky.example.org/"]
    assert (row.get("f"), row["w"], data(page)["groups"][row["g"]][0]) == (None, 1, "check by hand")
    assert data(page)["waiting"] == WAITING == "seen once, waiting to confirm"
    assert not page.select('.chip[data-group="fails"][data-filter="error"]')
    assert texts(page.select("#group-by_hand .waiting")) == [
        "1 seen once, waiting to confirm: not failing unless it happens again"
    ]


def test_a_long_list_shows_its_first_rows_and_links_to_the_rest() -> None:
    items = tuple(
        Checked(ref(f"https://gone.example.org/{i}", "guide.md", i + 1), Verdict(Status.DEAD, "404", 404))
        for i in range(THIS_WEEK_ROWS + 5)
    )
    run = CheckRun(items, False, len(items), 1)
    context = history(run, **{item.reference.key: memory(None) for item in items})
    page = report(run, history=context)
    assert len(page.select("#changes-new li")) == THIS_WEEK_ROWS
    more = page.select_one("#changes-new .more a")
    assert (more.get_text(), more["href"]) == ("and 5 more", "#filter-new")
    assert sum(row.get("ch") == "new" for row in data(page)["rows"]) == THIS_WEEK_ROWS + 5


def test_without_a_history_the_summary_is_the_headline_and_the_groups() -> None:
    page = report()
    assert texts(page.select("#this-week h2")) == ["Summary"]
    assert not page.select("#this-week .change, .spark, .index-link")


def test_the_sparkline_draws_failing_per_run_and_the_index_is_a_link() -> None:
    trend = [RunPoint(WHEN - dt.timedelta(days=7 * n), {Group.FAILS: f}) for n, f in ((2, 4), (1, 6), (0, 2))]
    page = report(trend=trend, index_href="index.html")
    svg = page.select_one(".spark svg")
    assert svg["aria-label"] == "Failing per run, oldest first: 4, 6, 2"
    assert len(svg.select_one("polyline")["points"].split()) == 3
    assert page.select_one("a.index-link")["href"] == "index.html"


@pytest.mark.parametrize(
    ("template", "path", "expected"),
    [
        (
            "https://github.com/o/r/blob/main/{path}#L{line}",
            "docs/a b.md",
            "https://github.com/o/r/blob/main/docs/a%20b.md#L{line}",
        ),
        ("https://git.example.org/{path}?line={line}", "./x#y.md", "https://git.example.org/x%23y.md?line={line}"),
        ("javascript:alert('{path}')", "a.md", None),
        ("file:///srv/{path}", "a.md", None),
        ("{path}", "javascript:alert(1)", None),
    ],
    ids=["github", "encoded", "javascript-never", "file-never", "path-as-scheme-never"],
)
def test_source_url_links_a_place_to_its_file_only_on_the_web(template: str, path: str, expected: str | None) -> None:
    assert source_link(template, path) == expected


def test_a_document_with_suggestions_shows_its_fix_command_shell_quoted() -> None:
    run = sample_run()
    extraction = Extraction(
        (SourceInfo("leaflet.md", Format.MARKDOWN, None), SourceInfo("guide's $(rm).md", Format.MARKDOWN, None)),
        (),
        (),
    )
    results = tuple(
        replace(
            item,
            reference=replace(
                item.reference,
                locations=tuple(
                    replace(loc, source="guide's $(rm).md") if loc.source == "guide.md" else loc
                    for loc in item.reference.locations
                ),
            ),
        )
        for item in run.results
    )
    leaflet, guide = data(report(replace(run, results=results), extraction=extraction))["docs"]
    assert "fix" not in leaflet  # nothing to replace there
    assert guide["fix"] == "auditor fix 'guide'\"'\"'s $(rm).md'"


def test_the_source_url_is_in_each_documents_data_for_the_script() -> None:
    page = report(source_url="https://github.com/org/docs/blob/main/{path}#L{line}")
    assert [d["src"] for d in data(page)["docs"]] == [
        "https://github.com/org/docs/blob/main/leaflet.md#L{line}",
        "https://github.com/org/docs/blob/main/guide.md#L{line}",
    ]
    assert not [d for d in data(report())["docs"] if "src" in d]
