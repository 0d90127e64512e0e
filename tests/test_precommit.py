"""The pre-commit hooks (.pre-commit-hooks.yaml), run by pre-commit itself.

pre-commit installs auditor from a snapshot of this checkout, as it would from GitHub,
into an environment of its own (once per test session: that install needs the package
index). A temporary repository uses docs/ci.md's `.pre-commit-config.yaml` as written,
with only `repo:` and `rev:` pointed at the snapshot. The hooks then run in a network of
their own (tests/sandbox.py): one with a small web of declared pages, or none at all.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SANDBOX = Path(__file__).with_name("sandbox.py")
HOOKS = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
GIT_ENV = {
    "GIT_AUTHOR_NAME": "test",
    "GIT_AUTHOR_EMAIL": "test@example.org",
    "GIT_COMMITTER_NAME": "test",
    "GIT_COMMITTER_EMAIL": "test@example.org",
    "GIT_CONFIG_NOSYSTEM": "1",
}

SUPPORT = (
    "<html><head><title>Support line</title></head><body><h1>Support line</h1>"
    "<p>Call our support line for help with sarcoma, any weekday.</p></body></html>"
)
WEB = {"www.sarcoma-uk.org": {"/old": [301, "/support-line"], "/support-line": [200, SUPPORT]}}
NO_WEB: dict = {}


def can_sandbox() -> bool:
    if shutil.which("unshare") is None or shutil.which("ip") is None:
        return False
    return subprocess.run(["unshare", "-rnm", "true"], capture_output=True).returncode == 0


pytestmark = [
    pytest.mark.skipif(shutil.which("git") is None, reason="pre-commit needs git"),
    pytest.mark.skipif(
        not can_sandbox(), reason="needs unshare -rnm (user namespaces) and ip, for a network of its own"
    ),
    pytest.mark.skipif(not (ROOT / ".git").exists(), reason="pre-commit installs hooks from a git repository"),
]


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, env=os.environ | GIT_ENV, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def documented_config() -> str:
    """The `.pre-commit-config.yaml` of docs/ci.md that uses this repository's hooks."""
    blocks = re.findall(r"```yaml\n(.*?)```", (ROOT / "docs" / "ci.md").read_text(), flags=re.S)
    return next(b for b in blocks if "repos:" in b and "auditor-project/auditor" in b)


@dataclass(frozen=True)
class HookRepo:
    url: str
    rev: str
    home: Path  # PRE_COMMIT_HOME: the hook environment, installed once


@pytest.fixture(scope="session")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> HookRepo:
    """This checkout as it stands (committed or not), as a repository pre-commit can clone."""
    snapshot = tmp_path_factory.mktemp("auditor-hooks")
    files = git(ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard").split("\0")
    for name in filter(None, files):
        source = ROOT / name
        if source.is_file():
            (snapshot / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, snapshot / name)
    git(snapshot, "init", "-q")
    git(snapshot, "add", "-A")
    git(snapshot, "commit", "-q", "-m", "snapshot")
    home = tmp_path_factory.mktemp("pre-commit-home")
    repo = HookRepo(str(snapshot), git(snapshot, "rev-parse", "HEAD"), home)
    project = consumer(tmp_path_factory.mktemp("install"), repo)
    installed = pre_commit(project, repo, "install-hooks")  # needs the package index, once
    assert installed.returncode == 0, installed.stdout + installed.stderr
    return repo


def consumer(folder: Path, hooks: HookRepo) -> Path:
    """A repository whose .pre-commit-config.yaml is docs/ci.md's, pointed at ``hooks``."""
    config = documented_config()
    config = re.sub(r"repo: https://github.com/auditor-project/auditor\b", f"repo: {hooks.url}", config)
    config = re.sub(r"rev: \S+", f"rev: {hooks.rev}", config)
    git(folder, "init", "-q")
    (folder / ".pre-commit-config.yaml").write_text(config)
    return folder


def pre_commit(project: Path, hooks: HookRepo, *args: str, web: dict | None = None) -> subprocess.CompletedProcess[str]:
    """``pre-commit ARGS`` in ``project``; with ``web``, inside a network of only those sites."""
    command = [sys.executable, "-m", "pre_commit", *args]
    if web is not None:
        spec = project.parent / f"{project.name}-sites.json"
        spec.write_text(json.dumps(web))
        command = ["unshare", "-rnm", sys.executable, str(SANDBOX), str(spec), "--", *command]
    env = os.environ | GIT_ENV | {"PRE_COMMIT_HOME": str(hooks.home), "NO_COLOR": "1"}
    env.pop("FORCE_COLOR", None)
    # A developer's commit, even when this suite runs in CI: with CI set, auditor refuses
    # loopback addresses, and the sandbox's sites all live at 127.0.0.1.
    env.pop("CI", None)
    return subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture
def project(tmp_path: Path, hook_repo: HookRepo) -> Iterator[Path]:
    folder = tmp_path / "project"
    folder.mkdir()
    yield consumer(folder, hook_repo)


def stage(project: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (project / name).write_text(text)
        git(project, "add", name)


def hook(project: Path, hooks: HookRepo, hook_id: str, web: dict) -> subprocess.CompletedProcess[str]:
    return pre_commit(project, hooks, "run", hook_id, web=web)


# --- what the hooks are ----------------------------------------------------------------


def test_the_hooks_install_auditor_themselves_and_run_once_over_the_staged_files() -> None:
    assert [h["id"] for h in HOOKS] == ["auditor", "auditor-fix"]
    for declared in HOOKS:
        assert declared["language"] == "python"  # pre-commit installs auditor: no "Executable not found"
        assert declared["require_serial"] is True  # one process sees every host: offline is told apart
        assert "--offline-ok" in declared["entry"]
    assert HOOKS[1]["entry"].startswith("auditor fix --dry-run ")


# --- online: a small web of its own ----------------------------------------------------


def test_a_broken_link_in_a_staged_file_blocks_the_commit(project: Path, hook_repo: HookRepo) -> None:
    stage(project, {"guide.md": "Call us: [support](http://www.sarcoma-uk.org/support-line), [form](form.pdf).\n"})
    (project / "draft.md").write_text("Not staged: [gone](http://www.sarcoma-uk.org/gone)\n")
    done = hook(project, hook_repo, "auditor", WEB)
    assert done.returncode == 1, done.stdout
    assert "form.pdf" in done.stdout and "no such file" in done.stdout
    assert "draft.md" not in done.stdout  # only what is staged is checked


def test_a_dead_web_page_blocks_the_commit(project: Path, hook_repo: HookRepo) -> None:
    stage(project, {"guide.md": "See http://www.sarcoma-uk.org/leaflet.pdf for the leaflet.\n"})
    done = hook(project, hook_repo, "auditor", WEB)
    assert done.returncode == 1, done.stdout
    assert "404 Not Found" in done.stdout


def test_healthy_links_pass(project: Path, hook_repo: HookRepo) -> None:
    stage(project, {"guide.md": "See http://www.sarcoma-uk.org/support-line.\n", "notes.txt": "Nothing here.\n"})
    done = hook(project, hook_repo, "auditor", WEB)
    assert done.returncode == 0, done.stdout
    assert "Passed" in done.stdout


def test_the_fix_hook_shows_the_rewrite_of_a_moved_link_and_changes_nothing(project: Path, hook_repo: HookRepo) -> None:
    text = "Our support line: http://www.sarcoma-uk.org/old\n"
    stage(project, {"guide.md": text})
    done = hook(project, hook_repo, "auditor-fix", WEB)
    assert done.returncode == 1, done.stdout
    assert "-Our support line: http://www.sarcoma-uk.org/old" in done.stdout
    assert "+Our support line: http://www.sarcoma-uk.org/support-line" in done.stdout
    assert (project / "guide.md").read_text() == text


def test_the_fix_hook_passes_when_nothing_moved_even_if_something_is_dead(project: Path, hook_repo: HookRepo) -> None:
    stage(project, {"guide.md": "See http://www.sarcoma-uk.org/support-line and http://www.sarcoma-uk.org/gone\n"})
    done = hook(project, hook_repo, "auditor-fix", WEB)
    assert done.returncode == 0, done.stdout  # the dead one is the other hook's to fail


# --- offline: no network at all --------------------------------------------------------


@pytest.mark.parametrize("hook_id", ["auditor", "auditor-fix"])
def test_without_network_the_hooks_say_so_and_let_the_commit_through(
    project: Path, hook_repo: HookRepo, hook_id: str
) -> None:
    stage(project, {"guide.md": "See http://www.sarcoma-uk.org/old and https://www.cancer.gov/types.\n"})
    done = hook(project, hook_repo, hook_id, NO_WEB)
    assert done.returncode == 0, done.stdout
    assert "the network is unavailable" in done.stdout and "(--offline-ok)" in done.stdout


def test_without_network_a_missing_local_file_still_blocks_the_commit(project: Path, hook_repo: HookRepo) -> None:
    stage(project, {"guide.md": "See https://www.cancer.gov/types and [form](form.pdf).\n"})
    done = hook(project, hook_repo, "auditor", NO_WEB)
    assert done.returncode == 1, done.stdout
    assert "form.pdf" in done.stdout
