"""Is the page still maintained, and is it still the same page? What a healthy page says about itself.

A page's own date, in order of trust (the first source that gives one wins):

json-ld        ``dateModified`` or ``lastReviewed`` in its JSON-LD (schema.org)
meta           ``<meta>`` modification tags (``article:modified_time``, ``og:updated_time``,
               ``dcterms.modified``, ``last-modified`` … the names htmldate knows), microdata
               ``itemprop="dateModified"``
text           a visible "Last reviewed / Last updated / Page last updated …" statement
last-modified  the HTTP Last-Modified header

Only modification and review dates count. A publication date says when a page was
written, not whether anyone still looks after it (a news story from 2015 is not stale),
and a copyright year is too often left behind. So htmldate is not asked to guess from the
whole page: it picks publication dates, dates in the canonical URL, any date in the text;
it parses the odd formats of the values picked here. Dates in the future are ignored.

The fingerprint is a 64-bit simhash of the page's main text (trafilatura's extraction,
without navigation and footers): near pages have near hashes. Two unrelated pages agree
on about half the bits, a page with a sentence edited in a long article on nearly all.
A page's fingerprint says how its main text was taken (``2:74fc…``, :data:`MAIN_TEXT`):
trafilatura's fast extraction, without its second and third opinions (readability,
jusText), which cost 40% of a page's reading and gave the same text on ordinary pages.
A fingerprint taken another way (none said: the full extraction, before) is a new
baseline when compared, never a content change.

Parsing is CPU work: :func:`page_facts` is meant to run in a worker thread. The facts
keep a hash of the body they were read from; :func:`reread` gives the same facts for the
same body without reading it again (a weekly audit finds most pages unchanged).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import functools
import hashlib
import logging
import re
from html import escape
from typing import Any

from lxml import etree, html

from auditor.check.page import Page
from auditor.extract.dates import stated_date
from auditor.lazyre import lazy
from auditor.untrusted import quoted
from auditor.verdict import Finding, FindingKind, PageFacts

#: How many bits the fingerprint has (and so how finely similarity is measured).
FINGERPRINT_BITS = 64
#: Below this similarity the main text counts as changed since the last run.
DEFAULT_CHANGE_THRESHOLD = 0.9
#: How the main text of a page's fingerprint is taken, written before it: "2" is trafilatura's
#: fast extraction; a fingerprint without it was taken by the full extraction ("1").
MAIN_TEXT = "2"
#: Parsing a page stops here: a few megabytes of markup can take seconds to extract.
MAX_PARSE_CHARS = 2_000_000
#: Earlier than this a date is a parsing accident (the web is younger).
EARLIEST_YEAR = 1991

# Modification-date tags, after htmldate's lists (htmldate.core NAME_MODIFIED,
# PROPERTY_MODIFIED, ITEMPROP_ATTRS_MODIFIED) without its publication dates.
_META_MODIFIED = frozenset(
    {
        "article:modified", "article:modified_date", "article:modified_time", "article:post_modified",
        "bt:moddate", "datemodified", "dateupdate", "dc.date.modified", "dc.modified", "dcterms.modified",
        "lastdate", "lastmod", "lastmodified", "last-modified", "lastreviewed", "modificationdate", "modified",
        "modified_time", "og:article:modified_time", "og:modified_time", "og:updated_time", "revision_date",
        "updated_time", "utime",
    }
)  # fmt: skip
_META_ATTRIBUTES = ("property", "name", "itemprop", "http-equiv")
_JSON_LD_DATE = lazy(r'"(?:dateModified|lastReviewed)"\s*:\s*"([^"]{4,64})"')
_ISO_DATE = lazy(r"^\s*(\d{4})-(\d{2})-(\d{2})")
# "Last reviewed: 14 March 2011", "Page last updated 3 May 2019", "Updated: March 14, 2011".
_STATEMENT = lazy(
    r"\b(?:(?:page|content|article|information|this\s+page\s+was)\s+)?(?:last\s+)?"
    r"(?:reviewed|updated|modified|revised|checked)\b"
    r"|\b(?:date\s+of\s+(?:last\s+)?review|review\s+date)\b",
    re.IGNORECASE,
)
_NEXT = lazy(r"\bnext\s*$", re.IGNORECASE)  # "Next review date: 2027" is a plan
# Words of other kinds of date (publication, copyright): a review date is not read past them.
_OTHER_STATEMENT = lazy(r"\u00a9|\(c\)|copyright|published|issued|printed|\bsources?\b", re.IGNORECASE)
_STATEMENT_REACH = 48  # characters after "Last reviewed" where its date may be
_STATEMENT_CORE = ("review", "updated", "modified", "revised", "checked", "date")  # one is in every statement
_STATEMENT_LEAD = 40  # a statement starts at most this far before its core word ("this page was last ": 19)
_CASE_FOLDS = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})
_VISIBLE_TEXT = "//body//text()[not(ancestor::script or ancestor::style or ancestor::noscript or ancestor::template)]"
_SOURCE_WORDS = {
    "json-ld": "its JSON-LD dateModified",
    "meta": "its meta tags",
    "text": "its text",
    "last-modified": "the Last-Modified header",
}

#: What reading a page's facts imports when first asked (slow to import, so not before): a
#: process that reads pages in several threads at once imports them first, in one thread
#: (two threads importing trafilatura at once can leave one with a half-initialised module).
LAZY_MODULES = ("htmldate", "trafilatura", "trafilatura.deduplication", "trafilatura.settings")


def is_html(page: Page) -> bool:
    """Is this answer an HTML page (said by its Content-Type, or by its first bytes when it has none)?"""
    kind = page.headers.get("content-type", "").lower()
    if kind:
        return "html" in kind
    start = page.text[:512].lstrip().lower()
    return start.startswith(("<!doctype html", "<html"))


def page_facts(page: Page, *, today: dt.date | None = None) -> PageFacts:
    """The title, own date, main-text fingerprint and cache validators of an HTML page (CPU work)."""
    today = today or dt.date.today()
    _quiet_libraries()
    markup = page.text[:MAX_PARSE_CHARS]
    tree = _parse(markup)
    date, source = _markup_date(tree, today) if tree is not None else (None, None)
    if date is None:
        header = _http_date(page.headers.get("last-modified", ""), today)
        if header is not None:
            date, source = header.isoformat(), "last-modified"
    return PageFacts(
        title=page.title or None,
        date=date,
        date_source=source,
        fingerprint=_page_fingerprint(_main_text(markup, tree)),
        etag=page.headers.get("etag") or None,
        last_modified=page.headers.get("last-modified") or None,
        digest=body_digest(page),
    )


def body_digest(page: Page) -> str:
    """A hash of what the facts are read from: the body and its Content-Type (which says how it decodes)."""
    kind = page.headers.get("content-type", "").encode("utf-8", "surrogateescape")
    return hashlib.blake2b(kind + b"\n" + page.body, digest_size=16).hexdigest()


def reread(page: Page, known: PageFacts | None, *, today: dt.date | None = None) -> PageFacts | None:
    """The facts of ``page`` without reading it, when ``known`` (the last run's facts of this
    address) were read from the same body: its date and fingerprint stand; the title and the
    validators are this answer's, and a date taken from the Last-Modified header is taken
    again from this answer's. None when the body changed (or nothing is known): read it.

    The one difference from :func:`page_facts`: a date in the markup that was in the future
    when the body was read (so ignored then) stays ignored until the body changes.
    """
    if known is None or known.digest is None or known.digest != body_digest(page):
        return None
    date, source = known.date, known.date_source
    if date is None or source == "last-modified":
        header = _http_date(page.headers.get("last-modified", ""), today or dt.date.today())
        date, source = (header.isoformat(), "last-modified") if header is not None else (None, None)
    return PageFacts(
        title=page.title or None,
        date=date,
        date_source=source,
        fingerprint=known.fingerprint,
        etag=page.headers.get("etag") or None,
        last_modified=page.headers.get("last-modified") or None,
        digest=known.digest,
    )


def fingerprint(text: str) -> str | None:
    """A 64-bit simhash of ``text`` as 16 hex digits; None when it has no words.

    trafilatura's ``Simhash`` (its tokens, its blake2b token hashes, its rule: bit i is set
    when at least half the tokens have it), computed here with one big-integer addition per
    token instead of a 64-element list: the same value, about ten times faster.
    """
    from trafilatura.deduplication import sample_tokens  # imported here: trafilatura is slow to import

    text = text.casefold()
    if not any(c.isalnum() for c in text):
        return None
    tokens = sample_tokens(text, FINGERPRINT_BITS)
    total = sum(map(_spread_token, tokens))
    mask, n = (1 << _LANE) - 1, len(tokens)
    value = sum(1 << bit for bit in range(FINGERPRINT_BITS) if 2 * ((total >> (bit * _LANE)) & mask) >= n)
    return f"{value:0{FINGERPRINT_BITS // 4}x}"


#: Bits per counter when the token hashes' bits are counted in one big integer (room for 2**32 tokens).
_LANE = 32
#: Each byte value with its 8 bits spread one per lane.
_BYTE_LANES = tuple(sum(1 << (j * _LANE) for j in range(8) if b >> j & 1) for b in range(256))


@functools.lru_cache(maxsize=2**14)
def _spread_token(token: str) -> int:
    """The token's 64-bit blake2b hash (as trafilatura's Simhash takes it) with bit i moved to lane i."""
    digest = int.from_bytes(hashlib.blake2b(token.encode(), digest_size=8).digest(), "big")
    return sum(_BYTE_LANES[(digest >> (8 * k)) & 255] << (8 * k * _LANE) for k in range(8))


def _page_fingerprint(text: str) -> str | None:
    value = fingerprint(text)
    return f"{MAIN_TEXT}:{value}" if value is not None else None


def _taken(value: str) -> str:
    """How a page fingerprint's main text was taken: :data:`MAIN_TEXT`, or "1" when it does not say."""
    way, said, _bits = value.partition(":")
    return way if said else "1"


def similarity(a: str, b: str) -> float:
    """How alike two fingerprints are, 0..1: the share of bits they agree on (1.0 for the same text).

    Unrelated pages come out near 0.5, not 0: half their bits agree by chance. ValueError
    when either is not hexadecimal (not a fingerprint).
    """
    differing = (int(a.rpartition(":")[2], 16) ^ int(b.rpartition(":")[2], 16)).bit_count()
    return (FINGERPRINT_BITS - differing) / FINGERPRINT_BITS


def stale(facts: PageFacts, *, today: dt.date, after_days: int) -> Finding | None:
    """A ``stale`` finding when the page's own date is more than ``after_days`` days before ``today``.

    A date stated to the month or year ("Reviewed: June 2014") is read as its last day:
    only a page surely older than the limit is called stale.
    """
    if facts.date is None:
        return None
    last = period_end(facts.date)
    if last is None or (today - last).days <= after_days:
        return None
    where = _SOURCE_WORDS.get(facts.date_source or "", "the page")
    detail = f"last updated {facts.date} ({_age(last, today)}, says {where})"
    return Finding(FindingKind.STALE, detail, date=facts.date)


def content_changed(
    previous: str | None, current: str | None, *, threshold: float = DEFAULT_CHANGE_THRESHOLD
) -> Finding | None:
    """A ``content-changed`` finding when the main text's fingerprint moved below ``threshold`` similarity.

    None when either fingerprint is unknown (first sight, or a page without text).
    """
    if previous is None or current is None or _taken(previous) != _taken(current):
        return None  # first sight, or taken another way: a new baseline
    alike = similarity(previous, current)
    if alike >= threshold:
        return None
    detail = f"the main text changed since the last run ({alike:.0%} similar)"
    return Finding(FindingKind.CONTENT_CHANGED, detail, similarity=round(alike, 2))


def title_changed(previous: str | None, current: str | None) -> Finding | None:
    """A ``title-changed`` finding when the page's title differs from the last run's (case and spacing aside)."""
    if previous is None or current is None or _normal_title(previous) == _normal_title(current):
        return None
    return Finding(FindingKind.TITLE_CHANGED, f"the title was “{quoted(previous)}”, now “{quoted(current)}”")


def _normal_title(title: str) -> str:
    return " ".join(title.split()).casefold()


def _quiet_libraries() -> None:
    # Both log every odd page at WARNING; a date or fingerprint is optional.
    for name in ("htmldate", "trafilatura"):
        logging.getLogger(name).setLevel(logging.ERROR)


def _parse(markup: str) -> html.HtmlElement | None:
    if not markup.strip():
        return None
    try:
        return html.document_fromstring(markup)
    except (etree.LxmlError, ValueError):  # an empty document; a lone surrogate (lxml < 6.0.1)
        return None


def _markup_date(tree: html.HtmlElement, today: dt.date) -> tuple[str | None, str | None]:
    """The page's date from its markup, most trusted source first, and which source that was."""
    readers = (("json-ld", _json_ld_dates), ("meta", _meta_dates), ("text", _text_dates))
    for source, read in readers:
        dates = [d for d in read(tree, today) if d is not None]
        if dates:
            return max(dates, key=_sort_key), source  # several of one kind: the latest
    return None, None


def _json_ld_dates(tree: html.HtmlElement, today: dt.date) -> list[str | None]:
    # A pattern rather than json.loads: JSON-LD in the wild often is not valid JSON
    # (trailing commas, comments), and the property may sit anywhere in an @graph.
    found: list[str | None] = []
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() == "application/ld+json" and script.text:
            found += [_value_date(v, today) for v in _JSON_LD_DATE.findall(script.text)]
    return found


def _meta_dates(tree: html.HtmlElement, today: dt.date) -> list[str | None]:
    found: list[str | None] = []
    for meta in tree.iter("meta"):
        if {(meta.get(a) or "").strip().lower() for a in _META_ATTRIBUTES} & _META_MODIFIED:
            found.append(_value_date(meta.get("content") or meta.get("datetime") or "", today))
    for element in tree.xpath("//body//*[@itemprop]"):  # microdata on a visible element
        if (element.get("itemprop") or "").strip().lower() in _META_MODIFIED:
            value = element.get("content") or element.get("datetime") or element.text_content()
            found.append(_value_date(value, today))
    return found


def _text_dates(tree: html.HtmlElement, today: dt.date) -> list[str | None]:
    text = _visible_text(tree)
    found: list[str | None] = []
    start = _first_statement(text)
    if start is None:
        return found
    for m in _STATEMENT.finditer(text, start):
        if _NEXT.search(text, max(0, m.start() - 12), m.start()):
            continue
        rest = text[m.end() : m.end() + _STATEMENT_REACH]
        if other := _OTHER_STATEMENT.search(rest):
            rest = rest[: other.start()]
        # The date must follow the words at once; stated_date reads "updated <date>" so, and
        # with the other statements cut off it cannot fall back on a copyright year instead.
        date = stated_date("updated" + rest, today)
        found.append(date.isoformat() if date is not None and date.year >= EARLIEST_YEAR else None)
    return found


def _first_statement(text: str) -> int | None:
    """Where a ``_STATEMENT`` match may first start in ``text`` (white space collapsed), or None
    when there is none: the scan starts there, not at the top of the page (the pattern is slow).

    Every match holds one of ``_STATEMENT_CORE`` and starts at most ``_STATEMENT_LEAD``
    characters before it ("this page was last "); the words are found with ``str.find``
    in a lower-cased copy whose few letters that match ASCII only case-insensitively
    ("ſ", "K", "İ", "ı") are made ASCII first, so nothing the pattern matches is missed.
    """
    odd = not text.isascii() and any(c in text for c in "\u0130\u0131\u017f\u212a")
    folded = (text.translate(_CASE_FOLDS) if odd else text).lower()
    found = [at for word in _STATEMENT_CORE if (at := folded.find(word)) >= 0]
    return max(0, min(found) - _STATEMENT_LEAD) if found else None


def _visible_text(tree: html.HtmlElement) -> str:
    nodes = tree.xpath(_VISIBLE_TEXT)
    return " ".join(" ".join(nodes).split())


def _value_date(value: str, today: dt.date) -> str | None:
    """An attribute's date as ISO: ISO 8601 and HTTP dates directly, other forms through htmldate."""
    value = value.strip()
    if not value:
        return None
    date: dt.date | None
    if m := _ISO_DATE.match(value):
        try:
            date = dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None
    else:
        date = _http_date(value, today) or _htmldate(value)
    if date is None or date > today or date.year < EARLIEST_YEAR:
        return None
    return date.isoformat()


def _htmldate(value: str) -> dt.date | None:
    """htmldate's reading of one modification tag's value ("14/03/2011", "March 14, 2011" …)."""
    from htmldate import find_date  # imported here: it is slow to import

    # A document holding nothing but that tag: htmldate cannot pick another date.
    markup = f'<html><head><meta property="article:modified_time" content="{escape(value)}"></head><body></body></html>'
    try:
        found = find_date(markup, extensive_search=False, original_date=False, outputformat="%Y-%m-%d")
    except Exception:  # htmldate raises assorted errors on odd input; a date is optional
        return None
    return dt.date.fromisoformat(found) if found else None


def _http_date(value: str, today: dt.date) -> dt.date | None:
    """An HTTP date ("Mon, 14 Mar 2011 10:00:00 GMT"), None when it is not one or is in the future."""
    if not value.strip():
        return None
    try:
        date = email.utils.parsedate_to_datetime(value).date()
    except (TypeError, ValueError, IndexError):
        return None
    return date if date.year >= EARLIEST_YEAR and date <= today else None


def _main_text(markup: str, tree: html.HtmlElement | None) -> str:
    """The page's main text (trafilatura: without menus, footers, comments); its visible text when none."""
    import trafilatura  # imported here: it is slow to import and only the weekly audit needs it

    text = None
    if markup.strip():
        try:
            text = trafilatura.extract(markup, options=_extractor())
        except Exception:  # trafilatura fails on assorted odd markup; the visible text will do
            text = None
    if not text and tree is not None:
        text = _visible_text(tree)
    return text or ""


@functools.cache
def _extractor() -> Any:
    """trafilatura's options for the main text: no comments, tables in, no deduplication, fast
    (its own extraction only, see the module docstring; the fingerprint says so: :data:`MAIN_TEXT`).

    Made once: ``trafilatura.extract`` given keywords makes them anew on every call, reading
    its configuration each time (a fifth of the extraction on a page of a few kB); it is
    made to be shared (it copies before changing anything).
    """
    from trafilatura.settings import Extractor

    return Extractor(output_format="txt", comments=False, tables=True, dedup=False, fast=True)


def _sort_key(iso: str) -> tuple[int, ...]:
    return tuple(int(part) for part in iso.split("-"))


def period_end(iso: str) -> dt.date | None:
    """The last day of an ISO date, month (``2014-06``) or year (``2014``)."""
    try:
        parts = _sort_key(iso)
        if len(parts) == 3:
            return dt.date(*parts)
        if len(parts) == 2:
            year, month = parts
            first_of_next = dt.date(year + month // 12, month % 12 + 1, 1)
            return first_of_next - dt.timedelta(days=1)
        return dt.date(parts[0], 12, 31)
    except (ValueError, TypeError):
        return None


def _age(date: dt.date, today: dt.date) -> str:
    years = today.year - date.year - ((today.month, today.day) < (date.month, date.day))
    if years >= 1:
        return f"{years} year{'s' if years != 1 else ''} ago"
    months = (today.year - date.year) * 12 + today.month - date.month - (today.day < date.day)
    if months >= 1:
        return f"{months} month{'s' if months != 1 else ''} ago"
    days = (today - date).days
    return f"{days} day{'s' if days != 1 else ''} ago"
