"""From matches to references: what every format's extractor hands in, and how it is finished.

Each extractor yields :class:`Found` records in document order. :func:`finish` then
decides each ambiguous phone's country from the references near it and merges
repeated references into one with several locations.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from auditor.extract.domains import host_of, region_of
from auditor.extract.phones import PhoneChoice, PhoneMatch, choose, find_phones
from auditor.extract.scan import Match, find_addresses
from auditor.reference import Email, Form, Invalid, Location, Markup, Phone, Reference, Url, merge


@dataclass(frozen=True, slots=True)
class Found:
    target: Url | Email | PhoneChoice | Invalid
    text: str  # as written
    line: int
    column: int | None
    block: int  # paragraph, table row or page: references in one block are neighbours
    context: str
    order: int  # position in the document, for "nearest"; where it is written when ``length`` >= 0
    length: int = -1  # how many characters of the document write it (-1: not known, no span)
    form: Form | None = None
    markup: Markup | None = None


def scan(
    text: str,
    regions: Sequence[str],
    *,
    markdown: bool = False,
    masked: Sequence[tuple[int, int]] = (),
) -> list[Match | PhoneMatch]:
    """Addresses and phones in a piece of running text, in order; ``masked`` spans skipped."""

    free = _Spans(masked)
    addresses = [m for m in find_addresses(text, markdown=markdown) if not free.overlaps(m.start, m.end)]
    phones = find_phones(text, regions, [*masked, *((m.start, m.end) for m in addresses)])
    found: list[Match | PhoneMatch] = [*addresses, *phones]
    found.sort(key=lambda m: m.start)
    return found


def target_of(m: Match | PhoneMatch) -> Url | Email | PhoneChoice | Invalid:
    return m.target if isinstance(m, Match) else m.choice


def finish(found: Iterable[Found], source: str) -> list[Reference]:
    """References of one document, with phones' countries decided and repeats merged.

    One pass, keeping only what a phone needs: a document's references are not held twice.
    """
    hints: list[tuple[int, int, str]] = []
    refs: list[Reference | Found] = []  # a phone of several countries waits (as found) for every address
    undecided = False
    for f in found:
        target: Url | Email | Phone | Invalid
        if isinstance(f.target, PhoneChoice):
            if len(f.target.options) > 1:
                refs.append(f)
                undecided = True
                continue
            target = f.target.options[0]
        else:
            target = f.target
            if isinstance(target, Url) and (region := _url_region(target.url)):
                hints.append((f.order, f.block, region))
        refs.append(_reference(f, target, source))
    if undecided:
        near = _Hints(hints)
        for i, item in enumerate(refs):
            if isinstance(item, Found):
                assert isinstance(item.target, PhoneChoice)
                refs[i] = _reference(item, near.choose(item.target, item), source)
    return merge(item for item in refs if isinstance(item, Reference))


#: One int object per number a location holds (line, column, block, offset): Python shares
#: only -5..256, and a million links in a thousand files hold a few thousand distinct numbers,
#: not three million int objects (32 bytes each). Emptied when full: bounded either way.
_NUMBERS: dict[int, int] = {}
_MAX_NUMBERS = 1 << 16


def _shared(n: int) -> int:
    shared = _NUMBERS.setdefault(n, n)
    if len(_NUMBERS) > _MAX_NUMBERS:
        _NUMBERS.clear()
    return shared


def _reference(f: Found, target: Url | Email | Phone | Invalid, source: str) -> Reference:
    # One string, not two equal ones: a million links, a million strings fewer.
    text = target.url if isinstance(target, Url) and target.url == f.text else f.text
    context = text if f.context == text else f.context
    line, block = _shared(f.line), _shared(f.block)
    column = None if f.column is None else _shared(f.column)
    if f.length < 0:
        return Reference(target, text, (Location(source, line, column, context, text, block),))
    where = Location(source, line, column, context, text, block, _shared(f.order), f.length, f.form, f.markup)
    return Reference(target, text, (where,))


class _Spans:
    """Spans of a text (masked ones): does a match overlap any of them? In O(log n), not a walk over all."""

    __slots__ = ("_ends", "_starts")

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self._starts = [start for start, _ in ordered]
        self._ends = list(itertools.accumulate((end for _, end in ordered), max))  # furthest end so far

    def overlaps(self, start: int, end: int) -> bool:
        before = bisect.bisect_left(self._starts, end)  # the spans starting before ``end``
        return before > 0 and self._ends[before - 1] > start


class _Hints:
    """The countries of a document's web addresses, by position: which is nearest a phone, in O(log n).

    A phone readable in several countries takes the country of the nearest address of
    one of them: in its own block by distance (then by country code), else anywhere
    in the document, before winning a tie. Looking only at the phone's few countries
    keeps a document full of phones and addresses linear, not quadratic.
    """

    __slots__ = ("_anywhere", "_in_block")

    def __init__(self, hints: Iterable[tuple[int, int, str]]) -> None:
        self._in_block: dict[tuple[int, str], list[int]] = {}
        self._anywhere: dict[str, list[int]] = {}
        for order, block, region in sorted(hints):
            self._in_block.setdefault((block, region), []).append(order)
            self._anywhere.setdefault(region, []).append(order)

    def choose(self, choice: PhoneChoice, f: Found) -> Phone:
        regions = {option.region for option in choice.options}
        same = [
            (distance, region)
            for region in regions
            if (distance := _distance(self._in_block.get((f.block, region), ()), f.order)) is not None
        ]
        if not same:
            same = [
                (distance, region)
                for region in regions
                if (distance := _distance(self._anywhere.get(region, ()), f.order, before_wins=True)) is not None
            ]
        return choose(choice, [min(same)[1]] if same else ())


def _distance(orders: Sequence[int], order: int, *, before_wins: bool = False) -> tuple[int, int] | None:
    """How far the nearest of the sorted ``orders`` is from ``order``: (distance, 0 before / 1 after)."""
    at = bisect.bisect_left(orders, order)
    near = [(order - orders[at - 1], 0)] if at > 0 else []
    if at < len(orders):
        near.append((orders[at] - order, 1))
    if not near:
        return None
    best = min(near)
    return best if before_wins else (best[0], 0)


def _url_region(url: str) -> str | None:
    host = host_of(url)
    return region_of(host) if host else None
