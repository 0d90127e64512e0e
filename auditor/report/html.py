"""The HTML report maintainers read: one self-contained file that opens on what to act on.

It opens on "This week" (with a history: new broken, still broken, fixed, each row with
its clickable address, the replacement and its place; a sparkline of failing per run; a
link to the index of runs) and four group tiles, the groups of :mod:`auditor.report.summary`
(fails, replace, check by hand, fine) with their statuses as filters inside. Every count
shown comes from one :class:`~auditor.report.summary.Summary`. Each reference is in the
page once, as compact JSON in a ``<script type="application/json">`` (``<``, ``>`` and ``&``
escaped, so a document's ``</script>`` cannot end it); the page's own script renders "All
references" and "By document" from it, a page of rows at a time, with text nodes only.

The rest is built from a typed view model (:class:`ReportView`) by Jinja2 with autoescape
on: every text in it comes from documents or the web and is untrusted. The inline style
and script are allowed by their hashes in a Content-Security-Policy, so even markup that
slipped through escaping could not run a script.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import heapq
import json
import shlex
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING
from urllib.parse import quote, urlsplit

from auditor import __version__
from auditor.defaults import MAX_REPORT_ROWS
from auditor.extract import Extraction
from auditor.reference import Email, Location, Phone, Url
from auditor.report.summary import WAITING, Change, Group, RunPoint, Standing, Summary, standing, summary_of
from auditor.sources import Format
from auditor.untrusted import without_controls
from auditor.verdict import Checked, CheckRun, Severity, Status

if TYPE_CHECKING:
    import jinja2

    from auditor.crawl.report import CrawlReport
    from auditor.report.recall import HistoryContext


@dataclass(frozen=True, slots=True)
class Look:
    """How a status shows: a word, a symbol beside it (colour is never the only sign) and a tone."""

    symbol: str
    tone: str  # bad | warn | info | good | muted: a CSS class


#: Each severity's tone: a CSS class.
TONES: dict[Severity, str] = {
    Severity.FAILURE: "bad",
    Severity.WARNING: "warn",
    Severity.NOTE: "info",
    Severity.PASS: "good",
    Severity.NONE: "muted",
}
#: Each status's symbol beside its word: this report's wording, every status in one place.
SYMBOLS: dict[Status, str] = {
    Status.DEAD: "\u2717",
    Status.SOFT_404: "\u2717",
    Status.PARKED: "\u2298",
    Status.ERROR: "!",
    Status.MISSING_FRAGMENT: "#",
    Status.MOVED: "\u2192",
    Status.SHORTENED: "\u2192",
    Status.INVALID: "\u2717",
    Status.UNCONFIRMED: "?",
    Status.BLOCKED: "?",
    Status.REDIRECTED: "\u21aa",
    Status.OK: "\u2713",
    Status.CONFIRMED: "\u2713",
    Status.SKIPPED: "\u2013",
    Status.UNCHECKED: "\u00b7",
}
#: Most urgent first: the order of tiles, and of the status column when sorted.
SEVERITY: tuple[Status, ...] = tuple(sorted(Status, key=lambda s: s.urgency))
LOOKS: dict[Status, Look] = {s: Look(SYMBOLS[s], TONES[s.severity]) for s in SEVERITY}
#: A status and a group by their index in the page's data (``statuses``, ``groups``).
STATUS_INDEX: dict[Status, int] = {s: n for n, s in enumerate(SEVERITY)}
GROUP_INDEX: dict[Group, int] = {g: n for n, g in enumerate(Group)}
#: Rows in each list of "This week" (new broken, fixed, still broken); the rest are a link to the filtered view.
THIS_WEEK_ROWS = 20
#: A place's line of context is cut to this many characters in the page's data.
CONTEXT_CHARS = 160
#: What a crawl's scope reaches, in words.
SCOPES = {"host": "this host name only", "domain": "every host of the site's domain"}
#: The lists of "This week", in order: the change, its heading and what it means.
CHANGES: tuple[tuple[Change, str, str], ...] = (
    (Change.NEW, "New broken", "Broken since the previous audit: the freshest to fix."),
    (Change.STILL, "Still broken", "Failing in the previous audit too."),
    (Change.FIXED, "Fixed", "Failing in the previous audit, working now."),
)


@dataclass(frozen=True, slots=True)
class Place:
    """Where a reference is written: ``guide.md:12:5`` (``leaflet.pdf p. 2``), a link to it, the line around it."""

    label: str
    href: str  # the file in its repository (``source_url``), else the document's view in this page
    context: str


@dataclass(frozen=True, slots=True)
class Row:
    """One reference of "This week" as the page shows it before any script runs."""

    anchor: str
    status: Status
    look: Look
    standing: Standing
    text: str
    href: str | None  # the address as a link (http, https, mailto:, tel:), None when it cannot be one
    reason: str
    suggestion: str | None
    suggestion_href: str | None
    place: Place | None
    more_places: int
    since: str | None


@dataclass(frozen=True, slots=True)
class ChangeList:
    """A list of "This week": its first rows and how many more there are."""

    change: Change
    title: str
    advice: str
    rows: tuple[Row, ...]
    more: int


@dataclass(frozen=True, slots=True)
class GroupTile:
    """One of the four groups: its count and its statuses (each a filter), all from the summary."""

    group: Group
    count: int
    statuses: tuple[tuple[Status, Look, int], ...]


@dataclass(frozen=True, slots=True)
class Spark:
    """The trend of failing references per run, as an inline SVG polyline."""

    points: str  # the polyline's points
    width: int
    height: int
    values: tuple[int, ...]
    last: int


@dataclass(frozen=True, slots=True)
class CrawlView:
    """One crawled site: how far the crawl went, and in ``caps`` where it stopped short and what to raise."""

    anchor: str
    start: str
    link: str | None  # the start page, when it can be a link
    scope: str
    depth: int
    max_pages: int
    pages: int
    cached: int  # of the pages, how many came from the cache
    sitemaps: tuple[tuple[str, str | None], ...]  # each sitemap read, with its link
    sitemap_pages: int
    disallowed: int
    crawl_delay: str | None
    caps: tuple[str, ...]
    warnings: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ReportView:
    title: str
    generated_at: str
    inputs: tuple[str, ...]
    elapsed: str
    requests: int
    network_unavailable: bool
    notes: tuple[str, ...]  # about the run itself (the web archive did not answer)
    summary: Summary
    tiles: tuple[GroupTile, ...]
    changes: tuple[ChangeList, ...]  # with a history: new broken, still broken, fixed
    data: str  # the rows and documents as JSON, safe inside <script type="application/json">
    rows: tuple[dict[str, object], ...]  # the same, as Python values (tests, the bench)
    problems: tuple[str, ...]
    version: str
    stale: tuple[tuple[str, str], ...] = ()  # documents past checks.stale_after_days: (anchor, name)
    previous_run: str | None = None
    stale_after_days: int | None = None
    cached: int = 0  # results reused from the cross-run cache
    crawls: tuple[CrawlView, ...] = ()
    omitted: int = 0  # references beyond MAX_REPORT_ROWS, left out (the JSON report has them all)
    spark: Spark | None = None
    index_href: str | None = None

    @property
    def total(self) -> int:
        return self.summary.total

    @property
    def failing(self) -> int:
        return self.summary.failing


def to_html(
    extraction: Extraction,
    run: CheckRun,
    fail_on: Collection[Status],
    *,
    inputs: Sequence[str] = (),
    generated_at: dt.datetime | None = None,
    history: HistoryContext | None = None,
    max_rows: int | None = None,
    trend: Sequence[RunPoint] = (),
    index_href: str | None = None,
    source_url: str | None = None,
) -> str:
    """The whole report as one HTML document; ``history`` adds what changed since the last run.

    ``trend`` (past runs, oldest first) draws the sparkline of failing per run; ``index_href``
    links to the index of runs; ``source_url`` (``https://.../blob/main/{path}#L{line}``)
    makes each ``file:line`` a link to the file. At most ``max_rows`` (:data:`MAX_REPORT_ROWS`)
    references are in the page, the most severe first.
    """
    import markupsafe  # comes with jinja2

    view = build_view(
        extraction,
        run,
        fail_on,
        inputs=inputs,
        generated_at=generated_at,
        history=history,
        max_rows=max_rows,
        trend=trend,
        index_href=index_href,
        source_url=source_url,
    )
    env = environment()
    style, script = asset("report.css"), asset("report.js")
    return env.get_template("report.html.j2").render(
        view=view,
        waiting=WAITING,
        data=markupsafe.Markup(view.data),  # JSON with <, > and & escaped: it cannot close its <script>
        style=markupsafe.Markup(style),  # our own files, inlined verbatim: the CSP hashes them as they are
        script=markupsafe.Markup(script),
        csp=content_security_policy(style, script),
    )


def build_view(
    extraction: Extraction,
    run: CheckRun,
    fail_on: Collection[Status],
    *,
    inputs: Sequence[str] = (),
    generated_at: dt.datetime | None = None,
    history: HistoryContext | None = None,
    max_rows: int | None = None,
    trend: Sequence[RunPoint] = (),
    index_href: str | None = None,
    source_url: str | None = None,
) -> ReportView:
    """What the template shows, computed here so the template only lays it out.

    Every count comes from :func:`summary_of` over one :class:`Standing` per reference. At
    most ``max_rows`` references are in the page's data, the most severe first; the counts
    are of all of them.
    """
    limit = MAX_REPORT_ROWS if max_rows is None else max_rows
    results = run.results
    standings = [standing(item, fail_on, history) for item in results]
    summary = summary_of(standings, history=history is not None, network_unavailable=run.network_unavailable)
    docs = _documents(extraction, source_url)
    index = {doc.name: i for i, doc in enumerate(docs)}
    shown = _most_severe(results, limit)
    order = sorted(shown, key=lambda i: (results[i].verdict.status.urgency, i))
    reasons: dict[str, int] = {}  # each reason once: "200 OK" is said of thousands
    records = tuple(_record(results[i], standings[i], index, history, reasons) for i in order)
    per_doc: dict[int, list[Standing]] = {}
    for i in shown:
        for n in {index[loc.source] for loc in results[i].reference.locations if loc.source in index}:
            per_doc.setdefault(n, []).append(standings[i])
    suggested = {
        index[loc.source]
        for i in shown
        if results[i].verdict.suggestion
        for loc in results[i].reference.locations
        if loc.source in index
    }
    documents = [doc.data(per_doc.get(n, ()), n in suggested) for n, doc in enumerate(docs)]
    for n, info in enumerate(extraction.sources):
        if history is not None and history.is_stale(info):
            documents[n]["st"] = 1
    data = {
        "statuses": [[s.value, LOOKS[s].symbol, LOOKS[s].tone] for s in SEVERITY],
        "groups": [[g.value, g.heading, g.tone] for g in Group],
        "waiting": WAITING,
        "reasons": list(reasons),
        "docs": documents,
        "rows": records,
    }
    when = (generated_at or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    stale = tuple((f"doc-{n + 1}", doc.name) for n, doc in enumerate(docs) if "st" in documents[n])
    return ReportView(
        title="Link audit",
        generated_at=when.strftime("%Y-%m-%d %H:%M UTC"),
        inputs=tuple(inputs) or tuple(info.name for info in extraction.sources),
        elapsed=f"{run.elapsed_ms / 1000:.1f} s",
        requests=run.requests,
        network_unavailable=run.network_unavailable,
        notes=tuple(_clean(note) for note in run.notes),
        summary=summary,
        tiles=tuple(
            GroupTile(g, summary.by_group[g], tuple((s, LOOKS[s], n) for s, n in summary.by_group_status[g].items()))
            for g in Group
        ),
        changes=_changes(results, standings, docs, index) if history is not None else (),
        data=island(data),
        rows=records,
        problems=tuple(_clean(str(problem)) for problem in extraction.problems),
        version=__version__,
        stale=stale,
        previous_run=history.previous_run.strftime("%Y-%m-%d %H:%M UTC") if history and history.previous_run else None,
        stale_after_days=history.stale_after_days if history is not None else None,
        cached=run.cached,
        crawls=tuple(_crawl(i, report) for i, report in enumerate(extraction.crawls)),
        omitted=len(results) - len(shown),
        spark=_spark(trend),
        index_href=index_href,
    )


def island(data: object) -> str:
    """``data`` as JSON to put inside ``<script type="application/json">``: no ``<``, ``>`` or
    ``&`` as such, so no ``</script>`` or ``<!--`` in a document's text can end the element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


@dataclass(frozen=True, slots=True)
class _Document:
    name: str
    format: Format
    date: str | None
    url: str | None
    source: str | None  # source_url for this file, ``{line}`` left to fill in

    def data(self, standings: Sequence[Standing], suggestions: bool) -> dict[str, object]:
        summary = summary_of(standings)
        out: dict[str, object] = {"n": self.name, "f": self.format.value, "c": list(summary.by_group.values())}
        if self.date:
            out["d"] = self.date
        if self.url:
            out["u"] = self.url
        if self.source:
            out["src"] = self.source
        if suggestions and self.url is None:
            out["fix"] = f"auditor fix {shlex.quote(self.name)}"
        return out

    def href(self, line: int, n: int) -> str:
        return self.source.replace("{line}", str(line)) if self.source else f"#doc-{n + 1}"


def _documents(extraction: Extraction, source_url: str | None) -> list[_Document]:
    return [
        _Document(
            name=_clean(info.name),
            format=info.format,
            date=info.document_date.isoformat() if info.document_date else None,
            url=_link(info.url),
            source=source_link(source_url, info.name) if source_url and info.url is None else None,
        )
        for info in extraction.sources
    ]


def source_link(template: str, path: str) -> str | None:
    """``template`` with ``{path}`` filled in (percent-encoded) and ``{line}`` left to fill in;
    None unless the result is an http or https address."""
    encoded = quote(path.replace("\\", "/").removeprefix("./"), safe="/")
    filled = template.replace("{path}", encoded)
    return filled if _link(filled.replace("{line}", "1")) == filled.replace("{line}", "1") else None


def _most_severe(results: Sequence[Checked], limit: int) -> list[int]:
    """Indexes of at most ``limit`` results, the most severe first, in their order (all of them when few)."""
    if len(results) <= limit:
        return list(range(len(results)))
    chosen = heapq.nsmallest(limit, range(len(results)), key=lambda i: (results[i].verdict.status.urgency, i))
    return sorted(chosen)


def address_href(item: Checked) -> str | None:
    """The reference as a link: an http(s) address, ``mailto:`` the parsed address, ``tel:`` the E.164 number."""
    target = item.reference.target
    if isinstance(target, Url):
        return _link(target.url)
    if isinstance(target, Email):
        return "mailto:" + quote(target.address, safe="@") if "@" in target.address else None
    if isinstance(target, Phone):
        digits = "+" + "".join(c for c in target.e164 if c.isdigit())
        return f"tel:{digits}" if len(digits) > 1 else None
    return None


def _record(
    item: Checked,
    one: Standing,
    index: dict[str, int],
    history: HistoryContext | None,
    reasons: dict[str, int],
) -> dict[str, object]:
    """One reference in the page's data: short keys, empty values left out, a value the row
    already has as 1 (20,000 of them must stay small; report.js reads them)."""
    ref, verdict = item.reference, item.verdict
    text, shown = _clean(ref.text), _clean(item.reference.target.key)
    out: dict[str, object] = {"s": STATUS_INDEX[one.status], "g": GROUP_INDEX[one.group], "t": text}
    if one.failing:
        out["f"] = 1
    if one.waiting:
        out["w"] = 1
    if one.change is not None:
        out["ch"] = one.change.value
    if shown != text:
        out["u"] = shown
    if (href := address_href(item)) is not None:
        out["h"] = 1 if href == shown else href
    if ref.kind.value != "url":
        out["k"] = ref.kind.value
    if reason := _clean(verdict.reason):
        out["r"] = reasons.setdefault(reason, len(reasons))
    if verdict.http_status:
        out["c"] = verdict.http_status
    suggestion = _clean(verdict.suggestion) if verdict.suggestion else None
    if suggestion:
        out["x"] = suggestion
        if _link(verdict.suggestion):
            out["xh"] = 1
        if verdict.domain_changed and one.status is Status.MOVED:
            out["dc"] = 1
    if archive := _link(verdict.archive_url):
        out["a"] = archive
    if verdict.redirects:
        out["rd"] = [[1 if (url := _clean(hop.url)) == shown else url, hop.status] for hop in verdict.redirects]
        if verdict.final_url:
            final = _clean(verdict.final_url)
            out["fu"] = [1 if final == suggestion else final, verdict.http_status or 0]
    if verdict.findings:
        out["fi"] = [_clean(f"{f.kind}: {f.detail}" if f.detail else f.kind) for f in verdict.findings]
    places = [
        _place_data(loc, index[loc.source]) if loc.source in index else [-1, loc.line, 0, _clean(loc.source)]
        for loc in ref.locations
    ]
    if places:
        out["p"] = places
    if one.since is not None:
        out["sn"] = one.since.strftime("%Y-%m-%d")
    memory = history.memories.get(ref.key) if history is not None else None
    if memory is not None and memory.previous_status is not None and memory.previous_status is not one.status:
        out["ps"] = STATUS_INDEX[memory.previous_status]
    if verdict.cached:
        out["ca"] = verdict.checked_at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    if phone := verdict.phone:
        if phone.listed_on:
            out["lo"] = _clean(phone.listed_on)
        if phone.found:
            out["fd"] = list(phone.found)
    return out


def _place_data(location: Location, document: int) -> list[object]:
    context = _clean(" ".join(location.context.split()))
    if len(context) > CONTEXT_CHARS:
        context = context[: CONTEXT_CHARS - 1] + "\u2026"
    return [document, location.line, location.column or 0, context]


def _place(location: Location, index: dict[str, int], docs: list[_Document]) -> Place:
    n = index.get(location.source)
    fmt = docs[n].format if n is not None else None
    if fmt is Format.PDF:
        label = f"{location.source} p. {location.line}"
    else:
        label = f"{location.source}:{location.line}" + (f":{location.column}" if location.column else "")
    href = docs[n].href(location.line, n) if n is not None else ""
    return Place(_clean(label), href, _clean(" ".join(location.context.split()))[:CONTEXT_CHARS])


def _changes(
    results: Sequence[Checked], standings: Sequence[Standing], docs: list[_Document], index: dict[str, int]
) -> tuple[ChangeList, ...]:
    lists = []
    for change, title, advice in CHANGES:
        chosen = [i for i, one in enumerate(standings) if one.change is change]
        chosen.sort(key=lambda i: (results[i].verdict.status.urgency, i))
        rows = tuple(_row(i, results[i], standings[i], docs, index) for i in chosen[:THIS_WEEK_ROWS])
        lists.append(ChangeList(change, title, advice, rows, len(chosen) - len(rows)))
    return tuple(lists)


def _row(i: int, item: Checked, one: Standing, docs: list[_Document], index: dict[str, int]) -> Row:
    verdict = item.verdict
    locations = item.reference.locations
    suggestion = _clean(verdict.suggestion) if verdict.suggestion else None
    return Row(
        anchor=f"ref-{i + 1}",
        status=one.status,
        look=LOOKS[one.status],
        standing=one,
        text=_clean(item.reference.target.key),
        href=address_href(item),
        reason=_clean(verdict.reason),
        suggestion=suggestion,
        suggestion_href=_link(verdict.suggestion),
        place=_place(locations[0], index, docs) if locations else None,
        more_places=max(0, len(locations) - 1),
        since=one.since.strftime("%Y-%m-%d") if one.since else None,
    )


def _spark(trend: Sequence[RunPoint], width: int = 160, height: int = 32) -> Spark | None:
    """Failing per run, oldest first, as a polyline in a ``width`` x ``height`` box (None without two runs)."""
    values = tuple(point.failing for point in trend)
    if len(values) < 2:
        return None
    top = max(values) or 1
    step = (width - 4) / (len(values) - 1)
    points = " ".join(f"{2 + n * step:.1f},{height - 2 - v / top * (height - 4):.1f}" for n, v in enumerate(values))
    return Spark(points, width, height, values, values[-1])


def _crawl(index: int, report: CrawlReport) -> CrawlView:
    caps = []
    if n := report.beyond_depth:
        more = f"{n:,} more page was" if n == 1 else f"{n:,} more pages were"
        caps.append(f"depth {report.depth} reached: {more} not followed (raise --depth or sources[].depth)")
    if n := report.beyond_max_pages:
        more = f"{n:,} more was" if n == 1 else f"{n:,} more were"
        caps.append(f"{report.max_pages:,} pages reached: {more} not read (raise --max-pages or sources[].max_pages)")
    return CrawlView(
        anchor=f"crawl-{index + 1}",
        start=_clean(report.start),
        link=_link(report.start),
        scope=f"{report.scope} ({SCOPES[report.scope]})" if report.scope in SCOPES else _clean(report.scope),
        depth=report.depth,
        max_pages=report.max_pages,
        pages=report.pages,
        cached=report.cached,
        sitemaps=tuple((_clean(url), _link(url)) for url in report.sitemaps),
        sitemap_pages=report.sitemap_pages,
        disallowed=report.disallowed,
        crawl_delay=f"{report.crawl_delay:g} s" if report.crawl_delay else None,
        caps=tuple(caps),
        warnings=tuple(_clean(warning) for warning in report.warnings),
    )


def _link(url: str | None) -> str | None:
    """``url`` when it is safe as a link's target: http or https only (never ``javascript:``)."""
    if url is None:
        return None
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:  # a malformed address (an unclosed IPv6 bracket) is shown, not linked
        return None
    return _clean(url) if scheme in ("http", "https") else None


def _clean(text: str) -> str:
    """No control characters (escaping handles markup; these would only garble the page)."""
    return without_controls(text, keep_lines=True)


def content_security_policy(style: str, script: str | None) -> str:
    """Nothing loads from anywhere; only this page's own style and script (if any) run."""

    def digest(text: str) -> str:
        return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"

    scripts = digest(script) if script else "'none'"
    return (
        f"default-src 'none'; style-src {digest(style)}; script-src {scripts}; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )


@cache
def asset(name: str) -> str:
    return resources.files("auditor.report").joinpath("templates", name).read_text(encoding="utf-8")


@cache
def environment() -> jinja2.Environment:
    import jinja2  # only the runs that write HTML pay for the import

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("auditor.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals["zip"] = zip
    env.filters["thousands"] = "{:,}".format  # 10,000 pages
    return env
