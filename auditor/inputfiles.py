"""Input files, bounded by design: what a stranger's pull request can put in front of us.

Every input file is read through :func:`read_regular`, which

- refuses anything but a regular file (a character or block device such as
  ``/dev/zero``, a FIFO, a socket, also behind a symbolic link), deciding from
  ``os.stat`` before opening, so a FIFO never blocks; the file is then opened with
  ``O_NONBLOCK`` and its descriptor checked again (``fstat``), so swapping the file
  in between gains nothing;
- stops at the size limit while reading: at most ``limit + 1`` bytes are read
  (``stat`` sizes are not trusted: ``/proc`` files say 0);
- does not leave the inputs' tree through a symbolic link unless asked to
  (``--follow-symlinks``).

The inputs' tree (:func:`tree_of`) is the working directory for an input named inside
it (a checkout: a link from ``docs/index.md`` to ``../README.md`` stays inside), and,
for an input named outside it, that input's own directory (a file's folder).

Directory walks (:func:`walk`) and glob patterns (:func:`glob`) go through the same
rules: they remember the directories they have been in (device and inode), so a
symbolic-link loop is reported instead of followed forever, and they do not follow a
directory link out of the tree. ``--exclude-path`` patterns (:class:`InputPolicy`)
are matched against each path as it is found, so an excluded file is never opened.
"""

from __future__ import annotations

import fnmatch
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from auditor.defaults import MAX_INPUT_BYTES
from auditor.errors import UnreadableInput

#: Bytes asked of the kernel at once while reading an input.
_CHUNK = 1024 * 1024
_MAGIC = re.compile(r"[*?[]")


@dataclass(frozen=True, slots=True)
class InputPolicy:
    """How inputs are found: whether symbolic links may lead out of the inputs' tree
    (``--follow-symlinks``), and which paths are left out (``--exclude-path``)."""

    follow_symlinks: bool = False
    exclude_path: tuple[re.Pattern[str], ...] = ()

    def excludes(self, path: str | Path, *, directory: bool = False) -> bool:
        """Whether ``path`` is left out: its :func:`shown` form (a directory's with a
        trailing ``/``) matches one of the patterns."""
        if not self.exclude_path:
            return False
        text = shown(path) + ("/" if directory else "")
        return any(p.search(text) for p in self.exclude_path)


@dataclass(frozen=True, slots=True)
class Refusal:
    """A path found on a walk or a glob that is not followed, and why (a link out of the tree, a loop)."""

    path: Path
    why: str


def shown(path: str | Path) -> str:
    """``path`` as ``--exclude-path`` sees it: relative to the working directory when it is
    inside it (else absolute), normalised, with forward slashes."""
    absolute = os.path.abspath(path)
    cwd = os.getcwd()
    text = os.path.relpath(absolute, cwd) if _inside(absolute, cwd) else absolute
    return text.replace(os.sep, "/")


def tree_of(given: str | Path, *, directory: bool) -> Path:
    """The real path of the tree an input named ``given`` must stay in: the working
    directory when ``given`` is written inside it, else the input itself (a directory)
    or its folder (a file)."""
    absolute = os.path.abspath(given)
    cwd = os.getcwd()
    if _inside(absolute, cwd):
        return Path(os.path.realpath(cwd))
    return Path(os.path.realpath(absolute if directory else os.path.dirname(absolute)))


def _inside(path: str, tree: str) -> bool:
    return path == tree or path.startswith(tree if tree.endswith(os.sep) else tree + os.sep)


def escape(path: str | Path, tree: Path) -> str | None:
    """Why ``path`` leads out of ``tree`` through a symbolic link, naming the link and where it
    points; None when its real path stays inside."""
    real = os.path.realpath(path)
    if _inside(real, str(tree)):
        return None
    if os.path.islink(path):
        return f"is a symbolic link to {os.readlink(path)}, outside the inputs' tree ({tree})"
    return f"leads to {real} through a symbolic link, outside the inputs' tree ({tree})"


_KINDS = (
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a directory"),
)


def kind(mode: int) -> str | None:
    """What a file of ``mode`` is, in words, when it is not a regular file; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    return next((words for test, words in _KINDS if test(mode)), "not a regular file")


def _not_regular(path: str | Path, what: str) -> str:
    through = f", through the symbolic link to {os.readlink(path)}" if os.path.islink(path) else ""
    return f"{what}{through}, not a regular file; skipped (only regular files are read)"


def size_limit(max_bytes: int = MAX_INPUT_BYTES) -> str:
    """The input size limit in words: ``50 MB``."""
    return f"{max_bytes // (1024 * 1024)} MB" if max_bytes >= 1024 * 1024 else f"{max_bytes} bytes"


def too_large(max_bytes: int) -> str:
    return f"larger than the {size_limit(max_bytes)} limit; split it or leave it out"


def read_regular(path: str | Path, name: str, max_bytes: int, *, tree: Path | None = None) -> bytes:
    """The bytes of the regular file ``path`` (shown as ``name``), at most ``max_bytes`` of them.

    Raises :class:`UnreadableInput` for anything else: a device, FIFO or socket (also
    behind a symbolic link; never opened in a way that could block), a file larger than
    ``max_bytes`` (found while reading, not from its size), one that cannot be read, or,
    when ``tree`` is given, one whose real path is outside it.
    """
    try:
        real = os.path.realpath(path)
        before = os.stat(real)  # the file the checks below are about: what is opened must be it
    except OSError as exc:
        raise UnreadableInput(name, f"cannot read: {exc.strerror or exc}") from exc
    what = kind(before.st_mode)
    if what is not None:
        raise UnreadableInput(name, _not_regular(path, what))
    if tree is not None:
        why = escape(path, tree)
        if why is not None:
            raise UnreadableInput(name, f"{why}; not read (--follow-symlinks reads it)")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise UnreadableInput(name, f"cannot read: {exc.strerror or exc}") from exc
    try:
        opened = os.fstat(fd)
        what = kind(opened.st_mode)
        if what is not None:  # swapped since the stat above
            raise UnreadableInput(name, _not_regular(path, what))
        if _identity(opened) != _identity(before):  # a link changed between the checks and the open
            raise UnreadableInput(name, "changed while it was being opened; not read")
        if opened.st_size > max_bytes:  # a size that says "too large" is believed; one that says "small" is not
            raise UnreadableInput(name, too_large(max_bytes))
        return _read_at_most(fd, name, max_bytes, hint=opened.st_size)
    except OSError as exc:
        raise UnreadableInput(name, f"cannot read: {exc.strerror or exc}") from exc
    finally:
        os.close(fd)


def _read_at_most(fd: int, name: str, max_bytes: int, *, hint: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    want = min(max(hint + 1, 1), max_bytes + 1)  # one read for a file whose size is true
    while True:
        chunk = os.read(fd, want)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        size += len(chunk)
        if size > max_bytes:
            raise UnreadableInput(name, too_large(max_bytes))
        want = min(_CHUNK, max_bytes + 1 - size)


# --- walks and globs -------------------------------------------------------------------


def _identity(st: os.stat_result) -> tuple[int, int]:
    return st.st_dev, st.st_ino


class _Walker:
    """One walk or glob: the tree it stays in, the directories it has been in."""

    def __init__(self, tree: Path, policy: InputPolicy, root: str | Path) -> None:
        self.tree = tree
        self.policy = policy
        self.root = os.path.realpath(root)  # a link to a folder in here adds nothing: it is walked anyway
        self.seen: set[tuple[object, ...]] = set()

    def enter(
        self, path: str, ancestors: tuple[tuple[int, int], ...], key: object = None
    ) -> Refusal | tuple[int, int] | None:
        """May the walk go into directory ``path``? Its identity when it may; a Refusal (a link
        out of the tree, a loop); None when it was walked already (another link to it)."""
        try:
            st = os.stat(path)
        except OSError:
            return None
        ident = _identity(st)
        link = os.path.islink(path)
        if link and ident in ancestors:
            return Refusal(Path(path), f"is a symbolic link loop (to {os.readlink(path)}); not followed")
        if link and ancestors and _inside(os.path.realpath(path), self.root):
            return None  # another name for a folder the walk reaches by its own
        if link and not self.policy.follow_symlinks:
            why = escape(path, self.tree)
            if why is not None:
                return Refusal(Path(path), f"{why}; not followed (--follow-symlinks follows it)")
        if (ident, key) in self.seen:
            return None
        self.seen.add((ident, key))
        return ident

    def entries(self, path: str) -> list[os.DirEntry[str]]:
        try:
            with os.scandir(path or ".") as listing:
                return sorted(listing, key=lambda e: e.name)
        except OSError:
            return []


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()  # follows a link: stat only, never an open
    except OSError:
        return False


def walk(root: str | Path, tree: Path, policy: InputPolicy) -> Iterator[Path | Refusal]:
    """Every file under directory ``root`` (sorted; hidden files and folders skipped), and
    every directory link not followed. Links to directories inside ``tree`` are followed
    once; each directory is entered once."""
    walker = _Walker(tree, policy, root)
    first = walker.enter(str(root), ())
    if isinstance(first, Refusal):
        yield first
    elif first is not None:
        yield from _walk(walker, str(root), (first,))


def _walk(walker: _Walker, path: str, ancestors: tuple[tuple[int, int], ...]) -> Iterator[Path | Refusal]:
    entries = [e for e in walker.entries(path) if not e.name.startswith(".")]
    files = [e for e in entries if not _is_dir(e)]
    folders = [e for e in entries if _is_dir(e)]
    for entry in files:
        if not walker.policy.excludes(entry.path):
            yield Path(entry.path)
    for entry in folders:
        if walker.policy.excludes(entry.path, directory=True):
            continue
        inside = walker.enter(entry.path, ancestors)
        if isinstance(inside, Refusal):
            yield inside
        elif inside is not None:
            yield from _walk(walker, entry.path, (*ancestors, inside))


def has_magic(pattern: str) -> bool:
    return _MAGIC.search(pattern) is not None


def glob(pattern: str, policy: InputPolicy) -> Iterator[Path | Refusal]:
    """What ``pattern`` matches, as :func:`glob.glob` with ``recursive=True`` would find it
    (``**`` is any number of folders; hidden names only when the pattern says so), in order,
    without following a link out of the tree or round a loop."""
    parts = pattern.replace(os.sep, "/").split("/")
    fixed = next(i for i, part in enumerate(parts) if has_magic(part))
    base = glob_base(pattern)
    walker = _Walker(tree_of(base or ".", directory=True), policy, base or ".")
    start = walker.enter(base or ".", (), key=fixed)
    if isinstance(start, Refusal):
        yield start
    elif start is not None:
        yield from _glob(walker, base, parts, fixed, (start,))


def glob_base(pattern: str) -> str:
    """The folders a glob pattern names before its first wildcard (``docs`` for
    ``docs/**/*.md``; ``""`` for ``*.md``): its tree when it is named outside the working directory."""
    parts = pattern.replace(os.sep, "/").split("/")
    fixed = next((i for i, part in enumerate(parts) if has_magic(part)), len(parts))
    base = "/".join(parts[:fixed])
    return "/" if pattern.startswith("/") and not base else base


def _join(prefix: str, name: str) -> str:
    return name if not prefix else prefix + name if prefix.endswith("/") else f"{prefix}/{name}"


def _glob(
    walker: _Walker, prefix: str, parts: list[str], at: int, ancestors: tuple[tuple[int, int], ...]
) -> Iterator[Path | Refusal]:
    """Matches of ``parts[at:]`` in directory ``prefix`` (already entered)."""
    part, last = parts[at], at == len(parts) - 1
    if part == "**":
        if last:
            yield Path(prefix or ".")  # everything below: the caller walks it
            return
        yield from _glob(walker, prefix, parts, at + 1, ancestors)  # no folder at all
        for entry in walker.entries(prefix):
            if entry.name.startswith(".") or not _is_dir(entry):
                continue
            yield from _descend(walker, _join(prefix, entry.name), parts, at, ancestors)
        return
    if not has_magic(part):
        path = _join(prefix, part)
        if last:
            if os.path.lexists(path):
                yield Path(path)
        elif os.path.isdir(path):
            yield from _descend(walker, path, parts, at + 1, ancestors)
        return
    for entry in walker.entries(prefix):
        if entry.name.startswith(".") and not part.startswith("."):
            continue
        if not fnmatch.fnmatch(entry.name, part):
            continue
        path = _join(prefix, entry.name)
        if last:
            yield Path(path)
        elif _is_dir(entry):
            yield from _descend(walker, path, parts, at + 1, ancestors)


def _descend(
    walker: _Walker, path: str, parts: list[str], at: int, ancestors: tuple[tuple[int, int], ...]
) -> Iterator[Path | Refusal]:
    if walker.policy.excludes(path, directory=True):
        return
    inside = walker.enter(path, ancestors, key=at)
    if isinstance(inside, Refusal):
        yield inside
    elif inside is not None:
        yield from _glob(walker, path, parts, at, (*ancestors, inside))
