"""One audit at a time per reports folder: an exclusive ``flock`` on ``<reports>/.auditor.lock``.

Two audits writing the same history and reports would interleave runs and race on
``latest.json``; ``auditor run`` and every run of ``auditor schedule`` take this lock.

Why ``flock`` and not "create the file, delete it when done": the kernel drops the lock
when the holder's file descriptor closes, which includes the process being killed, so a
lock file left behind by a crash never blocks the next audit and there is no stale-lock
guessing. The file itself is never deleted (deleting a flock'd file lets a second process
lock a new file of the same name); it only carries the holder's pid and start time so
that the refusal can say who holds it.
"""

from __future__ import annotations

import fcntl
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from auditor.errors import AuditorError

LOCK_NAME = ".auditor.lock"


@dataclass(frozen=True, slots=True)
class Holder:
    """Who holds the lock, as the holder wrote it into the lock file."""

    pid: int
    since: datetime

    def __str__(self) -> str:
        return f"pid {self.pid} since {self.since.astimezone(UTC):%Y-%m-%d %H:%M} UTC"

    def dump(self) -> bytes:
        return f"{self.pid} {self.since.astimezone(UTC).isoformat(timespec='seconds')}\n".encode()

    @classmethod
    def parse(cls, text: bytes) -> Holder | None:
        """The holder written by :meth:`dump`; None when the file is empty or garbled.

        Empty is normal for a moment: the holder writes its pid just after taking the lock.
        """
        try:
            pid, since = text.decode("ascii").split()
            return cls(int(pid), datetime.fromisoformat(since))
        except ValueError:  # wrong field count, not a number, not a date, not ASCII
            return None


class AuditLocked(AuditorError):
    """Another audit holds the lock of this reports folder."""

    exit_code = 2

    def __init__(self, path: Path, holder: Holder | None) -> None:
        who = f" ({holder})" if holder else ""
        super().__init__(
            f"another audit is running{who}; {path} — wait for it to finish, or stop that process and try again"
        )
        self.path = path
        self.holder = holder


class AuditLock:
    """An exclusive, non-blocking lock on ``<reports_dir>/.auditor.lock``, as a context manager.

    ``with AuditLock(reports_dir): ...`` raises :class:`AuditLocked` at once (no waiting)
    when another audit holds it, whether in another process or in this one. Released on
    leaving the block, on an exception, and by the OS when the process dies. Not re-entrant.
    """

    def __init__(self, reports_dir: Path | str) -> None:
        self.path = Path(reports_dir) / LOCK_NAME
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> None:
        if self._fd is not None:
            raise RuntimeError(f"{self.path} is already held by this AuditLock")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # os.open's descriptors are not inherited by child processes, so a
            # program the audit starts cannot keep the lock alive after us.
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise AuditorError(f"cannot lock {self.path}: {exc.strerror or exc}") from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = Holder.parse(os.pread(fd, 256, 0))
            os.close(fd)
            raise AuditLocked(self.path, holder) from None
        except OSError as exc:  # e.g. ENOLCK on a file system without locks
            os.close(fd)
            raise AuditorError(f"cannot lock {self.path}: {exc.strerror or exc}") from exc
        os.ftruncate(fd, 0)
        os.pwrite(fd, Holder(os.getpid(), datetime.now(UTC)).dump(), 0)
        self._fd = fd

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            os.ftruncate(fd, 0)  # an empty lock file reads as "free" to a person looking
        finally:
            os.close(fd)  # closing the last descriptor releases the flock

    def __enter__(self) -> AuditLock:
        self.acquire()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()
