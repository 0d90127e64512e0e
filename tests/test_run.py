"""`auditor run`: the weekly audit with memory, against the fake web.

Two runs in a row write two dated reports, a latest and an index with a trend; the
second remembers the first. A crash, a lock, a corrupt history or an outage never
loses the previous reports or history.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from aiohttp import web
from bs4 import BeautifulSoup
from click.testing import CliRunner

import auditor.audit
from auditor.audit import run_audit
from auditor.cli import main
from auditor.config import load
from auditor.fakeweb import FakeWeb, not_found, page, redirect
from auditor.history import History
from auditor.lock import AuditLock
from tests.conftest import through_fake_web

HOME = (
    "<title>Sarcoma UK</title>"
    + "<p>Sarcoma UK: support for everyone affected by sarcoma. Call 0808 801 0401.</p>" * 20
)
SITES = {
    "www.sarcoma.org.uk": {
        "/": page(HOME),
        "/support": page("<title>Support</title>" + "<p>Our support line and nurses.</p>" * 30),
        "/old-support": redirect(301, "/support"),
        "/reviewed": page(
            '<html><head><title>Treatments</title><meta property="article:modified_time" content="2011-03-14"></head>'
            "<body>" + "<p>Treatments for sarcoma explained.</p>" * 30 + "</body></html>"
        ),
        "*": not_found(),
    },
    "www.cancer.gov": {
        "/": page("<title>NCI</title>" + "<p>National Cancer Institute. Cancer Information Service.</p>" * 20),
        "/contact": page("<title>Contact</title><p>Cancer Information Service: 1-800-422-6237</p>" * 5),
        "*": not_found(),
    },
    "www.helpline.example.org": {
        "/": page("<title>Helpline</title><p>Call our new helpline on 020 7946 0999.</p>" * 10),
        "*": not_found(),
    },
}
LEAFLET = """\
# Where to get help

Sarcoma UK: https://www.sarcoma.org.uk/ and its support pages https://www.sarcoma.org.uk/old-support.

Treatments: https://www.sarcoma.org.uk/reviewed

An old booklet: https://www.sarcoma.org.uk/booklet.htm

The Cancer Information Service on 1-800-4-CANCER.

A helpline, 020 7946 0000, see www.helpline.example.org.

Reviewed: June 2011
"""
TARGETS = """\
sources:
  - path: leaflet.md
organisations:
  - name: National Cancer Institute
    url: https://www.cancer.gov/
    pages: [https://www.cancer.gov/contact]
    phones: ["1-800-4-CANCER"]
    expect: ["Cancer Information Service"]
checks:
  regions: [GB, US]
  retries: 0
  host_request_interval: 0
  stale_after_days: 1095
reports:
  dir: reports
  keep: 2
"""
MONDAY = dt.datetime(2026, 11, 16, 6, 0, tzinfo=dt.UTC)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "leaflet.md").write_text(LEAFLET)
    (tmp_path / "targets.yaml").write_text(TARGETS)
    return tmp_path


def audit(project: Path, when: dt.datetime, sites=SITES):  # type: ignore[no-untyped-def]
    async def go():  # type: ignore[no-untyped-def]
        async with FakeWeb(sites) as web:
            return await run_audit(
                load(project / "targets.yaml"),
                resolver=web.resolver,
                ssl=web.client_ssl,
                mail_resolver=web.mail_resolver,
                now=lambda: when,
            )

    return asyncio.run(go())


def latest(project: Path) -> dict:  # type: ignore[type-arg]
    return json.loads((project / "reports" / "latest.json").read_text())  # type: ignore[no-any-return]


def references(report: dict) -> dict[str, dict]:  # type: ignore[type-arg]
    return {r["text"]: r for r in report["references"]}


def test_two_runs_write_dated_reports_a_latest_and_an_index_with_a_trend(project: Path) -> None:
    first = audit(project, MONDAY)
    second = audit(project, MONDAY + dt.timedelta(days=7))
    reports = project / "reports"
    assert first.exit_code == second.exit_code == 1  # the old booklet is dead
    assert sorted(p.name for p in reports.glob("2026-*")) == [
        "2026-11-16T060000.html",
        "2026-11-16T060000.json",
        "2026-11-23T060000.html",
        "2026-11-23T060000.json",
    ]
    latest = json.loads((reports / "latest.json").read_text())
    assert latest == json.loads((reports / "2026-11-23T060000.json").read_text())
    assert latest["summary"]["new_broken"] == 0 and latest["summary"]["still_broken"] == 1
    assert latest["changes"]["previous_run"] == "2026-11-16T06:00:00+00:00"
    booklet = references(latest)["https://www.sarcoma.org.uk/booklet.htm"]
    assert (booklet["status"], booklet["previous_status"]) == ("dead", "dead")
    assert booklet["first_seen"] == booklet["status_since"] == "2026-11-16T06:00:00+00:00"
    index = BeautifulSoup((reports / "index.html").read_text(), "lxml")
    assert [a["href"] for a in index.select("#runs a")] == ["2026-11-23T060000.html", "2026-11-16T060000.html"]
    assert len(index.select("#trend svg polyline")) == 3
    assert "2026-11-23T060000.html" in second.summary or second.report.name == "2026-11-23T060000.html"


def test_the_index_shows_each_runs_groups_as_the_history_stored_them(project: Path) -> None:
    audit(project, MONDAY)
    outcome = audit(project, MONDAY + dt.timedelta(days=7))
    with History.open(project / "reports" / "history.sqlite") as history:
        runs = history.runs()
    assert outcome.run == runs[0] and all(run.groups is not None for run in runs)
    index_page = BeautifulSoup((project / "reports" / "index.html").read_text(), "lxml")
    shown = [
        {td["data-group"]: int(td.get_text()) for td in row.select("td[data-group]")}
        for row in index_page.select("#runs tbody tr")
    ]
    assert shown == [run.groups for run in runs]  # newest first
    tiles = {li["data-group"]: int(li.select_one(".count").get_text()) for li in index_page.select("#latest .tile")}
    assert tiles == runs[0].groups
    summary = latest(project)["summary"]
    assert (runs[0].groups["fails"], runs[0].failing, sum(runs[0].groups.values())) == (
        summary["broken"],
        summary["broken"],
        summary["total"],
    )


def test_the_report_gets_the_trend_of_the_runs_ending_with_its_own_and_the_index(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    audit(project, MONDAY)
    given = {}
    real = auditor.audit.html.to_html

    def to_html(*args, trend, index_href, **kwargs):  # type: ignore[no-untyped-def]  # the report's new parameters
        given.update(trend=trend, index_href=index_href)
        return real(*args, **kwargs)

    monkeypatch.setattr(auditor.audit.html, "to_html", to_html)
    audit(project, MONDAY + dt.timedelta(days=7))
    with History.open(project / "reports" / "history.sqlite") as history:
        oldest_first = list(reversed(history.runs()))
    assert given["index_href"] == "index.html"
    trend = given["trend"]
    assert [p.started_at for p in trend] == [run.started_at for run in oldest_first]
    assert [{g.value: n for g, n in p.by_group.items()} for p in trend] == [run.groups for run in oldest_first]
    assert [p.report for p in trend] == ["2026-11-16T060000.html", "2026-11-23T060000.html"]


def test_the_first_run_has_no_past_and_everything_failing_is_new(project: Path) -> None:
    audit(project, MONDAY)
    report = json.loads((project / "reports" / "latest.json").read_text())
    assert report["summary"]["new_broken"] == 1
    assert {r["previous_status"] for r in report["references"]} == {None}
    html = BeautifulSoup((project / "reports" / "latest.html").read_text(), "lxml")
    assert [li["data-status"] for li in html.select("#changes-new .ref")] == ["dead"]


def test_phones_come_out_confirmed_or_unconfirmed_with_the_numbers_found(project: Path) -> None:
    audit(project, MONDAY)
    report = references(json.loads((project / "reports" / "latest.json").read_text()))
    nci = report["1-800-4-CANCER"]
    assert (nci["status"], nci["listed_on"]) == ("confirmed", "https://www.cancer.gov/contact")
    helpline = report["020 7946 0000"]
    assert helpline["status"] == "unconfirmed"
    assert helpline["found"] == ["+442079460999"]


def test_a_page_last_reviewed_in_2011_is_stale_and_so_is_the_leaflet(project: Path) -> None:
    audit(project, MONDAY)
    report = json.loads((project / "reports" / "latest.json").read_text())
    treatments = references(report)["https://www.sarcoma.org.uk/reviewed"]
    assert {"kind": "stale", "date": "2011-03-14"}.items() <= treatments["findings"][0].items()
    assert report["sources"][0]["stale"] is True


def test_a_fixed_link_is_reported_fixed_the_next_week(project: Path) -> None:
    audit(project, MONDAY)
    healed = {
        **SITES,
        "www.sarcoma.org.uk": {
            **SITES["www.sarcoma.org.uk"],
            "/booklet.htm": page("<title>Booklet</title>" + "<p>x</p>" * 50),
        },
    }
    outcome = audit(project, MONDAY + dt.timedelta(days=7), sites=healed)
    assert outcome.exit_code == 0
    report = json.loads((project / "reports" / "latest.json").read_text())
    assert report["changes"]["fixed"] == ["url:https://www.sarcoma.org.uk/booklet.htm"]


def test_report_files_beyond_keep_are_removed_and_the_history_keeps_every_run(project: Path) -> None:
    for week in range(3):
        audit(project, MONDAY + dt.timedelta(days=7 * week))
    reports = project / "reports"
    assert sorted(p.name for p in reports.glob("2026-*.html")) == ["2026-11-23T060000.html", "2026-11-30T060000.html"]
    index = BeautifulSoup((reports / "index.html").read_text(), "lxml")
    assert len(index.select("#runs tbody tr")) == 3
    assert "removed" in index.select("#runs tbody tr")[-1].get_text()


def test_a_crash_while_writing_leaves_the_previous_latest_and_history(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    audit(project, MONDAY)
    reports = project / "reports"
    before = {p.name: p.read_bytes() for p in reports.iterdir() if p.is_file() and not p.name.startswith(".")}

    def crash(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("killed")

    monkeypatch.setattr(auditor.audit.html, "to_html", crash)
    with pytest.raises(RuntimeError):
        audit(project, MONDAY + dt.timedelta(days=7))
    after = {p.name: p.read_bytes() for p in reports.iterdir() if p.is_file() and not p.name.startswith(".")}
    for name in ("latest.json", "latest.html", "index.html", "history.sqlite"):
        assert after[name] == before[name]


def test_an_audit_already_running_is_an_error_not_a_second_audit(project: Path) -> None:
    with AuditLock(project / "reports"):
        result = CliRunner().invoke(main, ["run", "--no-progress"])
    assert result.exit_code == 2
    assert "another audit is running" in result.stderr


def test_a_corrupt_history_is_an_error_naming_it_and_is_never_recreated(project: Path) -> None:
    history = project / "reports" / "history.sqlite"
    history.parent.mkdir()
    history.write_bytes(b"this is not a database" * 100)
    result = CliRunner().invoke(main, ["run", "--no-progress"])
    assert result.exit_code == 2
    assert "history.sqlite" in result.stderr and "--reset-history" in result.stderr
    assert history.read_bytes() == b"this is not a database" * 100


def test_without_network_nothing_is_written_and_the_exit_code_is_3(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # an empty fake web: every name fails to resolve, no host answers
    monkeypatch.setattr(auditor.audit, "check_sources", through_fake_web({}, mail=True))
    (project / "leaflet.md").write_text("https://www.sarcoma.org.uk/ https://www.cancer.gov/ https://www.nhs.uk/\n")
    result = CliRunner().invoke(main, ["run", "--no-progress"])
    assert result.exit_code == 3, result.output
    assert "network is unavailable" in result.stderr and "auditor demo" in result.stderr
    assert not list((project / "reports").glob("*.html"))


def test_the_cli_run_prints_a_summary_and_where_the_report_is(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(auditor.audit, "check_sources", through_fake_web(SITES, mail=True))
    result = CliRunner().invoke(main, ["run", "--no-progress", "--fail-on", "dead"])
    assert result.exit_code == 1, result.output
    assert "1 failing (1 new, 0 still, 0 fixed)" in result.stdout
    assert "wrote reports/20" in result.stdout and "reports/latest.html" in result.stdout


def test_webhooks_hear_of_each_run_and_a_dead_webhook_fails_nothing(project: Path) -> None:
    received: list[dict] = []  # type: ignore[type-arg]

    async def hook(request):  # type: ignore[no-untyped-def]
        received.append(await request.json())
        return web.json_response({"ok": True})

    sites = {**SITES, "hooks.example.org": {"/audit": hook}}
    with (project / "targets.yaml").open("a") as targets:
        targets.write(
            "notify:\n  - webhook: https://hooks.example.org/audit\n  - webhook: https://down.example.org/x\n"
        )
    outcome = audit(project, MONDAY, sites=sites)
    assert outcome.exit_code == 1  # the dead booklet; not the unreachable webhook
    (notice,) = received
    assert notice["summary"]["failing"] == 1
    assert notice["new_broken"] == ["https://www.sarcoma.org.uk/booklet.htm (leaflet.md:7)"]
    assert notice["report"].endswith("2026-11-16T060000.html")


def test_schedule_audits_at_once_when_never_run_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    """The real command in a subprocess: a document without links needs no network."""
    (tmp_path / "notes.md").write_text("# Notes\n\nNothing to check here.\n")
    (tmp_path / "targets.yaml").write_text('sources:\n  - path: notes.md\nschedule:\n  cron: "* * * * *"\n')
    process = subprocess.Popen(
        [sys.executable, "-m", "auditor", "schedule"], cwd=tmp_path, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + 30
        while not (tmp_path / "reports" / "latest.html").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert (tmp_path / "reports" / "latest.html").exists()
        time.sleep(0.5)  # let the audit finish writing the index
    finally:
        process.send_signal(signal.SIGTERM)
        _, log = process.communicate(timeout=30)
    assert process.returncode == 0, log
    assert "next audit at" in log
    assert (tmp_path / "reports" / "index.html").exists()


def test_stale_after_days_null_turns_staleness_off(project: Path) -> None:
    (project / "targets.yaml").write_text(TARGETS.replace("stale_after_days: 1095", "stale_after_days: null"))
    audit(project, MONDAY)
    report = json.loads((project / "reports" / "latest.json").read_text())
    assert report["sources"][0]["stale"] is False
    assert not references(report)["https://www.sarcoma.org.uk/reviewed"]["findings"]


def test_a_second_run_the_same_day_reuses_healthy_results_and_asks_again_what_failed(project: Path) -> None:
    audit(project, MONDAY)
    audit(project, MONDAY + dt.timedelta(hours=3))  # within checks.cache_max_age (1d)
    second = latest(project)
    refs = references(second)
    assert refs["https://www.sarcoma.org.uk/reviewed"]["cached"] is True
    assert refs["https://www.sarcoma.org.uk/old-support"]["cached"] is True
    assert refs["https://www.sarcoma.org.uk/booklet.htm"]["cached"] is False  # dead: never cached
    assert second["summary"]["cached"] >= 3
    # A week later everything is older than a day: asked again (conditionally where it can be).
    audit(project, MONDAY + dt.timedelta(days=7))
    assert latest(project)["summary"]["cached"] == 0


def test_no_cache_and_a_null_max_age_ask_everything_again(project: Path) -> None:
    audit(project, MONDAY)
    (project / "targets.yaml").write_text(TARGETS.replace("  stale_after_days: 1095\n", "  cache_max_age: null\n"))
    audit(project, MONDAY + dt.timedelta(hours=1))
    assert latest(project)["summary"]["cached"] == 0


def test_a_site_in_targets_yaml_is_crawled_and_its_pages_are_sources(project: Path) -> None:
    (project / "targets.yaml").write_text(
        TARGETS.replace("  - path: leaflet.md\n", "  - url: https://www.sarcoma.org.uk/\n    depth: 1\n")
    )
    site = {
        **SITES,
        "www.sarcoma.org.uk": {
            **SITES["www.sarcoma.org.uk"],
            "/": page('<title>Sarcoma UK</title><a href="/support">Support</a> <a href="/gone">Gone</a>'),
        },
    }
    audit(project, MONDAY, sites=site)
    report = latest(project)
    assert [s["url"] for s in report["sources"]] == [
        "https://www.sarcoma.org.uk/",
        "https://www.sarcoma.org.uk/support",
    ]
    assert report["crawls"][0]["pages"] == 2
    assert references(report)["/gone"]["status"] == "dead"


def test_a_week_later_only_changed_pages_are_read_again_and_the_findings_stay(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from auditor.check import freshness

    read: list[str] = []  # the pages whose title, date and fingerprint were read (parsed, extracted)
    real = freshness.page_facts

    def reading(page, **kwargs):  # type: ignore[no-untyped-def]
        read.append(page.url)
        return real(page, **kwargs)

    monkeypatch.setattr(freshness, "page_facts", reading)
    audit(project, MONDAY)
    assert "https://www.sarcoma.org.uk/reviewed" in read
    read.clear()
    rewritten = "<title>Shop</title>" + "<p>Buy our mugs, tote bags and Christmas cards online today.</p>" * 30
    sites = {**SITES, "www.sarcoma.org.uk": {**SITES["www.sarcoma.org.uk"], "/support": page(rewritten)}}
    audit(project, MONDAY + dt.timedelta(days=7), sites)  # the cache is a week old: everything asked again
    refs = references(latest(project))
    assert read == ["https://www.sarcoma.org.uk/support"]  # the one page whose body changed
    # The unchanged page keeps what a reading would have found: its date, so still stale.
    reviewed = refs["https://www.sarcoma.org.uk/reviewed"]
    assert (reviewed["cached"], [f["kind"] for f in reviewed["findings"]]) == (False, ["stale"])
    assert refs["https://www.sarcoma.org.uk/"]["findings"] == []  # unchanged: no content-changed
    changed = [f["kind"] for f in refs["https://www.sarcoma.org.uk/old-support"]["findings"]]
    assert changed == ["content-changed", "title-changed"]
