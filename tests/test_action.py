"""The GitHub Action (action.yml): the shell it runs, with a fake runner around it.

`action/check.sh` runs here as it runs on GitHub, with the `GITHUB_OUTPUT` and
`GITHUB_STEP_SUMMARY` files a runner provides, on documents whose references are local
files (no network). `action/install.sh` is run for its refusals here, and for a real
install by `.ci/run`. action.yml itself is read for what GitHub would do with it, and
docs/ci.md's workflow is checked against it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
ACTION = yaml.safe_load((ROOT / "action.yml").read_text())
CHECK = ROOT / "action" / "check.sh"
INSTALL = ROOT / "action" / "install.sh"
BIN = Path(sys.executable).parent  # the venv running the tests has the auditor command

pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="the action's steps are bash")


@dataclass(frozen=True)
class Step:
    code: int
    stdout: str
    outputs: dict[str, str]
    summary: str


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A checkout: a guide linking to a page that exists and to one that does not."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "guide.md").write_text("# Guide\n\nSee [setup](setup.md) and [the old form](form.md).\n")
    (docs / "setup.md").write_text("# Setup\n\nRun it.\n")
    (docs / "my notes.md").write_text("# Notes\n\nSee [setup](setup.md).\n")
    return tmp_path


def run_check(repo: Path, **inputs: str) -> Step:
    """action/check.sh as the composite step runs it: inputs in INPUT_*, a runner's files."""
    output, summary = repo / ".runner-output", repo / ".runner-summary"
    output.write_text("")
    summary.write_text("")
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(repo),
        "GITHUB_OUTPUT": str(output),
        "GITHUB_STEP_SUMMARY": str(summary),
        "AUDITOR_BIN_DIR": str(BIN),
        "AUDITOR_CACHE_FILE": str(repo / ".runner-temp" / "auditor-cache" / "history.sqlite"),
        "INPUT_ARGS": "docs",
        "INPUT_FAIL": "true",
        "INPUT_FORMAT": "sarif,markdown",
        "INPUT_OUTPUT": "auditor-report",
        "INPUT_SUMMARY": "true",
        "INPUT_CACHE": "false",
    }
    env.update({f"INPUT_{name.upper()}": value for name, value in inputs.items()})
    done = subprocess.run(["bash", str(CHECK)], cwd=repo, env=env, capture_output=True, text=True, timeout=120)
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines())
    return Step(done.returncode, done.stdout, outputs, summary.read_text())


# --- the verdict: what fails the job ---------------------------------------------------


@pytest.mark.parametrize(
    ("args", "fail", "exit_code", "fail_with", "annotation"),
    [
        ("docs/setup.md", "true", "0", "0", None),
        ("docs", "true", "1", "1", "::error title=auditor::some references fail (exit 1)"),
        ("docs", "false", "1", "0", "::warning title=auditor::some references fail (exit 1)"),
        ("docs/absent.md", "true", "2", "2", "::error title=auditor::bad input or configuration (exit 2)"),
        ("docs/absent.md", "false", "2", "2", "::error title=auditor::bad input or configuration (exit 2)"),
    ],
    ids=[
        "nothing fails: the job passes",
        "a broken reference fails the job",
        "fail: false keeps it green, with a warning",
        "bad input fails the job",
        "bad input fails the job even with fail: false",
    ],
)
def test_the_verdict_step_fails_the_job_as_the_inputs_say(
    repo: Path, args: str, fail: str, exit_code: str, fail_with: str, annotation: str | None
) -> None:
    step = run_check(repo, args=args, fail=fail)
    assert step.code == 0  # the check step never fails for what it found: the cache is saved first
    assert step.outputs["exit_code"] == exit_code
    assert step.outputs["fail-with"] == fail_with
    annotations = [line for line in step.stdout.splitlines() if line.startswith(("::error", "::warning"))]
    assert len(annotations) == (1 if annotation else 0)
    assert not annotation or annotations[0].startswith(annotation)


def test_the_verdict_step_exits_with_fail_with() -> None:
    verdict = next(step for step in ACTION["runs"]["steps"] if step.get("name") == "Verdict")
    assert verdict["if"] == "steps.check.outputs.fail-with != '0'"
    assert verdict["run"] == 'exit "$FAIL_WITH"'
    assert verdict["env"] == {"FAIL_WITH": "${{ steps.check.outputs.fail-with }}"}


# --- the reports -----------------------------------------------------------------------


def test_sarif_and_markdown_by_default_and_the_summary_gets_the_markdown(repo: Path) -> None:
    step = run_check(repo)
    report = repo / "auditor-report"
    assert step.outputs["sarif"] == "auditor-report/links.sarif"
    assert step.outputs["markdown"] == "auditor-report/links.md"
    assert step.outputs["html"] == step.outputs["junit"] == step.outputs["json"] == ""
    assert step.outputs["report-dir"] == "auditor-report"
    assert '"version": "2.1.0"' in (report / "links.sarif").read_text()
    markdown = (report / "links.md").read_text()
    assert "form.md" in markdown
    assert step.summary == markdown


def test_formats_and_output_directory_are_chosen_and_the_summary_can_be_left_out(repo: Path) -> None:
    step = run_check(repo, format="html junit, json", output="out/links", summary="false")
    written = sorted(p.name for p in (repo / "out" / "links").iterdir())
    assert written == ["links.html", "links.json", "links.xml"]
    assert step.outputs["html"] == "out/links/links.html"
    assert step.outputs["sarif"] == step.outputs["markdown"] == ""
    assert step.summary == ""


def test_the_cache_input_wires_auditors_cache_file(repo: Path) -> None:
    step = run_check(repo, cache="true")
    assert step.outputs["exit_code"] == "1"
    assert (repo / ".runner-temp" / "auditor-cache" / "history.sqlite").is_file()


# --- inputs are data, never code -------------------------------------------------------


def test_args_are_split_like_a_shell_with_quotes_and_nothing_else(repo: Path) -> None:
    step = run_check(repo, args="'docs/my notes.md' --fail-on dead")
    assert step.outputs["exit_code"] == "0"
    assert "2 references" not in step.stdout and "1 reference: 1 ok" in step.stdout


@pytest.mark.parametrize(
    "args",
    ["$(touch pwned)", "docs; touch pwned", "`touch pwned`", "docs && touch pwned", "${IFS}touch${IFS}pwned"],
)
def test_args_cannot_run_a_command(repo: Path, args: str) -> None:
    step = run_check(repo, args=args)
    assert not (repo / "pwned").exists()
    assert step.outputs["exit_code"] == "2"  # the words are paths that do not exist


def test_auditors_output_cannot_issue_workflow_commands(repo: Path) -> None:
    # A document's text may reach the log (a reason, a title): workflow commands are off meanwhile.
    (repo / "docs" / "guide.md").write_text("::add-mask::oops\n\n[x](::error::forged.md)\n")
    step = run_check(repo)
    lines = step.stdout.splitlines()
    stop = next(i for i, line in enumerate(lines) if line.startswith("::stop-commands::"))
    token = lines[stop].removeprefix("::stop-commands::")
    assert re.fullmatch(r"auditor-[0-9a-f]{16}", token)
    resume = lines.index(f"::{token}::")
    assert any("forged.md" in line for line in lines[stop:resume])
    assert not any("forged" in line for line in lines[resume:])


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ({"args": "'docs"}, "::error title=auditor::args: No closing quotation"),
        ({"format": "sarif,pdf"}, "::error title=auditor::format: 'pdf' is not one of sarif, markdown"),
        ({"fail": "yes"}, "::error title=auditor::fail must be true or false, not 'yes'"),
        ({"cache": "1"}, "::error title=auditor::cache must be true or false, not '1'"),
    ],
    ids=["unbalanced quotes", "an unknown format", "fail is not a boolean", "cache is not a boolean"],
)
def test_wrong_inputs_fail_the_step_at_once_saying_which(repo: Path, inputs: dict[str, str], message: str) -> None:
    step = run_check(repo, **inputs)
    assert step.code == 2
    assert message in step.stdout
    assert not (repo / "auditor-report").exists()


# --- install.sh: what it refuses before installing anything ----------------------------


def run_install(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    base = {
        "PATH": os.environ["PATH"],
        "RUNNER_TEMP": str(tmp_path),
        "GITHUB_OUTPUT": str(tmp_path / "output"),
        "GITHUB_ACTION_PATH": str(ROOT),
        "INPUT_PYTHON": sys.executable,
        "INPUT_VERSION": "",
    }
    return subprocess.run(
        ["bash", str(INSTALL)], env=base | env, capture_output=True, text=True, timeout=60, cwd=tmp_path
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"INPUT_VERSION": "--index-url=https://evil.example/simple"}, "the version input must be a release number"),
        ({"INPUT_VERSION": "0.1.0 --pre"}, "the version input must be a release number"),
        ({"INPUT_PYTHON": "python-that-is-not-there"}, "no Python interpreter 'python-that-is-not-there'"),
        ({"INPUT_PYTHON": "OLD"}, "auditor needs Python 3.11 or newer"),
    ],
    ids=["options smuggled into pip", "a version with extra words", "no such interpreter", "an old Python"],
)
def test_install_refuses_before_installing(tmp_path: Path, env: dict[str, str], message: str) -> None:
    if env.get("INPUT_PYTHON") == "OLD":
        old = tmp_path / "python3.10"
        old.write_text('#!/bin/sh\n[ "$1" = -V ] && echo "Python 3.10.12" && exit 0\nexit 1\n')
        old.chmod(0o755)
        env = {"INPUT_PYTHON": str(old)}
    done = run_install(tmp_path, **env)
    assert done.returncode == 2
    assert f"::error title=auditor::{message}" in done.stdout
    assert not (tmp_path / "auditor-venv").exists()


# --- action.yml, read as GitHub reads it -----------------------------------------------


def _expressions(node: object) -> list[str]:
    if isinstance(node, dict):
        return [e for value in node.values() for e in _expressions(value)]
    if isinstance(node, list):
        return [e for value in node for e in _expressions(value)]
    return re.findall(r"\$\{\{(.*?)\}\}", node) if isinstance(node, str) else []


def test_every_input_used_is_declared_and_every_declared_one_is_used() -> None:
    used = {m for e in _expressions(ACTION["runs"]) for m in re.findall(r"inputs\.([\w-]+)", e)}
    assert used == set(ACTION["inputs"])


def test_no_input_is_spliced_into_a_script() -> None:
    for step in ACTION["runs"]["steps"]:
        if "run" in step:
            assert "${{" not in step["run"], step["name"]


def test_the_scripts_read_only_inputs_their_step_passes() -> None:
    steps = {
        Path(step["run"].split("/")[-1].rstrip('"')).name: step for step in ACTION["runs"]["steps"] if "run" in step
    }
    for script in (CHECK, INSTALL):
        read = set(re.findall(r"\b(INPUT_[A-Z_]+|AUDITOR_[A-Z_]+)\b", script.read_text()))
        assert read <= set(steps[script.name]["env"]), script.name


def test_outputs_come_from_the_check_step() -> None:
    check = next(step for step in ACTION["runs"]["steps"] if step.get("id") == "check")
    assert check["run"] == 'bash "$GITHUB_ACTION_PATH/action/check.sh"'
    for name, output in ACTION["outputs"].items():
        assert output["value"] == f"${{{{ steps.check.outputs.{name} }}}}"


def test_the_cache_is_restored_and_saved_under_one_weekly_key() -> None:
    steps = {step["name"]: step for step in ACTION["runs"]["steps"]}
    restore, save = steps["Restore the cache"], steps["Save the cache"]
    assert restore["uses"].startswith("actions/cache/restore@") and save["uses"].startswith("actions/cache/save@")
    assert restore["with"]["key"] == save["with"]["key"]
    assert restore["with"]["path"] == save["with"]["path"]
    assert restore["with"]["restore-keys"] == "auditor-${{ runner.os }}-${{ steps.week.outputs.week }}-"
    assert steps["Week of the cache"]["run"] == 'echo "week=$(date -u +%G-W%V)" >> "$GITHUB_OUTPUT"'
    names = list(steps)
    assert names.index("Check references") < names.index("Save the cache") < names.index("Verdict")


# --- docs/ci.md: the workflow a user copies --------------------------------------------


def yaml_blocks(markdown: str) -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", markdown, flags=re.S)


def ci_workflow() -> dict:
    blocks = [yaml.safe_load(b) for b in yaml_blocks((ROOT / "docs" / "ci.md").read_text())]
    return next(b for b in blocks if isinstance(b, dict) and "jobs" in b and ("on" in b or True in b))


def test_the_documented_workflow_uses_the_action_with_inputs_it_has() -> None:
    workflow = ci_workflow()
    steps = [step for job in workflow["jobs"].values() for step in job["steps"]]
    ours = [step for step in steps if step.get("uses", "").startswith("auditor-project/auditor@")]
    assert len(ours) == 1
    assert set(ours[0].get("with", {})) <= set(ACTION["inputs"])
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert "pull_request" in triggers and triggers["schedule"][0]["cron"]
    uses = [step.get("uses", "") for step in steps]
    assert any(u.startswith("github/codeql-action/upload-sarif@") for u in uses)
    assert any(u.startswith("actions/upload-artifact@") for u in uses)


def test_the_documented_inputs_run_as_written(repo: Path) -> None:
    workflow = ci_workflow()
    (ours,) = [s for j in workflow["jobs"].values() for s in j["steps"] if s.get("uses", "").startswith("auditor-")]
    (repo / "README.md").write_text("# Project\n\nSee [the guide](docs/guide.md).\n")
    inputs = {
        name: str(value).lower() if isinstance(value, bool) else str(value) for name, value in ours["with"].items()
    }
    step = run_check(repo, **inputs)
    assert step.code == 0, step.stdout
    assert step.outputs["exit_code"] == "1"  # the guide's broken link
    uploaded = next(s for j in workflow["jobs"].values() for s in j["steps"] if s.get("name") == "Reports")
    assert (repo / uploaded["with"]["path"]).is_dir()
    assert step.outputs["sarif"] and step.outputs["html"]


@pytest.mark.parametrize("doc", ["ci.md", "container.md"])
def test_every_yaml_snippet_in_the_docs_parses(doc: str) -> None:
    blocks = yaml_blocks((ROOT / "docs" / doc).read_text())
    assert blocks
    for block in blocks:
        assert isinstance(yaml.safe_load(block), dict | list)
