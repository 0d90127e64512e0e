"""Web and e-mail addresses in running text, exactly as a reader would see them.

Three shapes are found in one left-to-right pass: URLs with a scheme, e-mail
addresses, and addresses without a scheme (``www.`` anything, or a bare registrable
domain that :mod:`auditor.extract.domains` accepts). The end of an address follows
the rules of GitHub's autolinker and lychee: trailing punctuation is not part of it,
nor is a closing bracket or quote that it did not open.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from auditor.extract.domains import has_public_suffix, is_bare_domain
from auditor.extract.wellformed import checked_url
from auditor.reference import Email, Invalid, Kind, Url

# Characters that end an address: space, angle brackets, quotes, pipes (Markdown
# tables), backticks, and the CJK / typographic punctuation that PDFs are full of.
_STOP = (
    '\\s<>"`{}|\\\\^'
    "\u00a0\u2000-\u200b\u2028\u2029\u3000"  # spaces
    "\u201c\u201d\u2018\u2019\u00ab\u00bb\u2039\u203a"  # typographic quotes
    "\u3001\u3002\uff0c\uff1b\uff1a\uff01\uff1f"  # CJK punctuation
    "\u00ad\u2010"  # soft and typographic hyphens: where a line was hyphenated, not the address
)
_BODY = f"[^{_STOP}]"
_LABEL = r"[^\W_](?:[\w-]{0,61}[^\W_])?"
_TLD = r"(?:[^\W\d_]{2,63}|xn--[a-zA-Z0-9-]{1,59})"
_HOST = rf"(?:{_LABEL}\.)+{_TLD}(?![\w-]|\.\d)"  # not "savelog.fr.8"
_PORT = r"(?::\d{1,5}(?![\w]))?"
_PATH = rf"(?:[/?#]{_BODY}*)?"

_PATTERN = re.compile(
    rf"""
    (?P<scheme>(?<![\w.+-])[A-Za-z][A-Za-z0-9+.-]{{1,15}}://{_BODY}+)
  | (?P<email>(?<![\w.%+-])(?:mailto:)?(?P<local>[\w%+-]+(?:\.[\w%+-]+)*)@(?P<mailhost>{_HOST}))
  | (?P<www>(?<![\w.@/\\-])(?P<wwwhost>[Ww][Ww][Ww]\d{{0,3}}\.{_HOST}){_PORT}(?P<wwwpath>{_PATH}))
  | (?P<bare>(?<![\w.@/\\-])(?P<barehost>{_HOST}){_PORT}(?P<barepath>{_PATH}))(?!@)
  | (?P<badmail>(?<![\w.+-])[Mm][Aa][Ii][Ll][Tt][Oo]:[^\s@<>"'`()\[\]]+(?![^\s<>"'`()\[\]]))
  | (?P<badtel>(?<![\w.+-])[Tt][Ee][Ll]:[^\s\d<>"'`()\[\]]+(?![^\s<>"'`()\[\]]))
    """,
    re.VERBOSE,
)

# Emphasis markers: opening after space or an opening bracket, closing before space
# or punctuation. Inside an address (``/a_(b)``, ``/_private``) they are part of it.
# Every address has one of these: "://", "@", or a dot before a letter.
# ("mailto:" and "tel:" run straight into what follows: written as links, not as labels).
_ANCHOR = re.compile(r"://|@|\.(?=[^\W\d_])|(?i:mailto|tel):(?=\S)")
_SPACE = re.compile(r"\s")
_LONGEST = 4096  # no address starts further back than this from its anchor
# A closing marker ends the word (only punctuation may follow it before a space): the
# "__" of ".../pkg/__init__.py" is inside the address, as GitHub's autolinker reads it.
_EMPHASIS = re.compile(r"(?:(?<=[\s(\[\"'])|^)[_*~]+(?=\w)|(?<=\w)[_*~]+(?=[.,;:!?)\]\"']*(?:\s|$))", re.MULTILINE)
_TRAILING = ".,:;!?'\"*\u2026"
_PAIRS = {")": "(", "]": "["}
_OPENERS = {"(": ")", "[": "]"}
# An e-mail address with its @ spelt out, whose parts are not sites:
# "<jas at josefsson.org>", "anty.sk+git at gmail.com", "name (at) host.org".
_SPELT_AT_BEFORE = re.compile(
    r"(?:<[\w.+-]+\s+at\s+|[\w+-]*[.+_][\w.+-]*\s+at\s+|(?:\(at\)|\[at\]|\{at\}|\bAT\b|[-_]at[-_])\s*)$"
)
# After a bare domain: "+tag" or " at host." (it was the local part), "(" (a call in code).
_SPELT_AT_AFTER = re.compile(r"\+|\s+at\s+(?:[\w-]+\.)+[A-Za-z]{2,}\b|\(")


@dataclass(frozen=True, slots=True)
class Match:
    start: int
    end: int
    text: str
    target: Url | Email | Invalid


def _cut_unbalanced(candidate: str) -> str:
    """End the address at the first ``)`` or ``]`` it did not open.

    ``(https://x.org/a)-based`` and Markdown ``![b](https://x.org/b.svg)](https://y)``
    written in plain text end there; ``/wiki/Sarcoma_(cancer)`` keeps its pair.
    """
    depth = {")": 0, "]": 0}
    for i, char in enumerate(candidate):
        if char in _OPENERS:
            depth[_OPENERS[char]] += 1
        elif char in depth:
            if depth[char] == 0:
                return candidate[:i]
            depth[char] -= 1
    return candidate


def trim(candidate: str, extra: str = "") -> str:
    """Drop trailing punctuation and closing brackets the address did not open."""
    candidate = _cut_unbalanced(candidate)
    strip = _TRAILING + extra
    while candidate:
        last = candidate[-1]
        if last in strip or (last in _PAIRS and candidate.count(last) > candidate.count(_PAIRS[last])):
            candidate = candidate[:-1]
        else:
            break
    return candidate


def find_addresses(text: str, *, markdown: bool = False) -> Iterator[Match]:
    """Every URL, scheme-less address and e-mail address in ``text``, in order.

    ``markdown`` also drops trailing ``_`` and ``~`` (emphasis and strikethrough
    markers written around a bare address).
    """
    extra = "_~" if markdown else ""
    if markdown:  # emphasis and strikethrough markers around an address are not part of it
        text = _EMPHASIS.sub(lambda d: " " * len(d.group()), text)
    pos = 0
    for anchor in _ANCHOR.finditer(text):
        if anchor.start() < pos:
            continue
        # Search only the run of non-space text around the anchor: no address crosses
        # white space, and prose between anchors cannot hold one.
        lo = anchor.start()
        floor = max(pos, lo - _LONGEST)
        while lo > floor and not text[lo - 1].isspace():
            lo -= 1
        space = _SPACE.search(text, anchor.end())
        hi = space.start() if space else len(text)
        pos = lo
        while (m := _PATTERN.search(text, pos, hi)) is not None:
            found = _read(m, text, extra)
            # Go on right after what was kept: an address cut short at a bracket
            # ("...svg)](https://y") may have another right behind it.
            pos = found.end if found is not None else m.end()
            if found is not None:
                yield found
        pos = hi


def _read(m: re.Match[str], text: str, extra: str) -> Match | None:
    """The address a pattern match stands for, or None if it is none after all."""
    start = m.start()
    if m.group("scheme") is not None:
        raw = trim(m.group("scheme"), extra)
        scheme, _, rest = raw.partition("://")
        if not rest.strip("/"):
            return None
        return Match(start, start + len(raw), raw, checked_url(f"{scheme.lower()}://{rest}"))
    if m.group("email") is not None:
        host = m.group("mailhost")
        if not has_public_suffix(host):
            return None
        return Match(start, m.end("email"), m.group("email"), Email(f"{m.group('local')}@{host.lower()}"))
    if m.group("badmail") is not None:  # "mailto:octocat": a link written out, to no address
        raw = trim(m.group("badmail"), extra)
        why = f"not a valid e-mail address: {raw[7:]!r} has no @"
        return Match(start, start + len(raw), raw, Invalid(Kind.EMAIL, raw, why))
    if m.group("badtel") is not None:  # "tel:abc" (a number, even a wrong one, is the phone finder's)
        raw = trim(m.group("badtel"), extra)
        return Match(
            start,
            start + len(raw),
            raw,
            Invalid(Kind.PHONE, raw, f"not a valid tel: link: {raw[4:]!r} is not a phone number"),
        )
    if m.group("www") is not None:
        if not has_public_suffix(m.group("wwwhost")):
            return None
        raw = trim(m.group("www"), extra) if m.group("wwwpath") else m.group("www")
        return Match(start, start + len(raw), raw, Url(f"https://{raw}"))
    raw = trim(m.group("bare"), extra) if m.group("barepath") else m.group("bare")
    host = m.group("barehost")
    if not is_bare_domain(host, has_path=any(c in raw[len(host) :] for c in "/?")):
        return None  # a "#fragment" alone is no path: CONTRIBUTING.md#install
    if _SPELT_AT_BEFORE.search(text[max(0, start - 40) : start]) or _SPELT_AT_AFTER.match(text, start + len(raw)):
        return None
    return Match(start, start + len(raw), raw, Url(f"https://{raw}"))
