"""The HTML report maintainers read: one self-contained file, organised the way an editor fixes things.

What is broken comes first, then what to replace, then what could not be verified,
then every reference (filter, search, sort) and a view per document. The page is
built from a typed view model (:class:`ReportView`) by Jinja2 with autoescape on:
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
import re
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

from auditor import __version__
from auditor.check.engine import Checked, CheckRun
from auditor.extract import Extraction
from auditor.reference import Email, Location, Phone, Url
from auditor.sources import Format
from auditor.verdict import Status

if TYPE_CHECKING:
    import jinja2

    from auditor.report.recall import HistoryContext


@dataclass(frozen=True, slots=True)
class Look:
    """How a status shows: a word, a symbol beside it (colour is never the only sign) and a tone."""

    symbol: str
    tone: str  # bad | warn | info | good | muted: a CSS class


LOOKS: dict[Status, Look] = {
    Status.DEAD: Look("\u2717", "bad"),
    Status.SOFT_404: Look("\u2717", "bad"),
    Status.PARKED: Look("\u2298", "bad"),
    Status.ERROR: Look("!", "bad"),
    Status.MOVED: Look("\u2192", "warn"),
    Status.SHORTENED: Look("\u2192", "warn"),
    Status.INVALID: Look("\u2717", "warn"),
    Status.UNCONFIRMED: Look("?", "warn"),
    Status.BLOCKED: Look("?", "info"),
    Status.REDIRECTED: Look("\u21aa", "good"),
    Status.OK: Look("\u2713", "good"),
    Status.CONFIRMED: Look("\u2713", "good"),
    Status.SKIPPED: Look("\u2013", "muted"),
    Status.UNCHECKED: Look("\u00b7", "muted"),
}
#: Most urgent first: the order of tiles, and of the status column when sorted.
SEVERITY: tuple[Status, ...] = tuple(LOOKS)
SUGGESTING = frozenset({Status.MOVED, Status.SHORTENED})
#: The report's sections, in order: each is ``templates/sections/<name>.html.j2``.
SECTIONS: tuple[tuple[str, str], ...] = (
    ("changes", "Since the last run"),  # only with a history (auditor run)
    ("attention", "Needs attention"),
    ("phones", "Phone numbers"),  # only when there are phone numbers
    ("references", "All references"),
    ("documents", "By document"),
)
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class Place:
    """Where a reference is written: ``guide.md:12:5`` (or ``leaflet.pdf p. 2``) and the line around it."""

    source: str
    line: int
    label: str
    context: str
    document: str  # the anchor of the document's section in the report


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

    @property
    def severity(self) -> int:
        return SEVERITY.index(self.status)

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


@dataclass(frozen=True, slots=True)
class ReportView:
    title: str
    generated_at: str
    inputs: tuple[str, ...]
    elapsed: str
    requests: int
    network_unavailable: bool
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


def to_html(
    extraction: Extraction,
    run: CheckRun,
    fail_on: Collection[Status],
    *,
    inputs: Sequence[str] = (),
    generated_at: dt.datetime | None = None,
    history: HistoryContext | None = None,
) -> str:
    """The whole report as one HTML document; ``history`` adds what changed since the last run."""
    import markupsafe  # comes with jinja2

    view = build_view(extraction, run, fail_on, inputs=inputs, generated_at=generated_at, history=history)
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
) -> ReportView:
    """What the template shows, computed here so the template only lays it out."""
    documents = {info.name: (f"doc-{i + 1}", info.format) for i, info in enumerate(extraction.sources)}
    rows = tuple(_row(i, item, fail_on, documents) for i, item in enumerate(run.results))
    if history is not None:
        rows = tuple(_recalled(row, history) for row in rows)
    counts = Counter(row.status for row in rows)
    when = (generated_at or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    phones = tuple(row for row in rows if row.kind == "phone")
    sections = tuple(
        (key, title)
        for key, title in SECTIONS
        if (key != "changes" or history is not None) and (key != "phones" or phones)
    )
    return ReportView(
        title="Link audit",
        generated_at=when.strftime("%Y-%m-%d %H:%M UTC"),
        inputs=tuple(inputs) or tuple(info.name for info in extraction.sources),
        elapsed=f"{run.elapsed_ms / 1000:.1f} s",
        requests=run.requests,
        network_unavailable=run.network_unavailable,
        total=len(rows),
        failing=sum(1 for row in rows if row.failing),
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
    )


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
    broken = tuple(sorted((r for r in rows if r.failing), key=lambda r: r.severity))
    outdated = tuple(r for r in rows if r.status in SUGGESTING and not r.failing)
    unverified = tuple(r for r in rows if r.status is Status.BLOCKED and not r.failing)
    phones = tuple(r for r in rows if r.status in (Status.UNCONFIRMED, Status.INVALID) and not r.failing)
    listed = {r.anchor for r in (*broken, *outdated, *unverified, *phones)}
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
    documents = []
    for info in extraction.sources:
        here = tuple((row, places) for row in rows if (places := tuple(p for p in row.places if p.source == info.name)))
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
            )
        )
    return tuple(documents)


def _row(index: int, item: Checked, fail_on: Collection[Status], documents: dict[str, tuple[str, Format]]) -> Row:
    ref, verdict = item.reference, item.verdict
    target = ref.target
    if isinstance(target, Url):
        shown = target.url
    elif isinstance(target, Email):
        shown = target.address
    elif isinstance(target, Phone):
        shown = target.e164
    places = tuple(_place(loc, documents.get(loc.source)) for loc in ref.locations)
    findings = tuple(_clean(f"{f.kind}: {f.detail}" if f.detail else f.kind) for f in verdict.findings)
    text, reason = _clean(ref.text), _clean(verdict.reason)
    search = " ".join(
        [text, shown, reason, verdict.status.value, verdict.suggestion or "", *(p.label for p in places)]
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
        listed_on=_clean(verdict.listed_on) if verdict.listed_on else None,
        found=verdict.found,
    )


def _place(location: Location, document: tuple[str, Format] | None) -> Place:
    anchor, fmt = document or ("", None)
    if fmt is Format.PDF:
        label = f"{location.source} p. {location.line}"
    else:
        label = f"{location.source}:{location.line}" + (f":{location.column}" if location.column else "")
    context = _clean(" ".join(location.context.split()))
    return Place(location.source, location.line, _clean(label), context, anchor)


def _clean(text: str) -> str:
    """No control characters (escaping handles markup; these would only garble the page)."""
    return _CONTROL.sub("", text)


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
    return env
