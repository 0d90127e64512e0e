"""Which report a run writes where: the format of ``--format`` and of each ``-o FILE``."""

from __future__ import annotations

from collections.abc import Collection
from enum import StrEnum
from pathlib import Path

from auditor.check.engine import CheckRun
from auditor.errors import AuditorError
from auditor.extract import Extraction
from auditor.report import checked, junit, markdown
from auditor.verdict import Status


class ReportFormat(StrEnum):
    TEXT = "text"
    JSON = "json"
    JUNIT = "junit"
    MARKDOWN = "markdown"


#: The format of an output file, by its extension.
EXTENSIONS: dict[str, ReportFormat] = {
    ".json": ReportFormat.JSON,
    ".xml": ReportFormat.JUNIT,
    ".md": ReportFormat.MARKDOWN,
}


def format_of(path: Path) -> ReportFormat:
    """The format an output file's extension names; an error naming the file otherwise."""
    try:
        return EXTENSIONS[path.suffix.lower()]
    except KeyError:
        known = ", ".join(EXTENSIONS)
        raise AuditorError(
            f"{path}: cannot tell the report format from {path.suffix or 'no extension'!r} "
            f"(known: {known}; HTML and SARIF come next)"
        ) from None


def render(fmt: ReportFormat, extraction: Extraction, run: CheckRun, fail_on: Collection[Status]) -> str:
    if fmt is ReportFormat.JSON:
        return checked.to_json(extraction, run, fail_on)
    if fmt is ReportFormat.JUNIT:
        return junit.to_junit(run, fail_on)
    if fmt is ReportFormat.MARKDOWN:
        return markdown.to_markdown(run, fail_on)
    return checked.to_text(run, fail_on)
