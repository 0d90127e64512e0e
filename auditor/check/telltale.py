"""One cheap look at a page before the detectors: could any of them find anything?

The bot-wall, parking and error-page detectors each judge a page only by words of
their own (a vendor's name, "for sale", "not found", "404"): every pattern they
search needs at least one word of its detector's list (``botwall.TELLTALES``,
``parking.MARKUP_TELLTALES`` / ``parking.TEXT_TELLTALES``, ``soft404.TELLTALES``).
Most pages have none of them. So a page's head is lower-cased (and its character
references decoded) once, searched once per list, and a detector whose words are
absent returns None at once instead of stripping tags and running its case-blind
regular expressions, which cost up to a millisecond on an ordinary page.

The scan only ever says "maybe" where the full detector could say yes, so verdicts
are the same (``tests/test_telltale.py`` pins that on the detectors' tables):

- the words are searched in a superset of what a detector reads: the first
  ``HEAD_CHARS`` of the markup, both as written (the detectors' markup patterns)
  and with character references decoded (their text patterns), plus the title;
- lower-casing folds what a case-blind pattern matches: ``İ``, ``ı`` and ``ſ``
  are folded to ``i`` and ``s`` first, as Python's ``re.IGNORECASE`` does;
- a detector that cuts the markup shorter decodes a character reference cut in
  two differently: a page with a ``&`` just before such a cut is never skipped.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass

from auditor.check.page import Page

#: The longest head of the markup a detector reads (the error-page detector's).
HEAD_CHARS = 1_000_000
#: Where the other detectors cut the markup (bot walls, parking): a reference cut in
#: two there may decode to another character than in the whole head.
CUTS = (200_000, 300_000)
# The longest named character reference (``&CounterClockwiseContourIntegral;``) and some.
_LONGEST_REFERENCE = 40

# What ``re.IGNORECASE`` matches to an ASCII letter that ``str.lower`` does not fold to it.
_FOLD = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s"})


@dataclass(frozen=True, slots=True)
class Telltales:
    """A page's title and head, lower-cased once, as written and decoded."""

    title: str
    markup: str  # the head as written
    text: str  # the head with character references decoded
    unsure: bool  # a reference straddles a detector's cut: never skip

    def in_markup(self, words: Iterable[str]) -> bool:
        """Whether any of ``words`` is in the markup as written (always True when unsure)."""
        return self.unsure or any(map(self.markup.__contains__, words))

    def in_text(self, words: Iterable[str]) -> bool:
        """Whether any of ``words`` is in the decoded head (always True when unsure)."""
        return self.unsure or any(map(self.text.__contains__, words))

    def in_title(self, words: Iterable[str]) -> bool:
        """Whether any of ``words`` is in the title (always True when unsure)."""
        return self.unsure or any(map(self.title.__contains__, words))


def scan(page: Page) -> Telltales:
    """The one cheap look at ``page`` that the detectors share."""
    head = page.text[:HEAD_CHARS]
    unsure = any(len(page.text) > cut and "&" in page.text[cut - _LONGEST_REFERENCE : cut] for cut in CUTS)
    markup = lowered(head)
    text = lowered(html.unescape(head)) if "&" in head else markup
    return Telltales(lowered(page.title), markup, text, unsure)


def any_in(words: Iterable[str], text: str) -> bool:
    """Whether a case-blind search for any of ``words`` (lower case, literal) could match ``text``."""
    return any(map(lowered(text).__contains__, words))  # a fast search a word beats one regex of them all


def lowered(text: str) -> str:
    """``text`` lower-cased as a case-blind pattern sees it, position for position
    (İ is folded before ``str.lower`` would make it two characters)."""
    return text.lower() if text.isascii() else text.translate(_FOLD).lower()
