"""Markdown: links, images, autolinks, definitions and bare addresses; never code."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.sources import Format
from tests.conftest import extract, summary

DOCS = Path("/docs")

# (id, markdown, expected [(kind, text as written, normalised value, line)])
CASES = [
    (
        "inline link",
        'See [NCI](https://www.cancer.gov/about "NCI").',
        [("url", "https://www.cancer.gov/about", "https://www.cancer.gov/about", 1)],
    ),
    (
        "link in angle brackets",
        "[guide](<https://example.org/a b>)",
        [("url", "https://example.org/a b", "https://example.org/a b", 1)],
    ),
    (
        "autolink",
        "Home: <https://www.sarcoma-uk.org/>",
        [("url", "https://www.sarcoma-uk.org/", "https://www.sarcoma-uk.org/", 1)],
    ),
    ("e-mail autolink", "Write to <info@sarcoma-uk.org>", [("email", "info@sarcoma-uk.org", "info@sarcoma-uk.org", 1)]),
    (
        "bare url",
        "News at https://example.org/news.",
        [("url", "https://example.org/news", "https://example.org/news", 1)],
    ),
    (
        "scheme-less domain",
        "Visit www.sarcomahelp.org/ for more",
        [("url", "www.sarcomahelp.org/", "https://www.sarcomahelp.org/", 1)],
    ),
    (
        "bold and italic around",
        "**www.lmsdr.org** and _cancer.gov/sarcoma_.",
        [
            ("url", "www.lmsdr.org", "https://www.lmsdr.org", 1),
            ("url", "cancer.gov/sarcoma", "https://cancer.gov/sarcoma", 1),
        ],
    ),
    (
        "underscore inside an address",
        "https://en.wikipedia.org/wiki/Sarcoma_(cancer)",
        [
            (
                "url",
                "https://en.wikipedia.org/wiki/Sarcoma_(cancer)",
                "https://en.wikipedia.org/wiki/Sarcoma_(cancer)",
                1,
            )
        ],
    ),
    ("image", "![logo](img/logo.png)", [("url", "img/logo.png", "file:///docs/img/logo.png", 1)]),
    (
        "relative link with fragment",
        "[install](guide.md#install)",
        [("url", "guide.md#install", "file:///docs/guide.md#install", 1)],
    ),
    ("link to a heading here", "[top](#support)", [("url", "#support", "file:///docs/doc.md#support", 1)]),
    # No root given (a file alone, no --root-dir): kept as written, and the checker says why it is unchecked.
    ("root-relative link", "[about](/about/)", [("url", "/about/", "/about/", 1)]),
    ("tel link", "[0800 123 4567](tel:+448001234567)", [("phone", "tel:+448001234567", "+448001234567", 1)]),
    (
        "mailto link",
        "[mail](mailto:help@cancer.gov?subject=Leaflet)",
        [("email", "mailto:help@cancer.gov?subject=Leaflet", "help@cancer.gov", 1)],
    ),
    (
        "label repeating its target",
        "[www.cancer.gov](https://www.cancer.gov/)",
        [("url", "https://www.cancer.gov/", "https://www.cancer.gov/", 1)],
    ),
    (
        "label naming another site",
        "[www.old.org](https://www.new.org/)",
        [
            ("url", "www.old.org", "https://www.old.org", 1),
            ("url", "https://www.new.org/", "https://www.new.org/", 1),
        ],
    ),
    (
        "label on the same site as its link",
        "[readthedocs.io](https://docs.readthedocs.io/en/)",
        [("url", "https://docs.readthedocs.io/en/", "https://docs.readthedocs.io/en/", 1)],
    ),
    (
        "escaped destination",
        "[v8](https://en.wikipedia.org/wiki/V8_\\(engine\\))",
        [("url", "https://en.wikipedia.org/wiki/V8_\\(engine\\)", "https://en.wikipedia.org/wiki/V8_(engine)", 1)],
    ),
    (
        "reference definitions",
        'Use [the NCI][nci] and [UK][].\n\n[nci]: https://www.cancer.gov/\n[uk]: <https://www.sarcoma-uk.org/a b> "UK"',
        [
            ("url", "https://www.cancer.gov/", "https://www.cancer.gov/", 3),
            ("url", "https://www.sarcoma-uk.org/a b", "https://www.sarcoma-uk.org/a b", 4),
        ],
    ),
    (
        "table",
        "| Charity | Site | Phone |\n|---|---|---|\n| Sarcoma UK | www.sarcoma-uk.org | 0808 801 0401 |",
        [
            ("url", "www.sarcoma-uk.org", "https://www.sarcoma-uk.org", 3),
            ("phone", "0808 801 0401", "+448088010401", 3),
        ],
    ),
    (
        "list and quote",
        "- one www.one.org\n\n> two www.two.org",
        [
            ("url", "www.one.org", "https://www.one.org", 1),
            ("url", "www.two.org", "https://www.two.org", 3),
        ],
    ),
    ("heading", "# Help from www.sarcoma-uk.org", [("url", "www.sarcoma-uk.org", "https://www.sarcoma-uk.org", 1)]),
    (
        "html block",
        '<div>\n<a href="https://www.cancer.gov/">NCI</a>\n</div>',
        [("url", "https://www.cancer.gov/", "https://www.cancer.gov/", 2)],
    ),
    (
        "inline html",
        'Read <a href="https://www.cancer.gov/">this</a>.',
        [("url", "https://www.cancer.gov/", "https://www.cancer.gov/", 1)],
    ),
    ("code span", "Not `www.code.org` but www.prose.org", [("url", "www.prose.org", "https://www.prose.org", 1)]),
    (
        "fenced code",
        "```\nhttps://fenced.example.org\n```\nafter www.after.org",
        [("url", "www.after.org", "https://www.after.org", 4)],
    ),
    ("indented code", "Text.\n\n    https://indented.example.org\n", []),
    (
        "front matter",
        "---\nurl: https://front.example.org\n---\nBody www.body.org",
        [("url", "www.body.org", "https://www.body.org", 4)],
    ),
    (
        "a first list item whose text starts with dashes is no front matter",
        "- [--](https://a.example.org/)\n- [x](https://b.example.org/)",
        [
            ("url", "https://a.example.org/", "https://a.example.org/", 1),
            ("url", "https://b.example.org/", "https://b.example.org/", 2),
        ],
    ),
    ("javascript and data links", "[x](javascript:alert(1)) [y](data:text/plain,hi) [z](#)", []),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_markdown_references(text: str, expected: list[tuple[str, str, str, int]]) -> None:
    assert summary(extract(text, Format.MARKDOWN, folder=DOCS)) == expected


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("See [NCI](https://www.cancer.gov/).", 1, 11),
        ("Intro\n\n> quote www.sarcoma-uk.org", 3, 9),
        ("| a | b |\n|---|---|\n| x | www.sarcoma-uk.org |", 3, 7),
        ("  - item\n    continued www.lmsdr.org", 2, 15),
        ("[nci]: https://www.cancer.gov/\n\n[x][nci]", 1, 8),
    ],
    ids=["link destination", "blockquote", "table cell", "list continuation", "definition"],
)
def test_markdown_positions_point_at_the_address_in_the_source(text: str, line: int, column: int) -> None:
    (ref,) = extract(text, Format.MARKDOWN, folder=DOCS)
    assert (ref.locations[0].line, ref.locations[0].column) == (line, column)


def test_cells_of_one_table_row_share_a_block_and_read_as_the_row() -> None:
    refs = extract("| Sarcoma UK | www.sarcoma-uk.org | 0808 801 0401 |\n|---|---|---|\n", Format.MARKDOWN)
    assert len({loc.block for ref in refs for loc in ref.locations}) == 1
    assert refs[0].locations[0].context == "Sarcoma UK | www.sarcoma-uk.org | 0808 801 0401"
