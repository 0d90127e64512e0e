"""When to try a request again, and how long to wait first.

Timeouts, broken connections, 5xx, 408 and 429 are retried with exponential backoff
and full jitter; ``Retry-After`` (seconds or an HTTP date, capped at 60 s) wins when
the server gives it. A definitive answer (404, 410, NXDOMAIN) is never retried.
"""

from __future__ import annotations

import datetime as dt
import random
from email.utils import parsedate_to_datetime

MAX_RETRY_AFTER = 60.0
_BASE = 0.5
_CAP = 8.0


def retryable_status(status: int) -> bool:
    return status in (408, 429) or 500 <= status <= 599


def backoff(attempt: int, rng: random.Random | None = None) -> float:
    """Seconds to wait before retry number ``attempt`` (1, 2, ...): full jitter."""
    ceiling = min(_CAP, _BASE * 2 ** (attempt - 1))
    return (rng or random).uniform(0, ceiling)


def retry_after(value: str | None, now: dt.datetime | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks for, capped; None if absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), MAX_RETRY_AFTER)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    seconds = (when - (now or dt.datetime.now(dt.UTC))).total_seconds()
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)
