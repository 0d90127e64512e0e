"""Benchmark: how long `auditor fix` takes to plan and diff its rewrites, apart from the checking. Run by hand.

    python bench/fix_speed.py                 # 5,000 list items in Markdown and in HTML
    python bench/fix_speed.py --items 50000

Every reference is given a `moved` verdict (no network: the check's time is measured by
bench/check_speed.py), so each is located, re-escaped for its form and rewritten. No
other link checker rewrites documents, so there is nothing to compare with.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from auditor.extract import extract_sources
from auditor.fix import plan_fixes, snapshot
from auditor.reference import Url
from auditor.sources import resolve_inputs
from auditor.verdict import Checked, CheckRun, Status, Verdict


def documents(items: int) -> dict[str, str]:
    markdown = "".join(
        f"- item {i}: [page {i}](http://old{i % 50}.example.org/p/{i}), also www.old{i % 50}.example.org/q/{i}.\n"
        for i in range(items)
    )
    html = (
        "<html><body>\n"
        + "".join(
            f"<p>item {i}: <a class=x href='http://old{i % 50}.example.org/p/{i}'>page {i}</a></p>\n"
            for i in range(items)
        )
        + "</body></html>\n"
    )
    return {"list.md": markdown, "list.html": html}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=5000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for name, text in documents(args.items).items():
            path = Path(folder, name)
            path.write_text(text, encoding="utf-8")
            sources = resolve_inputs([str(path)])
            references = extract_sources(sources).references
            moved = tuple(
                Checked(ref, Verdict(Status.MOVED, "", suggestion=ref.target.url.replace("http://old", "https://new")))
                for ref in references
                if isinstance(ref.target, Url)
            )
            started = time.perf_counter()
            plan = plan_fixes(sources, snapshot(sources), CheckRun(moved, False, 0, 0))
            planned = time.perf_counter()
            diff = plan.diff()
            done = time.perf_counter()
            print(
                f"{name}: {len(text) / 1024:,.0f} KB, {len(moved):,} references, {plan.rewrites:,} rewrites: "
                f"plan {planned - started:.3f} s, diff {done - planned:.3f} s ({diff.count(chr(10)):,} lines)"
            )


if __name__ == "__main__":
    main()
