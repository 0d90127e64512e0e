"""The HTML run report in a real browser: Debian's Chromium driven by Playwright.

Three reports are opened from disk: the demo's (``auditor demo``: a history, so "This week"),
one written by ``auditor check`` against the fake web, and a generated 20,000-reference
audit (bench/report_speed.py's mix). A reader's steps are taken: the summary, the four
groups and their status filters, the views, the links to the index and to the files, the
phone layout, the keyboard, dark mode and a hostile text in the page's data. Screenshots go
to ``reports/`` (git-ignored). Timing thresholds are the bench's (bench/report_speed.py),
not these tests'. Without Chromium the tests are skipped, unless AUDITOR_REQUIRE_BROWSER is
set (as ``.ci/run`` does), so that CI cannot pass by skipping them.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from playwright.sync_api import expect

import auditor.cli
from auditor.cli import main
from auditor.fakeweb import not_found, page, redirect
from auditor.report.html import to_html
from auditor.report.summary import Group, summarize
from auditor.verdict import DEFAULT_FAIL_ON
from tests.browser import CHROMIUM, chromium
from tests.conftest import through_fake_web

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "reports"
MANY = 20_000
HOSTILE_TEXT = "</script><script>alert(1)</script><!-- <b>not bold</b>"

SITES = {
    "www.sarcoma.org.uk": {
        "/": page("<title>Sarcoma UK</title>" + "<p>Support for everyone affected by sarcoma.</p>" * 30),
        "/support": page("<title>Support</title>" + "<p>Our support line.</p>" * 30),
        "/old-support": redirect(301, "/support"),
        "*": not_found(),
    },
    "www.cancerbackup.org.uk": {"/": redirect(301, "https://www.macmillan.org.uk/"), "*": not_found()},
    "www.macmillan.org.uk": {"/": page("<title>Macmillan</title>" + "<p>Cancer support.</p>" * 30), "*": not_found()},
}
DOCUMENT = f"""\
# Where to get help

- Sarcoma UK: https://www.sarcoma.org.uk/
- Support: https://www.sarcoma.org.uk/old-support
- Sarcomas explained: http://www.cancerbackup.org.uk/info/sarcomas.htm
- CancerBACKUP: http://www.cancerbackup.org.uk/
- [{HOSTILE_TEXT}](https://www.sarcoma.org.uk/leaflets.pdf)
"""


def bench() -> Any:
    """bench/report_speed.py, for its generated audit."""
    spec = importlib.util.spec_from_file_location("report_speed", ROOT / "bench" / "report_speed.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The three reports, written before the browser starts: Playwright keeps an event loop running."""
    folder = tmp_path_factory.mktemp("reports")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        assert CliRunner().invoke(main, ["demo"]).exit_code in (0, 1)
        patch.setattr(auditor.cli, "check_sources", through_fake_web(SITES))
        Path("help.md").write_text(DOCUMENT)
        args = ["check", "help.md", "--retries", "0", "--host-request-interval", "0", "--no-archive"]
        result = CliRunner().invoke(main, [*args, "-o", "check.html"])
        assert result.exit_code == 1, result.output
    extraction, run = bench().generated(MANY)
    many = folder / "many.html"
    many.write_text(to_html(extraction, run, DEFAULT_FAIL_ON, index_href="index.html"))
    (folder / "many.json").write_text(
        json.dumps(summarize(run, DEFAULT_FAIL_ON).group_counts)  # what the tiles must say
    )
    return {"demo": folder / "reports" / "demo" / "latest.html", "check": folder / "check.html", "many": many}


@pytest.fixture(scope="module")
def browser(reports: dict[str, Path]) -> Iterator[Any]:
    with chromium() as browser:
        yield browser


def open_report(browser: Any, path: Path, width: int = 1366, **options: Any) -> tuple[Any, Any, list[str]]:
    """A tab with the report open and its script done; the problems it logged (errors, dialogs)."""
    height = 900 if width > 600 else 844
    context = browser.new_context(viewport={"width": width, "height": height}, **options)
    tab = context.new_page()
    problems: list[str] = []
    tab.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    tab.on("pageerror", lambda error: problems.append(str(error)))
    tab.on("dialog", lambda dialog: (problems.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    tab.goto(path.as_uri())
    if options.get("java_script_enabled", True):
        tab.wait_for_selector("html[data-ready]")
    return context, tab, problems


def tile_counts(tab: Any) -> dict[str, int]:
    return tab.eval_on_selector_all(
        "button.tile",
        "ts => Object.fromEntries(ts.map(t => [t.dataset.group, Number(t.querySelector('.count').textContent.replace(/,/g, ''))]))",
    )


def shown_rows(tab: Any) -> list[dict[str, str]]:
    return tab.eval_on_selector_all(
        "#rows .ref", "rs => rs.map(r => ({group: r.dataset.group, status: r.dataset.status}))"
    )


def showing(tab: Any) -> int:
    """The number of matching rows the page says it shows ("Showing 1–100 of 6,031 references")."""
    words = tab.inner_text("#shown").replace(",", "").split()
    return int(words[words.index("references") - 1]) if "references" in words else len(shown_rows(tab))


@pytest.mark.parametrize("name", ["demo", "many"])
def test_filtering_by_group_and_by_status_shows_what_the_counts_say(
    browser: Any, reports: dict[str, Path], name: str
) -> None:
    context, tab, problems = open_report(browser, reports[name])
    counts = tile_counts(tab)
    assert list(counts) == [g.value for g in Group]
    if name == "many":
        assert counts == json.loads((reports["many"].parent / "many.json").read_text())
        assert reports["many"].stat().st_size <= 5_000_000
        assert len(shown_rows(tab)) == 100  # a page of rows, not 20,000
    else:
        summary = json.loads(reports["demo"].with_suffix(".json").read_text())["summary"]
        chips = tab.eval_on_selector_all(
            ".chip", "cs => cs.map(c => [c.dataset.filter, Number(c.querySelector('.count').textContent)])"
        )
        by_status: dict[str, int] = {}
        for status, n in chips:
            by_status[status] = by_status.get(status, 0) + n
        assert by_status == summary["by_status"] and counts["fails"] == summary["broken"]
    assert showing(tab) == sum(counts.values())
    for group in counts:
        tab.click(f"button.tile[data-group='{group}']")
        assert tab.get_attribute(f"button.tile[data-group='{group}']", "aria-pressed") == "true"
        assert {row["group"] for row in shown_rows(tab)} <= {group}
        assert showing(tab) == counts[group]
        tab.click(f"button.tile[data-group='{group}']")  # off again
    chip = tab.locator(".chip[data-group=fails]").first
    status, n = chip.get_attribute("data-filter"), int(chip.locator(".count").inner_text().replace(",", ""))
    chip.click()
    assert {row["status"] for row in shown_rows(tab)} == {status} and showing(tab) == n
    tab.click("#show-all")
    assert showing(tab) == sum(counts.values())
    if name == "many":
        tab.click(".pager [data-page=next]")
        assert tab.inner_text(".pager .page-of").startswith("Page 2 of 200")
    assert problems == []
    context.close()


def test_the_demo_opens_on_this_week_with_links_to_the_index_and_to_act_on(
    browser: Any, reports: dict[str, Path]
) -> None:
    context, tab, problems = open_report(browser, reports["demo"])
    assert tab.is_visible("#this-week") and tab.inner_text("#this-week h2") == "This week"
    assert "6 failing of 25 references" in tab.inner_text(".verdict")
    assert tab.get_attribute("a.index-link", "href") == "index.html"
    assert (reports["demo"].parent / "index.html").exists()
    index = (reports["demo"].parent / "index.html").read_text()
    assert ".html" in index  # the index links the runs' reports (the index's own tests say which)
    # Every address on the page that is a link goes to the web, mail or a phone, in a new tab, without a referrer.
    links = tab.eval_on_selector_all("a[target=_blank]", "as => as.map(a => [a.getAttribute('href'), a.rel])")
    assert links and all(href.startswith(("http://", "https://", "mailto:", "tel:")) for href, _ in links)
    assert all(rel == "noopener noreferrer" for _, rel in links)
    assert not tab.eval_on_selector_all("a[href^='javascript:' i]", "as => as.length")
    # "This week" rows: the address, the replacement with Copy, the place; still broken since when.
    assert tab.locator("#changes-still li").count() == 5
    assert "failing since" in tab.inner_text("#changes-still li >> nth=0")
    # A place in the page leads to its document's view.
    tab.click("#changes-new a.where")
    expect(tab.locator("button[data-view=documents]")).to_have_attribute("aria-pressed", "true")
    assert tab.evaluate("location.hash").startswith("#doc-")
    assert tab.is_visible(tab.evaluate("location.hash"))
    # A document with suggestions has its `auditor fix` command, to copy.
    assert tab.locator(".fix code").first.inner_text().startswith("auditor fix ")
    SCREENSHOTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(SCREENSHOTS / "report-demo-by-document.png"), full_page=True)
    assert problems == []
    context.close()


def test_a_hostile_text_in_the_data_stays_text_and_copy_works(browser: Any, reports: dict[str, Path]) -> None:
    context, tab, problems = open_report(browser, reports["check"])
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    assert tab.evaluate("document.querySelectorAll('script').length") == 2  # the data and ours: nothing broke out
    tab.fill("#search", "leaflets.pdf")
    expect(tab.locator("#rows .ref")).to_have_count(1)
    assert HOSTILE_TEXT in tab.inner_text("#rows .ref .context")  # the line it is written on, literally
    assert not tab.eval_on_selector_all("#rows b, #rows script", "e => e.length")
    tab.click("#show-all")
    tab.fill("#search", "no such thing anywhere")
    expect(tab.locator("#rows .empty.filtered")).to_be_visible()
    tab.click("#show-all")
    copy = tab.locator("#rows .suggestion button.copy").first
    copy.click()
    expect(copy).to_have_text("Copied")  # the copy is asynchronous: wait for the feedback
    assert tab.evaluate("navigator.clipboard.readText()") == copy.get_attribute("data-copy")
    assert problems == []  # no alert(), no error
    context.close()


LABELS_BROKEN_MID_WORD = """() => {
  const broken = [];
  for (const label of document.querySelectorAll('.tile .word, .chip .word, .tile .count, .group .advice')) {
    if (label.scrollWidth > label.clientWidth + 1) { broken.push(label.textContent + ' overflows'); }
    const text = label.firstChild;
    if (!text || text.nodeType !== Node.TEXT_NODE) { continue; }
    for (const m of text.textContent.matchAll(/\\S+/g)) {
      const range = document.createRange();
      range.setStart(text, m.index);
      range.setEnd(text, m.index + m[0].length);
      const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
      if (tops.size > 1) { broken.push(m[0]); }
    }
  }
  return broken;
}"""


@pytest.mark.parametrize("name", ["demo", "many"])
def test_at_390_px_nothing_is_wider_than_the_screen_and_no_label_breaks_mid_word(
    browser: Any, reports: dict[str, Path], name: str
) -> None:
    context, tab, problems = open_report(browser, reports[name], width=390, is_mobile=True, has_touch=True)
    assert tab.evaluate("document.documentElement.scrollWidth") <= 390
    assert tab.evaluate(LABELS_BROKEN_MID_WORD) == []
    assert not tab.evaluate(
        "[...document.querySelectorAll('.tile, .chip, .tile *, .chip *')].some(e => getComputedStyle(e).wordBreak === 'break-all')"
    )
    if name == "demo":
        SCREENSHOTS.mkdir(exist_ok=True)
        tab.screenshot(path=str(SCREENSHOTS / "report-390.png"), full_page=True)
    assert problems == []
    context.close()


def test_the_keyboard_goes_skip_link_tiles_then_the_list_with_a_visible_focus(
    browser: Any, reports: dict[str, Path]
) -> None:
    context, tab, problems = open_report(browser, reports["demo"])
    order: list[str] = []
    for _ in range(60):
        tab.keyboard.press("Tab")
        order.append(
            tab.evaluate(
                "(() => { const e = document.activeElement; return e.matches('.skip') ? 'skip' : e.matches('button.tile') ? 'tile'"
                " : e.matches('.chip') ? 'chip' : e.closest('#rows') ? 'list' : e.matches('#search, [data-view]') ? 'controls'"
                " : e.closest('#this-week .change') ? 'this-week' : 'other'; })()"
            )
        )
    assert order[0] == "skip"
    first = {kind: order.index(kind) for kind in ("tile", "chip", "controls", "list", "this-week")}
    assert first["tile"] < first["chip"] < first["this-week"] < first["controls"] < first["list"]
    # The skip link takes the focus to the list: the next Tab is in its controls.
    tab.goto(reports["demo"].as_uri())
    tab.wait_for_selector("html[data-ready]")
    tab.keyboard.press("Tab")
    tab.keyboard.press("Enter")
    tab.keyboard.press("Tab")
    assert tab.evaluate("!!document.activeElement.closest('#list')")
    # A focused tile has a visible outline.
    tab.focus("button.tile")
    tab.keyboard.press("Shift+Tab")
    tab.keyboard.press("Tab")
    assert tab.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    assert problems == []
    context.close()


def luminance(rgb: str) -> float:
    r, g, b = (int(part) for part in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3])
    return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255


def test_dark_mode_follows_the_system_and_colour_is_never_the_only_sign(browser: Any, reports: dict[str, Path]) -> None:
    context, tab, problems = open_report(browser, reports["demo"], color_scheme="dark")
    assert luminance(tab.evaluate("getComputedStyle(document.body).backgroundColor")) < 0.2
    assert luminance(tab.evaluate("getComputedStyle(document.body).color")) > 0.7
    # Each status has its word and a symbol, not only its colour.
    assert all(word.strip() for word in tab.eval_on_selector_all(".chip .word", "ws => ws.map(w => w.textContent)"))
    SCREENSHOTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(SCREENSHOTS / "report-dark.png"))
    context.close()
    context, tab, _ = open_report(browser, reports["demo"], color_scheme="light")
    assert luminance(tab.evaluate("getComputedStyle(document.body).backgroundColor")) > 0.8
    tab.screenshot(path=str(SCREENSHOTS / "report-1366.png"), full_page=True)
    assert problems == []
    context.close()


def test_without_javascript_the_summary_and_the_groups_still_read(browser: Any, reports: dict[str, Path]) -> None:
    context, tab, _ = open_report(browser, reports["demo"], java_script_enabled=False)
    assert tab.is_visible("#this-week .verdict") and tab.locator("button.tile").count() == 4
    assert "needs JavaScript" in tab.inner_text("#list")
    context.close()


def test_chromium_is_where_ci_installs_it() -> None:
    """Not a browser test: says plainly when the browser tests above could not run."""
    if os.environ.get("AUDITOR_REQUIRE_BROWSER"):
        assert Path(CHROMIUM).exists() and shutil.which(CHROMIUM)
