"""A Markdown summary for ``$GITHUB_STEP_SUMMARY`` and pull-request comments.

Counts by status, then how far each site crawl went, then the failing references with
file:line, then the suggested replacements, then the archived copies of dead pages. Text from documents and the web is
untrusted: HTML characters become entities (GitHub renders some raw HTML) and table
pipes are escaped.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

from auditor.report.checked import crawl_lines
from auditor.report.fragments import fragment_warnings
from auditor.report.summary import standing, summary_of
from auditor.untrusted import without_controls
from auditor.verdict import Checked, CheckRun, Status

if TYPE_CHECKING:
    from auditor.crawl.report import CrawlReport
    from auditor.report.recall import HistoryContext


def to_markdown(
    run: CheckRun,
    fail_on: Collection[Status],
    *,
    crawls: Sequence[CrawlReport] = (),
    history: HistoryContext | None = None,
) -> str:
    """The summary; ``crawls`` (``Extraction.crawls``) adds a "Site crawl" list: pages read, caps hit, warnings."""
    standings = [standing(item, fail_on, history) for item in run.results]
    counted = summary_of(standings, history=history is not None, network_unavailable=run.network_unavailable)
    failing = [item for item, one in zip(run.results, standings, strict=True) if one.failing]
    lines = ["## Link audit", ""]
    if run.network_unavailable:
        lines += ["**The network was unavailable: nothing was judged dead.**", ""]
    verdict = f"{counted.failing} failing" if counted.failing else "nothing failing"
    lines += [
        f"{counted.total} references checked, {verdict} ({run.requests} requests, "
        + (f"{run.cached} cached, " if run.cached else "")
        + f"{run.elapsed_ms / 1000:.1f} s).",
        "",
        " · ".join(f"{group.value}: {n:,}" for group, n in counted.by_group.items()),
        "",
        "| status | references |",
        "|---|---:|",
    ]
    lines += [
        _row(f"**{status.value}** (fails)" if status in fail_on else status.value, str(n))
        for status, n in sorted(counted.by_status.items(), key=lambda kv: list(Status).index(kv[0]))
    ]
    if crawls:
        lines += ["", "### Site crawl", ""]
        for report in crawls:
            # crawl_lines indents what belongs to a crawl: a nested list item here.
            lines += [("  - " if line.startswith(" ") else "- ") + _cell(line) for line in crawl_lines(report)]
    if failing:
        lines += ["", "### Failing", "", "| where | reference | status | reason |", "|---|---|---|---|"]
        lines += [
            _row(_cell(_where(item)), _code(item.reference.text), item.verdict.status.value, _cell(item.verdict.reason))
            for item in failing
        ]
    suggested = [item for item in run.results if item.verdict.status.suggests_rewrite and item.verdict.suggestion]
    if suggested:
        lines += ["", "### Suggested replacements", "", "| where | written | replace with |", "|---|---|---|"]
        lines += [
            _row(_cell(_where(item)), _code(item.reference.text), _code(item.verdict.suggestion or ""))
            for item in suggested
        ]
    warned = fragment_warnings(run)
    if warned:
        lines += ["", "### Missing fragments (warnings)", "", "| where | reference | detail |", "|---|---|---|"]
        lines += [
            _row(_cell(_where(item)), _code(item.reference.text), _cell(finding.detail)) for item, finding in warned
        ]
    archived = [item for item in run.results if item.verdict.archive_url]
    if archived:
        lines += ["", "### Archived copies", "", "| where | written | archived copy |", "|---|---|---|"]
        lines += [
            _row(_cell(_where(item)), _code(item.reference.text), _code(item.verdict.archive_url or ""))
            for item in archived
        ]
    return "\n".join(lines) + "\n"


def _row(*cells: str) -> str:
    return "| " + " | ".join(cells) + " |"


def _where(item: Checked) -> str:
    location = item.reference.locations[0]
    more = len(item.reference.locations) - 1
    return f"{location.source}:{location.line}" + (f" (+{more} more)" if more else "")


def _cell(text: str) -> str:
    """Plain text safe in a table cell: no HTML, no pipes, no line breaks, no control characters."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return " ".join(without_controls(text, keep_lines=True).replace("|", "\\|").replace("`", "\\`").split())


def _code(text: str) -> str:
    """Inline code (Markdown and HTML in it stay literal); backticks in it are replaced."""
    return "`" + " ".join(without_controls(text, keep_lines=True).replace("`", "'").replace("|", "\\|").split()) + "`"
