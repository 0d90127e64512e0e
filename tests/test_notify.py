"""Webhooks hear about every audit, and a webhook that fails is a warning, never a failed run."""

from __future__ import annotations

import asyncio
import re
import socket
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from auditor.notify import Notice, notify, payload, redact

NOTICE = Notice(
    started_at=datetime(2026, 11, 23, 6, 0, tzinfo=UTC),
    counts={"ok": 120, "dead": 2, "moved": 1},
    failing=3,
    new_broken=("https://example.org/helpline (docs/flyer.md:12)",),
    fixed=("https://example.org/old (docs/flyer.md:3)", "0800 123 4567 (docs/leaflet.md:8)"),
    report="reports/2026-11-23T060000.html",
)

EXPECTED = {
    "event": "audit",
    "started_at": "2026-11-23T06:00:00+00:00",
    "summary": {"failing": 3, "new_broken": 1, "fixed": 2, "counts": {"ok": 120, "dead": 2, "moved": 1}},
    "new_broken": ["https://example.org/helpline (docs/flyer.md:12)"],
    "fixed": ["https://example.org/old (docs/flyer.md:3)", "0800 123 4567 (docs/leaflet.md:8)"],
    "report": "reports/2026-11-23T060000.html",
    "text": "auditor: 3 failing (1 new, 2 fixed) — reports/2026-11-23T060000.html",
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


def test_without_a_report_the_text_says_only_the_counts() -> None:
    quiet = Notice(datetime(2026, 11, 23, 6, 0, tzinfo=UTC), {"ok": 5}, 0, (), (), None)
    assert payload(quiet)["report"] is None
    assert payload(quiet)["text"] == "auditor: 0 failing (0 new, 0 fixed)"


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
