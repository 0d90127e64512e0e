"""Writing files so that a reader never sees half of one: temporary file, then rename."""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

from auditor.errors import AuditorError


def _not_a_link(path: Path) -> None:
    """A symbolic link is not replaced by a regular file behind the user's back: say so instead."""
    if os.path.islink(path):
        raise AuditorError(
            f"cannot write {path}: it is a symbolic link (to {os.readlink(path)}), which would be replaced "
            "by a regular file; name the file it points to, or remove the link"
        )


def ensure_writable(path: Path) -> None:
    """Fail now, before any work, if ``path`` could not be written later."""
    _not_a_link(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise AuditorError(f"cannot write {path}: {exc.strerror or exc}") from exc
    if not os.access(path.parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise AuditorError(f"cannot write {path}: permission denied")


def _mode_for(path: Path) -> int:
    """The mode a plain ``open(path, "w")`` would give: the old file's, else 0666 less the umask.

    mkstemp creates its file 0600, which would keep a report from the web server or CI
    artifact reader that the old one was readable by.
    """
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return 0o666 & ~_umask()


def _umask() -> int:
    mask = os.umask(0)  # the only way to read it is to set it; set it back at once
    os.umask(mask)
    return mask


def write_atomic(path: Path, content: str | bytes | Iterable[str]) -> None:
    """Write ``content`` to ``path`` whole or not at all (the old file stays on failure).

    Text is written as UTF-8 with ``\\n`` line ends; bytes exactly as given; text in
    pieces (a report too big to hold as one string) piece by piece. A symbolic link at
    ``path`` is refused (AuditorError), not silently replaced by a regular file.
    """
    _not_a_link(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise AuditorError(f"cannot write {path}: {exc.strerror or exc}") from exc
    try:
        pieces = [content] if isinstance(content, str | bytes) else content
        with os.fdopen(fd, "wb") as out:
            for piece in pieces:
                out.write(piece if isinstance(piece, bytes) else piece.encode("utf-8"))
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, _mode_for(path))
        os.replace(tmp, path)
    except OSError as exc:
        os.unlink(tmp)
        raise AuditorError(f"cannot write {path}: {exc.strerror or exc}") from exc
    except BaseException:
        os.unlink(tmp)
        raise
