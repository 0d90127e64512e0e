"""What a document refers to: typed references and where they are written.

A :class:`Reference` is one thing a reader is sent to (a web address, an e-mail
address or a phone number) together with every :class:`Location` that writes it.
Its target is one of three small value types, so later stages can dispatch on the
type instead of on strings; a fourth, :class:`Invalid`, holds a link too malformed to be
any of them (it is reported, never requested).
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import lru_cache


class Kind(StrEnum):
    URL = "url"
    EMAIL = "email"
    PHONE = "phone"


@dataclass(frozen=True, slots=True)
class Url:
    """A web address (``https://...``) or a local file (``file:///...``)."""

    url: str

    kind = Kind.URL

    @property
    def key(self) -> str:
        return self.url


@dataclass(frozen=True, slots=True)
class Email:
    address: str

    kind = Kind.EMAIL

    @property
    def key(self) -> str:
        return self.address


@dataclass(frozen=True, slots=True)
class Phone:
    """A phone number in E.164 with its national form and the region it was read in."""

    e164: str
    national: str
    region: str

    kind = Kind.PHONE

    @property
    def key(self) -> str:
        return self.e164


@dataclass(frozen=True, slots=True)
class Invalid:
    """A link that names nothing checkable: a malformed URL (``http://[::1``), ``mailto:``
    without an address, ``tel:`` without a number. Never requested; reported ``invalid``.

    ``kind`` is what it was meant to be (a ``mailto:`` link is an e-mail), ``written``
    the link as written, ``reason`` what is wrong with it.
    """

    kind: Kind
    written: str
    reason: str

    @property
    def key(self) -> str:
        return self.written


Target = Url | Email | Phone | Invalid


class Form(StrEnum):
    """How a reference is written where it is: what its span holds, and what a new address
    written there must be escaped for."""

    TEXT = "text"  # an address in plain text (a scheme-less one too)
    MARKDOWN_TEXT = "markdown-text"  # an address in Markdown prose (GFM's bare autolink)
    MARKDOWN_LINK = "markdown-link"  # [label](address) or ![alt](address)
    MARKDOWN_ANGLE = "markdown-angle"  # [label](<address>)
    MARKDOWN_DEFINITION = "markdown-definition"  # [label]: address
    MARKDOWN_DEFINITION_ANGLE = "markdown-definition-angle"  # [label]: <address>
    AUTOLINK = "autolink"  # <address> in Markdown
    HTML_ATTRIBUTE = "html-attribute"  # an attribute's value (Location.markup says which, and its quote)
    SRCSET = "srcset"  # one URL among a srcset's candidates
    HTML_TEXT = "html-text"  # an address in an HTML page's text

    @property
    def html(self) -> bool:
        """Written in HTML: the span may hold ``&amp;`` and friends where the reference has ``&``."""
        return self in (Form.HTML_ATTRIBUTE, Form.SRCSET, Form.HTML_TEXT)


@dataclass(frozen=True, slots=True)
class Markup:
    """The element and attribute an HTML reference is the value of, and how that value is
    quoted: ``"``, ``'`` or ``""`` (unquoted)."""

    element: str
    attribute: str
    quote: str


@lru_cache(maxsize=1024)
def markup(element: str, attribute: str, quote: str) -> Markup:
    """One shared :class:`Markup` per element, attribute and quote: a page of 10,000 links holds a handful."""
    return Markup(element, attribute, quote)


@dataclass(frozen=True, slots=True)
class Location:
    """One place that writes a reference.

    ``line`` and ``column`` are 1-based; in a PDF ``line`` is the page number and
    ``column`` is ``None``. ``text`` is the reference as written at this place.
    ``block`` numbers the paragraph, table row or page within the source, so that
    references can be related to their neighbours (a phone to the URL beside it).

    ``start`` and ``length`` are where the reference is written, in characters of the
    document's decoded text with every line end as ``\\n`` (:attr:`span`); ``form`` is how
    (a Markdown destination, an HTML attribute...), with ``markup`` naming the element,
    attribute and quote of an HTML one. ``start`` is None where the extractor cannot say
    (a PDF, a tag the HTML parser invented): then nothing rewrites it.
    """

    source: str
    line: int
    column: int | None
    context: str
    text: str
    block: int = 0
    start: int | None = None
    length: int = 0
    form: Form | None = None
    markup: Markup | None = None

    @property
    def span(self) -> tuple[int, int] | None:
        """``(start, end)`` of the reference in its document's text, or None if not known."""
        if self.start is None:
            return None
        return self.start, self.start + self.length

    def written_in(self, text: str) -> bool:
        """Whether ``text`` (the document) writes this reference at :attr:`span`: exactly, or
        behind HTML entities (``&amp;``) where the form is HTML."""
        if self.start is None:
            return False
        raw = text[self.start : self.start + self.length]
        return raw == self.text or (self.form is not None and self.form.html and html.unescape(raw) == self.text)

    @property
    def where(self) -> str:
        """``source:line:column``, or ``source:page N`` in a PDF: how reports point at it."""
        if self.column is None:
            return f"{self.source}:page {self.line}"
        return f"{self.source}:{self.line}:{self.column}"


@dataclass(frozen=True, slots=True)
class Reference:
    target: Target
    text: str
    locations: tuple[Location, ...]

    @property
    def kind(self) -> Kind:
        return self.target.kind

    @property
    def key(self) -> str:
        """One reference across runs and documents: ``url:https://...``, ``phone:+1800...``."""
        return f"{self.kind.value}:{self.target.key}"


def merge(references: Iterable[Reference]) -> list[Reference]:
    """One reference per target, with all its locations, in order of first appearance.

    A location is kept once: the same place reached twice (a PDF link annotation
    over the text that shows the same address) is one location. A reference written
    once is returned as it is: a million links must not be copied to be merged.
    """
    first: dict[tuple[Kind, str], Reference] = {}
    more: dict[tuple[Kind, str], dict[tuple[str, int, int | None], Location]] = {}  # only targets seen twice
    for ref in references:
        key = (ref.kind, ref.target.key)
        known = first.get(key)
        if known is None:
            first[key] = ref
            continue
        seen = more.get(key)
        if seen is None:
            seen = more[key] = _first_of_each(known.locations)
        for loc in ref.locations:
            seen.setdefault((loc.source, loc.line, loc.column), loc)
    merged = []
    for key, ref in first.items():
        seen = more.get(key)
        if seen is None and (len(ref.locations) == 1 or _distinct_places(ref.locations)):
            merged.append(ref)
        else:
            places = seen if seen is not None else _first_of_each(ref.locations)
            merged.append(replace(ref, locations=tuple(places.values())))
    return merged


def _first_of_each(locations: Iterable[Location]) -> dict[tuple[str, int, int | None], Location]:
    places: dict[tuple[str, int, int | None], Location] = {}
    for loc in locations:
        places.setdefault((loc.source, loc.line, loc.column), loc)
    return places


def _distinct_places(locations: tuple[Location, ...]) -> bool:
    return len({(loc.source, loc.line, loc.column) for loc in locations}) == len(locations)
