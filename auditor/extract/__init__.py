"""Extraction: every reference in a document, with where it is written and the document's date.

One extractor per format (:mod:`.text`, :mod:`.markdown`, :mod:`.html`, :mod:`.pdf`),
all built on the same address scanner (:mod:`.scan`), phone finder (:mod:`.phones`)
and link resolution (:mod:`.links`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from auditor.defaults import DEFAULT_REGIONS
from auditor.errors import UnreadableInput
from auditor.extract.dates import DocumentDate, html_date, stated_date
from auditor.extract.found import finish
from auditor.extract.html import extract_html, parse_document, visible_text
from auditor.extract.links import LinkBase
from auditor.extract.markdown import extract_markdown
from auditor.extract.text import extract_text
from auditor.reference import Reference, merge
from auditor.sources import Document, Fetched, Format, Source, read

if TYPE_CHECKING:
    from auditor.crawl.report import CrawlReport

__all__ = ["DocumentDate", "Extraction", "SourceInfo", "extract_document", "extract_sources"]


@dataclass(frozen=True, slots=True)
class SourceInfo:
    name: str
    format: Format
    document_date: DocumentDate | None
    url: str | None = None  # a web page's address (a crawled page, a page given as input)
    warnings: tuple[str, ...] = ()  # read, but not as usual: a parser's limit was reached (each says how)


@dataclass(frozen=True, slots=True, repr=False)
class Extraction:
    sources: tuple[SourceInfo, ...]
    references: tuple[Reference, ...]
    problems: tuple[UnreadableInput, ...]  # inputs skipped, each with why
    crawls: tuple[CrawlReport, ...] = ()  # each crawled site: how far it went, the caps it hit

    def __repr__(self) -> str:
        # Short: asyncio.run() formats the result of its main task, and a crawl has 40,000 locations.
        return f"Extraction(<{len(self.sources)} sources, {len(self.references)} references>)"


def _base(doc: Document) -> LinkBase:
    if doc.url is not None:
        return LinkBase.for_url(doc.url)
    source = doc.source
    document = source.path if source.path is not None else Path.cwd() / "stdin"
    return LinkBase.for_document(document, source.root, source.base_url)


def extract_document(doc: Document, regions: Sequence[str] = DEFAULT_REGIONS) -> tuple[SourceInfo, list[Reference]]:
    """The references in one document and what it says about its own date."""
    name = doc.source.name
    base = _base(doc)
    notes: list[str] = []
    if doc.format is Format.PDF:
        from auditor.extract.pdf import extract_pdf  # pypdf is slow to import and only PDFs need it

        content = extract_pdf(doc.data, name, base, regions)
        return SourceInfo(name, doc.format, content.date, doc.source.url), finish(content.found, name)
    if doc.format is Format.HTML:
        root, limit = parse_document(doc.text)
        # Past a parser limit the tree lacks the end: extract_html reads the text itself then.
        refs = finish(extract_html(doc.text, base, regions, root=None if limit else root, warn=notes.append), name)
        date = html_date(doc.text) or (stated_date(visible_text(root)) if root is not None else None)
        return SourceInfo(name, doc.format, date, doc.source.url, tuple(notes)), refs
    if doc.format is Format.MARKDOWN:
        refs = finish(extract_markdown(doc.text, base, regions, warn=notes.append), name)
    else:
        refs = finish(extract_text(doc.text, regions), name)
    return SourceInfo(name, doc.format, stated_date(doc.text), doc.source.url, tuple(notes)), refs


def extract_sources(
    sources: Iterable[Source],
    regions: Sequence[str] = DEFAULT_REGIONS,
    *,
    stdin: BinaryIO | None = None,
    web: Mapping[str, Fetched | UnreadableInput] | None = None,
) -> Extraction:
    """Read and extract every source; unreadable ones are skipped and listed in ``problems``.

    Web pages among the sources are read from ``web``, what the checker fetched for them.
    """
    infos: list[SourceInfo] = []
    references: list[Reference] = []
    problems: list[UnreadableInput] = []
    for source in sources:
        try:
            doc = read(source, stdin=stdin, web=web)
            if doc.format is not Format.PDF:
                doc = replace(doc, data=b"")  # the text is what is read: the bytes need not stay beside it
            info, refs = extract_document(doc, regions)
            del doc
        except UnreadableInput as problem:
            problems.append(problem)
            continue
        except Exception as exc:  # a bug in an extractor must not lose the other documents
            why = f"could not be read because of a bug ({exc.__class__.__name__}: {exc}); please report it"
            problems.append(UnreadableInput(source.name, why))
            continue
        infos.append(info)
        references.extend(refs)
    # One document's references are merged already (finish): a million need not be merged twice.
    merged = references if len(infos) <= 1 else merge(references)
    return Extraction(tuple(infos), tuple(merged), tuple(problems))
