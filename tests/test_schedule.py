"""`auditor schedule`: audits on a cron schedule, one at a time, caught up after downtime, stopped cleanly.

Fast triggers (a sub-second IntervalTrigger through serve's ``trigger`` seam) and time-machine
stand in for weeks of waiting; the signal tests run serve in a subprocess.
"""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.interval import IntervalTrigger

from auditor.errors import AuditorError, ConfigError
from auditor.lock import AuditLocked, Holder
from auditor.schedule import STOP_GRACE, cron_trigger, serve, when, zone


@dataclass(frozen=True)
class Spec:
    cron: str
    timezone: str


MONDAYS = Spec("0 6 * * 1", "Europe/London")
WEDNESDAY = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)  # 10:00 GMT; the last Monday 06:00 was the 23rd

Step = float | BaseException  # one audit: how long it takes, or what it raises


@dataclass
class Audits:
    """The audit serve runs: each call plays the next step and records how the calls overlapped."""

    steps: Sequence[Step] = (0.0,)
    stop_after: int | None = None  # set the stop event when this many audits have ended
    stop_when_started: bool = False
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    runs: int = 0
    finished: int = 0
    running: int = 0
    most_at_once: int = 0

    async def __call__(self) -> int:
        step = self.steps[min(self.runs, len(self.steps) - 1)]
        self.runs += 1
        self.running += 1
        self.most_at_once = max(self.most_at_once, self.running)
        if self.stop_when_started:
            self.stop.set()
        try:
            if isinstance(step, BaseException):
                raise step
            await asyncio.sleep(step)
            self.finished += 1
            return 1
        finally:
            self.running -= 1
            if self.stop_after is not None and self.runs >= self.stop_after:
                self.stop.set()


@dataclass(frozen=True)
class Outcome:
    code: int
    log: list[str]
    seconds: float


def go(
    audits: Audits,
    *,
    spec: Spec = MONDAYS,
    last_run: datetime | None = None,
    trigger: BaseTrigger | None = None,
    grace: float = STOP_GRACE,
    stop_after_seconds: float | None = None,
) -> Outcome:
    """Run serve until the audits or ``stop_after_seconds`` stop it (10 s at most)."""

    async def main() -> Outcome:
        audits.stop = asyncio.Event()
        if stop_after_seconds is not None:
            asyncio.get_running_loop().call_later(stop_after_seconds, audits.stop.set)
        log: list[str] = []
        began = time.monotonic()
        code = await asyncio.wait_for(
            serve(
                spec, audits, last_run=lambda: last_run, log=log.append, stop=audits.stop, trigger=trigger, grace=grace
            ),
            timeout=10,
        )
        return Outcome(code, log, time.monotonic() - began)

    return asyncio.run(main())


# -- the cron expression, read as cron reads it ---------------------------------------------------


@pytest.mark.parametrize(
    ("cron", "after", "fires"),
    [
        pytest.param(
            "0 6 * * 1", WEDNESDAY, "2026-11-30 06:00 GMT", id="1 is Monday (APScheduler 3 alone would say Tuesday)"
        ),
        pytest.param("0 6 * * 0", WEDNESDAY, "2026-11-29 06:00 GMT", id="0 is Sunday"),
        pytest.param("0 6 * * 7", WEDNESDAY, "2026-11-29 06:00 GMT", id="7 is Sunday too"),
        pytest.param("0 6 * * 1-5", WEDNESDAY, "2026-11-26 06:00 GMT", id="weekdays"),
        pytest.param("0 6 * * 5-7", WEDNESDAY, "2026-11-27 06:00 GMT", id="a range ending on Sunday as 7"),
        pytest.param("0 6 * * sat,SUN", WEDNESDAY, "2026-11-28 06:00 GMT", id="names, in any case"),
        pytest.param("0 6 * * */3", WEDNESDAY, "2026-11-28 06:00 GMT", id="a step counts from Sunday: Sun, Wed, Sat"),
        pytest.param("0 6 26 * 1", WEDNESDAY, "2026-11-26 06:00 GMT", id="day of month OR day of week: the 26th"),
        pytest.param("0 6 1 * 1", WEDNESDAY, "2026-11-30 06:00 GMT", id="day of month OR day of week: Monday first"),
        pytest.param("@weekly", WEDNESDAY, "2026-11-29 00:00 GMT", id="@weekly is Sunday midnight"),
        pytest.param("* * * * *", WEDNESDAY.replace(second=30), "2026-11-25 10:01 GMT", id="every minute"),
        pytest.param(
            "0 6 * * 1",
            datetime(2026, 7, 1, tzinfo=UTC),
            "2026-07-06 06:00 BST",
            id="06:00 on the clock of the zone, in summer too",
        ),
    ],
)
def test_the_cron_expression_fires_when_crontab_would(cron: str, after: datetime, fires: str) -> None:
    tz = zone("Europe/London")
    assert when(cron_trigger(cron, "Europe/London").get_next_fire_time(None, after), tz) == fires


@pytest.mark.parametrize(
    ("cron", "timezone", "message"),
    [
        pytest.param(
            "0 6 * *",
            "UTC",
            "schedule.cron: '0 6 * *' is not a crontab expression (4 fields instead of 5) — five fields",
            id="too few fields",
        ),
        pytest.param("61 6 * * *", "UTC", "schedule.cron: '61 6 * * *' is not a crontab expression (", id="minute 61"),
        pytest.param(
            "0 6 * * 8",
            "UTC",
            "schedule.cron: '0 6 * * 8' is not a crontab expression ('8' is not a day of the week (0-7 or sun-sat))",
            id="day 8",
        ),
        pytest.param("0 6 * * fri-mon", "UTC", "('fri-mon': the range runs backwards)", id="a backwards range"),
        pytest.param("0 6 * * */0", "UTC", "('*/0': the step must be a positive number)", id="a zero step"),
        pytest.param(
            "0 6 * * 1",
            "Europe/Londres",
            "schedule.timezone: 'Europe/Londres' is not a time zone — use an IANA name",
            id="unknown zone",
        ),
        pytest.param("0 6 * * 1", "", "schedule.timezone: '' is not a time zone", id="empty zone"),
    ],
)
def test_a_bad_schedule_is_a_config_error_naming_the_key(cron: str, timezone: str, message: str) -> None:
    with pytest.raises(ConfigError) as bad:
        cron_trigger(cron, timezone)
    assert message in str(bad.value)
    assert bad.value.exit_code == 2


# -- running on the schedule ----------------------------------------------------------------------


def test_audits_run_on_the_trigger_and_the_log_says_when_the_next_one_is() -> None:
    audits = Audits(stop_after=2)
    outcome = go(audits, last_run=datetime.now(UTC), trigger=IntervalTrigger(seconds=0.2))
    assert (outcome.code, audits.runs) == (0, 2)
    assert outcome.seconds < 1
    assert outcome.log[0].startswith("next audit at ")  # at start: the last run is recent, so no catch-up
    assert outcome.log[1] == "audit finished (exit code 1)"
    assert outcome.log[2].startswith("next audit at ")  # after each run
    assert outcome.log[-1] == "schedule stopped"


def test_never_two_audits_at_once_when_one_outlasts_the_interval() -> None:
    audits = Audits(steps=(0.45,), stop_after=2)
    outcome = go(audits, last_run=datetime.now(UTC), trigger=IntervalTrigger(seconds=0.1))
    assert audits.most_at_once == 1
    assert any(line.endswith("skipped: the previous one is still running") for line in outcome.log)


@pytest.mark.parametrize(
    ("error", "logged"),
    [
        pytest.param(
            RuntimeError("boom"), "audit failed, the schedule goes on; this is a bug in auditor:\nTraceback", id="a bug"
        ),
        pytest.param(
            AuditorError("cannot write reports/x.html: No space left on device"),
            "audit failed: cannot write reports/x.html: No space left on device; the schedule goes on",
            id="an error the user can fix",
        ),
        pytest.param(
            AuditLocked(Path("reports/.auditor.lock"), Holder(1234, datetime(2026, 11, 21, 6, 0, tzinfo=UTC))),
            "audit skipped: another audit is running (pid 1234 since 2026-11-21 06:00 UTC); reports/.auditor.lock",
            id="another process audits",
        ),
    ],
)
def test_an_audit_that_fails_is_logged_and_the_schedule_goes_on(error: Exception, logged: str) -> None:
    audits = Audits(steps=(error, 0.0), stop_after=2)
    outcome = go(audits, last_run=datetime.now(UTC), trigger=IntervalTrigger(seconds=0.1))
    assert (outcome.code, audits.runs, audits.finished) == (0, 2, 1)
    assert any(line.startswith(logged) for line in outcome.log), outcome.log
    assert "audit finished (exit code 1)" in outcome.log


# -- catching up after downtime (the machine was off on Monday) -----------------------------------


@pytest.mark.parametrize(
    ("last_run", "runs", "logged"),
    [
        pytest.param(None, 1, "no audit in the history yet: a first audit now", id="never audited: at once"),
        pytest.param(
            datetime(2026, 11, 16, 6, 0, 5, tzinfo=UTC),
            1,
            "the audit due at 2026-11-23 06:00 GMT was missed (last audit 2026-11-16 06:00:05 GMT): auditing now",
            id="Monday missed: at once",
        ),
        pytest.param(
            datetime(2026, 10, 1, tzinfo=UTC),
            1,
            "the audit due at 2026-10-05 06:00 BST was missed",
            id="weeks missed: once",
        ),
        pytest.param(
            datetime(2026, 11, 23, 6, 0, 5, tzinfo=UTC), 0, "next audit at 2026-11-30 06:00 GMT", id="Monday done: wait"
        ),
        pytest.param(
            datetime(2026, 11, 23, 6, 0, 0, tzinfo=UTC),
            0,
            "next audit at 2026-11-30 06:00 GMT",
            id="Monday done on the second: wait",
        ),
        pytest.param(
            datetime(2026, 11, 23, 6, 0, 5), 0, "next audit at 2026-11-30 06:00 GMT", id="a naive time is UTC"
        ),
    ],
)
def test_at_start_a_missed_audit_runs_at_once(last_run: datetime | None, runs: int, logged: str) -> None:
    with time_machine.travel(WEDNESDAY, tick=True):
        audits = Audits(stop_after=1)
        # A catch-up audit ends the test (stop_after=1) long before the stop: it ran at once.
        outcome = go(audits, last_run=last_run, stop_after_seconds=5.0 if runs else 0.5)
    assert audits.runs == runs
    assert outcome.log[0].startswith(logged), outcome.log
    if runs:
        assert outcome.seconds < 2
        assert "next audit at 2026-11-30 06:00 GMT" in outcome.log  # and the schedule goes on from there


# -- stopping -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("takes", "grace", "finished", "logged"),
    [
        pytest.param(0.3, 5.0, 1, "audit finished (exit code 1)", id="an audit shorter than the grace finishes"),
        pytest.param(
            30.0,
            0.2,
            0,
            "the running audit was cancelled: history and reports are as the previous audit left them",
            id="a longer one is cancelled",
        ),
    ],
)
def test_stopping_during_an_audit(takes: float, grace: float, finished: int, logged: str) -> None:
    audits = Audits(steps=(takes,), stop_when_started=True)
    outcome = go(audits, last_run=None, grace=grace)
    assert (outcome.code, audits.finished) == (0, finished)
    assert outcome.seconds < min(takes, grace) + 1
    assert f"waiting up to {grace:g} s for the running audit to finish" in outcome.log
    assert logged in outcome.log
    assert outcome.log[-1] == "schedule stopped"
    assert not any(line.startswith("next audit at") for line in outcome.log[1:])


def test_stopping_while_idle_is_immediate() -> None:
    outcome = go(Audits(), last_run=datetime.now(UTC), stop_after_seconds=0.1)
    assert outcome.code == 0 and outcome.seconds < 0.5
    assert [line.split(" at ")[0] for line in outcome.log] == ["next audit", "schedule stopped"]


# serve in a real process, for real signals: one audit at start (no history), then idle.
SERVE = """
import asyncio, sys
from auditor.schedule import serve

class Spec:
    cron = "* * * * *"
    timezone = "UTC"

async def audit():
    print("audit started", flush=True)
    await asyncio.sleep(float(sys.argv[1]))
    return 0

sys.exit(asyncio.run(serve(Spec(), audit, last_run=lambda: None, log=lambda line: print(line, flush=True), grace=float(sys.argv[2]))))
"""


def read_until(proc: subprocess.Popen[str], text: str, seen: list[str]) -> None:
    assert proc.stdout is not None
    while line := proc.stdout.readline():
        seen.append(line.rstrip("\n"))
        if text in line:
            return
    raise AssertionError(f"{text!r} never came; the output was {seen}")


@pytest.mark.parametrize(
    ("takes", "signals", "expected"),
    [
        pytest.param(0.0, [signal.SIGTERM], ["SIGTERM: stopping", "schedule stopped"], id="SIGTERM while idle"),
        pytest.param(0.0, [signal.SIGINT], ["SIGINT: stopping", "schedule stopped"], id="SIGINT (Ctrl-C) while idle"),
        pytest.param(
            0.5,
            [signal.SIGTERM],
            [
                "SIGTERM: stopping",
                "waiting up to 30 s for the running audit to finish",
                "audit finished (exit code 0)",
                "schedule stopped",
            ],
            id="SIGTERM during an audit: it finishes",
        ),
        pytest.param(
            60.0,
            [signal.SIGTERM, signal.SIGTERM],
            [
                "SIGTERM: stopping",
                "waiting up to 30 s for the running audit to finish",
                "SIGTERM again: not waiting for the running audit",
                "the running audit was cancelled: history and reports are as the previous audit left them",
                "schedule stopped",
            ],
            id="a second SIGTERM cancels the audit at once",
        ),
    ],
)
def test_a_signal_stops_the_schedule_cleanly_with_exit_code_0(
    takes: float, signals: list[signal.Signals], expected: list[str]
) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", SERVE, str(takes), "30"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    watchdog = threading.Timer(30, proc.kill)  # a hung serve fails the test instead of hanging it
    watchdog.start()
    try:
        seen: list[str] = []
        read_until(proc, "audit started", seen)
        if not takes:
            read_until(proc, "next audit at", seen)
        began = time.monotonic()
        proc.send_signal(signals[0])
        for again in signals[1:]:
            read_until(proc, "waiting up to", seen)
            proc.send_signal(again)
        out, err = proc.communicate(timeout=30)
    finally:
        watchdog.cancel()
        proc.kill()
    assert proc.returncode == 0, err
    assert time.monotonic() - began < 5
    after = [*seen, *out.splitlines()]
    after = after[after.index(expected[0]) :] if expected[0] in after else after
    assert after == expected, [*seen, *out.splitlines()]
    assert err == ""  # nothing from APScheduler or asyncio behind our back
