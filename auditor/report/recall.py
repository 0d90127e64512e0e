"""What the history adds to a report: each reference's past, the run's changes, stale documents."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from auditor.check.freshness import period_end
from auditor.extract import SourceInfo
from auditor.history import Comparison, Memory


@dataclass(frozen=True, slots=True)
class HistoryContext:
    memories: Mapping[str, Memory]  # by auditor.history.reference_key
    new_broken: frozenset[str]
    fixed: frozenset[str]
    still_broken: frozenset[str]
    previous_run: dt.datetime | None
    stale_after_days: int | None  # None: documents are never stale (checks.stale_after_days: null)
    today: dt.date

    @classmethod
    def of(cls, comparison: Comparison, stale_after_days: int | None, today: dt.date) -> HistoryContext:
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
        if info.document_date is None or self.stale_after_days is None:
            return False
        end = period_end(info.document_date.isoformat())
        return end is not None and (self.today - end).days > self.stale_after_days
