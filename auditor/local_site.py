"""Local files as a web site: ``--root-dir`` and ``--base-url`` (lychee's names and meanings).

- ``--root-dir DIR``: the folder ``/absolute`` links in local files mean (``/about.html``
  is ``DIR/about.html``); dot segments are resolved first, so no link leaves DIR.
  Without it, a directory given as input is the root of the files under it.
- ``--base-url URL``: where the local files are published; their relative and
  root-relative links are resolved against the file's address there (the file's path
  below the root, or its own name, appended to URL) and checked on the web.
- Neither, and a file given alone: a root-relative link cannot be placed; it is kept
  as written and reported ``unchecked`` with a reason that names ``--root-dir``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit

from auditor.errors import InputError
from auditor.sources import Source

#: Why a root-relative link in a local file is not checked (no --root-dir, no --base-url).
ROOT_RELATIVE_REASON = (
    "a root-relative link in a local file, and nothing says where the site's root is: "
    "give --root-dir DIR (the folder / stands for) or --base-url URL (where the files are published)"
)


def root_dir(value: str) -> Path:
    """``--root-dir``: an existing folder, made absolute."""
    path = Path(value).expanduser()
    if not path.is_dir():
        raise InputError(f"{value}: not a folder (give the folder that '/' in links stands for)")
    return path.resolve()


def base_url(value: str) -> str:
    """``--base-url``: an http(s) address with a host; a trailing slash is added (it is a folder)."""
    try:
        parts = urlsplit(value)
    except ValueError as exc:
        raise InputError(f"{value}: not a web address ({exc})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(f"{value}: not a web address (write https://example.org/ or a folder under it)")
    return value if value.endswith("/") else value + "/"


def place(sources: Iterable[Source], root: Path | None, published: str | None) -> list[Source]:
    """``sources`` with the local files' root and published address set (web pages unchanged)."""
    placed = []
    for source in sources:
        if source.path is not None:
            if root is not None:
                source = dataclasses.replace(source, root=root)
            if published is not None:
                source = dataclasses.replace(source, base_url=published)
        placed.append(source)
    return placed


def is_unplaced(url: str) -> bool:
    """A root-relative link kept as written because no root was given (``/about.html``)."""
    return url.startswith("/") and not url.startswith("//")
