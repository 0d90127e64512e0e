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
confirmed   a phone listed on its organisation's pages (``phone.listed_on``)
unconfirmed a phone absent from its organisation's pages (``phone.found``: the numbers they list)
invalid     a phone number that is not a valid number, or a malformed link (``http://[::1``,
            ``mailto:`` without an address, ``tel:`` without a number): never requested
missing-fragment  the page or file is there, but not the anchor its #fragment names
            (only with ``--include-fragments`` / ``checks.fragments: fail``; otherwise
            a ``missing-fragment`` finding on a healthy status)

What each status means (its severity, whether it fails by default, suggests a rewrite,
may be cached, ...) is a property of :class:`Status`, read from one table here
(``_TRAITS``): reports keep only their words for it. Why a verdict is not about its
target (an outage) is :class:`Cause`, never the reason's words; what only a phone's
verdict knows is :class:`PhoneFacts`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from auditor.reference import Reference


class Status(StrEnum):
    """A closed set of outcomes; what each one means (fails? suggests a rewrite? cacheable?)
    is a property here, read from :data:`_TRAITS`, so no module keeps its own set of them."""

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
    def severity(self) -> Severity:
        """How it reads in every report (colour, tone, SARIF level), whatever ``--fail-on`` says."""
        return _TRAITS[self].severity

    @property
    def urgency(self) -> int:
        """Its rank when statuses are listed most urgent first (0 is the most urgent)."""
        return _URGENCY[self]

    @property
    def is_healthy(self) -> bool:
        """The target works (an address answers 2xx, a phone is listed): pages are read, anchors looked for."""
        return _TRAITS[self].healthy

    @property
    def fails_by_default(self) -> bool:
        """Fails a CI run unless ``--fail-on`` / ``checks.fail_on`` says otherwise."""
        return _TRAITS[self].fails_by_default

    @property
    def suggests_rewrite(self) -> bool:
        """Works, but the address written should be replaced by ``Verdict.suggestion`` (``auditor fix``)."""
        return _TRAITS[self].suggests_rewrite

    @property
    def via_redirect(self) -> bool:
        """Works, but through a redirect: the address written is not the one that answers."""
        return _TRAITS[self].via_redirect

    @property
    def cacheable(self) -> bool:
        """May be reused from the cross-run cache (a healthy URL; failures are always asked again)."""
        return _TRAITS[self].cacheable

    @property
    def is_gone(self) -> bool:
        """The content is gone (dead, soft-404, parked): an archived copy may stand in for it."""
        return _TRAITS[self].gone

    @property
    def is_transient(self) -> bool:
        """May be gone on the next try: with a history it fails only once it repeats (``confirm_after``)."""
        return _TRAITS[self].transient

    @property
    def is_judged(self) -> bool:
        """The check reached a verdict on the target (false: blocked, skipped, unchecked)."""
        return _TRAITS[self].judged

    @property
    def needs_a_person(self) -> bool:
        """Worth a person's look even when ``--fail-on`` lets it pass (severity warning or note)."""
        return _TRAITS[self].severity in (Severity.WARNING, Severity.NOTE)


class Severity(StrEnum):
    """How bad a status reads, most severe first; each report words it (a colour, a CSS tone, a SARIF level)."""

    FAILURE = "failure"  # broken: the reader gets nowhere
    WARNING = "warning"  # works or is written wrong, but should be changed by hand or by ``fix``
    NOTE = "note"  # could not be verified: a person should open it
    PASS = "pass"  # works
    NONE = "none"  # not checked at all


@dataclass(frozen=True, slots=True)
class _Traits:
    severity: Severity
    healthy: bool = False
    fails_by_default: bool = False
    suggests_rewrite: bool = False
    via_redirect: bool = False
    cacheable: bool = False
    gone: bool = False
    transient: bool = False
    judged: bool = True


_F, _W, _N, _P, _0 = Severity.FAILURE, Severity.WARNING, Severity.NOTE, Severity.PASS, Severity.NONE
#: Every status's traits, most urgent first (that order is :attr:`Status.urgency`).
_TRAITS: dict[Status, _Traits] = {
    Status.DEAD: _Traits(_F, fails_by_default=True, gone=True),
    Status.SOFT_404: _Traits(_F, fails_by_default=True, gone=True),
    Status.PARKED: _Traits(_F, fails_by_default=True, gone=True),
    Status.ERROR: _Traits(_F, fails_by_default=True, transient=True),
    # Only under checks.fragments: fail, which adds it to --fail-on.
    Status.MISSING_FRAGMENT: _Traits(_F),
    Status.MOVED: _Traits(_W, healthy=True, suggests_rewrite=True, via_redirect=True, cacheable=True),
    Status.SHORTENED: _Traits(_W, healthy=True, suggests_rewrite=True, via_redirect=True, cacheable=True),
    Status.INVALID: _Traits(_W, fails_by_default=True),
    Status.UNCONFIRMED: _Traits(_W),
    Status.BLOCKED: _Traits(_N, judged=False),
    Status.REDIRECTED: _Traits(_P, healthy=True, via_redirect=True, cacheable=True),
    Status.OK: _Traits(_P, healthy=True, cacheable=True),
    # A phone's confirmation rests on its organisation's pages, which are read afresh each run.
    Status.CONFIRMED: _Traits(_P, healthy=True),
    Status.SKIPPED: _Traits(_0, judged=False),
    Status.UNCHECKED: _Traits(_0, judged=False),
}
_URGENCY: dict[Status, int] = {status: rank for rank, status in enumerate(_TRAITS)}
assert set(_TRAITS) == set(Status), "every status has its traits"

#: Statuses that fail a CI run unless ``--fail-on`` says otherwise.
DEFAULT_FAIL_ON: frozenset[Status] = frozenset(s for s in Status if s.fails_by_default)


class Cause(StrEnum):
    """Why a verdict is what it is, when that is not about the target itself: reports and the
    exit code test this, never the reason's words."""

    OUTAGE = "outage"  # the network was unavailable: no host could be reached (status unchecked)
    DEADLINE = "deadline"  # --max-duration ran out before the check (status unchecked)
    UNPLACED = "unplaced"  # a root-relative link with no --root-dir / --base-url to place it (unchecked)


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
    ``last_modified`` for conditional requests on the next run; ``digest`` a hash of the
    answer's body (and Content-Type) these facts were read from: the same body next run
    is not read again (:func:`auditor.check.freshness.reread`).
    """

    title: str | None = None
    date: str | None = None
    date_source: str | None = None
    fingerprint: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    digest: str | None = None


@dataclass(frozen=True, slots=True)
class PhoneFacts:
    """What a phone number's organisation pages said: only a phone's verdict carries it.

    ``listed_on`` the page that lists the number (confirmed); ``found`` the E.164 numbers
    the organisation's pages list instead (unconfirmed).
    """

    listed_on: str | None = None
    found: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Verdict:
    """What checking one reference concluded: the status, the reason in words, and the facts
    behind it; ``cause`` says why when it is not about the target (an outage, the time limit),
    ``phone`` what only a phone's verdict knows."""

    status: Status
    reason: str
    http_status: int | None = None
    final_url: str | None = None
    redirects: tuple[Hop, ...] = ()
    suggestion: str | None = None
    domain_changed: bool = False
    findings: tuple[Finding, ...] = ()
    page: PageFacts | None = None
    phone: PhoneFacts | None = None  # phones: where the number is listed, or what is listed instead
    cause: Cause | None = None  # why, when it is not about the target (an outage, the deadline)
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
        return self.network_unavailable and item.verdict.cause is Cause.OUTAGE

    def reached(self) -> tuple[Checked, ...]:
        """The results that are verdicts: all of them, but those the network outage left unchecked."""
        return tuple(item for item in self.results if not self.unreached(item))

    def __repr__(self) -> str:
        # Short: asyncio.run() formats the result of its main task when it ends.
        return f"CheckRun(<{len(self.results)} results>, requests={self.requests}, elapsed_ms={self.elapsed_ms})"
