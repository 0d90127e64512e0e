"""A document's own date, at the precision it states."""

from __future__ import annotations

import datetime as dt

import pytest

from auditor.extract.dates import stated_date
from auditor.sources import Format
from tests.conftest import FORMAT_NAMES

TODAY = dt.date(2026, 11, 21)

STATEMENTS = [
    ("reviewed month", "Reviewed: June 2014", "2014-06"),
    ("last updated day", "Last updated 3 March 2019", "2019-03-03"),
    ("us style day", "Last reviewed March 5, 2020", "2020-03-05"),
    ("iso", "Updated on 2019-03-14", "2019-03-14"),
    ("ambiguous numeric keeps the year", "Last reviewed 12/05/2019", "2019"),
    ("unambiguous numeric", "Reviewed 25/05/2019", "2019-05-25"),
    ("source line", "Source Basic Information. 2015.", "2015"),
    ("copyright", "(c) 2008", "2008"),
    ("copyright symbol and range", "\u00a9 2008-2015 Sarcoma UK", "2015"),
    ("copyright with holder", "Copyright Sarcoma UK 2012", "2012"),
    ("published in a sentence", "Published by Sarcoma UK in 2015", "2015"),
    ("review beats copyright", "\u00a9 2020 Sarcoma UK. Reviewed: June 2014", "2014-06"),
    ("latest of one rank", "Printed May 2011. Published 2012.", "2012"),
    ("next review is a plan", "Next review: June 2027. Published: 2012", "2012"),
    ("future ignored", "Copyright 2031", None),
    ("a bare year is no statement", "In 2015 the charity grew", None),
    ("an adjective is no statement", "Updated guidance for 2019 patients", None),
    ("source mid-sentence is no statement", "a good source of information in 2015", None),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in STATEMENTS], ids=[c[0] for c in STATEMENTS])
def test_stated_date(text: str, expected: str | None) -> None:
    date = stated_date(text, today=TODAY)
    assert (date.isoformat() if date else None) == expected


@pytest.mark.parametrize(
    ("fmt", "content", "expected"),
    [
        (Format.TEXT, "Leaflet\n\nReviewed: June 2014\n", "2014-06"),
        (Format.MARKDOWN, "---\ntitle: Help\nupdated: 2019-03-03\n---\n# Help\n", "2019-03-03"),
        (
            Format.HTML,
            '<html><head><meta property="article:modified_time" content="2021-07-01T10:00:00Z"></head><body><p>x</p></body></html>',
            "2021-07-01",
        ),
        (Format.HTML, "<html><body><p>Page last reviewed: 2 May 2018</p></body></html>", "2018-05-02"),
        (Format.TEXT, "No date here at all.", None),
    ],
    ids=["text", "markdown front matter", "html meta", "html visible text", "none"],
)
def test_document_date_of_each_format(tmp_path, fmt: Format, content: str, expected: str | None) -> None:
    from auditor.extract import extract_document
    from auditor.sources import Source, read

    path = tmp_path / FORMAT_NAMES[fmt]
    path.write_text(content, encoding="utf-8")
    info, _ = extract_document(read(Source(path.name, path, fmt)))
    assert (info.document_date.isoformat() if info.document_date else None) == expected
