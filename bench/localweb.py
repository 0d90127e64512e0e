"""The benchmarks' local web: one aiohttp handler answering on some loopback addresses.

Run in a server process of its own (so its CPU is not the measured tool's); it prints
``ready`` once listening, which the benchmark waits for.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable

from aiohttp import web


def serve_forever(
    handler: Callable[[web.Request], Awaitable[web.StreamResponse]], addresses: Iterable[str], port: int
) -> None:
    """Answer every request on each ``address:port`` with ``handler``, until killed."""

    async def run() -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", handler)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        for address in addresses:
            await web.TCPSite(runner, address, port, backlog=1024).start()
        print("ready", flush=True)
        await asyncio.Event().wait()

    asyncio.run(run())
