"""A missing #fragment in every format, failing with --include-fragments, a warning by default.

``checks.fragments`` in targets.yaml says the same as the flag: ``fail``, ``warn`` or ``off``.
"""

from __future__ import annotations

import asyncio
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

import auditor.cli
from auditor.check.fragment_policy import FragmentPolicy, effective
from auditor.check.settings import CheckSettings
from auditor.cli import main
from auditor.config import load
from auditor.errors import ConfigError
from auditor.extract import extract_sources
from auditor.fakeweb import not_found, page
from auditor.pipeline import check_references
from auditor.sources import resolve_inputs
from auditor.verdict import DEFAULT_FAIL_ON, Status
from tests.conftest import through_fake_web

LEAFLET = "# Leaflet\n\nSee [care](https://www.sarcoma-uk.org/support#care) and [help](guide.md#nowhere).\n"


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    sites = {
        "www.sarcoma-uk.org": {"/support": page('<title>Support</title><h2 id="help">Help</h2>'), "*": not_found()}
    }
    monkeypatch.setattr(auditor.cli, "check_sources", through_fake_web(lambda: sites))
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "guide.md").write_text("# Guide\n\n## Getting help\n")
    (tmp_path / "leaflet.md").write_text(LEAFLET)
    return tmp_path


def check(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        main, ["check", "leaflet.md", "--retries", "0", "--host-request-interval", "0", "--no-archive", *args]
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout + result.stderr


OUTPUTS = ["-o", "r.json", "-o", "r.xml", "-o", "r.sarif", "-o", "r.md", "-o", "r.html"]


@pytest.mark.parametrize("flag", [["--include-fragments"], ["--fail-on", "dead,missing-fragment"]])
def test_include_fragments_fails_the_run_and_every_format_says_missing_fragment(folder: Path, flag: list[str]) -> None:
    code, out = check(*flag, *OUTPUTS)
    assert code == 1
    assert "missing-fragment (2)" in out
    assert "#nowhere is not in the file" in out and "#care is not in the page" in out

    report = json.loads((folder / "r.json").read_text())
    assert report["summary"]["by_status"] == {"missing-fragment": 2}
    assert report["summary"]["broken"] == 2

    junit = ET.fromstring((folder / "r.xml").read_text())
    failures = junit.findall(".//failure")
    assert junit.get("failures") == "2" and {f.get("type") for f in failures} == {"missing-fragment"}

    sarif = json.loads((folder / "r.sarif").read_text())
    results = sarif["runs"][0]["results"]
    assert {(r["ruleId"], r["level"]) for r in results} == {("auditor/missing-fragment", "error")}
    assert len(results) == 2

    markdown = (folder / "r.md").read_text()
    assert "| **missing-fragment** (fails) | 2 |" in markdown
    assert "2 failing" in markdown

    html = (folder / "r.html").read_text()
    assert "missing-fragment" in html and "#nowhere is not in the file" in html


def test_by_default_a_missing_fragment_is_a_warning_in_every_format(folder: Path) -> None:
    code, out = check(*OUTPUTS)
    assert code == 0
    assert "missing-fragment warnings (2)" in out

    report = json.loads((folder / "r.json").read_text())
    assert report["summary"]["by_status"] == {"ok": 2}
    kinds = [finding["kind"] for ref in report["references"] for finding in ref["findings"]]
    assert kinds == ["missing-fragment", "missing-fragment"]

    junit = ET.fromstring((folder / "r.xml").read_text())
    assert junit.get("failures") == "0"
    assert [e.text for e in junit.findall(".//system-out")] == [
        "warning: missing-fragment: #care is not in the page (no heading, id or name)",
        "warning: missing-fragment: #nowhere is not in the file (no heading, id or name)",
    ]

    sarif = json.loads((folder / "r.sarif").read_text())
    results = sarif["runs"][0]["results"]
    assert {(r["ruleId"], r["level"]) for r in results} == {("auditor/missing-fragment", "warning")}

    markdown = (folder / "r.md").read_text()
    assert "nothing failing" in markdown and "### Missing fragments (warnings)" in markdown

    assert "#nowhere is not in the file" in (folder / "r.html").read_text()


@pytest.mark.parametrize(
    ("configured", "include", "fail_on", "policy", "fails"),
    [
        (FragmentPolicy.WARN, False, DEFAULT_FAIL_ON, FragmentPolicy.WARN, False),
        (FragmentPolicy.WARN, True, DEFAULT_FAIL_ON, FragmentPolicy.FAIL, True),
        (FragmentPolicy.OFF, True, DEFAULT_FAIL_ON, FragmentPolicy.FAIL, True),
        (FragmentPolicy.FAIL, False, DEFAULT_FAIL_ON, FragmentPolicy.FAIL, True),
        (FragmentPolicy.FAIL, False, frozenset(), FragmentPolicy.FAIL, True),
        (FragmentPolicy.OFF, False, DEFAULT_FAIL_ON, FragmentPolicy.OFF, False),
        (FragmentPolicy.WARN, False, {Status.MISSING_FRAGMENT}, FragmentPolicy.FAIL, True),
    ],
    ids=["default", "flag", "flag-over-off", "key-fail", "key-fail-fail-on-empty", "key-off", "fail-on-names-it"],
)
def test_the_policy_from_key_flag_and_fail_on(
    configured: FragmentPolicy, include: bool, fail_on: frozenset[Status], policy: FragmentPolicy, fails: bool
) -> None:
    got, statuses = effective(configured, include, fail_on)
    assert got is policy
    assert (Status.MISSING_FRAGMENT in statuses) is fails


@pytest.mark.parametrize(("value", "fails"), [("fail", True), ("warn", False), ("off", False)])
def test_checks_fragments_in_targets_yaml(tmp_path: Path, value: str, fails: bool) -> None:
    path = tmp_path / "targets.yaml"
    path.write_text(f"sources:\n  - path: docs\nchecks:\n  fragments: {value}\n")
    config = load(path)
    assert config.check_settings().fragments is FragmentPolicy(value)
    assert (Status.MISSING_FRAGMENT in config.fail_on) is fails


def test_an_unknown_fragments_value_names_the_key(tmp_path: Path) -> None:
    path = tmp_path / "targets.yaml"
    path.write_text("sources:\n  - path: docs\nchecks:\n  fragments: maybe\n")
    with pytest.raises(ConfigError, match=r"targets.yaml:4: checks.fragments: .*'fail', 'warn' or 'off'"):
        load(path)


@pytest.mark.parametrize(
    ("policy", "status", "findings"),
    [
        (FragmentPolicy.FAIL, Status.MISSING_FRAGMENT, ["missing-fragment"]),
        (FragmentPolicy.WARN, Status.OK, ["missing-fragment"]),
        (FragmentPolicy.OFF, Status.OK, []),
    ],
)
def test_what_each_policy_makes_of_a_missing_fragment(
    tmp_path: Path, policy: FragmentPolicy, status: Status, findings: list[str]
) -> None:
    (tmp_path / "guide.md").write_text("# Guide\n")
    (tmp_path / "index.md").write_text("[x](guide.md#nowhere)\n")
    extraction = extract_sources(resolve_inputs([str(tmp_path / "index.md")]))
    run = asyncio.run(check_references(extraction.references, CheckSettings(retries=0, fragments=policy)))
    (item,) = run.results
    assert item.verdict.status is status
    assert [f.kind.value for f in item.verdict.findings] == findings


@pytest.mark.parametrize(
    ("args", "config", "code"),
    [
        (["run", "--no-progress", "--no-archive"], "", 0),
        (["run", "--no-progress", "--no-archive", "--include-fragments"], "", 1),
        (["run", "--no-progress", "--no-archive"], "checks:\n  fragments: fail\n", 1),
        (["run", "--no-progress", "--no-archive", "--fail-on", "missing-fragment"], "", 1),
        (["fix", "docs", "--dry-run", "--no-archive", "-q"], "", 0),
        (["fix", "docs", "--dry-run", "--no-archive", "-q", "--include-fragments"], "", 1),
        (["fix", "docs", "--dry-run", "--no-archive", "-q"], "checks:\n  fragments: fail\n", 1),
    ],
    ids=["run", "run-flag", "run-key", "run-fail-on", "fix", "fix-flag", "fix-key"],
)
def test_run_and_fix_take_the_flag_and_the_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], config: str, code: int
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "guide.md").write_text("# Guide\n")
    (tmp_path / "docs" / "index.md").write_text("[x](guide.md#nowhere) [y](guide.md#guide)\n")
    (tmp_path / "targets.yaml").write_text("sources:\n  - path: docs\n" + config)
    result = CliRunner().invoke(main, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == code, result.output
