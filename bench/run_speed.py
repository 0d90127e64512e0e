"""Benchmark: `auditor run` against `auditor check` on the same links of a local web. Run by hand.

    python bench/run_speed.py                        # 20,000 links, 200 hosts, 20 ms
    python bench/run_speed.py --links 5000 --hosts 50

A server process (bench/localweb.py) answers on 127.0.0.2, 127.0.0.3, … (one loopback
address per host, so no resolver is needed and both commands run from the command line
as a user runs them). Every page is a real HTML page of a few kB (a title, a menu, a few
paragraphs, a footer; one in ten says "Last reviewed: <date>" years ago, so it is stale),
answered after ``--latency`` ms; every other host sends an ETag and answers 304 to a
request with the matching ``If-None-Match``, the others send no validators. One link in
50 is missing (404); one in 20 has a helpline number beside it (``020 7946 0nnn``),
which the page lists for three in four of them.

Both commands read one Markdown document with the links and run at equal limits
(--max-concurrency 128 --host-concurrency 10 --host-request-interval 0 --retries 0
--no-archive). The runs, one after the other:

check        ``auditor check DOC`` (no cache, no history)
run cold     ``auditor run`` with a fresh history: every page fetched and read (title, date,
             main-text fingerprint), the run recorded, the reports written
run warm     the same again: healthy results younger than a day come from the cross-run cache
run week     again with ``--cache-max-age 0s``, as a weekly run finds its cache: every result
             is revalidated (304 from the hosts with ETags; the others' unchanged bodies are
             recognised by their hash and not read again)
run refetch  again with ``--no-cache``: every page fetched again and compared with the
             history (the weekly audit when the cache has expired)

Each prints wall time, CPU time (user + system), peak RSS (GNU time) and the requests the
server answered; the ratios run/check close. Bytecode is cached first (``auditor --help``).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import re
import subprocess
import tempfile
from pathlib import Path

from localweb import address, measured_env, ready_auditor, requests_served, server_process  # bench/localweb.py

PORT = 8090
_PAGE = re.compile(r"/(?:page/\d+)?")
_WORDS = (
    "patients treatment clinical trial sarcoma information support research tumour surgery "
    "radiotherapy chemotherapy diagnosis symptoms specialist hospital team care nurse family "
    "questions answers guide leaflet helpline volunteers funding study results survival"
).split()


def _seed(path: str) -> int:
    return int(hashlib.blake2b(path.encode(), digest_size=4).hexdigest(), 16)


def helpline(path: str) -> str:
    """The phone number the page at ``path`` lists (Ofcom's drama range: valid, never anyone's)."""
    return f"020 7946 0{_seed(path) % 1000:03d}"


def page(path: str) -> str:
    """The HTML page at ``path``: a few kB, its text and title depending on the path only."""
    seed = _seed(path)

    def sentence(n: int) -> str:
        words = [_WORDS[(seed >> (i % 24) ^ i * 7919 + n * 31) % len(_WORDS)] for i in range(14 + n % 9)]
        return " ".join(words).capitalize() + "."

    paragraphs = "\n".join(f"<p>{' '.join(sentence(p * 5 + s) for s in range(5))}</p>" for p in range(6))
    reviewed = f"<p>Last reviewed: 14 March {2005 + seed % 10}</p>" if seed % 10 == 0 else ""
    menu = "".join(f'<li><a href="/section/{i}">Section {i}</a></li>' for i in range(12))
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        f"<title>{sentence(99)[:60]} | Sarcoma Charity</title></head><body>"
        f"<header><nav><ul>{menu}</ul></nav></header>"
        f"<main><article><h1>{sentence(98)}</h1>{paragraphs}{reviewed}"
        f"<p>Helpline: {helpline(path)}</p></article></main>"
        "<footer><p>Registered charity 123456. Copyright 2026.</p><p>Contact us · Privacy · Cookies</p></footer>"
        "</body></html>"
    )


def serve(hosts: int, latency: float) -> None:
    """The server side (its own process; ``/__requests``, the count of requests, is bench/localweb.py's)."""
    from aiohttp import web
    from localweb import serve_forever  # bench/localweb.py, beside this file

    async def handler(request: web.Request) -> web.Response:
        await asyncio.sleep(latency)
        if not _PAGE.fullmatch(request.path):  # /page/7/missing, and what a soft-404 probe asks (/ is a home page)
            return web.Response(status=404, text="not found")
        body = page(request.path)
        if int(request.host.split(":")[0].rsplit(".", 1)[1]) % 2:  # every other host has no validators
            return web.Response(text=body, content_type="text/html")
        etag = '"' + hashlib.blake2b(body.encode(), digest_size=8).hexdigest() + '"'
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        return web.Response(text=body, content_type="text/html", headers={"ETag": etag})

    serve_forever(handler, (address(i) for i in range(hosts)), PORT)


def write_links(path: Path, links: int, hosts: int) -> int:
    missing = 0
    with path.open("w") as out:
        out.write("# Benchmark links\n\n")
        for i in range(links):
            host = f"{address(i % hosts)}:{PORT}"
            if i % 50 == 49:
                out.write(f"- [missing {i}](http://{host}/page/{i}/missing)\n")
                missing += 1
            elif i % 20 == 0:  # a helpline beside the link: looked up on that page and its site's home page
                number = helpline(f"/page/{i}") if i % 80 else helpline(f"/page/{i + 1}")  # 1 in 4 not listed there
                out.write(f"- [page {i}](http://{host}/page/{i}), helpline {number}\n")
            else:
                out.write(f"- [page {i}](http://{host}/page/{i})\n")
    return missing


def timed(command: list[str], stats: Path, env: dict[str, str], cwd: Path) -> tuple[float, float, int, int, str]:
    """Wall seconds, CPU seconds, peak RSS (MB), exit status and last output line of one run (GNU time)."""
    done = subprocess.run(
        ["/usr/bin/time", "-o", str(stats), "-f", "%e %U %S %M", *command],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        cwd=cwd,
    )
    wall, user, system, rss_kb = stats.read_text().split()[-4:]
    last = (done.stdout.strip().splitlines() or [""])[-1] if done.returncode < 2 else done.stderr.strip()[-300:]
    return float(wall), float(user) + float(system), int(rss_kb) // 1024, done.returncode, last


def targets(doc: Path) -> str:
    return (
        f"sources:\n  - path: {doc.name}\n"
        "checks:\n  regions: [GB]\n  max_concurrency: 128\n  host_concurrency: 10\n  host_request_interval: 0\n"
        "  retries: 0\n  archive_url: null\n"
        "reports:\n  dir: reports\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--links", type=int, default=20000)
    parser.add_argument("--hosts", type=int, default=200)
    parser.add_argument("--latency", type=float, default=20, help="milliseconds")
    parser.add_argument("--port", type=int, default=PORT, help="port of every host (default %(default)s)")
    parser.add_argument("--skip", action="append", default=[], help="a run not to do (check, cold, warm, refetch)")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    globals()["PORT"] = args.port
    latency = args.latency / 1000
    if args.serve:
        serve(args.hosts, latency)
        return
    env = measured_env()
    auditor = ready_auditor(env)
    with server_process(__file__, args.hosts, args.latency, args.port), tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        doc = root / "links.md"
        missing = write_links(doc, args.links, args.hosts)
        (root / "targets.yaml").write_text(targets(doc))
        limits = ["--max-concurrency", "128", "--host-concurrency", "10", "--host-request-interval", "0"]
        limits += ["--retries", "0", "--no-archive", "--region", "GB"]
        run = [auditor, "run", "--config", "targets.yaml", "--no-progress"]
        commands = {
            "check": [auditor, "check", doc.name, *limits, "--no-progress", "-o", "check.json"],
            "cold": run,
            "warm": run,
            "week": [*run, "--cache-max-age", "0s"],
            "refetch": [*run, "--no-cache"],
        }
        print(
            f"{args.links} links over {args.hosts} hosts at {args.latency:g} ms, {missing} missing; "
            f"both commands from the command line, {len(page('/page/1')) / 1000:.1f} kB pages"
        )
        walls: dict[str, float] = {}
        cpus: dict[str, float] = {}
        requests_served(PORT)
        for name, command in commands.items():
            if name in args.skip:
                continue
            wall, cpu, rss, code, last = timed(command, root / "time.txt", env, root)
            walls[name], cpus[name] = wall, cpu
            print(
                f"{name:8} wall {wall:7.2f} s  cpu {cpu:7.2f} s  rss {rss:5d} MB  "
                f"requests {requests_served(PORT):6d}  exit {code}  {last}",
                flush=True,
            )
        if "check" in walls:
            for name in ("cold", "warm", "week", "refetch"):
                if name in walls:
                    print(
                        f"run {name}/check  wall {walls[name] / walls['check']:.2f}x  "
                        f"cpu {cpus[name] / cpus['check']:.2f}x"
                    )


if __name__ == "__main__":
    main()
