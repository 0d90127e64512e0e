"""Archived copies: where the page a dead, soft-404 or parked reference meant can still be read.

Asked the way lychee does: ``GET <archive_url><url>`` (by default the Wayback Machine,
``https://web.archive.org/web/``), no redirect followed, and the answer read as::

    301 302 303 307 308 + Location   the closest snapshot (a relative Location is resolved)
    200                              the address asked is itself the snapshot
    404                              no snapshot
    anything else: 5xx, 429, a timeout, a DNS or connection failure
                                     the archive is unavailable: nothing more is asked, and
                                     one note says so

When a document that writes the reference states its own date (issue 2), the earliest
such date goes into the path, ``<archive_url>20130901/<url>``: the archive then answers
with the snapshot closest to when the link was written (a missing month or day counts
from the start of the period, so the snapshot leans to before it), not with the latest
one, which is often the error page the reference now leads to.

Only web addresses (http, https) whose status is ``dead``, ``soft-404`` or ``parked``
are looked up, once per address however often it is written, after the main checks,
with the run's transport (its resolver, TLS settings and user agent: the fake web in tests
and ``auditor demo``). The first lookup goes alone, then at most
:data:`~auditor.defaults.ARCHIVE_CONCURRENCY` at a time: an archive that is down costs
one request, not one per link. A lookup never fails the run: it changes no status,
does not count towards "network unavailable", and only sets ``Verdict.archive_url``.

Only public addresses are looked up (``public``, the run's connector's judgement): an
address on a private, loopback or link-local host, or on a name that does not resolve to
public addresses (an intranet's), is never sent to the archive, whatever the policy.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from auditor.address import Address
from auditor.check.decide import status_words
from auditor.check.failures import failure_of
from auditor.check.settings import CheckSettings
from auditor.check.transport import Transport, TransportError, Trouble
from auditor.defaults import ARCHIVE_CONCURRENCY, ARCHIVE_TIMEOUT
from auditor.extract import Extraction
from auditor.extract.dates import DocumentDate
from auditor.reference import Url

if TYPE_CHECKING:
    from auditor.verdict import Checked

#: Answers whose Location is the snapshot.
SNAPSHOT_REDIRECTS = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True, slots=True)
class ArchiveLookups:
    """The results with ``archive_url`` set where a snapshot was found; ``note`` when the
    archive stopped answering (a warning, not a failure); ``requests`` sent to it."""

    results: tuple[Checked, ...]
    note: str | None
    requests: int


class _Unavailable(Exception):
    """The archive did not give a usable answer: stop asking it."""


async def archived_copies(
    transport: Transport,
    settings: CheckSettings,
    results: Sequence[Checked],
    extraction: Extraction,
    *,
    public: Callable[[str], Awaitable[bool]] | None = None,
) -> ArchiveLookups:
    """Ask ``settings.archive_url`` for a snapshot of each dead, soft-404 or parked web address.

    ``extraction`` gives the documents' dates (``SourceInfo.document_date``, by the
    ``Location.source`` that names them). Never raises for what the archive does.
    """
    archive = settings.archive_url
    if archive is None:
        return ArchiveLookups(tuple(results), None, 0)
    wanted = _addresses(results, {info.name: info.document_date for info in extraction.sources})
    if public is not None:
        hosts = {urlsplit(address).hostname or "" for address in wanted}
        verdicts = await asyncio.gather(*(public(host) for host in hosts))
        private = {host for host, ok in zip(hosts, verdicts, strict=True) if not ok}
        wanted = {a: d for a, d in wanted.items() if (urlsplit(a).hostname or "") not in private}
    if not wanted:
        return ArchiveLookups(tuple(results), None, 0)
    asker = _Asker(transport, settings)
    found: dict[str, str] = {}
    problem: str | None = None
    answered = 0

    async def lookup(address: str, date: DocumentDate | None) -> None:
        nonlocal problem, answered
        try:
            snapshot = await asker.ask(_request_url(archive, address, date))
        except _Unavailable as exc:
            problem = problem or str(exc)
            return
        answered += 1
        if snapshot is not None:
            found[address] = snapshot

    pending = iter(wanted.items())

    async def worker() -> None:
        for address, date in pending:
            if problem is not None:
                return  # the archive is down: what is left is not asked
            await lookup(address, date)

    # The first alone: when the archive is down, that one request is all it costs.
    await lookup(*next(pending))
    if problem is None:
        await asyncio.gather(*(worker() for _ in range(min(ARCHIVE_CONCURRENCY, len(wanted) - 1))))
    snapshots = {Address.of(address): snapshot for address, snapshot in found.items()}
    updated = tuple(_with_snapshot(item, snapshots) for item in results)
    return ArchiveLookups(updated, _note(archive, problem, answered, len(wanted)), asker.requests)


def _note(archive: str, problem: str | None, answered: int, wanted: int) -> str | None:
    """The warning when the archive stopped answering; None when it answered every lookup."""
    if problem is None:
        return None
    where = urlsplit(archive).hostname or archive
    what = f"only {answered} of {wanted} addresses looked up" if answered else "no archived copies suggested"
    return (
        f"the archive at {where} did not answer ({problem}); {what} "
        "\u2014 try again later, or stop asking with --no-archive (checks.archive_url: null)"
    )


class _Asker:
    """One archive, asked with the run's transport: a short timeout, our user agent, no redirect."""

    def __init__(self, transport: Transport, settings: CheckSettings) -> None:
        self.transport = transport
        self.timeout = min(settings.timeout, ARCHIVE_TIMEOUT)
        # Only the user agent: headers given for the checked sites (--header) may be
        # credentials, and they are not the archive's business.
        self.headers = {"User-Agent": settings.user_agent}
        self.requests = 0

    async def ask(self, url: str) -> str | None:
        """The snapshot the archive names for ``url``, or None; _Unavailable when it cannot say."""
        self.requests += 1
        try:
            answer = await self.transport.request("GET", url, self.headers, max_bytes=0, timeout=self.timeout)
        except TransportError as exc:
            if exc.kind is Trouble.INVALID_URL:
                return None  # this address cannot be put in a request; the archive is not at fault
            raise _Unavailable(self._words(exc)) from None
        status, location = answer.status, answer.headers.get("location")
        if status in SNAPSHOT_REDIRECTS and location:
            return urljoin(url, location)
        if status == 200:
            return url
        if status == 404:
            return None
        raise _Unavailable(status_words(status))

    def _words(self, exc: TransportError) -> str:
        if exc.kind is Trouble.TIMEOUT:
            return f"no answer in {self.timeout:g} s"
        return failure_of(exc, timeout=self.timeout).reason


def _addresses(results: Sequence[Checked], dates: Mapping[str, DocumentDate | None]) -> dict[str, DocumentDate | None]:
    """Each address to look up (no #fragment), in order, with the earliest date of a document writing it.

    One lookup per :class:`~auditor.address.Address`, however it is written; the archive is
    asked for the first form written (its snapshots are indexed by what was linked)."""
    wanted: dict[str, DocumentDate | None] = {}
    first: dict[Address, str] = {}
    for item in results:
        target = item.reference.target
        if not item.verdict.status.is_gone or not isinstance(target, Url):
            continue
        if not (key := Address.of(target.url)).is_web:
            continue  # a missing local file has no archived copy
        address = first.setdefault(key, target.url.split("#", 1)[0])
        dated = [d for loc in item.reference.locations if (d := dates.get(loc.source)) is not None]
        if (earlier := wanted.get(address)) is not None:
            dated.append(earlier)  # the same address, written with another #fragment
        wanted[address] = min(dated, key=DocumentDate.sort_key, default=None)
    return wanted


def _request_url(archive: str, address: str, date: DocumentDate | None) -> str:
    """``<archive><address>``, or ``<archive><YYYYMMDD>/<address>`` to ask for the snapshot nearest a date."""
    if date is None:
        return f"{archive}{address}"
    return f"{archive}{timestamp(date)}/{address}"


def timestamp(date: DocumentDate) -> str:
    """The Wayback timestamp of a document's date: ``20130901`` for September 2013 (its first day)."""
    return f"{date.year:04d}{date.month or 1:02d}{date.day or 1:02d}"


def _with_snapshot(item: Checked, found: Mapping[Address, str]) -> Checked:
    target = item.reference.target
    if not item.verdict.status.is_gone or not isinstance(target, Url):
        return item
    snapshot = found.get(Address.of(target.url))
    if snapshot is None:
        return item
    return replace(item, verdict=replace(item.verdict, archive_url=snapshot))
