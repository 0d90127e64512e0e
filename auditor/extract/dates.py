"""A document's own date, at the precision it states: "Reviewed: June 2014" is ``2014-06``.

Statements are ranked by what they say about freshness: a review or update beats a
publication date, which beats a "Source ... 2015" line, which beats a copyright
notice. Among statements of one rank the latest date wins (``© 2008-2015`` is
2015). "Next review: June 2027" is a plan, not a date of the document, and dates in
the future are ignored.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DocumentDate:
    year: int
    month: int | None = None
    day: int | None = None

    def isoformat(self) -> str:
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    @classmethod
    def from_date(cls, date: dt.date) -> DocumentDate:
        return cls(date.year, date.month, date.day)

    def sort_key(self) -> tuple[int, int, int]:
        """Earlier dates first; a missing month or day sorts before any given one."""
        return (self.year, self.month or 0, self.day or 0)


_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
            ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
            ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"), ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}  # fmt: skip
_MONTH = r"(?P<mon>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_YEAR = r"(?P<y>(?:19|20)\d{2})(?!\d)"
_DAY = r"(?P<d>[0-3]?\d)(?:st|nd|rd|th)?"
_FORMS = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"(?P<y>(?:19|20)\d{2})-(?P<m>0[1-9]|1[0-2])(?:-(?P<d>0[1-9]|[12]\d|3[01]))?(?!\d)",
        rf"{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}",
        rf"{_MONTH}\s+{_DAY},?\s+{_YEAR}",
        rf"{_MONTH},?\s+{_YEAR}",
        rf"(?P<a>\d{{1,2}})[/.](?P<b>\d{{1,2}})[/.]{_YEAR}",
        rf"(?P<m>0?[1-9]|1[0-2])/{_YEAR}",
        _YEAR,
    )
]
_RANGE_END = re.compile(r"\s*[-\u2013\u2014]\s*((?:19|20)\d{2})(?!\d)")

# (rank, keyword) — a lower rank says more about how fresh the document is.
_STATEMENTS = [
    (1, r"last\s+(?:reviewed|updated|modified|revised|amended|checked)(?:\s+on)?"),
    (1, r"(?:reviewed|updated|revised|modified)(?:\s+on)?"),
    (1, r"(?:date\s+of\s+(?:last\s+)?review|review\s+date)"),
    (2, r"(?:first\s+)?published(?:\s+on)?|publication\s+date|date\s+of\s+publication|issued|printed"),
    (3, r"(?m:^[ \t]*sources?\b)"),
    (4, r"\u00a9|\(c\)|copyright"),
]
# Matched against the lower-cased text: a case-sensitive alternation is much faster.
_STATEMENT = re.compile("|".join(f"(?P<s{i}>{kw})" for i, (_, kw) in enumerate(_STATEMENTS)))
_NEXT = re.compile(r"\bnext\s*$")
# How far after its keyword the date may be: "Last updated 3 March 2019" (here),
# "Published by Sarcoma UK in 2015" (sentence), "Source Basic Information. 2015." (lines).
_REACH = {1: "here", 2: "sentence", 3: "lines", 4: "sentence"}
_FILLER = re.compile(r"[\s:\-\u2013,]*(?:(?:on|in|at|by|of|the|date|dated)\b[\s:,]*)*")
_SENTENCE_GAP = 80  # how far after its keyword a date may stand ("Source Basic Information. 2015.")


def _parse_at(text: str, pos: int, reach: str) -> tuple[DocumentDate, int] | None:
    """The first date form at ``pos``: right there (``reach="here"``), later in the same
    sentence (``"sentence"``), or within the next lines (``"lines"``)."""
    far = reach != "here"
    window = text[pos : pos + (_SENTENCE_GAP if far else 48)]
    if reach == "sentence":
        window = re.split(r"[.!?](?:\s|$)|\n", window, maxsplit=1)[0][:48]
    best: tuple[int, DocumentDate, int] | None = None
    for form in _FORMS:
        m = form.search(window) if far else form.match(window)
        if m is None or (far and "\n\n" in window[: m.start()]):
            continue
        date = _date_of(m)
        if date is not None and (best is None or m.start() < best[0]):
            best = (m.start(), date, pos + m.end())
        if not far and date is not None:
            break
    return (best[1], best[2]) if best else None


def _date_of(m: re.Match[str]) -> DocumentDate | None:
    groups = m.groupdict()
    year = int(groups["y"])
    month = day = None
    if groups.get("mon"):
        month = _MONTHS[groups["mon"].lower().rstrip(".")]
    elif groups.get("m"):
        month = int(groups["m"])
    elif groups.get("a"):
        a, b = int(groups["a"]), int(groups["b"])
        if a > 12 >= b >= 1:
            day, month = a, b
        elif b > 12 >= a >= 1:
            month, day = a, b
        elif a == b and 1 <= a <= 12:
            month = day = a
        # otherwise day and month could be either way round: keep the year only
    if groups.get("d") and month:
        day = int(groups["d"])
    try:
        if day:
            dt.date(year, month or 1, day)
    except ValueError:
        return None
    return DocumentDate(year, month, day if month else None)


def stated_date(text: str, today: dt.date | None = None) -> DocumentDate | None:
    """The date a text states for itself, or None."""
    today = today or dt.date.today()
    text = text.lower()
    best: tuple[int, DocumentDate] | None = None
    for m in _STATEMENT.finditer(text):
        if _NEXT.search(text, max(0, m.start() - 12), m.start()):
            continue
        rank = next(_STATEMENTS[int(name[1:])][0] for name, value in m.groupdict().items() if value is not None)
        after = _FILLER.match(text, m.end())
        start = after.end() if after else m.end()
        parsed = _parse_at(text, start, _REACH[rank])
        if parsed is None:
            continue
        date, end = parsed
        if rank == 4:
            tail = _RANGE_END.match(text, end)
            if tail:
                date = DocumentDate(int(tail.group(1)))
        if date.sort_key() > (today.year, today.month, today.day) or date.year < 1900:
            continue
        if best is None or rank < best[0] or (rank == best[0] and date.sort_key() > best[1].sort_key()):
            best = (rank, date)
    return best[1] if best else None


def html_date(markup: str, today: dt.date | None = None) -> DocumentDate | None:
    """A date the page's markup gives (meta tags, JSON-LD, ``<time>``), via htmldate."""
    import logging

    from htmldate import find_date  # imported here: it is slow to import and only HTML needs it

    logging.getLogger("htmldate").setLevel(logging.ERROR)
    try:
        found = find_date(markup, extensive_search=False, original_date=False, outputformat="%Y-%m-%d")
    except Exception:  # htmldate raises assorted errors on odd markup; a date is optional
        return None
    if not found:
        return None
    date = dt.date.fromisoformat(found)
    if today and date > today:
        return None
    return DocumentDate.from_date(date)
