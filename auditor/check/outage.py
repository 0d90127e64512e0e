"""Is the network down, or are these hosts gone? One small policy.

When no host answered and at least one failed at the network level (no DNS answer, no
connection), the failures alone cannot tell "this site is gone" from "we are offline":
an offline machine often gets NXDOMAIN for every name, just as for a dead domain. So a
second, independent opinion is asked: a HEAD to a few well-known, highly available
addresses (``outage_witnesses``), through the same client (same resolver, proxy and
address policy). Any HTTP answer from any of them means the network works, and the
failing hosts are judged on their own (dead, error). No answer from any means the
network is down: nothing is judged dead, and what the outage touched is ``unchecked``.

No witness is asked when some host answered (the network works) or when no host failed
at the network level (nothing to explain); so a run with network asks nothing extra.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from auditor.check.transport import Transport, TransportError
from auditor.defaults import OUTAGE_WITNESS_TIMEOUT


async def network_works(
    transport: Transport,
    witnesses: Sequence[str],
    *,
    user_agent: str,
    timeout: float = OUTAGE_WITNESS_TIMEOUT,
) -> bool:
    """Whether any witness gives any HTTP answer (all asked at once; the first answer ends it)."""
    if not witnesses:
        return False

    async def answers(url: str) -> bool:
        try:
            await transport.request("HEAD", url, {"User-Agent": user_agent}, max_bytes=0, timeout=timeout)
        except TransportError:
            return False
        return True

    tasks = [asyncio.create_task(answers(url)) for url in witnesses]
    try:
        for done in asyncio.as_completed(tasks):
            if await done:
                return True
        return False
    finally:
        for task in tasks:
            task.cancel()
