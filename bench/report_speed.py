"""Benchmark: the HTML run report at scale in Chromium (issue 17). Run by hand; prints figures.

    python bench/report_speed.py                   # 20,000 references
    python bench/report_speed.py --refs 100000
    PYTHONPATH=/tmp/old python bench/report_speed.py   # another checkout's auditor (a "before" figure)

Generates ``--refs`` references as a CheckRun and its Extraction (a realistic mix: mostly
ok, some redirected, moved, dead, blocked, errors, a few soft-404s, parked, shortened,
phones and e-mail addresses; one document per 40 references, a reference written in one
to three places), renders them with ``to_html`` (keywords the checkout's ``to_html`` does
not take are left out: the bench runs on the code before issue 17 too; every reference is
put in the page, ``max_rows=refs``), then in Debian's Chromium (Playwright) measures:

* the file size and the time to render it in Python;
* load: navigation start to the page being interactive: ``window.auditorReadyAt`` (set by
  the report's script after its first render), else (an older report) the load event's end;
* a filter click: the "Fails" group tile (an older report: the ``dead`` status tile), timed
  in the page from just before ``click()`` to the forced layout after it, and to the next frame;
* the page's height at 1366 and 390 px.

It also writes ``reports/report-1366.png`` and ``reports/report-390.png`` (git-ignored): the
demo's ``latest.html`` (``auditor demo`` run in a temporary folder), full page, and the
generated report's first screen as ``reports/report-<refs>-1366.png``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import inspect
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

CHROMIUM = os.environ.get("AUDITOR_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ROOT = Path(__file__).resolve().parent.parent
#: (status value, weight out of 1,000)
MIX = (
    ("ok", 700),
    ("redirected", 80),
    ("moved", 60),
    ("dead", 50),
    ("blocked", 30),
    ("error", 20),
    ("skipped", 20),
    ("soft-404", 10),
    ("shortened", 10),
    ("unchecked", 10),
    ("parked", 5),
    ("missing-fragment", 5),
)


def generated(refs: int, seed: int = 17) -> tuple[Any, Any]:
    """``refs`` references as (Extraction, CheckRun), the same every time for a seed."""
    from auditor.extract import Extraction, SourceInfo
    from auditor.reference import Email, Location, Phone, Reference, Url
    from auditor.sources import Format
    from auditor.verdict import Checked, CheckRun, Hop, Status, Verdict

    rng = random.Random(seed)
    documents = max(1, refs // 40)
    names = [f"docs/section-{d // 50}/page-{d}.md" for d in range(documents)]
    sources = tuple(SourceInfo(name, Format.MARKDOWN, None) for name in names)
    statuses = [Status(value) for value, _ in MIX]
    weights = [weight for _, weight in MIX]
    results = []
    for i in range(refs):
        places = tuple(
            Location(
                rng.choice(names), rng.randint(1, 400), rng.randint(1, 60), f"See the guidance on topic {i} at", "x"
            )
            for _ in range(rng.choice((1, 1, 1, 2, 3)))
        )
        kind = rng.random()
        if kind < 0.03:
            number = f"+4420794{i % 100000:05d}"
            status = Status.CONFIRMED if rng.random() < 0.7 else Status.UNCONFIRMED
            ref = Reference(Phone(number, f"020 794 {i % 100000:05d}", "GB"), f"020 794 {i % 100000:05d}", places)
            results.append(Checked(ref, Verdict(status, "listed on the organisation's contact page")))
            continue
        if kind < 0.05:
            address = f"info{i}@charity{i % 300}.org.uk"
            ref = Reference(Email(address), address, places)
            results.append(Checked(ref, Verdict(Status.OK, f"the mail domain charity{i % 300}.org.uk takes mail")))
            continue
        url = f"https://www.charity{i % 700}.org.uk/help/topic-{i}/page.html"
        ref = Reference(Url(url), url, places)
        status = rng.choices(statuses, weights)[0]
        extra: dict[str, Any] = {}
        if status in (Status.MOVED, Status.SHORTENED, Status.REDIRECTED):
            target = f"https://www.charity{i % 700}.org.uk/support/topic-{i}/"
            extra = {"redirects": (Hop(url, 301),), "final_url": target, "suggestion": target}
        if status is Status.DEAD:
            extra = {"archive_url": f"https://web.archive.org/web/2019/{url}"}
        reason = {
            Status.OK: "200 OK",
            Status.DEAD: "404 Not Found",
            Status.ERROR: "503 Service Unavailable",
            Status.BLOCKED: "bot challenge (Cloudflare): could not verify",
        }.get(status, f"{status.value}: see the page")
        results.append(Checked(ref, Verdict(status, reason, 200 if status is Status.OK else 404, **extra)))
    run = CheckRun(tuple(results), False, refs, refs * 3)
    return Extraction(sources, tuple(item.reference for item in results), ()), run


def render(refs: int, path: Path) -> float:
    """Writes the report of ``refs`` generated references to ``path``; the seconds ``to_html`` took."""
    from auditor.report import html
    from auditor.verdict import DEFAULT_FAIL_ON

    extraction, run = generated(refs)
    accepted = inspect.signature(html.to_html).parameters
    wanted = {"max_rows": refs, "index_href": "index.html", "generated_at": dt.datetime(2026, 12, 4, tzinfo=dt.UTC)}
    started = time.perf_counter()
    page = html.to_html(extraction, run, DEFAULT_FAIL_ON, **{k: v for k, v in wanted.items() if k in accepted})
    took = time.perf_counter() - started
    path.write_text(page, encoding="utf-8")
    return took


LOADED = """() => window.auditorReadyAt !== undefined ? ['ready', window.auditorReadyAt]
  : ['load', performance.timing.loadEventEnd - performance.timing.navigationStart]"""
CLICK = """async (selector) => {
  const button = document.querySelector(selector);
  const started = performance.now();
  button.click();
  void document.body.offsetHeight;
  const handled = performance.now() - started;
  await new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
  return [handled, performance.now() - started];
}"""


def measure(browser: Any, path: Path, shots: Path | None = None) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    for width, height in ((1366, 900), (390, 844)):
        tab = browser.new_page(viewport={"width": width, "height": height})
        started = time.perf_counter()
        tab.goto(path.as_uri(), wait_until="load", timeout=600_000)
        tab.wait_for_function("document.readyState === 'complete'", timeout=600_000)
        wall = time.perf_counter() - started
        how, loaded = tab.evaluate(LOADED)
        figures[f"height_{width}"] = tab.evaluate("document.documentElement.scrollHeight")
        if width == 1366:
            figures["load_ms"], figures["load_by"], figures["goto_s"] = loaded, how, wall
            selector = (
                "button.tile[data-group=fails]"
                if tab.query_selector("button.tile[data-group=fails]")
                else "[data-filter=dead]"
            )
            handled, framed = tab.evaluate(CLICK, selector)
            again = tab.evaluate(CLICK, selector)  # and off again
            figures["click_ms"], figures["click_frame_ms"], figures["unclick_ms"] = handled, framed, again[0]
            if shots is not None:
                tab.screenshot(path=str(shots))
        tab.close()
    return figures


def demo_screenshots(browser: Any, out: Path) -> Path:
    """``auditor demo`` in a temporary folder; its latest.html at 1366 and 390 px, full page."""
    folder = Path(tempfile.mkdtemp(prefix="report-speed-demo-"))
    subprocess.run([sys.executable, "-m", "auditor", "demo"], cwd=folder, capture_output=True, check=False)
    latest = folder / "reports" / "demo" / "latest.html"
    for width, height in ((1366, 900), (390, 844)):
        tab = browser.new_page(viewport={"width": width, "height": height})
        tab.goto(latest.as_uri())
        tab.wait_for_timeout(200)
        tab.screenshot(path=str(out / f"report-{width}.png"), full_page=True)
        print(f"demo at {width} px: page height {tab.evaluate('document.documentElement.scrollHeight'):,} px")
        tab.close()
    return latest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--refs", type=int, default=20_000, help="references generated (default 20,000)")
    parser.add_argument("--out", type=Path, default=ROOT / "reports", help="screenshots go here (default reports/)")
    parser.add_argument("--no-demo", action="store_true", help="skip the demo's screenshots")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    import auditor

    args.out.mkdir(exist_ok=True)
    print(f"auditor {auditor.__version__} from {Path(auditor.__file__).parent}")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.html"
        took = render(args.refs, path)
        size = path.stat().st_size
        print(f"{args.refs:,} references: {size / 1e6:.1f} MB, rendered in {took:.1f} s")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
            try:
                f = measure(browser, path, args.out / f"report-{args.refs}-1366.png")
                print(
                    f"load {f['load_ms']:,.0f} ms ({f['load_by']}; goto {f['goto_s']:.1f} s), "
                    f"filter click {f['click_ms']:,.0f} ms (next frame {f['click_frame_ms']:,.0f} ms, "
                    f"off again {f['unclick_ms']:,.0f} ms), "
                    f"page height {f['height_1366']:,} px at 1366, {f['height_390']:,} px at 390"
                )
                if not args.no_demo:
                    demo_screenshots(browser, args.out)
                    print(f"screenshots: {args.out}/report-1366.png, report-390.png")
            finally:
                browser.close()


if __name__ == "__main__":
    main()
