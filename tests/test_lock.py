"""One audit at a time per reports folder, whoever asks, and never a lock left behind by a dead process."""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import signal
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from auditor.errors import AuditorError
from auditor.lock import LOCK_NAME, AuditLock, AuditLocked, Holder

# Takes the lock of the folder in argv[1], says so, and holds it until killed.
HOLD = """
import sys, time
from auditor.lock import AuditLock
with AuditLock(sys.argv[1]):
    print("locked", flush=True)
    time.sleep(60)
"""

# Tries the lock of the folder in argv[1] once; prints the refusal and exits with its code.
TRY = """
import sys
from auditor.lock import AuditLock, AuditLocked
try:
    with AuditLock(sys.argv[1]):
        print("acquired")
except AuditLocked as exc:
    print(exc)
    sys.exit(exc.exit_code)
"""


def hold_in_subprocess(reports: Path) -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(reports)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "locked"
    return proc


def test_the_lock_file_is_created_in_the_reports_folder_and_names_its_holder(tmp_path: Path) -> None:
    reports = tmp_path / "reports"  # not there yet: the first audit makes it
    with AuditLock(reports) as lock:
        assert lock.held and lock.path == reports / LOCK_NAME
        holder = Holder.parse(lock.path.read_bytes())
        assert holder is not None and holder.pid == os.getpid()
        assert abs((datetime.now(UTC) - holder.since).total_seconds()) < 5
    assert not lock.held
    assert lock.path.read_bytes() == b""  # kept (never deleted under a holder), emptied: free


def test_a_second_audit_in_the_same_process_is_refused_with_who_holds_the_lock(tmp_path: Path) -> None:
    with AuditLock(tmp_path), pytest.raises(AuditLocked) as refused, AuditLock(tmp_path):
        pass
    message = str(refused.value)
    assert re.match(
        rf"another audit is running \(pid {os.getpid()} since \d{{4}}-\d\d-\d\d \d\d:\d\d UTC\); {re.escape(str(tmp_path / LOCK_NAME))}",
        message,
    )
    assert "wait for it to finish" in message
    assert refused.value.exit_code == 2 and isinstance(refused.value, AuditorError)


def test_an_audit_in_another_process_is_refused_while_this_one_holds_the_lock(tmp_path: Path) -> None:
    with AuditLock(tmp_path):
        other = subprocess.run([sys.executable, "-c", TRY, str(tmp_path)], capture_output=True, text=True, timeout=30)
    assert other.returncode == 2
    assert other.stdout.startswith(f"another audit is running (pid {os.getpid()} since ")
    after = subprocess.run([sys.executable, "-c", TRY, str(tmp_path)], capture_output=True, text=True, timeout=30)
    assert (after.returncode, after.stdout) == (0, "acquired\n")


def test_this_process_is_refused_while_another_holds_the_lock_then_a_killed_holder_blocks_nothing(
    tmp_path: Path,
) -> None:
    holder = hold_in_subprocess(tmp_path)
    try:
        with pytest.raises(AuditLocked, match=rf"\(pid {holder.pid} since "), AuditLock(tmp_path):
            pass
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=30)
    assert (tmp_path / LOCK_NAME).read_text().startswith(f"{holder.pid} ")  # left behind by the killed holder
    with AuditLock(tmp_path) as lock:  # ... and no obstacle: the kernel dropped its lock
        assert lock.held


@pytest.mark.parametrize("crash", [pytest.param(False, id="the block ends"), pytest.param(True, id="the block raises")])
def test_the_lock_is_released_when(tmp_path: Path, crash: bool) -> None:
    with contextlib.suppress(RuntimeError), AuditLock(tmp_path):
        if crash:
            raise RuntimeError("the audit crashed")
    with AuditLock(tmp_path) as again:
        assert again.held


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        pytest.param(b"", "another audit is running; ", id="the holder has not written its pid yet"),
        pytest.param(b"garbage\n", "another audit is running; ", id="a garbled lock file"),
        pytest.param(
            b"4321 2026-11-21T06:00:00+00:00\n",
            "another audit is running (pid 4321 since 2026-11-21 06:00 UTC); ",
            id="a pid and a start time",
        ),
        pytest.param(
            b"4321 2026-11-21T07:00:00+01:00\n",
            "another audit is running (pid 4321 since 2026-11-21 06:00 UTC); ",
            id="a start time in another zone, shown in UTC",
        ),
    ],
)
def test_the_refusal_says_what_the_lock_file_says(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / LOCK_NAME
    path.write_bytes(content)
    with path.open("rb") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # another holder, as any process would hold it
        with pytest.raises(AuditLocked) as refused, AuditLock(tmp_path):
            pass
    assert str(refused.value).startswith(expected + str(path))
    assert path.read_bytes() == content  # a refused audit does not touch the holder's file


def test_a_reports_folder_that_cannot_be_written_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "reports"
    blocker.write_text("a file where the reports folder should be")
    with pytest.raises(AuditorError, match=r"cannot lock .*reports/\.auditor\.lock: ") as failed, AuditLock(blocker):
        pass
    assert not isinstance(failed.value, AuditLocked)


def test_one_lock_object_is_not_re_entrant(tmp_path: Path) -> None:
    with AuditLock(tmp_path) as lock, pytest.raises(RuntimeError, match="already held"):
        lock.acquire()
