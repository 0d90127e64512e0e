"""What checking a reference concluded: a closed set of statuses and a typed verdict.

ok          a healthy 2xx page, no redirect (a trailing slash added or removed is none)
redirected  healthy, reached only through temporary redirects (302, 303, 307)
moved       healthy, through at least one permanent redirect (301, 308); suggestion = final URL
shortened   a URL shortener whose destination is healthy; suggestion = the destination
dead        404, 410, other 4xx but 401/403/407/429; NXDOMAIN; connection refused
soft-404    a 2xx whose content is an error page, or a deep link redirected home
parked      a parking or for-sale page
blocked     401, 407, a bot challenge, 429 after retries: could not verify
error       a fault after retries: timeout, 5xx, TLS, redirect loop, malformed answer
skipped     excluded by configuration, or a scheme that is not checked
unchecked   could not verify (the reason says why): a phone with no organisation page to look on,
            or a link the network outage left unreached
confirmed   a phone listed on its organisation's pages (``listed_on``)
unconfirmed a phone absent from its organisation's pages (``found``: the numbers they list)
invalid     a phone number that is not a valid number, or a malformed link (``http://[::1``,
            ``mailto:`` without an address, ``tel:`` without a number): never requested
missing-fragment  the page or file is there, but not the anchor its #fragment names
            (only with ``--include-fragments`` / ``checks.fragments: fail``; otherwise
            a ``missing-fragment`` finding on a healthy status)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from auditor.reference import Reference


class Status(StrEnum):
    OK = "ok"
    REDIRECTED = "redirected"
    MOVED = "moved"
    SHORTENED = "shortened"
    DEAD = "dead"
    SOFT_404 = "soft-404"
    PARKED = "parked"
    BLOCKED = "blocked"
    ERROR = "error"
    SKIPPED = "skipped"
    UNCHECKED = "unchecked"
    CONFIRMED = "confirmed"
    UNCONFIRMED = "unconfirmed"
    INVALID = "invalid"
    MISSING_FRAGMENT = "missing-fragment"

    @property
    def is_healthy(self) -> bool:
        return self in _HEALTHY


_HEALTHY = frozenset({Status.OK, Status.REDIRECTED, Status.MOVED, Status.SHORTENED, Status.CONFIRMED})

#: Statuses that fail a CI run unless ``--fail-on`` says otherwise.
DEFAULT_FAIL_ON: frozenset[Status] = frozenset(
    {Status.DEAD, Status.SOFT_404, Status.PARKED, Status.ERROR, Status.INVALID}
)


@dataclass(frozen=True, slots=True)
class Hop:
    """One answer on the way: the URL asked and the HTTP status it gave."""

    url: str
    status: int


class FindingKind(StrEnum):
    MISSING_FRAGMENT = "missing-fragment"
    STALE = "stale"  # the page's own date is older than checks.stale_after_days
    CONTENT_CHANGED = "content-changed"  # main text changed beyond the threshold since the last run
    TITLE_CHANGED = "title-changed"
    EXPECTED_TEXT_MISSING = "expected-text-missing"  # an organisation's page no longer names it


@dataclass(frozen=True, slots=True)
class Finding:
    """Something worth knowing that does not change the status (a missing #fragment, a stale page).

    ``date`` (ISO) for ``stale``, ``similarity`` (0..1) for ``content-changed``;
    ``detail`` says the rest in words.
    """

    kind: FindingKind
    detail: str = ""
    date: str | None = None
    similarity: float | None = None


@dataclass(frozen=True, slots=True)
class PageFacts:
    """What the final page of a healthy URL says about itself, kept in history across runs.

    ``date`` is the page's own last-modified or reviewed date (ISO), ``date_source``
    where it was read (``last-modified``, ``meta``, ``json-ld``, ``text``);
    ``fingerprint`` a similarity hash of its main text; ``etag`` and
    ``last_modified`` for conditional requests on the next run.
    """

    title: str | None = None
    date: str | None = None
    date_source: str | None = None
    fingerprint: str | None = None
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True, slots=True)
class Verdict:
    status: Status
    reason: str
    http_status: int | None = None
    final_url: str | None = None
    redirects: tuple[Hop, ...] = ()
    suggestion: str | None = None
    domain_changed: bool = False
    findings: tuple[Finding, ...] = ()
    page: PageFacts | None = None
    listed_on: str | None = None  # phones: the page that lists the number
    found: tuple[str, ...] = ()  # phones: the E.164 numbers the organisation's pages list instead
    elapsed_ms: int = 0
    cached: bool = False  # reused from the cross-run cache (or kept after a 304), not asked this run
    archive_url: str | None = None  # dead, soft-404, parked: an archived copy to point to (Wayback snapshot)
    remapped: str | None = None  # the address checked instead of the one written (--remap)
    checked_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))


# -- a run's results (moved here from check/engine.py: reports read them without the HTTP code) --

#: The reason a reference left unreached by a network outage is given ("could not verify").
NETWORK_UNAVAILABLE = (
    "could not verify: the network is unavailable, no host could be reached"
    " (check the connection, or try `auditor demo`)"
)


@dataclass(frozen=True, slots=True)
class Checked:
    """One reference, as written, with its verdict."""

    reference: Reference
    verdict: Verdict


@dataclass(frozen=True, slots=True, repr=False)
class CheckRun:
    """A run's verdicts, in the order of the references, and what the run itself met."""

    results: tuple[Checked, ...]
    network_unavailable: bool
    requests: int
    elapsed_ms: int
    cached: int = 0  # results reused from the cross-run cache (or kept after a 304)
    notes: tuple[str, ...] = ()  # warnings about the run itself (the archive did not answer), not about a reference

    def unreached(self, item: Checked) -> bool:
        """Whether ``item`` is unchecked only because the network was down: no verdict on it."""
        return (
            self.network_unavailable
            and item.verdict.status is Status.UNCHECKED
            and item.verdict.reason == NETWORK_UNAVAILABLE
        )

    def reached(self) -> tuple[Checked, ...]:
        """The results that are verdicts: all of them, but those the network outage left unchecked."""
        return tuple(item for item in self.results if not self.unreached(item))

    def __repr__(self) -> str:
        # Short: asyncio.run() formats the result of its main task when it ends.
        return f"CheckRun(<{len(self.results)} results>, requests={self.requests}, elapsed_ms={self.elapsed_ms})"
