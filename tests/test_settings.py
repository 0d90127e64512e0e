"""Settings are declared once (auditor/check/settings.py), and everything else follows from them.

The flags of check, fix, run, schedule and extract, the ``checks:`` schema of targets.yaml
and the layering (flag over file over default, with UNSET) are generated from the fields
of CheckSettings; one function picks the exit code; ``import auditor.cli`` stays light.
"""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from auditor import defaults
from auditor.check.fragment_policy import FragmentPolicy
from auditor.check.settings import SETTINGS, UNSET, CheckSettings, Kind, format_seconds, layered
from auditor.cli import main
from auditor.config import Checks, load
from auditor.exitcodes import ExitCode, exit_code
from auditor.verdict import DEFAULT_FAIL_ON, Status

ROOT = Path(__file__).resolve().parents[1]
SOURCE = {path.relative_to(ROOT).as_posix(): path.read_text() for path in (ROOT / "auditor").rglob("*.py")}
TABLE = "auditor/check/settings.py"


# --- one declaration per setting ----------------------------------------------------


@pytest.mark.parametrize("name", [name for name, s in SETTINGS.items() if s.flag], ids=str)
def test_a_flag_is_named_once_in_the_source_and_never_declared_by_hand(name: str) -> None:
    flag = SETTINGS[name].flag
    assert flag is not None
    quoted = re.compile(rf"[\"']{re.escape(flag)}[\"']")
    assert len(quoted.findall(SOURCE[TABLE])) == 1
    by_hand = re.compile(rf"option\(\s*[\"']{re.escape(flag)}[\"']")
    assert [path for path, text in SOURCE.items() if by_hand.search(text)] == []


# The statuses that fail by default are a trait of Status (verdict.py), which the setting reads.
_DEFAULTS_ELSEWHERE = {"fail_on": "auditor/verdict.py"}


@pytest.mark.parametrize("name", list(SETTINGS), ids=str)
def test_a_default_is_written_once_on_its_field(name: str) -> None:
    constant = re.compile(rf"^DEFAULT_{name.upper()}\s*[:=]", re.M)
    assert [path for path, text in SOURCE.items() if constant.search(text)] == (
        [_DEFAULTS_ELSEWHERE[name]] if name in _DEFAULTS_ELSEWHERE else []
    )
    field = {f.name: f for f in dataclasses.fields(CheckSettings)}[name]
    setting = SETTINGS[name]
    assert setting.default == field.default
    old = f"DEFAULT_{name.upper()}"
    if old in defaults._SETTING_DEFAULTS:  # the old names in defaults.py read it (the key's, when it has its own)
        assert getattr(defaults, old) == (field.default if setting.file_default is UNSET else setting.file_default)


def test_the_checks_schema_is_the_settings_with_a_key() -> None:
    assert set(Checks.model_fields) == {name for name, s in SETTINGS.items() if s.key}
    assert not re.search(r"^class Checks\(", SOURCE["auditor/config.py"], re.M)  # generated, not written


@pytest.mark.parametrize("command", ["check", "fix", "run", "schedule", "extract"])
def test_each_command_takes_the_flags_of_the_settings_that_apply_to_it(command: str) -> None:
    out = CliRunner().invoke(main, [command, "--help"], terminal_width=200).output
    for setting in SETTINGS.values():
        if setting.flag is not None:
            assert (f"{setting.flag} " in out or out.rstrip().endswith(setting.flag)) == (
                command in setting.commands
            ), setting.flag


def test_run_takes_the_flags_check_has() -> None:
    out = CliRunner().invoke(main, ["run", "--help"], terminal_width=200).output
    for flag in ("--header", "--insecure", "--include", "--region", "--accept", "--user-agent", "--max-redirects"):
        assert f"{flag} " in out


@pytest.mark.parametrize(
    ("flag", "shown"),
    [
        ("--timeout", "20s"),
        ("--host-request-interval", "100ms"),
        ("--retries", "2"),
        ("--max-concurrency", "128"),
        ("--max-crawl-delay", "60s"),
        ("--cache-max-age", "1d"),
        ("--fail-on", "dead,error,invalid,parked,soft-404"),
    ],
)
def test_help_shows_the_built_in_default(flag: str, shown: str) -> None:
    out = " ".join(CliRunner().invoke(main, ["check", "--help"]).output.split())
    described = out.split(f" {flag} ", 1)[1].split(" --", 1)[0]  # up to the next option
    assert f"[default: ({shown})" in described


# --- durations, on the command line and in the file alike ----------------------------


@pytest.mark.parametrize(
    ("written", "seconds"),
    [("20s", 20.0), ("1500ms", 1.5), ("2", 2.0), ("0.5", 0.5), ("100ms", 0.1)],
)
def test_a_timeout_is_written_the_same_on_the_command_line_and_in_the_file(
    tmp_path: Path, written: str, seconds: float
) -> None:
    assert SETTINGS["timeout"].parse(written) == seconds
    (tmp_path / "targets.yaml").write_text(f"sources:\n  - path: a.txt\nchecks:\n  timeout: {written}\n")
    assert load(tmp_path / "targets.yaml").check_settings().timeout == seconds


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["--timeout", "0"], "must be more than 0: '0'"),
        (["--timeout", "1m"], "not a duration: '1m' (write 0, 50ms or 1s)"),
        (["--host-request-interval", "fast"], "not a duration: 'fast'"),
        (["--max-duration", "soon"], "not a duration: 'soon' (write 90s, 10m or 1h)"),
        (["--fail-on", "dead,broken"], "unknown status in 'dead,broken'"),
        (["--region", "XX"], "unknown region 'XX'"),
    ],
)
def test_a_bad_flag_value_is_a_usage_error_naming_the_flag(tmp_path: Path, args: list[str], error: str) -> None:
    result = CliRunner().invoke(main, ["check", "--no-config", str(tmp_path / "a.txt"), *args])
    assert result.exit_code == 2
    assert f"Invalid value for '{args[0]}'" in result.output and error in " ".join(result.output.split())


def test_a_duration_flag_checks_a_document(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("No links here.\n")
    args = ["check", "--no-config", str(tmp_path / "a.txt"), "--timeout", "1500ms", "--max-duration", "1m", "-q"]
    assert CliRunner().invoke(main, args).exit_code == 0


@pytest.mark.parametrize(("seconds", "written"), [(20.0, "20s"), (0.1, "100ms"), (0.0, "0s"), (1.5, "1.5s")])
def test_a_duration_is_shown_as_it_is_written(seconds: float, written: str) -> None:
    assert format_seconds(seconds) == written


# --- layering: the command line over the file over the defaults -----------------------

SOURCES = "sources:\n  - path: a.txt\n"


@pytest.mark.parametrize(
    ("checks", "given", "field", "expected"),
    [
        pytest.param("", {}, "timeout", 20.0, id="default"),
        pytest.param("  timeout: 5s\n", {}, "timeout", 5.0, id="file-over-default"),
        pytest.param("  timeout: 5s\n", {"timeout": 1.0}, "timeout", 1.0, id="flag-over-file"),
        pytest.param("  timeout: 5s\n", {"timeout": UNSET}, "timeout", 5.0, id="unset-flag-keeps-file"),
        pytest.param("", {}, "stale_after_days", 1095, id="stale-default-of-the-key"),
        pytest.param("  stale_after_days: null\n", {}, "stale_after_days", None, id="null-is-a-value"),
        pytest.param("  cache_max_age: null\n", {}, "cache_max_age", None, id="null-cache"),
        pytest.param("  max_duration: 10m\n", {}, "max_duration", 600.0, id="time-limit-in-file"),
        pytest.param("  max_crawl_delay: 500ms\n", {}, "max_crawl_delay", 0.5, id="milliseconds-in-file"),
        pytest.param("  archive_url: null\n", {"archive_url": UNSET}, "archive_url", None, id="archive-off-in-file"),
        pytest.param("", {"archive_url": None}, "archive_url", "https://web.archive.org/web/", id="none-is-not-given"),
        pytest.param("  regions: [IE]\n", {}, "regions", ("IE",), id="regions-from-file"),
        pytest.param("  regions: [IE]\n", {"regions": ("US",)}, "regions", ("US",), id="regions-flag-replaces"),
        pytest.param("  fail_on: [dead]\n", {}, "fail_on", frozenset({Status.DEAD}), id="fail-on-from-file"),
        pytest.param(
            "  fail_on: [dead]\n", {"fail_on": frozenset()}, "fail_on", frozenset(), id="empty-fail-on-fails-nothing"
        ),
        pytest.param(
            "  fragments: fail\n",
            {"fail_on": frozenset({Status.DEAD})},
            "fail_on",
            frozenset({Status.DEAD, Status.MISSING_FRAGMENT}),
            id="fragments-fail-adds-to-the-flag",
        ),
        pytest.param(
            "  fragments: off\n",
            {"fragments": FragmentPolicy.FAIL},
            "fragments",
            FragmentPolicy.FAIL,
            id="include-fragments-over-file",
        ),
    ],
)
def test_the_flag_wins_over_the_file_which_wins_over_the_default(
    tmp_path: Path, checks: str, given: dict[str, Any], field: str, expected: Any
) -> None:
    (tmp_path / "targets.yaml").write_text(SOURCES + ("checks:\n" + checks if checks else ""))
    assert getattr(load(tmp_path / "targets.yaml").check_settings(**given), field) == expected


def test_repeatable_flags_add_to_the_file_and_remap_rules_come_first(tmp_path: Path) -> None:
    (tmp_path / "targets.yaml").write_text(
        SOURCES + "checks:\n  exclude: ['^a']\n  remap: ['^x y']\n  headers: {'*': {X-A: '1'}}\n"
    )
    settings = load(tmp_path / "targets.yaml").check_settings(
        exclude=("^b",), remap=(SETTINGS["remap"].parse("^p q"),), headers=(SETTINGS["headers"].parse("X-B: 2"),)
    )
    assert [p.pattern for p in settings.exclude] == ["^a", "^b"]
    assert [r.written for r in settings.remap] == ["^p q", "^x y"]
    assert [h.name for h in settings.headers] == ["X-A", "X-B"]


def test_without_a_file_the_defaults_are_the_fields() -> None:
    assert layered({}) == CheckSettings().judged() == CheckSettings()
    assert CheckSettings().stale_after_days is None  # only the weekly audit's file judges staleness by default
    assert CheckSettings().fail_on == DEFAULT_FAIL_ON and CheckSettings().regions == ("GB", "US")


def test_unset_is_one_falsy_value_unlike_none() -> None:
    assert UNSET is type(UNSET)() and not UNSET and UNSET is not None and repr(UNSET) == "UNSET"


def test_a_name_that_is_no_setting_is_a_bug() -> None:
    with pytest.raises(TypeError, match="no setting timout"):
        layered({"timout": 3})


def test_every_kind_has_a_reading_for_the_command_line_and_one_for_the_file() -> None:
    from auditor.check.settings import _PARSE
    from auditor.config import _FILE_TYPES

    assert set(_PARSE) == set(Kind) - {Kind.SWITCH}  # a switch is a flag without a value
    assert set(_FILE_TYPES) == set(Kind)


# --- one exit-code rule -----------------------------------------------------------


@pytest.mark.parametrize(
    ("bad_input", "failing", "offline", "code"),
    [
        (False, False, False, ExitCode.OK),
        (False, True, False, ExitCode.FAILING),
        (False, False, True, ExitCode.NETWORK),
        (False, True, True, ExitCode.FAILING),  # a dead local file fails during an outage too
        (True, True, True, ExitCode.INPUT),
        (True, False, False, ExitCode.INPUT),
    ],
)
def test_the_exit_code(bad_input: bool, failing: bool, offline: bool, code: ExitCode) -> None:
    assert exit_code(bad_input=bad_input, failing=failing, offline=offline) == code


def test_the_exit_code_rule_is_written_once() -> None:
    rule = re.compile(r"EXIT_(INPUT|FAILING|NETWORK)\b|ExitCode\.(FAILING|NETWORK)\b")
    assert sorted(path for path, text in SOURCE.items() if rule.search(text)) == ["auditor/exitcodes.py"]


# --- imports: --help reads nothing it does not show -----------------------------------

HEAVY = [
    "aiohttp",
    "apscheduler",
    "htmldate",
    "jinja2",
    "lxml",
    "markdown_it",
    "phonenumbers",
    "playwright",
    "pydantic",
    "pypdf",
    "tldextract",
    "trafilatura",
    "yaml",
    "auditor.check.engine",
    "auditor.extract",
]


def test_importing_the_command_line_imports_no_heavy_module() -> None:
    code = "import sys, auditor.cli; print(' '.join(sorted(sys.modules)))"
    loaded = set(
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    )
    assert [name for name in HEAVY if name in loaded] == []


def test_the_package_still_offers_its_public_names_when_asked() -> None:
    code = "import auditor; print(auditor.extract_sources.__module__, auditor.Reference.__name__)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["auditor.extract", "Reference"]
