"""Inputs bounded by design (issue 15): what a stranger's pull request can put in front of us.

A folder holding a link to /dev/zero, a FIFO, a socket, a symbolic-link loop and links
out of the checkout is checked in seconds, with a warning naming each entry, and its
real links still checked; /dev/zero named on the command line is refused by name; a
file past the size limit is refused without being read whole; a YAML alias bomb in
targets.yaml fails at once with the file and line; ``auditor fix`` does not write
through a link out of the tree; ``--exclude-path`` leaves paths out before they are
opened. Whatever could block or exhaust memory runs in a subprocess with a timeout.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import auditor.cli
from auditor.cli import main
from auditor.config import load
from auditor.errors import AuditorError, ConfigError, UnreadableInput
from auditor.fakeweb import html_page, redirect
from auditor.inputfiles import InputPolicy, read_regular
from auditor.sources import resolve_inputs
from auditor.write import write_atomic
from tests.conftest import through_fake_web

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="FIFOs, sockets and /dev/zero are POSIX")

#: Each hostile entry of the folder, and what the warning about it says.
HOSTILE: dict[str, str] = {
    "docs/zero.md": "a character device, through the symbolic link to /dev/zero, not a regular file",
    "docs/pipe.md": "a FIFO (named pipe), not a regular file",
    "docs/sock.md": "a socket, not a regular file",
    "docs/loop": "is a symbolic link loop (to .); not followed",
    "docs/secret.md": "is a symbolic link to ../../outside/secret.md, outside the inputs' tree",
    "docs/outdir": "is a symbolic link to ../../outside/dir, outside the inputs' tree",
}
SECRET = "https://secret.example/token"  # in a file outside the checkout: never read, never checked


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A checkout whose docs/ holds two real documents and every hostile entry, beside a
    folder outside it."""
    outside = tmp_path / "outside"
    (outside / "dir").mkdir(parents=True)
    (outside / "secret.md").write_text(f"[token]({SECRET})\n")
    (outside / "dir" / "c.md").write_text("[also secret](https://secret.example/dir)\n")
    root = tmp_path / "repo"
    (root / "docs" / "sub").mkdir(parents=True)
    (root / "docs" / "a.md").write_text("# A\n\n[ok](sub/b.md) and [gone](missing.md)\n")
    (root / "docs" / "sub" / "b.md").write_text("[back](../a.md)\n")
    (root / "docs" / "zero.md").symlink_to("/dev/zero")
    os.mkfifo(root / "docs" / "pipe.md")
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(root / "docs" / "sock.md"))
    (root / "docs" / "loop").symlink_to(".")
    (root / "docs" / "secret.md").symlink_to("../../outside/secret.md")
    (root / "docs" / "outdir").symlink_to("../../outside/dir")
    (root / "docs" / "alias").symlink_to("sub")  # inside the tree: another name, read once
    return root


def auditor_cli(*args: str, cwd: Path, timeout: float = 10) -> subprocess.CompletedProcess[str]:
    """The command as a user runs it, killed (and the test failed) if it takes over ``timeout`` s."""
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "CI", "AUDITOR_DEBUG")}
    return subprocess.run(
        [sys.executable, "-m", "auditor", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env=env,
    )


def statuses(report: str) -> dict[str, str]:
    return {ref["text"]: ref["status"] for ref in json.loads(report)["references"]}


# --- a hostile folder, as a directory and as a glob ------------------------------------


@pytest.mark.parametrize("given", ["docs", "docs/**/*.md", "docs/**"], ids=["directory", "glob", "glob-all"])
def test_a_hostile_folder_is_checked_in_seconds_with_a_warning_for_each_entry(repo: Path, given: str) -> None:
    started = time.monotonic()
    done = auditor_cli("check", given, "--format", "json", cwd=repo)
    assert time.monotonic() - started < 10
    assert done.returncode == 2, done.stderr  # inputs that could not be read, after the others were checked
    assert "Traceback" not in done.stderr
    warnings = [line for line in done.stderr.splitlines() if line.startswith("auditor: warning: ")]
    for name, words in HOSTILE.items():
        assert any(line.startswith(f"auditor: warning: {name}: ") and words in line for line in warnings), name
    assert len(warnings) == len(HOSTILE), done.stderr
    assert statuses(done.stdout) == {"sub/b.md": "ok", "missing.md": "dead", "../a.md": "ok"}
    assert "secret.example" not in done.stdout + done.stderr
    sources = [s["path"] for s in json.loads(done.stdout)["sources"]]
    assert sources == ["docs/a.md", "docs/sub/b.md"]  # docs/alias/b.md is the same file: read once


def test_follow_symlinks_reads_links_out_of_the_tree_but_never_a_device_fifo_or_socket(repo: Path) -> None:
    done = auditor_cli("extract", "docs", "--format", "json", cwd=repo)  # extract follows the defaults
    assert "secret.example" not in done.stdout
    done = auditor_cli("check", "docs", "--follow-symlinks", "--format", "json", "--exclude", "secret", cwd=repo)
    assert done.returncode == 2
    assert {"https://secret.example/token", "https://secret.example/dir"} <= set(statuses(done.stdout))
    for name in ("docs/zero.md", "docs/pipe.md", "docs/sock.md", "docs/loop"):
        assert f"auditor: warning: {name}: {HOSTILE[name]}" in done.stderr
    assert "outside the inputs' tree" not in done.stderr


# --- inputs named on the command line --------------------------------------------------


@pytest.mark.parametrize(
    ("given", "says"),
    [
        pytest.param("/dev/zero", "/dev/zero: a character device, not a regular file", id="/dev/zero"),
        pytest.param("docs/pipe.md", "docs/pipe.md: a FIFO (named pipe), not a regular file", id="fifo"),
        pytest.param("docs/sock.md", "docs/sock.md: a socket, not a regular file", id="socket"),
        pytest.param("docs/zero.md", "docs/zero.md: a character device, through the symbolic link", id="link-to-zero"),
        pytest.param(
            "docs/secret.md",
            "docs/secret.md: is a symbolic link to ../../outside/secret.md, outside the inputs' tree",
            id="link-out-of-the-tree",
        ),
        pytest.param(
            "docs/outdir",
            "docs/outdir: is a symbolic link to ../../outside/dir, outside the inputs' tree",
            id="folder-link-out-of-the-tree",
        ),
    ],
)
def test_a_named_input_that_is_no_regular_file_in_the_tree_is_refused_by_name(
    repo: Path, given: str, says: str
) -> None:
    done = auditor_cli("check", given, "docs/a.md", cwd=repo)
    assert done.returncode == 2
    assert f"auditor: warning: {says}" in done.stderr
    assert "Traceback" not in done.stderr and "secret.example" not in done.stdout
    assert "missing.md" in done.stdout  # the other input was still checked


def test_a_named_file_outside_the_working_directory_is_its_own_tree(tmp_path: Path, repo: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "note.md").write_text("[sibling](other.md)\n")
    (elsewhere / "other.md").symlink_to("note.md")  # a link inside its own folder: read
    (elsewhere / "away.md").symlink_to("../outside/secret.md")  # out of its folder: refused
    done = auditor_cli("extract", str(elsewhere / "other.md"), str(elsewhere / "away.md"), cwd=repo)
    assert done.returncode == 2
    assert "other.md" in done.stdout
    assert f"{elsewhere / 'away.md'}: is a symbolic link to ../outside/secret.md" in done.stderr


# --- bounded while reading -------------------------------------------------------------


#: Runs auditor and prints its peak RSS (kB) at exit. VmHWM, not ru_maxrss: on Linux a
#: child's ru_maxrss starts at its parent's RSS at fork (pytest's, hundreds of MB late in
#: a run), while VmHWM belongs to the process image exec made.
MAXRSS = """\
import atexit, resource, runpy, sys
def peak():
    try:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
atexit.register(lambda: print("maxrss", peak(), file=sys.stderr))
sys.argv = ["auditor", *sys.argv[1:]]
runpy.run_module("auditor", run_name="__main__")
"""


def test_a_huge_sparse_file_is_refused_without_being_read(repo: Path) -> None:
    huge = repo / "docs" / "huge.md"
    with huge.open("wb") as out:
        out.truncate(5 * 1024**3)  # 5 GB of nothing: sparse, costs no disk
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", MAXRSS, "extract", "docs/a.md", "docs/huge.md"],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=10,
        check=False,
    )
    assert time.monotonic() - started < 10
    assert done.returncode == 2
    assert "auditor: warning: docs/huge.md: larger than the 50 MB limit; split it or leave it out" in done.stderr
    peak_kb = int(re.search(r"maxrss (\d+)", done.stderr).group(1))  # type: ignore[union-attr]
    assert peak_kb < 250 * 1024  # the interpreter and its libraries; not the file


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="needs /proc")
def test_a_file_that_says_it_is_empty_is_still_cut_at_the_limit_while_reading() -> None:
    maps = Path("/proc/self/maps")
    assert maps.stat().st_size == 0  # what /proc says; its content is several kilobytes
    assert len(read_regular(maps, "maps", 10 * 1024 * 1024)) > 100
    with pytest.raises(UnreadableInput, match="maps: larger than the 100 bytes limit"):
        read_regular(maps, "maps", 100)


# --- walks and globs: loops, aliases, links out, exclusions ----------------------------


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """docs/ with a loop, a folder reached under two names, a link out, a hidden folder; no
    devices: this runs in the test process."""
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "o.md").write_text("o\n")
    root = tmp_path / "repo"
    for name in ("docs/a.md", "docs/sub/b.md", "docs/sub/deep/c.md", "docs/vendor/v.md", "docs/.hidden/h.md"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(f"{name}\n")
    (root / "docs" / "sub" / "deep" / "up").symlink_to("../..")  # a loop two levels up
    (root / "docs" / "again").symlink_to("sub")
    (root / "docs" / "out").symlink_to("../../outside")
    (root / "shared").mkdir()
    (root / "shared" / "s.md").write_text("s\n")
    (root / "docs" / "shared").symlink_to("../shared")  # out of docs/, inside the checkout: followed
    monkeypatch.chdir(root)
    return root


def found(inputs: list[str], policy: InputPolicy | None = None) -> list[str]:
    """What the inputs resolve to: each document's name, each refused path as 'name!'."""
    return [s.name + ("!" if s.refused else "") for s in resolve_inputs(inputs, policy)]


WALKS: dict[str, tuple[list[str], InputPolicy, list[str]]] = {
    "a walk": (
        ["docs"],
        InputPolicy(),
        [
            "docs/a.md",
            "docs/out!",
            "docs/shared/s.md",
            "docs/sub/b.md",
            "docs/sub/deep/c.md",
            "docs/sub/deep/up!",
            "docs/vendor/v.md",
        ],
    ),
    "a ** glob": (
        ["docs/**/*.md"],
        InputPolicy(),
        [
            "docs/a.md",
            "docs/out!",
            "docs/shared/s.md",
            "docs/sub/b.md",
            "docs/sub/deep/c.md",
            "docs/sub/deep/up!",
            "docs/vendor/v.md",
        ],
    ),
    "follow symlinks": (
        ["docs"],
        InputPolicy(follow_symlinks=True),
        [
            "docs/a.md",
            "docs/out/o.md",
            "docs/shared/s.md",
            "docs/sub/b.md",
            "docs/sub/deep/c.md",
            "docs/sub/deep/up!",
            "docs/vendor/v.md",
        ],
    ),
    "exclude folders": (
        ["docs"],
        InputPolicy(exclude_path=(re.compile(r"^docs/(vendor|out)/$"),)),
        ["docs/a.md", "docs/shared/s.md", "docs/sub/b.md", "docs/sub/deep/c.md", "docs/sub/deep/up!"],
    ),
    "exclude files": (
        ["docs/**/*.md"],
        InputPolicy(exclude_path=(re.compile(r"(^|/)[bc]\.md$"),)),
        ["docs/a.md", "docs/out!", "docs/shared/s.md", "docs/sub/deep/up!", "docs/vendor/v.md"],
    ),
    "exclude a named file": (
        ["docs/a.md", "./docs/vendor"],
        InputPolicy(exclude_path=(re.compile("^docs/a"),)),
        ["docs/vendor/v.md"],
    ),
    "a glob without **": (
        ["docs/*/*.md"],
        InputPolicy(),
        ["docs/out!", "docs/shared/s.md", "docs/sub/b.md", "docs/vendor/v.md"],
    ),
    "hidden only when asked": (["docs/.*/*.md"], InputPolicy(), ["docs/.hidden/h.md"]),
}


@pytest.mark.parametrize(("inputs", "policy", "expected"), list(WALKS.values()), ids=list(WALKS))
def test_walks_and_globs_stop_at_loops_and_the_tree(
    tree: Path, inputs: list[str], policy: InputPolicy, expected: list[str]
) -> None:
    assert found(inputs, policy) == expected


def test_a_loop_is_reported_as_such(tree: Path) -> None:
    (up,) = [s for s in resolve_inputs(["docs/**/*.md"]) if s.name == "docs/sub/deep/up"]
    assert up.refused == "is a symbolic link loop (to ../..); not followed"


@pytest.mark.parametrize(
    "pattern", ["docs/**/*.md", "docs/*/*.md", "docs/sub/**", "*/a.md", "docs/**/deep/*.md", "docs/s?b/*.md"]
)
def test_a_glob_finds_what_python_s_glob_finds_in_a_tree_without_links(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pattern: str
) -> None:
    import glob as stdlib  # it would follow a loop for ever: only here, where there is none

    for name in ("docs/a.md", "docs/sub/b.md", "docs/sub/deep/c.md", "docs/x/deep/d.md", "docs/.h/e.md", "f.md"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x\n")
    monkeypatch.chdir(tmp_path)
    theirs = set()
    for match in stdlib.glob(pattern, recursive=True):
        walked = Path(match).rglob("*.md") if Path(match).is_dir() else [Path(match)]
        theirs |= {str(p) for p in walked if "/." not in f"/{p}"}
    assert {s.name for s in resolve_inputs([pattern])} == theirs


@pytest.mark.parametrize("command", ["extract", "check", "fix", "run"])
def test_the_input_flags_are_on_every_command_that_reads_inputs(command: str) -> None:
    out = CliRunner().invoke(main, [command, "--help"]).output
    assert "--follow-symlinks" in out and "--exclude-path REGEX" in out
    wrong = CliRunner().invoke(main, [command, "x.md", "--exclude-path", "("])
    assert wrong.exit_code == 2 and "Invalid value for '--exclude-path': not a regular expression" in wrong.output


def test_a_link_changed_between_the_checks_and_the_open_is_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.md").write_text("a")
    (tmp_path / "b.md").write_text("b")
    (tmp_path / "doc.md").symlink_to("a.md")
    real_open = os.open

    def swapping_open(path: Any, flags: int, *args: Any) -> int:
        (tmp_path / "doc.md").unlink()
        (tmp_path / "doc.md").symlink_to("b.md")  # what an attacker racing us would do
        return real_open(path, flags, *args)

    monkeypatch.setattr(os, "open", swapping_open)
    with pytest.raises(UnreadableInput, match=r"doc\.md: changed while it was being opened; not read"):
        read_regular(tmp_path / "doc.md", "doc.md", 1024, tree=tmp_path.resolve())


EXCLUDE_HOSTILE = ["--exclude-path", r"^docs/(pipe|sock|zero|secret)\.md$", "--exclude-path", "^docs/(loop|outdir)/$"]


@pytest.mark.parametrize("command", [["check", "docs"], ["fix", "docs"], ["run"]], ids=lambda c: c[0])
@pytest.mark.parametrize("excluded", [False, True], ids=["as-is", "excluded"])
def test_exclude_path_on_check_fix_and_run(repo: Path, command: list[str], excluded: bool) -> None:
    (repo / "targets.yaml").write_text(f"sources:\n  - path: docs\nreports:\n  dir: {repo.parent / 'reports'}\n")
    done = auditor_cli(*command, "-q", *(EXCLUDE_HOSTILE if excluded else []), cwd=repo)
    warned = [name for name in HOSTILE if f"auditor: warning: {name}: " in done.stderr]
    assert warned == ([] if excluded else list(HOSTILE)), done.stderr
    assert done.returncode == (1 if excluded else 2)  # missing.md is dead; refused inputs are exit 2


def test_exclude_path_leaves_a_fifo_unopened(repo: Path) -> None:
    done = auditor_cli("check", "docs", "--exclude-path", r"^docs/(pipe|sock|zero|secret)\.md$", cwd=repo)
    for name in ("docs/pipe.md", "docs/sock.md", "docs/zero.md", "docs/secret.md"):
        assert name not in done.stderr
    assert "docs/loop" in done.stderr  # not excluded: still reported


def test_exclude_path_and_follow_symlinks_in_targets_yaml(tree: Path) -> None:
    Path("targets.yaml").write_text(
        "sources:\n  - path: docs\nchecks:\n  exclude_path: ['^docs/sub/']\n  follow_symlinks: true\n"
    )
    config = load("targets.yaml")
    names = [s.name for s in config.sources()]
    assert "docs/out/o.md" in names and not any(n.startswith("docs/sub/") for n in names)
    # --exclude-path adds to the file's patterns; --follow-symlinks cannot be unset, only set
    names = [s.name for s in config.sources(config.input_policy(exclude_path=["vendor"]))]
    assert "docs/vendor/v.md" not in names and "docs/a.md" in names


# --- targets.yaml: an alias budget -----------------------------------------------------


def laughs(levels: int, width: int = 9) -> str:
    lines = ["sources:", "  - path: docs", "lol0: &lol0 [lol]"]
    for i in range(1, levels + 1):
        lines.append(f"lol{i}: &lol{i} [{', '.join([f'*lol{i - 1}'] * width)}]")
    return "\n".join(lines) + "\n"


BOMBS = {
    "billion laughs": (laughs(9), r"bomb\.yaml:8: its aliases expand to more than 100,000 values"),
    "a hundred and one aliases": (
        "sources:\n  - path: docs\nx: &x 1\nmany: [" + ", ".join(["*x"] * 101) + "]\n",
        r"bomb\.yaml:4: more than 100 aliases \(\*name\): refused as a possible alias bomb",
    ),
    "an alias inside itself": ("sources: &s [*s]\n", r"bomb\.yaml:1: an alias refers to a value that contains it"),
    "nested 500 deep": ("sources: " + "[" * 500 + "]" * 500 + "\n", r"bomb\.yaml:1: nested more than 100 levels deep"),
}


@pytest.mark.parametrize(("text", "error"), list(BOMBS.values()), ids=list(BOMBS))
def test_a_yaml_bomb_fails_fast_with_the_file_and_line(tmp_path: Path, text: str, error: str) -> None:
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(text)
    started = time.monotonic()
    with pytest.raises(ConfigError, match=error):
        load(bomb)
    assert time.monotonic() - started < 1
    done = auditor_cli("run", "--config", str(bomb), cwd=tmp_path)
    assert done.returncode == 2
    assert re.search(error, done.stderr) and "Traceback" not in done.stderr


def test_aliases_within_the_budget_still_load(tmp_path: Path) -> None:
    (tmp_path / "targets.yaml").write_text(
        "sources:\n  - path: docs\nchecks:\n  exclude: &skip ['^https://intranet\\.']\n  include: *skip\n"
    )
    config = load(tmp_path / "targets.yaml")
    assert config.targets.checks.include == config.targets.checks.exclude == ["^https://intranet\\."]


def test_targets_yaml_is_read_as_an_input(tmp_path: Path) -> None:
    (tmp_path / "targets.yaml").symlink_to("/dev/zero")
    with pytest.raises(ConfigError, match=r"targets\.yaml: a character device, through the symbolic link to /dev/zero"):
        load(tmp_path / "targets.yaml")


# --- fix: never through a link out of the tree -----------------------------------------

OLD, NEW = "https://old.example/", "https://new.example/"


@pytest.fixture
def moved(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A checkout with a document and a link to a document outside it, both linking to a moved page."""
    sites: dict[str, Any] = {
        "old.example": {"/": redirect(301, NEW)},
        "new.example": {"/": html_page("New", "x " * 50)},
    }
    monkeypatch.setattr(auditor.cli, "check_sources", through_fake_web(sites))
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "theirs.md").write_text(f"[page]({OLD})\n")
    root = tmp_path / "repo"
    root.mkdir()
    (root / "ours.md").write_text(f"[page]({OLD})\n")
    (root / "theirs.md").symlink_to("../outside/theirs.md")
    monkeypatch.chdir(root)
    yield tmp_path


@pytest.mark.parametrize("follow", [False, True], ids=["default", "follow-symlinks"])
def test_fix_never_writes_through_a_link_out_of_the_tree(moved: Path, follow: bool) -> None:
    flags = ["--follow-symlinks"] if follow else []
    args = ["fix", "ours.md", "theirs.md", *flags, "--retries", "0", "--host-request-interval", "0", "--no-archive"]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 2, result.output
    assert Path("ours.md").read_text() == f"[page]({NEW})\n"  # the file in the tree is still fixed
    assert (moved / "outside" / "theirs.md").read_text() == f"[page]({OLD})\n"
    assert Path("theirs.md").is_symlink()
    says = "theirs.md: is a symbolic link to ../outside/theirs.md, outside the inputs' tree"
    assert says in result.stderr
    if follow:  # read, planned, then refused at the write
        assert f"not rewritten: {says}" in result.stdout


def test_a_report_is_not_written_over_a_symbolic_link(tmp_path: Path) -> None:
    (tmp_path / "target.html").write_text("keep me")
    (tmp_path / "report.html").symlink_to("target.html")
    with pytest.raises(AuditorError, match=r"report\.html: it is a symbolic link \(to target\.html\)"):
        write_atomic(tmp_path / "report.html", "report")
    assert (tmp_path / "report.html").is_symlink() and (tmp_path / "target.html").read_text() == "keep me"


@pytest.mark.parametrize("command", ["check", "fix"])
def test_the_hostile_folder_with_a_yaml_bomb_as_its_targets_yaml_ends_at_once(repo: Path, command: str) -> None:
    """The issue's "done when": /dev/zero, a FIFO, a link loop and a YAML bomb as ./targets.yaml
    (which `check` and `fix` read): a located error within 10 s, nothing checked, no traceback."""
    (repo / "targets.yaml").write_text(laughs(9))
    started = time.monotonic()
    done = auditor_cli(command, "docs", cwd=repo)
    assert time.monotonic() - started < 10
    assert done.returncode == 2
    assert re.search(r"targets\.yaml:8: its aliases expand to more than 100,000 values", done.stderr)
    assert "Traceback" not in done.stderr
