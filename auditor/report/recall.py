"""What the history adds to a report: each reference's past, the run's changes, stale documents."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from auditor.extract import SourceInfo
from auditor.history import Comparison, Memory


@dataclass(frozen=True, slots=True)
class HistoryContext:
    memories: Mapping[str, Memory]  # by auditor.history.reference_key
    new_broken: frozenset[str]
    fixed: frozenset[str]
    still_broken: frozenset[str]
    previous_run: dt.datetime | None
    stale_after_days: int
    today: dt.date

    @classmethod
    def of(cls, comparison: Comparison, stale_after_days: int, today: dt.date) -> HistoryContext:
        return cls(
            memories=comparison.memories,
            new_broken=frozenset(comparison.new_broken),
            fixed=frozenset(comparison.fixed),
            still_broken=frozenset(comparison.still_broken),
            previous_run=comparison.previous.started_at if comparison.previous else None,
            stale_after_days=stale_after_days,
            today=today,
        )

    def is_stale(self, info: SourceInfo) -> bool:
        """The document's own date is older than ``stale_after_days`` (a year or month counts from its end)."""
        date = info.document_date
        if date is None:
            return False
        month = date.month or 12
        day = date.day or calendar.monthrange(date.year, month)[1]
        return (self.today - dt.date(date.year, month, day)).days > self.stale_after_days
