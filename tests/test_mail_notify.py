"""`auditor run` tells people: an e-mail to a local SMTP server, an Apprise ``json://`` and a
webhook to local endpoints, after a real audit of the fake web.

Sent when something broke or was fixed (the first run with failures is one), or every run
with ``notify.always``; a notification that fails is a warning in the log, never another
exit code, and the log never shows a password.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email
import email.policy
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from click.testing import CliRunner

import auditor.audit
from auditor import notify_apprise
from auditor.audit import AuditOutcome, run_audit
from auditor.cli import main
from auditor.config import load
from auditor.fakeweb import FakeWeb
from tests.conftest import through_fake_web
from tests.test_run import LEAFLET, MONDAY, SITES, TARGETS

PASSWORD = "S3cret-pa55word"
WEEK = dt.timedelta(days=7)
BASE_URL = "https://audits.example.org/reports/"


def free_port() -> int:
    """A local port nobody listens on (connecting to it is refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Mailbox:
    """What the local SMTP server received: one (sender, recipients, message) per e-mail."""

    port: int
    mails: list[tuple[str, list[str], email.message.EmailMessage]] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.mails.append((envelope.mail_from, list(envelope.rcpt_tos), message))  # type: ignore[arg-type]
        return "250 OK"

    def authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        if isinstance(data, LoginPassword):
            self.logins.append((data.login.decode(), data.password.decode()))
            return AuthResult(success=data.password.decode() == PASSWORD)
        return AuthResult(success=False)

    def url(self, password: str = PASSWORD) -> str:
        return f"mailto://auditor:{password}@127.0.0.1:{self.port}?to=team@example.org&from=auditor@example.org"

    def bodies(self) -> list[str]:
        return [
            message.get_body(("plain",)).get_content().replace("\r\n", "\n")  # type: ignore[union-attr]
            for _, _, message in self.mails
        ]


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    """A local SMTP server (aiosmtpd) taking logins without TLS, as a relay on localhost may."""
    box = Mailbox(free_port())
    controller = Controller(
        box, hostname="127.0.0.1", port=box.port, authenticator=box.authenticate, auth_require_tls=False
    )
    controller.start()
    try:
        yield box
    finally:
        controller.stop()


@dataclass
class Endpoints:
    """A local web server for Apprise's ``json://`` (a real port: Apprise has its own HTTP stack)."""

    received: list[tuple[str, Any]] = field(default_factory=list)

    async def record(self, request: web.Request) -> web.Response:
        self.received.append((request.path, await request.json()))
        return web.Response(status=500 if request.path.endswith("/broken") else 200)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "leaflet.md").write_text(LEAFLET)
    return tmp_path


@dataclass
class Run:
    outcome: AuditOutcome
    log: list[str]
    hooks: list[Any]  # webhook payloads (through the fake web)
    endpoints: Endpoints


def run(project: Path, notify: str, when: dt.datetime = MONDAY, reports: str = "") -> Run:
    """One `auditor run` of the leaflet against the fake web, ``notify`` and ``reports`` keys added."""
    hooks: list[Any] = []

    async def hook(request: web.Request) -> web.Response:
        hooks.append(await request.json())
        return web.json_response({"ok": True})

    async def broken(request: web.Request) -> web.Response:
        return web.Response(status=500, text="oops")

    async def go() -> Run:
        endpoints = Endpoints()
        app = web.Application()
        app.router.add_post("/{name:.*}", endpoints.record)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        text = TARGETS.replace("reports:\n  dir: reports\n", f"reports:\n  dir: reports\n{reports}")
        (project / "targets.yaml").write_text(text + notify.replace("JSONPORT", str(port)))
        log: list[str] = []
        sites = {**SITES, "hooks.example.org": {"/audit": hook, "/broken": broken}}
        try:
            async with FakeWeb(sites) as fake:
                outcome = await run_audit(
                    load(project / "targets.yaml"),
                    resolver=fake.resolver,
                    ssl=fake.client_ssl,
                    mail_resolver=fake.mail_resolver,
                    now=lambda: when,
                    log=log.append,
                )
        finally:
            await runner.cleanup()
        return Run(outcome, log, hooks, endpoints)

    return asyncio.run(go())


def test_an_email_with_the_summary_and_the_report_link_arrives(project: Path, mailbox: Mailbox) -> None:
    done = run(
        project,
        f"notify:\n  urls:\n    - {mailbox.url()}\n",
        reports=f"  base_url: {BASE_URL}\n",
    )
    assert done.outcome.exit_code == 1
    [(sender, recipients, message)] = mailbox.mails
    assert (sender, recipients) == ("auditor@example.org", ["team@example.org"])
    assert message["Subject"] == "auditor: 1 new broken — Link audit"
    [body] = mailbox.bodies()
    assert body.startswith("1 failing of 7 references (1 new, 0 still, 0 fixed).\n")
    assert "New broken (1):\n- https://www.sarcoma.org.uk/booklet.htm — dead, leaflet.md:7\n" in body
    assert f"The report: {BASE_URL}2026-11-16T060000.html" in body
    assert mailbox.logins == [("auditor", PASSWORD)]
    assert any(line.startswith("notified E-Mail (notify.urls[0], mailto://…)") for line in done.log)


def test_apprise_json_and_the_webhook_hear_of_the_same_run(project: Path) -> None:
    done = run(
        project,
        "notify:\n  urls:\n    - json://127.0.0.1:JSONPORT/apprise\n  webhooks:\n    - https://hooks.example.org/audit\n",
        reports=f"  base_url: {BASE_URL}\n",
    )
    [(path, apprised)] = done.endpoints.received
    assert path == "/apprise"
    assert apprised["title"] == "auditor: 1 new broken — Link audit"
    assert "- https://www.sarcoma.org.uk/booklet.htm — dead, leaflet.md:7" in apprised["message"]
    [hooked] = done.hooks
    assert hooked["summary"]["failing"] == hooked["summary"]["new_broken"] == 1
    assert hooked["new_broken"] == ["https://www.sarcoma.org.uk/booklet.htm (leaflet.md:7)"]
    assert hooked["report_url"] == f"{BASE_URL}2026-11-16T060000.html"
    assert hooked["report"].endswith("2026-11-16T060000.html")


def test_without_base_url_the_message_names_the_local_report_and_says_so(project: Path) -> None:
    done = run(project, "notify:\n  urls:\n    - json://127.0.0.1:JSONPORT/apprise\n")
    [(_, apprised)] = done.endpoints.received
    assert (
        "reports/2026-11-16T060000.html (on the machine that ran the audit: set reports.base_url" in apprised["message"]
    )


@pytest.mark.parametrize(
    ("always", "told_again"),
    [pytest.param("false", False, id="nothing changed: nobody told"), pytest.param("true", True, id="always: told")],
)
def test_the_second_run_tells_only_if_something_changed_or_always(project: Path, always: str, told_again: bool) -> None:
    notify = (
        "notify:\n  urls:\n    - json://127.0.0.1:JSONPORT/apprise\n"
        f"  webhooks:\n    - https://hooks.example.org/audit\n  always: {always}\n"
    )
    first = run(project, notify)
    assert len(first.endpoints.received) == len(first.hooks) == 1  # the first run with failures: told
    second = run(project, notify, when=MONDAY + WEEK)
    assert len(second.endpoints.received) == len(second.hooks) == int(told_again)
    if told_again:
        [(_, apprised)] = second.endpoints.received
        assert apprised["title"] == "auditor: 1 failing — Link audit"
        assert (
            "Still broken (1):\n- https://www.sarcoma.org.uk/booklet.htm — dead since 2026-11-16" in apprised["message"]
        )
    else:
        assert any("no notification sent (notify.always: true sends every run)" in line for line in second.log)


def test_the_first_form_of_notify_still_tells_every_run(project: Path) -> None:
    notify = "notify:\n  - webhook: https://hooks.example.org/audit\n"
    run(project, notify)
    assert len(run(project, notify, when=MONDAY + WEEK).hooks) == 1


def test_failed_notifications_are_warnings_and_change_no_exit_code(project: Path, mailbox: Mailbox) -> None:
    refused = f"mailto://auditor:{PASSWORD}@127.0.0.1:{free_port()}?to=team@example.org&from=auditor@example.org"
    done = run(
        project,
        "notify:\n  urls:\n"
        f"    - {refused}\n"
        "    - json://127.0.0.1:JSONPORT/broken\n"
        "  webhooks:\n    - https://hooks.example.org/broken\n    - https://down.example.org/x\n",
    )
    assert done.outcome.exit_code == 1  # the dead booklet, as without any notification
    warnings = [line for line in done.log if line.startswith("warning: ") and " not notified: " in line]
    assert len(warnings) == 4, done.log
    assert any(line.startswith("warning: E-Mail (notify.urls[0], mailto://…) not notified: ") for line in warnings)
    assert any(line.startswith("warning: JSON (notify.urls[1], json://…) not notified: ") for line in warnings)
    assert "warning: webhook https://hooks.example.org/… not notified: HTTP 500 Internal Server Error" in warnings
    assert not mailbox.mails
    assert all(PASSWORD not in line for line in done.log), done.log


def test_a_notification_is_sent_without_blocking_and_given_up_after_its_time_limit() -> None:
    """A server that accepts and never answers: the loop goes on, the run is told within the limit."""

    async def go() -> tuple[list[str], float, int]:
        release = asyncio.Event()

        async def hang(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            await release.wait()
            writer.close()

        server = await asyncio.start_server(hang, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        ticks = 0

        async def tick() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.02)
                ticks += 1

        ticker = asyncio.create_task(tick())
        log: list[str] = []
        loop = asyncio.get_running_loop()
        started = loop.time()
        await notify_apprise.send([f"json://127.0.0.1:{port}/x?token=t0ken"], "t", "b", log=log.append, timeout=0.5)
        took = loop.time() - started
        ticker.cancel()
        release.set()
        server.close()
        return log, took, ticks

    log, took, ticks = asyncio.run(go())
    assert log == ["warning: JSON (notify.urls[0], json://…) not notified: no answer within 0.5 s"]
    assert took < 2 and ticks >= 10  # the event loop kept running meanwhile


@pytest.mark.parametrize(
    "url",
    [
        pytest.param(f"nope://user:{PASSWORD}@example.org", id="an unknown service"),
        pytest.param(f"json://{PASSWORD}@", id="a part missing"),
        pytest.param("team@example.org", id="not a URL"),
    ],
)
def test_an_unreadable_url_is_a_warning_that_never_shows_it(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    log: list[str] = []
    asyncio.run(notify_apprise.send([url], "t", "b", log=log.append))
    [warning] = log
    assert warning.startswith("warning: notification (notify.urls[0]") and " not notified: " in warning
    captured = capsys.readouterr()
    assert PASSWORD not in warning + captured.out + captured.err


@pytest.mark.parametrize(
    ("url", "secret"),
    [
        pytest.param("mailtos://user:hunter22@example.org?to=team@example.org", "hunter22", id="a password"),
        pytest.param("slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ", "TIiajkdnlazkcOXrIdevi7FQ", id="tokens"),
        pytest.param("ntfy://private-topic-9f2c", "private-topic-9f2c", id="a secret topic as the host"),
        pytest.param("json://example.org/hook?token=abc123xyz", "abc123xyz", id="a token in the query"),
    ],
)
def test_what_apprise_says_is_quoted_without_the_urls_secrets(url: str, secret: str) -> None:
    said = f"Failed to send to {url} ({secret} refused)"
    scrubbed = notify_apprise._scrubbed(said, url)
    assert secret not in scrubbed and url not in scrubbed
    assert secret not in notify_apprise.shown(url, 0)


def test_auditor_run_prints_a_failed_notification_as_a_warning(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(auditor.audit, "check_sources", through_fake_web(SITES, mail=True))
    refused = f"mailto://auditor:{PASSWORD}@127.0.0.1:{free_port()}?to=team@example.org&from=auditor@example.org"
    (project / "targets.yaml").write_text(TARGETS + f"notify:\n  urls:\n    - {refused}\n")
    result = CliRunner().invoke(main, ["run", "--no-progress", "--fail-on", "dead"])
    assert result.exit_code == 1, result.output  # the dead booklet, as without notify:
    assert "auditor: warning: E-Mail (notify.urls[0], mailto://…) not notified: " in result.stderr
    assert PASSWORD not in result.output + result.stderr
