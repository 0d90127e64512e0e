"""Text we did not write reaches no terminal, report or history raw: controls out, quotes short."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import auditor.cli
from auditor.cli import main
from auditor.fakeweb import page
from auditor.untrusted import quoted, safe, without_controls
from tests.conftest import through_fake_web

OSC8_LINK = "\x1b]8;;https://evil.example/\x07Click here\x1b]8;;\x07"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Page not found", "Page not found"),
        ("\x1b[2J\x1b[31mred\x1b[0m", "[2J[31mred[0m"),  # ESC gone: what is left is harmless text
        (OSC8_LINK, "]8;;https://evil.example/Click here]8;;"),
        ("bell\x07 and backspace\x08", "bell and backspace"),
        ("8-bit CSI \x9b31m", "8-bit CSI 31m"),
        ("bidi \u202egnp.exe\u202c", "bidi gnp.exe"),
        ("isolate \u2066x\u2069", "isolate x"),
        ("lone surrogate \ud800!", "lone surrogate !"),
        ("two\nlines\r\n", "twolines"),
        ("Ünïcödé · – “quotes” 日本語", "Ünïcödé · – “quotes” 日本語"),
    ],
)
def test_without_controls(text: str, expected: str) -> None:
    assert without_controls(text) == expected
    assert safe(text) == expected


def test_lines_can_be_kept() -> None:
    assert without_controls("a\tb\r\nc\x1b", keep_lines=True) == "a\tb\nc"


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("  Not   found\n\t here ", 100, "Not found here"),
        ("x" * 150, 100, "x" * 99 + "\u2026"),
        ("creds AKIA" + "A" * 200 + " not found", 40, "creds AKIA" + "A" * 29 + "\u2026"),
        ("\x1b]0;new window title\x07Oops", 100, "]0;new window titleOops"),
    ],
)
def test_quoted(text: str, limit: int, expected: str) -> None:
    assert quoted(text, limit) == expected
    assert len(quoted(text, limit)) <= limit


HOSTILE_TITLE = f"{OSC8_LINK} \x1b[8mhidden\x1b[0m Page not found \x07"
SITES = {
    "www.example.org": {
        "/": page("<title>Home</title>" + "<p>Welcome to the example organisation.</p>" * 20),
        "/leaflet": page(f"<title>{HOSTILE_TITLE}</title><h1>Page not found</h1><p>Sorry.</p>"),
        "*": page("<title>Home</title>" + "<p>Welcome to the example organisation.</p>" * 20),
    },
}


@pytest.mark.parametrize("fmt", ["text", "markdown", "json", "sarif", "junit", "html"])
def test_a_hostile_title_reaches_no_output_raw(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str) -> None:
    monkeypatch.setattr(auditor.cli, "check_sources", through_fake_web(lambda: SITES))
    doc = tmp_path / "doc.md"
    doc.write_text("Leaflet: https://www.example.org/leaflet\n")
    result = CliRunner().invoke(
        main, ["check", str(doc), "--no-config", "--retries", "0", "--host-request-interval", "0", "--format", fmt]
    )
    assert result.exit_code == 1, result.output
    for output in (result.stdout, result.stderr):
        assert "\x1b" not in output and "\x07" not in output
    if fmt == "text":
        assert "soft-404" in result.stdout
