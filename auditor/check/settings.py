"""How checking behaves: one frozen object built once from flags and targets.yaml."""

from __future__ import annotations

import re
from dataclasses import dataclass

from auditor import defaults
from auditor.check.accept import Accept
from auditor.check.fragment_policy import DEFAULT_POLICY, FragmentPolicy
from auditor.check.headers import Header, as_headers
from auditor.check.remap import Remap


@dataclass(frozen=True, slots=True)
class CheckSettings:
    timeout: float = defaults.DEFAULT_TIMEOUT
    retries: int = defaults.DEFAULT_RETRIES
    max_concurrency: int = defaults.DEFAULT_MAX_CONCURRENCY
    host_concurrency: int = defaults.DEFAULT_HOST_CONCURRENCY
    host_request_interval: float = defaults.DEFAULT_HOST_REQUEST_INTERVAL
    max_redirects: int = defaults.DEFAULT_MAX_REDIRECTS
    max_body: int = defaults.DEFAULT_MAX_BODY
    user_agent: str = defaults.DEFAULT_USER_AGENT
    headers: tuple[Header | tuple[str, str], ...] = ()  # plain pairs go to every host (auditor.check.headers)
    include: tuple[re.Pattern[str], ...] = ()
    exclude: tuple[re.Pattern[str], ...] = ()
    insecure: bool = False
    probe_soft_404: bool = True  # ask each host for a made-up page once, to recognise its error page
    stale_after_days: int | None = None  # a page dated earlier than this many days ago is stale; None: never
    page_facts: bool = False  # read each page's title, date and main-text fingerprint (the weekly audit)
    archive_url: str | None = defaults.DEFAULT_ARCHIVE_URL  # where archived copies are asked for; None: never
    offline_ok: bool = False  # being offline is no failure (a pre-commit hook on a train): exit 0, not 3
    # Asked whether the network is up when every checked host failed (check/outage.py).
    outage_witnesses: tuple[str, ...] = defaults.DEFAULT_OUTAGE_WITNESSES
    accept: Accept | None = None  # the statuses that mean "the page is there"; None: 2xx (see check/accept.py)
    fragments: FragmentPolicy = DEFAULT_POLICY  # what a missing #fragment means
    remap: tuple[Remap, ...] = ()  # URLs rewritten before they are checked (--remap), first match wins
    # Network safety (auditor.check.addresses): lychee's flags; all three by default in CI
    # or for remote inputs, unless allow_private.
    exclude_private: bool = False
    exclude_loopback: bool = False
    exclude_link_local: bool = False
    exclude_all_private: bool = False
    allow_private: bool = False
    cookie_jar: str | None = None  # a Netscape cookies.txt, loaded at the start and saved at the end
    # Bounded by design: a robots.txt Crawl-delay above this is cut to it;
    # after max_duration seconds (None: no limit) what is left is reported unchecked.
    max_crawl_delay: float = defaults.DEFAULT_MAX_CRAWL_DELAY
    max_duration: float | None = None
    transport: str = "auto"  # the HTTP stack: auto (curl when pycurl is importable), curl, aiohttp (check/transport)

    def __post_init__(self) -> None:
        object.__setattr__(self, "headers", as_headers(self.headers))  # (name, value) pairs: every host


_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s)?\s*$")


def parse_duration(text: str) -> float:
    """``0``, ``50ms``, ``1s``, ``1.5`` (seconds) -> seconds; ValueError otherwise."""
    m = _DURATION.match(text)
    if not m:
        raise ValueError(f"not a duration: {text!r} (write 0, 50ms or 1s)")
    value = float(m.group(1))
    return value / 1000 if m.group(2) == "ms" else value


def parse_time_limit(text: str) -> float:
    """``90``, ``90s``, ``10m``, ``1h``, ``500ms`` -> seconds: a duration (:func:`parse_duration`)
    or an age-style one (:func:`parse_age`); ValueError otherwise."""
    try:
        return parse_duration(text)
    except ValueError:
        pass
    try:
        return parse_age(text)
    except ValueError:
        raise ValueError(f"not a duration: {text!r} (write 90s, 10m or 1h)") from None


_AGE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d|w)?\s*$")
_AGE_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800}


def parse_age(text: str) -> float:
    """``1d``, ``12h``, ``30m``, ``2w``, ``3600`` (seconds) -> seconds; ValueError otherwise."""
    m = _AGE.match(text)
    if not m:
        raise ValueError(f"not an age: {text!r} (write 1d, 12h, 30m, 2w or seconds)")
    return float(m.group(1)) * _AGE_UNITS[m.group(2) or "s"]
