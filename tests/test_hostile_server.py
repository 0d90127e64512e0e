"""A hostile server costs one verdict, in bounded time and memory, never the run.

Each row: what the server does, the verdict, and words of its reason. The time bound
is generous (the check's own timeout is 2 s, no retries): it proves "ends", not speed.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from auditor.check.settings import CheckSettings
from auditor.fakeweb import FakeWeb, drip, endless, gzip_bomb, huge_header, many_headers, redirect
from auditor.pipeline import check_sources
from auditor.sources import resolve_inputs
from auditor.verdict import Status

SETTINGS = CheckSettings(
    retries=0, timeout=2, host_request_interval=0, probe_soft_404=False, archive_url=None, outage_witnesses=()
)

CASES = [
    # aiohttp 3.14 stops inflating at our body limit (ok); 3.13 at its own 32 MiB (error): both bounded.
    pytest.param(gzip_bomb(50_000_000), {Status.OK, Status.ERROR}, "", id="gzip bomb: read up to a limit"),
    pytest.param(endless(), Status.OK, "200 OK", id="endless body: read up to the body limit"),
    pytest.param(drip(0.2), Status.ERROR, "timeout after 2 s", id="a byte at a time: the total timeout ends it"),
    pytest.param(huge_header(100_000), Status.ERROR, "malformed response", id="a 100 kB header line"),
    # Whether the count is refused depends on the HTTP parser's version: either way one verdict, in time.
    pytest.param(many_headers(20_000), {Status.OK, Status.ERROR}, "", id="20,000 header lines"),
    pytest.param(redirect(302, "/"), Status.ERROR, "redirect", id="redirect loop"),
    pytest.param(redirect(301, "ftp://files.example.org/x"), Status.ERROR, "ftp", id="redirect to ftp:"),
    pytest.param(redirect(301, "javascript:alert(1)"), Status.ERROR, "javascript", id="redirect to javascript:"),
    pytest.param(redirect(301, "http://[::1"), Status.ERROR, "malformed address", id="redirect to a malformed URL"),
]


@pytest.mark.parametrize(("handler", "status", "said"), CASES)
def test_a_hostile_answer_is_one_verdict(tmp_path, handler, status: Status | set[Status], said: str) -> None:  # type: ignore[no-untyped-def]
    doc = tmp_path / "doc.md"
    doc.write_text("See https://hostile.example/ today.\n")
    sites = {"hostile.example": {"/": handler, "*": handler}}

    async def check():  # type: ignore[no-untyped-def]
        async with FakeWeb(sites) as web:
            return await check_sources(resolve_inputs([str(doc)]), SETTINGS, resolver=web.resolver, ssl=web.client_ssl)

    started = time.monotonic()
    audit = asyncio.run(check())
    assert time.monotonic() - started < 15
    (item,) = audit.run.results
    assert item.verdict.status in (status if isinstance(status, set) else {status}), item.verdict.reason
    assert said in item.verdict.reason
    assert len(item.verdict.reason) < 400  # the server's bytes are quoted short, if at all


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="peak RSS from /proc")
def test_a_gzip_bomb_costs_no_memory() -> None:
    """300 MB of zeros, 300 kB on the wire: the check reads its 2 MB and stops (peak RSS in a subprocess)."""
    script = textwrap.dedent(
        """
        import asyncio, json, pathlib, sys, tempfile
        from auditor.pipeline import check_sources
        from auditor.check.settings import CheckSettings
        from auditor.fakeweb import FakeWeb, gzip_bomb
        from auditor.sources import resolve_inputs

        bomb = gzip_bomb(300_000_000)
        doc = pathlib.Path(tempfile.mkdtemp()) / "doc.md"
        doc.write_text("https://bomb.example/ https://bomb.example/a https://bomb.example/b")

        async def main():
            async with FakeWeb({"bomb.example": {"*": bomb}}) as web:
                settings = CheckSettings(retries=0, host_request_interval=0, outage_witnesses=())
                audit = await check_sources(resolve_inputs([str(doc)]), settings, resolver=web.resolver, ssl=web.client_ssl)
                return [item.verdict.status.value for item in audit.run.results]

        statuses = asyncio.run(main())
        # VmHWM: this process image's peak (ru_maxrss would start at the parent's RSS at fork)
        with open("/proc/self/status") as status:
            peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
        print(json.dumps({"statuses": statuses, "peak_mb": peak / 1024}))
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=True)
    measured = json.loads(done.stdout.strip().splitlines()[-1])
    assert measured["statuses"]
    assert measured["peak_mb"] < 250, measured  # the interpreter, aiohttp and 2 MB read per answer
