"""JUnit XML for CI systems: a testsuite per source, a testcase per reference in it.

A failing reference (``--fail-on``, decided by :func:`auditor.report.summary.standing` as in
every report) is a ``<failure>`` at each of its places, with the reason and the suggested
replacement (or an archived copy); a reference that could not be verified (blocked), was skipped by
configuration, or is not checked yet (phones) is ``<skipped>``. ``file`` and ``line``
attributes let GitLab and Jenkins point at the place. Text from documents and from the
web is untrusted: ElementTree escapes it, and characters XML 1.0 cannot carry are dropped.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Collection
from typing import TYPE_CHECKING

from auditor.report.fragments import warning
from auditor.report.summary import standing
from auditor.verdict import Checked, CheckRun, Status

if TYPE_CHECKING:
    from auditor.report.recall import HistoryContext

# Characters not allowed in XML 1.0 documents, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def to_junit(run: CheckRun, fail_on: Collection[Status], *, history: HistoryContext | None = None) -> str:
    suites: dict[str, list[tuple[Checked, int]]] = {}
    failing = {id(item) for item in run.results if standing(item, fail_on, history).failing}
    for item in run.results:
        for location in item.reference.locations:
            suites.setdefault(location.source, []).append((item, location.line))
    root = ET.Element("testsuites", name="auditor", time=_seconds(run.elapsed_ms))
    totals = {"tests": 0, "failures": 0, "skipped": 0}
    for source, cases in suites.items():
        suite = ET.SubElement(root, "testsuite", name=_xml(source))
        counts = {"tests": len(cases), "failures": 0, "skipped": 0}
        for item, line in cases:
            verdict = item.verdict
            case = ET.SubElement(
                suite,
                "testcase",
                name=_xml(item.reference.text),
                classname=_xml(source),
                file=_xml(source),
                line=str(line),
                time=_seconds(verdict.elapsed_ms),
            )
            where = f"{source}:{line}"
            if id(item) in failing:
                counts["failures"] += 1
                failure = ET.SubElement(case, "failure", message=_xml(verdict.reason), type=verdict.status.value)
                failure.text = _xml(_details(item, where))
            elif not verdict.status.is_judged:
                counts["skipped"] += 1
                ET.SubElement(case, "skipped", message=_xml(f"{verdict.status.value}: {verdict.reason}"))
            elif (finding := warning(item)) is not None:  # passes, with a warning in its output
                ET.SubElement(case, "system-out").text = _xml(f"warning: missing-fragment: {finding.detail}")
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
        suite.set("errors", "0")
    for key, value in totals.items():
        root.set(key, str(value))
    root.set("errors", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _details(item: Checked, where: str) -> str:
    verdict = item.verdict
    lines = [f"{verdict.status.value}: {verdict.reason}", f"at {where}: {item.reference.text}"]
    if verdict.redirects:
        lines.append("redirects: " + " -> ".join(f"{hop.url} ({hop.status})" for hop in verdict.redirects))
    if verdict.suggestion:
        lines.append(f"suggestion: {verdict.suggestion}")
    if verdict.archive_url:
        lines.append(f"archived copy: {verdict.archive_url}")
    return "\n".join(lines)


def _xml(text: str) -> str:
    return _NOT_XML.sub("", text)


def _seconds(ms: int) -> str:
    return f"{ms / 1000:.3f}"
