"""PDF: link annotations and the text of each page. ``line`` is the page number here.

pypdf reads the file; a corrupt or encrypted PDF raises :class:`UnreadableInput`
naming it, and the other inputs are still processed.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import pypdf
from pypdf.errors import PyPdfError

from auditor.errors import UnreadableInput
from auditor.extract.context import first_sentence_with
from auditor.extract.dates import DocumentDate, stated_date
from auditor.extract.found import Found
from auditor.extract.links import LinkBase, resolve
from auditor.extract.text import extract_text

# pypdf reports every oddity of a damaged file through logging; what matters is
# whether the file can be read at all, which is raised and reported per file.
logging.getLogger("pypdf").setLevel(logging.ERROR)


@dataclass(frozen=True, slots=True)
class PdfContent:
    found: list[Found]
    date: DocumentDate | None


def extract_pdf(data: bytes, name: str, base: LinkBase, regions: Sequence[str]) -> PdfContent:
    try:
        reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnreadableInput(name, "encrypted PDF; cannot read its text or links")
        found: list[Found] = []
        texts: list[str] = []
        first = 0  # block numbers run on from page to page
        for number, page in enumerate(reader.pages, 1):
            text = page.extract_text() or ""
            texts.append(text)
            page_found = list(extract_text(text, regions, page=number, first_block=first))
            found.extend(_annotations(page, number, first, text, base, regions))
            found.extend(page_found)
            first = max((f.block for f in page_found), default=first) + 1
        date = stated_date("\n\n".join(texts)) or _metadata_date(reader)
    except UnreadableInput:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError) as exc:
        raise UnreadableInput(name, f"corrupt or unsupported PDF ({exc.__class__.__name__}: {exc}); skipped") from exc
    return PdfContent(found, date)


def _annotations(
    page: pypdf.PageObject, number: int, block: int, text: str, base: LinkBase, regions: Sequence[str]
) -> Iterator[Found]:
    for annotation in page.get("/Annots") or []:
        annotation = annotation.get_object()
        if annotation.get("/Subtype") != "/Link":
            continue
        action = annotation.get("/A")
        action = action.get_object() if action is not None else None
        if not action or action.get("/S") != "/URI" or "/URI" not in action:
            continue
        uri = str(action["/URI"]).strip()
        context = first_sentence_with(text, uri.split("://", 1)[-1])
        for target in resolve(uri, base, regions):
            yield Found(target, uri, number, None, block, context, 0)


def _metadata_date(reader: pypdf.PdfReader) -> DocumentDate | None:
    meta = reader.metadata
    if meta is None:
        return None
    for getter in ("modification_date", "creation_date"):
        try:
            when = getattr(meta, getter)
        except Exception:  # a malformed date string in the metadata is not worth failing over
            when = None
        if when is not None:
            return DocumentDate.from_date(when.date())
    return None
