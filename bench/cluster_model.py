"""The time model of an audit on a cluster (docs/scale.md), from measured constants. Run by hand.

    python bench/cluster_model.py                               # the defaults' 10M / 50,000 hosts
    python bench/cluster_model.py --links 1000000 --hosts 5000 --workers 2 --threads 1 \\
        --interval 0 --latency 0.005 --host-concurrency 10

T = coordinator(N) + max(cpu, politeness), where

- coordinator(N) = N × coordinator_us: reading and extracting the documents, planning and
  sending shards, receiving verdicts, writing the reports (one process, whatever W);
- cpu = N × cpu_us / (W × cores a worker uses): checking, libcurl included;
- politeness = (H / (W × threads × hosts a shard checks at once)) × per_host, with
  per_host = L × max(interval, latency / host_concurrency), L = N / H links per host, and
  hosts a shard checks at once = max_concurrency / host_concurrency;
- and never less than the biggest host's per_host (one host is never split).
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass


@dataclass(frozen=True)
class Model:
    links: int
    hosts: int
    workers: int
    threads: int = 2  # worker threads (shards at once) per worker
    cores: float = 1.0  # cores a worker keeps busy
    interval: float = 0.1  # --host-request-interval
    latency: float = 0.3  # a host's answer time
    host_concurrency: int = 8
    max_concurrency: int = 128
    coordinator_us: float = 354.0  # coordinator CPU per link (measured: bench/cluster_speed.py, 1M links)
    cpu_us: float = 335.0  # workers' CPU per link (measured: the same run, tree minus coordinator)

    @property
    def per_host(self) -> float:
        per_link = max(self.interval, self.latency / self.host_concurrency)
        return self.links / self.hosts * per_link

    @property
    def coordinator(self) -> float:
        return self.links * self.coordinator_us / 1e6

    @property
    def cpu(self) -> float:
        return self.links * self.cpu_us / 1e6 / (self.workers * self.cores)

    @property
    def politeness(self) -> float:
        at_once = self.workers * self.threads * max(1, self.max_concurrency // self.host_concurrency)
        return max(self.per_host, self.hosts / at_once * self.per_host)

    @property
    def total(self) -> float:
        return self.coordinator + max(self.cpu, self.politeness)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--links", type=int, default=10_000_000)
    parser.add_argument("--hosts", type=int, default=50_000)
    parser.add_argument("--workers", type=int, nargs="+", default=[2, 10, 20, 50])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--cores", type=float, default=1.0)
    parser.add_argument("--interval", type=float, default=0.1)
    parser.add_argument("--latency", type=float, default=0.3)
    parser.add_argument("--host-concurrency", type=int, default=8)
    parser.add_argument("--coordinator-us", type=float, default=354.0)
    parser.add_argument("--cpu-us", type=float, default=335.0)
    args = parser.parse_args()
    print(f"{args.links:,} links over {args.hosts:,} hosts ({args.links / args.hosts:,.0f} a host)")
    print("| workers | coordinator | checking CPU | politeness | total |")
    print("|---|---|---|---|---|")
    for workers in args.workers:
        model = Model(
            args.links,
            args.hosts,
            workers,
            threads=args.threads,
            cores=args.cores,
            interval=args.interval,
            latency=args.latency,
            host_concurrency=args.host_concurrency,
            coordinator_us=args.coordinator_us,
            cpu_us=args.cpu_us,
        )
        print(
            f"| {workers} | {model.coordinator / 60:,.1f} min | {model.cpu / 60:,.1f} min | "
            f"{model.politeness / 60:,.1f} min | {model.total / 60:,.1f} min |"
        )


if __name__ == "__main__":
    main()
