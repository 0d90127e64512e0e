"""The Markdown fast path: a piece that is only a plain list of links, read without markdown-it.

A link-dense document (``- [page 1](https://...)`` a line, thousands of them) spends
most of its time in markdown-it's block and inline parsers. A piece of it whose every
line is blank, a plain ATX heading, or a list item holding one inline link and nothing
else Markdown reads specially has only one reading; here its inline tokens are built
directly, as markdown-it (with the span-noting rules of :mod:`.markdown`) would build
them, and the Markdown extractor reads them as usual. Any other line, and the piece
is parsed in full: the fast path is an optimisation, never a second meaning, and a
differential test holds it to the full parse's references (tests/test_plainlist.py).

Why each line has one reading: a line at the margin starting with a list marker and
one space is a list item whatever came before (it closes a paragraph, a quote or a
table, and no fence or HTML block is open: only such lines are in the piece); the
characters that start any other inline rule (code, emphasis, HTML, entities,
escapes, math, footnotes, images, nested brackets) are not allowed in it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from markdown_it.token import Token

#: What can be in a label or a heading: no character that starts an inline rule other
#: than text (`` \ ` * _ ~ [ ] ! < & $ ``), no ``#`` (a heading's closing sequence),
#: no ``|`` (a table), no tab (expanded by the block parser), no control character.
_PLAIN = r"[^\\`*_~\[\]!<>&$#|^\t\x00-\x1f\x7f]"
_ITEM = re.compile(
    rf"(?:[-*+]|[0-9]{{1,9}}[.)]) (\[({_PLAIN}(?:{_PLAIN}|\^)*)?\]\(([^\s()<>\\`&$|\"'\x00-\x20\x7f]+)\))[ ]*"
)
_HEADING = re.compile(rf"#{{1,6}} +({_PLAIN}*?) *")


def tokens(lines: Sequence[str], first: int, valid: Callable[[str], bool]) -> list[Token] | None:
    """The inline tokens of ``lines`` (the piece starting at line ``first`` of the document)
    if it is a plain list of links, else None. ``valid`` is markdown-it's ``validateLink``:
    a destination it refuses (``file:``, ``javascript:``) is no link there either."""
    found: list[Token] = []
    for i, line in enumerate(lines, first):
        if not line or line.isspace():
            continue
        if line[0] == "#":
            heading = _HEADING.fullmatch(line)
            if heading is None or not heading.group(1):
                return None
            found.append(Token("inline", "", 0, map=[i, i + 1], content=heading.group(1), children=[]))
            continue
        item = _ITEM.fullmatch(line)
        if item is None or not valid(item.group(3)):
            return None
        content = item.group(1)
        dest_end = len(content) - 1
        dest_start = dest_end - len(item.group(3))
        meta = {"span": (0, len(content)), "label": (1, dest_start - 2), "dest": (dest_start, dest_end)}
        link = Token("link_open", "a", 1, attrs={"href": item.group(3)}, meta=meta)
        found.append(Token("inline", "", 0, map=[i, i + 1], content=content, children=[link]))
    return found
