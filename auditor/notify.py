"""Telling people an audit ran: the this-week summary, by Apprise (e-mail, chat…) and webhooks.

:func:`notice_of` takes what a notification says from the run's one summary
(:mod:`auditor.report.summary`): its headline, and the references new broken, fixed and
still broken, each with its address, its place (``file:line``), the replacement when there
is one, and since when it is broken. :func:`message` words it as a title and a plain-text
body for ``notify.urls`` (:mod:`auditor.notify_apprise`); :func:`payload` as JSON for
``notify.webhooks``.

A notification goes out when something changed (a reference newly broken or fixed; the
first run with failures is one), or every run with ``notify.always: true``.

Notifications never fail a run: the reports and the history are written before anyone is
told, so a service or webhook that refuses, times out or answers 5xx is a warning in the
log and nothing more. Webhook URLs often carry a secret token in their path (Slack, Teams,
Mattermost), so the log shows only their scheme and host.

The webhook payload (``event`` and ``summary`` are the contract; ``text`` is for chat
tools, which show a message's ``text`` and ignore the rest)::

    {"event": "audit", "started_at": "2026-11-23T06:00:00+00:00",
     "summary": {"failing": 3, "new_broken": 1, "fixed": 2, "still_broken": 2,
                 "counts": {"ok": 120, "dead": 2, "moved": 1},
                 "headline": "3 failing of 123 references (1 new, 2 still, 2 fixed)"},
     "new_broken": ["https://example.org/helpline (docs/flyer.md:12)"],
     "fixed": ["..."], "report": "reports/2026-11-23T060000.html",
     "report_url": "https://audits.example.org/reports/2026-11-23T060000.html",
     "text": "auditor: 3 failing (1 new, 2 fixed) — https://audits.example.org/reports/2026-11-23T060000.html"}
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import socket
from collections.abc import Callable, Collection, Coroutine, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urljoin, urlsplit

import aiohttp

from auditor.report.summary import Change, Summary, standing, summary_of
from auditor.untrusted import quoted
from auditor.verdict import CheckRun, Status

if TYPE_CHECKING:
    from auditor.report.recall import HistoryContext

WEBHOOK_TIMEOUT = 10.0
"""Seconds a webhook may take to answer before it is given up on (with a warning)."""

MAX_LINES = 10
"""References listed per kind (new broken, fixed, still broken); the rest is "and N more"."""

_TEXT_LIMIT = 200  # characters of one address, replacement or place: document text is hostile
_TITLE = "Link audit"


@dataclass(frozen=True, slots=True)
class Line:
    """One reference as a notification names it (text from documents: quoted, cut to length)."""

    address: str
    status: str  # as a person reads it (Standing.label)
    place: str | None = None  # "docs/flyer.md:12"
    suggestion: str | None = None  # the address to write instead
    since: dt.datetime | None = None  # broken (or fixed) since

    @property
    def described(self) -> str:
        """``address (file:line)``: the webhook payload's form."""
        return f"{self.address} ({self.place})" if self.place else self.address

    @property
    def words(self) -> str:
        """``https://x.org/a — dead since 2026-11-02, docs/a.md:3 — replace with https://x.org/b``."""
        status = f"{self.status} since {self.since:%Y-%m-%d}" if self.since else self.status
        text = f"{self.address} — {status}, {self.place}" if self.place else f"{self.address} — {status}"
        return f"{text} — replace with {self.suggestion}" if self.suggestion else text


@dataclass(frozen=True, slots=True)
class Notice:
    """What one audit has to say: its summary and the references that changed or stay broken."""

    started_at: dt.datetime
    summary: Summary
    new_broken: tuple[Line, ...]
    fixed: tuple[Line, ...]
    still_broken: tuple[Line, ...]
    report: str | None  # the HTML report's local path
    report_url: str | None = None  # where it is published (reports.base_url), when known

    @property
    def changed(self) -> bool:
        """Something to tell: a reference newly broken (the first run's failures too) or fixed."""
        return bool(self.summary.new_broken or self.summary.fixed)

    @property
    def link(self) -> str | None:
        return self.report_url or self.report


def notice_of(
    run: CheckRun,
    fail_on: Collection[Status],
    history: HistoryContext | None,
    *,
    started_at: dt.datetime,
    report: Path | str | None,
    base_url: str | None = None,
) -> Notice:
    """The notice of a run (``history``: its :class:`~auditor.report.recall.HistoryContext`),
    counted by the summary's :func:`~auditor.report.summary.standing`, never recounted here."""
    standings = [(item, standing(item, fail_on, history)) for item in run.results]
    lines: dict[Change, list[Line]] = {change: [] for change in Change}
    for item, one in standings:
        if one.change is None:
            continue
        place = item.reference.locations[0] if item.reference.locations else None
        lines[one.change].append(
            Line(
                address=quoted(item.reference.text, _TEXT_LIMIT),
                status=one.label,
                place=quoted(f"{place.source}:{place.line}", _TEXT_LIMIT) if place else None,
                suggestion=quoted(item.verdict.suggestion, _TEXT_LIMIT) if item.verdict.suggestion else None,
                since=one.since if one.change is Change.STILL else None,
            )
        )
    name = Path(report).name if report is not None else None
    return Notice(
        started_at=started_at,
        summary=summary_of(
            (one for _, one in standings), history=history is not None, network_unavailable=run.network_unavailable
        ),
        new_broken=tuple(lines[Change.NEW]),
        fixed=tuple(lines[Change.FIXED]),
        still_broken=tuple(lines[Change.STILL]),
        report=str(report) if report is not None else None,
        report_url=report_url(base_url, name) if base_url and name else None,
    )


def report_url(base_url: str, name: str) -> str:
    """``base_url`` + the report's file name (``base_url`` read as a folder, with or without its last ``/``)."""
    return urljoin(base_url if base_url.endswith("/") else base_url + "/", quote(name))


def title(notice: Notice) -> str:
    """``auditor: 2 new broken, 1 fixed — Link audit``."""
    summary = notice.summary
    said = [f"{n:,} {what}" for n, what in ((summary.new_broken, "new broken"), (summary.fixed, "fixed")) if n]
    if not said:
        said = [f"{summary.failing:,} failing" if summary.failing else "nothing failing"]
    return f"auditor: {', '.join(said)} — {_TITLE}"


def message(notice: Notice) -> str:
    """The plain-text body: the headline, what broke, what got fixed, what is still broken, the link."""
    parts = [notice.summary.headline[:1].upper() + notice.summary.headline[1:] + "."]
    for heading, lines, total in (
        ("New broken", notice.new_broken, notice.summary.new_broken),
        ("Fixed", notice.fixed, notice.summary.fixed),
        ("Still broken", notice.still_broken, notice.summary.still_broken),
    ):
        if not total:
            continue
        listed = [f"- {line.words}" for line in lines[:MAX_LINES]]
        if total > len(listed):
            listed.append(f"  … and {total - len(listed):,} more")
        parts.append(f"{heading} ({total:,}):\n" + "\n".join(listed))
    if notice.report_url:
        parts.append(f"The report: {notice.report_url}")
    elif notice.report:
        where = "on the machine that ran the audit: set reports.base_url to link it"
        parts.append(f"The report: {notice.report} ({where})")
    return "\n\n".join(parts) + "\n"


def payload(notice: Notice) -> dict[str, Any]:
    """The JSON document a webhook receives (see the module docstring)."""
    summary = notice.summary
    text = f"auditor: {summary.failing} failing ({summary.new_broken} new, {summary.fixed} fixed)"
    return {
        "event": "audit",
        "started_at": notice.started_at.isoformat(),
        "summary": {
            "failing": summary.failing,
            "new_broken": summary.new_broken,
            "fixed": summary.fixed,
            "still_broken": summary.still_broken,
            "counts": summary.status_counts,
            "headline": summary.headline,
        },
        "new_broken": [line.described for line in notice.new_broken],
        "fixed": [line.described for line in notice.fixed],
        "report": notice.report,
        "report_url": notice.report_url,
        "text": f"{text} — {notice.link}" if notice.link else text,
    }


async def deliver(
    notice: Notice,
    *,
    urls: Sequence[str],
    webhooks: Sequence[str],
    always: bool,
    session: Callable[[], aiohttp.ClientSession],
    log: Callable[[str], None],
) -> bool:
    """Tell ``urls`` (Apprise) and ``webhooks`` when something changed, or ``always``; True if told.

    ``session`` makes the HTTP session the webhooks are posted with (the fake web's, in tests)."""
    if not (urls or webhooks):
        return False
    if not (always or notice.changed):
        log("nothing broke or was fixed since the last run: no notification sent (notify.always: true sends every run)")
        return False
    jobs: list[Coroutine[Any, Any, object]] = []
    if urls:
        from auditor import notify_apprise  # Apprise is loaded only to send

        jobs.append(notify_apprise.send(urls, title(notice), message(notice), log=log))
    if webhooks:
        jobs.append(_webhooks(webhooks, notice, session, log))
    await asyncio.gather(*jobs)
    return True


async def _webhooks(
    webhooks: Sequence[str], notice: Notice, session: Callable[[], aiohttp.ClientSession], log: Callable[[str], None]
) -> None:
    async with session() as opened:
        await notify(webhooks, notice, session=opened, log=log)


def redact(url: str) -> str:
    """``https://hooks.example.org/…``: enough to tell webhooks apart, not their secret path."""
    parts = urlsplit(url)
    if not parts.scheme or not parts.hostname:
        return "(a malformed URL)"
    port = f":{parts.port}" if parts.port else ""
    rest = "/…" if parts.path.strip("/") or parts.query else ""
    return f"{parts.scheme}://{parts.hostname}{port}{rest}"


async def notify(
    webhooks: Sequence[str],
    notice: Notice,
    *,
    session: aiohttp.ClientSession,
    log: Callable[[str], None],
    timeout: float = WEBHOOK_TIMEOUT,
) -> None:
    """POST ``notice`` to every webhook at once; log each outcome; never raise for a webhook."""
    body = payload(notice)
    await asyncio.gather(*(_post(url, body, session, log, timeout) for url in webhooks))


async def _post(
    url: str, body: dict[str, Any], session: aiohttp.ClientSession, log: Callable[[str], None], timeout: float
) -> None:
    shown = redact(url)
    try:
        # No redirects: a POST that is redirected arrives as a GET, or somewhere unintended.
        async with session.post(
            url, json=body, timeout=aiohttp.ClientTimeout(total=timeout), allow_redirects=False
        ) as response:
            await response.read()
            status, reason, location = response.status, response.reason, response.headers.get("Location")
    except TimeoutError:
        log(f"warning: webhook {shown} not notified: no answer within {timeout:g} s")
        return
    except (aiohttp.ClientError, ValueError) as exc:  # ValueError: aiohttp's verdict on a malformed URL
        log(f"warning: webhook {shown} not notified: {_why(exc)}")
        return
    if 200 <= status < 300:
        log(f"notified webhook {shown}")
    elif 300 <= status < 400:
        where = f" to {redact(urljoin(url, location))}" if location else ""
        log(f"warning: webhook {shown} not notified: HTTP {status} redirect{where} — put the new URL in notify:")
    else:
        log(f"warning: webhook {shown} not notified: HTTP {status} {reason or ''}".rstrip())


def _why(exc: Exception) -> str:
    if isinstance(exc, aiohttp.ClientConnectorError):
        error = exc.os_error
        # asyncio's own message ("Connect call failed ('10.0.0.1', 443)") hides the reason.
        why = os.strerror(error.errno) if error.errno and not isinstance(error, socket.gaierror) else error.strerror
        return f"cannot connect ({why or error})"
    return str(exc) or type(exc).__name__
