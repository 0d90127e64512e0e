"""Which references go to which shard, for balance: a whole registrable domain per shard.

A domain's references stay together, so its politeness slot, its soft-404 probe and its
cache entries live in one worker. Shards are about ``total / (workers × SHARDS_PER_WORKER)``
references: many small domains are batched into one, a domain bigger than that is a shard
alone (it cannot be split without two workers hitting one host at once). The biggest come
first: a huge host starts early instead of ending the run alone.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Iterable
from dataclasses import dataclass

#: Shards per worker: enough that a worker which finishes early takes another one.
SHARDS_PER_WORKER = 4
#: A shard smaller than this costs more to send and start than it saves.
MIN_SHARD = 500


@dataclass(frozen=True, slots=True)
class Shard:
    """The references (indexes of the run's) of some registrable ``domains``."""

    number: int
    domains: tuple[str, ...]
    indexes: array[int]  # 8 bytes an index, not a 36-byte int object in a tuple: a million references

    def __len__(self) -> int:
        return len(self.indexes)


def plan(places: Iterable[tuple[int, str]], workers: int) -> tuple[Shard, ...]:
    """Shards for ``places``, ``(index, domain)`` of each reference a shard may check, biggest
    first, for ``workers`` workers (see the module's docstring)."""
    by_domain: dict[str, list[int]] = {}
    for index, domain in places:
        by_domain.setdefault(domain, []).append(index)
    total = sum(len(indexes) for indexes in by_domain.values())
    if not total:
        return ()
    size = max(MIN_SHARD, math.ceil(total / (max(1, workers) * SHARDS_PER_WORKER)))
    # Biggest domains first (ties: first seen), so the batches end with the small ones.
    domains = sorted(by_domain, key=lambda d: -len(by_domain[d]))
    batches: list[list[str]] = []
    batch: list[str] = []
    filled = 0
    for domain in domains:
        count = len(by_domain[domain])
        if count >= size:
            batches.append([domain])  # alone: one host is never split
            continue
        batch.append(domain)
        filled += count
        if filled >= size:
            batches.append(batch)
            batch, filled = [], 0
    if batch:
        batches.append(batch)
    groups = sorted(batches, key=lambda group: -sum(len(by_domain[d]) for d in group))
    return tuple(
        Shard(n, tuple(group), array("q", sorted(i for d in group for i in by_domain[d])))
        for n, group in enumerate(groups)
    )
