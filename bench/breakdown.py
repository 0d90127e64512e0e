"""Benchmark: where the CPU of one `auditor check` goes, by stage. Run by hand.

    python bench/breakdown.py                       # 5,000 links, 50 hosts, 50 ms
    python bench/breakdown.py --links 100000 --hosts 500

Starts bench/check_speed.py's server, then runs `auditor check` in this process under
cProfile and splits its time into the stages the issue's breakdown names: imports,
extraction (Markdown; measured apart, as it runs in a worker thread the profiler does not
see), page analysis (`decide`), and the rest: HTTP (the transport, the engine around it,
the event loop) and writing the JSON report. The profiler counts CPU time, and slows
Python code more than native code: read the shares, take wall-clock figures from
bench/check_speed.py.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import check_speed  # bench/check_speed.py, beside this file

#: Stage → the functions whose cumulative time is that stage (file suffix, function name).
STAGES = {
    "imports": (("<frozen importlib._bootstrap>", "_find_and_load"),),
    "page analysis": (("auditor/check/decide.py", "decide"),),
}


def cumulative(stats: pstats.Stats, wanted: tuple[tuple[str, str], ...]) -> float:
    total = 0.0
    for (filename, _line, name), row in stats.stats.items():  # type: ignore[attr-defined]
        if any(filename.endswith(suffix) and name == function for suffix, function in wanted):
            total += row[3]
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--links", type=int, default=5000)
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--latency", type=float, default=50, help="milliseconds")
    parser.add_argument("--port", type=int, default=check_speed.PORT)
    args = parser.parse_args()
    check_speed.PORT = args.port
    serve = [sys.executable, check_speed.__file__, "--serve", "--hosts", str(args.hosts)]
    serve += ["--latency", str(args.latency), "--port", str(args.port)]
    server = subprocess.Popen(serve, stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None and server.stdout.readline().strip() == "ready"
        with tempfile.TemporaryDirectory() as tmp:
            doc = Path(tmp) / "links.md"
            check_speed.write_links(doc, args.links, args.hosts)
            argv = ["check", str(doc), "--max-concurrency", "128", "--host-concurrency", "10"]
            argv += ["--host-request-interval", "0", "--retries", "0", "-o", str(Path(tmp) / "r.json"), "-q"]
            from auditor.extract import extract_sources
            from auditor.sources import resolve_inputs

            sources = resolve_inputs([str(doc)])
            extract_sources(sources, ("US",))  # once to import what extraction uses
            started = time.process_time()
            extract_sources(sources, ("US",))  # the same work the check does in a worker thread
            extraction = time.process_time() - started
            for module in [name for name in sys.modules if name == "auditor" or name.startswith("auditor.")]:
                del sys.modules[module]  # imported afresh below, under the profiler
            profile = cProfile.Profile(time.process_time)  # CPU, not wall: waits cost nothing
            started = time.process_time()
            profile.enable()
            from auditor.cli import main as auditor_main

            with contextlib.suppress(SystemExit):
                auditor_main.main(argv, standalone_mode=False)
            profile.disable()
            cpu = time.process_time() - started
    finally:
        server.terminate()
        server.wait()
    stats = pstats.Stats(profile)
    imports = cumulative(stats, STAGES["imports"])
    analysis = cumulative(stats, STAGES["page analysis"])
    rows = [
        ("imports", imports),
        ("extraction (measured apart)", extraction),
        ("page analysis", analysis),
        ("HTTP, engine, event loop, report", max(cpu - imports - extraction - analysis, 0.0)),
    ]
    print(f"{args.links} links over {args.hosts} hosts: {cpu:.2f} s CPU under cProfile")
    for name, seconds in rows:
        print(f"  {name:30} {seconds:6.2f} s  {100 * seconds / cpu:5.1f} %")


if __name__ == "__main__":
    main()
