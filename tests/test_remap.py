"""--remap 'REGEX REPLACEMENT' and checks.remap: the address checked instead of the one written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import auditor.cli
from auditor.check.remap import parse_remap, remapped
from auditor.cli import main
from auditor.config import load
from auditor.errors import ConfigError
from auditor.fakeweb import not_found, page
from tests.conftest import through_fake_web


@pytest.mark.parametrize(
    ("rules", "url", "checked"),
    [
        ([r"https://example\.org/(.*) http://localhost:8000/$1"], "https://example.org/a/b#c", "http://localhost:8000/a/b#c"),
        ([r"https://example\.org/(.*) http://localhost:8000/${1}"], "https://example.org/a", "http://localhost:8000/a"),
        ([r"https://example\.org/(?P<rest>.*) http://mirror/${rest}"], "https://example.org/a", "http://mirror/a"),
        ([r"https://example\.org/(.*) http://mirror/\1"], "https://example.org/a", "http://mirror/a"),
        ([r"^http:// https://"], "http://example.org/x", "https://example.org/x"),
        ([r"old new"], "https://old.org/old", "https://new.org/new"),
        ([r"a x", r"a y"], "https://a.org/", "https://x.org/"),
        ([r"nomatch x"], "https://a.org/", None),
        ([r"price cost$$"], "https://a.org/price", "https://a.org/cost$"),
    ],
    ids=["lychee-group", "braced-group", "named-group", "python-group", "scheme", "every-match", "first-rule-wins",
         "no-match", "literal-dollar"],
)  # fmt: skip
def test_rules(rules: list[str], url: str, checked: str | None) -> None:
    assert remapped(url, [parse_remap(rule) for rule in rules]) == checked


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("only-one-part", "not a remap rule"),
        ("a b c", "not a remap rule"),
        ("( x", "not a regular expression in remap rule '( x'"),
        ("a(b) $2", "the pattern has no group 2"),
        ("a(b) ${name}", "the pattern has no group name"),
    ],
)
def test_bad_rules_say_what_is_wrong(rule: str, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        parse_remap(rule)


@pytest.fixture
def leaflet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    sites = {"mirror.example.org": {"/support": page("<title>Support</title><h1>Support</h1>"), "*": not_found()}}
    monkeypatch.setattr(auditor.cli, "check_sources", through_fake_web(sites))
    (tmp_path / "leaflet.md").write_text("See https://www.example.org/support and https://www.example.org/gone.\n")
    return tmp_path


def check(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(
        main, ["check", "leaflet.md", "--retries", "0", "--host-request-interval", "0", "--no-archive", *args]
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_a_remapped_url_is_checked_at_its_new_address_and_reported_as_written(leaflet: Path) -> None:
    code, out, _ = check("--remap", r"https://www\.example\.org/(.*) https://mirror.example.org/$1", "--format", "json")
    assert code == 1
    found = {ref["url"]: (ref["status"], ref.get("remapped"), ref["reason"]) for ref in json.loads(out)["references"]}
    assert found["https://www.example.org/support"][:2] == ("ok", "https://mirror.example.org/support")
    assert found["https://www.example.org/gone"][:2] == ("dead", "https://mirror.example.org/gone")
    assert found["https://www.example.org/gone"][2].startswith("remapped to https://mirror.example.org/gone: ")


def test_a_url_can_be_remapped_to_a_local_file(leaflet: Path) -> None:
    (leaflet / "site").mkdir()
    (leaflet / "site" / "support").write_text("<h1>Support</h1>")
    target = (leaflet / "site").as_uri()
    code, out, _ = check("--remap", rf"https://www\.example\.org/(.*) {target}/$1")
    assert code == 1
    assert "1 dead, 1 ok" in out
    assert f"remapped to {target}/gone: no such file" in out


def test_an_invalid_remap_is_exit_2_with_the_reason(leaflet: Path) -> None:
    code, _, err = check("--remap", "([broken")
    assert code == 2
    assert "--remap" in err and "not a remap rule" in err
    code, _, err = check("--remap", "([ x")
    assert code == 2 and "not a regular expression" in err


def test_checks_remap_in_targets_yaml_after_the_command_lines(tmp_path: Path) -> None:
    path = tmp_path / "targets.yaml"
    path.write_text("sources:\n  - path: docs\nchecks:\n  remap:\n    - 'a x'\n")
    config = load(path)
    settings = config.check_settings(remap=(parse_remap("a y"),))
    assert [rule.written for rule in settings.remap] == ["a y", "a x"]
    assert remapped("https://a.org/", settings.remap) == "https://y.org/"


def test_a_bad_checks_remap_names_file_line_and_key(tmp_path: Path) -> None:
    path = tmp_path / "targets.yaml"
    path.write_text("sources:\n  - path: docs\nchecks:\n  remap:\n    - 'a x'\n    - '( y'\n")
    with pytest.raises(ConfigError, match=r"targets.yaml:6: checks.remap\[1\]: not a regular expression"):
        load(path)


def test_fix_does_not_rewrite_a_remapped_reference_with_the_remapped_sites_suggestion(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from auditor.fakeweb import redirect

    monkeypatch.chdir(tmp_path)
    sites = {"localhost.test": {"/old": redirect(301, "/new"), "/new": page("<h1>New</h1>"), "*": not_found()}}
    monkeypatch.setattr(auditor.cli, "check_sources", through_fake_web(sites))
    (tmp_path / "docs").mkdir()
    doc = tmp_path / "docs" / "leaflet.md"
    doc.write_text("See https://www.example.org/old.\n")
    result = CliRunner().invoke(
        main,
        [
            "fix",
            "docs",
            "--no-archive",
            "--retries",
            "0",
            "--remap",
            r"https://www\.example\.org/ https://localhost.test/",
        ],
    )
    assert result.exit_code == 1, result.output
    assert doc.read_text() == "See https://www.example.org/old.\n"
    assert "checked as https://localhost.test/old (--remap): not rewritten" in result.output
