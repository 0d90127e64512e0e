"""Where a match sits: line and column, the paragraph, and the sentence around it."""

from __future__ import annotations

import array
import bisect
import re
from collections.abc import Iterator

from auditor.defaults import MAX_CONTEXT_CHARS


class LineIndex:
    """Offsets in a text to 1-based (line, column) and back."""

    __slots__ = ("_starts",)

    def __init__(self, text: str) -> None:
        # An array of machine integers, not a list of int objects: a million lines, 8 MB not 36.
        self._starts = array.array("q", [0])
        self._starts.extend(m.end() for m in re.finditer("\n", text))

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self._starts, offset)
        return line, offset - self._starts[line - 1] + 1

    def line_start(self, line: int) -> int:
        """Offset of the first character of a 1-based line (clamped to the text)."""
        return self._starts[max(0, min(line, len(self._starts)) - 1)]


_BLANK_LINES = re.compile(r"\n[ \t\f\v\u00a0]*(?:\n[ \t\f\v\u00a0]*)+")


def paragraphs(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each block of text separated by blank (or whitespace-only) lines."""
    start = 0
    for m in _BLANK_LINES.finditer(text):
        if text[start : m.start()].strip():
            yield start, m.start()
        start = m.end()
    if text[start:].strip():
        yield start, len(text)


# A sentence ends at . ! ? or … (with closing quotes or brackets) followed by space.
_END = re.compile(r"[.!?\u2026]+[\"'\u201d\u2019)\]]*(?=\s)")
_ABBREVIATION = re.compile(
    r"(?:\b(?:e\.g|i\.e|etc|vs|cf|approx|dept|no|nos|tel|fig|vol|dr|mr|mrs|ms|st|prof|inc|ltd|co|jr|sr)"
    r"|\b[A-Za-z](?:\.[A-Za-z])+|\b[A-Z])\.$",
    re.IGNORECASE,
)
# Whitespace, and the private-use glyphs (bullets from symbol fonts) PDFs leave in text.
_SPACE = re.compile(r"[\s\ue000-\uf8ff]+")


def _collapse(text: str) -> str:
    return _SPACE.sub(" ", text)


def _is_end(text: str, m: re.Match[str]) -> bool:
    return not _ABBREVIATION.search(text[max(0, m.start() - 8) : m.start() + 1])


def sentence_around(text: str, start: int, end: int, limit: int = MAX_CONTEXT_CHARS) -> str:
    """The sentence of ``text`` that holds ``text[start:end]``, on one line.

    A sentence longer than ``limit`` is cut to a window around the match, at word
    boundaries, with an ellipsis where it was cut.
    """
    # Only a few windows' worth of text either side can show: look no further.
    reach = 4 * limit
    begin = max(0, start - reach)
    for m in reversed(list(_END.finditer(text, begin, start))):  # the nearest end before
        if m.end() <= start and _is_end(text, m):
            begin = m.end()
            break
    finish = min(len(text), end + reach)
    for m in _END.finditer(text, end, finish):
        if _is_end(text, m):
            finish = m.end()
            break
    before = _collapse(text[begin:start]).lstrip()
    match = _collapse(text[start:end])
    after = _collapse(text[end:finish]).rstrip()
    return window(before, match, after, limit)


def window(before: str, match: str, after: str, limit: int = MAX_CONTEXT_CHARS) -> str:
    """``before + match + after``, cut to about ``limit`` characters around ``match``."""
    if len(before) + len(match) + len(after) <= limit:
        return before + match + after
    room = max(0, limit - len(match))
    left = min(len(before), room // 2)
    right = min(len(after), room - left)
    left = min(len(before), room - right)
    head = before[len(before) - left :] if left else ""
    tail = after[:right]
    if left < len(before):
        cut = head.find(" ")
        head = "\u2026" + (head[cut + 1 :] if 0 <= cut < len(head) - 1 else head)
    if right < len(after):
        cut = tail.rfind(" ")
        tail = (tail[:cut] if cut > 0 else tail) + "\u2026"
    return head + match + tail


def first_sentence_with(text: str, needle: str, limit: int = MAX_CONTEXT_CHARS) -> str:
    """The sentence of ``text`` that contains ``needle``, or the start of ``text``."""
    at = text.find(needle) if needle else -1
    if at < 0:
        size = 4 * limit  # collapse only as much of a long text as the window shows
        while True:
            head = _collapse(text[:size]).strip()
            if len(head) > limit or size >= len(text):
                return window("", "", head, limit)
            size *= 4
    return sentence_around(text, at, at + len(needle), limit)
