"""Who hears about an audit, and what they read.

The message is the week's summary (counted by :mod:`auditor.report.summary`, never
recounted); webhooks get the JSON payload, Apprise URLs (e-mail, chat) the plain text;
and a notification that fails is a warning, never a failed run.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import socket
from collections.abc import Awaitable, Callable, Collection
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from auditor.history import Memory
from auditor.notify import MAX_LINES, message, notice_of, notify, payload, redact, title
from auditor.reference import Location, Phone, Reference, Url
from auditor.report.recall import HistoryContext
from auditor.verdict import DEFAULT_FAIL_ON, Checked, CheckRun, Status, Verdict

STARTED = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)
BROKEN_SINCE = datetime(2026, 11, 2, 6, 0, tzinfo=UTC)


def url_item(address: str, status: Status, where: tuple[str, int], suggestion: str | None = None) -> Checked:
    return Checked(
        Reference(Url(address), address, (Location(where[0], where[1], 1, "", address),)),
        Verdict(status, "", suggestion=suggestion),
    )


def history_of(
    run: CheckRun, new: Collection[str] = (), fixed: Collection[str] = (), still: Collection[str] = ()
) -> HistoryContext:
    """The history's word on ``run``: which of its addresses (as written) are new broken, fixed, still broken."""

    def memory(item: Checked) -> Memory:
        failing = item.reference.text in {*new, *still}
        since = BROKEN_SINCE if item.reference.text in still else STARTED
        return Memory(Status.OK, BROKEN_SINCE, since, 2 if failing else 0, failing, None, None)

    keys = {item.reference.text: item.reference.key for item in run.results}
    return HistoryContext(
        memories={item.reference.key: memory(item) for item in run.results},
        new_broken=frozenset(keys[text] for text in new),
        fixed=frozenset(keys[text] for text in fixed),
        still_broken=frozenset(keys[text] for text in still),
        previous_run=STARTED - dt.timedelta(days=7),
        stale_after_days=None,
        today=STARTED.date(),
    )


RUN = CheckRun(
    (
        url_item("https://example.org/helpline", Status.DEAD, ("docs/flyer.md", 12)),
        url_item("https://example.org/old", Status.OK, ("docs/flyer.md", 3)),
        Checked(
            Reference(
                Phone("+448001234567", "0800 123 4567", "GB"),
                "0800 123 4567",
                (Location("docs/leaflet.md", 8, 1, "", "0800 123 4567"),),
            ),
            Verdict(Status.CONFIRMED, ""),
        ),
        url_item("https://example.org/moved", Status.MOVED, ("docs/a.md", 1), suggestion="https://example.org/new"),
    ),
    False,
    4,
    0,
)
HISTORY = history_of(RUN, new={"https://example.org/helpline"}, fixed={"https://example.org/old", "0800 123 4567"})
NOTICE = notice_of(
    RUN,
    DEFAULT_FAIL_ON,
    HISTORY,
    started_at=STARTED,
    report=Path("reports/2026-11-23T060000.html"),
    base_url="https://audits.example.org/reports/",
)

EXPECTED = {
    "event": "audit",
    "started_at": "2026-11-23T06:00:00+00:00",
    "summary": {
        "failing": 1,
        "new_broken": 1,
        "fixed": 2,
        "still_broken": 0,
        "counts": {"dead": 1, "moved": 1, "ok": 1, "confirmed": 1},
        "headline": "1 failing of 4 references (1 new, 0 still, 2 fixed)",
    },
    "new_broken": ["https://example.org/helpline (docs/flyer.md:12)"],
    "fixed": ["https://example.org/old (docs/flyer.md:3)", "0800 123 4567 (docs/leaflet.md:8)"],
    "report": "reports/2026-11-23T060000.html",
    "report_url": "https://audits.example.org/reports/2026-11-23T060000.html",
    "text": "auditor: 1 failing (1 new, 2 fixed) — https://audits.example.org/reports/2026-11-23T060000.html",
}


class Hooks:
    """A local web server standing in for chat tools and incident systems: records every POST."""

    def __init__(self) -> None:
        self.received: list[tuple[str, Any]] = []
        self.release = asyncio.Event()  # lets the slow endpoint end before the server closes
        self.app = web.Application()
        self.app.router.add_post("/ok/{secret}", self.ok)
        self.app.router.add_post("/broken", self.broken)
        self.app.router.add_post("/slow", self.slow)
        self.app.router.add_post("/moved", self.moved)

    async def ok(self, request: web.Request) -> web.Response:
        self.received.append((request.path, await request.json()))
        return web.Response(status=204)

    async def broken(self, request: web.Request) -> web.Response:
        self.received.append((request.path, await request.json()))
        return web.Response(status=500, text="oops")

    async def slow(self, request: web.Request) -> web.Response:
        await self.release.wait()
        return web.Response(status=200)

    async def moved(self, request: web.Request) -> web.Response:
        raise web.HTTPMovedPermanently("/ok/new-secret")


def refused_url() -> str:
    """A local port nobody listens on: connecting to it is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/hook/secret-token"


def with_hooks(scenario: Callable[[Hooks, Callable[[str], str], list[str]], Awaitable[None]]) -> Hooks:
    """Run ``scenario(hooks, url, log)`` against a live local server; return what it received."""

    async def main() -> Hooks:
        hooks = Hooks()
        async with TestServer(hooks.app) as server:
            log: list[str] = []
            try:
                await scenario(hooks, lambda path: str(server.make_url(path)), log)
            finally:
                hooks.release.set()
        return hooks

    return asyncio.run(main())


def test_the_payload_is_the_documented_json() -> None:
    assert payload(NOTICE) == EXPECTED


def test_the_payload_counts_are_the_summarys() -> None:
    summary = NOTICE.summary
    assert (summary.failing, summary.new_broken, summary.fixed) == (1, 1, 2)
    assert payload(NOTICE)["summary"]["counts"] == summary.status_counts


def test_without_a_report_the_text_says_only_the_counts() -> None:
    quiet = notice_of(RUN, DEFAULT_FAIL_ON, history_of(RUN), started_at=STARTED, report=None)
    assert payload(quiet)["report"] is None and payload(quiet)["report_url"] is None
    assert payload(quiet)["text"] == "auditor: 0 failing (0 new, 0 fixed)"


def test_the_message_is_the_weeks_summary_with_a_link_to_the_report() -> None:
    assert title(NOTICE) == "auditor: 1 new broken, 2 fixed — Link audit"
    assert message(NOTICE) == (
        "1 failing of 4 references (1 new, 0 still, 2 fixed).\n"
        "\n"
        "New broken (1):\n"
        "- https://example.org/helpline — dead, docs/flyer.md:12\n"
        "\n"
        "Fixed (2):\n"
        "- https://example.org/old — ok, docs/flyer.md:3\n"
        "- 0800 123 4567 — confirmed, docs/leaflet.md:8\n"
        "\n"
        "The report: https://audits.example.org/reports/2026-11-23T060000.html\n"
    )


def test_still_broken_says_since_when_and_a_replacement_is_named() -> None:
    run = CheckRun(
        (url_item("https://x.org/gone", Status.DEAD, ("a.md", 3), suggestion="https://x.org/archive/gone"),),
        False,
        1,
        0,
    )
    notice = notice_of(
        run, DEFAULT_FAIL_ON, history_of(run, still={"https://x.org/gone"}), started_at=STARTED, report=None
    )
    assert title(notice) == "auditor: 1 failing — Link audit"
    assert (
        "Still broken (1):\n- https://x.org/gone — dead since 2026-11-02, a.md:3 — replace with https://x.org/archive/gone\n"
        in message(notice)
    )


@pytest.mark.parametrize(
    ("base_url", "link"),
    [
        pytest.param(
            "https://audits.example.org/reports/",
            "https://audits.example.org/reports/2026-11-23T060000.html",
            id="a folder",
        ),
        pytest.param(
            "https://audits.example.org/reports",
            "https://audits.example.org/reports/2026-11-23T060000.html",
            id="without its last slash",
        ),
        pytest.param(
            "https://audits.example.org", "https://audits.example.org/2026-11-23T060000.html", id="the site's root"
        ),
        pytest.param(None, None, id="none: the local path, said so"),
    ],
)
def test_the_link_is_built_from_reports_base_url(base_url: str | None, link: str | None) -> None:
    notice = notice_of(
        RUN,
        DEFAULT_FAIL_ON,
        HISTORY,
        started_at=STARTED,
        report=Path("reports/2026-11-23T060000.html"),
        base_url=base_url,
    )
    assert notice.report_url == link
    if link:
        assert message(notice).endswith(f"The report: {link}\n")
    else:
        assert message(notice).endswith(
            "The report: reports/2026-11-23T060000.html (on the machine that ran the audit: set reports.base_url to link it)\n"
        )


def test_each_list_is_capped_and_says_how_many_more() -> None:
    run = CheckRun(tuple(url_item(f"https://x.org/{i}", Status.DEAD, ("a.md", i + 1)) for i in range(25)), False, 25, 0)
    notice = notice_of(
        run,
        DEFAULT_FAIL_ON,
        history_of(run, new={f"https://x.org/{i}" for i in range(25)}),
        started_at=STARTED,
        report=None,
    )
    text = message(notice)
    assert text.count("\n- https://x.org/") == MAX_LINES
    assert f"  … and {25 - MAX_LINES} more\n" in text
    assert "New broken (25):" in text
    assert len(payload(notice)["new_broken"]) == 25  # the webhook's list is whole: machines read it


@pytest.mark.parametrize(
    "hostile",
    [
        pytest.param("https://x.org/\x1b]8;;https://evil.example/\x07click\x1b]8;;\x07", id="a terminal escape"),
        pytest.param("https://x.org/a\nNew broken (0):\n- all fine", id="a forged line"),
        pytest.param("https://x.org/\u202eexe.pdf", id="a bidi override"),
        pytest.param("https://x.org/" + "a" * 5000, id="very long"),
    ],
)
def test_text_from_documents_and_the_web_is_one_plain_line(hostile: str) -> None:
    run = CheckRun((url_item(hostile, Status.MOVED, ("a.md", 1), suggestion=hostile),), False, 1, 0)
    notice = notice_of(run, DEFAULT_FAIL_ON, history_of(run, still={hostile}), started_at=STARTED, report=None)
    (line,) = notice.still_broken
    text = message(notice)
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]", text)
    assert not any(row.startswith(("New broken (0)", "- all fine")) for row in text.splitlines())
    assert len(line.address) <= 200 and len(line.suggestion or "") <= 200


def test_every_webhook_receives_the_notice_as_json() -> None:
    async def scenario(hooks: Hooks, url: Callable[[str], str], log: list[str]) -> None:
        async with aiohttp.ClientSession() as session:
            await notify([url("/ok/a"), url("/ok/b")], NOTICE, session=session, log=log.append)
        assert sorted(log) == sorted(f"notified webhook {redact(url(path))}" for path in ("/ok/a", "/ok/b"))

    hooks = with_hooks(scenario)
    assert sorted(hooks.received, key=lambda r: r[0]) == [("/ok/a", EXPECTED), ("/ok/b", EXPECTED)]


@pytest.mark.parametrize(
    ("path", "warning"),
    [
        pytest.param("/broken", r"not notified: HTTP 500 Internal Server Error$", id="5xx"),
        pytest.param("/nowhere", r"not notified: HTTP 404 Not Found$", id="4xx"),
        pytest.param("/slow", r"not notified: no answer within 0\.3 s$", id="timeout"),
        pytest.param(
            "/moved",
            r"not notified: HTTP 301 redirect to http://127\.0\.0\.1:\d+/… — put the new URL in notify:$",
            id="redirect",
        ),
        pytest.param(None, r"not notified: cannot connect \(.*refused.*\)$", id="connection refused"),
    ],
)
def test_a_failing_webhook_is_a_warning_and_the_others_are_still_notified(path: str | None, warning: str) -> None:
    async def scenario(hooks: Hooks, url: Callable[[str], str], log: list[str]) -> None:
        failing = url(path) if path else refused_url()
        async with aiohttp.ClientSession() as session:
            await notify([failing, url("/ok/fine")], NOTICE, session=session, log=log.append, timeout=0.3)
        [warned] = [line for line in log if line.startswith("warning: ")]
        assert warned.startswith(f"warning: webhook {redact(failing)} not notified: ")
        assert re.search(warning, warned), warned
        assert f"notified webhook {redact(url('/ok/fine'))}" in log

    hooks = with_hooks(scenario)
    assert ("/ok/fine", EXPECTED) in hooks.received


def test_no_webhooks_is_nothing_to_do() -> None:
    async def scenario(hooks: Hooks, url: Callable[[str], str], log: list[str]) -> None:
        async with aiohttp.ClientSession() as session:
            await notify([], NOTICE, session=session, log=log.append)
        assert log == []

    assert with_hooks(scenario).received == []


def test_a_malformed_webhook_url_is_a_warning_too() -> None:
    async def scenario(hooks: Hooks, url: Callable[[str], str], log: list[str]) -> None:
        async with aiohttp.ClientSession() as session:
            await notify(["hooks.example.org/no-scheme"], NOTICE, session=session, log=log.append)
        assert log and log[0].startswith("warning: webhook (a malformed URL) not notified: ")

    with_hooks(scenario)


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        pytest.param(
            "https://hooks.slack.com/services/T000/B000/XXXXSECRET", "https://hooks.slack.com/…", id="a secret path"
        ),
        pytest.param("https://hooks.example.org/?token=SECRET", "https://hooks.example.org/…", id="a secret query"),
        pytest.param("http://127.0.0.1:8080/", "http://127.0.0.1:8080", id="a port and no path"),
        pytest.param("not a url", "(a malformed URL)", id="not a URL"),
    ],
)
def test_logs_never_show_the_secret_part_of_a_webhook_url(url: str, shown: str) -> None:
    assert redact(url) == shown
