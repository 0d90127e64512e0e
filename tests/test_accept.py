"""--accept / checks.accept: which HTTP statuses mean "the page is there" (lychee's syntax)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import auditor.cli
from auditor.check.accept import parse_accept
from auditor.cli import main
from auditor.config import load
from auditor.fakeweb import page, status
from tests.conftest import through_fake_web


@pytest.mark.parametrize(
    ("text", "inside", "outside"),
    [
        ("403", [403], [200, 402, 404]),
        ("200..=299,403", [200, 250, 299, 403], [199, 300, 404]),
        ("200..299", [200, 298], [299]),  # lychee: .. leaves the end out
        ("..=204", [100, 204], [205]),
        (" 200 , 404 ", [200, 404], [201]),
    ],
)
def test_accept_syntax(text: str, inside: list[int], outside: list[int]) -> None:
    accept = parse_accept(text)
    assert all(code in accept for code in inside)
    assert not any(code in accept for code in outside)


@pytest.mark.parametrize("text", ["", "2xx", "200-299", "299..=200", "200..", "1000", "200..=1000", "ok"])
def test_bad_accept_says_how_to_write_it(text: str) -> None:
    with pytest.raises(ValueError, match=r"status|range"):
        parse_accept(text)


SITES = {
    "members.example.org": {"/": page("<title>Members</title><p>Members only.</p>" * 5), "/login": status(403)},
    "www.example.org": {"/gone": status(404), "/empty": status(204)},
}


@pytest.fixture
def web(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(auditor.cli, "check_sources", through_fake_web(lambda: SITES))


@pytest.mark.parametrize(
    ("url", "flags", "code", "said"),
    [
        ("https://members.example.org/login", [], 0, "blocked"),  # 403: could not verify, fails nothing by default
        ("https://members.example.org/login", ["--fail-on", "blocked"], 1, "blocked"),
        ("https://members.example.org/login", ["--accept", "200..=299,403", "--fail-on", "blocked"], 0, "1 ok"),
        ("https://www.example.org/gone", ["--accept", "200..=299,403"], 1, "dead"),
        ("https://www.example.org/empty", ["--accept", "200"], 1, "not an accepted status"),
    ],
)
def test_accept_on_the_command_line(
    tmp_path: Path, web: None, url: str, flags: list[str], code: int, said: str
) -> None:
    doc = tmp_path / "page.md"
    doc.write_text(f"See {url}\n")
    result = CliRunner().invoke(
        main, ["check", str(doc), "--no-config", "--retries", "0", "--host-request-interval", "0", *flags]
    )
    assert result.exit_code == code, result.output
    assert said in result.stdout


def test_bad_accept_flag_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["check", "x.md", "--accept", "2xx"])
    assert result.exit_code == 2
    assert "not a status or range: '2xx'" in result.stderr


@pytest.mark.parametrize(("written", "expected"), [("'200..=299,403'", "200..=299,403"), ("[200, 403]", "200,403")])
def test_accept_in_targets_yaml(tmp_path: Path, written: str, expected: str) -> None:
    path = tmp_path / "targets.yaml"
    path.write_text(f"sources:\n  - path: x.md\nchecks:\n  accept: {written}\n")
    assert str(load(path).check_settings().accept) == expected


def test_bad_accept_in_targets_yaml_is_located(tmp_path: Path) -> None:
    from auditor.errors import ConfigError

    path = tmp_path / "targets.yaml"
    path.write_text("sources:\n  - path: x.md\nchecks:\n  accept: 2xx\n")
    with pytest.raises(ConfigError, match=r"targets.yaml:4: checks.accept"):
        load(path)
