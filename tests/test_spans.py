"""Every place a reference is found keeps where (its span) and how (its form) it is written.

``text[span]`` is the reference as written, in the document's text with ``\\n`` line ends
(behind HTML entities in HTML: ``&amp;`` where the reference has ``&``), so that
``auditor fix`` rewrites exactly that and never looks for it again.
"""

from __future__ import annotations

import html
import string
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor.fix import FIXABLE, FixPlan, plan_fixes
from auditor.reference import Form, Location, Markup, Reference
from auditor.sources import Format
from tests import test_html, test_markdown
from tests.conftest import extract


def places(refs: list[Reference]) -> Iterator[Location]:
    for ref in refs:
        yield from ref.locations


def assert_spans_write_their_references(text: str, refs: list[Reference]) -> None:
    for loc in places(refs):
        assert loc.span is not None, f"{loc.text!r} at {loc.line}:{loc.column} has no span"
        raw = text[slice(*loc.span)]
        assert loc.written_in(text), f"{loc.text!r} ({loc.form}) but the span holds {raw!r}"
        assert raw == loc.text or (loc.form is not None and loc.form.html and html.unescape(raw) == loc.text)


# (id, format, document, the reference's text, what its span holds, form, markup)
FORMS = [
    ("plain text", Format.TEXT, "see https://a.org/x.", "https://a.org/x", "https://a.org/x", Form.TEXT, None),
    ("scheme-less", Format.TEXT, "at www.a.org/x, or", "www.a.org/x", "www.a.org/x", Form.TEXT, None),
    ("md destination", Format.MARKDOWN, "[a](https://a.org/x)", "https://a.org/x", "https://a.org/x",
     Form.MARKDOWN_LINK, None),
    ("md image", Format.MARKDOWN, "![a](https://a.org/i.png 'T')", "https://a.org/i.png", "https://a.org/i.png",
     Form.MARKDOWN_LINK, None),
    ("md escaped destination", Format.MARKDOWN, r"[V8](https://w.org/V8_\(engine\))",
     r"https://w.org/V8_\(engine\)", r"https://w.org/V8_\(engine\)", Form.MARKDOWN_LINK, None),
    ("md angle destination", Format.MARKDOWN, "[a](<https://a.org/a b>)", "https://a.org/a b", "https://a.org/a b",
     Form.MARKDOWN_ANGLE, None),
    ("md autolink", Format.MARKDOWN, "Home: <https://a.org/>", "https://a.org/", "https://a.org/",
     Form.AUTOLINK, None),
    ("md e-mail autolink", Format.MARKDOWN, "<info@a.org>", "info@a.org", "info@a.org", Form.AUTOLINK, None),
    ("md definition", Format.MARKDOWN, "[x][d]\n\n[d]: https://a.org/d", "https://a.org/d", "https://a.org/d",
     Form.MARKDOWN_DEFINITION, None),
    ("md wrapped definition", Format.MARKDOWN, "[x][d]\n\n[d]:\n   https://a.org/d", "https://a.org/d",
     "https://a.org/d", Form.MARKDOWN_DEFINITION, None),
    ("md angle definition", Format.MARKDOWN, "[d]: <https://a.org/d>", "https://a.org/d", "https://a.org/d",
     Form.MARKDOWN_DEFINITION_ANGLE, None),
    ("gfm bare autolink", Format.MARKDOWN, "- **www.a.org/x** here", "www.a.org/x", "www.a.org/x",
     Form.MARKDOWN_TEXT, None),
    ("md table cell", Format.MARKDOWN, "| a | b |\n|---|---|\n| x | https://a.org/t |", "https://a.org/t",
     "https://a.org/t", Form.MARKDOWN_TEXT, None),
    ("md in a quote in a list", Format.MARKDOWN, "- > see\n  > [a](https://a.org/q)", "https://a.org/q",
     "https://a.org/q", Form.MARKDOWN_LINK, None),
    ("md inline html", Format.MARKDOWN, "x <a href='https://a.org/?a=1&amp;b=2'>y</a>", "https://a.org/?a=1&b=2",
     "https://a.org/?a=1&amp;b=2", Form.HTML_ATTRIBUTE, Markup("a", "href", "'")),
    ("md html block", Format.MARKDOWN, "<div>\n  <img src=https://a.org/i.png>\n</div>", "https://a.org/i.png",
     "https://a.org/i.png", Form.HTML_ATTRIBUTE, Markup("img", "src", "")),
    ("html double quotes", Format.HTML, '<a href="https://a.org/x">x</a>', "https://a.org/x", "https://a.org/x",
     Form.HTML_ATTRIBUTE, Markup("a", "href", '"')),
    ("html single quotes", Format.HTML, "<a href='https://a.org/x'>x</a>", "https://a.org/x", "https://a.org/x",
     Form.HTML_ATTRIBUTE, Markup("a", "href", "'")),
    ("html unquoted", Format.HTML, "<a href=https://a.org/x>x</a>", "https://a.org/x", "https://a.org/x",
     Form.HTML_ATTRIBUTE, Markup("a", "href", "")),
    ("html padded value", Format.HTML, '<a href="  https://a.org/x ">x</a>', "https://a.org/x", "https://a.org/x",
     Form.HTML_ATTRIBUTE, Markup("a", "href", '"')),
    ("html entities", Format.HTML, '<a href="https://a.org/?a=1&amp;b=2">x</a>', "https://a.org/?a=1&b=2",
     "https://a.org/?a=1&amp;b=2", Form.HTML_ATTRIBUTE, Markup("a", "href", '"')),
    ("html entity at the end", Format.HTML, '<a href="https://a.org/&amp;">x</a>', "https://a.org/&",
     "https://a.org/&amp;", Form.HTML_ATTRIBUTE, Markup("a", "href", '"')),
    ("html srcset", Format.HTML, '<img srcset="https://a.org/1.png 1x, https://a.org/2.png 2x">',
     "https://a.org/2.png", "https://a.org/2.png", Form.SRCSET, Markup("img", "srcset", '"')),
    ("html refresh", Format.HTML, "<meta http-equiv=refresh content='0; url=https://a.org/r'>", "https://a.org/r",
     "https://a.org/r", Form.HTML_ATTRIBUTE, Markup("meta", "content", "'")),
    ("html upper case", Format.HTML, "<A HREF='https://a.org/x'>x</A>", "https://a.org/x", "https://a.org/x",
     Form.HTML_ATTRIBUTE, Markup("a", "href", "'")),
    ("html text", Format.HTML, "<p>see https://a.org/?a=1&amp;b=2 now</p>", "https://a.org/?a=1&b=2",
     "https://a.org/?a=1&amp;b=2", Form.HTML_TEXT, None),
    ("html too deep for a tree", Format.HTML, "<font>" * 3000 + "<a href='https://a.org/deep'>x</a>",
     "https://a.org/deep", "https://a.org/deep", Form.HTML_ATTRIBUTE, Markup("a", "href", "'")),
]  # fmt: skip


@pytest.mark.parametrize(("fmt", "text", "written", "raw", "form", "markup"), [c[1:] for c in FORMS],
                         ids=[c[0] for c in FORMS])  # fmt: skip
def test_each_form_keeps_its_span_form_and_markup(
    fmt: Format, text: str, written: str, raw: str, form: Form, markup: Markup | None
) -> None:
    (loc,) = [loc for loc in places(extract(text, fmt)) if loc.text == written]
    assert loc.span is not None
    assert text[slice(*loc.span)] == raw
    assert (loc.form, loc.markup) == (form, markup)
    assert loc.written_in(text)


def test_a_span_is_into_the_whole_document_when_markdown_is_read_in_pieces() -> None:
    lines = [f"- [item {i}](https://a.org/{i})" for i in range(12_000)]
    text = "# Long\n\n" + "\n".join(lines) + "\n\n[d]: https://a.org/defined\n"
    refs = extract(text, Format.MARKDOWN)
    assert len(refs) == 12_001
    assert_spans_write_their_references(text, refs)


def test_a_pdf_page_has_no_span() -> None:
    from auditor.extract.text import extract_text

    (found,) = extract_text("see https://a.org/x", ["GB"], page=3)
    assert (found.length, found.form) == (-1, None)


@pytest.mark.parametrize("text", [c[1] for c in test_markdown.CASES], ids=[c[0] for c in test_markdown.CASES])
def test_every_markdown_case_slices_to_what_is_written(text: str) -> None:
    assert_spans_write_their_references(text, extract(text, Format.MARKDOWN))


@pytest.mark.parametrize("text", [c[1] for c in test_html.CASES], ids=[c[0] for c in test_html.CASES])
def test_every_html_case_slices_to_what_is_written(text: str) -> None:
    assert_spans_write_their_references(text, extract(text, Format.HTML))


# --- generated documents ----------------------------------------------------------------

_HOSTS = st.sampled_from(["a.org", "www.b.org.uk", "c.example.com", "d.net"])
_PATHS = st.text(alphabet=string.ascii_letters + string.digits + "-_/.~", max_size=12)
_QUERIES = st.sampled_from(["", "?a=1", "?a=1&b=2", "?q=x%20y", "#part"])
_URLS = st.builds(lambda s, h, p, q: f"{s}{h}/{p}{q}", st.sampled_from(["https://", "http://", ""]), _HOSTS, _PATHS,
                  _QUERIES)  # fmt: skip
_WORDS = st.text(alphabet=string.ascii_letters + " ,.", max_size=15)
_INDENTS = st.sampled_from(["", "- ", "* ", "1. ", "> ", "  ", "- > ", "| x | "])


def _markdown_piece(url: str, words: str, kind: int) -> str:
    absolute = url if "://" in url else f"https://{url}"
    return [
        f"[{words}]({url})",
        f"[{words}](<{url}> 'title')",
        f"![{words}]({url})",
        f"<{absolute}>",
        f"{words} {absolute} {words}",
        f"[{absolute}]({absolute})",
        f'<a href="{html.escape(absolute)}">{words}</a>',
        f"<img src='{html.escape(absolute)}' srcset=\"{absolute} 1x, {absolute}/2 2x\">",
        f"`{absolute}` and **{url}**",
        f"[{words}][ref{len(words)}]\n\n[ref{len(words)}]: {url}",
    ][kind]


_MARKDOWN = st.lists(
    st.builds(
        lambda i, u, w, k, e: i + _markdown_piece(u, w, k) + e,
        _INDENTS,
        _URLS,
        _WORDS,
        st.integers(0, 9),
        st.sampled_from(["\n", "\n\n", " ", "\n\n<div>\n\n"]),
    ),
    max_size=12,
).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_MARKDOWN)
def test_every_reference_in_generated_markdown_slices_to_what_is_written(text: str) -> None:
    assert_spans_write_their_references(text, extract(text, Format.MARKDOWN))


def _html_piece(url: str, words: str, kind: int, quote: str) -> str:
    absolute = url if "://" in url else f"https://{url}"
    value = html.escape(absolute, quote=False) if quote else absolute.replace("&", "&amp;")
    return [
        f"<a href={quote}{value}{quote}>{html.escape(words)}</a>",
        f"<p>{html.escape(words)} {html.escape(absolute)} {html.escape(words)}</p>",
        f"<img alt=x src={quote}{value}{quote} srcset={quote}{value} 1x, {value}/2 2x{quote}>",
        f"<a title={quote}t{quote} href={quote} {value} {quote}>{value}</a>",
        f"<script>var u = '{absolute}';</script><code>{value}</code>",
        f"<!-- <a href='{absolute}'> --><li>{url}",
        f"<blockquote cite={quote}{value}{quote}><td>{value}</td></blockquote>",
    ][kind]


_HTML = st.lists(
    st.builds(
        _html_piece, _URLS.filter(lambda u: " " not in u), _WORDS, st.integers(0, 6), st.sampled_from(['"', "'", ""])
    ),
    max_size=10,
).map(lambda pieces: "<html><body>\n" + "\n".join(pieces) + "\n</body></html>")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_HTML)
def test_every_reference_in_generated_html_slices_to_what_is_written(text: str) -> None:
    assert_spans_write_their_references(text, extract(text, Format.HTML))


# --- fix rewrites the span, and only while it writes the reference ----------------------


def _plan(tmp_path: Path, text: str, location: Location) -> FixPlan:
    from auditor.reference import Url
    from auditor.sources import Source
    from auditor.verdict import Checked, CheckRun, Status, Verdict

    doc = tmp_path / "a.md"
    doc.write_text(text)
    ref = Reference(Url("http://a.org/1"), "http://a.org/1", (location,))
    run = CheckRun((Checked(ref, Verdict(Status.MOVED, "", suggestion="https://b.org/1")),), False, 0, 0)
    return plan_fixes([Source("a.md", doc, Format.MARKDOWN)], {"a.md": doc.read_bytes()}, run, FIXABLE)


def test_fix_rewrites_the_span_in_the_form_the_location_records(tmp_path: Path) -> None:
    text = "x http://a.org/1 [y](<http://a.org/1>)\n"
    where = Location("a.md", 1, 23, "", "http://a.org/1", 0, 22, 14, Form.MARKDOWN_ANGLE)
    (file,) = _plan(tmp_path, text, where).files
    assert file.fixed_text() == "x http://a.org/1 [y](<https://b.org/1>)\n"


def test_fix_leaves_a_span_that_no_longer_writes_the_reference(tmp_path: Path) -> None:
    where = Location("a.md", 1, 3, "", "http://a.org/1", 0, 2, 14, Form.MARKDOWN_TEXT)
    plan = _plan(tmp_path, "x http://a.org/2\n", where)
    assert not plan.changed
    (unfixed,) = plan.unfixed
    assert unfixed.why == "'http://a.org/1' is not written at line 1, column 3"
