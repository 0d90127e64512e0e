"""The HTML report maintainers read: one self-contained file, organised the way an editor fixes things.

What is broken comes first, then what to replace, then what could not be verified,
then how far a site crawl went, every reference (filter, search, sort) and a view per
document (each closed to its name and counts when there are many: a crawled site). The
page is built from a typed view model (:class:`ReportView`) by Jinja2 with autoescape on:
every text in it comes from documents or the web and is untrusted. The inline style
and script are allowed by their hashes in a Content-Security-Policy, so even markup
that slipped through escaping could not run a script.

Sections are templates under ``templates/sections/``, listed in :data:`SECTIONS`:
a later section (history, trend, phones) is a template and a line here.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import heapq
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from auditor import __version__
from auditor.defaults import MAX_REPORT_ROWS
from auditor.extract import Extraction
from auditor.reference import Email, Location, Phone, Url
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
#: The report's sections, in order: each is ``templates/sections/<name>.html.j2``.
SECTIONS: tuple[tuple[str, str], ...] = (
    ("changes", "Since the last run"),  # only with a history (auditor run)
    ("attention", "Needs attention"),
    ("crawl", "Site crawl"),  # only when a site was crawled
    ("phones", "Phone numbers"),  # only when there are phone numbers
    ("references", "All references"),
    ("documents", "By document"),
)
#: Up to this many documents each is shown open; beyond (a crawled site), each is closed to its name and counts.
OPEN_DOCUMENTS = 20
#: Beyond this many references the table of all of them starts closed: a browser takes
#: minutes to lay out 40,000 rows, and the tiles, the search and the sections above serve first.
OPEN_REFERENCES = 5_000
#: What a crawl's scope reaches, in words.
SCOPES = {"host": "this host name only", "domain": "every host of the site's domain"}


@dataclass(frozen=True, slots=True)
class Place:
    """Where a reference is written: ``guide.md:12:5`` (or ``leaflet.pdf p. 2``) and the line around it."""

    source: str
    line: int
    label: str
    context: str
    document: str  # the anchor of the document's section in the report
    at: str = ""  # the place within its document, for the document's own view: ``line 12:5``, ``p. 2``


@dataclass(frozen=True, slots=True)
class Row:
    """One reference as the report shows it."""

    anchor: str
    status: Status
    look: Look
    failing: bool
    kind: str
    text: str
    target: str
    reason: str
    http_status: int | None
    redirects: tuple[tuple[str, int], ...]
    final_url: str | None
    suggestion: str | None
    domain_changed: bool
    findings: tuple[str, ...]
    places: tuple[Place, ...]
    search: str  # what the free-text search looks in, lower-cased
    key: str = ""
    previous_status: Status | None = None  # with a history: the last run's status
    since: str | None = None  # with a history: since when the status has been this
    damped: bool = False  # a first transient error, not counted until it repeats (checks.confirm_after)
    listed_on: str | None = None  # phones: the page that lists the number
    found: tuple[str, ...] = ()  # phones: the numbers the organisation's pages list instead
    cached: bool = False  # reused from the cross-run cache, not asked this run
    checked_at: str = ""  # when the verdict was reached (for a cached one: the earlier check)
    archive_url: str | None = None  # dead, soft-404, parked: an archived copy (http or https only, to be a link)

    @property
    def severity(self) -> int:
        return self.status.urgency

    @property
    def previous_look(self) -> Look | None:
        return LOOKS[self.previous_status] if self.previous_status else None


@dataclass(frozen=True, slots=True)
class Group:
    """A part of "Needs attention": a heading, what to do about it, and its rows."""

    key: str
    title: str
    advice: str
    rows: tuple[Row, ...]


@dataclass(frozen=True, slots=True)
class Tile:
    status: Status
    look: Look
    count: int
    failing: bool


@dataclass(frozen=True, slots=True)
class DocumentView:
    anchor: str
    name: str
    format: str
    document_date: str | None
    counts: tuple[tuple[Status, int], ...]
    rows: tuple[tuple[Row, tuple[Place, ...]], ...]  # each reference with its places in this document
    stale: bool = False  # older than checks.stale_after_days (auditor run)
    url: str | None = None  # a web page's address, when it can be a link (http or https)
    failing: int = 0  # references here with a failing status
    open: bool = True  # shown open; closed to its name and counts when there are many documents


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
    total: int
    failing: int
    tiles: tuple[Tile, ...]
    groups: tuple[Group, ...]
    rows: tuple[Row, ...]
    documents: tuple[DocumentView, ...]
    problems: tuple[str, ...]
    sections: tuple[tuple[str, str], ...]
    version: str
    changes: tuple[Group, ...] = ()  # new and fixed since the previous run (auditor run)
    previous_run: str | None = None
    phones: tuple[Row, ...] = ()
    stale_after_days: int | None = None
    cached: int = 0  # results reused from the cross-run cache
    crawls: tuple[CrawlView, ...] = ()
    references_open: bool = True  # the table of all references is shown open (see OPEN_REFERENCES)
    omitted: int = 0  # references beyond MAX_REPORT_ROWS, left out (the JSON report has them all)


def to_html(
    extraction: Extraction,
    run: CheckRun,
    fail_on: Collection[Status],
    *,
    inputs: Sequence[str] = (),
    generated_at: dt.datetime | None = None,
    history: HistoryContext | None = None,
    max_rows: int = MAX_REPORT_ROWS,
) -> str:
    """The whole report as one HTML document; ``history`` adds what changed since the last run.

    At most ``max_rows`` references are listed, the most severe first (see :func:`build_view`).
    """
    import markupsafe  # comes with jinja2

    view = build_view(
        extraction, run, fail_on, inputs=inputs, generated_at=generated_at, history=history, max_rows=max_rows
    )
    env = environment()
    style, script = asset("report.css"), asset("report.js")
    return env.get_template("report.html.j2").render(
        view=view,
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
    max_rows: int = MAX_REPORT_ROWS,
) -> ReportView:
    """What the template shows, computed here so the template only lays it out.

    At most ``max_rows`` references are shown, the most severe first (a million rows make
    a page no browser opens); the counts are of all of them, and the rest are counted.
    """
    documents = {info.name: (f"doc-{i + 1}", info.format) for i, info in enumerate(extraction.sources)}
    results = run.results
    shown_indexes = _most_severe(results, max_rows)
    rows = tuple(_row(i, results[i], fail_on, documents) for i in shown_indexes)
    if history is not None:
        rows = tuple(_recalled(row, history) for row in rows)
    counts = Counter(item.verdict.status for item in results)
    when = (generated_at or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    phones = tuple(row for row in rows if row.kind == "phone")
    shown = {"changes": history is not None, "phones": bool(phones), "crawl": bool(extraction.crawls)}
    sections = tuple((key, title) for key, title in SECTIONS if shown.get(key, True))
    return ReportView(
        title="Link audit",
        generated_at=when.strftime("%Y-%m-%d %H:%M UTC"),
        inputs=tuple(inputs) or tuple(info.name for info in extraction.sources),
        elapsed=f"{run.elapsed_ms / 1000:.1f} s",
        requests=run.requests,
        network_unavailable=run.network_unavailable,
        notes=tuple(_clean(note) for note in run.notes),
        total=len(results),
        failing=_failing(results, fail_on, history) if len(rows) < len(results) else sum(r.failing for r in rows),
        tiles=tuple(Tile(s, LOOKS[s], counts[s], s in fail_on) for s in SEVERITY if counts[s]),
        groups=_groups(rows, fail_on),
        rows=rows,
        documents=_documents(extraction, rows, documents, history),
        problems=tuple(_clean(str(problem)) for problem in extraction.problems),
        sections=sections,
        version=__version__,
        changes=_changes(rows, history) if history is not None else (),
        previous_run=history.previous_run.strftime("%Y-%m-%d %H:%M UTC") if history and history.previous_run else None,
        phones=tuple(sorted(phones, key=lambda r: r.severity)),
        stale_after_days=history.stale_after_days if history is not None else None,
        cached=run.cached,
        crawls=tuple(_crawl(i, report) for i, report in enumerate(extraction.crawls)),
        references_open=len(rows) <= OPEN_REFERENCES,
        omitted=len(results) - len(rows),
    )


def _failing(results: Sequence[Checked], fail_on: Collection[Status], history: HistoryContext | None) -> int:
    """How many of all ``results`` fail (with a history: only those confirmed), shown or not."""

    def confirmed(item: Checked) -> bool:
        memory = history.memories.get(item.reference.key) if history is not None else None
        return memory is None or memory.confirmed

    return sum(1 for item in results if item.verdict.status in fail_on and confirmed(item))


def _most_severe(results: Sequence[Checked], limit: int) -> list[int]:
    """Indexes of at most ``limit`` results, the most severe first, in their order (all of them when few)."""
    if len(results) <= limit:
        return list(range(len(results)))
    chosen = heapq.nsmallest(limit, range(len(results)), key=lambda i: (results[i].verdict.status.urgency, i))
    return sorted(chosen)


def _recalled(row: Row, history: HistoryContext) -> Row:
    memory = history.memories.get(row.key)
    if memory is None:
        return row
    damped = row.failing and not memory.confirmed
    return replace(
        row,
        previous_status=memory.previous_status,
        since=memory.status_since.strftime("%Y-%m-%d"),
        failing=row.failing and memory.confirmed,
        damped=damped,
    )


def _changes(rows: tuple[Row, ...], history: HistoryContext) -> tuple[Group, ...]:
    new = tuple(r for r in rows if r.key in history.new_broken)
    fixed = tuple(r for r in rows if r.key in history.fixed)
    groups = (
        Group("new", "New since the last run", "Broken since the previous audit: the freshest to fix.", new),
        Group("fixed", "Fixed since the last run", "Failing in the previous audit, working now.", fixed),
    )
    return tuple(g for g in groups if g.rows)


def _groups(rows: tuple[Row, ...], fail_on: Collection[Status]) -> tuple[Group, ...]:
    # A malformed link has its own group (what to correct is the text, not the target), failing or not.
    def is_malformed(r: Row) -> bool:
        return r.status is Status.INVALID and r.kind != "phone"

    malformed = tuple(r for r in rows if is_malformed(r))
    broken = tuple(sorted((r for r in rows if r.failing and not is_malformed(r)), key=lambda r: r.severity))
    outdated = tuple(r for r in rows if r.status.suggests_rewrite and not r.failing)
    unverified = tuple(r for r in rows if r.status is Status.BLOCKED and not r.failing)
    phones = tuple(r for r in rows if r.status.needs_a_person and r.kind == "phone" and not r.failing)
    listed = {r.anchor for r in (*broken, *outdated, *unverified, *phones, *malformed)}
    noted = tuple(r for r in rows if r.findings and r.anchor not in listed)
    groups = (
        Group(
            "broken",
            "Broken",
            "Readers who follow these get nowhere: replace or remove them.",
            broken,
        ),
        Group(
            "replace",
            "Outdated: replace with the suggestion",
            "These still work, through a permanent redirect or a shortener: point straight at the destination.",
            outdated,
        ),
        Group(
            "unverified",
            "Could not verify",
            "The site refused an automated check (a login, a bot challenge, rate limits): open these by hand.",
            unverified,
        ),
        Group(
            "malformed",
            "Malformed links",
            "Not a valid address as written (a stray bracket, no host, a mailto: without an address): correct them.",
            malformed,
        ),
        Group(
            "phones",
            "Phone numbers to check",
            "Not on the organisation's pages any more (the numbers they list are shown), or not a valid number.",
            phones,
        ),
        Group("findings", "Findings", "Working references with something to look at.", noted),
    )
    return tuple(g for g in groups if g.rows)


def _documents(
    extraction: Extraction,
    rows: tuple[Row, ...],
    anchors: dict[str, tuple[str, Format]],
    history: HistoryContext | None = None,
) -> tuple[DocumentView, ...]:
    # One pass over the places, not one per document: a crawl has thousands of both.
    written: dict[str, dict[str, list[Place]]] = {}  # source -> row anchor -> places
    by_anchor = {row.anchor: row for row in rows}
    for row in rows:
        for place in row.places:
            written.setdefault(place.source, {}).setdefault(row.anchor, []).append(place)
    opened = len(extraction.sources) <= OPEN_DOCUMENTS
    documents = []
    for info in extraction.sources:
        here = tuple((by_anchor[anchor], tuple(places)) for anchor, places in written.get(info.name, {}).items())
        counts = Counter(row.status for row, _ in here)
        documents.append(
            DocumentView(
                anchor=anchors[info.name][0],
                name=_clean(info.name),
                format=info.format.value,
                document_date=info.document_date.isoformat() if info.document_date else None,
                counts=tuple((s, counts[s]) for s in SEVERITY if counts[s]),
                rows=tuple(sorted(here, key=lambda pair: (pair[1][0].line, pair[0].severity))),
                stale=history.is_stale(info) if history is not None else False,
                url=_link(info.url),
                failing=sum(1 for row, _ in here if row.failing),
                open=opened,
            )
        )
    return tuple(documents)


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


def _row(index: int, item: Checked, fail_on: Collection[Status], documents: dict[str, tuple[str, Format]]) -> Row:
    ref, verdict = item.reference, item.verdict
    target = ref.target
    if isinstance(target, Url):
        shown = target.url
    elif isinstance(target, Email):
        shown = target.address
    elif isinstance(target, Phone):
        shown = target.e164
    else:
        shown = target.written
    places = tuple(_place(loc, documents.get(loc.source)) for loc in ref.locations)
    findings = tuple(_clean(f"{f.kind}: {f.detail}" if f.detail else f.kind) for f in verdict.findings)
    text, reason = _clean(ref.text), _clean(verdict.reason)
    phone = verdict.phone
    search = " ".join(
        [text, shown if shown != text else "", reason, verdict.status.value, verdict.suggestion or ""]
        + [p.label for p in places]
    ).lower()
    return Row(
        anchor=f"ref-{index + 1}",
        status=verdict.status,
        look=LOOKS[verdict.status],
        failing=verdict.status in fail_on,
        kind=ref.kind.value,
        text=text,
        target=_clean(shown),
        reason=reason,
        http_status=verdict.http_status,
        redirects=tuple((_clean(hop.url), hop.status) for hop in verdict.redirects),
        final_url=_clean(verdict.final_url) if verdict.final_url else None,
        suggestion=_clean(verdict.suggestion) if verdict.suggestion else None,
        domain_changed=verdict.domain_changed,
        findings=findings,
        places=places,
        search=_clean(search),
        key=ref.key,
        listed_on=_clean(phone.listed_on) if phone and phone.listed_on else None,
        found=phone.found if phone else (),
        cached=verdict.cached,
        checked_at=verdict.checked_at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        archive_url=_link(verdict.archive_url),
    )


def _place(location: Location, document: tuple[str, Format] | None) -> Place:
    anchor, fmt = document or ("", None)
    if fmt is Format.PDF:
        at = f"p. {location.line}"
        label = f"{location.source} {at}"
    else:
        line = f"{location.line}" + (f":{location.column}" if location.column else "")
        at, label = f"line {line}", f"{location.source}:{line}"
    context = _clean(" ".join(location.context.split()))
    return Place(location.source, location.line, _clean(label), context, anchor, at)


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
