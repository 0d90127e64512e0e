"""Run a command on a machine of its own: a private network where only the given hosts exist.

    unshare -rnm python tests/sandbox.py SITES.json -- command args...

In the new network and mount namespaces that ``unshare -rnm`` makes (no privilege beyond
user namespaces), the loopback comes up, /etc/hosts is replaced by one naming the sites'
hosts at 127.0.0.1, and an aiohttp server on 127.0.0.1:80 answers for them. No other
name resolves and nothing else is reachable: with SITES ``{}`` it is a machine without
network. For what runs in a subprocess (a pre-commit hook, the console script), where the
fake web's injected resolver cannot reach. Exits with the command's exit code.

SITES: ``{"host": {"/path": [status, "page body, or the Location of a 3xx"]}}``; any
other path of a declared host is a 404 page.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from aiohttp import web

NOT_FOUND = "<html><head><title>Page not found</title></head><body><h1>Page not found</h1></body></html>"


def application(sites: dict[str, dict[str, list]]) -> web.Application:
    async def answer(request: web.Request) -> web.Response:
        host = request.host.partition(":")[0].lower()
        status, content = sites.get(host, {}).get(request.path, [404, NOT_FOUND])
        if 300 <= status < 400:
            return web.Response(status=status, headers={"Location": content})
        return web.Response(status=status, text=content, content_type="text/html")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", answer)
    return app


def isolate(hosts: list[str], folder: Path) -> None:
    """Loopback up; /etc/hosts names only ``hosts`` (a bind mount, seen in this namespace only)."""
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    hosts_file = folder / "hosts"
    hosts_file.write_text("127.0.0.1 localhost\n" + "".join(f"127.0.0.1 {host}\n" for host in hosts))
    subprocess.run(["mount", "--bind", str(hosts_file), "/etc/hosts"], check=True)


async def main(spec: Path, command: list[str]) -> int:
    sites = json.loads(spec.read_text())
    with tempfile.TemporaryDirectory() as folder:
        isolate(sorted(sites), Path(folder))
        runner = web.AppRunner(application(sites))
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 80).start()
        try:
            process = await asyncio.create_subprocess_exec(*command)
            return await process.wait()
        finally:
            await runner.cleanup()


if __name__ == "__main__":
    if len(sys.argv) < 4 or sys.argv[2] != "--":
        sys.exit("usage: unshare -rnm python tests/sandbox.py SITES.json -- command args...")
    sys.exit(asyncio.run(main(Path(sys.argv[1]), sys.argv[3:])))
