"""``auditor schedule``: run the audit on a cron schedule until told to stop.

The scheduler is APScheduler 3's ``AsyncIOScheduler`` with one job, the audit, on a
``CronTrigger`` built from ``schedule.cron`` and ``schedule.timezone``. This module only
decides *when*; what an audit is (and the cross-process lock around it) is the caller's.

- Crontab numbers days of the week from Sunday = 0 (7 too); APScheduler 3 from Monday = 0,
  so ``CronTrigger.from_crontab("0 6 * * 1")`` would fire on Tuesdays. :func:`cron_trigger`
  translates the day-of-week field and keeps cron's "day of month OR day of week" rule.
- Missed runs are coalesced into one and never dropped as too late (the weekly audit a
  suspended laptop slept through runs when it wakes); the scheduler is also woken every
  minute, because the loop's monotonic clock stops during suspend and the wall clock not.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import traceback
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, tzinfo
from typing import Any, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.events import EVENT_JOB_MAX_INSTANCES, JobSubmissionEvent
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.combining import OrTrigger
from apscheduler.triggers.cron import CronTrigger

from auditor.errors import AuditorError, ConfigError
from auditor.lock import AuditLocked

STOP_GRACE = 30.0
"""Seconds a running audit may take to finish after SIGINT/SIGTERM before it is cancelled."""

WAKE_EVERY = 60.0
"""Seconds between checks of the wall clock (see the module docstring)."""

_JOB = "audit"

# APScheduler logs through the standard logging module; without a handler anywhere,
# Python would print its warnings to stderr next to our own lines saying the same.
logging.getLogger("apscheduler").addHandler(logging.NullHandler())


class ScheduleLike(Protocol):
    """What :func:`serve` needs of the ``schedule:`` section (config's ScheduleSpec fits)."""

    @property
    def cron(self) -> str: ...

    @property
    def timezone(self) -> str: ...


def _utc_now() -> datetime:
    return datetime.now(UTC)


def zone(name: str) -> tzinfo:
    """The IANA time zone ``name``, or a ConfigError naming ``schedule.timezone``."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"schedule.timezone: {name!r} is not a time zone — use an IANA name such as Europe/London or UTC"
        ) from None


_MACROS = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}
_CRON_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")  # crontab's order: Sunday is 0 (and 7)


def _cron_day(text: str) -> int:
    if text.isdigit() and int(text) <= 7:
        return int(text)
    if text in _CRON_DAYS:
        return _CRON_DAYS.index(text)
    raise ValueError(f"{text!r} is not a day of the week (0-7 or sun-sat)")


def _weekdays(field: str) -> str:
    """Crontab's day-of-week field as APScheduler 3 reads it: the same days, by name."""
    if field in ("*", "?"):
        return "*"
    days: set[int] = set()
    for part in field.lower().split(","):
        span, slash, step_text = part.partition("/")
        if slash and not (step_text.isdigit() and int(step_text) > 0):
            raise ValueError(f"{part!r}: the step must be a positive number")
        step = int(step_text) if slash else 1
        if span == "*":
            first, last = 0, 6
        elif "-" in span:
            first, last = (_cron_day(end) for end in span.split("-", 1))
        else:
            first = _cron_day(span)
            last = 7 if slash else first  # "1/2" is "1-7/2", as in Vixie cron
        if first > last:
            raise ValueError(f"{part!r}: the range runs backwards")
        days.update(day % 7 for day in range(first, last + 1, step))
    return ",".join(_CRON_DAYS[day] for day in sorted(days))


def cron_trigger(cron: str, timezone: str) -> BaseTrigger:
    """The trigger for a crontab expression in a time zone, read as cron reads it.

    Raises ConfigError naming ``schedule.cron`` or ``schedule.timezone`` (without a line:
    the config loader, which knows the line, may call this to validate and re-raise).
    """
    tz = zone(timezone)
    fields = _MACROS.get(cron.strip().lower(), cron).split()
    try:
        if len(fields) != 5:
            raise ValueError(f"{len(fields)} fields instead of 5")
        minute, hour, day, month, weekday = fields
        days = _weekdays(weekday)
        if day.startswith("*") or weekday.startswith("*"):
            return CronTrigger(minute=minute, hour=hour, day=day, month=month, day_of_week=days, timezone=tz)
        # Both restricted: cron fires when either matches; one CronTrigger would need both.
        return OrTrigger(
            [
                CronTrigger(minute=minute, hour=hour, day=day, month=month, timezone=tz),
                CronTrigger(minute=minute, hour=hour, month=month, day_of_week=days, timezone=tz),
            ]
        )
    except ValueError as exc:
        raise ConfigError(
            f"schedule.cron: {cron!r} is not a crontab expression ({exc}) — five fields, "
            'minute hour day-of-month month day-of-week: "0 6 * * 1" is Mondays at 06:00'
        ) from None


def when(moment: datetime, tz: tzinfo) -> str:
    """A fire time as a person reads it, in the schedule's time zone: ``2026-11-30 06:00 GMT``."""
    local = moment.astimezone(tz)
    clock = "%H:%M:%S" if local.second or local.microsecond else "%H:%M"
    return local.strftime(f"%Y-%m-%d {clock} %Z").strip()


class _Runner:
    """The scheduler's job: runs one audit at a time and says how it went."""

    def __init__(
        self, audit: Callable[[], Awaitable[int]], log: Callable[[str], None], scheduler: AsyncIOScheduler, tz: tzinfo
    ) -> None:
        self.audit = audit
        self.log = log
        self.scheduler = scheduler
        self.tz = tz
        self.stopping = False
        self.current: asyncio.Task[None] | None = None  # the audit being run, for serve to stop
        self.jobs: set[asyncio.Task[Any]] = set()  # the scheduler's tasks waiting on it

    async def job(self) -> None:
        if self.stopping:
            return
        this = asyncio.current_task()
        assert this is not None
        self.jobs.add(this)
        try:
            self.current = asyncio.create_task(self._audit_once())
            # wait() rather than await: stopping cancels the audit, not this task, so the
            # scheduler's executor never sees (and logs) a cancellation as a job failure.
            await asyncio.wait({self.current})
        finally:
            self.jobs.discard(this)

    async def _audit_once(self) -> None:
        try:
            code = await self.audit()
        except AuditLocked as exc:
            self.log(f"audit skipped: {exc}")
        except AuditorError as exc:
            self.log(f"audit failed: {exc}; the schedule goes on")
        except Exception:
            self.log(
                f"audit failed, the schedule goes on; this is a bug in auditor:\n{traceback.format_exc().rstrip()}"
            )
        else:
            self.log(f"audit finished (exit code {code})")
        if not self.stopping:
            self.log_next()

    def next_run(self) -> datetime | None:
        job = self.scheduler.get_job(_JOB)
        return job.next_run_time if job else None

    def log_next(self) -> None:
        upcoming = self.next_run()
        self.log(f"next audit at {when(upcoming, self.tz)}" if upcoming else "no further audit is scheduled")

    def on_skipped(self, event: JobSubmissionEvent) -> None:
        due = when(event.scheduled_run_times[-1], self.tz)
        self.log(f"audit due at {due} skipped: the previous one is still running")
        self.log_next()


def _catch_up(
    trigger: BaseTrigger, last: datetime | None, now: datetime, tz: tzinfo, log: Callable[[str], None]
) -> bool:
    """Whether to audit at once: no audit yet, or a fire time passed since the last one."""
    if last is None:
        log("no audit in the history yet: a first audit now")
        return True
    if last.tzinfo is None:
        last = last.replace(tzinfo=UTC)
    missed = trigger.get_next_fire_time(last, last)  # the first fire time after the last run
    if missed is not None and missed <= now:
        log(f"the audit due at {when(missed, tz)} was missed (last audit {when(last, tz)}): auditing now")
        return True
    return False


async def serve(
    spec: ScheduleLike,
    audit: Callable[[], Awaitable[int]],
    *,
    last_run: Callable[[], datetime | None],
    log: Callable[[str], None],
    stop: asyncio.Event | None = None,
    now: Callable[[], datetime] = _utc_now,
    trigger: BaseTrigger | None = None,
    grace: float = STOP_GRACE,
) -> int:
    """Run ``audit`` on ``spec``'s schedule until ``stop`` is set or SIGINT/SIGTERM; return 0.

    - ``last_run()`` (the history's last run, aware or UTC) is read once, at start. When no
      audit was ever run, or a fire time passed since the last one (the machine was off on
      Monday), one audit runs at once and the log says why; the schedule goes on from there.
      A first audit at once, because a scheduler started on a Tuesday should not leave a new
      installation without a report for six days.
    - Never two audits at once in this process (``max_instances=1``; a fire time that comes
      while one runs is skipped and logged); across processes the caller wraps ``audit`` in
      :class:`auditor.lock.AuditLock`, and :class:`~auditor.lock.AuditLocked` is logged as a skip.
    - An audit that raises is logged and the schedule goes on.
    - The first SIGINT/SIGTERM (or ``stop``) stops the scheduler; a running audit gets
      ``grace`` seconds to finish, then is cancelled (history is written in one transaction
      and reports atomically, so a cancel leaves the previous ones whole). A second signal
      cancels it at once. Signals are handled only where asyncio can (the main thread, Unix).
    - ``trigger`` replaces the cron trigger (tests use a sub-second IntervalTrigger);
      ``spec.timezone`` still sets the zone the log shows times in.

    Raises ConfigError for a bad cron expression or time zone, and whatever ``last_run`` raises.
    """
    tz = zone(spec.timezone)
    trigger = trigger or cron_trigger(spec.cron, spec.timezone)
    stop = asyncio.Event() if stop is None else stop
    hurry = asyncio.Event()
    loop = asyncio.get_running_loop()

    scheduler = AsyncIOScheduler(event_loop=loop, timezone=tz)
    runner = _Runner(audit, log, scheduler, tz)
    scheduler.add_listener(runner.on_skipped, EVENT_JOB_MAX_INSTANCES)
    first: dict[str, Any] = {}
    if _catch_up(trigger, last_run(), now(), tz, log):
        first["next_run_time"] = now()
    scheduler.add_job(
        runner.job,
        trigger,
        id=_JOB,
        name=_JOB,
        coalesce=True,
        max_instances=1,
        misfire_grace_time=None,  # late is better than never for a weekly audit
        **first,
    )

    def on_signal(sig: signal.Signals) -> None:
        if not stop.is_set():
            log(f"{sig.name}: stopping")
            stop.set()
        else:
            log(f"{sig.name} again: not waiting for the running audit")
            hurry.set()

    installed = _install_signal_handlers(loop, on_signal)
    try:
        scheduler.start()
        if not first:
            runner.log_next()
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=WAKE_EVERY)
            if not stop.is_set():
                scheduler.wakeup()
        runner.stopping = True
        scheduler.pause()
        await _finish(runner.current, grace, hurry, log)
        if runner.jobs:
            await asyncio.wait(set(runner.jobs))
    finally:
        runner.stopping = True
        if runner.current is not None and not runner.current.done():  # serve itself was cancelled
            runner.current.cancel()
        if scheduler.running:
            scheduler.shutdown(wait=False)
            await asyncio.sleep(0)  # the shutdown is queued on the loop; let it run before we return
        _remove_signal_handlers(loop, installed)
    log("schedule stopped")
    return 0


async def _finish(
    audit: asyncio.Task[None] | None, grace: float, hurry: asyncio.Event, log: Callable[[str], None]
) -> None:
    """Let a running audit finish within ``grace`` seconds (or until ``hurry``), else cancel it."""
    if audit is None or audit.done():
        return
    log(f"waiting up to {grace:g} s for the running audit to finish")
    hurried = asyncio.create_task(hurry.wait())
    try:
        await asyncio.wait({audit, hurried}, timeout=grace, return_when=asyncio.FIRST_COMPLETED)
    finally:
        hurried.cancel()
    if not audit.done():
        audit.cancel()
        await asyncio.wait({audit})
        log("the running audit was cancelled: history and reports are as the previous audit left them")


def _install_signal_handlers(
    loop: asyncio.AbstractEventLoop, handler: Callable[[signal.Signals], None]
) -> dict[signal.Signals, Any]:
    """SIGINT and SIGTERM call ``handler``; returns the handlers they had, to put back."""
    installed: dict[signal.Signals, Any] = {}
    for sig in (signal.SIGINT, signal.SIGTERM):
        previous = signal.getsignal(sig)
        try:
            loop.add_signal_handler(sig, handler, sig)
        except (NotImplementedError, RuntimeError, ValueError):  # Windows, or not the main thread
            continue
        installed[sig] = previous
    return installed


def _remove_signal_handlers(loop: asyncio.AbstractEventLoop, installed: dict[signal.Signals, Any]) -> None:
    for sig, previous in installed.items():
        loop.remove_signal_handler(sig)
        if previous is not None:
            signal.signal(sig, previous)
