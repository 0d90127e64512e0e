"""Notifications through Apprise: e-mail, Slack, Teams, Discord, Matrix, ntfy… by URL.

``notify.urls`` in targets.yaml are Apprise URLs (``mailtos://user:pass@example.org?to=…``,
``slack://TokenA/TokenB/TokenC``, ``ntfy://topic``). Apprise is imported here, and only
when a URL is read or a message sent: ``auditor check`` never loads it.

Those URLs carry passwords and tokens, often in the host or path (``slack://``,
``discord://``, ``ntfy://topic``), so nothing here shows one whole: a URL is shown as its
service, its position in ``notify.urls`` and its scheme (``E-Mail (notify.urls[0],
mailtos://…)``), and Apprise's own log lines, which can quote a URL, are caught, never
printed, and quoted in a warning only with the URL's secret parts cut out.

Apprise is synchronous (requests, smtplib): each URL is sent from its own daemon thread
with a time limit, so the event loop never blocks, and a mail server that never answers
cannot keep the process from ending (``asyncio.to_thread``'s executor is waited for at
exit).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import parse_qsl, unquote, urlsplit

from auditor.untrusted import quoted

NOTIFY_TIMEOUT = 30.0
"""Seconds one Apprise notification may take before it is given up on (with a warning)."""

_LOGGER = "apprise"
_T = TypeVar("_T")

#: Which URL the running thread sends (Apprise's worker threads inherit it with the context).
_SENDING: contextvars.ContextVar[int | None] = contextvars.ContextVar("auditor_notify_sending", default=None)


@dataclass(frozen=True, slots=True)
class Sent:
    """What became of one Apprise URL: ``problem`` is None when the message went out."""

    shown: str  # the URL as the log may show it
    problem: str | None


def unreadable(url: str) -> str | None:
    """Why Apprise cannot read ``url`` (its scheme unknown, a required part missing), or None.

    The reason never quotes the URL: it may carry a password."""
    if _plugin(url) is not None:
        return None
    scheme = _scheme(url)
    if not scheme:
        return "not an Apprise URL (write it as scheme://…, e.g. mailtos://user:pass@example.org?to=team@example.org)"
    return (
        f"Apprise cannot read this {scheme}:// URL: an unknown service, or a part it needs is missing "
        "(see the service's page in Apprise's documentation)"
    )


def shown(url: str, index: int) -> str:
    """``E-Mail (notify.urls[0], mailtos://…)``: which notification, without its secrets."""
    plugin = _plugin(url)
    service = str(getattr(plugin, "service_name", "") or "") if plugin is not None else ""
    scheme = _scheme(url)
    where = f"notify.urls[{index}], {scheme}://…" if scheme else f"notify.urls[{index}]"
    return f"{quoted(service, 40)} ({where})" if service else f"notification ({where})"


async def send(
    urls: Sequence[str],
    title: str,
    body: str,
    *,
    log: Callable[[str], None],
    timeout: float = NOTIFY_TIMEOUT,
) -> list[Sent]:
    """Send ``title`` and ``body`` (plain text) to every URL at once; log each outcome; never raise."""
    if not urls:
        return []
    capture = _Capture(len(urls))
    logger = logging.getLogger(_LOGGER)
    logger.addHandler(capture)
    try:
        results = await asyncio.gather(
            *(_send_one(url, index, title, body, capture, timeout) for index, url in enumerate(urls))
        )
    finally:
        logger.removeHandler(capture)
    for result in results:
        if result.problem is None:
            log(f"notified {result.shown}")
        else:
            log(f"warning: {result.shown} not notified: {result.problem}")
    return results


async def _send_one(url: str, index: int, title: str, body: str, capture: _Capture, timeout: float) -> Sent:
    name = shown(url, index)
    try:
        problem = await asyncio.wait_for(_in_daemon_thread(_deliver, index, url, title, body, capture), timeout)
    except TimeoutError:
        problem = f"no answer within {timeout:g} s"
    except Exception as exc:  # an Apprise plug-in's own bug must not fail the run either
        problem = _scrubbed(str(exc) or type(exc).__name__, url)
    return Sent(name, problem)


def _deliver(index: int, url: str, title: str, body: str, capture: _Capture) -> str | None:
    """In a worker thread: send one message; None when sent, else why not (scrubbed)."""
    import apprise

    _SENDING.set(index)
    plugin = _plugin(url)
    if plugin is None:
        return unreadable(url)
    notifier = apprise.Apprise()
    notifier.add(plugin)
    if notifier.notify(body=body, title=title, body_format=apprise.NotifyFormat.TEXT):
        return None
    said = capture.taken(_SENDING.get())
    return _scrubbed(said[-1], url) if said else "the service refused it (Apprise gave no reason)"


def _plugin(url: str) -> Any:
    """Apprise's reading of ``url``, or None; what Apprise logs meanwhile (the URL whole) goes nowhere."""
    import apprise

    _silence()
    try:
        return apprise.Apprise.instantiate(url)
    except Exception:  # a plug-in that raises on a malformed URL: unreadable, as a None is
        return None


def _silence() -> None:
    """Apprise's log lines are not for the terminal (they quote URLs, passwords included).

    With a handler of its own, its logger never falls back to Python's last-resort
    stderr handler; :class:`_Capture` reads what :func:`send` needs."""
    logger = logging.getLogger(_LOGGER)
    if not any(isinstance(handler, logging.NullHandler) for handler in logger.handlers):
        logger.addHandler(logging.NullHandler())
    logger.propagate = False
    if logger.level == logging.NOTSET:  # its warnings are the reasons a warning of ours gives
        logger.setLevel(logging.WARNING)


class _Capture(logging.Handler):
    """Apprise's warnings, by the URL being sent (:data:`_SENDING`) when they were logged.

    A line logged where the context was not passed on (no URL known) is kept for a
    lone URL, which it can only be about."""

    def __init__(self, urls: int) -> None:
        super().__init__(logging.WARNING)
        self._urls = urls
        self._lines: dict[int | None, list[str]] = {}
        self._lock_lines = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
        except Exception:  # a malformed log call inside a plug-in
            return
        with self._lock_lines:
            self._lines.setdefault(_SENDING.get(), []).append(message)

    def taken(self, index: int | None) -> list[str]:
        with self._lock_lines:
            lines = self._lines.pop(index, [])
            if not lines and self._urls == 1:
                lines = self._lines.pop(None, [])
            return lines


def _scrubbed(text: str, url: str) -> str:
    """``text`` (one line, at most 200 characters) without the URL or any of its secret parts."""
    for secret in sorted(_secrets(url), key=len, reverse=True):
        text = text.replace(secret, "…")
    return quoted(text, 200)


def _secrets(url: str) -> set[str]:
    """The parts of ``url`` that may be a password or a token: all but the scheme and a host name."""
    found = {url}
    try:
        parts = urlsplit(url)
        userinfo, _, host = parts.netloc.rpartition("@")
    except ValueError:
        return found
    for part in (userinfo, *userinfo.split(":"), *parts.path.split("/"), parts.fragment):
        found.update({part, unquote(part)})
    found.update(value for _, value in parse_qsl(parts.query, keep_blank_values=True))
    bare_host = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    if "." not in bare_host and bare_host != "localhost":  # slack://TokenA/…, ntfy://topic: a token, not a host
        found.add(bare_host)
    return {part for part in found if len(part) >= 3}


def _scheme(url: str) -> str:
    head, sep, _ = url.partition("://")
    return head.lower() if sep and head.isascii() and head.replace("+", "").replace("-", "").isalnum() else ""


async def _in_daemon_thread(function: Callable[..., _T], *args: Any) -> _T:
    """``function(*args)`` in a daemon thread; the result (or exception) back on this loop."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[_T] = loop.create_future()

    def settle(result: Any, error: BaseException | None) -> None:
        if future.done():  # given up on (the time limit)
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)

    def run() -> None:
        result: Any = None
        error: BaseException | None = None
        try:
            result = function(*args)
        except BaseException as exc:
            error = exc
        with contextlib.suppress(RuntimeError):  # the loop is closed: nobody waits for this any more
            loop.call_soon_threadsafe(settle, result, error)

    threading.Thread(target=run, name="auditor-notify", daemon=True).start()
    return await future
