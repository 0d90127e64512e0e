"""From matches to references: what every format's extractor hands in, and how it is finished.

Each extractor yields :class:`Found` records in document order. :func:`finish` then
decides each ambiguous phone's country from the references near it and merges
repeated references into one with several locations.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from auditor.extract.domains import host_of, region_of
from auditor.extract.phones import PhoneChoice, PhoneMatch, choose, find_phones
from auditor.extract.scan import Match, find_addresses
from auditor.reference import Email, Invalid, Location, Phone, Reference, Url, merge


@dataclass(frozen=True, slots=True)
class Found:
    target: Url | Email | PhoneChoice | Invalid
    text: str  # as written
    line: int
    column: int | None
    block: int  # paragraph, table row or page: references in one block are neighbours
    context: str
    order: int  # position in the document, for "nearest"


def scan(
    text: str,
    regions: Sequence[str],
    *,
    markdown: bool = False,
    masked: Sequence[tuple[int, int]] = (),
) -> list[Match | PhoneMatch]:
    """Addresses and phones in a piece of running text, in order; ``masked`` spans skipped."""

    def free(m: Match) -> bool:
        return not any(s < m.end and m.start < e for s, e in masked)

    addresses = [m for m in find_addresses(text, markdown=markdown) if free(m)]
    phones = find_phones(text, regions, [*masked, *((m.start, m.end) for m in addresses)])
    found: list[Match | PhoneMatch] = [*addresses, *phones]
    found.sort(key=lambda m: m.start)
    return found


def target_of(m: Match | PhoneMatch) -> Url | Email | PhoneChoice | Invalid:
    return m.target if isinstance(m, Match) else m.choice


def finish(found: Iterable[Found], source: str) -> list[Reference]:
    """References of one document, with phones' countries decided and repeats merged."""
    found = list(found)
    hints = [
        (f.order, f.block, region) for f in found if isinstance(f.target, Url) and (region := _url_region(f.target.url))
    ]
    hints.sort()
    refs: list[Reference] = []
    for f in found:
        target: Url | Email | Phone | Invalid
        if isinstance(f.target, PhoneChoice):
            options = f.target.options
            target = choose(f.target, _nearest_regions(hints, f)) if len(options) > 1 else options[0]
        else:
            target = f.target
        location = Location(source, f.line, f.column, f.context, f.text, f.block)
        refs.append(Reference(target, f.text, (location,)))
    return merge(refs)


def _nearest_regions(hints: list[tuple[int, int, str]], f: Found) -> Iterator[str]:
    """Countries of the web addresses near ``f``: its own block first, then outwards."""
    same = sorted((abs(order - f.order), region) for order, block, region in hints if block == f.block)
    yield from (region for _, region in same)
    at = bisect.bisect_left(hints, (f.order,))
    before, after = at - 1, at
    while before >= 0 or after < len(hints):
        if after >= len(hints) or (before >= 0 and f.order - hints[before][0] <= hints[after][0] - f.order):
            yield hints[before][2]
            before -= 1
        else:
            yield hints[after][2]
            after += 1


def _url_region(url: str) -> str | None:
    host = host_of(url)
    return region_of(host) if host else None
