"""Debian's Chromium driven by Playwright, as every browser test (and bench/report_speed.py) opens it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM = os.environ.get("AUDITOR_CHROMIUM", "/usr/bin/chromium")
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


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Chromium; the test is skipped without one (failed when AUDITOR_REQUIRE_BROWSER is set, as in CI)."""
    import pytest
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        if os.environ.get("AUDITOR_REQUIRE_BROWSER"):
            pytest.fail(f"{CHROMIUM} is missing and AUDITOR_REQUIRE_BROWSER is set (apt-get install -y chromium)")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install -y chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()
