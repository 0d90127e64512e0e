"""Telling people an audit ran: a JSON POST to each ``notify:`` webhook.

Notifications never fail a run: the reports and the history are written before anyone is
told, so a webhook that refuses, times out or answers 5xx is a warning in the log and
nothing more. Webhook URLs often carry a secret token in their path (Slack, Teams,
Mattermost), so the log shows only their scheme and host.

The payload (``event`` and ``summary`` are the contract; ``text`` is for chat tools, which
show a message's ``text`` and ignore the rest)::

    {"event": "audit", "started_at": "2026-11-23T06:00:00+00:00",
     "summary": {"failing": 3, "new_broken": 1, "fixed": 2, "counts": {"ok": 120, "dead": 2, "moved": 1}},
     "new_broken": ["https://example.org/helpline (docs/flyer.md:12)"],
     "fixed": ["..."], "report": "reports/2026-11-23T060000.html",
     "text": "auditor: 3 failing (1 new, 2 fixed) — reports/2026-11-23T060000.html"}
"""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import aiohttp

WEBHOOK_TIMEOUT = 10.0
"""Seconds a webhook may take to answer before it is given up on (with a warning)."""


@dataclass(frozen=True, slots=True)
class Notice:
    """What one audit has to say: its counts, what broke since the last run, what got fixed."""

    started_at: datetime
    counts: Mapping[str, int]  # references per status
    failing: int
    new_broken: tuple[str, ...]  # each as written, with where ("https://x.org/a (docs/flyer.md:12)")
    fixed: tuple[str, ...]
    report: str | None  # path or URL of the HTML report


def payload(notice: Notice) -> dict[str, Any]:
    """The JSON document a webhook receives (see the module docstring)."""
    text = f"auditor: {notice.failing} failing ({len(notice.new_broken)} new, {len(notice.fixed)} fixed)"
    return {
        "event": "audit",
        "started_at": notice.started_at.isoformat(),
        "summary": {
            "failing": notice.failing,
            "new_broken": len(notice.new_broken),
            "fixed": len(notice.fixed),
            "counts": dict(notice.counts),
        },
        "new_broken": list(notice.new_broken),
        "fixed": list(notice.fixed),
        "report": notice.report,
        "text": f"{text} — {notice.report}" if notice.report else text,
    }


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
