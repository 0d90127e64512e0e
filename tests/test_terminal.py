"""`auditor check` in a terminal: when a progress bar and colour appear, what the engine tells the bar, -q."""

from __future__ import annotations

import asyncio
import io
from collections import Counter
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import auditor.cli
import auditor.sources
from auditor.check.settings import CheckSettings
from auditor.cli import main
from auditor.fakeweb import FakeWeb, not_found, page
from auditor.pipeline import check_references, check_sources
from auditor.report import terminal
from auditor.report.checked import to_text
from auditor.report.terminal import ProgressBar, use_colour, wants_progress
from auditor.verdict import DEFAULT_FAIL_ON, Checked, CheckRun, Status, Verdict
from tests.conftest import extract, through_fake_web

ARTICLE = "<title>Sarcoma</title><h1>Sarcoma</h1>" + "<p>About sarcoma and its treatment.</p>" * 20
FAST = CheckSettings(timeout=0.5, retries=0, host_request_interval=0)
ESC = "\x1b["


def sites() -> dict:
    return {"www.sarcoma-uk.org": {"/support": page(ARTICLE), "*": not_found()}}


class Stream:
    """A stand-in for stderr or stdout that is, or is not, a terminal."""

    def __init__(self, tty: bool) -> None:
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


class Terminal(io.StringIO):
    """A terminal that keeps what was drawn on it."""

    def isatty(self) -> bool:
        return True


class Recorder:
    """A Progress that writes down what it is told."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, object]] = []

    def start(self, total: int) -> None:
        self.calls.append(("start", total))

    def advance(self, checked: Checked) -> None:
        self.calls.append(("advance", checked))

    def finish(self) -> None:
        self.calls.append(("finish", None))

    def advanced(self) -> list[Checked]:
        return [item for name, item in self.calls if name == "advance"]  # type: ignore[misc]


# --- when: the decision tables ---------------------------------------------------------


@pytest.mark.parametrize(
    ("tty", "quiet", "no_progress", "expected"),
    [
        (True, False, False, True),
        (False, False, False, False),
        (True, True, False, False),
        (True, False, True, False),
        (True, True, True, False),
        (False, True, False, False),
    ],
    ids=["tty", "not a tty", "tty -q", "tty --no-progress", "tty -q --no-progress", "not a tty -q"],
)
def test_a_progress_bar_only_on_a_terminal_unless_asked_not_to(
    tty: bool, quiet: bool, no_progress: bool, expected: bool
) -> None:
    assert wants_progress(quiet, no_progress, Stream(tty)) is expected


def test_a_stream_without_isatty_or_closed_is_no_terminal() -> None:
    closed = io.StringIO()
    closed.close()
    assert wants_progress(False, False, object()) is False  # type: ignore[arg-type]
    assert wants_progress(False, False, closed) is False


@pytest.mark.parametrize(
    ("tty", "env", "expected"),
    [
        (True, {}, True),
        (False, {}, False),
        (True, {"NO_COLOR": "1"}, False),
        (True, {"NO_COLOR": "0"}, False),
        (True, {"NO_COLOR": ""}, True),
        (False, {"FORCE_COLOR": "1"}, True),
        (False, {"FORCE_COLOR": ""}, False),
        (True, {"NO_COLOR": "1", "FORCE_COLOR": "1"}, False),
        (True, {"TERM": "dumb"}, False),
        (True, {"TERM": "xterm-256color"}, True),
        (False, {"TERM": "dumb", "FORCE_COLOR": "1"}, True),
    ],
    ids=[
        "tty",
        "pipe",
        "tty NO_COLOR=1",
        "tty NO_COLOR=0 (any value)",
        "tty NO_COLOR empty",
        "pipe FORCE_COLOR=1",
        "pipe FORCE_COLOR empty",
        "NO_COLOR beats FORCE_COLOR",
        "tty TERM=dumb",
        "tty TERM=xterm",
        "FORCE_COLOR beats TERM=dumb",
    ],
)
def test_colour_decision(tty: bool, env: dict[str, str], expected: bool) -> None:
    assert use_colour(Stream(tty), env) is expected  # type: ignore[arg-type]


def test_colour_reads_the_environment_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("TERM", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    assert use_colour(Stream(True)) is False  # type: ignore[arg-type]
    monkeypatch.delenv("NO_COLOR")
    assert use_colour(Stream(True)) is True  # type: ignore[arg-type]


# --- what the engine tells the bar -------------------------------------------------------


def check_with(text: str, progress: object) -> CheckRun:
    async def go() -> CheckRun:
        async with FakeWeb(sites()) as web:
            return await check_references(
                extract(text), FAST, resolver=web.resolver, ssl=web.client_ssl, progress=progress
            )

    return asyncio.run(go())


def test_the_engine_starts_advances_once_per_reference_and_finishes() -> None:
    progress = Recorder()
    run = check_with(
        "https://www.sarcoma-uk.org/support\n"
        "https://www.sarcoma-uk.org/support#treatment\n"  # the same address: one request, two references
        "https://www.sarcoma-uk.org/gone\n",
        progress,
    )
    assert progress.calls[0] == ("start", 3)
    assert progress.calls[-1] == ("finish", None)
    advanced = progress.advanced()
    assert len(progress.calls) == 2 + len(advanced)
    assert sorted(item.reference.text for item in advanced) == sorted(item.reference.text for item in run.results)
    assert Counter(item.verdict.status for item in advanced) == Counter({Status.OK: 2, Status.DEAD: 1})


def test_the_bar_is_finished_when_checking_fails() -> None:
    class Breaks(Recorder):
        def advance(self, checked: Checked) -> None:
            raise RuntimeError("the terminal went away")

    progress = Breaks()
    with pytest.raises(RuntimeError):
        check_with("https://www.sarcoma-uk.org/support", progress)
    assert progress.calls == [("start", 1), ("finish", None)]


def test_check_sources_passes_the_progress_on(tmp_path: Path) -> None:
    doc = tmp_path / "leaflet.txt"
    doc.write_text("https://www.sarcoma-uk.org/support and https://www.sarcoma-uk.org/gone\n")
    progress = Recorder()

    async def go() -> None:
        async with FakeWeb(sites()) as web:
            sources = auditor.sources.resolve_inputs([str(doc)])
            await check_sources(sources, FAST, resolver=web.resolver, ssl=web.client_ssl, progress=progress)

    asyncio.run(go())
    assert [name for name, _ in progress.calls] == ["start", "advance", "advance", "finish"]


# --- the bar itself ------------------------------------------------------------------------


def checked(text: str, status: Status, reason: str = "") -> Checked:
    (ref,) = extract(text)
    return Checked(ref, Verdict(status, reason or status.value))


def test_the_bar_shows_the_count_and_the_failing_so_far() -> None:
    screen = Terminal()
    bar = ProgressBar(DEFAULT_FAIL_ON, file=screen, interval=0)
    bar.start(3)
    bar.advance(checked("https://www.sarcoma-uk.org/gone", Status.DEAD))
    bar.advance(checked("https://www.sarcoma-uk.org/support", Status.OK))
    bar.advance(checked("https://www.sarcoma-uk.org/old", Status.MOVED))
    bar.finish()
    drawn = screen.getvalue()
    assert "checking" in drawn
    assert "3/3" in drawn
    assert "1 failing" in drawn
    assert drawn.endswith("\n")


def test_the_bar_redraws_at_most_every_interval_and_catches_up_at_the_end() -> None:
    screen = Terminal()
    bar = ProgressBar(file=screen, interval=3600)
    bar.start(2)
    bar.advance(checked("https://www.sarcoma-uk.org/gone", Status.DEAD))
    bar.advance(checked("https://www.sarcoma-uk.org/support", Status.OK))
    assert "0/2" in screen.getvalue() and "2/2" not in screen.getvalue()
    bar.finish()
    assert "2/2" in screen.getvalue()


def test_no_bar_for_nothing_to_check() -> None:
    screen = Terminal()
    bar = ProgressBar(file=screen)
    bar.start(0)
    bar.finish()
    assert screen.getvalue() == ""


# --- colour in the text summary --------------------------------------------------------------


def sample_run() -> CheckRun:
    return CheckRun(
        (
            checked("https://www.sarcoma-uk.org/gone", Status.DEAD, "404 Not Found"),
            checked("https://www.sarcoma-uk.org/old", Status.MOVED, "permanent redirect"),
            checked("https://www.sarcoma-uk.org/login", Status.BLOCKED, "401 Unauthorized"),
            checked("https://www.sarcoma-uk.org/support", Status.OK, "200 OK"),
            checked("ftp://files.sarcoma-uk.org/leaflet.pdf", Status.SKIPPED, "ftp: addresses are not checked"),
        ),
        network_unavailable=False,
        requests=4,
        elapsed_ms=1200,
    )


def test_colour_paints_the_status_words_and_keeps_them() -> None:
    run = sample_run()
    plain = to_text(run, DEFAULT_FAIL_ON)
    coloured = to_text(run, DEFAULT_FAIL_ON, colour=True)
    assert ESC not in plain
    assert ESC in coloured
    assert click.unstyle(coloured) == plain  # the same words: colour is never the only signal
    assert click.style("dead (1)", fg="red", bold=True) in coloured
    assert click.style("moved (1)", fg="yellow", bold=True) in coloured
    assert click.style("blocked (1)", fg="magenta", bold=True) in coloured
    assert click.style("1 ok", fg="green") in coloured
    assert click.style("1 skipped", dim=True) in coloured


def test_every_status_has_a_colour() -> None:
    assert set(terminal.STATUS_COLOURS) == set(Status)


# --- the command ----------------------------------------------------------------------------


@pytest.fixture
def web(monkeypatch: pytest.MonkeyPatch) -> None:
    """`auditor check` against the fake web, the colour variables of whoever runs the tests unset."""
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)

    monkeypatch.setattr(auditor.cli, "check_sources", through_fake_web(sites))


def run(tmp_path: Path, *args: str) -> tuple[int, str, str]:
    doc = tmp_path / "leaflet.md"
    doc.write_text("See https://www.sarcoma-uk.org/support and https://www.sarcoma-uk.org/gone\n")
    result = CliRunner().invoke(main, ["check", str(doc), "--retries", "0", "--host-request-interval", "0", *args])
    return result.exit_code, result.stdout, result.stderr


def test_not_a_terminal_no_progress_and_no_colour(tmp_path: Path, web: None) -> None:
    code, out, err = run(tmp_path)
    assert code == 1
    assert "dead (1)" in out
    assert ESC not in out + err
    assert "checking" not in err


@pytest.mark.parametrize(
    ("args", "drawn"),
    [([], True), (["-q"], False), (["--quiet"], False), (["--no-progress"], False)],
    ids=["default", "-q", "--quiet", "--no-progress"],
)
def test_on_a_terminal_the_flags_decide_the_progress(
    tmp_path: Path, web: None, monkeypatch: pytest.MonkeyPatch, args: list[str], drawn: bool
) -> None:
    # stderr is a terminal; the bar is the real one (click prints only its label into CliRunner's pipe).
    monkeypatch.setattr(
        auditor.cli,
        "wants_progress",
        lambda quiet, no_progress, _stream=None: wants_progress(quiet, no_progress, Stream(True)),
    )
    code, _, err = run(tmp_path, *args)
    assert code == 1
    assert ("checking" in err) is drawn


def test_quiet_prints_nothing_but_keeps_the_exit_code(tmp_path: Path, web: None) -> None:
    # --no-archive: the fake web declares no archive, and its warning would rightly show even with -q
    code, out, err = run(tmp_path, "-q", "--no-archive")
    assert code == 1
    assert out == ""
    assert err == ""


def test_quiet_with_another_format_still_prints_the_report(tmp_path: Path, web: None) -> None:
    code, out, _ = run(tmp_path, "-q", "--format", "json")
    assert code == 1
    assert '"status": "dead"' in out


def test_force_colour_colours_the_summary_but_never_a_file(
    tmp_path: Path, web: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    report = tmp_path / "report.md"
    code, out, _ = run(tmp_path, "-o", str(report))
    assert code == 1
    assert ESC in out and "dead (1)" in click.unstyle(out)
    assert ESC not in report.read_text()


def test_no_color_wins(tmp_path: Path, web: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("NO_COLOR", "1")
    _, out, _ = run(tmp_path)
    assert ESC not in out
