"""History across runs: what is new, fixed and still broken, flap damping, and a file that never half-changes."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from auditor import history as history_module
from auditor.errors import AuditorError
from auditor.history import Comparison, History, HistoryError, Memory, Observation, RunInfo, reference_key
from auditor.reference import Email, Location, Phone, Reference, Url
from auditor.report.summary import Group, Standing, Summary, summary_of
from auditor.verdict import DEFAULT_FAIL_ON, Finding, FindingKind, PageFacts, Status, Verdict

MONDAY = dt.datetime(2024, 1, 1, 6, 0, tzinfo=dt.UTC)


def week(n: int) -> dt.datetime:
    return MONDAY + dt.timedelta(weeks=n)


def observe(statuses: Mapping[str, str]) -> list[Observation]:
    return [Observation(key, Status(status)) for key, status in statuses.items()]


def audit(history: History, statuses: Mapping[str, str], *, at: int, confirm_after: int = 2) -> Comparison:
    """One weekly run: compare, then record, as `auditor run` does."""
    observations = observe(statuses)
    comparison = history.compare(observations, now=week(at), fail_on=DEFAULT_FAIL_ON, confirm_after=confirm_after)
    save(history, observations, comparison, at=at, report=f"reports/week-{at}.html")
    return comparison


def save(
    history: History, observations: list[Observation], comparison: Comparison, *, at: int, report: str | None = None
) -> RunInfo:
    return history.record(
        observations,
        comparison,
        started_at=week(at),
        finished_at=week(at) + dt.timedelta(minutes=3),
        config_hash="cafe",
        report=report,
    )


@pytest.fixture
def history(tmp_path: Path) -> Iterator[History]:
    with History.open(tmp_path / "reports" / "history.sqlite") as opened:
        yield opened


def dump(path: Path) -> list[str]:
    """Every row of the file, read by another connection."""
    connection = sqlite3.connect(path)
    try:
        return list(connection.iterdump())
    finally:
        connection.close()


# -- first run, second run -----------------------------------------------------------------


def test_the_first_run_has_no_past_and_every_confirmed_failure_is_new(history: History) -> None:
    comparison = audit(history, {"url:a": "ok", "url:b": "dead", "url:c": "error", "url:d": "parked"}, at=0)
    assert comparison.previous is None
    assert {m.previous_status for m in comparison.memories.values()} == {None}
    assert {(m.first_seen, m.status_since) for m in comparison.memories.values()} == {(week(0), week(0))}
    assert comparison.new_broken == ("url:b", "url:d")  # the error waits for a second failing run
    assert comparison.fixed == comparison.still_broken == ()


def test_the_second_run_says_what_is_new_fixed_and_still_broken(history: History) -> None:
    audit(
        history,
        {"url:same": "ok", "url:breaks": "ok", "url:mended": "dead", "url:broken": "dead", "url:gone": "dead"},
        at=0,
    )
    first = history.last_run()
    comparison = audit(
        history,
        {"url:same": "ok", "url:breaks": "dead", "url:mended": "moved", "url:broken": "dead", "url:added": "dead"},
        at=1,
    )

    assert comparison.previous == first
    assert comparison.new_broken == ("url:breaks", "url:added")
    assert comparison.fixed == ("url:mended",)
    assert comparison.still_broken == ("url:broken",)
    assert "url:gone" not in comparison.memories  # no longer in the documents: in no list
    m = comparison.memories
    assert (m["url:same"].previous_status, m["url:same"].first_seen, m["url:same"].status_since) == (
        Status.OK,
        week(0),
        week(0),
    )
    assert (m["url:breaks"].previous_status, m["url:breaks"].status_since) == (Status.OK, week(1))
    assert (m["url:mended"].previous_status, m["url:mended"].status_since) == (Status.DEAD, week(1))
    assert (m["url:broken"].previous_status, m["url:broken"].status_since, m["url:broken"].failing_runs) == (
        Status.DEAD,
        week(0),
        2,
    )
    assert (m["url:added"].previous_status, m["url:added"].first_seen) == (None, week(1))


def test_a_reference_missing_for_a_run_comes_back_with_its_past(history: History) -> None:
    audit(history, {"url:a": "ok", "url:flaky-doc": "dead"}, at=0)
    audit(history, {"url:a": "ok"}, at=1)  # the document lost the link for a week
    comparison = audit(history, {"url:a": "ok", "url:flaky-doc": "dead"}, at=2)
    memory = comparison.memories["url:flaky-doc"]
    assert (memory.previous_status, memory.first_seen, memory.status_since) == (Status.DEAD, week(0), week(0))
    assert comparison.still_broken == ("url:flaky-doc",) and comparison.new_broken == ()


def test_compare_only_reads(history: History) -> None:
    observations = observe({"url:a": "dead"})
    history.compare(observations, now=week(0), fail_on=DEFAULT_FAIL_ON, confirm_after=2)
    assert history.last_run() is None
    again = history.compare(observations, now=week(0), fail_on=DEFAULT_FAIL_ON, confirm_after=2)
    assert again.memories["url:a"].previous_status is None


def test_failing_is_what_fail_on_says(history: History) -> None:
    observations = observe({"url:a": "dead", "url:b": "blocked"})
    comparison = history.compare(observations, now=week(0), fail_on={Status.BLOCKED}, confirm_after=1)
    assert comparison.new_broken == ("url:b",)
    assert comparison.memories["url:a"] == Memory(None, week(0), week(0), 0, False, None, None)


# -- flap damping --------------------------------------------------------------------------

# One reference over successive weekly runs: its status each week, and which list it is in
# ("new" = new_broken, "still" = still_broken, "fixed", "-" = none).
DAMPING = [
    ("error once, confirm_after 1", 1, ["error"], ["new"]),
    ("error once, confirm_after 2", 2, ["error"], ["-"]),
    ("error twice, confirm_after 2", 2, ["error", "error"], ["-", "new"]),
    ("error twice, confirm_after 3", 3, ["error", "error"], ["-", "-"]),
    ("error three times, confirm_after 3", 3, ["error", "error", "error"], ["-", "-", "new"]),
    ("error thrice, confirm_after 2", 2, ["error", "error", "error"], ["-", "new", "still"]),
    ("dead at once", 3, ["dead"], ["new"]),
    ("soft-404 at once", 3, ["soft-404"], ["new"]),
    ("parked at once", 3, ["parked"], ["new"]),
    ("error then ok resets the count", 2, ["error", "ok", "error", "error"], ["-", "-", "-", "new"]),
    ("an unconfirmed error that passes is not fixed", 2, ["error", "ok"], ["-", "-"]),
    ("a confirmed error that passes is fixed", 2, ["error", "error", "ok"], ["-", "new", "fixed"]),
    ("dead then error stays broken", 3, ["dead", "error"], ["new", "still"]),
    ("error then dead: dead counts at once", 3, ["error", "dead"], ["-", "new"]),
    ("dead every week", 2, ["dead", "dead", "dead"], ["new", "still", "still"]),
    ("blocked is not failing by default", 1, ["blocked", "blocked"], ["-", "-"]),
]


@pytest.mark.parametrize(
    ("confirm_after", "weeks", "expected"), [case[1:] for case in DAMPING], ids=[case[0] for case in DAMPING]
)
def test_flap_damping(history: History, confirm_after: int, weeks: list[str], expected: list[str]) -> None:
    seen = []
    for n, status in enumerate(weeks):
        c = audit(history, {"url:x": status}, at=n, confirm_after=confirm_after)
        lists = {"new": c.new_broken, "still": c.still_broken, "fixed": c.fixed}
        seen.append(next((name for name, keys in lists.items() if "url:x" in keys), "-"))
        assert c.memories["url:x"].confirmed == (seen[-1] in ("new", "still"))
    assert seen == expected


def test_failing_runs_counts_the_failures_in_a_row(history: History) -> None:
    runs = [
        audit(history, {"url:x": status}, at=n).memories["url:x"].failing_runs
        for n, status in enumerate(["error", "dead", "error", "ok", "error"])
    ]
    assert runs == [1, 2, 3, 0, 1]


def test_the_run_counts_only_confirmed_failures(history: History) -> None:
    audit(history, {"url:a": "error", "url:b": "dead", "url:c": "ok", "url:d": "ok"}, at=0)
    run = history.last_run()
    assert run is not None
    assert (dict(run.counts), run.failing) == ({"ok": 2, "dead": 1, "error": 1}, 1)


# -- what is stored ------------------------------------------------------------------------


def test_record_stores_the_run_each_observation_and_the_state(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite"
    observation = Observation(
        "url:https://a.example/", Status.MOVED, 301, "https://b.example/", "f1", "Home", ("stale", "title-changed")
    )
    with History.open(path) as history:
        comparison = history.compare([observation], now=week(0), fail_on=DEFAULT_FAIL_ON, confirm_after=2)
        run = history.record(
            [observation],
            comparison,
            started_at=week(0),
            finished_at=week(0) + dt.timedelta(seconds=90),
            config_hash="abc",
            report="reports/2024-01-01T060000.html",
            summary=summary_of([Standing(Status.MOVED, Group.REPLACE, failing=False)]),
        )
    groups = {"fails": 0, "replace": 1, "check by hand": 0, "fine": 0}
    assert run == RunInfo(
        1,
        week(0),
        week(0) + dt.timedelta(seconds=90),
        "abc",
        {"moved": 1},
        0,
        "reports/2024-01-01T060000.html",
        groups,
    )

    db = sqlite3.connect(path)
    assert db.execute("SELECT * FROM run").fetchall() == [
        (
            1,
            "2024-01-01T06:00:00+00:00",
            "2024-01-01T06:01:30+00:00",
            "abc",
            '{"moved": 1}',
            0,
            "reports/2024-01-01T060000.html",
            '{"fails": 0, "replace": 1, "check by hand": 0, "fine": 0}',
        )
    ]
    assert db.execute("SELECT * FROM observation").fetchall() == [
        (1, "url:https://a.example/", "moved", 301, "https://b.example/", "f1", "Home", '["stale", "title-changed"]')
    ]
    assert db.execute("SELECT * FROM reference_state").fetchall() == [
        (
            "url:https://a.example/",
            "2024-01-01T06:00:00+00:00",
            1,
            "moved",
            "2024-01-01T06:00:00+00:00",
            0,
            0,
            "f1",
            "Home",
            None,
            None,
        )
    ]
    db.close()


def test_the_fingerprint_and_title_come_from_the_last_run_that_read_the_page(history: History) -> None:
    def step(at: int, observation: Observation) -> Memory:
        comparison = history.compare([observation], now=week(at), fail_on=DEFAULT_FAIL_ON, confirm_after=2)
        save(history, [observation], comparison, at=at)
        return comparison.memories[observation.key]

    assert step(0, Observation("url:p", Status.OK, 200, fingerprint="v1", title="Old")).previous_fingerprint is None
    assert step(1, Observation("url:p", Status.ERROR, 503)).previous_fingerprint == "v1"
    memory = step(2, Observation("url:p", Status.OK, 200, fingerprint="v2", title="New"))
    assert (memory.previous_fingerprint, memory.previous_title) == ("v1", "Old")  # not the failed week's nothing
    assert step(3, Observation("url:p", Status.OK, 200, fingerprint="v2", title="New")).previous_title == "New"


def test_times_are_kept_in_utc_whatever_zone_they_come_in(history: History) -> None:
    paris = dt.timezone(dt.timedelta(hours=1))
    observations = observe({"url:a": "ok"})
    comparison = history.compare(observations, now=week(0).astimezone(paris), fail_on=DEFAULT_FAIL_ON, confirm_after=2)
    history.record(
        observations,
        comparison,
        started_at=week(0).astimezone(paris),
        finished_at=week(0),
        config_hash="c",
        report=None,
    )
    run = history.last_run()
    assert run is not None and run.started_at == week(0) and run.started_at.tzinfo == dt.UTC


def test_runs_are_listed_newest_first(history: History) -> None:
    assert history.runs() == [] and history.last_run() is None
    for n in range(4):
        audit(history, {"url:a": "ok"}, at=n)
    assert [run.id for run in history.runs()] == [4, 3, 2, 1]
    assert [run.started_at for run in history.runs(limit=2)] == [week(3), week(2)]
    assert history.last_run() == history.runs()[0]
    assert history.runs()[-1].report == "reports/week-0.html"


def summary_for(statuses: Mapping[str, str], comparison: Comparison) -> Summary:
    """The run's summary as `auditor run` makes it: failing = in --fail-on and confirmed."""
    standings = []
    for key, value in statuses.items():
        status = Status(value)
        failing = comparison.memories[key].confirmed
        waiting = status in DEFAULT_FAIL_ON and not failing
        group = Group.FAILS if failing else Group.BY_HAND if waiting else Group.FINE
        standings.append(Standing(status, group, failing=failing, waiting=waiting))
    return summary_of(standings, history=True)


def test_a_recorded_run_keeps_its_summarys_groups_and_failing(history: History) -> None:
    statuses = {"url:a": "ok", "url:b": "dead", "url:c": "error"}
    observations = observe(statuses)
    comparison = history.compare(observations, now=week(0), fail_on=DEFAULT_FAIL_ON, confirm_after=2)
    summary = summary_for(statuses, comparison)
    recorded = history.record(
        observations, comparison, started_at=week(0), finished_at=week(0), config_hash="c", report=None, summary=summary
    )
    stored = history.last_run()
    assert stored == recorded
    assert stored is not None and stored.groups == summary.group_counts
    assert stored.groups == {"fails": 1, "replace": 0, "check by hand": 1, "fine": 1}
    assert stored.failing == summary.failing == 1


def test_a_run_recorded_without_a_summary_has_no_groups(history: History) -> None:
    audit(history, {"url:a": "ok"}, at=0)
    run = history.last_run()
    assert run is not None and run.groups is None and run.failing == 0


@pytest.mark.parametrize("stored", ["not json", "[1, 2]", '{"fails": "many"}', '{"fails": -1}', '{"fails": true}'])
def test_unreadable_stored_groups_read_as_unknown(history: History, stored: str) -> None:
    audit(history, {"url:a": "ok"}, at=0)
    history._db.execute("UPDATE run SET groups = ?", (stored,))
    run = history.last_run()
    assert run is not None and run.groups is None


def test_a_summary_of_another_run_is_refused(history: History) -> None:
    observations = observe({"url:a": "ok"})
    comparison = history.compare(observations, now=week(0), fail_on=DEFAULT_FAIL_ON, confirm_after=2)
    other = summary_of([Standing(Status.OK, Group.FINE, failing=False)] * 2)
    with pytest.raises(ValueError, match="the summary counts 2 references, the run 1"):
        history.record(
            observations,
            comparison,
            started_at=week(0),
            finished_at=week(0),
            config_hash="c",
            report=None,
            summary=other,
        )
    assert history.runs() == []


def test_a_reopened_history_remembers(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite"
    with History.open(path) as history:
        audit(history, {"url:a": "dead"}, at=0)
    with History.open(path) as history:
        assert audit(history, {"url:a": "dead"}, at=1).still_broken == ("url:a",)


# -- all or nothing ------------------------------------------------------------------------


def test_a_crash_half_way_through_recording_leaves_the_history_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite"
    with History.open(path) as history:
        audit(history, {"url:a": "ok", "url:b": "dead"}, at=0)
        before = dump(path)
        # The second observation cannot be written (its findings are no JSON): the run row and
        # the first observation are already in when it fails.
        observations = [Observation("url:a", Status.DEAD), Observation("url:b", Status.OK, findings=(object(),))]  # type: ignore[arg-type]
        comparison = history.compare(observations, now=week(1), fail_on=DEFAULT_FAIL_ON, confirm_after=2)
        with pytest.raises(TypeError):
            save(history, observations, comparison, at=1)
        assert dump(path) == before
        assert [run.id for run in history.runs()] == [1]
        # and the history goes on as if the crashed run had never been
        assert audit(history, {"url:a": "dead", "url:b": "dead"}, at=2).new_broken == ("url:a",)


def test_recording_a_stale_comparison_is_refused(history: History) -> None:
    observations = observe({"url:a": "ok"})
    stale = history.compare(observations, now=week(0), fail_on=DEFAULT_FAIL_ON, confirm_after=2)
    audit(history, {"url:a": "ok"}, at=0)  # another run got in between
    with pytest.raises(HistoryError, match="another run was recorded"):
        save(history, observations, stale, at=1)
    assert len(history.runs()) == 1


@pytest.mark.parametrize(
    ("observations", "message"),
    [
        (observe({"url:a": "ok"}) * 2, "url:a is observed twice"),
    ],
    ids=["a key twice"],
)
def test_bad_calls_are_refused(history: History, observations: list[Observation], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        history.compare(observations, now=week(0), fail_on=DEFAULT_FAIL_ON, confirm_after=2)


def test_times_without_a_zone_and_confirm_after_zero_are_refused(history: History) -> None:
    with pytest.raises(ValueError, match="no time zone"):
        history.compare([], now=dt.datetime(2024, 1, 1), fail_on=DEFAULT_FAIL_ON, confirm_after=2)
    with pytest.raises(ValueError, match="confirm_after must be at least 1"):
        history.compare([], now=week(0), fail_on=DEFAULT_FAIL_ON, confirm_after=0)
    comparison = history.compare([], now=week(0), fail_on=DEFAULT_FAIL_ON, confirm_after=1)
    with pytest.raises(ValueError, match="not in the comparison: url:a"):
        save(history, observe({"url:a": "ok"}), comparison, at=0)


# -- the file ------------------------------------------------------------------------------


def test_the_file_and_its_folder_are_created_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "reports" / "nested" / "history.sqlite"
    History.open(path).close()
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert db.execute("PRAGMA user_version").fetchone() == (len(history_module.MIGRATIONS),)
    db.close()


def test_a_file_that_is_not_a_database_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite"
    path.write_bytes(b"this is a weekly report, not a database\n" * 20)
    with pytest.raises(HistoryError) as caught:
        History.open(path)
    message = str(caught.value)
    assert str(path) in message
    assert "--reset-history starts a new history; the old file is kept as history.sqlite.corrupt-<timestamp>" in message
    assert path.read_bytes() == b"this is a weekly report, not a database\n" * 20
    assert [p.name for p in tmp_path.iterdir()] == ["history.sqlite"]
    assert isinstance(caught.value, AuditorError) and caught.value.exit_code == 2


def test_another_programs_database_is_not_taken_over(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE accounts (id INTEGER)")
    db.commit()
    db.close()
    with pytest.raises(
        HistoryError, match=r"history\.sqlite is not a usable auditor history \(a sqlite database, but not"
    ):
        History.open(path)
    assert dump(path) == ["BEGIN TRANSACTION;", "CREATE TABLE accounts (id INTEGER);", "COMMIT;"]


def test_a_history_from_a_newer_auditor_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite"
    with History.open(path) as history:
        audit(history, {"url:a": "ok"}, at=0)
    db = sqlite3.connect(path)
    known = len(history_module.MIGRATIONS)
    db.execute(f"PRAGMA user_version = {known + 1}")
    db.commit()
    db.close()
    before = dump(path)
    with pytest.raises(
        HistoryError,
        match=rf"{path.name} was written by a newer auditor \(history schema version {known + 1}; this one knows up to {known}\): upgrade auditor, or --reset-history",
    ):
        History.open(path)
    assert dump(path) == before


def test_migrations_bring_an_old_file_up_to_date(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "history.sqlite"
    with History.open(path) as history:
        audit(history, {"url:a": "dead"}, at=0)
    monkeypatch.setattr(
        history_module, "MIGRATIONS", (*history_module.MIGRATIONS, "ALTER TABLE run ADD COLUMN note TEXT;")
    )
    with History.open(path) as history:
        assert audit(history, {"url:a": "dead"}, at=1).still_broken == ("url:a",)
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone() == (len(history_module.MIGRATIONS),)
    assert "note" in [row[1] for row in db.execute("PRAGMA table_info(run)")]
    db.close()


def test_a_version_2_history_is_migrated_keeping_its_runs(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite"
    with History.open(path) as history:
        audit(history, {"url:a": "ok", "url:b": "dead"}, at=0)
        audit(history, {"url:a": "ok", "url:b": "dead", "url:c": "moved"}, at=1)
        old_runs = [(r.id, r.started_at, dict(r.counts), r.failing, r.report) for r in history.runs()]
    # The file as version 2 left it: the same tables, no groups column.
    db = sqlite3.connect(path)
    db.executescript("ALTER TABLE run DROP COLUMN groups; PRAGMA user_version = 2;")
    db.close()
    with History.open(path) as history:
        runs = history.runs()
        assert [(r.id, r.started_at, dict(r.counts), r.failing, r.report) for r in runs] == old_runs
        assert [r.groups for r in runs] == [None, None]  # not known: the index estimates them
        statuses = {"url:a": "ok", "url:b": "dead"}
        observations = observe(statuses)
        comparison = history.compare(observations, now=week(2), fail_on=DEFAULT_FAIL_ON, confirm_after=2)
        assert comparison.still_broken == ("url:b",)  # the past survived the migration
        history.record(
            observations,
            comparison,
            started_at=week(2),
            finished_at=week(2),
            config_hash="c",
            report=None,
            summary=summary_for(statuses, comparison),
        )
        assert [r.groups for r in history.runs()] == [
            {"fails": 1, "replace": 0, "check by hand": 0, "fine": 1},
            None,
            None,
        ]
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone() == (3,) == (len(history_module.MIGRATIONS),)
    db.close()


def test_a_migration_that_fails_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "history.sqlite"
    History.open(path).close()
    before = dump(path)
    broken = "ALTER TABLE run ADD COLUMN note TEXT;\nINSERT INTO no_such_table VALUES (1);"
    monkeypatch.setattr(history_module, "MIGRATIONS", (*history_module.MIGRATIONS, broken))
    with pytest.raises(HistoryError, match=rf"cannot use the history .*{path.name}: no such table: no_such_table"):
        History.open(path)
    assert dump(path) == before
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone() == (len(history_module.MIGRATIONS) - 1,)


def test_reset_keeps_the_old_history_aside_and_starts_empty(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite"
    with History.open(path) as history:
        audit(history, {"url:a": "dead"}, at=0)
    with History.open(path, reset=True, now=week(1)) as history:
        assert history.runs() == []
        assert audit(history, {"url:a": "dead"}, at=1).new_broken == ("url:a",)
    aside = tmp_path / "history.sqlite.old-20240108T060000Z"
    with History.open(aside) as old:
        assert [run.started_at for run in old.runs()] == [week(0)]


def test_reset_moves_a_corrupt_file_aside_untouched(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite"
    path.write_bytes(b"garbage" * 100)
    with History.open(path, reset=True, now=week(0)) as history:
        assert history.runs() == []
    assert (tmp_path / "history.sqlite.corrupt-20240101T060000Z").read_bytes() == b"garbage" * 100


def test_reset_never_overwrites_an_earlier_reset(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite"
    for _ in range(2):
        with History.open(path) as history:
            audit(history, {"url:a": "ok"}, at=0)
        History.open(path, reset=True, now=week(5)).close()
    names = sorted(p.name for p in tmp_path.iterdir() if ".old-" in p.name)
    assert names == ["history.sqlite.old-20240205T060000Z", "history.sqlite.old-20240205T060000Z-1"]
    for name in names:
        with History.open(tmp_path / name) as old:
            assert len(old.runs()) == 1


def test_a_crashed_runs_wal_goes_into_the_file_set_aside(tmp_path: Path) -> None:
    live, crashed = tmp_path / "live", tmp_path / "crashed"
    crashed.mkdir()
    with History.open(live / "history.sqlite") as history:
        audit(history, {"url:a": "dead"}, at=0)
        # what a kill -9 leaves: the run is in the -wal only, beside the database
        for name in ("history.sqlite", "history.sqlite-wal"):
            shutil.copy(live / name, crashed / name)
    with History.open(crashed / "history.sqlite", reset=True, now=week(1)) as history:
        assert history.runs() == []
    aside = crashed / "history.sqlite.old-20240108T060000Z"
    assert sorted(p.name for p in crashed.iterdir() if ".old-" in p.name) == [aside.name]  # one self-contained file
    with History.open(aside) as old:
        assert [run.id for run in old.runs()] == [1]


# -- locks ---------------------------------------------------------------------------------


@pytest.fixture
def writer(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    """Another process in the middle of writing the history."""
    History.open(tmp_path / "history.sqlite").close()
    other = sqlite3.connect(tmp_path / "history.sqlite", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    yield other
    other.close()


def test_a_history_locked_by_another_writer_is_an_error_naming_it(tmp_path: Path, writer: sqlite3.Connection) -> None:
    path = tmp_path / "history.sqlite"
    with History.open(path, busy_timeout=0.05) as history:
        assert history.runs() == []  # WAL: reading does not wait for the writer
        with pytest.raises(HistoryError, match=rf"{path} is locked by another process \(still busy after 0.05 s\)"):
            audit(history, {"url:a": "ok"}, at=0)
        writer.execute("COMMIT")
        audit(history, {"url:a": "ok"}, at=0)
        assert len(history.runs()) == 1


def test_a_new_history_locked_while_it_is_being_created_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite"
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(HistoryError, match=r"history\.sqlite is locked by another process"):
            History.open(path, busy_timeout=0.05)
    finally:
        other.close()


def test_reset_never_moves_a_history_another_process_is_writing(tmp_path: Path, writer: sqlite3.Connection) -> None:
    path = tmp_path / "history.sqlite"
    with pytest.raises(HistoryError, match="is locked by another process"):
        History.open(path, reset=True, busy_timeout=0.05, now=week(0))
    assert [p.name for p in tmp_path.iterdir() if ".old-" in p.name] == []


def test_reset_never_moves_a_history_another_process_has_open(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite"
    with History.open(path) as history:
        audit(history, {"url:a": "ok"}, at=0)
        with pytest.raises(HistoryError, match="is locked by another process"):
            History.open(path, reset=True, busy_timeout=0.05, now=week(0))
        assert [p.name for p in tmp_path.iterdir() if ".old-" in p.name] == []
        assert len(history.runs()) == 1


# -- keys and observations ------------------------------------------------------------------

HERE = (Location("leaflet.md", 3, 1, "", ""),)


@pytest.mark.parametrize(
    ("reference", "key"),
    [
        (Reference(Url("https://www.cancer.gov/"), "cancer.gov", HERE), "url:https://www.cancer.gov/"),
        (Reference(Email("help@example.org"), "help@example.org", HERE), "email:help@example.org"),
        (Reference(Phone("+18004226237", "1-800-422-6237", "US"), "1-800-4-CANCER", HERE), "phone:+18004226237"),
    ],
    ids=["url", "email", "phone"],
)
def test_reference_key(reference: Reference, key: str) -> None:
    assert reference_key(reference) == key


def test_an_observation_is_what_the_verdict_says() -> None:
    reference = Reference(Url("http://old.example/"), "old.example", HERE)
    verdict = Verdict(
        Status.MOVED,
        "moved permanently",
        http_status=200,
        final_url="https://new.example/",
        findings=(Finding(FindingKind.STALE, date="2011-03-14"),),
        page=PageFacts(title="New home", fingerprint="0f0f"),
    )
    assert Observation.of(reference, verdict) == Observation(
        "url:http://old.example/", Status.MOVED, 200, "https://new.example/", "0f0f", "New home", ("stale",)
    )
    assert Observation.of(reference, Verdict(Status.DEAD, "404", http_status=404)).fingerprint is None
