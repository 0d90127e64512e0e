"""Organisations and their phone listings: is the helpline still that organisation's helpline?

A phone number in a document belongs to an organisation (:func:`associate`):

- explicitly, when one of the organisations in targets.yaml lists it under ``phones``
  (compared in E.164, so ``1-800-4-CANCER`` and ``+1 800 422 6237`` are one number);
- else through the nearest web address written in the same block (paragraph, table
  row, PDF page) of the same document: that page and its site's home page.

Those pages are fetched once per run with the checker's own client (politeness,
retries and redirects apply) and read with the extractors, so digits, vanity forms
and ``tel:`` links on them all count (:class:`Listings`). The phone is then
``confirmed`` (``listed_on``), ``unconfirmed`` (``found``: what the pages list
instead), ``invalid`` or ``unchecked`` (the reason says why).

Each organisation's own page must also still mention its ``expect`` texts; when it
no longer does (a repurposed or taken-over domain), every healthy reference to that
site gets an ``expected-text-missing`` finding.
"""

from __future__ import annotations

import asyncio
import bisect
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import phonenumbers

from auditor.address import Address
from auditor.check.inputs import PageInput
from auditor.defaults import DEFAULT_MAX_REDIRECTS, DEFAULT_REGIONS
from auditor.errors import UnreadableInput
from auditor.extract import extract_document
from auditor.extract.domains import host_of
from auditor.extract.found import finish
from auditor.extract.html import extract_html, visible_text
from auditor.extract.html import parse as parse_html
from auditor.extract.links import LinkBase
from auditor.extract.phones import find_phones, parse_number
from auditor.reference import Phone, Reference, Url
from auditor.sources import Fetched, Format, Source, read
from auditor.verdict import Finding, FindingKind, PhoneFacts, Status, Verdict

NO_ORGANISATION = "no organisation in targets.yaml lists it and no web address is written beside it"


@dataclass(frozen=True, slots=True)
class OrganisationSpec:
    """One organisation of targets.yaml: its site, more pages of theirs, its phones, what its page must say."""

    name: str
    url: str
    pages: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    expect: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Association:
    """Where a phone number is looked up: the pages to read, in order (none: ``reason`` says why).

    ``organisation`` is the name of the targets.yaml organisation it belongs to, if any.
    """

    pages: tuple[str, ...] = ()
    organisation: str | None = None
    reason: str = ""


# -- association (pure) ---------------------------------------------------------------


def configured_numbers(raw: str, regions: Sequence[str]) -> tuple[Phone, ...]:
    """Every reading of a number given in targets.yaml: digits or vanity, valid or not.

    The phone finder reads vanity forms with trailing letters (``1-800-FLOWERS-NOW``);
    :func:`parse_number` keeps a number that is valid nowhere, so that an invalid
    configured number still matches the same invalid number in a document. Empty when
    it is no number at all.
    """
    options: dict[str, Phone] = {}
    for m in find_phones(raw, regions):
        for phone in m.choice.options:
            options.setdefault(phone.e164, phone)
    choice = parse_number(raw, regions)
    for phone in choice.options if choice else ():
        options.setdefault(phone.e164, phone)
    return tuple(options.values())


def is_valid(e164: str) -> bool:
    """Is this E.164 number one that can be dialled (phonenumbers' metadata)?"""
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(e164, None))
    except phonenumbers.NumberParseException:
        return False


def site(url_or_host: str) -> str:
    """The host an organisation is known by: lower case, without a leading ``www.``."""
    host = host_of(url_or_host) if "://" in url_or_host else url_or_host.lower()
    return host.removeprefix("www.")


def home_page(url: str) -> str:
    """``https://www.cancer.gov/contact?x#y`` -> ``https://www.cancer.gov/``."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), "/", "", ""))


def page_key(url: str) -> str:
    """What makes two page addresses one page (:attr:`auditor.address.Address.page_key`)."""
    return Address.of(url).page_key


def associate(
    references: Sequence[Reference], organisations: Sequence[OrganisationSpec], regions: Sequence[str]
) -> dict[str, Association]:
    """Where to look up each phone among ``references``, by E.164.

    Explicit first: an organisation whose ``phones`` include the number (its ``url``
    and ``pages``). Else, for every place the number is written, the nearest web
    address in the same block of the same document (by line, then column; before
    wins a tie): that page and its site's home page, plus the pages of an organisation
    on that site. Without either, no pages and a reason.
    """
    by_number: dict[str, OrganisationSpec] = {}
    for org in organisations:
        for raw in org.phones:
            for phone in configured_numbers(raw, regions):
                by_number.setdefault(phone.e164, org)
    by_site = {site(org.url): org for org in reversed(organisations)}  # the first one listed wins
    # Only the blocks that hold a phone: a million links in a million list items have none.
    with_phones = {
        (loc.source, loc.block) for ref in references if isinstance(ref.target, Phone) for loc in ref.locations
    }
    written: dict[tuple[str, int], list[tuple[int, int, str]]] = {}
    for ref in references if with_phones else ():
        if isinstance(ref.target, Url) and urlsplit(ref.target.url).scheme.lower() in ("http", "https"):
            for loc in ref.locations:
                if (loc.source, loc.block) in with_phones:
                    written.setdefault((loc.source, loc.block), []).append((loc.line, loc.column or 0, ref.target.url))
    blocks = {key: _Block(places) for key, places in written.items()}

    associations: dict[str, Association] = {}
    for ref in references:
        if not isinstance(ref.target, Phone):
            continue
        number = ref.target.e164
        listed = by_number.get(number)
        if listed is not None:
            associations[number] = Association(_unique((listed.url, *listed.pages)), listed.name)
            continue
        pages: list[str] = []
        named: str | None = None
        for loc in ref.locations:
            block = blocks.get((loc.source, loc.block))
            url = block.nearest(loc.line, loc.column or 0) if block is not None else None
            if url is None:
                continue
            pages += [url, home_page(url)]
            beside = by_site.get(site(url))
            if beside is not None:
                pages += [beside.url, *beside.pages]
                named = named or beside.name
        if pages:
            associations[number] = Association(_unique(pages), named)
        else:
            associations[number] = Association(reason=NO_ORGANISATION)
    return associations


class _Block:
    """The web addresses written in one block, sorted by place: the nearest one in O(log n).

    Nearest means fewest lines away, then fewest columns, and before wins a tie; among
    addresses written at one place, the first one given wins (as ``min`` would).
    A block can hold thousands of addresses and phones: comparing every pair is quadratic.
    """

    __slots__ = ("_columns", "_lines")

    def __init__(self, places: Iterable[tuple[int, int, str]]) -> None:
        by_line: dict[int, list[tuple[int, int, str]]] = {}
        for order, (line, column, url) in enumerate(places):
            by_line.setdefault(line, []).append((column, order, url))
        self._lines = sorted(by_line)
        self._columns = {line: sorted(row) for line, row in by_line.items()}

    def nearest(self, line: int, column: int) -> str | None:
        at = bisect.bisect_left(self._lines, line)
        near = [self._lines[i] for i in (at - 1, at, at + 1) if 0 <= i < len(self._lines)]
        if not near:
            return None
        fewest = min(abs(other - line) for other in near)
        best: tuple[int, int, int, int, str] | None = None
        for other in near:
            if abs(other - line) != fewest:
                continue
            row = self._columns[other]
            pos = bisect.bisect_left(row, (column,))
            for i in _around(row, pos):
                col, order, url = row[i]
                after = (other, col) > (line, column)
                candidate = (fewest, abs(col - column), int(after), order, url)
                if best is None or candidate < best:
                    best = candidate
        return best[4] if best is not None else None


def _around(row: Sequence[tuple[int, int, str]], pos: int) -> Iterator[int]:
    """Indexes of the entries of ``row`` at the nearest column before ``pos`` and at or after it."""
    if pos > 0:
        left = row[pos - 1][0]
        i = pos - 1
        while i >= 0 and row[i][0] == left:
            yield i
            i -= 1
    if pos < len(row):
        right = row[pos][0]
        i = pos
        while i < len(row) and row[i][0] == right:
            yield i
            i += 1


def _unique(urls: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for url in urls:
        seen.setdefault(page_key(url), url)
    return tuple(seen)


# -- reading an organisation's page -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Listing:
    """One organisation page as read: the numbers it lists and its visible text, or why it could not be read.

    ``text`` is whitespace-normalised and case-folded; ``None`` when unknown (a PDF,
    a page that could not be read), in which case no expected text is judged missing.
    """

    url: str  # as asked
    final_url: str | None = None
    numbers: frozenset[str] = frozenset()  # E.164
    text: str | None = None
    failure: str | None = None

    @property
    def read(self) -> bool:
        return self.failure is None


def normalise(text: str) -> str:
    """Case-folded, runs of white space (non-breaking too) as one space: how expected texts are compared."""
    return " ".join(text.split()).casefold()


def read_listing(url: str, fetched: Fetched, regions: Sequence[str]) -> Listing:
    """The numbers and text of a fetched page, read by its content type like any input (CPU work: in a thread)."""
    source = Source(url, None, None, url=url)
    try:
        doc = read(source, web={url: fetched})
        if doc.format is Format.HTML:
            root = parse_html(doc.text)
            refs = finish(extract_html(doc.text, LinkBase.for_url(fetched.url), regions, root=root), url)
            text: str | None = normalise(visible_text(root)) if root is not None else ""
        else:
            _, refs = extract_document(doc, regions)
            text = normalise(doc.text) if doc.format is not Format.PDF else None
    except UnreadableInput:  # an image, a binary: it lists no numbers we can read
        return Listing(url, fetched.url)
    except Exception as exc:  # a bug in an extractor must not stop the run
        return Listing(
            url, failure=f"could not be read because of a bug ({exc.__class__.__name__}: {exc}); please report it"
        )
    numbers = frozenset(ref.target.e164 for ref in refs if isinstance(ref.target, Phone))
    return Listing(url, fetched.url, numbers, text)


class Listings:
    """Organisations' pages for one run: each fetched and read once, however many phones ask.

    ``fetch`` gives a page to read (the checker's: a link to the same page shares the
    request); ``excluded`` says why a page must not be fetched (the run's ``--exclude``), or None.
    """

    def __init__(
        self,
        fetch: Callable[[str], Awaitable[PageInput]],
        organisations: Sequence[OrganisationSpec] = (),
        regions: Sequence[str] = DEFAULT_REGIONS,
        *,
        max_redirects: int = DEFAULT_MAX_REDIRECTS,
        excluded: Callable[[str], str | None] = lambda url: None,
    ) -> None:
        self.fetch = fetch
        self.organisations = tuple(organisations)
        self.regions = tuple(regions)
        self.max_redirects = max_redirects
        self.excluded = excluded
        self._pages: dict[str, asyncio.Task[Listing]] = {}
        self._associations: dict[str, Association] = {}
        self._expected: dict[str, asyncio.Task[tuple[Finding, ...]]] = {}

    def start(self, references: Sequence[Reference]) -> None:
        """Associate the run's phones, and start reading the organisation pages whose site is referenced.

        Call from within the running loop, before asking for verdicts or findings.
        """
        self._associations = associate(references, self.organisations, self.regions)
        referenced = {site(ref.target.url) for ref in references if isinstance(ref.target, Url)}
        for org in self.organisations:
            key = site(org.url)
            if org.expect and key in referenced and key not in self._expected:
                self._expected[key] = asyncio.ensure_future(self._missing(org))

    def wanted(self) -> list[str]:
        """The pages this run reads (once :meth:`start` has associated its phones)."""
        pages = [page for association in self._associations.values() for page in association.pages]
        pages += [org.url for org in self.organisations if site(org.url) in self._expected]
        return [page for page in pages if self.excluded(page) is None]

    async def page(self, url: str) -> Listing:
        """The page read once per run (later callers share the first one's task)."""
        key = page_key(url)
        task = self._pages.get(key)
        if task is None:
            task = self._pages[key] = asyncio.ensure_future(self._read(Address.of(url).url))
        return await task

    async def _read(self, url: str) -> Listing:
        reason = self.excluded(url)
        if reason is not None:
            return Listing(url, failure=reason)
        fetched = await self.fetch(url)
        if isinstance(fetched.result, UnreadableInput):
            return Listing(url, failure=fetched.result.why.removeprefix("cannot fetch the page: "))
        return await asyncio.to_thread(read_listing, url, fetched.result, self.regions)

    async def verdict(self, phone: Phone) -> Verdict:
        """Is ``phone`` listed on the pages it is associated with?"""
        if not is_valid(phone.e164):
            return Verdict(
                Status.INVALID,
                f"{phone.national or phone.e164} is not a valid phone number ({phone.e164}): check its digits",
            )
        association = self._associations.get(phone.e164) or Association(reason=NO_ORGANISATION)
        if not association.pages:
            return Verdict(Status.UNCHECKED, association.reason)
        listings = await asyncio.gather(*(self.page(url) for url in association.pages))
        return judge(phone, listings)

    async def _missing(self, org: OrganisationSpec) -> tuple[Finding, ...]:
        listing = await self.page(org.url)
        if listing.text is None:
            return ()  # could not read it, or no text to judge: the link check says the rest
        return tuple(
            Finding(FindingKind.EXPECTED_TEXT_MISSING, f"{org.url} no longer mentions '{expected}'")
            for expected in org.expect
            if normalise(expected) not in listing.text
        )

    async def expected_text(self) -> dict[str, tuple[Finding, ...]]:
        """Expected texts missing from the organisations' pages, by site (see :func:`site`)."""
        found: dict[str, tuple[Finding, ...]] = {}
        for key, task in self._expected.items():
            if missing := await task:
                found[key] = missing
        return found


def judge(phone: Phone, listings: Sequence[Listing]) -> Verdict:
    """The verdict on ``phone`` from the pages read for it, in the order they were asked for."""
    readable = [listing for listing in listings if listing.read]
    failed = [f"{listing.url} ({listing.failure})" for listing in listings if not listing.read]
    if not readable:
        return Verdict(Status.UNCHECKED, "could not read the pages to look it up on: " + "; ".join(failed))
    for listing in readable:
        if phone.e164 in listing.numbers:
            where = listing.final_url or listing.url
            return Verdict(Status.CONFIRMED, f"listed on {where}", phone=PhoneFacts(listed_on=where))
    found = tuple(sorted(set().union(*(listing.numbers for listing in readable))))
    pages = " or ".join(listing.final_url or listing.url for listing in readable)
    reason = f"not listed on {pages}"
    reason += f"; they list {', '.join(found)}" if found else "; they list no phone number"
    if failed:
        reason += "; could not read " + "; ".join(failed)
    return Verdict(Status.UNCONFIRMED, reason, phone=PhoneFacts(found=found))


def expected_findings(
    ref: Reference, verdict: Verdict, missing: Mapping[str, tuple[Finding, ...]]
) -> tuple[Finding, ...]:
    """The ``expected-text-missing`` findings for a healthy web reference on an organisation's site."""
    if not missing or not verdict.status.is_healthy or not isinstance(ref.target, Url):
        return ()
    return missing.get(site(ref.target.url), ())
