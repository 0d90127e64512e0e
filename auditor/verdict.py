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
unchecked   not checked by design (phones until issue 5)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum


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

    @property
    def is_healthy(self) -> bool:
        return self in _HEALTHY


_HEALTHY = frozenset({Status.OK, Status.REDIRECTED, Status.MOVED, Status.SHORTENED})

#: Statuses that fail a CI run unless ``--fail-on`` says otherwise.
DEFAULT_FAIL_ON: frozenset[Status] = frozenset({Status.DEAD, Status.SOFT_404, Status.PARKED, Status.ERROR})


@dataclass(frozen=True, slots=True)
class Hop:
    """One answer on the way: the URL asked and the HTTP status it gave."""

    url: str
    status: int


@dataclass(frozen=True, slots=True)
class Finding:
    """Something worth knowing that does not change the status (a missing #fragment)."""

    kind: str
    detail: str = ""


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
    elapsed_ms: int = 0
    checked_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
