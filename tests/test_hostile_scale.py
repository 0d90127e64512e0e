"""Bounded memory and time on hostile inputs at scale (issue 15).

- Pairing phones with the web addresses beside them is by position (sorted, bisect),
  never every pair: a block of 20,000 of each is associated in well under a second.
- A long Markdown file is parsed in pieces that extract exactly as the whole does.
- The HTML report lists at most ``MAX_REPORT_ROWS`` references (most severe first) and
  says how many more there are; the JSON report has them all, written one at a time;
  the terminal lists at most ``MAX_TERMINAL_ROWS`` of a status.
- robots.txt's Crawl-delay is capped (``--max-crawl-delay``, reported); ``--max-duration``
  ends a crawl or a check on time, what is left ``unchecked``; sitemaps are read only
  until ``--max-pages`` pages are planned.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import auditor.cli
from auditor.check.organisations import _Block, associate
from auditor.check.settings import CheckSettings, parse_time_limit
from auditor.cli import main
from auditor.defaults import DEFAULT_MAX_CRAWL_DELAY, MAX_REPORT_ROWS
from auditor.extract import chunks
from auditor.extract.found import Found, _Hints, _Spans
from auditor.extract.links import LinkBase
from auditor.extract.markdown import extract_markdown
from auditor.extract.phones import PhoneChoice, choose
from auditor.fakeweb import FakeWeb, not_found, page, slow
from auditor.pipeline import check_sources
from auditor.reference import Location, Phone, Reference, Url
from auditor.report import jsondoc
from auditor.report.checked import to_dict, to_json, to_text
from auditor.sources import Site, Source
from auditor.verdict import DEFAULT_FAIL_ON, Status
from tests.conftest import through_fake_web

ORIGIN = "https://www.example.org"
HOME = f"{ORIGIN}/"
DEPTH_2 = Site(depth=2)
FAST = CheckSettings(host_request_interval=0, retries=0, probe_soft_404=False, archive_url=None)


# -- phones and addresses: by position, never every pair ------------------------------------


def _old_nearest(line: int, column: int, places: list[tuple[int, int, str]]) -> str | None:
    """The pairing as it was (every pair): the oracle the sorted index must agree with."""

    def distance(candidate: tuple[int, int, str]) -> tuple[int, int, int]:
        other, col, _ = candidate
        return abs(other - line), abs(col - column), int((other, col) > (line, column))

    best = min(places, key=distance, default=None)
    return best[2] if best is not None else None


def test_the_nearest_address_in_a_block_is_the_one_every_pair_would_give() -> None:
    rng = random.Random(15)
    for _ in range(300):
        places = [(rng.randint(1, 12), rng.randint(0, 6), f"https://u{i}.org/") for i in range(rng.randint(0, 25))]
        block = _Block(places)
        for line in range(0, 14):
            for column in range(0, 8):
                assert block.nearest(line, column) == _old_nearest(line, column, places), (places, line, column)


def _old_region(hints: list[tuple[int, int, str]], f: Found, choice: PhoneChoice) -> Phone:
    """The region choice as it was: the same block by distance, then outwards, before winning a tie."""
    same = sorted((abs(order - f.order), region) for order, block, region in hints if block == f.block)
    ordered = [region for _, region in same]
    rest = sorted(hints, key=lambda h: (abs(h[0] - f.order), h[0] > f.order))
    ordered += [region for _, _, region in rest]
    return choose(choice, ordered)


def test_a_phone_takes_the_country_of_the_nearest_address_as_before() -> None:
    rng = random.Random(7)
    gb = Phone("+441", "01", "GB")
    us = Phone("+12", "02", "US")
    ie = Phone("+3533", "03", "IE")
    for _ in range(300):
        orders = rng.sample(range(1000), rng.randint(0, 30))
        hints = sorted((order, rng.randint(0, 3), rng.choice(["GB", "US", "FR", "IE"])) for order in orders)
        index = _Hints(hints)
        for order in rng.sample([o for o in range(1000) if o not in orders], 20):
            choice = PhoneChoice(tuple(rng.sample([gb, us, ie], rng.randint(2, 3))))
            f = Found(choice, "x", 1, 1, rng.randint(0, 3), "", order)
            assert index.choose(choice, f) == _old_region(hints, f, choice)


def test_masked_spans_overlap_as_a_walk_over_all_of_them_would_say() -> None:
    rng = random.Random(3)
    for _ in range(200):
        spans = [(s, s + rng.randint(1, 9)) for s in (rng.randint(0, 80) for _ in range(rng.randint(0, 10)))]
        index = _Spans(spans)
        for start in range(0, 90):
            end = start + rng.randint(1, 6)
            assert index.overlaps(start, end) == any(s < end and start < e for s, e in spans)


def test_twenty_thousand_phones_beside_twenty_thousand_addresses_pair_in_linear_time() -> None:
    # One block (a 2 MB text with no blank line): comparing every pair was 400 million distances.
    n = 20_000
    refs = []
    for i in range(n):
        url = Url(f"https://example{i}.co.uk/page")
        refs.append(Reference(url, url.url, (Location("big.txt", i + 1, 30, "", url.url, 0),)))
        phone = Phone(f"+4420794{i:05d}", "", "GB")
        refs.append(Reference(phone, "020", (Location("big.txt", i + 1, 6, "", "020", 0),)))
    started = time.perf_counter()
    found = associate(refs, (), ("GB",))
    elapsed = time.perf_counter() - started
    assert found["+442079400007"].pages[0] == "https://example7.co.uk/page"
    assert elapsed < 10, f"{elapsed:.1f} s: pairing is not linear"


# -- Markdown in pieces ------------------------------------------------------------------------

PIECES = {
    "a list": "\n".join(f"- [l{i}](https://a.org/{i})" for i in range(12)),
    "fenced code with list items in it": "- https://a.org/1\n```\n- https://no.org/1\n\n- https://no.org/2\n```\n"
    + "- https://a.org/2\n- https://a.org/3",
    "an HTML comment with blank lines": "- https://a.org/1\n<!--\n\n- https://no.org/1\n\n-->\n\n- https://a.org/2",
    "a div block ends at a blank line": "<div>\n- https://a.org/1\n- https://a.org/2\n</div>\n\n- https://a.org/3",
    "front matter": "---\ntitle: x\n\nurl: https://no.org/1\n---\n\n- https://a.org/1\n- https://a.org/2",
    "a definition used before it is written": "- [x][ref]\n- https://a.org/1\n\n"
    + "\n".join(f"- https://a.org/{i}" for i in range(2, 9))
    + "\n\n[ref]: https://a.org/defined",
    "an indented fence in a list item": "1. x\n   ```\n   - https://no.org/1\n   ```\n- https://a.org/1\n"
    + "```\n- https://no.org/2\n\n- https://no.org/3\n```\n- https://a.org/2",
    "a table": "| a | b |\n|---|---|\n" + "\n".join(f"| {i} | https://a.org/{i} |" for i in range(8)),
    "a hr that is no front matter": "- https://a.org/1\n\n---\n- https://a.org/2\n\n---\n\nhttps://a.org/3",
}


def _found(text: str, chunk_lines: int) -> list[tuple[str, int, int | None, str, str]]:
    base = LinkBase.for_document(Path("/docs/doc.md"), Path("/docs"))
    return [
        (str(f.target), f.line, f.column, f.text, f.context)
        for f in extract_markdown(text, base, ("GB",), chunk_lines=chunk_lines)
    ]


@pytest.mark.parametrize("text", list(PIECES.values()), ids=list(PIECES))
@pytest.mark.parametrize("chunk_lines", [1, 2, 3])
def test_a_markdown_file_read_in_pieces_gives_what_the_whole_gives(text: str, chunk_lines: int) -> None:
    whole = _found(text, 1_000_000)
    assert whole, "the case has links"
    assert not any("no.org" in target for target, *_ in whole)
    assert _found(text, chunk_lines) == whole


LINES = (
    "- [a](https://a.org/{n})",
    "* item https://b.org/{n}",
    "1. one <https://c.org/{n}>",
    "",
    "",
    "text https://d.org/{n} more",
    "```",
    "~~~",
    "    code https://e.org/{n}",
    "<!--",
    "-->",
    "<pre>",
    "</pre>",
    "<div>",
    "</div>",
    "> quote https://f.org/{n}",
    "[ref{m}]: https://g.org/{n}",
    "see [x][ref{m}] and [ref{m}]",
    "| a | https://h.org/{n} |",
    "|---|---|",
    "  - nested https://i.org/{n}",
    "  ```",
    "Title",
    "===",
    "---",
    "<script>",
    "</script>",
    "2) two https://k.org/{n}",
    "\t- tab",
    "<img src=x>",
    "- ```",
    "> ```",
    "````",
)


def test_random_markdown_read_in_pieces_gives_what_the_whole_gives() -> None:
    rng = random.Random(15)
    for _ in range(300):
        lines = [rng.choice(LINES).format(n=i, m=rng.randint(0, 4)) for i in range(rng.randint(1, 40))]
        text = "\n".join(lines)
        whole = sorted(_found(text, 1_000_000))
        for size in (1, 4):
            assert sorted(_found(text, size)) == whole, text


def test_a_long_list_is_cut_into_pieces_of_about_the_size_asked() -> None:
    lines = [f"- https://a.org/{i}" for i in range(10_000)]
    sizes = [len(text.split("\n")) for _, text in chunks.pieces(lines, 1_000)]
    assert sum(sizes) == 10_000
    assert max(sizes) <= 1_001 and len(sizes) == 10


def test_inside_an_unclosed_fence_nothing_is_cut() -> None:
    lines = ["```", *(f"- https://a.org/{i}" for i in range(50))]
    assert len(list(chunks.pieces(lines, 5))) == 1


# -- reports: capped HTML, complete JSON, a short terminal ---------------------------------------


CAP = 5_000  # MAX_REPORT_ROWS (200,000) made small enough for a test


@pytest.fixture
def many_links(tmp_path: Path) -> Path:
    doc = tmp_path / "big.md"
    doc.write_text("".join(f"- <https://h{i % 50}.example.com/{i}>\n" for i in range(CAP + 1_000)))
    return doc


def test_the_html_report_is_capped_and_the_json_report_has_every_reference(
    many_links: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import auditor.report.html

    assert MAX_REPORT_ROWS >= 100_000  # a 100,000-reference report is whole
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(auditor.cli, "check_sources", through_fake_web({}))
    monkeypatch.setattr(auditor.report.html, "MAX_REPORT_ROWS", CAP)
    result = CliRunner().invoke(
        main, ["check", str(many_links), "--exclude", ".*", "-o", "r.html", "-o", "r.json", "--no-progress"]
    )
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) <= 3  # one summary line: excluded links are not listed one by one
    report = json.loads((tmp_path / "r.json").read_text())
    assert len(report["references"]) == CAP + 1_000
    assert report["summary"]["by_status"] == {"skipped": CAP + 1_000}
    page_text = (tmp_path / "r.html").read_text()
    assert "1,000 more references: see the JSON report" in page_text
    assert page_text.count('{"s":') == CAP  # each reference once, in the page's data


def test_the_html_report_keeps_the_most_severe_references() -> None:
    from auditor.extract import Extraction
    from auditor.report.html import build_view
    from auditor.verdict import Checked, CheckRun, Verdict

    def item(i: int, status: Status) -> Checked:
        url = Url(f"https://x.org/{i}")
        return Checked(Reference(url, url.url, (Location("a.md", i + 1, 1, "", url.url),)), Verdict(status, "r"))

    results = tuple(item(i, Status.DEAD if i in (3, 17) else Status.OK) for i in range(20))
    view = build_view(Extraction((), (), ()), CheckRun(results, False, 0, 0), DEFAULT_FAIL_ON, max_rows=5)
    assert (view.total, view.failing, view.omitted) == (20, 2, 15)
    assert [row["t"] for row in view.rows if row.get("f")] == ["https://x.org/3", "https://x.org/17"]
    assert len(view.rows) == 5


def test_the_terminal_lists_a_status_up_to_a_limit_and_counts_the_rest() -> None:
    from auditor.verdict import Checked, CheckRun, Verdict

    results = tuple(
        Checked(
            Reference(Url(f"https://x.org/{i}"), "x", (Location("a.md", i + 1, 1, "", "x"),)),
            Verdict(Status.DEAD, "gone"),
        )
        for i in range(30)
    )
    text = to_text(CheckRun(results, False, 30, 0), DEFAULT_FAIL_ON, max_rows=10)
    assert text.count("a.md:") == 10
    assert "\u2026 and 20 more dead: see the JSON report" in text


def test_the_json_report_written_in_pieces_is_the_same_document() -> None:
    from auditor.extract import Extraction
    from auditor.verdict import Checked, CheckRun, Verdict

    results = tuple(
        Checked(
            Reference(Url(f"https://x.org/{i}"), "x", (Location("a.md", i + 1, 1, "c", "x"),)),
            Verdict(Status.OK, "fine"),
        )
        for i in range(3)
    )
    for run in (CheckRun(results, False, 3, 0), CheckRun((), False, 0, 0)):
        extraction = Extraction((), tuple(item.reference for item in run.results), ())
        assert to_json(extraction, run, DEFAULT_FAIL_ON) == jsondoc.dumps(to_dict(extraction, run, DEFAULT_FAIL_ON))


def test_a_million_links_stay_out_of_memory_in_a_subprocess(tmp_path: Path) -> None:
    """50,000 links checked with everything excluded, both reports written: peak RSS stays small."""
    doc = tmp_path / "big.md"
    doc.write_text("".join(f"- <https://h{i % 1000}.example.com/{i}>\n" for i in range(50_000)))
    script = (
        "import resource, subprocess, sys\n"
        "code = subprocess.call([sys.executable, '-m', 'auditor', 'check', sys.argv[1], '--exclude', '.*',"
        " '-o', 'r.json', '-o', 'r.html', '--no-progress'], stdout=subprocess.DEVNULL)\n"
        "print(code, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(doc)], cwd=tmp_path, capture_output=True, text=True, check=True, timeout=600
    )
    code, kilobytes = map(int, out.stdout.split())
    assert code == 0
    assert len(json.loads((tmp_path / "r.json").read_text())["references"]) == 50_000
    assert (tmp_path / "r.html").read_text().count('{"s":') == 50_000  # every reference, in the page's data
    assert kilobytes < 400 * 1024, f"peak RSS {kilobytes // 1024} MB"  # was 450 MB and more


# -- time limits: Crawl-delay and --max-duration -----------------------------------------------------


def _html(title: str, *links: str) -> str:
    anchors = "".join(f'<li><a href="{href}">{href}</a></li>' for href in links)
    return f"<html><head><title>{title}</title></head><body><h1>{title}</h1><p>{title} text.</p><ul>{anchors}</ul></body></html>"


def _crawl(
    sites: dict[str, Any], settings: CheckSettings, site: Site = DEPTH_2
) -> tuple[dict[str, Any], list[Any], float]:
    async def go() -> tuple[dict[str, Any], list[Any], float]:
        async with FakeWeb(sites) as web:
            started = time.monotonic()
            source = Source(HOME, None, None, url=HOME).crawled(site)
            audit = await check_sources([source], settings, resolver=web.resolver, ssl=web.client_ssl)
            elapsed = time.monotonic() - started
            return to_dict(audit.extraction, audit.run, DEFAULT_FAIL_ON), list(web.requests), elapsed

    return asyncio.run(go())


def test_a_crawl_delay_bomb_is_cut_to_the_cap_and_reported() -> None:
    site = {
        "/robots.txt": page("User-agent: *\nCrawl-delay: 100000\n", content_type="text/plain"),
        "/": page(_html("Home", "/one", "/two")),
        "/one": page(_html("One")),
        "/two": page(_html("Two")),
        "*": not_found(),
    }
    report, _, elapsed = _crawl({"www.example.org": site}, CheckSettings(**{**_fast(), "max_crawl_delay": 0.2}))
    (crawled,) = report["crawls"]
    assert crawled["pages"] == 3
    assert crawled["crawl_delay"] == 0.2
    assert any("Crawl-delay 100000s is longer than the cap: waiting 0.2s" in w for w in crawled["warnings"])
    assert elapsed < 15


def _fast() -> dict[str, Any]:
    return {"host_request_interval": 0, "retries": 0, "probe_soft_404": False, "archive_url": None}


def test_the_crawl_delay_cap_defaults_to_a_minute() -> None:
    assert CheckSettings().max_crawl_delay == DEFAULT_MAX_CRAWL_DELAY == 60


def test_max_duration_stops_a_crawl_of_a_slow_site_and_reports_what_is_left_unchecked() -> None:
    links = [f"/slow{i}" for i in range(6)]
    site = {
        "/robots.txt": not_found(),
        "/": page(_html("Home", *links)),
        **{link: slow(30, page(_html(link))) for link in links},
        "*": not_found(),
    }
    report, _, elapsed = _crawl({"www.example.org": site}, CheckSettings(**{**_fast(), "max_duration": 1.5}))
    assert elapsed < 10
    left = [ref for ref in report["references"] if ref["status"] == "unchecked"]
    assert left and all("--max-duration" in ref["reason"] for ref in left)
    assert any("--max-duration (1.5s) ran out" in note for note in report["notes"])


def test_max_duration_on_check_writes_the_reports_and_exits_by_what_was_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = tmp_path / "links.md"
    doc.write_text("".join(f"- https://www.example.org/drip{i}\n" for i in range(5)) + "- https://www.example.org/ok\n")
    drips = {f"/drip{i}": slow(60, page(_html("late"))) for i in range(5)}
    sites = {"www.example.org": {"/ok": page(_html("OK")), **drips, "*": not_found()}}
    monkeypatch.setattr(auditor.cli, "check_sources", through_fake_web(sites))
    started = time.monotonic()
    result = CliRunner().invoke(
        main,
        ["check", str(doc), "--max-duration", "2s", "--timeout", "50", "-o", str(tmp_path / "r.json"), "--no-progress"],
    )
    assert time.monotonic() - started < 15
    assert result.exit_code == 0, result.output  # unchecked fails only with --fail-on unchecked
    assert "--max-duration (2s) ran out: 5 references not checked" in result.stderr
    by_url = {ref["url"]: ref["status"] for ref in json.loads((tmp_path / "r.json").read_text())["references"]}
    assert by_url["https://www.example.org/ok"] == "ok"
    assert sorted(set(by_url.values())) == ["ok", "unchecked"]


@pytest.mark.parametrize(
    ("written", "seconds"),
    [("90", 90.0), ("90s", 90.0), ("500ms", 0.5), ("10m", 600.0), ("1h", 3600.0), ("1.5", 1.5)],
)
def test_time_limits_are_written_as_durations(written: str, seconds: float) -> None:
    assert parse_time_limit(written) == seconds


@pytest.mark.parametrize("flag", ["--max-duration", "--max-crawl-delay"])
def test_a_time_limit_that_is_no_duration_is_a_usage_error(flag: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["check", str(tmp_path), flag, "soon"])
    assert result.exit_code == 2
    assert "not a duration: 'soon'" in result.stderr


# -- sitemap bombs ------------------------------------------------------------------------------------


def _urlset(urls: list[str]) -> str:
    entries = "".join(f"<url><loc>{url}</loc></url>" for url in urls)
    return f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'


def test_sitemaps_are_read_only_until_max_pages_are_planned() -> None:
    count, per = 20, 2_000
    robots = "User-agent: *\n" + "".join(f"Sitemap: {ORIGIN}/sitemap{k}.xml\n" for k in range(count))
    site: dict[str, Any] = {
        "/robots.txt": page(robots, content_type="text/plain"),
        "/": page(_html("Home")),
        **{
            f"/sitemap{k}.xml": page(
                _urlset([f"{ORIGIN}/p{k}-{i}" for i in range(per)]), content_type="application/xml"
            )
            for k in range(count)
        },
        "*": page(_html("A page")),
    }
    report, requests, _ = _crawl({"www.example.org": site}, FAST, Site(depth=1, max_pages=5))
    (crawled,) = report["crawls"]
    asked = [r.path_qs for r in requests if r.path_qs.startswith("/sitemap")]
    assert asked == ["/sitemap0.xml"]
    assert crawled["pages"] == 5
    assert any("--max-pages (5) reached: the other sitemaps were not read" in w for w in crawled["warnings"])


def test_a_sitemap_index_of_thousands_queues_at_most_max_sitemaps() -> None:
    from auditor.crawl.crawler import MAX_SITEMAPS

    entries = "".join(f"<sitemap><loc>{ORIGIN}/s{k}.xml</loc></sitemap>" for k in range(5_000))
    index = f'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</sitemapindex>'
    site: dict[str, Any] = {
        "/robots.txt": page(f"Sitemap: {ORIGIN}/index.xml\n", content_type="text/plain"),
        "/": page(_html("Home")),
        "/index.xml": page(index, content_type="application/xml"),
        "*": page(_urlset([]), content_type="application/xml"),
    }
    report, requests, _ = _crawl({"www.example.org": site}, FAST, Site(depth=1, max_pages=10))
    asked = [r.path_qs for r in requests if r.path_qs.startswith("/s") and r.path_qs.endswith(".xml")]
    assert len(asked) <= MAX_SITEMAPS
    assert any(f"more than {MAX_SITEMAPS} sitemaps" in w for w in report["crawls"][0]["warnings"])


def test_the_scale_limits_are_documented() -> None:
    doc = (Path(__file__).resolve().parents[1] / "docs" / "security-scale.md").read_text()
    for name in ("--max-crawl-delay", "--max-duration", "MAX_REPORT_ROWS", "MAX_TERMINAL_ROWS", "checks.max_duration"):
        assert name in doc
    assert os.path.exists(Path(__file__).resolve().parents[1] / "bench" / "memory.py")


@pytest.mark.parametrize(
    ("checks", "overrides", "expected"),
    [
        pytest.param("", {}, (60.0, None), id="defaults"),
        pytest.param("  max_crawl_delay: 5s\n  max_duration: 10m\n", {}, (5.0, 600.0), id="from-the-file"),
        pytest.param(
            "  max_duration: 10m\n", {"max_duration": 30.0, "max_crawl_delay": 1.0}, (1.0, 30.0), id="flags-win"
        ),
        pytest.param("  max_duration: null\n", {"max_duration": None}, (60.0, None), id="unset-flag-keeps-file"),
    ],
)
def test_the_time_limits_come_from_targets_yaml_and_the_flags_win(
    tmp_path: Path, checks: str, overrides: dict[str, Any], expected: tuple[float, float | None]
) -> None:
    from auditor.config import load

    (tmp_path / "targets.yaml").write_text(
        "sources:\n  - path: docs/*.txt\n" + ("checks:\n" + checks if checks else "")
    )
    settings = load(tmp_path / "targets.yaml").check_settings(**overrides)
    assert (settings.max_crawl_delay, settings.max_duration) == expected


@pytest.mark.parametrize("command", ["check", "run"])
def test_the_time_limits_are_in_the_help(command: str) -> None:
    out = CliRunner().invoke(main, [command, "--help"]).stdout
    assert "--max-duration DURATION" in out and "--max-crawl-delay SECONDS" in out
