"""``reports/index.html``: every run, newest first, with a trend chart.

The chart is inline SVG drawn from numbers computed here (failing, moved and ok
references per run), so the page stays one self-contained file like the report.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from auditor import __version__
from auditor.report.html import asset, content_security_policy, environment
from auditor.verdict import Severity, Status


def _counted(test: Callable[[Status], bool]) -> Callable[[RunRow], int]:
    statuses = tuple(s for s in Status if test(s))
    return lambda run: sum(run.counts.get(s.value, 0) for s in statuses)


#: The series of the trend chart: a name, its CSS tone, its value in a run. Failing is the
#: run's own count (its --fail-on, confirmed failures only), not a fixed set of statuses.
SERIES: tuple[tuple[str, str, Callable[[RunRow], int]], ...] = (
    ("failing", "bad", lambda run: run.failing),
    ("moved or shortened", "warn", _counted(lambda s: s.suggests_rewrite)),
    ("ok", "good", _counted(lambda s: s.severity is Severity.PASS)),
)
WIDTH, HEIGHT, PAD = 640, 200, 28


@dataclass(frozen=True, slots=True)
class RunRow:
    """One run as the index lists it."""

    started_at: dt.datetime
    counts: Mapping[str, int]
    failing: int
    report: str | None  # the dated report's file name, relative to the index


@dataclass(frozen=True, slots=True)
class Line:
    name: str
    tone: str
    points: str  # SVG polyline points
    last: int


@dataclass(frozen=True, slots=True)
class Trend:
    width: int
    height: int
    lines: tuple[Line, ...]
    top: int  # the value at the top of the y axis
    first: str
    last: str


def series_values(run: RunRow) -> tuple[int, ...]:
    return tuple(value(run) for _name, _tone, value in SERIES)


def trend(runs: Sequence[RunRow]) -> Trend | None:
    """The chart, oldest run on the left; None with fewer than two runs (a line needs two points)."""
    if len(runs) < 2:
        return None
    ordered = sorted(runs, key=lambda r: r.started_at)
    values = [series_values(run) for run in ordered]
    top = max(1, *(v for row in values for v in row))
    step = (WIDTH - 2 * PAD) / (len(ordered) - 1)

    def y(value: int) -> float:
        return HEIGHT - PAD - value / top * (HEIGHT - 2 * PAD)

    lines = tuple(
        Line(
            name,
            tone,
            " ".join(f"{PAD + i * step:.1f},{y(row[n]):.1f}" for i, row in enumerate(values)),
            values[-1][n],
        )
        for n, (name, tone, _value) in enumerate(SERIES)
    )
    return Trend(WIDTH, HEIGHT, lines, top, _when(ordered[0].started_at), _when(ordered[-1].started_at))


def to_index(runs: Sequence[RunRow], *, title: str = "Link audits") -> str:
    """The index page: the trend, then every run newest first with a link to its report."""
    import markupsafe

    env = environment()
    style = asset("report.css")
    newest_first = sorted(runs, key=lambda r: r.started_at, reverse=True)
    return env.get_template("index.html.j2").render(
        title=title,
        runs=[(run, _when(run.started_at), series_values(run)) for run in newest_first],
        series=SERIES,
        trend=trend(runs),
        style=markupsafe.Markup(style),
        csp=content_security_policy(style, None),
        version=__version__,
    )


def _when(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
