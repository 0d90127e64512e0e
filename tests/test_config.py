"""targets.yaml and `auditor run`: errors name the file, the line and the key."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from auditor.cli import main

GOOD = """\
sources:
  - path: docs/*.txt
organisations:
  - name: Sarcoma UK
    url: https://www.sarcoma-uk.org/
    phones: ["0808 801 0401"]
checks:
  regions: [GB]
"""


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Path]:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "leaflet.txt").write_text("Sarcoma UK: www.sarcoma-uk.org, 0808 801 0401.\n")
    (tmp_path / "targets.yaml").write_text(GOOD)
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        yield tmp_path
    finally:
        os.chdir(cwd)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_run_extracts_the_configured_sources_and_writes_the_report(project: Path) -> None:
    code, out, err = run("run")
    assert code == 0
    assert "docs/leaflet.txt:1:13" in out
    report = json.loads((project / "reports" / "references.json").read_text())
    assert [r["text"] for r in report["references"]] == ["www.sarcoma-uk.org", "0808 801 0401"]
    assert "wrote reports/references.json" in err
    assert not [p for p in (project / "reports").iterdir() if p.name.endswith(".tmp")]


def test_run_takes_another_config_file(project: Path) -> None:
    (project / "other.yaml").write_text(GOOD.replace("docs/*.txt", "docs/leaflet.txt"))
    code, _, _ = run("run", "--config", "other.yaml")
    assert code == 0


@pytest.mark.parametrize(
    ("yaml_text", "message"),
    [
        (GOOD + "surprise: 1\n", "targets.yaml:9: surprise: unknown key 'surprise'"),
        (
            GOOD.replace("  regions: [GB]", "  regions: [GB]\n  timout: 20"),
            "targets.yaml:9: checks.timout: unknown key 'timout'",
        ),
        (GOOD.replace("[GB]", "[GB, XX]"), "targets.yaml:8: checks.regions: unknown region 'XX'"),
        (
            GOOD.replace("url: https://www.sarcoma-uk.org/", "url: www.sarcoma-uk.org"),
            "targets.yaml:5: organisations[0].url: not a web address",
        ),
        (
            GOOD.replace("  - name: Sarcoma UK\n", "  - nme: Sarcoma UK\n"),
            "targets.yaml:4: organisations[0].name: required key is missing",
        ),
        (
            GOOD.replace('phones: ["0808 801 0401"]', "phones: 5"),
            "targets.yaml:6: organisations[0].phones: Input should be a valid list",
        ),
        ("sources: [\n", "targets.yaml:2: not valid YAML"),
        ("- just\n- a list\n", "targets.yaml:1: expected a mapping"),
        ("organisations: []\n", "targets.yaml:1: sources: required key is missing"),
    ],
    ids=[
        "unknown top-level key",
        "unknown nested key",
        "bad region",
        "url without scheme",
        "missing name",
        "wrong type",
        "broken yaml",
        "not a mapping",
        "no sources",
    ],
)
def test_config_errors_name_file_line_and_key(project: Path, yaml_text: str, message: str) -> None:
    (project / "targets.yaml").write_text(yaml_text)
    code, out, err = run("run")
    assert code == 2
    assert out == ""
    assert f"auditor: error: {message}" in err
    assert not (project / "reports" / "references.json").exists()


def test_a_missing_config_says_where_it_looked(project: Path) -> None:
    code, _, err = run("run", "--config", "absent.yaml")
    assert code == 2
    assert "no such file: absent.yaml" in err


def test_a_source_glob_matching_nothing_is_an_error_naming_it(project: Path) -> None:
    (project / "targets.yaml").write_text(GOOD.replace("docs/*.txt", "leaflets/*.pdf"))
    code, _, err = run("run")
    assert code == 2
    assert "no file matches glob: leaflets/*.pdf" in err


def test_an_unwritable_reports_folder_is_a_clear_error(project: Path) -> None:
    (project / "reports").write_text("a file where the folder should be")
    code, out, err = run("run")
    assert code == 2
    assert out == ""  # refused before any document was read
    assert "cannot write reports/references.json" in err


def test_the_shipped_targets_yaml_is_valid_and_audits_the_example_leaflet() -> None:
    from auditor.config import load

    root = Path(__file__).resolve().parents[1]
    config = load(root / "targets.yaml")
    names = [org.name for org in config.targets.organisations]
    assert "National Cancer Institute" in names
    nci = config.targets.organisations[names.index("National Cancer Institute")]
    assert nci.phones == ["1-800-4-CANCER"]
    assert list((root / "examples").glob("*.txt"))
