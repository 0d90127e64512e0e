"""Reports and histories are written whole or not at all, readable as a plain write would leave them."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from auditor.errors import AuditorError
from auditor.write import write_atomic


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_report_gets_the_mode_a_plain_write_would_give(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        write_atomic(tmp_path / "r.html", "<p>report</p>")
    finally:
        os.umask(old)
    assert mode(tmp_path / "r.html") == 0o644  # not mkstemp's 0600: CI artifacts and web servers read it


def test_rewriting_a_report_keeps_its_mode_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "r.json"
    target.write_text("old")
    target.chmod(0o640)
    write_atomic(target, "new")
    assert target.read_text() == "new"
    assert mode(target) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]


def test_a_write_that_fails_names_the_file_and_keeps_the_old_one(tmp_path: Path) -> None:
    target = tmp_path / "r.json"
    target.mkdir()  # a folder where the report should go: the rename fails
    with pytest.raises(AuditorError, match=r"cannot write .*r\.json"):
        write_atomic(target, "new")
    assert target.is_dir() and [p.name for p in tmp_path.iterdir()] == ["r.json"]
