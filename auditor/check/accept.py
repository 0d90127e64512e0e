"""Accepted HTTP statuses (``--accept``, ``checks.accept``): lychee's syntax, one small policy.

Without it a 2xx is fine (then soft-404, parking and the rest have their say), 401/403/429
are "could not verify" and other 4xx are dead. With it, exactly the listed statuses are
answers that mean "the page is there": ``--accept 200..=299,403`` makes a 403 ``ok``, and
``--accept 200`` makes a 204 an ``error`` ("not an accepted status").

The syntax is lychee's: items separated by commas, each ``N``, ``A..=B`` (inclusive),
``A..B`` (B excluded), ``..=B`` or ``..B`` (from 100).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ITEM = re.compile(r"^\s*(\d{3})?\s*(\.\.=?)?\s*(\d{3})?\s*$")
_LOWEST, _HIGHEST = 100, 999


@dataclass(frozen=True, slots=True)
class Accept:
    """Inclusive ranges of accepted statuses, as written."""

    ranges: tuple[tuple[int, int], ...]
    text: str

    def __contains__(self, status: object) -> bool:
        return isinstance(status, int) and any(low <= status <= high for low, high in self.ranges)

    def __str__(self) -> str:
        return self.text


def parse_accept(text: str) -> Accept:
    """``"200..=299,403"`` -> :class:`Accept`; ValueError saying what is wrong otherwise."""
    ranges: list[tuple[int, int]] = []
    for item in text.split(","):
        if not item.strip():
            continue
        m = _ITEM.match(item)
        if not m or (m.group(2) is None and (m.group(1) is None or m.group(3) is not None)):
            raise ValueError(f"not a status or range: {item.strip()!r} (write 403, 200..=299 or 200..300)")
        low = int(m.group(1)) if m.group(1) else _LOWEST
        if m.group(2) is None:
            ranges.append((low, low))
            continue
        if m.group(3) is None:
            raise ValueError(f"a range needs its end: {item.strip()!r} (write 200..=299)")
        high = int(m.group(3)) - (0 if m.group(2) == "..=" else 1)
        if not _LOWEST <= low <= high <= _HIGHEST:
            raise ValueError(f"empty or impossible range of statuses: {item.strip()!r}")
        ranges.append((low, high))
    if not ranges:
        raise ValueError("name at least one status, e.g. 200..=299,403")
    return Accept(tuple(ranges), ",".join(part.strip() for part in text.split(",") if part.strip()))
