"""``auditor run``: one audit of targets.yaml, with memory.

The engine checks; this module only wires the stages around it, in the order that
keeps a crash harmless:

1. take the audit lock (``reports/.auditor.lock``) and open the history (a corrupt
   or locked history stops the run before any request);
2. read the sources and check every reference (page facts and phone listings on);
3. compare with the previous run (new / fixed / still broken, flap damping) and add
   the ``content-changed`` / ``title-changed`` findings;
4. write the dated reports (``reports/<YYYY-MM-DDTHHMMSS>.html`` and ``.json``),
   atomically; then record the run in the history, in one transaction; then
   ``latest.*`` and ``index.html``; then prune report files beyond ``reports.keep``.
   Killed before step 4 ends, the previous latest report and the history stand.

On a machine without network nothing is written and nothing recorded (exit 3): an
outage is not a week in which everything broke.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from auditor.check.cache import CheckCache
from auditor.check.engine import Progress
from auditor.check.freshness import content_changed, title_changed
from auditor.config import Config
from auditor.exitcodes import exit_code
from auditor.history import Comparison, History, Observation, RunInfo
from auditor.inputfiles import InputPolicy
from auditor.lock import AuditLock
from auditor.notify import Notice, deliver, notice_of
from auditor.pipeline import Audit, check_sources
from auditor.report import checked, html, index
from auditor.report.recall import HistoryContext
from auditor.report.summary import WAITING, RunPoint, summarize
from auditor.verdict import Checked, CheckRun, Status
from auditor.write import write_atomic

STAMP = "%Y-%m-%dT%H%M%S"
_DATED = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{6}(?:-\d+)?\.(?:html|json)$")


@dataclass(frozen=True, slots=True)
class AuditOutcome:
    """What ``auditor run`` tells the user: the exit code, the report written, one line of summary."""

    exit_code: int
    report: Path | None
    summary: str
    audit: Audit
    comparison: Comparison | None
    run: RunInfo | None
    fail_on: frozenset[Status]
    context: HistoryContext | None = None  # what the history added to the reports


def _quiet(_message: str) -> None:
    pass


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def run_audit(
    config: Config,
    *,
    overrides: Mapping[str, Any] | None = None,
    fail_on: frozenset[Status] | None = None,
    reset_history: bool = False,
    cache: bool = True,
    cache_max_age: dt.timedelta | None = None,
    archive: bool = True,
    resolver: Any = None,
    ssl: Any = None,
    mail_resolver: Any = None,
    progress: Progress | None = None,
    now: Callable[[], dt.datetime] = utc_now,
    log: Callable[[str], None] = _quiet,
    inputs: InputPolicy | None = None,
) -> AuditOutcome:
    """One audit; ``resolver``/``ssl``/``mail_resolver`` point it at a fake web (tests, ``auditor demo``).

    ``overrides`` are command-line values for the settings (UNSET: not given; None is a
    value: ``archive_url=None`` asks no archive; see :meth:`Config.over`); ``fail_on``
    replaces the settings' fail_on; ``log`` receives notification warnings and the run's notes
    (the archive did not answer). The cross-run cache (in the history file) is used unless
    ``cache`` is false or ``checks.cache_max_age`` is null; ``cache_max_age`` overrides the
    file's. Archived copies of dead pages are looked up unless ``archive`` is false or
    ``checks.archive_url`` is null. ``inputs`` says how the sources are found (default:
    the file's, :meth:`Config.input_policy`).
    """
    settings = config.over(overrides or {}, page_facts=True)
    fail_on = settings.fail_on if fail_on is None else fail_on
    reports = config.reports_dir
    with AuditLock(reports), History.open(config.history_path, reset=reset_history) as history:
        started = now()
        if not archive:
            settings = replace(settings, archive_url=None)
        sources = config.sources(inputs)
        if cache_max_age is None and settings.cache_max_age is not None:
            cache_max_age = dt.timedelta(seconds=settings.cache_max_age)
        max_age = cache_max_age
        reuse = await CheckCache.load(history, max_age=max_age, now=started) if cache and max_age is not None else None
        audit = await check_sources(
            sources,
            settings,
            settings.regions,
            organisations=config.organisations,
            resolver=resolver,
            ssl=ssl,
            mail_resolver=mail_resolver,
            progress=progress,
            cache=reuse,
            save_cache=False,  # with the run, once it is recorded
        )
        for note in audit.run.notes:  # `auditor schedule` has no stderr a person reads: its log
            log(f"warning: {note}")
        if audit.run.network_unavailable:
            line = "the network is unavailable: nothing was checked, written or recorded (try `auditor demo`)"
            code = exit_code(bad_input=bool(audit.extraction.problems), failing=False, offline=True)
            return AuditOutcome(code, None, line, audit, None, None, fail_on)
        observations = [Observation.of(item.reference, item.verdict) for item in audit.run.results]
        comparison = history.compare(observations, now=started, fail_on=fail_on, confirm_after=settings.confirm_after)
        audit = Audit(audit.extraction, _with_changes(audit.run, comparison))
        observations = [Observation.of(item.reference, item.verdict) for item in audit.run.results]
        stem = _free_stem(reports, started.astimezone(dt.UTC).strftime(STAMP))
        context = HistoryContext.of(comparison, settings.stale_after_days, started.date())
        summary = summarize(audit.run, fail_on, context)  # the one count the report, history and index show
        dated = reports / f"{stem}.html"
        # The report's sparkline: the last runs, oldest first, ending with this one.
        trend = index.trend_points(
            history.runs(limit=index.TREND_RUNS), RunPoint(started, summary.by_group, dated.name)
        )
        report_html = html.to_html(
            audit.extraction,
            audit.run,
            fail_on,
            inputs=config.source_inputs(),
            generated_at=started,
            history=context,
            trend=trend,
            index_href="index.html",
            source_url=config.source_url,
        )
        write_atomic(
            reports / f"{stem}.json", checked.json_chunks(audit.extraction, audit.run, fail_on, history=context)
        )
        write_atomic(dated, report_html)
        recorded = history.record(
            observations,
            comparison,
            started_at=started,
            finished_at=now(),
            config_hash=config.config_hash,
            report=dated.name,
            summary=summary,
        )
        if reuse is not None:
            await reuse.save()
        write_atomic(
            reports / "latest.json", checked.json_chunks(audit.extraction, audit.run, fail_on, history=context)
        )
        write_atomic(reports / "latest.html", report_html)
        kept = _prune(reports, config.keep)
        write_atomic(reports / "index.html", index.to_index(index.run_points(history.runs(), kept=kept)))

    code = exit_code(bad_input=bool(audit.extraction.problems), failing=bool(summary.failing))
    line = (
        f"{summary.total} references, {summary.failing} failing "
        f"({summary.new_broken} new, {summary.still_broken} still, {summary.fixed} fixed)"
        + (f"; {summary.waiting} {WAITING}" if summary.waiting else "")
    )
    if config.notify_urls or config.webhooks:
        notice = notice_of(audit.run, fail_on, context, started_at=started, report=dated, base_url=config.base_url)
        await _notify(config, notice, resolver=resolver, ssl=ssl, log=log)
    return AuditOutcome(code, dated, line, audit, comparison, recorded, fail_on, context)


async def _notify(config: Config, notice: Notice, *, resolver: Any, ssl: Any, log: Callable[[str], None]) -> None:
    """Tell ``notify.urls`` and the webhooks (when something changed, or always); a failure is a
    warning in the log, never a failed run."""
    import aiohttp

    def session() -> aiohttp.ClientSession:
        connector = aiohttp.TCPConnector(resolver=resolver, ssl=ssl or True) if resolver is not None else None
        return aiohttp.ClientSession(connector=connector)

    await deliver(
        notice,
        urls=config.notify_urls,
        webhooks=config.webhooks,
        always=config.notify_always,
        session=session,
        log=log,
    )


def _with_changes(run: CheckRun, comparison: Comparison) -> CheckRun:
    """Add what changed on each page since the last run: its main text, its title."""
    results = []
    for item in run.results:
        memory = comparison.memories.get(item.reference.key)
        page = item.verdict.page
        if memory is None or page is None or not item.verdict.status.is_healthy:
            results.append(item)
            continue
        found = [
            finding
            for finding in (
                content_changed(memory.previous_fingerprint, page.fingerprint),
                title_changed(memory.previous_title, page.title),
            )
            if finding is not None
        ]
        verdict = replace(item.verdict, findings=(*item.verdict.findings, *found)) if found else item.verdict
        results.append(Checked(item.reference, verdict))
    return replace(run, results=tuple(results))


def _free_stem(reports: Path, stem: str) -> str:
    """Two runs in one second get ``...T060000`` and ``...T060000-1``: a report is never overwritten."""
    candidate, n = stem, 0
    while (reports / f"{candidate}.html").exists() or (reports / f"{candidate}.json").exists():
        n += 1
        candidate = f"{stem}-{n}"
    return candidate


def _prune(reports: Path, keep: int) -> set[str]:
    """Keep the newest ``keep`` runs' dated report files; return the names still there."""
    stems = sorted({p.stem for p in reports.iterdir() if _DATED.match(p.name)}, reverse=True)
    for stem in stems[keep:]:
        for suffix in (".html", ".json"):
            (reports / f"{stem}{suffix}").unlink(missing_ok=True)
    return {f"{stem}.html" for stem in stems[:keep]}
