"""Benchmark: peak memory and time of `auditor` on hostile inputs at scale (issue 15). Run by hand.

    python bench/memory.py                    # all three cases, full size
    python bench/memory.py --links 100000     # a smaller Markdown file
    python bench/memory.py --only phones
    python bench/memory.py --pythonpath /tmp/old/src   # another checkout's auditor (a "before" figure)

Cases, each run as ``auditor`` in a subprocess (peak RSS from ``wait4``, as GNU time reports it):

* ``links``: a Markdown file of ``--links`` (1,000,000) links, checked with everything
  excluded (``--exclude '.*'``), first with the default outputs (the terminal summary),
  then also writing ``-o report.json -o report.html``. Goal: peak RSS at most 1 GB.
* ``phones``: 2 MB of text with a phone number and a web address on every line, in one
  paragraph (one block, where every phone is paired with its nearest address), checked
  with everything excluded. Quadratic before: 231 s.
* ``sitemaps``: a site (a server in its own process on 127.0.0.1) whose robots.txt names
  100 sitemaps of 50,000 URLs each, crawled with ``--max-pages 100 --depth 1``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PORT = 8093
SITEMAPS = 100
SITEMAP_URLS = 50_000
PYTHONPATH = ""  # --pythonpath: where the auditor measured is imported from (default: this one)


def write_links(path: Path, links: int) -> None:
    with path.open("w") as out:
        for i in range(links):
            out.write(f"- <https://h{i % 1000}.example.com/{i}>\n")


def write_phones(path: Path, size: int = 2_000_000) -> None:
    parts, written, i = [], 0, 0
    while written < size:
        line = f"Call 020 7946 {i % 10000:04d} or see https://example{i % 500}.co.uk/page/{i} for details.\n"
        parts.append(line)
        written += len(line)
        i += 1
    path.write_text("".join(parts))


def serve() -> None:
    """The sitemap bomb's server (its own process): robots.txt, 100 sitemaps of 50,000 URLs, small pages."""
    from aiohttp import web
    from localweb import serve_forever  # bench/localweb.py, beside this file

    origin = f"http://127.0.0.1:{PORT}"
    robots = "User-agent: *\n" + "".join(f"Sitemap: {origin}/sitemap{k}.xml\n" for k in range(SITEMAPS))

    async def handler(request: web.Request) -> web.StreamResponse:
        path = request.path
        if path == "/robots.txt":
            return web.Response(text=robots, content_type="text/plain")
        if path.startswith("/sitemap"):
            k = path.removeprefix("/sitemap").removesuffix(".xml")
            entries = "".join(f"<url><loc>{origin}/p{k}/{i}</loc></url>" for i in range(SITEMAP_URLS))
            body = (
                f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'
            )
            return web.Response(text=body, content_type="application/xml")
        page = f"<html><head><title>{path}</title></head><body><h1>{path}</h1><p>Some text.</p></body></html>"
        return web.Response(text=page, content_type="text/html")

    serve_forever(handler, ["127.0.0.1"], PORT)


def measured(command: list[str], cwd: Path) -> tuple[float, float, int, str]:
    """Wall seconds, peak RSS (MB), exit code and the last lines of stderr of ``command``."""
    env = {**os.environ, "no_proxy": "127.0.0.1", "NO_PROXY": "127.0.0.1"}
    if PYTHONPATH:
        env["PYTHONPATH"] = PYTHONPATH
    err = cwd / "stderr.txt"
    with err.open("wb") as stderr:
        start = time.perf_counter()
        process = subprocess.Popen(
            command, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr, env=env
        )
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
    tail = " | ".join(err.read_text(errors="replace").strip().splitlines()[-2:])
    return wall, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status), tail


def report(label: str, command: list[str], cwd: Path) -> None:
    wall, rss, code, tail = measured(command, cwd)
    print(f"{label:<44} peak RSS {rss:8.0f} MB   wall {wall:7.1f} s   exit {code}" + (f"   ({tail})" if tail else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--links", type=int, default=1_000_000)
    parser.add_argument("--only", choices=["links", "phones", "sitemaps"])
    parser.add_argument("--pythonpath", default="", help="import auditor from this folder (a checkout to compare)")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    global PYTHONPATH
    PYTHONPATH = args.pythonpath
    if args.serve:
        serve()
        return
    auditor = [sys.executable, "-m", "auditor"]
    with tempfile.TemporaryDirectory(prefix="auditor-bench-memory-") as folder:
        tmp = Path(folder)
        if args.only in (None, "links"):
            doc = tmp / "big.md"
            write_links(doc, args.links)
            size = doc.stat().st_size / 1e6
            report(
                f"links: {args.links:,} ({size:.0f} MB), default outputs",
                [*auditor, "check", str(doc), "--exclude", ".*"],
                tmp,
            )
            report(
                f"links: {args.links:,}, -o report.json -o report.html",
                [*auditor, "check", str(doc), "--exclude", ".*", "-o", "report.json", "-o", "report.html"],
                tmp,
            )
            for name in ("report.json", "report.html"):
                print(f"  {name}: {(tmp / name).stat().st_size / 1e6:.1f} MB")
        if args.only in (None, "phones"):
            doc = tmp / "phones.txt"
            write_phones(doc)
            report("phones: 2 MB of phones and links, one block", [*auditor, "check", str(doc), "--exclude", ".*"], tmp)
        if args.only in (None, "sitemaps"):
            server = subprocess.Popen([sys.executable, __file__, "--serve"], stdout=subprocess.PIPE, text=True)
            try:
                assert server.stdout is not None
                server.stdout.readline()  # "ready"
                start = f"http://127.0.0.1:{PORT}/"
                command = [*auditor, "check", start, "--crawl", "--depth", "1", "--max-pages", "100"]
                report(f"sitemaps: {SITEMAPS} x {SITEMAP_URLS:,} URLs, --max-pages 100", command, tmp)
            finally:
                server.terminate()
                server.wait()


if __name__ == "__main__":
    main()
