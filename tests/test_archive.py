"""Archived copies of dead, soft-404 and parked pages, asked of a fake archive on the fake web.

The archive answers as the Wayback Machine does (``GET /web/<url>``, no redirect
followed): a redirect is the closest snapshot, a 200 the snapshot itself, a 404 none,
anything else means it is down, which costs one request and one warning, never the run.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from pathlib import Path

import pytest
from aiohttp import web as aioweb
from click.testing import CliRunner

import auditor.audit
import auditor.cli
from auditor.audit import run_audit
from auditor.check.archive import timestamp
from auditor.check.settings import CheckSettings
from auditor.cli import main
from auditor.config import load
from auditor.defaults import ARCHIVE_CONCURRENCY, DEFAULT_ARCHIVE_URL
from auditor.errors import ConfigError
from auditor.extract import Extraction, SourceInfo
from auditor.extract.dates import DocumentDate
from auditor.fakeweb import (
    FakeWeb,
    Handler,
    RecordedRequest,
    Site,
    not_found,
    page,
    redirect,
    refused,
    reset,
    slow,
    status,
)
from auditor.pipeline import Audit, check_sources
from auditor.reference import Location, Reference, Url
from auditor.report.formats import ReportFormat, render
from auditor.sources import Format, Source
from auditor.verdict import DEFAULT_FAIL_ON, Checked, CheckRun, Status, Verdict
from tests.conftest import through_fake_web

ARCHIVE = "http://archive.test/web/"
ARTICLE = "<title>Sarcoma</title><h1>Sarcoma</h1>" + "<p>About sarcoma and its treatment.</p>" * 20
NOT_FOUND_PAGE = "<title>Page not found</title><h1>Sorry, we can't find that page</h1><p>Try the search.</p>"
PARKED = (
    "<title>sarcoma-help.com is for sale | HugeDomains</title>"
    "<h1>This domain is for sale</h1><p>Buy sarcoma-help.com today at HugeDomains.com</p>"
)
FAST = CheckSettings(timeout=2.0, retries=0, host_request_interval=0, archive_url=ARCHIVE)
GONE = "http://www.example.org/gone"
SNAPSHOT = "http://archive.test/web/20130915000000/http://www.example.org/gone"


def sites(archive: Site | None = None) -> dict[str, Site]:
    """The web of these tests; ``archive`` is archive.test's site (None: not declared, no such name)."""
    declared: dict[str, Site] = {
        "www.example.org": {
            "/": page(ARTICLE),
            "/article": page(ARTICLE),
            "/perm": redirect(301, "/article"),
            "/soft": page(NOT_FOUND_PAGE),
            "/broken": status(500),
            "/login": status(401),
            "*": not_found(),
        },
        "sarcoma-help.com": {"*": page(PARKED)},
    }
    if archive is not None:
        declared["archive.test"] = archive
    return declared


def check(
    folder: Path, documents: dict[str, str], archive: Site | None, settings: CheckSettings = FAST
) -> tuple[Audit, list[RecordedRequest]]:
    """Check ``documents`` (name: text, written into ``folder``) against the fake web:
    the audit, and the requests the archive host received."""
    sources = []
    for name, text in documents.items():
        (folder / name).write_text(text)
        sources.append(Source(name, folder / name, Format.TEXT))

    async def go() -> tuple[Audit, list[RecordedRequest]]:
        async with FakeWeb(sites(archive)) as fake:
            audit = await check_sources(sources, settings, resolver=fake.resolver, ssl=fake.client_ssl)
        return audit, [r for r in fake.requests if r.host == "archive.test"]

    return asyncio.run(go())


def archived(audit: Audit) -> dict[str, str | None]:
    return {item.reference.text: item.verdict.archive_url for item in audit.run.results}


# --- how an answer is read ------------------------------------------------------------------

# (id, the archive's answer to GET /web/http://www.example.org/gone, archive_url, words of the note or None)
ANSWERS = [
    ("302 absolute Location: the snapshot", redirect(302, SNAPSHOT), SNAPSHOT, None),
    ("302 relative Location: resolved", redirect(302, "/web/20130915000000/http://www.example.org/gone"), SNAPSHOT, None),
    ("301 is a snapshot too", redirect(301, SNAPSHOT), SNAPSHOT, None),
    ("307 is a snapshot too", redirect(307, SNAPSHOT), SNAPSHOT, None),
    ("200: the address asked is the snapshot", page("<title>snapshot</title>"), ARCHIVE + GONE, None),
    ("404: no snapshot, no warning", not_found(), None, None),
    ("503: the archive is down", status(503), None, "(503 Service Unavailable)"),
    ("429: the archive is busy", status(429), None, "(429 Too Many Requests)"),
    ("a reset connection", reset(), None, "(the connection broke off"),
    ("a timeout", slow(3.0, not_found()), None, "(no answer in 1 s)"),
]  # fmt: skip


@pytest.mark.parametrize(("answer", "expected", "note"), [a[1:] for a in ANSWERS], ids=[a[0] for a in ANSWERS])
def test_the_archives_answer_is_read_as_wayback_means_it(
    tmp_path: Path, answer: Handler, expected: str | None, note: str | None
) -> None:
    settings = replace(FAST, timeout=1.0)  # the archive's timeout is this, or 10 s when shorter
    audit, asked = check(tmp_path, {"doc.txt": f"Gone: {GONE}\n"}, {f"/web/{GONE}": answer, "*": not_found()}, settings)
    assert {r.path_qs for r in asked} == {f"/web/{GONE}"}  # once (aiohttp itself asks again after a reset)
    assert archived(audit) == {GONE: expected}
    assert audit.run.results[0].verdict.status is Status.DEAD  # a lookup never changes a status
    if note is None:
        assert audit.run.notes == ()
    else:
        (text,) = audit.run.notes
        assert text.startswith("the archive at archive.test did not answer ")
        assert note in text and text.endswith("--no-archive (checks.archive_url: null)")
        assert "; no archived copies suggested" in text


# --- an archive that is down: one request, one note, the run unharmed --------------------------

MANY_DEAD = "".join(f"https://www.example.org/gone-{i}\n" for i in range(8))

# (id, archive.test's site, requests it receives, words of the note)
DOWN = [
    ("503", {"*": status(503)}, 1, "(503 Service Unavailable)"),
    ("connection refused", refused(), 0, "(connection refused by archive.test:80)"),
    ("no such name", None, 0, "(the domain archive.test does not exist (NXDOMAIN))"),
]


@pytest.mark.parametrize(("archive", "received", "words"), [d[1:] for d in DOWN], ids=[d[0] for d in DOWN])
def test_an_archive_that_is_down_is_asked_once_and_said_once(
    tmp_path: Path, archive: Site | None, received: int, words: str
) -> None:
    audit, asked = check(tmp_path, {"doc.txt": MANY_DEAD}, archive)
    assert len(asked) == received
    assert audit.run.notes == (
        f"the archive at archive.test did not answer {words}; no archived copies suggested "
        "\u2014 try again later, or stop asking with --no-archive (checks.archive_url: null)",
    )
    assert {item.verdict.status for item in audit.run.results} == {Status.DEAD}
    assert set(archived(audit).values()) == {None}
    assert not audit.run.network_unavailable  # the archive's DNS failure is not an outage


@pytest.mark.parametrize("fmt", [ReportFormat.JSON, ReportFormat.HTML], ids=["json notes", "html banner"])
def test_the_reports_say_the_archive_did_not_answer(tmp_path: Path, fmt: ReportFormat) -> None:
    audit, _ = check(tmp_path, {"doc.txt": MANY_DEAD}, {"*": status(503)})
    shown = render(fmt, audit.extraction, audit.run, DEFAULT_FAIL_ON)
    if fmt is ReportFormat.JSON:
        assert json.loads(shown)["notes"] == list(audit.run.notes)
    else:
        assert '<p class="banner tone-warn">the archive at archive.test did not answer (503' in shown


def test_an_archive_that_fails_midway_keeps_what_it_found_and_says_how_many(tmp_path: Path) -> None:
    first = "https://www.example.org/gone-0"
    archive = {f"/web/{first}": redirect(302, f"/web/2013/{first}"), "*": status(503)}
    audit, asked = check(tmp_path, {"doc.txt": MANY_DEAD}, archive)
    assert archived(audit)[first] == f"http://archive.test/web/2013/{first}"
    assert len(asked) <= 1 + ARCHIVE_CONCURRENCY  # those in flight when it failed, no more
    (note,) = audit.run.notes
    assert "(503 Service Unavailable); only 1 of 8 addresses looked up \u2014 try again later" in note


# --- what is asked ----------------------------------------------------------------------------


def test_only_dead_soft_404_and_parked_web_addresses_are_looked_up(tmp_path: Path) -> None:
    text = (
        "ok https://www.example.org/article\n"
        "moved https://www.example.org/perm\n"
        "dead https://www.example.org/gone\n"
        "soft https://www.example.org/soft\n"
        "parked https://sarcoma-help.com/\n"
        "error https://www.example.org/broken\n"
        "blocked https://www.example.org/login\n"
        "mail info@no-such-charity.test\n"
    )
    audit, asked = check(tmp_path, {"doc.txt": text}, {"*": redirect(302, "/web/2013/snapshot")})
    assert sorted(r.path_qs for r in asked) == [
        "/web/https://sarcoma-help.com/",
        "/web/https://www.example.org/gone",
        "/web/https://www.example.org/soft",
    ]
    statuses = {item.verdict.status: item.verdict.archive_url for item in audit.run.results}
    assert (
        statuses[Status.DEAD]
        == statuses[Status.SOFT_404]
        == statuses[Status.PARKED]
        == ("http://archive.test/web/2013/snapshot")
    )
    assert statuses[Status.OK] is statuses[Status.MOVED] is statuses[Status.ERROR] is statuses[Status.BLOCKED] is None


def test_each_address_is_asked_once_however_often_and_wherever_it_is_written(tmp_path: Path) -> None:
    documents = {
        "a.txt": f"{GONE}#intro and again {GONE}#end and {GONE}\n",
        "b.txt": f"also {GONE}#intro\n",
    }
    audit, asked = check(tmp_path, documents, {f"/web/{GONE}": redirect(302, SNAPSHOT), "*": not_found()})
    assert [r.path_qs for r in asked] == [f"/web/{GONE}"]  # no fragment, once
    assert set(archived(audit).values()) == {SNAPSHOT}  # every reference to it gets the snapshot


# (id, the documents, the path asked)
DATED = [
    ("no date: the latest snapshot", {"a.txt": f"{GONE}\n"}, f"/web/{GONE}"),
    ("a month: its first day", {"a.txt": f"{GONE}\nLast reviewed: September 2013\n"}, f"/web/20130901/{GONE}"),
    ("a day", {"a.txt": f"{GONE}\nLast reviewed: 14 March 2011\n"}, f"/web/20110314/{GONE}"),
    (
        "two documents: the earlier date",
        {"a.txt": f"{GONE}\nReviewed: June 2015\n", "b.txt": f"{GONE}\nReviewed: March 2011\n"},
        f"/web/20110301/{GONE}",
    ),
    (
        "a dated and an undated document: the date",
        {"a.txt": f"{GONE}\n", "b.txt": f"{GONE}\nReviewed: March 2011\n"},
        f"/web/20110301/{GONE}",
    ),
]


@pytest.mark.parametrize(("documents", "path"), [d[1:] for d in DATED], ids=[d[0] for d in DATED])
def test_a_documents_date_asks_for_the_snapshot_nearest_it(
    tmp_path: Path, documents: dict[str, str], path: str
) -> None:
    _, asked = check(tmp_path, documents, {"*": not_found()})
    assert [r.path_qs for r in asked] == [path]


@pytest.mark.parametrize(
    ("date", "stamp"),
    [(DocumentDate(2013), "20130101"), (DocumentDate(2013, 9), "20130901"), (DocumentDate(2011, 3, 14), "20110314")],
    ids=["a year", "a month", "a day"],
)
def test_the_timestamp_of_a_date_is_the_start_of_what_it_says(date: DocumentDate, stamp: str) -> None:
    assert timestamp(date) == stamp


def test_lookups_are_a_few_at_a_time_the_first_alone(tmp_path: Path) -> None:
    in_flight, most, order = 0, 0, []

    async def slow_archive(request: aioweb.Request) -> aioweb.StreamResponse:
        nonlocal in_flight, most
        in_flight += 1
        most = max(most, in_flight)
        order.append(("start", in_flight))
        await asyncio.sleep(0.05)
        in_flight -= 1
        return aioweb.Response(status=404)

    text = "".join(f"https://www.example.org/gone-{i}\n" for i in range(12))
    audit, asked = check(tmp_path, {"doc.txt": text}, {"*": slow_archive})
    assert len(asked) == 12 and audit.run.notes == ()
    assert most == ARCHIVE_CONCURRENCY
    assert order[0] == ("start", 1) and order[1] == ("start", 1)  # the first finished before the others began


def test_the_archive_hears_our_user_agent_and_none_of_the_sites_headers(tmp_path: Path) -> None:
    settings = replace(FAST, headers=(("Authorization", "Bearer secret"),))
    _, asked = check(tmp_path, {"doc.txt": f"{GONE}\n"}, {"*": not_found()}, settings)
    (request,) = asked
    assert request.headers["User-Agent"] == settings.user_agent
    assert "Authorization" not in request.headers


def test_no_archive_url_no_lookup(tmp_path: Path) -> None:
    audit, asked = check(
        tmp_path, {"doc.txt": f"{GONE}\n"}, {"*": redirect(302, SNAPSHOT)}, replace(FAST, archive_url=None)
    )
    assert asked == [] and audit.run.notes == ()
    assert archived(audit) == {GONE: None}


def test_the_lookups_count_among_the_runs_requests(tmp_path: Path) -> None:
    archive = {"*": not_found()}
    with_archive, asked = check(tmp_path, {"doc.txt": f"{GONE}\n"}, archive)
    without, _ = check(tmp_path, {"doc.txt": f"{GONE}\n"}, archive, replace(FAST, archive_url=None))
    assert with_archive.run.requests == without.run.requests + len(asked) == without.run.requests + 1


def test_in_an_outage_the_archive_is_not_asked(tmp_path: Path) -> None:
    text = "https://www.one.test/\nhttps://www.two.test/\nhttps://www.three.test/\n"
    audit, asked = check(tmp_path, {"doc.txt": text}, {"*": redirect(302, SNAPSHOT)})
    assert audit.run.network_unavailable
    assert asked == [] and audit.run.notes == ()


# --- the command line and targets.yaml --------------------------------------------------------

WAYBACK_SNAPSHOT = "https://web.archive.org/web/20130915000000/https://www.example.org/gone"


@pytest.fixture
def wayback(monkeypatch: pytest.MonkeyPatch) -> list[RecordedRequest]:
    """`auditor check` and `auditor run` against the fake web, with a fake web.archive.org
    (the default archive): returns the requests it receives."""
    asked: list[RecordedRequest] = []
    declared = {
        **sites(),
        "web.archive.org": {"/web/https://www.example.org/gone": redirect(302, WAYBACK_SNAPSHOT), "*": not_found()},
    }

    async def fake(sources, settings, regions, **kwargs):  # type: ignore[no-untyped-def]
        async with FakeWeb(declared) as web:
            audit = await check_sources(
                sources, settings, regions, resolver=web.resolver, ssl=web.client_ssl, mail_resolver=web.mail_resolver,
                **{k: v for k, v in kwargs.items() if k not in ("resolver", "ssl", "mail_resolver")},
            )  # fmt: skip
        asked.extend(r for r in web.requests if r.host == "web.archive.org")
        return audit

    monkeypatch.setattr(auditor.cli, "check_sources", fake)
    monkeypatch.setattr(auditor.audit, "check_sources", fake)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    return asked


@pytest.mark.parametrize("flag", [[], ["--no-archive"]], ids=["by default", "--no-archive"])
def test_check_shows_the_archived_copy_unless_told_not_to_ask(
    tmp_path: Path, wayback: list[RecordedRequest], flag: list[str]
) -> None:
    doc = tmp_path / "doc.txt"
    doc.write_text("Gone: https://www.example.org/gone\n")
    args = ["check", str(doc), "--retries", "0", "--host-request-interval", "0", *flag]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1
    assert ("      archived copy: " + WAYBACK_SNAPSHOT in result.stdout) is not flag
    assert len(wayback) == (0 if flag else 1)
    assert "warning" not in result.stderr
    data = json.loads(CliRunner().invoke(main, [*args, "--format", "json"]).stdout)
    assert data["references"][0]["archive_url"] == (None if flag else WAYBACK_SNAPSHOT)


def test_check_warns_when_the_archive_does_not_answer_and_still_exits_as_it_would(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def fake(sources, settings, regions, **kwargs):  # type: ignore[no-untyped-def]
        async with FakeWeb(sites()) as web:  # no web.archive.org: its name does not resolve
            return await check_sources(sources, settings, regions, resolver=web.resolver, ssl=web.client_ssl)

    monkeypatch.setattr(auditor.cli, "check_sources", fake)
    doc = tmp_path / "doc.txt"
    doc.write_text("Fine: https://www.example.org/article\nGone: https://www.example.org/gone\n")
    result = CliRunner().invoke(main, ["check", str(doc), "--retries", "0", "--fail-on", "error"])
    assert result.exit_code == 0  # dead does not fail here, and neither does the archive
    assert result.stderr == (
        "auditor: warning: the archive at web.archive.org did not answer (the domain web.archive.org does not "
        "exist (NXDOMAIN)); no archived copies suggested \u2014 try again later, or stop asking with --no-archive "
        "(checks.archive_url: null)\n"
    )


TARGETS = """\
sources:
  - path: doc.txt
checks:
  retries: 0
  host_request_interval: 0
"""


@pytest.mark.parametrize(
    ("checks", "flag", "expected"),
    [
        ("", [], WAYBACK_SNAPSHOT),
        ("  archive_url: null\n", [], None),
        ("", ["--no-archive"], None),
    ],
    ids=["by default", "archive_url: null", "--no-archive"],
)
def test_run_looks_up_archived_copies_unless_switched_off(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    wayback: list[RecordedRequest],
    checks: str,
    flag: list[str],
    expected: str | None,
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "doc.txt").write_text("Gone: https://www.example.org/gone\n")
    (tmp_path / "targets.yaml").write_text(TARGETS + checks)
    result = CliRunner().invoke(main, ["run", "--no-progress", *flag])
    assert result.exit_code == 1, result.output
    report = json.loads((tmp_path / "reports" / "latest.json").read_text())
    assert report["references"][0]["archive_url"] == expected
    assert len(wayback) == (1 if expected else 0)


def test_run_warns_when_the_archive_does_not_answer_and_the_schedule_logs_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(auditor.audit, "check_sources", through_fake_web(sites()))  # no web.archive.org
    (tmp_path / "doc.txt").write_text("Gone: https://www.example.org/gone\n")
    (tmp_path / "targets.yaml").write_text(TARGETS)
    result = CliRunner().invoke(main, ["run", "--no-progress"])
    assert result.exit_code == 1  # the dead link, as without the archive
    warning = "auditor: warning: the archive at web.archive.org did not answer (the domain web.archive.org does not"
    assert result.stderr.startswith(warning)
    logged: list[str] = []
    asyncio.run(run_audit(load(tmp_path / "targets.yaml"), log=logged.append))
    assert [line[:47] for line in logged] == ["warning: the archive at web.archive.org did not"]


def test_run_audit_asks_the_archive_the_file_names(tmp_path: Path) -> None:
    (tmp_path / "doc.txt").write_text(f"Gone: {GONE}\n")
    (tmp_path / "targets.yaml").write_text(TARGETS + f"  archive_url: {ARCHIVE}\n")
    config = load(tmp_path / "targets.yaml")
    assert config.check_settings().archive_url == ARCHIVE

    async def go() -> auditor.audit.AuditOutcome:
        async with FakeWeb(sites({f"/web/{GONE}": redirect(302, SNAPSHOT), "*": not_found()})) as web:
            return await run_audit(config, resolver=web.resolver, ssl=web.client_ssl, mail_resolver=web.mail_resolver)

    outcome = asyncio.run(go())
    assert [item.verdict.archive_url for item in outcome.audit.run.results] == [SNAPSHOT]


# (id, the checks: line, the error)
BAD = [
    ("not a web address", "archive_url: web.archive.org/web/", "not a web address (needs http:// or https://)"),
    ("no trailing slash", "archive_url: https://web.archive.org/web", "must end with '/'"),
    ("not text", "archive_url: 4", "Input should be a valid string"),
]


@pytest.mark.parametrize(("line", "error"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_a_bad_archive_url_is_an_error_naming_the_line_and_key(tmp_path: Path, line: str, error: str) -> None:
    (tmp_path / "targets.yaml").write_text(f"sources:\n  - path: doc.txt\nchecks:\n  retries: 0\n  {line}\n")
    with pytest.raises(ConfigError) as caught:
        load(tmp_path / "targets.yaml")
    message = str(caught.value)
    assert message.startswith(f"{tmp_path / 'targets.yaml'}:5: checks.archive_url: ")
    assert error in message


def test_the_default_archive_is_the_wayback_machine(tmp_path: Path) -> None:
    (tmp_path / "targets.yaml").write_text("sources:\n  - path: doc.txt\n")
    assert load(tmp_path / "targets.yaml").check_settings().archive_url == DEFAULT_ARCHIVE_URL
    assert CheckSettings().archive_url == DEFAULT_ARCHIVE_URL == "https://web.archive.org/web/"


# --- every report shows it next to the reference ----------------------------------------------


def reported_run() -> tuple[Extraction, CheckRun]:
    where = Location("guide.md", 7, 5, f"see {GONE}", GONE)
    results = (
        Checked(Reference(Url(GONE), GONE, (where,)), Verdict(Status.DEAD, "404 Not Found", 404, archive_url=SNAPSHOT)),
        Checked(
            Reference(Url("https://www.example.org/lost"), "https://www.example.org/lost", (where,)),
            Verdict(Status.DEAD, "404 Not Found", 404),
        ),
    )
    extraction = Extraction((SourceInfo("guide.md", Format.MARKDOWN, None),), tuple(r.reference for r in results), ())
    return extraction, CheckRun(results, network_unavailable=False, requests=2, elapsed_ms=100)


# (format, what shows the archived copy)
FORMATS = [
    (ReportFormat.TEXT, f"  guide.md:7:5  {GONE}\n      404 Not Found\n      archived copy: {SNAPSHOT}\n"),
    (ReportFormat.JSON, f'"archive_url": "{SNAPSHOT}"'),
    (ReportFormat.HTML, f'"a":"{SNAPSHOT}"'),  # in the page's data: report.js draws "Archived copy:", a link, Copy
    (ReportFormat.MARKDOWN, f"| guide.md:7 | `{GONE}` | `{SNAPSHOT}` |"),
    (ReportFormat.JUNIT, f"archived copy: {SNAPSHOT}"),
    (ReportFormat.SARIF, f"{GONE}: 404 Not Found \u2014 archived copy: {SNAPSHOT}"),
]


@pytest.mark.parametrize(("fmt", "shown"), FORMATS, ids=[f.value for f, _ in FORMATS])
def test_every_report_format_shows_the_archived_copy(fmt: ReportFormat, shown: str) -> None:
    extraction, run = reported_run()
    assert shown in render(fmt, extraction, run, DEFAULT_FAIL_ON)


def test_json_says_null_when_there_is_no_archived_copy() -> None:
    extraction, run = reported_run()
    data = json.loads(render(ReportFormat.JSON, extraction, run, DEFAULT_FAIL_ON))
    assert [r["archive_url"] for r in data["references"]] == [SNAPSHOT, None]


def test_sarif_has_the_archived_copy_in_the_results_properties() -> None:
    extraction, run = reported_run()
    log = json.loads(render(ReportFormat.SARIF, extraction, run, DEFAULT_FAIL_ON))
    assert [r["properties"]["archive_url"] for r in log["runs"][0]["results"]] == [SNAPSHOT, None]


def test_markdown_lists_archived_copies_in_their_own_table() -> None:
    extraction, run = reported_run()
    lines = render(ReportFormat.MARKDOWN, extraction, run, DEFAULT_FAIL_ON).splitlines()
    start = lines.index("### Archived copies")
    assert lines[start + 2 : start + 4] == ["| where | written | archived copy |", "|---|---|---|"]
    assert lines[start + 4 :] == [f"| guide.md:7 | `{GONE}` | `{SNAPSHOT}` |"]
