"""A long Markdown document in pieces that parse alone as they do in the whole.

markdown-it builds every block token of a document before the first can be read:
a file of 1,000,000 list items is 5,000,000 tokens, gigabytes. Cut at a line where
nothing open can go on (no fenced code or HTML block open, and either a blank line
before a line at the margin or one list item at the margin after another), each
piece yields the same links: at most a list is split in two, which changes its
numbering and tightness, not its links. Link reference definitions are global; the
extractor collects them from every piece before reading any (:func:`has_definitions`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from auditor.defaults import MARKDOWN_CHUNK_LINES

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
_ITEM = re.compile(r"^(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)")
# HTML blocks that blank lines do not end (CommonMark kinds 1-5), with what ends each.
_HTML_OPEN = re.compile(
    r"^ {0,3}(?:<(script|pre|style|textarea)(?=[\s>]|$)|(<!--)|(<\?)|(<!\[CDATA\[)|(<![A-Za-z]))", re.IGNORECASE
)
_HTML_CLOSE: dict[int, re.Pattern[str] | str] = {
    1: re.compile(r"</(?:script|pre|style|textarea)>", re.IGNORECASE),
    2: "-->",
    3: "?>",
    4: "]]>",
    5: ">",
}
_HTML_ANY = re.compile(r"^ {0,3}</?[A-Za-z]")
_BLANK = re.compile(r"\A\Z")  # open until a blank line (compared by identity)
_NEVER = re.compile(r"(?!)")  # open to the end (compared by identity)
_FRONT_MATTER_END = re.compile(r"^---\s*$")
_DEFINITION = re.compile(r"^ {0,3}\[", re.M)


def has_definitions(text: str) -> bool:
    """Whether a line may start a link reference definition (``[label]: url``)."""
    return _DEFINITION.search(text) is not None


def pieces(lines: Sequence[str], size: int = MARKDOWN_CHUNK_LINES) -> Iterator[tuple[int, str]]:
    """``(first line, text)`` of pieces of about ``size`` lines or more, cut only where safe."""
    start = 0
    closer: _State = None  # what ends the open fence or HTML block
    blank_before = True
    if lines and lines[0].rstrip() == "---":  # front matter: open until its closing line
        closer, lines_after = _FRONT_MATTER_END, 1
    else:
        lines_after = 0
    for i, line in enumerate(lines):
        if i < lines_after:
            continue
        # Never before "---": a piece starting with it would be read as front matter.
        if closer is None and i - start >= size and line[:1] not in ("", " ", "\t", "\r") and line[:3] != "---":
            after_item = _ITEM.match(line) is not None and _ITEM.match(lines[i - 1]) is not None
            if blank_before or after_item:
                yield start, "\n".join(lines[start:i])
                start = i
        closer = _next_state(line, closer)
        blank_before = not line.strip()
    if start < len(lines):
        yield start, "\n".join(lines[start:])


_State = re.Pattern[str] | str | tuple[str, int] | None


def _next_state(line: str, closer: _State) -> _State:
    """What is open after ``line``: a fence (its character and length), an HTML block's end, or nothing.

    ``_BLANK``: an HTML block that ends at a blank line, or a paragraph holding a tag;
    which one is not told apart, so a fence or HTML block opened in it stops the cutting.
    """
    if closer is _BLANK:
        if not line.strip():
            return None
        return closer if _opened(line) in (None, _BLANK) else _NEVER
    if closer is _NEVER:
        return closer
    if isinstance(closer, tuple):  # inside fenced code: a fence of the same kind, as long or longer, ends it
        m = _FENCE.match(line)
        char, length = closer
        ends = m is not None and m.group(1)[0] == char and len(m.group(1)) >= length and not m.group(2).strip()
        return None if ends else closer
    if closer is not None:
        found = closer.search(line) if isinstance(closer, re.Pattern) else closer in line
        return None if found else closer
    return _opened(line)


def _opened(line: str) -> _State:
    """What ``line`` opens: fenced code, an HTML block, or nothing."""
    if (m := _FENCE.match(line)) is not None:
        if m.group(1)[0] == "`" and "`" in m.group(2):
            return None  # ```` ``code`` ```` inline, not a fence
        if line[:1] == " ":
            # Indented: in a list item it ends with the item, at the margin with its own
            # fence; which one cannot be told here, so no later line is taken for a cut.
            return _NEVER
        return (m.group(1)[0], len(m.group(1)))
    if (m := _HTML_OPEN.match(line)) is not None:
        kind = next(k for k in range(1, 6) if m.group(k))
        end = _HTML_CLOSE[kind]
        rest = line[m.end() :]
        found = end.search(rest) if isinstance(end, re.Pattern) else end in rest
        return None if found else end
    if _HTML_ANY.match(line):
        return _BLANK  # any other HTML block (kinds 6 and 7) ends at a blank line
    return None
