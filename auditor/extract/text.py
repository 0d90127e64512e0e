"""Plain text (and text pulled out of PDFs): paragraphs are blocks, sentences are context."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from auditor.extract.context import LineIndex, paragraphs, sentence_around
from auditor.extract.found import Found, scan, target_of
from auditor.reference import Form


def extract_text(
    text: str, regions: Sequence[str], *, page: int | None = None, first_block: int = 0
) -> Iterator[Found]:
    """References in plain text; with ``page``, every line is that page number and columns are None."""
    index = LineIndex(text)
    for number, (start, end) in enumerate(paragraphs(text), first_block):
        block = text[start:end]
        for m in scan(block, regions):
            line, column = index.position(start + m.start)
            yield Found(
                target_of(m),
                m.text,
                page if page is not None else line,
                None if page is not None else column,
                number,
                sentence_around(block, m.start, m.end),
                start + m.start,
                -1 if page is not None else len(m.text),  # text pulled out of a PDF is nowhere in the file
                None if page is not None else Form.TEXT,
            )
