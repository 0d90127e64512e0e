"""HTML: link attributes, tel: and mailto:, <base href>, and the visible text."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.sources import Format
from tests.conftest import extract, summary

DOCS = Path("/docs")

# (id, html, expected [(kind, text as written, normalised value, line)])
CASES = [
    (
        "anchor",
        '<p><a href="https://www.cancer.gov/">NCI</a></p>',
        [("url", "https://www.cancer.gov/", "https://www.cancer.gov/", 1)],
    ),
    (
        "area",
        '<map><area href="https://www.cancer.gov/map" alt="NCI"></map>',
        [("url", "https://www.cancer.gov/map", "https://www.cancer.gov/map", 1)],
    ),
    (
        "image and srcset",
        '<img src="a.png" srcset="a2.png 2x, https://cdn.example.org/a3.png 3x" alt="logo">',
        [
            ("url", "a.png", "file:///docs/a.png", 1),
            ("url", "a2.png", "file:///docs/a2.png", 1),
            ("url", "https://cdn.example.org/a3.png", "https://cdn.example.org/a3.png", 1),
        ],
    ),
    (
        "iframe",
        '<iframe src="https://www.youtube.com/embed/x"></iframe>',
        [("url", "https://www.youtube.com/embed/x", "https://www.youtube.com/embed/x", 1)],
    ),
    (
        "stylesheet link, not preconnect",
        '<head><link rel="preconnect" href="https://fonts.example.com"><link rel="stylesheet" href="css/site.css"></head>',
        [("url", "css/site.css", "file:///docs/css/site.css", 1)],
    ),
    (
        "base href",
        '<head><base href="https://www.example.org/docs/"></head><body><a href="guide.html">g</a></body>',
        [("url", "guide.html", "https://www.example.org/docs/guide.html", 1)],
    ),
    ("tel link", '<a href="tel:+44-20-7946-0018">call us</a>', [("phone", "tel:+44-20-7946-0018", "+442079460018", 1)]),
    (
        "tel label repeats the number",
        '<a href="tel:+442079460018">020 7946 0018</a>',
        [("phone", "tel:+442079460018", "+442079460018", 1)],
    ),
    (
        "mailto with two addresses",
        '<a href="mailto:a@sarcoma-uk.org,b@cancer.gov?subject=x">mail</a>',
        [
            ("email", "mailto:a@sarcoma-uk.org,b@cancer.gov?subject=x", "a@sarcoma-uk.org", 1),
            ("email", "mailto:a@sarcoma-uk.org,b@cancer.gov?subject=x", "b@cancer.gov", 1),
        ],
    ),
    ("skipped schemes", '<a href="javascript:void(0)">x</a><a href="data:text/html,hi">y</a><a href="#">top</a>', []),
    ("fragment link", '<a href="#contacts">contacts</a>', [("url", "#contacts", "file:///docs/doc.html#contacts", 1)]),
    (
        "text nodes",
        "<p>Visit www.sarcoma-uk.org or call 0808 801 0401.</p>",
        [
            ("url", "www.sarcoma-uk.org", "https://www.sarcoma-uk.org", 1),
            ("phone", "0808 801 0401", "+448088010401", 1),
        ],
    ),
    (
        "tail text after a link",
        '<p><a href="https://a.org/">a</a> then www.tail.org</p>',
        [
            ("url", "https://a.org/", "https://a.org/", 1),
            ("url", "www.tail.org", "https://www.tail.org", 1),
        ],
    ),
    (
        "entity inside a text url",
        "<p>www.two.org/?a=1&amp;b=2</p>",
        [("url", "www.two.org/?a=1&b=2", "https://www.two.org/?a=1&b=2", 1)],
    ),
    (
        "no code, pre, script or style",
        "<pre>www.pre.org</pre><code>www.code.org</code><script>var u='https://js.example.org';</script><style>a{background:url(https://css.example.org/x.png)}</style>",
        [],
    ),
    ("not in comments", "<!-- <a href='https://old.example.org'>old</a> -->", []),
    (
        "meta refresh",
        '<meta http-equiv="refresh" content="0; url=https://www.new.example.org/">',
        [("url", "https://www.new.example.org/", "https://www.new.example.org/", 1)],
    ),
    (
        "unquoted attribute",
        "<a href=https://www.cancer.gov/x>x</a>",
        [("url", "https://www.cancer.gov/x", "https://www.cancer.gov/x", 1)],
    ),
]


@pytest.mark.parametrize(("html", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_html_references(html: str, expected: list[tuple[str, str, str, int]]) -> None:
    assert summary(extract(html, Format.HTML, folder=DOCS)) == expected


PAGE = """<!doctype html>
<html>
<head><title>Help</title></head>
<body>
<!-- <a href="https://commented.example.org/"> -->
<p>Call the helpline on
<a
   class="phone"
   href="tel:+18004226237">1-800-4-CANCER</a>, or see www.cancer.gov/help.</p>
<table><tr><td>Sarcoma UK</td><td><a href='https://www.sarcoma-uk.org/'>site</a></td></tr></table>
</body>
</html>
"""


def test_html_positions_point_at_the_attribute_value_and_the_text() -> None:
    refs = extract(PAGE, Format.HTML)
    assert [(r.text, r.locations[0].line, r.locations[0].column) for r in refs] == [
        ("tel:+18004226237", 9, 10),
        ("www.cancer.gov/help", 9, 55),
        ("https://www.sarcoma-uk.org/", 10, 44),
    ]


def test_html_context_is_the_sentence_in_its_block_and_a_row_for_table_cells() -> None:
    refs = {r.text: r.locations[0].context for r in extract(PAGE, Format.HTML)}
    assert refs["www.cancer.gov/help"] == "Call the helpline on 1-800-4-CANCER, or see www.cancer.gov/help."
    assert refs["https://www.sarcoma-uk.org/"] == "Sarcoma UK | site"


def test_broken_markup_is_read_as_a_browser_would() -> None:
    refs = extract("<p>Unclosed <a href='https://a.example.org/'>link<p>www.next.org <b>bold", Format.HTML)
    assert [r.text for r in refs] == ["https://a.example.org/", "www.next.org"]
