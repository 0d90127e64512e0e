"""The index page in a real browser: Debian's Chromium driven by Playwright.

``auditor demo`` records two runs (last week's and today's); their index is opened from
disk as a maintainer would: at 1366 px and at 390 px, light and dark, with the keyboard.
Screenshots go to ``reports/index-1366.png`` and ``reports/index-390.png`` (git-ignored).
Without Chromium the tests are skipped, unless AUDITOR_REQUIRE_BROWSER is set.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from auditor.cli import main
from auditor.history import History, RunInfo
from tests.browser import chromium

SCREENSHOTS = Path(__file__).resolve().parent.parent / "reports"

#: The words on the page that wrap across two lines (a break after a hyphen or a slash is
#: allowed: "2026-11-27" may wrap as a date does; "park ed" may not).
BROKEN_WORDS = """() => {
  const broken = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const pattern = /[^\\s\\-\\u2212\\/]+/g;
    for (let m = pattern.exec(node.textContent); m; m = pattern.exec(node.textContent)) {
      const range = document.createRange();
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
      if (tops.size > 1) broken.push(m[0]);
    }
  }
  return broken;
}"""


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two demo runs' reports folder (written before the browser starts: Playwright keeps a loop running)."""
    folder = tmp_path_factory.mktemp("index") / "demo"
    result = CliRunner().invoke(main, ["demo", "--dir", str(folder)])
    assert (folder / "index.html").exists(), result.output
    return folder


@pytest.fixture(scope="module")
def runs(demo: Path) -> list[RunInfo]:
    with History.open(demo / "history.sqlite") as history:
        return history.runs()


@pytest.fixture(scope="module")
def browser(demo: Path) -> Iterator[object]:
    with chromium() as browser:
        yield browser


def open_index(browser, demo: Path, width: int, *, dark: bool = False):  # type: ignore[no-untyped-def]
    context = browser.new_context(
        viewport={"width": width, "height": 900 if width > 600 else 844},
        color_scheme="dark" if dark else "light",
        is_mobile=width <= 600,
        has_touch=width <= 600,
    )
    tab = context.new_page()
    problems: list[str] = []
    tab.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    tab.on("pageerror", lambda error: problems.append(str(error)))
    tab.goto((demo / "index.html").as_uri())
    return context, tab, problems


def test_the_index_shows_the_latest_runs_groups_as_the_history_stored_them(browser, demo: Path, runs) -> None:  # type: ignore[no-untyped-def]
    context, tab, problems = open_index(browser, demo, 1366)
    assert len(runs) == 2 and runs[0].groups is not None
    tiles = tab.eval_on_selector_all(
        "#latest .tile", "tiles => tiles.map(t => [t.dataset.group, t.querySelector('.count').innerText])"
    )
    assert {group: int(n) for group, n in tiles} == runs[0].groups
    rows = tab.eval_on_selector_all(
        "#runs tbody tr",
        "rows => rows.map(r => Object.fromEntries([...r.querySelectorAll('td[data-group]')]"
        ".map(td => [td.dataset.group, Number(td.innerText)])))",
    )
    assert rows == [run.groups for run in runs]
    assert tab.locator("#trend svg g.series").count() == 3
    SCREENSHOTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(SCREENSHOTS / "index-1366.png"), full_page=True)
    assert problems == []  # nothing refused by the Content-Security-Policy
    context.close()


def test_the_index_links_to_the_latest_report_and_each_dated_one(browser, demo: Path, runs) -> None:  # type: ignore[no-untyped-def]
    context, tab, problems = open_index(browser, demo, 1366)
    hrefs = tab.eval_on_selector_all("a", "links => links.map(a => a.getAttribute('href'))")
    assert hrefs == ["latest.html", *(run.report for run in runs)]
    assert all((demo / href).exists() for href in hrefs)
    tab.click("#latest-report")
    assert tab.url == (demo / "latest.html").as_uri()
    tab.go_back()
    tab.click(f"#runs a[href='{runs[-1].report}']")
    assert tab.url == (demo / str(runs[-1].report)).as_uri()
    assert problems == []
    context.close()


def test_the_keyboard_reaches_every_link_in_reading_order_and_shows_where_it_is(browser, demo: Path, runs) -> None:  # type: ignore[no-untyped-def]
    context, tab, _ = open_index(browser, demo, 1366)
    order = []
    for _ in range(len(runs) + 1):
        tab.keyboard.press("Tab")
        order.append(tab.evaluate("document.activeElement.getAttribute('href')"))
        outline = tab.evaluate(
            "(() => { const s = getComputedStyle(document.activeElement); return [s.outlineStyle, s.outlineWidth]; })()"
        )
        assert outline[0] != "none" and float(outline[1].removesuffix("px")) >= 2, outline
    assert order == ["latest.html", *(run.report for run in runs)]
    context.close()


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_the_index_fits_a_phone_without_breaking_a_word(browser, demo: Path, dark: bool) -> None:  # type: ignore[no-untyped-def]
    context, tab, problems = open_index(browser, demo, 390, dark=dark)
    assert tab.evaluate("document.documentElement.scrollWidth") <= 390
    assert tab.evaluate(BROKEN_WORDS) == []
    # Each run is a card with its groups labelled.
    assert tab.evaluate("getComputedStyle(document.querySelector('#runs tbody tr')).display") == "grid"
    assert tab.evaluate("getComputedStyle(document.querySelector('#runs thead')).position") == "absolute"
    label = tab.evaluate("getComputedStyle(document.querySelector('#runs td[data-group]'), '::before').content")
    assert label == '"Fails"'
    SCREENSHOTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(SCREENSHOTS / f"index-390{'-dark' if dark else ''}.png"), full_page=True)
    assert problems == []
    context.close()


def test_the_broken_word_check_sees_a_broken_word(browser) -> None:  # type: ignore[no-untyped-def]
    tab = browser.new_page()
    tab.set_content(
        '<p style="width: 3ch; word-break: break-all">blocked</p><p style="width: 3ch">ok-then</p><p>fine words</p>'
    )
    assert tab.evaluate(BROKEN_WORDS) == ["blocked"]
    tab.close()


def luminance(css: str) -> float:
    """Relative luminance of an ``rgb(r, g, b)`` colour (WCAG)."""
    channels = [int(part) / 255 for part in css[css.index("(") + 1 : css.index(")")].split(",")[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_the_index_follows_the_readers_colour_scheme_with_readable_text(browser, demo: Path, dark: bool) -> None:  # type: ignore[no-untyped-def]
    context, tab, _ = open_index(browser, demo, 1366, dark=dark)
    background = luminance(tab.evaluate("getComputedStyle(document.body).backgroundColor"))
    assert (background < 0.1) if dark else (background > 0.9)
    for selector in ("h1", "#runs tbody th", "#latest .tile .label", "#latest-report", "#latest .tile .count"):
        text = luminance(tab.evaluate(f"getComputedStyle(document.querySelector({selector!r})).color"))
        lighter, darker = max(text, background), min(text, background)
        assert (lighter + 0.05) / (darker + 0.05) >= 4.5, selector  # WCAG AA
    context.close()
