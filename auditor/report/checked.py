"""What ``auditor check`` reports: the extraction's references with their verdicts.

JSON ``auditor/report/1`` is the issue-2 reference shape plus ``status``, ``reason``,
``http_status``, ``final_url``, ``redirects``, ``suggestion``, ``domain_changed``,
``findings``, ``checked_at``, ``elapsed_ms``, ``cached``, ``archive_url`` (an archived
copy of a dead, soft-404 or parked page, or null), ``cause`` (why a verdict is not about
the target: ``outage``, ``deadline``, ``unplaced``, or null) (phones: ``listed_on``, ``found``;
a URL checked at another address by ``--remap``: ``remapped``; a malformed link:
``written`` and ``invalid``, instead of ``url``/``address``/``e164``); a
``summary`` with ``total``, ``by_status``, ``by_group`` (fails / replace / check by hand / fine),
``broken`` (failing) and ``waiting`` (first transient errors, not failing until they repeat:
all from :func:`auditor.report.summary.summarize`, as every other report's counts); ``network_unavailable``; and
``notes``, warnings about the run itself (the web archive did not answer).

With a history (``auditor run``) each reference also has ``previous_status`` (null on
first sight), ``first_seen``, ``status_since`` and ``confirmed`` (false while a
transient error is damped), each source ``stale``, the summary ``new_broken``,
``fixed`` and ``still_broken``, and ``changes`` lists those references by key.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from auditor.defaults import MAX_TERMINAL_ROWS
from auditor.extract import Extraction
from auditor.local_site import ROOT_RELATIVE_REASON
from auditor.reference import Kind
from auditor.report import jsondoc
from auditor.report.fragments import fragment_warnings
from auditor.report.references import problems_to_list, reference_to_dict, sources_to_list
from auditor.report.summary import WAITING, standing, summarize
from auditor.report.terminal import paint
from auditor.untrusted import safe
from auditor.verdict import Cause, Checked, CheckRun, Finding, PhoneFacts, Status, Verdict

if TYPE_CHECKING:
    from auditor.crawl.report import CrawlReport
    from auditor.report.recall import HistoryContext

SCHEMA = "auditor/report/1"
#: A phone's verdict without facts (unchecked, invalid) reports them empty: ``listed_on`` null, ``found`` [].
NO_PHONE_FACTS = PhoneFacts()
#: Listed in the text summary even when not failing: someone should look at these.
LISTED = frozenset(s for s in Status if s.needs_a_person)


def finding_to_dict(finding: Finding) -> dict[str, Any]:
    data: dict[str, Any] = {"kind": finding.kind.value, "detail": finding.detail}
    if finding.date is not None:
        data["date"] = finding.date
    if finding.similarity is not None:
        data["similarity"] = round(finding.similarity, 3)
    return data


def crawl_to_dict(report: CrawlReport) -> dict[str, Any]:
    return {
        "start": report.start,
        "scope": report.scope,
        "depth": report.depth,
        "max_pages": report.max_pages,
        "pages": report.pages,
        "cached": report.cached,
        "disallowed": report.disallowed,
        "beyond_depth": report.beyond_depth,
        "beyond_max_pages": report.beyond_max_pages,
        "capped": report.capped,
        "sitemaps": list(report.sitemaps),
        "sitemap_pages": report.sitemap_pages,
        "crawl_delay": report.crawl_delay,
        "warnings": list(report.warnings),
    }


def crawl_lines(report: CrawlReport) -> list[str]:
    """What a crawl did, in words: for the terminal and the Markdown summary."""
    lines = [
        f"crawled {report.start}: {report.pages:,} pages"
        + (f" ({report.cached} from the cache)" if report.cached else "")
        + (f", {report.sitemap_pages:,} listed in {_sitemaps(len(report.sitemaps))}" if report.sitemaps else "")
        + (f", {report.disallowed} forbidden by robots.txt" if report.disallowed else "")
        + (f", Crawl-delay {report.crawl_delay:g} s" if report.crawl_delay else "")
    ]
    if report.beyond_depth:
        lines.append(
            f"  depth {report.depth} reached: {report.beyond_depth:,} more pages not followed "
            "(raise --depth or sources[].depth)"
        )
    if report.beyond_max_pages:
        lines.append(
            f"  {report.max_pages:,} pages reached: {report.beyond_max_pages:,} more pages not read "
            "(raise --max-pages or sources[].max_pages)"
        )
    lines.extend(f"  warning: {warning}" for warning in report.warnings)
    return [safe(line) for line in lines]


def _sitemaps(n: int) -> str:
    return "1 sitemap" if n == 1 else f"{n} sitemaps"


def verdict_fields(verdict: Verdict, kind: Kind | None = None) -> dict[str, Any]:
    facts = verdict.phone or NO_PHONE_FACTS
    phone = {"listed_on": facts.listed_on, "found": list(facts.found)} if kind is Kind.PHONE else {}
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
        "cached": verdict.cached,
        "archive_url": verdict.archive_url,
        "cause": verdict.cause.value if verdict.cause is not None else None,
        **phone,
        **({"remapped": verdict.remapped} if verdict.remapped else {}),
    }


def to_dict(
    extraction: Extraction, run: CheckRun, fail_on: Collection[Status], *, history: HistoryContext | None = None
) -> dict[str, Any]:
    document = _document(extraction, run, fail_on, history=history)
    document["references"] = list(document["references"])
    return document


def _reference(item: Checked, history: HistoryContext | None) -> dict[str, Any]:
    data = {**reference_to_dict(item.reference), **verdict_fields(item.verdict, item.reference.kind)}
    if history is not None:
        data.update(_recall(history, item.reference.key))
    return data


def _document(
    extraction: Extraction, run: CheckRun, fail_on: Collection[Status], *, history: HistoryContext | None = None
) -> dict[str, Any]:
    """The report with its ``references`` as an iterator: each made when it is written."""
    counted = summarize(run, fail_on, history)
    references = (_reference(item, history) for item in run.results)
    sources = sources_to_list(extraction)
    summary: dict[str, Any] = {
        "total": counted.total,
        "by_status": dict(sorted(counted.status_counts.items())),
        "by_group": counted.group_counts,
        "broken": counted.failing,
        "waiting": counted.waiting,
        "requests": run.requests,
        "cached": run.cached,
        "elapsed_ms": run.elapsed_ms,
    }
    document: dict[str, Any] = {"schema": SCHEMA, "sources": sources, "summary": summary}
    if extraction.crawls:
        document["crawls"] = [crawl_to_dict(report) for report in extraction.crawls]
    if history is not None:
        for info, source in zip(extraction.sources, sources, strict=True):
            source["stale"] = history.is_stale(info)
        summary.update(new_broken=counted.new_broken, fixed=counted.fixed, still_broken=counted.still_broken)
        document["changes"] = {
            "previous_run": history.previous_run.isoformat(timespec="seconds") if history.previous_run else None,
            "new_broken": sorted(history.new_broken),
            "fixed": sorted(history.fixed),
            "still_broken": sorted(history.still_broken),
        }
    document["network_unavailable"] = run.network_unavailable
    document["notes"] = list(run.notes)  # about the run itself: the web archive did not answer
    document["references"] = references
    document["problems"] = problems_to_list(extraction)
    return document


def _recall(history: HistoryContext, key: str) -> dict[str, Any]:
    memory = history.memories.get(key)
    if memory is None:
        return {"previous_status": None, "first_seen": None, "status_since": None, "confirmed": True}
    return {
        "previous_status": memory.previous_status.value if memory.previous_status else None,
        "first_seen": memory.first_seen.isoformat(timespec="seconds"),
        "status_since": memory.status_since.isoformat(timespec="seconds"),
        "confirmed": memory.confirmed,
    }


def to_json(
    extraction: Extraction, run: CheckRun, fail_on: Collection[Status], *, history: HistoryContext | None = None
) -> str:
    return "".join(json_chunks(extraction, run, fail_on, history=history))


def json_chunks(
    extraction: Extraction, run: CheckRun, fail_on: Collection[Status], *, history: HistoryContext | None = None
) -> Iterator[str]:
    """The JSON report in pieces, one reference at a time: a million of them are never one string."""
    document = _document(extraction, run, fail_on, history=history)
    yield from jsondoc.stream(document, "references")


def to_text(
    run: CheckRun,
    fail_on: Collection[Status],
    colour: bool = False,
    crawls: Sequence[CrawlReport] = (),
    max_rows: int = MAX_TERMINAL_ROWS,
    history: HistoryContext | None = None,
) -> str:
    """A short summary, then every reference that fails or has a suggestion, by status
    (at most ``max_rows`` of each status; the rest are counted). With ``history`` (``auditor
    run``) a first transient error says it is waiting to be confirmed, and is not counted failing.

    ``colour`` paints the status words and headings (for a terminal); the words are the same.
    """

    def styled(text: str, status: Status, *, bold: bool = False) -> str:
        return paint(text, status, bold=bold) if colour else text

    lines = [line for report in crawls for line in crawl_lines(report)]
    if run.network_unavailable:
        lines.append("The network is unavailable: no host could be reached, so nothing was judged dead.")
    # Counted as they are made: a million standings are not kept for the few rows listed below.
    counted = summarize(run, fail_on, history)
    lines.append(
        f"{counted.total} reference{'' if counted.total == 1 else 's'}: "
        + ", ".join(
            styled(f"{n} {status.value}", status)
            for status, n in sorted(counted.by_status.items(), key=lambda kv: kv[0].value)
        )
        + f" ({run.requests} requests, "
        + (f"{run.cached} cached, " if run.cached else "")
        + f"{run.elapsed_ms / 1000:.1f} s)"
    )
    if counted.total:
        lines.append(" \u00b7 ".join(f"{group.value} {n:,}" for group, n in counted.by_group.items()))
    for status in Status:
        if not (status in fail_on or status in LISTED):
            continue
        # In an outage every unreachable reference says the same: the first line said it.
        items = [item for item in run.results if item.verdict.status is status and not run.unreached(item)]
        if not items:
            continue
        lines.append("")
        lines.append(styled(f"{status.value} ({len(items)})", status, bold=True))
        for item in items[:max_rows]:
            loc = item.reference.locations[0]
            lines.append(safe(f"  {loc.where}  {item.reference.text}"))
            waiting = f" ({WAITING})" if standing(item, fail_on, history).waiting else ""
            lines.append(safe(f"      {item.verdict.reason}{waiting}"))
            if item.verdict.suggestion:
                lines.append(safe(f"      \u2192 {item.verdict.suggestion}"))
            if item.verdict.archive_url:
                lines.append(safe(f"      archived copy: {item.verdict.archive_url}"))
        if len(items) > max_rows:
            lines.append(
                f"  \u2026 and {len(items) - max_rows:,} more {status.value}: see the JSON report (-o report.json)"
            )
    unplaced = sum(1 for item in run.results if item.verdict.cause is Cause.UNPLACED)
    if unplaced:
        lines.append("")
        lines.append(f"{unplaced} unchecked: {ROOT_RELATIVE_REASON}")
    if warned := fragment_warnings(run):
        lines.append("")
        lines.append(styled(f"missing-fragment warnings ({len(warned)})", Status.MISSING_FRAGMENT, bold=True))
        for item, finding in warned[:max_rows]:
            lines.append(safe(f"  {item.reference.locations[0].where}  {item.reference.text}"))
            lines.append(safe(f"      {finding.detail} (fails with --include-fragments)"))
    return "\n".join(lines) + "\n"
