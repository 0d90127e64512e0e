"""The Markdown fast path (a plain list of links read without markdown-it) finds exactly
what the full parse finds: every reference, line, column, span, form, block and context."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor.extract import plainlist
from auditor.extract.found import Found
from auditor.extract.links import LinkBase
from auditor.extract.markdown import _parser, extract_markdown
from tests import test_markdown

BASE = LinkBase.for_document(Path("/docs/links.md"), Path("/docs"))
REGIONS = ("GB", "US")


def both(text: str, chunk_lines: int = 5_000) -> tuple[list[Found], list[Found]]:
    fast = list(extract_markdown(text, BASE, REGIONS, chunk_lines=chunk_lines))
    full = list(extract_markdown(text, BASE, REGIONS, chunk_lines=chunk_lines, fast=False))
    return fast, full


def is_plain(text: str) -> bool:
    return plainlist.tokens(text.split("\n"), 0, _parser().validateLink) is not None


def test_a_list_of_links_as_the_speed_bench_writes_it_is_read_the_fast_way_with_the_same_references() -> None:
    lines = [f"- [page {i}](http://127.0.0.{i % 50 + 2}:8089/page/{i})" for i in range(12_000)]
    text = "# Benchmark links\n\n" + "\n".join(lines) + "\n"
    assert is_plain(text)
    fast, full = both(text)
    assert len(fast) == 12_000
    assert fast == full


def test_a_long_document_mixes_pieces_read_in_full_and_the_fast_way() -> None:
    prose = "Some *prose* with www.a.org and `code`, then [a](https://a.org/x 'T').\n\n"
    items = "".join(f"1. [item {i}: b.org/{i}](https://b.org/{i})\n" for i in range(30))
    text = prose * 10 + "\n" + items + "\n[d]: https://d.org\n" + items
    fast, full = both(text, chunk_lines=8)
    assert fast == full


@pytest.mark.parametrize(
    "line",
    [
        "- [a](file:///etc/passwd)",  # markdown-it refuses the link: its text is prose
        "- [a](https://a.org 'title')",
        "- [a *b*](https://a.org)",
        "- [a](https://a.org) and more",
        "- [a](<https://a.org>)",
        "-  [a](https://a.org)",  # two spaces
        "    - [a](https://a.org)",
        "- [^a](https://a.org)",
        "# Heading #",
        "#",
        "- [a](https://a.org/&amp;)",
        "| [a](https://a.org) |",
        "---",
    ],
)
def test_a_line_markdown_may_read_otherwise_sends_the_piece_to_the_full_parse(line: str) -> None:
    assert not is_plain("- [x](https://x.org)\n" + line + "\n")
    fast, full = both("- [x](https://x.org)\n" + line + "\n")
    assert fast == full


@pytest.mark.parametrize("text", [c[1] for c in test_markdown.CASES], ids=[c[0] for c in test_markdown.CASES])
def test_every_markdown_case_reads_the_same_both_ways(text: str) -> None:
    fast, full = both(text)
    assert fast == full


# --- generated lists: plain lines, and lines that only look plain --------------------------------

_LABEL = st.text(alphabet="abcXYZ019 .:@/-()'\"^#*_`[]<>&$|!\\\u00a0\t", max_size=14)
_DEST = st.one_of(
    st.builds(lambda s, h, p: f"{s}{h}{p}", st.sampled_from(["https://", "http://", "mailto:", "tel:", "file:///",
                                                              "javascript:", "", "#", "/", "../"]),
              st.sampled_from(["a.org", "www.b.co.uk", "x@c.org", "+44 20 7946 0000", "127.0.0.2:8089"]),
              st.text(alphabet="abc019/-._~%?=&#()\\<> \u00a0", max_size=10)),
)  # fmt: skip
_MARKER = st.sampled_from(["- ", "* ", "+ ", "1. ", "22) ", "-  ", " - ", "-", "> - ", "    "])
_ITEM = st.builds(lambda m, label, dest, tail: f"{m}[{label}]({dest}){tail}", _MARKER, _LABEL, _DEST,
                  st.sampled_from(["", "  ", " 'title'", " x", "\u00a0"]))  # fmt: skip
_HEADING = st.builds(lambda level, words, tail: f"{level} {words}{tail}", st.sampled_from(["#", "##", "######",
                     "#######"]), _LABEL, st.sampled_from(["", " ", " #"]))  # fmt: skip
_OTHER = st.sampled_from(["", "   ", "Some prose at www.a.org.", "```", "~~~", "<div>", "---", "| a | b |",
                          "|---|---|", "[ref]: https://r.org", "    code https://c.org", "> quote"])  # fmt: skip
_SIMPLE_ITEM = st.builds(
    lambda m, label, dest: f"{m}[{label}]({dest})",
    st.sampled_from(["- ", "* ", "1. "]),
    st.text(alphabet="abc019 .:@/-", max_size=10),
    st.builds(
        lambda h, p: f"https://{h}/{p}", st.sampled_from(["a.org", "b.co.uk"]), st.text("abc019/-._~", max_size=8)
    ),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.one_of(_ITEM, _ITEM, _HEADING, _OTHER), max_size=14).map("\n".join),
    st.sampled_from([2, 5, 5_000]),
)
def test_generated_lists_read_the_same_both_ways(text: str, chunk_lines: int) -> None:
    fast, full = both(text, chunk_lines)
    assert fast == full


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(_SIMPLE_ITEM, _SIMPLE_ITEM, _SIMPLE_ITEM, st.just(""), st.just("# Links")), min_size=1,
                max_size=30).map("\n".join))  # fmt: skip
def test_generated_plain_lists_take_the_fast_path_and_read_the_same(text: str) -> None:
    assert is_plain(text)
    fast, full = both(text, 4)
    assert fast == full


_ANY_ITEM = st.builds(
    lambda m, label, dest, tail: f"{m}[{label}]({dest}){tail}",
    st.sampled_from(["- ", "+ ", "9. "]),
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r"), max_size=8),
    st.builds(lambda s, p: s + p, st.sampled_from(["https://a.org/", "mailto:", "tel:", "b.org", "/x", "data:"]),
              st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r"), max_size=8)),
    st.sampled_from(["", " ", "\u00a0"]),
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(_ANY_ITEM, _SIMPLE_ITEM, st.just("## Links 1")), min_size=1, max_size=6).map("\n".join))
def test_any_characters_in_labels_and_destinations_read_the_same_both_ways(text: str) -> None:
    fast, full = both(text)
    assert fast == full
