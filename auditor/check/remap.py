"""``--remap 'REGEX REPLACEMENT'`` and ``checks.remap``: check another address than the one written.

As lychee: a rule is a regular expression and a replacement separated by white space;
the first rule whose pattern matches a URL rewrites it (every match in it) before it
is checked. The replacement names groups as lychee (``$1``, ``${name}``, ``$$`` for a
dollar) or as Python (``\\1``, ``\\g<name>``). Reports keep the reference as written,
and say what was checked instead: the verdict's ``remapped`` (JSON ``remapped``), and
its reason starts ``remapped to <url>``.

    --remap 'https://example\\.org/(.*) http://localhost:8000/$1'
    --remap '^https://old\\.example\\.org https://new.example.org'
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

_DOLLAR = re.compile(r"\$(?:\$|(\d+)|\{(\w+)\})")


@dataclass(frozen=True, slots=True)
class Remap:
    """One rule: ``pattern`` and the ``template`` (Python's form) it rewrites a match with."""

    pattern: re.Pattern[str]
    template: str
    written: str  # the rule as given, for messages

    def apply(self, url: str) -> str | None:
        """``url`` rewritten, or None when the pattern does not match it."""
        if self.pattern.search(url) is None:
            return None
        return self.pattern.sub(self.template, url)


def parse_remap(rule: str) -> Remap:
    """``'REGEX REPLACEMENT'`` as a rule; ValueError saying what is wrong and how to write it."""
    parts = rule.split()
    if len(parts) != 2:
        raise ValueError(
            f"not a remap rule: {rule!r} (write a regular expression and a replacement separated by "
            "white space, e.g. 'https://example\\.org/(.*) http://localhost:8000/$1')"
        )
    pattern_text, replacement = parts
    try:
        pattern = re.compile(pattern_text)
    except re.error as exc:
        raise ValueError(f"not a regular expression in remap rule {rule!r}: {exc}") from None
    template = _DOLLAR.sub(lambda m: _group(m, pattern, rule), replacement)
    try:
        pattern.sub(template, pattern_text)  # group references the pattern lacks fail here, not mid-run
    except (re.error, IndexError) as exc:
        raise ValueError(f"bad replacement in remap rule {rule!r}: {exc}") from None
    return Remap(pattern, template, rule)


def _group(m: re.Match[str], pattern: re.Pattern[str], rule: str) -> str:
    number, name = m.group(1), m.group(2)
    if number is None and name is None:
        return "$"
    ref = number if number is not None else name
    if (ref.isdigit() and int(ref) > pattern.groups) or (not ref.isdigit() and ref not in pattern.groupindex):
        raise ValueError(f"bad replacement in remap rule {rule!r}: the pattern has no group {ref}")
    return f"\\g<{ref}>"


def remapped(url: str, rules: Sequence[Remap]) -> str | None:
    """What the first matching rule makes of ``url``, or None when none matches (or it is unchanged)."""
    for rule in rules:
        new = rule.apply(url)
        if new is not None:
            return new if new != url else None
    return None
