"""The benchmarks' local web: one aiohttp handler answering on some loopback addresses.

Run in a server process of its own (so its CPU is not the measured tool's); it prints
``ready`` once listening, which the benchmark waits for.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import subprocess
import sys
import urllib.request
from collections.abc import Awaitable, Callable, Iterable, Iterator
from pathlib import Path

from aiohttp import web


def serve_forever(
    handler: Callable[[web.Request], Awaitable[web.StreamResponse]], addresses: Iterable[str], port: int
) -> None:
    """Answer every request on each ``address:port`` with ``handler``, until killed.

    ``/__requests`` (not passed to ``handler``, not counted) answers how many requests came
    since it was last asked (:func:`requests_served`).
    """
    served = 0

    async def counted(request: web.Request) -> web.StreamResponse:
        nonlocal served
        if request.path == "/__requests":
            count, served = served, 0
            return web.Response(text=str(count))
        served += 1
        return await handler(request)

    async def run() -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", counted)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        for address in addresses:
            await web.TCPSite(runner, address, port, backlog=1024).start()
        print("ready", flush=True)
        await asyncio.Event().wait()

    asyncio.run(run())


#: The page every host answers (bench/check_speed.py, bench/cluster_speed.py).
PAGE = "<html><head><title>Page</title></head><body><h1>Page</h1><p>Content.</p></body></html>"


def serve_pages(hosts: int, latency: float, port: int) -> None:
    """Hosts 0 … ``hosts - 1`` (:func:`address`) answer :data:`PAGE` after ``latency`` seconds,
    and 404 for a path ending in ``/missing``, until killed."""

    async def handler(request: web.Request) -> web.Response:
        await asyncio.sleep(latency)
        if request.path.endswith("/missing"):
            return web.Response(status=404, text="not found")
        return web.Response(text=PAGE, content_type="text/html")

    serve_forever(handler, (address(i) for i in range(hosts)), port)


def address(host: int) -> str:
    """The loopback address of host number ``host``: 127.0.0.2 … 127.0.0.251, then 127.0.1.2 …"""
    return f"127.0.{host // 250}.{host % 250 + 2}"


def requests_served(port: int) -> int:
    """How many requests the server answered since the last call (its handler counts them at ``/__requests``)."""
    with urllib.request.urlopen(f"http://{address(0)}:{port}/__requests", timeout=10) as answer:
        return int(answer.read())


def tool(name: str) -> str | None:
    """The tool beside this Python (a virtual environment's), else on PATH."""
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else shutil.which(name)


def measured_env() -> dict[str, str]:
    """This environment without ``PYTHONDONTWRITEBYTECODE``: an installed auditor does not
    compile its sources on every start, and compiling them costs about a second."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def ready_auditor(env: dict[str, str]) -> str:
    """The auditor command, its bytecode cached by one ``auditor --help`` (as when installed)."""
    auditor = tool("auditor")
    if auditor is None:
        sys.exit("auditor not found: pip install -e .")
    subprocess.run([auditor, "--help"], capture_output=True, check=False, env=env)
    return auditor


@contextlib.contextmanager
def server_process(script: str, hosts: int, latency_ms: float, port: int) -> Iterator[None]:
    """``script --serve`` (a bench's own server side) in a process of its own, from ``ready``
    to the end of the block."""
    serve_args = ["--hosts", str(hosts), "--latency", str(latency_ms), "--port", str(port)]
    server = subprocess.Popen([sys.executable, script, "--serve", *serve_args], stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None and server.stdout.readline().strip() == "ready"
        yield
    finally:
        server.terminate()
        server.wait()
