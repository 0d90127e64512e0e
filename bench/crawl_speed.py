"""Benchmark: crawling a generated web site with `auditor check --crawl` and with LinkChecker. Run by hand.

    python bench/crawl_speed.py                          # 2,000 pages, 20 links a page, 50 ms, concurrency 10
    python bench/crawl_speed.py --pages 500 --reps 1 --only linkchecker
    python bench/crawl_speed.py --concurrency 32 --latency 20 --keep

A server process (its own process, so neither tool shares a CPU or the GIL with it) answers on
127.0.0.1 only, one port a "host":

* the site: ``/`` (the home page) and ``/page/1.html`` … ``/page/{N-1}.html``, small HTML pages
  (title, heading, paragraph, nav, a list of links). The pages form a tree whose fan-out is
  the smallest that puts every page at most ``--depth`` links from the home page; each page
  links to its children, its parent and home, to random other pages up to ``--links-per-page``,
  to ``links-per-page // 10`` external pages, and one page in four to a missing page (404).
  ``/robots.txt`` allows everything (no Crawl-delay) and names ``/sitemap.xml``, which lists
  every page.
* ``--external-hosts`` other ports: ``/ext/0.html`` … ``/ext/39.html``, one in eight a 404.
* a control port (no latency): ``/__stats`` (what was asked since the last ``/__reset``).

Every answer but the control port's comes after ``--latency`` ms.

Equal work, equal politeness:

* depth: both tools fetch and parse every page up to ``--depth`` links from the home page and
  check every link found there. LinkChecker's recursion level counts the links followed to
  reach a URL (the start URL is level 0) and it parses pages whose level is below
  ``--recursion-level``, so it gets ``-r DEPTH+1``; auditor gets ``--depth DEPTH`` (auditor
  ``--depth 0`` and LinkChecker ``-r 1`` both read the start page and check its links). Both
  also read the sitemap named in robots.txt, so from depth 2 on both read every page whatever
  the links.
* external links: checked, not crawled (LinkChecker ``--check-extern``; its "internal" pattern
  is ``^https?://(www.|)127.0.0.1:PORT/``, port included, so the other ports are external).
* concurrency: ``--concurrency C`` is LinkChecker ``--threads C`` and auditor
  ``--max-concurrency C``. LinkChecker has no limit of connections per host (any of its threads
  may be on one host), so auditor gets ``--host-concurrency C`` too unless
  ``--host-concurrency`` says otherwise.
* interval between requests to one host: none for either. auditor:
  ``--host-request-interval 0``. LinkChecker always throttles each host: before each request it
  reserves the host for a random ``uniform(a, 6a)`` seconds, ``a = 1/maxrequestspersecond``
  (config file only, default 10), but ``a`` is at least 0.1 s (so 0.1–0.6 s, about 3 requests a
  second a host, whatever the thread count) unless the server's answers carry a ``LinkChecker``
  header. This server sends ``LinkChecker: benchmark`` and the generated config sets
  ``maxrequestspersecond`` to ``--linkchecker-rps`` (default 1,000,000: 1–6 µs, i.e. none).
  ``--linkchecker-rps 10`` gives LinkChecker's stock politeness.
* robots.txt: both read it (LinkChecker's default; the site allows everything). LinkChecker
  also asks each external host for its robots.txt; auditor does not (it only checks those
  links), but asks each host once for a made-up address (its soft-404 probe), hence a few
  more 404s in its server counts.
* retries: none (auditor ``--retries 0``; LinkChecker does not retry). Timeout 20 s for both.

Each repetition runs both tools, alternating which goes first; then auditor runs twice with
``--cache`` on a fresh cache file (cold, then warm). Each run prints wall time, CPU time
(user+sys) and peak RSS of the tool's process (``os.wait4``), the pages crawled, pages a second,
links checked, and what the server was asked. "pages" is auditor's ``len(sources)``, and for
LinkChecker (which does not count them) the distinct site pages it fetched with status 200.
"links" is what each tool says it checked: distinct URLs for both (auditor ``summary.total``,
LinkChecker's "N links in M URLs checked"), not the ``pages × links-per-page`` occurrences.
"other processes" is how many CPUs the rest of the machine kept busy during the run (from
/proc/stat, less the tool and the server): on a small shared machine, a run with more than a few
tenths is suspect. LinkChecker run as root drops to the user nobody after reading its config
(a warning on stderr); its output goes to a file opened before that.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

HOST = "127.0.0.1"
EXTERNAL_PAGES = 40  # pages on each external host
MISSING_PAGES = 50  # distinct broken internal links
WORDS = (
    "audit archive budget catalogue delivery estate finance guidance harbour index journal library "
    "meeting notice office planning quarterly record schedule transport update venue welfare"
).split()


# --------------------------------------------------------------------------------------------- site


def fanout_for(pages: int, depth: int) -> int:
    """The smallest fan-out f with 1 + f + … + f**depth >= pages (every page within ``depth`` of home)."""
    f = 2
    while sum(f**d for d in range(depth + 1)) < pages:
        f += 1
    return f


@dataclass
class Site:
    """The generated site: the same seed gives the same links in the server and in the driver."""

    pages: int
    links_per_page: int
    depth: int
    external_hosts: int
    seed: int = 1
    fanout: int = field(init=False)

    def __post_init__(self) -> None:
        self.fanout = fanout_for(self.pages, self.depth)
        self.externals = max(1, self.links_per_page // 10)
        if self.fanout + 2 + self.externals + 1 > self.links_per_page:
            sys.exit(
                f"{self.pages} pages within depth {self.depth} need a fan-out of {self.fanout}: "
                f"raise --links-per-page (to at least {self.fanout + 3 + self.externals}) or --depth"
            )

    @staticmethod
    def path(page: int) -> str:
        return "/" if page == 0 else f"/page/{page}.html"

    def page_of(self, path: str) -> int | None:
        if path == "/":
            return 0
        match = re.fullmatch(r"/page/(\d+)\.html", path)
        if match and 0 < int(match[1]) < self.pages and not match[1].startswith("0"):
            return int(match[1])
        return None

    def links(self, page: int) -> list[tuple[str, str]]:
        """(kind, target) of each link on ``page``: kind is page, missing or external; target is a
        path for the first two and "HOSTINDEX/PATH" for external."""
        rng = random.Random(self.seed * 1_000_003 + page)
        f = self.fanout
        chosen: list[int] = []
        if page:
            chosen.append(0)
            parent = (page - 1) // f
            if parent:
                chosen.append(parent)
        children = [c for c in range(page * f + 1, page * f + f + 1) if c < self.pages]
        chosen.extend(children)
        broken = 1 if page % 4 == 3 else 0
        room = self.links_per_page - len(chosen) - self.externals - broken
        seen = set(chosen) | {page}
        while room > 0 and len(seen) < self.pages:
            other = rng.randrange(self.pages)
            if other not in seen:
                seen.add(other)
                chosen.append(other)
                room -= 1
        links = [("page", self.path(p)) for p in chosen]
        for _ in range(self.externals):
            links.append(("external", f"{rng.randrange(self.external_hosts)}/ext/{rng.randrange(EXTERNAL_PAGES)}.html"))
        if broken:
            links.append(("missing", f"/page/missing-{rng.randrange(MISSING_PAGES)}.html"))
        return links

    def html(self, page: int, external_ports: list[int]) -> str:
        rng = random.Random(self.seed * 7_919 + page)
        title = "Home" if page == 0 else f"{rng.choice(WORDS).title()} {page}"
        nav: list[str] = []
        items: list[str] = []
        in_nav = 0 if page == 0 else 1 if (page - 1) // self.fanout == 0 else 2  # home, parent
        for number, (kind, target) in enumerate(self.links(page)):
            if kind == "external":
                index, _, path = target.partition("/")
                href, text = f"http://{HOST}:{external_ports[int(index)]}/{path}", f"Partner {int(index) + 1}"
            elif kind == "missing":
                href, text = target, "Archived notice"
            else:
                href, text = target, ("Home" if target == "/" else "Page " + target[6:].removesuffix(".html"))
            if number < in_nav:
                nav.append(f'<a href="{href}">{text}</a>')
            else:
                items.append(f'<li><a href="{href}">{text}</a></li>')
        words = " ".join(rng.choice(WORDS) for _ in range(40))
        return (
            '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{title} – Example Council</title>\n</head>\n<body>\n"
            f"<header><nav>{' · '.join(nav)}</nav></header>\n<main>\n<h1>{title}</h1>\n"
            f"<p>{words.capitalize()}.</p>\n<h2>See also</h2>\n<ul>\n" + "\n".join(items) + "\n</ul>\n</main>\n"
            "<footer><p>© Example Council. All rights reserved.</p></footer>\n</body>\n</html>\n"
        )

    def expected(self) -> dict[str, int]:
        """What a full crawl finds: link occurrences and distinct URLs by kind."""
        occurrences: Counter[str] = Counter()
        distinct: dict[str, set[str]] = {"page": set(), "missing": set(), "external": set()}
        for page in range(self.pages):
            for kind, target in self.links(page):
                occurrences[kind] += 1
                distinct[kind].add(target)
        return {
            "links": sum(occurrences.values()),
            "pages_linked": len(distinct["page"] | {"/"}),
            "missing": len(distinct["missing"]),
            "external": len(distinct["external"]),
            "external_404": sum(1 for t in distinct["external"] if int(t.rsplit("/", 1)[1].split(".")[0]) % 8 == 7),
        }


# ------------------------------------------------------------------------------------------- server


def serve(site: Site, latency: float) -> None:
    """The server side (its own process): prints "ready SITE_PORT EXT_PORT,… CONTROL_PORT" when listening."""
    import socket

    from aiohttp import web

    requests: Counter[str] = Counter()
    paths: Counter[tuple[str, str, int]] = Counter()  # (role, path, status) -> times asked

    def listen() -> socket.socket:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((HOST, 0))
        sock.listen(1024)
        return sock

    site_sock = listen()
    ext_socks = [listen() for _ in range(site.external_hosts)]
    control_sock = listen()
    site_port = site_sock.getsockname()[1]
    ext_ports = [s.getsockname()[1] for s in ext_socks]
    robots = f"User-agent: *\nAllow: /\n\nSitemap: http://{HOST}:{site_port}/sitemap.xml\n"
    sitemap = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        + "".join(f"<url><loc>http://{HOST}:{site_port}{site.path(p)}</loc></url>\n" for p in range(site.pages))
        + "</urlset>\n"
    )
    cache: dict[int, str] = {}
    headers = {"LinkChecker": "benchmark"}  # lets LinkChecker go faster than 10 requests a second a host

    def respond(role: str, request: web.Request, status: int, text: str, content_type: str) -> web.Response:
        kind = "robots" if request.path == "/robots.txt" else "sitemap" if request.path == "/sitemap.xml" else "other"
        if kind == "other":
            kind = "page" if status == 200 else "404"
        requests[f"{role.rstrip('0123456789')} {kind} {request.method}"] += 1
        paths[(role, request.path, status)] += 1
        body = "" if request.method == "HEAD" else text
        return web.Response(status=status, text=body, content_type=content_type, headers=headers)

    async def site_handler(request: web.Request) -> web.Response:
        await asyncio.sleep(latency)
        if request.path == "/robots.txt":
            return respond("site", request, 200, robots, "text/plain")
        if request.path == "/sitemap.xml":
            return respond("site", request, 200, sitemap, "application/xml")
        page = site.page_of(request.path)
        if page is None:
            return respond("site", request, 404, "<html><title>Not found</title><h1>Not found</h1></html>", "text/html")
        if page not in cache:
            cache[page] = site.html(page, ext_ports)
        return respond("site", request, 200, cache[page], "text/html")

    def ext_handler(index: int):
        role = f"ext{index}"

        async def handler(request: web.Request) -> web.Response:
            await asyncio.sleep(latency)
            if request.path == "/robots.txt":
                return respond(role, request, 200, "User-agent: *\nAllow: /\n", "text/plain")
            match = re.fullmatch(r"/ext/(\d+)\.html", request.path)
            if match and int(match[1]) < EXTERNAL_PAGES and int(match[1]) % 8 != 7:
                page = (
                    f"<!doctype html><html><head><title>Partner {match[1]}</title></head><body><p>Hi.</p></body></html>"
                )
                return respond(role, request, 200, page, "text/html")
            return respond(role, request, 404, "<html><title>Not found</title></html>", "text/html")

        return handler

    async def control(request: web.Request) -> web.Response:
        if request.path == "/__reset":
            requests.clear()
            paths.clear()
            return web.Response(text="ok")
        site_pages = {path for role, path, status in paths if role == "site" and status == 200}
        site_pages -= {"/robots.txt", "/sitemap.xml"}
        stats = {
            "requests": sum(requests.values()),
            "by_kind": dict(sorted(requests.items())),
            "distinct": len(paths),
            "repeated": sum(n - 1 for n in paths.values()),
            "site_pages": len(site_pages),
            "max_repeat": max(paths.values(), default=0),
        }
        return web.json_response(stats)

    async def run_server() -> None:
        runners = []
        handlers = [(site_handler, site_sock), *((ext_handler(i), s) for i, s in enumerate(ext_socks))]
        for handler, sock in [*handlers, (control, control_sock)]:
            app = web.Application()
            app.router.add_route("*", "/{tail:.*}", handler)
            runner = web.AppRunner(app, access_log=None)
            await runner.setup()
            await web.SockSite(runner, sock, backlog=1024).start()
            runners.append(runner)
        print("ready", site_port, ",".join(map(str, ext_ports)), control_sock.getsockname()[1], flush=True)
        await asyncio.Event().wait()

    asyncio.run(run_server())


def control(port: int, what: str) -> dict:
    with urllib.request.urlopen(f"http://{HOST}:{port}/{what}", timeout=10) as answer:
        body = answer.read().decode()
    return json.loads(body) if what == "__stats" else {}


# -------------------------------------------------------------------------------------------- runs


@dataclass
class Run:
    tool: str
    label: str
    wall: float
    cpu: float
    rss_mb: float
    exit: int
    server: dict
    server_cpu: float = 0.0  # CPU seconds the server spent during the run
    others: float = 0.0  # CPUs busy with other processes during the run, on average
    pages: int | None = None
    links: int | None = None
    extra: str = ""

    @property
    def pages_per_s(self) -> float | None:
        return self.pages / self.wall if self.pages else None


def busy_seconds(pid: int | None = None) -> float:
    """CPU seconds spent so far by the whole machine (not idle), or by process ``pid``; 0 off Linux."""
    try:
        if pid is None:
            fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
            ticks = sum(int(fields[i]) for i in (0, 1, 2, 5, 6, 7))  # user nice system irq softirq steal
        else:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks = int(fields[11]) + int(fields[12])  # utime stime
    except (OSError, IndexError, ValueError):
        return 0.0
    return ticks / os.sysconf("SC_CLK_TCK")


def measured(command: list[str], out: Path, err: Path) -> tuple[float, float, float, int]:
    """Wall seconds, CPU seconds (user+sys) and peak RSS (MB) of the process, and its exit code."""
    env = {**os.environ, "no_proxy": HOST, "NO_PROXY": HOST}
    with out.open("wb") as stdout, err.open("wb") as stderr:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=stdout, stderr=stderr, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
    process.returncode = code = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, code


def run_tool(tool: str, label: str, command: list[str], tmp: Path, server_pid: int, control_port: int) -> Run:
    control(control_port, "__reset")
    out, err = tmp / f"{tool}.out", tmp / f"{tool}.err"
    machine, served = busy_seconds(), busy_seconds(server_pid)
    wall, cpu, rss, code = measured(command, out, err)
    server_cpu = busy_seconds(server_pid) - served
    others = max(0.0, busy_seconds() - machine - cpu - server_cpu)
    server = control(control_port, "__stats")
    run = Run(tool, label, wall, cpu, rss, code, server, server_cpu=server_cpu, others=others / wall)
    if code not in (0, 1):
        print(f"  {tool} exited {code}; stderr:\n" + indent(err.read_text(errors="replace")[-3000:]))
    if tool == "linkchecker":
        text = out.read_text(errors="replace")
        match = re.search(r"(\d+) links? in (\d+) URLs? checked", text)
        errors = re.search(r"(\d+) errors? found", text)
        if match:
            run.links = int(match[1])
            run.extra = f"urls {match[2]}" + (f"  errors {errors[1]}" if errors else "")
        run.pages = server["site_pages"] or None
    else:
        try:
            report = json.loads(out.read_text())
        except (OSError, ValueError):
            report = None
        if report:
            summary = report.get("summary", {})
            run.pages = len(report.get("sources", [])) or None
            run.links = summary.get("total")
            run.extra = "  ".join(
                f"{key} {summary[key]}" for key in ("requests", "cached", "broken") if summary.get(key) is not None
            )
    print(line(run), flush=True)
    return run


def indent(text: str) -> str:
    return "\n".join("    " + row for row in text.rstrip().splitlines())


def fmt(value: float | None, spec: str) -> str:
    width = re.match(r"\d*", spec)[0]  # type: ignore[index]
    return "-".rjust(int(width or 0)) if value is None else format(value, spec)


def line(run: Run) -> str:
    s = run.server
    kinds = s.get("by_kind", {})
    get = lambda prefix: sum(n for k, n in kinds.items() if k.startswith(prefix))  # noqa: E731
    heads = sum(n for k, n in kinds.items() if k.endswith(" HEAD"))
    return (
        f"  {run.label:14} {run.tool:11} wall {run.wall:7.2f} s  cpu {run.cpu:6.2f} s  rss {run.rss_mb:5.0f} MB  "
        f"pages {fmt(run.pages, '5d')}  {fmt(run.pages_per_s, '6.1f')} pages/s  links {fmt(run.links, '6d')}  "
        f"exit {run.exit}\n"
        f"  {'':14} {'':11} server: {s.get('requests', 0)} requests ({heads} HEAD), site pages {get('site page')}, "
        f"site 404 {get('site 404')}, robots {get('site robots') + get('ext robots')}, sitemap {get('site sitemap')}, "
        f"external {get('ext page') + get('ext 404')}; distinct site pages {s.get('site_pages', 0)}, "
        f"repeated {s.get('repeated', 0)}; server cpu {run.server_cpu:.1f} s; other processes {run.others:.2f} CPUs"
        + (f"\n  {'':14} {'':11} {run.extra}" if run.extra else "")
    )


def summarize(runs: list[Run]) -> None:
    print("\nsummary (median over repetitions; each run in brackets; others: most CPUs other processes used)")
    header = (
        f"  {'tool':11} {'wall s':>8} {'cpu s':>7} {'rss MB':>7} {'pages':>6} {'pages/s':>8} {'links':>7} "
        f"{'requests':>9} {'others':>6}  wall of each run"
    )
    print(header)
    rates: dict[str, float] = {}
    for tool in ("auditor", "linkchecker"):
        mine = [r for r in runs if r.tool == tool]
        if not mine:
            continue
        med = lambda values: statistics.median(values) if values else None  # noqa: E731
        rate = med([r.pages_per_s for r in mine if r.pages_per_s])
        if rate:
            rates[tool] = rate
        pages = med([r.pages for r in mine if r.pages])
        links = med([r.links for r in mine if r.links is not None])
        each = ", ".join(f"{r.wall:.2f}" for r in mine)
        print(
            f"  {tool:11} {med([r.wall for r in mine]):8.2f} {med([r.cpu for r in mine]):7.2f} "
            f"{med([r.rss_mb for r in mine]):7.0f} {fmt(pages, '6.0f')} {fmt(rate, '8.1f')} {fmt(links, '7.0f')} "
            f"{med([r.server.get('requests', 0) for r in mine]):9.0f} "
            f"{max(r.others for r in mine):6.2f}  [{each}]"
        )
    if len(rates) == 2:
        print(f"  auditor pages/s ÷ LinkChecker pages/s = {rates['auditor'] / rates['linkchecker']:.2f}")


# -------------------------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--links-per-page", type=int, default=20)
    parser.add_argument("--latency", type=float, default=50, help="milliseconds per answer (default 50)")
    parser.add_argument("--concurrency", type=int, default=10, help="auditor --max-concurrency, LinkChecker --threads")
    parser.add_argument("--host-concurrency", type=int, help="auditor --host-concurrency (default: --concurrency)")
    parser.add_argument("--depth", type=int, default=3, help="every page is at most this many links from home")
    parser.add_argument("--external-hosts", type=int, default=4)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--only", choices=("auditor", "linkchecker"), help="run one tool only")
    parser.add_argument("--no-cache-pair", action="store_true", help="skip auditor's cold/warm --cache runs")
    parser.add_argument(
        "--linkchecker-rps", type=float, default=1e6, help="LinkChecker maxrequestspersecond (10 is its stock throttle)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (reports, outputs)")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    site = Site(args.pages, args.links_per_page, args.depth, args.external_hosts)
    if args.serve:
        serve(site, args.latency / 1000)
        return
    server = subprocess.Popen(
        [
            sys.executable, __file__, "--serve", "--pages", str(args.pages), "--links-per-page",
            str(args.links_per_page), "--depth", str(args.depth), "--external-hosts", str(args.external_hosts),
            "--latency", str(args.latency),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    tmp = Path(tempfile.mkdtemp(prefix="crawl_speed-"))
    try:
        assert server.stdout is not None
        ready = server.stdout.readline().split()
        if not ready or ready[0] != "ready":
            sys.exit("the server did not start")
        site_port, control_port = int(ready[1]), int(ready[3])
        start = f"http://{HOST}:{site_port}/"
        concurrency = str(args.concurrency)
        host_concurrency = str(args.host_concurrency or args.concurrency)
        auditor = [
            "auditor", "check", start, "--crawl", "--depth", str(args.depth), "--max-pages", "10000",
            "--no-progress", "--format", "json", "--max-concurrency", concurrency,
            "--host-concurrency", host_concurrency, "--host-request-interval", "0", "--retries", "0",
            "--timeout", "20",
        ]  # fmt: skip
        config = tmp / "linkcheckerrc"
        config.write_text(f"[checking]\nmaxrequestspersecond={args.linkchecker_rps:g}\n")
        config.chmod(0o644)
        linkchecker = [
            shutil.which("linkchecker") or "linkchecker", "-f", str(config), "--threads", concurrency,
            "-r", str(args.depth + 1), "--check-extern", "--timeout", "20", "--no-status", "--no-warnings",
            "-o", "text", start,
        ]  # fmt: skip
        tools = {"auditor": auditor, "linkchecker": linkchecker}
        if args.only:
            tools = {args.only: tools[args.only]}
        expected = site.expected()
        print(
            f"site: {args.pages} pages (fan-out {site.fanout}, all within depth {args.depth}), "
            f"{expected['links']} links ({args.links_per_page}/page), {expected['missing']} distinct missing pages, "
            f"{expected['external']} distinct external URLs on {args.external_hosts} hosts "
            f"({expected['external_404']} are 404); {args.latency:g} ms an answer; concurrency {concurrency}, "
            f"host concurrency {host_concurrency}"
        )
        bound = args.pages * args.latency / 1000 / args.concurrency
        print(f"lower bound: {bound:.2f} s (the pages alone, {args.concurrency} at a time)")
        for name, command in tools.items():
            print(f"{name}: {' '.join(command)}")
        help_text = subprocess.run(["auditor", "check", "--help"], capture_output=True, text=True).stdout
        if "auditor" in tools and "--crawl" not in help_text:
            print("note: this auditor has no --crawl option yet; its runs will fail")
        runs: list[Run] = []
        for rep in range(1, args.reps + 1):
            order = list(tools) if rep % 2 else list(reversed(tools))
            for name in order:
                runs.append(run_tool(name, f"rep {rep}", tools[name], tmp, server.pid, control_port))
        summarize(runs)
        if "auditor" in tools and not args.no_cache_pair:
            print("\nauditor --cache: cold (empty cache file), then warm (same file)")
            cache = tmp / "cache.sqlite"
            cache.unlink(missing_ok=True)
            cached = [*auditor, "--cache", "--cache-file", str(cache), "--cache-max-age", "1d"]
            cold = run_tool("auditor", "cache cold", cached, tmp, server.pid, control_port)
            warm = run_tool("auditor", "cache warm", cached, tmp, server.pid, control_port)
            if warm.wall and cold.exit in (0, 1) and warm.exit in (0, 1):
                print(f"  warm speed-up: {cold.wall / warm.wall:.1f}x wall, requests {cold.server['requests']} -> "
                      f"{warm.server['requests']}")  # fmt: skip
    finally:
        server.terminate()
        server.wait()
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
