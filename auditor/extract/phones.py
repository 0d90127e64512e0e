"""Phone numbers in running text: digit forms through phonenumbers, vanity forms too.

``phonenumbers.PhoneNumberMatcher`` finds written numbers that are valid for a
region, and rejects most dates and times; it does not find vanity numbers
(``1-800-4-CANCER``), so those have a candidate pattern of their own and are
converted with phonenumbers' letter mapping. A number written without a country
code may be valid in several of the configured regions: each match keeps every
reading, in region order, and the document decides (see :func:`choose`).

What is not a phone: a ZIP+4 code, a mail stop (``MSC 2580``), a price, a page,
an ISBN, a registration number, a long run of digits with no phone word near it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from phonenumbers import Leniency, PhoneNumber, PhoneNumberFormat, PhoneNumberMatcher

from auditor.reference import Phone


@dataclass(frozen=True, slots=True)
class PhoneChoice:
    """The readings of one written number, first preferred; one if it says its country."""

    options: tuple[Phone, ...]

    @property
    def key(self) -> str:
        return self.options[0].e164


@dataclass(frozen=True, slots=True)
class PhoneMatch:
    start: int
    end: int
    text: str
    choice: PhoneChoice


_SEP = r"[-. ]"
# A toll-free or national prefix, then groups of digits or capital words, e.g.
# 1-800-4-CANCER, 0800-HELP-NOW, +1 800 GOT-JUNK. Lower-case words are not taken:
# "0800 and ..." is prose.
_VANITY = re.compile(
    rf"(?<![\w+-])(?:\+?\d{{1,3}}{_SEP}?)?\(?\d{{3,4}}\)?(?:{_SEP}(?:\d{{1,4}}|[A-Z]{{2,10}})){{1,4}}(?![\w-])"
)
_LETTERS = re.compile(r"[A-Z]")
_DIGIT = re.compile(r"\d")

# Words right before a number that say it is something else.
_NOT_A_PHONE_BEFORE = re.compile(
    r"(?:[£$€¥]|\b(?:isbn(?:-1[03])?|issn|doi|msc|zip|p\.?\s?o\.?\s?box|box|page|pages|pp?\.|"
    r"nos?\.|nr\.?|ref\.?|reference|invoice|order|account|a/c|acct\.?|sort code|"
    r"(?:charity|company|registration|registered|reg\.?)(?:\s+(?:number|no\.?))?))"
    r"[\s:#.]*$",
    re.IGNORECASE,
)
_PHONE_WORD_BEFORE = re.compile(
    r"\b(?:tel|telephone|phone|ph|call|ring|fax|helpline|hotline|freephone|free phone|"
    r"toll[- ]free|mobile|cell|text|sms|contact|number|dial)\b[^\n]{0,24}$|[\u260e\U0001f4de]\s*$",
    re.IGNORECASE,
)
_INTERNATIONAL = re.compile(r"^\s*(?:\+|00|011)")


def _phone(number: PhoneNumber) -> Phone:
    region = phonenumbers.region_code_for_number(number) or ""
    return Phone(
        e164=phonenumbers.format_number(number, PhoneNumberFormat.E164),
        national=phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL),
        region=region if region != "ZZ" else "",
    )


def _plausible(text: str, start: int, end: int, regions: Sequence[str]) -> bool:
    raw = text[start:end]
    before = text[max(0, start - 30) : start]
    if _NOT_A_PHONE_BEFORE.search(before):
        return False
    after = text[end : end + 2]
    if after[:1] in ("%", "/") or re.match(r"[.,]\d", after) or re.search(r"\d[.,]$", before):
        return False  # part of a longer dotted number: an OID, a version, a clause
    if "." in raw and ("-" in raw or not _grouped_as_written(raw, regions)):
        return False  # 252.227-7013, 1.3.101.110: dots in a phone follow its national groups
    # A long unbroken run of digits is an identifier unless a phone word leads in.
    digits_only = raw.strip().isdigit()
    return not (digits_only and not raw.startswith("0") and not _PHONE_WORD_BEFORE.search(before))


def _grouped_as_written(raw: str, regions: Sequence[str]) -> bool:
    """True when a number written with dots is grouped the way its country writes it."""
    return any(
        m.start == 0 and m.end == len(raw)
        for region in regions
        for m in PhoneNumberMatcher(raw, region, leniency=Leniency.STRICT_GROUPING)
    )


# Vanity numbers with words set off by spaces ("1 800 FLOWERS") are read only after a
# toll-free prefix: "541335 HTML" is a bug number and a word.
_TOLL_FREE = re.compile(r"^\+?1?[-. ]?\(?8(?:00|33|44|55|66|77|88)\)?[-. ]|^0(?:800|808|500)[-. ]")


def find_phones(text: str, regions: Sequence[str], masked: Iterable[tuple[int, int]] = ()) -> list[PhoneMatch]:
    """Phone numbers in ``text``; spans in ``masked`` (addresses already found) are skipped."""
    if not _DIGIT.search(text):
        return []
    scan = text
    if masked:
        chars = list(text)
        for start, end in masked:
            chars[start:end] = " " * (end - start)
        scan = "".join(chars)
    readings: dict[tuple[int, int], dict[str, Phone]] = {}

    def add(start: int, end: int, region: str, number: PhoneNumber) -> None:
        if not _plausible(scan, start, end, regions):
            return
        explicit = bool(_INTERNATIONAL.match(scan[start:end]))
        slot = readings.setdefault((start, end), {})
        slot["*" if explicit else region] = _phone(number)

    for lo, hi in _windows(scan, _shortest(tuple(regions))):
        for region in regions:
            for start, end, reading in _matches(scan[lo:hi], region):
                add(lo + start, lo + end, region, reading)
    if _DIGIT.search(scan):
        for m in _VANITY.finditer(scan):
            raw = m.group()
            if len(_LETTERS.findall(raw)) < 3:
                continue
            if not re.search(r"[A-Z]-|-[A-Z]", raw) and not _TOLL_FREE.match(raw):
                continue
            for region in regions:
                number = _parse_vanity(raw, region)
                if number is not None:
                    add(m.start(), m.end(), region, number)

    matches: list[PhoneMatch] = []
    for (start, end), by_region in sorted(readings.items(), key=lambda kv: (kv[0][0], -kv[0][1])):
        if matches and start < matches[-1].end:
            continue  # inside a longer match already taken
        options = [by_region["*"]] if "*" in by_region else [by_region[r] for r in regions if r in by_region]
        matches.append(PhoneMatch(start, end, text[start:end], PhoneChoice(_distinct(options))))
    return matches


@lru_cache(maxsize=4096)
def _matches(window: str, region: str) -> tuple[tuple[int, int, PhoneNumber], ...]:
    """phonenumbers' valid matches in one window: cached, as a document repeats its numbers
    (a helpline on every page) and the matcher is the slowest step of extraction."""
    return tuple((m.start, m.end, m.number) for m in PhoneNumberMatcher(window, region, leniency=Leniency.VALID))


def _windows(text: str, digits: int) -> Iterator[tuple[int, int]]:
    """Stretches of ``text`` that could hold a phone number: ``digits`` or more digits
    with only separators between them, plus a little room either side.

    phonenumbers' matcher is thorough but slow on text full of numbers (change logs,
    tables); a regex picks the few places worth its time.
    """
    pattern = _run_of(digits)
    for m in pattern.finditer(text):
        yield max(0, m.start() - 4), min(len(text), m.end() + 4)


@lru_cache(maxsize=16)
def _run_of(digits: int) -> re.Pattern[str]:
    return re.compile(rf"\d(?:[ \t\u00a0().\-\u2013/]{{0,3}}\d){{{max(0, digits - 1)},}}")


@lru_cache(maxsize=64)
def _shortest(regions: tuple[str, ...]) -> int:
    """The fewest digits a valid number of any of ``regions`` can have (text with fewer has none)."""
    lengths = [
        length
        for region in regions
        if (meta := phonenumbers.PhoneMetadata.metadata_for_region(region)) is not None
        and meta.general_desc is not None
        for length in meta.general_desc.possible_length
        if length > 0
    ]
    return min(lengths, default=1)


def _distinct(options: Iterable[Phone]) -> tuple[Phone, ...]:
    seen: dict[str, Phone] = {}
    for option in options:
        seen.setdefault(option.e164, option)
    return tuple(seen.values())


def _parse_vanity(raw: str, region: str) -> PhoneNumber | None:
    """A vanity number, dropping trailing letters a reader need not dial (1-800-FLOWERS-NOW)."""
    groups = re.split(_SEP, raw)
    while groups:
        candidate = "-".join(groups)
        digits = phonenumbers.convert_alpha_characters_in_number(candidate)
        try:
            number = phonenumbers.parse(digits, region)
        except phonenumbers.NumberParseException:
            number = None
        if number is not None and phonenumbers.is_valid_number(number):
            return number
        if not groups[-1].isalpha():
            return None
        groups.pop()
    return None


def parse_number(raw: str, regions: Sequence[str]) -> PhoneChoice | None:
    """A number given on its own (a ``tel:`` link, a configured phone): every valid reading.

    A number that is valid nowhere is still returned (as written in its first region)
    when it parses at all, so that it can be reported as invalid rather than lost.
    """
    if _INTERNATIONAL.match(raw):
        regions = regions[:1] or ["ZZ"]
    valid: list[Phone] = []
    fallback: Phone | None = None
    for region in regions:
        try:
            number = phonenumbers.parse(raw, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            valid.append(_phone(number))
        elif fallback is None:
            fallback = _phone(number)
    if valid:
        return PhoneChoice(_distinct(valid))
    return PhoneChoice((fallback,)) if fallback else None


def choose(choice: PhoneChoice, nearby_regions: Iterable[str]) -> Phone:
    """The reading whose region the nearest references point to, else the first."""
    for region in nearby_regions:
        for option in choice.options:
            if option.region == region:
                return option
    return choice.options[0]


def check_regions(regions: Sequence[str]) -> list[str]:
    """Upper-cased region codes; ValueError naming any that phonenumbers does not know."""
    checked = []
    for region in regions:
        code = region.strip().upper()
        if code not in phonenumbers.SUPPORTED_REGIONS:
            raise ValueError(f"unknown region {region!r} (use ISO 3166 codes such as GB, US, IE)")
        checked.append(code)
    return checked
