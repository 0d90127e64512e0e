"""Benchmark: what `auditor` imports before it does anything. Run by hand; no test times it.

    python bench/import_time.py            # `auditor --help` and `auditor check` on an empty file
    python bench/import_time.py --top 25

Runs each command under ``python -X importtime`` (bytecode cached first, as installed:
``PYTHONDONTWRITEBYTECODE`` is dropped and each command runs once before it is measured;
the median of ``--rounds`` runs is kept) and prints the total import time, the wall time
of the whole command, the packages by the import time of all their modules, auditor's
modules by cumulative time (what each pulls in) and the modules that cost the most
themselves.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Imported:
    """One line of ``-X importtime``: a module, its own and its cumulative microseconds."""

    module: str
    own: int
    cumulative: int
    depth: int  # 0 for a module the command itself imported


def parse(stderr: str) -> list[Imported]:
    """The ``import time:`` lines of ``stderr``."""
    found = []
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        own, cumulative, name = line.removeprefix("import time:").split("|", 2)
        depth = (len(name) - len(name.lstrip(" ")) - 1) // 2
        found.append(Imported(name.strip(), int(own), int(cumulative), depth))
    return found


def measure(command: list[str], env: dict[str, str]) -> tuple[float, list[Imported]]:
    """Wall seconds of ``command`` under ``-X importtime`` and what it imported."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-X", "importtime", *command], capture_output=True, text=True, env=env, check=False
    )
    return time.perf_counter() - started, parse(done.stderr)


def report(title: str, runs: list[tuple[float, list[Imported]]], top: int) -> None:
    totals = [sum(i.own for i in imported) for _, imported in runs]
    middle = sorted(range(len(runs)), key=lambda i: totals[i])[len(runs) // 2]
    wall, imported = runs[middle]
    print(f"{title}: imports {statistics.median(totals) / 1e6:.2f} s of {wall:.2f} s wall, {len(imported)} modules")
    packages: dict[str, int] = {}
    for i in imported:
        root = i.module.split(".")[0]
        packages[root] = packages.get(root, 0) + i.own
    print("  packages by the time of all their modules:")
    for name, us in sorted(packages.items(), key=lambda kv: -kv[1])[:top]:
        print(f"    {us / 1000:8.1f} ms  {name}")
    print("  auditor modules by cumulative time (what they pull in):")
    ours = [i for i in imported if i.module.startswith("auditor.")]
    for i in sorted(ours, key=lambda i: -i.cumulative)[:top]:
        print(f"    {i.cumulative / 1000:8.1f} ms  {i.module}")
    print("  modules by their own time:")
    for i in sorted(imported, key=lambda i: -i.own)[:top]:
        print(f"    {i.own / 1000:8.1f} ms  {i.module}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--top", type=int, default=15, help="how many packages and modules to list")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    with tempfile.TemporaryDirectory() as tmp:
        empty = Path(tmp) / "empty.md"
        empty.write_text("# Nothing to check\n")
        commands = {
            "auditor --help": ["-m", "auditor", "--help"],
            "auditor check (empty file)": ["-m", "auditor", "check", str(empty), "-o", str(Path(tmp) / "r.json")],
        }
        for title, command in commands.items():
            subprocess.run([sys.executable, *command], capture_output=True, env=env, check=False)  # bytecode cached
            report(title, [measure(command, env) for _ in range(args.rounds)], args.top)


if __name__ == "__main__":
    main()
