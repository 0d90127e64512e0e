"""Which report a run writes where: the format of ``--format`` and of each ``-o FILE``."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from auditor.errors import AuditorError

if TYPE_CHECKING:  # the formats' names are read while options are parsed: nothing heavy here
    from auditor.extract import Extraction
    from auditor.report.recall import HistoryContext
    from auditor.verdict import CheckRun, Status


class ReportFormat(StrEnum):
    TEXT = "text"
    JSON = "json"
    HTML = "html"
    JUNIT = "junit"
    SARIF = "sarif"
    MARKDOWN = "markdown"


#: The format of an output file, by its extension.
EXTENSIONS: dict[str, ReportFormat] = {
    ".json": ReportFormat.JSON,
    ".html": ReportFormat.HTML,
    ".htm": ReportFormat.HTML,
    ".xml": ReportFormat.JUNIT,
    ".sarif": ReportFormat.SARIF,
    ".md": ReportFormat.MARKDOWN,
}


def format_of(path: Path) -> ReportFormat:
    """The format an output file's extension names; an error naming the file otherwise."""
    try:
        return EXTENSIONS[path.suffix.lower()]
    except KeyError:
        known = ", ".join(EXTENSIONS)
        raise AuditorError(
            f"{path}: cannot tell the report format from {path.suffix or 'no extension'!r} (known: {known})"
        ) from None


def render(
    fmt: ReportFormat,
    extraction: Extraction,
    run: CheckRun,
    fail_on: Collection[Status],
    *,
    inputs: Sequence[str] = (),
    history: HistoryContext | None = None,
    source_url: str | None = None,
) -> str:
    """The report in ``fmt``; ``inputs`` are what the user asked to check, as they wrote them;
    ``history`` (``auditor run``) counts a first transient error as waiting, not failing, in every format;
    ``source_url`` (``reports.source_url``) links each ``file:line`` of the HTML report to the file."""
    from auditor.report import checked

    if fmt is ReportFormat.JSON:
        return checked.to_json(extraction, run, fail_on, history=history)
    # The other formats' modules load when one is asked for (html alone is ~0.02 s).
    if fmt is ReportFormat.HTML:
        from auditor.report import html

        return html.to_html(extraction, run, fail_on, inputs=inputs, history=history, source_url=source_url)
    if fmt is ReportFormat.SARIF:
        from auditor.report import sarif

        return sarif.to_sarif(run, fail_on, history=history)
    if fmt is ReportFormat.JUNIT:
        from auditor.report import junit

        return junit.to_junit(run, fail_on, history=history)
    if fmt is ReportFormat.MARKDOWN:
        from auditor.report import markdown

        return markdown.to_markdown(run, fail_on, crawls=extraction.crawls, history=history)
    return checked.to_text(run, fail_on, crawls=extraction.crawls, history=history)


def render_chunks(
    fmt: ReportFormat,
    extraction: Extraction,
    run: CheckRun,
    fail_on: Collection[Status],
    *,
    inputs: Sequence[str] = (),
) -> Iterable[str]:
    """The report in ``fmt`` in pieces, to be written one after the other: JSON is made a
    reference at a time (a million of them are never one string); the others are one piece."""
    if fmt is ReportFormat.JSON:
        from auditor.report import checked

        return checked.json_chunks(extraction, run, fail_on)
    return (render(fmt, extraction, run, fail_on, inputs=inputs),)
