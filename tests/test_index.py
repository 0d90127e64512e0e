"""reports/index.html: every run's four groups as the history stored them, the latest at the top.

The index counts nothing itself: a run's numbers are its summary's group counts, kept by the
history (or, for a run recorded before the history kept them, estimated from its statuses).
Links go only to latest.html and to dated reports the audit wrote.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re
from collections.abc import Mapping

import pytest
from bs4 import BeautifulSoup

from auditor.history import RunInfo
from auditor.report import index
from auditor.report.summary import Group, RunPoint, estimated_groups
from auditor.verdict import Status

MONDAY = dt.datetime(2026, 11, 2, 6, 0, tzinfo=dt.UTC)
G = Group


def run(week: int, groups: Mapping[str, int] | None, *, counts: Mapping[str, int] | None = None, failing: int = 0,
        report: str | None = "auto") -> RunInfo:  # fmt: skip
    started = MONDAY + dt.timedelta(weeks=week)
    name = started.strftime("%Y-%m-%dT%H%M%S.html") if report == "auto" else report
    return RunInfo(week + 1, started, started, "c", counts or {}, failing, name, groups)


def groups(fails: int, replace: int, by_hand: int, fine: int) -> dict[str, int]:
    return {"fails": fails, "replace": replace, "check by hand": by_hand, "fine": fine}


def page(points: list[RunPoint]) -> BeautifulSoup:
    return BeautifulSoup(index.to_index(points), "lxml")


def numbers(row) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {td["data-group"]: int(td.get_text().replace(",", "")) for td in row.select("td[data-group]")}


# -- runs as the index shows them ------------------------------------------------------------


def test_a_runs_numbers_are_its_stored_groups() -> None:
    point = index.run_point(run(0, groups(3, 2, 1, 20), counts={"ok": 99}, failing=7))
    assert point.by_group == {G.FAILS: 3, G.REPLACE: 2, G.BY_HAND: 1, G.FINE: 20}  # not recounted from counts
    assert (point.failing, point.total, point.estimated) == (3, 26, False)


def test_a_run_from_before_the_history_kept_groups_is_estimated_from_its_statuses() -> None:
    point = index.run_point(run(0, None, counts={"ok": 8, "moved": 3, "dead": 2, "error": 1, "blocked": 1}, failing=2))
    assert point.estimated
    assert point.by_group == {G.FAILS: 2, G.REPLACE: 3, G.BY_HAND: 2, G.FINE: 8}


# status counts, the run's failing -> the estimated groups (fails, replace, by hand, fine)
ESTIMATES = [
    ("default fail-on, all confirmed", {"ok": 5, "dead": 2, "soft-404": 1}, 3, (3, 0, 0, 5)),
    ("a first error waits, by hand", {"ok": 5, "dead": 1, "error": 1}, 1, (1, 0, 1, 5)),
    ("moved and shortened: replace", {"moved": 2, "shortened": 1, "redirected": 1}, 0, (0, 3, 0, 1)),
    (
        "warnings and unchecked: by hand",
        {"blocked": 1, "unconfirmed": 1, "unchecked": 1, "skipped": 1},
        0,
        (0, 0, 3, 1),
    ),
    ("a wider fail-on takes from by hand first", {"ok": 3, "blocked": 2}, 2, (2, 0, 0, 3)),
    ("then from replace", {"ok": 3, "blocked": 1, "moved": 2}, 2, (2, 1, 0, 3)),
    ("a status this version does not know: by hand", {"ok": 1, "teleported": 2}, 0, (0, 0, 2, 1)),
    ("failing never exceeds the references", {"ok": 1}, 5, (1, 0, 0, 0)),
    ("nothing", {}, 0, (0, 0, 0, 0)),
]


@pytest.mark.parametrize(("counts", "failing", "expected"), [c[1:] for c in ESTIMATES], ids=[c[0] for c in ESTIMATES])
def test_estimated_groups(counts: dict[str, int], failing: int, expected: tuple[int, int, int, int]) -> None:
    estimate = estimated_groups(counts, failing)
    assert tuple(estimate.values()) == expected and list(estimate) == list(Group)
    assert sum(estimate.values()) == sum(counts.values())


def test_the_estimate_is_exact_for_a_run_with_the_fail_on_it_is_given() -> None:
    assert estimated_groups({"ok": 2, "blocked": 1}, 1, fail_on={Status.BLOCKED})[G.BY_HAND] == 0


# -- links -----------------------------------------------------------------------------------

HOSTILE_NAMES = [
    "javascript:alert(1)",
    "https://evil.example/2026-11-02T060000.html",
    "../2026-11-02T060000.html",
    "/etc/passwd",
    "2026-11-02T060000.html?x=1",
    "2026-11-02T060000.html\n",
    "2026-11-02T060000.json",
    '2026-11-02T060000.html" onmouseover="x',
    "",
]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_report_name_that_is_not_a_dated_report_is_never_a_link(name: str) -> None:
    assert index.report_href(name) is None
    soup = page([index.run_point(run(0, groups(0, 0, 0, 1), report=name))])
    assert [a["href"] for a in soup.select("a")] == ["latest.html"]
    assert "removed" in soup.select_one("#runs tbody tr").get_text()


@pytest.mark.parametrize("name", ["2026-11-02T060000.html", "2026-11-02T060000-2.html"])
def test_dated_report_names_are_links(name: str) -> None:
    assert index.report_href(name) == name


def test_a_pruned_report_says_it_was_removed() -> None:
    runs = [run(0, groups(1, 0, 0, 1)), run(1, groups(1, 0, 0, 1))]
    points = index.run_points(runs, kept={"2026-11-09T060000.html"})
    assert [p.report for p in points] == ["2026-11-09T060000.html", None]
    rows = page(points).select("#runs tbody tr")
    assert rows[0].select_one("a")["href"] == "2026-11-09T060000.html"
    assert rows[1].select("a") == [] and "removed (reports.keep)" in rows[1].get_text()


# -- the page --------------------------------------------------------------------------------


def test_the_page_shows_the_latest_runs_groups_and_every_run_newest_first() -> None:
    points = index.run_points([run(0, groups(5, 3, 2, 10)), run(2, groups(4, 3, 3, 11)), run(1, groups(6, 1, 2, 10))])
    soup = page(points)
    tiles = {li["data-group"]: li for li in soup.select("#latest .tile")}
    assert {g: int(t.select_one(".count").get_text()) for g, t in tiles.items()} == groups(4, 3, 3, 11)
    assert [t.select_one(".change").get_text() for t in tiles.values()] == [
        "\N{MINUS SIGN}2 since the run before",
        "+2 since the run before",
        "+1 since the run before",
        "+1 since the run before",
    ]
    assert soup.select_one("#latest a")["href"] == "latest.html"
    assert "2026-11-16 06:00 UTC" in soup.select_one("#latest .when").get_text()
    rows = soup.select("#runs tbody tr")
    assert [row.th.get_text(strip=True) for row in rows] == [
        "2026-11-16 06:00 UTC",
        "2026-11-09 06:00 UTC",
        "2026-11-02 06:00 UTC",
    ]
    assert [numbers(row) for row in rows] == [groups(4, 3, 3, 11), groups(6, 1, 2, 10), groups(5, 3, 2, 10)]
    assert [row.select_one("td.total").get_text() for row in rows] == ["21", "19", "20"]


def test_the_trend_draws_fails_replace_and_check_by_hand_oldest_first() -> None:
    soup = page(index.run_points([run(0, groups(5, 0, 1, 10)), run(1, groups(0, 2, 1, 10))]))
    series = soup.select("#trend svg g.series")
    assert [g["data-group"] for g in series] == ["fails", "replace", "check by hand"]  # fine is not charted
    fails = [c.title.get_text() for c in series[0].select("circle")]
    assert fails == ["2026-11-02 06:00 UTC: 5 fails", "2026-11-09 06:00 UTC: 0 fails"]
    ys = [float(c["cy"]) for c in series[0].select("circle")]
    assert ys[0] < ys[1]  # 5 is drawn above 0
    assert "0 fails, 2 replace, 1 check by hand in the latest" in soup.select_one("#trend-title").get_text()


def test_one_run_has_no_trend_yet() -> None:
    soup = page(index.run_points([run(0, groups(1, 0, 0, 1))]))
    assert soup.select("#trend svg") == []
    assert "after the second run" in soup.select_one("#trend").get_text()
    assert [t.select(".change") for t in soup.select("#latest .tile")] == [[], [], [], []]


def test_estimated_runs_are_marked_and_explained() -> None:
    soup = page(index.run_points([run(0, None, counts={"ok": 1}), run(1, groups(0, 0, 0, 1))]))
    rows = soup.select("#runs tbody tr")
    assert [bool(row.select(".estimated")) for row in rows] == [False, True]
    assert "recorded before the history kept its groups" in soup.select_one("#runs").get_text()


def test_the_trend_shows_the_last_26_runs() -> None:
    points = index.run_points([run(n, groups(n, 0, 0, 1)) for n in range(30)])
    trend = index.trend(points)
    assert trend is not None and trend.runs == index.TREND_RUNS == 26
    assert trend.lines[0].dots[0].label.endswith(": 4 fails")


def test_trend_points_end_with_the_run_being_reported() -> None:
    current = RunPoint(MONDAY + dt.timedelta(weeks=40), {g: 1 for g in Group}, "2027-08-09T060000.html")
    points = index.trend_points([run(n, groups(n, 0, 0, 1)) for n in range(30)], current)
    assert len(points) == index.TREND_RUNS and points[-1] == current
    assert [p.failing for p in points[:3]] == [5, 6, 7]  # oldest first
    assert [p.started_at for p in points] == sorted(p.started_at for p in points)


def test_the_page_is_self_contained_under_its_content_security_policy() -> None:
    html = index.to_index(index.run_points([run(0, groups(1, 0, 0, 1)), run(1, groups(0, 0, 0, 2))]))
    soup = BeautifulSoup(html, "lxml")
    csp = soup.select_one('meta[http-equiv="Content-Security-Policy"]')["content"]
    style = soup.style.string
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert f"style-src 'sha256-{digest}'" in csp and "script-src 'none'" in csp and "default-src 'none'" in csp
    assert soup.select("script") == [] and soup.select("[style]") == [] and soup.select("img, link, iframe") == []
    assert not re.search(r"\bhttps?://", html)  # nothing loads from anywhere
