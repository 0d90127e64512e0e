"""What an install promises: every module we import is one we declare.

A fresh venv installs only what pyproject.toml names (and what those name in turn).
A module we import but do not declare works on a developer's machine and breaks on
a user's, as `lxml.html.clean` did (jusText imports it; its extra was not matched by
pip 23.2). `.ci/run` installs with the venv's own pip and runs `auditor demo` to catch
the under-declared libraries; this test catches our own imports.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
FIRST_PARTY = {"auditor", "tests"}


def normalised(name: str) -> str:
    """A distribution name as the index compares it (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(requirement: str) -> str:
    match = re.match(r"[A-Za-z0-9._-]+", requirement)
    assert match is not None, requirement
    return normalised(match.group())


def declared(*extras: str) -> set[str]:
    project = PYPROJECT["project"]
    requirements = list(project["dependencies"])
    for extra in extras:
        requirements += project["optional-dependencies"][extra]
    return {requirement_name(r) for r in requirements}


def imported_modules(folder: Path, outside: Path | None = None) -> dict[str, str]:
    """Each third-party top-level module imported under ``folder`` (not under ``outside``) ->
    the first file:line importing it."""
    found: dict[str, str] = {}
    for path in sorted(folder.rglob("*.py")):
        if outside is not None and path.is_relative_to(outside):
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.partition(".")[0]
                if top in sys.stdlib_module_names or top in FIRST_PARTY or top == "__future__":
                    continue
                found.setdefault(top, f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def undeclared(folder: Path, allowed: set[str], outside: Path | None = None) -> list[str]:
    distributions = packages_distributions()
    missing = []
    for module, where in imported_modules(folder, outside).items():
        names = {normalised(d) for d in distributions.get(module, [])}
        if not names:
            missing.append(f"{where}: {module} is not installed")
        elif not names & allowed:
            missing.append(f"{where}: {module} comes from {sorted(names)}, which pyproject.toml does not declare")
    return missing


@pytest.mark.parametrize(
    ("folder", "extras", "outside"),
    [
        ("auditor", (), "auditor/cluster"),
        ("auditor/cluster", ("cluster",), None),
        ("tests", ("test",), None),
    ],
    ids=["the package: its dependencies", "--cluster: the cluster extra too", "the tests: the test extra too"],
)
def test_every_imported_module_is_declared(folder: str, extras: tuple[str, ...], outside: str | None) -> None:
    assert undeclared(ROOT / folder, declared(*extras), ROOT / outside if outside else None) == []


def test_the_module_jusText_imports_is_declared_directly() -> None:
    # lxml's extra was renamed html_clean -> html-clean; pip before 23.3 does not match
    # jusText's `lxml[html_clean]` to it and installs nothing. Naming the module's own
    # distribution works with every pip.
    assert "lxml-html-clean" in declared()


DISTRIBUTION = "reference-auditor"  # "auditor" on the package index is another project


def test_the_version_is_written_once_and_read_everywhere() -> None:
    from importlib.metadata import version

    from click.testing import CliRunner

    import auditor
    from auditor.cli import main
    from auditor.defaults import DEFAULT_USER_AGENT

    assert "version" in PYPROJECT["project"]["dynamic"]
    assert version(DISTRIBUTION) == auditor.__version__
    assert CliRunner().invoke(main, ["--version"]).output == f"auditor, version {auditor.__version__}\n"
    assert DEFAULT_USER_AGENT.startswith(f"auditor/{auditor.__version__} ")


def test_the_distribution_is_named_for_the_index_and_licensed() -> None:
    project = PYPROJECT["project"]
    assert project["name"] == DISTRIBUTION
    assert project["scripts"] == {"auditor": "auditor.cli:entry_point"}
    assert project["license"] == "MIT"
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")
    assert set(project["urls"]) >= {"Homepage", "Source", "Issues"}
