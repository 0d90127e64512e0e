"""Missing fragments as warnings (``checks.fragments: warn``, the default), for every report.

With ``fail`` a missing anchor is the status ``missing-fragment`` and the reports show it
as any failing status; with ``warn`` the status stays the page's own and the reports
list the ``missing-fragment`` findings as warnings: the terminal and Markdown in a
section of their own, SARIF as ``warning`` results, JUnit in the test case's output,
JSON and HTML among the findings.
"""

from __future__ import annotations

from auditor.verdict import Checked, CheckRun, Finding, FindingKind, Status


def fragment_warnings(run: CheckRun) -> list[tuple[Checked, Finding]]:
    """Each reference whose #fragment is missing but which does not fail for it, with the finding."""
    return [(item, finding) for item in run.results if (finding := warning(item)) is not None]


def warning(item: Checked) -> Finding | None:
    """The ``missing-fragment`` finding of ``item`` when its status is not already ``missing-fragment``."""
    if item.verdict.status is Status.MISSING_FRAGMENT:
        return None
    return next((f for f in item.verdict.findings if f.kind is FindingKind.MISSING_FRAGMENT), None)
