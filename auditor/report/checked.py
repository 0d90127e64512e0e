"""What ``auditor check`` reports: the extraction's references with their verdicts.

JSON ``auditor/report/1`` is the issue-2 reference shape plus ``status``, ``reason``,
``http_status``, ``final_url``, ``redirects``, ``suggestion``, ``domain_changed``,
``findings``, ``checked_at``, ``elapsed_ms``; a ``summary`` with ``total``,
``by_status`` and ``broken``; and ``network_unavailable``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from typing import Any

from auditor.check.engine import NETWORK_UNAVAILABLE, CheckRun
from auditor.extract import Extraction
from auditor.report import jsondoc
from auditor.report.references import problems_to_list, reference_to_dict, sources_to_list
from auditor.report.terminal import paint
from auditor.verdict import Finding, Status, Verdict

SCHEMA = "auditor/report/1"


def finding_to_dict(finding: Finding) -> dict[str, Any]:
    data: dict[str, Any] = {"kind": finding.kind.value, "detail": finding.detail}
    if finding.date is not None:
        data["date"] = finding.date
    if finding.similarity is not None:
        data["similarity"] = round(finding.similarity, 3)
    return data


def verdict_fields(verdict: Verdict) -> dict[str, Any]:
    return {
        "status": verdict.status.value,
        "reason": verdict.reason,
        "http_status": verdict.http_status,
        "final_url": verdict.final_url,
        "redirects": [{"url": hop.url, "status": hop.status} for hop in verdict.redirects],
        "suggestion": verdict.suggestion,
        "domain_changed": verdict.domain_changed,
        "findings": [finding_to_dict(f) for f in verdict.findings],
        "checked_at": verdict.checked_at.isoformat(timespec="seconds"),
        "elapsed_ms": verdict.elapsed_ms,
    }


def to_dict(extraction: Extraction, run: CheckRun, fail_on: Collection[Status]) -> dict[str, Any]:
    by_status = Counter(item.verdict.status.value for item in run.results)
    return {
        "schema": SCHEMA,
        "sources": sources_to_list(extraction),
        "summary": {
            "total": len(run.results),
            "by_status": dict(sorted(by_status.items())),
            "broken": sum(1 for item in run.results if item.verdict.status in fail_on),
            "requests": run.requests,
            "elapsed_ms": run.elapsed_ms,
        },
        "network_unavailable": run.network_unavailable,
        "references": [{**reference_to_dict(item.reference), **verdict_fields(item.verdict)} for item in run.results],
        "problems": problems_to_list(extraction),
    }


def to_json(extraction: Extraction, run: CheckRun, fail_on: Collection[Status]) -> str:
    return jsondoc.dumps(to_dict(extraction, run, fail_on))


def to_text(run: CheckRun, fail_on: Collection[Status], colour: bool = False) -> str:
    """A short summary, then every reference that fails or has a suggestion, by status.

    ``colour`` paints the status words and headings (for a terminal); the words are the same.
    """

    def styled(text: str, status: Status, *, bold: bool = False) -> str:
        return paint(text, status, bold=bold) if colour else text

    lines = []
    if run.network_unavailable:
        lines.append("The network is unavailable: no host could be reached, so nothing was judged dead.")
    counts = Counter(item.verdict.status for item in run.results)
    lines.append(
        f"{len(run.results)} references: "
        + ", ".join(
            styled(f"{n} {status.value}", status) for status, n in sorted(counts.items(), key=lambda kv: kv[0].value)
        )
        + f" ({run.requests} requests, {run.elapsed_ms / 1000:.1f} s)"
    )
    for status in Status:
        # In an outage every unreachable reference says the same: the first line said it.
        items = [
            item
            for item in run.results
            if item.verdict.status is status
            and not (run.network_unavailable and item.verdict.reason == NETWORK_UNAVAILABLE)
        ]
        if not items or not (status in fail_on or status in (Status.MOVED, Status.SHORTENED, Status.BLOCKED)):
            continue
        lines.append("")
        lines.append(styled(f"{status.value} ({len(items)})", status, bold=True))
        for item in items:
            loc = item.reference.locations[0]
            where = f"{loc.source}:{loc.line}" + (f":{loc.column}" if loc.column else "")
            lines.append(f"  {where}  {item.reference.text}")
            lines.append(f"      {item.verdict.reason}")
            if item.verdict.suggestion:
                lines.append(f"      \u2192 {item.verdict.suggestion}")
    return "\n".join(lines) + "\n"
