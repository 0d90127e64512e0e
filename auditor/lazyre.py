"""Regular expressions compiled on first use, not at import.

A module-level ``re.compile`` runs in every process that imports the module: the page
detectors' patterns (bot walls, soft 404s, parking) cost about a tenth of a second of a
one-link ``auditor check``, and most runs never search a page with most of them.
``lazy(pattern, flags)`` stands where ``re.compile`` stood; the first method called
compiles the pattern and puts the compiled pattern's methods on the object, so later
calls go straight to them.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

_METHODS = ("search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split")


class LazyPattern:
    """``re.compile(pattern, flags)``, compiled when first used (see the module doc)."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = pattern
        self.flags = flags

    @property
    def compiled(self) -> re.Pattern[str]:
        return re.compile(self.pattern, self.flags)  # re's own cache keeps it

    def __repr__(self) -> str:
        return f"lazy({self.pattern!r}, {self.flags!r})"

    if TYPE_CHECKING:

        def search(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None: ...
        def match(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None: ...
        def fullmatch(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None: ...
        def finditer(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> Iterator[re.Match[str]]: ...
        def findall(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> list[Any]: ...
        def sub(self, repl: str | Callable[[re.Match[str]], str], string: str, count: int = 0) -> str: ...
        def subn(self, repl: str | Callable[[re.Match[str]], str], string: str, count: int = 0) -> tuple[str, int]: ...
        def split(self, string: str, maxsplit: int = 0) -> list[str | Any]: ...

    else:

        def __getattr__(self, name: str) -> Any:
            if name not in _METHODS:
                raise AttributeError(name)
            compiled = re.compile(self.pattern, self.flags)
            for method in _METHODS:  # found on the object from now on: __getattr__ is not asked again
                setattr(self, method, getattr(compiled, method))
            return getattr(compiled, name)


def lazy(pattern: str, flags: int = 0) -> LazyPattern:
    """``re.compile(pattern, flags)``, compiled on first use."""
    return LazyPattern(pattern, flags)
