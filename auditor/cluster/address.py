"""Where a run's shards go: ``--cluster local:N`` (a LocalCluster of N worker processes on this
machine) or a Dask scheduler's address (``tcp://HOST:8786``, ``tls://HOST:8786``)."""

from __future__ import annotations

import re
from dataclasses import dataclass

#: The schemes a Dask scheduler listens on (distributed's comm backends).
SCHEDULER_SCHEMES = ("tcp", "tls", "ws", "wss", "inproc", "ucx")
_LOCAL = re.compile(r"local:(\d+)")
_SCHEDULER = re.compile(r"(?P<scheme>[a-z]+)://(?P<host>\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+)(?::(?P<port>\d{1,5}))?/?")
#: Worker processes a ``local:N`` cluster may start (more is a typing mistake, not a plan).
MAX_LOCAL_WORKERS = 256


@dataclass(frozen=True, slots=True)
class ClusterAddress:
    """``local:N``: ``workers`` = N processes started here; else ``scheduler``, a Dask scheduler's address."""

    workers: int | None = None
    scheduler: str | None = None

    def __str__(self) -> str:
        return f"local:{self.workers}" if self.workers is not None else str(self.scheduler)


def parse_cluster(text: str) -> ClusterAddress:
    """``local:2`` or ``tcp://scheduler.internal:8786``; ValueError saying what to write."""
    value = text.strip()
    if match := _LOCAL.fullmatch(value):
        workers = int(match[1])
        if not 1 <= workers <= MAX_LOCAL_WORKERS:
            raise ValueError(f"local:N starts N worker processes, 1 to {MAX_LOCAL_WORKERS}: {text!r}")
        return ClusterAddress(workers=workers)
    match = _SCHEDULER.fullmatch(value)
    if match is None or match["scheme"] not in SCHEDULER_SCHEMES:
        raise ValueError(
            f"not a Dask scheduler address nor local:N: {text!r} "
            "(write tcp://HOST:8786, tls://HOST:8786, or local:2 for two worker processes here)"
        )
    port = match["port"]
    if port is not None and not 0 < int(port) < 65536:
        raise ValueError(f"no such port in {text!r}")
    return ClusterAddress(scheduler=value.rstrip("/"))
