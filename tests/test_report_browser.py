"""The HTML report in a real browser: Debian's Chromium driven by Playwright.

A report written by ``auditor check`` against the fake web is opened from disk; the
status filter, the search, the sorting and the copy button are used as a reader
would, and screenshots go to ``reports/`` (git-ignored) for a person to look at.
Without Chromium the test is skipped, unless AUDITOR_REQUIRE_BROWSER is set (as
``.ci/run`` does), so that CI cannot pass by skipping it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from playwright.sync_api import expect, sync_playwright

import auditor.cli
from auditor.cli import main
from auditor.fakeweb import not_found, page, redirect
from tests.conftest import through_fake_web

CHROMIUM = os.environ.get("AUDITOR_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parent.parent / "reports"
#: As root in a container, without a sandbox; no background connections the closed network would refuse.
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

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
DOCUMENT = """\
# Where to get help

- Sarcoma UK: https://www.sarcoma.org.uk/
- Support: https://www.sarcoma.org.uk/old-support
- Sarcomas explained: http://www.cancerbackup.org.uk/info/sarcomas.htm
- CancerBACKUP: http://www.cancerbackup.org.uk/
- Leaflets: https://www.sarcoma.org.uk/leaflets.pdf
"""


@pytest.fixture
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("AUDITOR_REQUIRE_BROWSER"):
            pytest.fail(f"{CHROMIUM} is missing and AUDITOR_REQUIRE_BROWSER is set (apt-get install -y chromium)")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install -y chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def report_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(auditor.cli, "check_sources", through_fake_web(SITES))
    monkeypatch.chdir(tmp_path)  # the report names the document as the command did: help.md
    Path("help.md").write_text(DOCUMENT)
    target = tmp_path / "report.html"
    args = ["check", "help.md", "--retries", "0", "--host-request-interval", "0", "-o", str(target)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1, result.output
    return target


def visible_statuses(tab, where: str) -> list[str]:  # type: ignore[no-untyped-def]
    return tab.eval_on_selector_all(f"{where} .ref", "rows => rows.filter(r => !r.hidden).map(r => r.dataset.status)")


# The report is written before the browser starts: Playwright keeps an event loop running.
def test_a_reader_filters_searches_sorts_and_copies_in_chromium(report_file: Path, browser) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    tab = context.new_page()
    problems: list[str] = []
    tab.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    tab.on("pageerror", lambda error: problems.append(str(error)))
    tab.goto(report_file.as_uri())

    # The script ran (the Content-Security-Policy allowed it, by its hash).
    assert tab.evaluate("document.documentElement.classList.contains('js')")
    everything = visible_statuses(tab, "#references")
    assert sorted(everything) == ["dead", "dead", "moved", "moved", "ok"]

    tab.click("[data-filter=dead]")
    assert tab.get_attribute("[data-filter=dead]", "aria-pressed") == "true"
    assert visible_statuses(tab, "#references") == ["dead", "dead"]
    assert set(visible_statuses(tab, "main")) == {"dead"}  # every section obeys the filter
    assert tab.is_hidden("#group-replace")
    assert tab.inner_text("#shown") == "Showing 2 of 5 references"
    SCREENSHOTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(SCREENSHOTS / "report-dead-filter.png"), full_page=True)

    tab.click("[data-filter=moved]")  # a second status adds to the first
    assert sorted(visible_statuses(tab, "#references")) == ["dead", "dead", "moved", "moved"]

    tab.click("#show-all")
    tab.fill("#search", "cancerbackup")
    rows = tab.eval_on_selector_all(
        "#references .ref", "rows => rows.filter(r => !r.hidden).map(r => r.innerText.toLowerCase())"
    )
    assert len(rows) == 2 and all("cancerbackup" in row for row in rows)
    tab.fill("#search", "no such thing anywhere")
    assert visible_statuses(tab, "main") == []
    assert tab.is_visible("#references .empty.filtered")
    tab.click("#show-all")

    # Sorting by the HTTP column puts the 200s before the 404s, and back.
    tab.click("#references th:nth-child(5) button")
    codes = tab.eval_on_selector_all("#references tbody tr td:nth-child(5)", "cells => cells.map(c => c.innerText)")
    assert codes == sorted(codes, key=int)
    tab.click("#references th:nth-child(5) button")
    codes = tab.eval_on_selector_all("#references tbody tr td:nth-child(5)", "cells => cells.map(c => c.innerText)")
    assert codes == sorted(codes, key=int, reverse=True)

    copy = tab.locator("#group-replace button.copy").first
    copy.click()
    expect(copy).to_have_text("Copied")  # the copy is asynchronous: wait for the feedback
    assert tab.evaluate("navigator.clipboard.readText()") == copy.get_attribute("data-copy")

    tab.screenshot(path=str(SCREENSHOTS / "report.png"), full_page=True)
    assert problems == []
    context.close()


def test_the_report_fits_a_phone_screen(report_file: Path, browser) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    tab = context.new_page()
    tab.goto(report_file.as_uri())
    assert tab.evaluate("document.documentElement.scrollWidth") <= 390
    # Table rows become cards with each value labelled.
    assert tab.evaluate("getComputedStyle(document.querySelector('#references tbody tr')).display") == "block"
    SCREENSHOTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(SCREENSHOTS / "report-phone.png"), full_page=True)
    context.close()


def test_chromium_is_where_ci_installs_it() -> None:
    """Not a browser test: says plainly when the browser tests above could not run."""
    if os.environ.get("AUDITOR_REQUIRE_BROWSER"):
        assert Path(CHROMIUM).exists() and shutil.which(CHROMIUM)
