"""The cross-run cache: a healthy result younger than ``max_age`` is reused without a request.

Like lychee's ``--cache`` (and unlike LinkChecker, which has none), with two rules:

- **failures are never cached**: a dead, failing or blocked address is asked again every
  run (and a cached address that fails is forgotten), so a fix is seen at once;
- **older results are revalidated, not thrown away**: the next request carries
  ``If-None-Match`` / ``If-Modified-Since`` from the stored answer, and a ``304 Not
  Modified`` keeps the stored verdict (and the page's fingerprint) for another
  ``max_age``. Validators go only to an address that answered without a redirect: they
  belong to the page that sent them.

A crawled page is cached with what it held (its document, references and links), so a
warm crawl neither fetches nor re-reads it. Results are read from and written to the
history file (:meth:`auditor.history.History.cached_checks`, ``save_cache``): loaded
once at the start of a run, written in one transaction at its end. A reused verdict is
marked ``cached``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import orjson

from auditor.address import Address
from auditor.extract import SourceInfo
from auditor.extract.dates import DocumentDate
from auditor.history import History, StoredCheck
from auditor.reference import Email, Form, Invalid, Kind, Location, Phone, Reference, Target, Url, markup
from auditor.sources import Format
from auditor.verdict import Finding, FindingKind, Hop, PageFacts, Status, Verdict

#: A cache entry not refreshed for this long is dropped (it would only be revalidated).
FORGET_AFTER = dt.timedelta(days=90)


def check_key(address: str, schemeless: bool) -> str:
    """The key of a checked address (:attr:`auditor.address.Address.check_key`, the string the
    SQLite table holds): typed without a scheme, it may have ended on http://."""
    return Address.of(address, schemeless=schemeless).check_key


@dataclass(frozen=True, slots=True)
class Hit:
    """A stored result: ``fresh`` ones are used as they are; the others may be revalidated."""

    verdict: Verdict
    checked_at: dt.datetime
    fresh: bool
    etag: str | None
    last_modified: str | None
    anchors: frozenset[str] | None

    def conditional_headers(self) -> dict[str, str]:
        """The headers that ask "has it changed?", when the answer came without a redirect."""
        if self.verdict.redirects:
            return {}
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


@dataclass(frozen=True, slots=True)
class PageContent:
    """What a crawled page held: its document, its references and the links the crawl follows."""

    url: str  # where the page ended up (relative links were resolved against it)
    info: SourceInfo
    references: tuple[Reference, ...]
    links: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CachePart:
    """Some stored results, sent with a shard to a cluster worker: :meth:`open` there."""

    stored: Mapping[str, StoredCheck]
    max_age: dt.timedelta
    now: dt.datetime

    def open(self) -> CheckCache:
        """A cache over these results that is never saved: :meth:`CheckCache.learnt` says what it learnt."""
        return CheckCache(self.stored, max_age=self.max_age, now=self.now, history=None)


@dataclass(frozen=True, slots=True)
class Learnt:
    """What a check elsewhere learnt: results to store, and keys to forget (they failed)."""

    checks: tuple[StoredCheck, ...]
    forget: frozenset[str]


class CheckCache:
    """One run's view of the cache: the stored results, and what this run learnt.

    ``now`` is the run's start; ``max_age`` how old a result may be and still be used
    without a request. Nothing is written until :meth:`save`.
    """

    def __init__(
        self,
        stored: Mapping[str, StoredCheck],
        *,
        max_age: dt.timedelta,
        now: dt.datetime,
        history: History | None,
    ) -> None:
        self.max_age = max_age
        self.now = now
        self._stored = dict(stored)
        self._history = history
        self._checks: dict[str, StoredCheck] = {}
        self._pages: dict[str, bytes] = {}
        self._loaded: dict[str, bytes] = {}  # pages read from the store this run, as stored
        self._forget: set[str] = set()

    @classmethod
    async def load(cls, history: History, *, max_age: dt.timedelta, now: dt.datetime) -> CheckCache:
        stored = await asyncio.to_thread(history.cached_checks)
        return cls(stored, max_age=max_age, now=now, history=history)

    def lookup(self, key: str) -> Hit | None:
        row = self._stored.get(key)
        if row is None:
            return None
        try:
            verdict = verdict_from_json(row.verdict)
            anchors = frozenset(orjson.loads(row.anchors)) if row.anchors is not None else None
        except (ValueError, KeyError, TypeError):  # written by another version: ask again
            return None
        fresh = self.now - row.checked_at <= self.max_age
        return Hit(verdict, row.checked_at, fresh, row.etag, row.last_modified, anchors)

    def keep(
        self,
        key: str,
        verdict: Verdict,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        anchors: frozenset[str] | None = None,
        checked_at: dt.datetime | None = None,
    ) -> None:
        """Remember a result of this run: a healthy one is stored, any other forgets the key."""
        if not verdict.status.cacheable:  # a result that may change by itself next run (a failure) is not kept
            self._forget.add(key)
            self._checks.pop(key, None)
            return
        anchors_json = orjson.dumps(sorted(anchors)).decode() if anchors is not None else None
        at = checked_at or self.now
        self._checks[key] = StoredCheck(key, at, verdict_to_json(verdict), etag, last_modified, anchors_json)
        self._forget.discard(key)

    def part(self, keys: Iterable[str]) -> CachePart:
        """The stored results of ``keys``, for a check elsewhere (a cluster's shard)."""
        stored = self._stored
        return CachePart({key: stored[key] for key in keys if key in stored}, self.max_age, self.now)

    def learnt(self) -> Learnt:
        """What this run learnt (:meth:`keep`), to be saved by the cache it came from."""
        return Learnt(tuple(self._checks.values()), frozenset(self._forget))

    def absorb(self, learnt: Learnt) -> None:
        """Take what a check elsewhere learnt (:meth:`learnt` of a :meth:`part`'s cache)."""
        for row in learnt.checks:
            self._checks[row.key] = row
            self._forget.discard(row.key)
        for key in learnt.forget:
            self._checks.pop(key, None)
            self._forget.add(key)

    async def page(self, key: str) -> PageContent | None:
        if self._history is None:  # a part sent to a cluster worker: no pages stored there
            return None
        data = await asyncio.to_thread(self._history.cached_page, key)
        if data is None:
            return None
        try:
            content = await asyncio.to_thread(_page_from_bytes, data)
        except (ValueError, KeyError, TypeError, zlib.error):
            return None
        self._loaded[key] = data
        return content

    def refresh_page(self, key: str) -> None:
        """Keep a page read from the store (reused this run) for another max-age, as stored."""
        data = self._loaded.pop(key, None)
        if data is not None:
            self._pages[key] = data

    def keep_page(self, key: str, content: PageContent) -> None:
        self._pages[key] = _page_to_bytes(content)

    def forget_page(self, key: str) -> None:
        self._pages.pop(key, None)
        self._forget.add(key)

    async def save(self) -> None:
        """Write what this run learnt, in one transaction (in a worker thread)."""
        assert self._history is not None, "a part's cache is not saved: its learnt() goes back"
        pages = [(key, self.now, data) for key, data in self._pages.items()]
        await asyncio.to_thread(
            self._history.save_cache,
            list(self._checks.values()),
            pages,
            sorted(self._forget - self._checks.keys() - self._pages.keys()),
            older_than=self.now - max(FORGET_AFTER, self.max_age),
        )


def mark_cached(verdict: Verdict, checked_at: dt.datetime) -> Verdict:
    return replace(verdict, cached=True, checked_at=checked_at, elapsed_ms=0)


# -- JSON codecs: the cache's own shape, close to the report's ------------------------------


def verdict_to_json(verdict: Verdict) -> str:
    page = verdict.page
    data: dict[str, Any] = {
        "status": verdict.status.value,
        "reason": verdict.reason,
        "http_status": verdict.http_status,
        "final_url": verdict.final_url,
        "redirects": [[hop.url, hop.status] for hop in verdict.redirects],
        "suggestion": verdict.suggestion,
        "domain_changed": verdict.domain_changed,
        "findings": [[f.kind.value, f.detail, f.date, f.similarity] for f in verdict.findings],
        "page": None
        if page is None
        else [page.title, page.date, page.date_source, page.fingerprint, page.etag, page.last_modified, page.digest],
        "checked_at": verdict.checked_at.isoformat(),
    }
    return orjson.dumps(data).decode()


def verdict_from_json(text: str) -> Verdict:
    data = orjson.loads(text)
    page = data["page"]
    return Verdict(
        status=Status(data["status"]),
        reason=data["reason"],
        http_status=data["http_status"],
        final_url=data["final_url"],
        redirects=tuple(Hop(url, status) for url, status in data["redirects"]),
        suggestion=data["suggestion"],
        domain_changed=data["domain_changed"],
        findings=tuple(Finding(FindingKind(k), d, date, sim) for k, d, date, sim in data["findings"]),
        page=None if page is None else PageFacts(*page),  # 6 fields (no digest) when stored by an older auditor
        checked_at=dt.datetime.fromisoformat(data["checked_at"]),
    )


def _target_to_list(target: Target) -> list[str]:
    if isinstance(target, Url):
        return ["url", target.url]
    if isinstance(target, Email):
        return ["email", target.address]
    if isinstance(target, Invalid):
        return ["invalid", target.kind.value, target.written, target.reason]
    return ["phone", target.e164, target.national, target.region]


def _target_from_list(data: list[str]) -> Target:
    kind, *rest = data
    if kind == "url":
        return Url(rest[0])
    if kind == "email":
        return Email(rest[0])
    if kind == "invalid":
        return Invalid(Kind(rest[0]), rest[1], rest[2])
    return Phone(rest[0], rest[1], rest[2])


def _location_to_list(loc: Location) -> list[Any]:
    fields: list[Any] = [loc.source, loc.line, loc.column, loc.context, loc.text, loc.block]
    if loc.start is None or loc.form is None:
        return fields
    how = loc.markup
    return [*fields, loc.start, loc.length, loc.form.value, *((how.element, how.attribute, how.quote) if how else ())]


def _location_from_list(data: list[Any]) -> Location:
    """A location as :func:`_location_to_list` wrote it (six fields before spans were kept)."""
    if len(data) <= 6:
        return Location(*data)
    how = markup(*data[9:12]) if len(data) >= 12 else None
    source, line, column, context, text, block = data[:6]
    return Location(source, line, column, context, text, block, data[6], data[7], Form(data[8]), how)


def _references_to_list(references: Iterable[Reference]) -> list[Any]:
    return [
        [
            _target_to_list(ref.target),
            ref.text,
            [_location_to_list(loc) for loc in ref.locations],
        ]
        for ref in references
    ]


def _page_to_bytes(content: PageContent) -> bytes:
    date = content.info.document_date
    data = {
        "url": content.url,
        "info": [
            content.info.name,
            content.info.format.value,
            None if date is None else [date.year, date.month, date.day],
            content.info.url,
        ],
        "references": _references_to_list(content.references),
        "links": list(content.links),
    }
    return zlib.compress(orjson.dumps(data), 6)


def _page_from_bytes(data: bytes) -> PageContent:
    doc = orjson.loads(zlib.decompress(data))
    name, fmt, date, url = doc["info"]
    info = SourceInfo(name, Format(fmt), None if date is None else DocumentDate(*date), url)
    references = tuple(
        Reference(_target_from_list(target), text, tuple(_location_from_list(loc) for loc in locations))
        for target, text, locations in doc["references"]
    )
    return PageContent(doc["url"], info, references, tuple(doc["links"]))
