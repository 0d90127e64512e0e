"""``reports/index.html``: the latest run at a glance, the trend, and every run, newest first.

Every number on the page is a run's own group counts as the history stored them from
that run's summary (:class:`auditor.report.summary.Summary`), turned into
:class:`~auditor.report.summary.RunPoint`\\ s by :func:`run_points`; nothing here counts
statuses. The same points, oldest first, are the report's sparkline (:func:`trend_points`).

The chart is inline SVG drawn from numbers computed here, so the page stays one
self-contained file under the same hash-based Content-Security-Policy as the report;
its style is ``index.css`` alone (not the report's stylesheet).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from auditor import __version__
from auditor.history import RunInfo
from auditor.report.html import asset, content_security_policy, environment
from auditor.report.summary import Group, RunPoint, estimated_groups, groups_of

#: How many runs a trend shows: half a year of weekly runs.
TREND_RUNS = 26
#: The groups the chart draws, on one scale: what a maintainer acts on. ``fine`` is most
#: of the references and would flatten the others; the runs table shows it.
CHARTED: tuple[Group, ...] = (Group.FAILS, Group.REPLACE, Group.BY_HAND)
WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 640, 200, 8, 8, 10, 10

#: The only report names the index links to: the dated reports `auditor run` writes.
_DATED_REPORT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{6}(?:-\d+)?\.html$")
LATEST = "latest.html"


def report_href(name: str | None) -> str | None:
    """``name`` when it is a dated report's file name (relative, ours), else None: the
    history is a file on disk, and a link on the page must never be anything else."""
    return name if name is not None and _DATED_REPORT.fullmatch(name) else None


def run_point(run: RunInfo, *, kept: Collection[str] | None = None) -> RunPoint:
    """One recorded run as the index and the trend show it. Its report is linked only when
    it is a dated report name and (with ``kept``) still on disk."""
    report = report_href(run.report)
    if kept is not None and report not in kept:
        report = None
    if run.groups is None:  # recorded before the history kept groups
        return RunPoint(run.started_at, estimated_groups(run.counts, run.failing), report, estimated=True)
    return RunPoint(run.started_at, groups_of(run.groups), report)


def run_points(runs: Iterable[RunInfo], *, kept: Collection[str] | None = None) -> list[RunPoint]:
    """:func:`run_point` of each run, newest first (whatever order they come in)."""
    return sorted((run_point(run, kept=kept) for run in runs), key=lambda p: p.started_at, reverse=True)


def trend_points(
    runs: Iterable[RunInfo], current: RunPoint | None = None, *, limit: int = TREND_RUNS
) -> list[RunPoint]:
    """The last ``limit`` runs, oldest first, ending with ``current`` (the run being
    reported, not yet recorded) when given: what the report's sparkline draws."""
    points = run_points(runs)
    if current is not None:
        points.insert(0, current)
    return list(reversed(points[:limit]))


@dataclass(frozen=True, slots=True)
class Tile:
    """One group of the latest run: its count and how it moved since the run before."""

    group: Group
    count: int
    change: str | None  # "+2 since the run before", None on the first run


@dataclass(frozen=True, slots=True)
class Dot:
    x: float
    y: float
    label: str  # "2026-11-27 06:00 UTC: 3 fails"


@dataclass(frozen=True, slots=True)
class Line:
    group: Group
    points: str  # SVG polyline points
    dots: tuple[Dot, ...]
    last: int


@dataclass(frozen=True, slots=True)
class Trend:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    lines: tuple[Line, ...]
    peak: int  # the value at the top of the y axis
    first: str
    last: str
    runs: int


@dataclass(frozen=True, slots=True)
class Row:
    """One run in the table."""

    when: str
    point: RunPoint
    latest: bool


def trend(points: Sequence[RunPoint], *, limit: int = TREND_RUNS) -> Trend | None:
    """The chart of the last ``limit`` runs, oldest on the left; None with fewer than two
    runs (a line needs two points)."""
    ordered = sorted(points, key=lambda p: p.started_at)[-limit:]
    if len(ordered) < 2:
        return None
    peak = max(1, *(p.by_group.get(g, 0) for p in ordered for g in CHARTED))
    step = (WIDTH - LEFT - RIGHT) / (len(ordered) - 1)
    usable = HEIGHT - TOP - BOTTOM

    def y(value: int) -> float:
        return round(HEIGHT - BOTTOM - value / peak * usable, 1)

    lines = []
    for group in CHARTED:
        dots = tuple(
            Dot(
                round(LEFT + i * step, 1),
                y(p.by_group.get(group, 0)),
                f"{_when(p.started_at)}: {p.by_group.get(group, 0):,} {group.value}",
            )
            for i, p in enumerate(ordered)
        )
        lines.append(Line(group, " ".join(f"{d.x},{d.y}" for d in dots), dots, ordered[-1].by_group.get(group, 0)))
    return Trend(
        WIDTH,
        HEIGHT,
        LEFT,
        RIGHT,
        TOP,
        BOTTOM,
        tuple(lines),
        peak,
        _when(ordered[0].started_at),
        _when(ordered[-1].started_at),
        len(ordered),
    )


def tiles(points: Sequence[RunPoint]) -> tuple[Tile, ...]:
    """The latest run's four groups, each with its change since the run before it."""
    newest = sorted(points, key=lambda p: p.started_at, reverse=True)
    if not newest:
        return ()
    latest, before = newest[0], (newest[1] if len(newest) > 1 else None)
    return tuple(
        Tile(group, latest.by_group.get(group, 0), _change(latest, before, group) if before else None)
        for group in Group
    )


def _change(latest: RunPoint, before: RunPoint, group: Group) -> str:
    delta = latest.by_group.get(group, 0) - before.by_group.get(group, 0)
    if not delta:
        return "same as the run before"
    sign = "+" if delta > 0 else "\N{MINUS SIGN}"
    return f"{sign}{abs(delta):,} since the run before"


def to_index(points: Sequence[RunPoint], *, title: str = "Link audits") -> str:
    """The index page: the latest run's groups, the trend, then every run newest first."""
    import markupsafe

    env = environment()
    style = asset("index.css")
    newest_first = sorted(points, key=lambda p: p.started_at, reverse=True)
    rows = [Row(_when(p.started_at), p, n == 0) for n, p in enumerate(newest_first)]
    return env.get_template("index.html.j2").render(
        title=title,
        rows=rows,
        latest=rows[0] if rows else None,
        tiles=tiles(newest_first),
        groups=tuple(Group),
        charted=CHARTED,
        trend=trend(newest_first),
        trend_runs=TREND_RUNS,
        latest_href=LATEST,
        estimated=any(p.estimated for p in newest_first),
        style=markupsafe.Markup(style),
        csp=content_security_policy(style, None),
        version=__version__,
    )


def _when(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
