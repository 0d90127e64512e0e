"""Markdown: links, images, autolinks, reference definitions, and addresses in the prose.

markdown-it-py parses (CommonMark plus tables and front matter) and gives every
block its lines. Inline tokens carry no positions, so the inline rules for links,
images, autolinks, code spans and inline HTML are wrapped to note the span of
source each one consumed; destinations are then read from the source exactly as
written, and the prose is scanned with those spans masked. Nothing inside code
spans, fenced or indented code, or math (``$...$``, ``$$...$$``) is read; footnotes
(``[^a]: text``) are footnotes, not link definitions.
"""

from __future__ import annotations

import bisect
import functools
import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from functools import lru_cache
from html import unescape as entities_decoded
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import unescapeAll
from markdown_it.helpers import parseLinkDestination, parseLinkLabel
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from auditor.defaults import MARKDOWN_CHUNK_LINES
from auditor.extract import chunks, html, plainlist
from auditor.extract.context import LineIndex, sentence_around, window
from auditor.extract.found import Found, scan, target_of
from auditor.extract.links import LinkBase, repeats_link, resolve
from auditor.extract.text import extract_text
from auditor.reference import Form, Markup

#: How deep blocks (quotes in quotes, lists in lists) and inline links may nest before
#: markdown-it stops reading them: CommonMark's preset stops at 20 and drops the rest.
#: Its parser recurses (two or three Python frames a level), so not much more than this.
MAX_NESTING = 220

_NOTED_RULES = ("link", "image", "autolink", "backticks", "html_inline", "math_inline")
#: Inline tokens whose source is not prose: nothing in them is read as an address.
_MASKED = ("code_inline", "html_inline", "link_open", "image", "math_inline", "math_inline_double")


def _noting(name: str, rule: Callable[[StateInline, bool], bool]) -> Callable[[StateInline, bool], bool]:
    """Wrap an inline rule so the tokens it makes remember the source span it consumed."""

    def noted(state: StateInline, silent: bool) -> bool:
        start, first = state.pos, len(state.tokens)
        if not rule(state, silent):
            return False
        if silent:
            return True
        meta: dict[str, Any] = {"span": (start, state.pos)}
        if name in ("link", "image"):
            meta.update(_destination(state, start + (1 if name == "image" else 0), name == "link"))
        elif name == "autolink":
            meta["dest"] = (start + 1, state.pos - 1)
        for token in state.tokens[first:]:
            # Inner rules noted their own; a flushed run of text before the link has none.
            if token.meta.get("span") is None and token.type != "text":
                token.meta = {**token.meta, **meta}
                meta = {"span": meta["span"]}  # the destination belongs to the opening token
        return True

    return noted


def _destination(state: StateInline, label_start: int, is_link: bool) -> dict[str, Any]:
    """Label and raw destination spans of the link or image that starts at ``label_start``."""
    label_end = parseLinkLabel(state, label_start, is_link)
    if label_end < 0:
        return {}
    found: dict[str, Any] = {"label": (label_start + 1, label_end)}
    src, pos = state.src, label_end + 1
    if pos < len(src) and src[pos] == "(":
        pos += 1
        while pos < len(src) and src[pos] in " \t\n":
            pos += 1
        result = parseLinkDestination(src, pos, state.posMax)
        if result.ok:
            if src[pos : pos + 1] == "<":
                found["dest"] = (pos + 1, result.pos - 1)
            else:
                found["dest"] = (pos, result.pos)
    return found  # no "dest": a reference link, read at its definition


def _front_matter(ruler: Any) -> Any:
    """The plugin's front-matter rule, tried only where the document starts."""
    rule = next(r.fn for r in ruler.__rules__ if r.name == "front_matter")

    def at_the_top(state: Any, start: int, end: int, silent: bool) -> bool:
        if state.bMarks[start] + state.tShift[start] != 0:
            return False
        return bool(rule(state, start, end, silent))

    return at_the_top


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    md = (
        MarkdownIt("commonmark", {"linkify": False, "maxNesting": MAX_NESTING}).enable("table").use(front_matter_plugin)
    )
    # Front matter opens the document, nowhere else: mdit-py-plugins 0.7 also takes a list
    # item's "- [--](url)" on the first line for it (the item's own text starts after the
    # document's first "-"), and that link was lost.
    md.block.ruler.at("front_matter", _front_matter(md.block.ruler), {"alt": []})
    # Footnotes ("[^a]: text") and math ("$$ [\psi](\mathbf{L}) $$", "$[a](b)$") are what
    # GitHub renders them as, not link definitions and links. Math needs no space inside
    # its dollars and no digit after the closing one (pandoc's rule: "$5 and $10" is money).
    md.use(footnote_plugin).use(dollarmath_plugin, allow_space=False, allow_digits=False, double_inline=True)
    # A footnote's text stays where it is written (the tail rule would move it to the end,
    # or drop it when nothing refers to it): its links are read in place.
    md.core.ruler.disable("footnote_tail")
    # Destinations are read from the source as written, so markdown-it's percent-encoding
    # of every href (a third of the parse time on a list of links) is skipped.
    md.normalizeLink = _as_written  # type: ignore[method-assign]
    # Inline content is parsed block by block as it is read, and dropped after: a long
    # document never holds every inline token at once.
    md.core.ruler.disable("inline")
    for rule in md.inline.ruler.__rules__:
        if rule.name in _NOTED_RULES:
            md.inline.ruler.at(rule.name, _noting(rule.name, rule.fn))
    return md


def _as_written(url: str) -> str:
    return url


class _Lines:
    """Maps offsets in an inline token's content back to source lines and columns."""

    def __init__(self, source_lines: list[str]) -> None:
        self.source = source_lines
        self.used: dict[int, int] = {}  # per line: columns taken by earlier cells

    def mapper(self, token: Token) -> Callable[[int], tuple[int, int]]:
        first = token.map[0] if token.map else 0
        starts: list[tuple[int, int, int]] = []  # (content offset, line index, column offset)
        offset = 0
        for k, piece in enumerate(token.content.split("\n")):
            index = min(first + k, len(self.source) - 1)
            line = self.source[index] if self.source else ""
            column = line.find(piece, self.used.get(index, 0)) if piece else 0
            if column < 0:
                column = max(0, line.find(piece.strip()[:20])) if piece.strip() else 0
            self.used[index] = column + len(piece)
            starts.append((offset, index, column))
            offset += len(piece) + 1

        offsets = [start for start, _, _ in starts]

        def position(at: int) -> tuple[int, int]:
            k = bisect.bisect_right(offsets, at) - 1  # the last line starting at or before ``at``
            if k < 0:
                return first + 1, 1
            start, index, column = starts[k]
            return index + 1, column + (at - start) + 1

        return position


def _all_definitions(md: MarkdownIt, parts: Iterator[tuple[int, str]]) -> dict[str, Any]:
    """The link reference definitions of every piece (lines counted in the whole); the first of a label wins."""
    env: dict[str, Any] = {"references": {}}
    for first, part in parts:
        known = set(env["references"])
        try:
            md.parse(part, env)  # block level only (the inline rule is off): definitions land in env
        except RecursionError:  # read as plain text below, with a warning
            continue
        for label, definition in env["references"].items():
            if label not in known and definition.get("map"):
                definition["map"] = [line + first for line in definition["map"]]
    return env


def extract_markdown(
    text: str,
    base: LinkBase,
    regions: Sequence[str],
    *,
    warn: Callable[[str], None] | None = None,
    chunk_lines: int = MARKDOWN_CHUNK_LINES,
    fast: bool = True,
) -> Iterator[Found]:
    """References in Markdown, parsed piece by piece (:mod:`.chunks`): memory stays bounded on
    a long file. ``warn`` hears of any part read as plain text instead (nested too deeply).
    A piece that is a plain list of links is read without markdown-it (:mod:`.plainlist`)
    unless ``fast`` is False; the references are the same."""
    md = _parser()
    source_lines = text.split("\n")
    # Several pieces: the definitions of all of them first (a link may use one defined further down).
    several = len(source_lines) > chunk_lines and chunks.has_definitions(text)
    env: dict[str, Any] = _all_definitions(md, chunks.pieces(source_lines, chunk_lines)) if several else {}
    lines = _Lines(source_lines)
    index = LineIndex(text)

    def located(f: Found) -> Found:
        """``order`` as an offset in the whole document, so that nearness compares across blocks;
        it is where the reference is written (its span) when the text there says so."""
        start = index.line_start(f.line) + (f.column or 1) - 1
        if f.length < 0 or _writes(text, start, f):
            return replace(f, order=start)
        # Columns can drift (HTML in an indented block): the one place on its line that writes it.
        line_start = index.line_start(f.line)
        line_end = text.find("\n", line_start)
        line = text[line_start : len(text) if line_end < 0 else line_end]
        at = line.find(f.text)
        if at < 0 or line.find(f.text, at + 1) >= 0:
            return replace(f, order=start, length=-1, form=None, markup=None)
        return replace(f, order=line_start + at, length=len(f.text))

    blocks = itertools.count()
    for first, part in chunks.pieces(source_lines, chunk_lines):
        plain = plainlist.tokens(part.split("\n"), first, md.validateLink) if fast else None
        if plain is not None:
            lines.used.clear()
            yield from map(located, _tokens(plain, md, env, lines, blocks, base, regions, warn))
            continue
        try:
            tokens = md.parse(part, env)
        except RecursionError:  # nested beyond what Python's stack holds: no structure at all
            if warn is not None:
                last = first + part.count("\n") + 1
                warn(f"lines {first + 1}-{last}: the Markdown is nested too deeply to parse: read as plain text")
            yield from (located(replace(f, line=f.line + first)) for f in extract_text(part, regions))
            continue
        if first:
            for token in tokens:
                if token.map:
                    token.map = [line + first for line in token.map]
        skipped = list(_beyond_nesting(tokens, source_lines, regions, warn))
        lines.used.clear()  # no later piece shares a line with this one
        yield from map(located, _tokens(tokens, md, env, lines, blocks, base, regions, warn))
        yield from map(located, skipped)
        del tokens
    yield from map(located, _definitions(env, source_lines, blocks, base, regions))


def _tokens(
    tokens: list[Token],
    md: MarkdownIt,
    env: dict[str, Any],
    lines: _Lines,
    blocks: Iterator[int],
    base: LinkBase,
    regions: Sequence[str],
    warn: Callable[[str], None] | None = None,
) -> Iterator[Found]:
    row: tuple[int, str, list[int]] | None = None  # (block, row text, offset of each cell in it)
    cell = 0
    for i, token in enumerate(tokens):
        if token.type == "tr_open":
            rest = itertools.islice(tokens, i, None)  # not tokens[i:]: a copy per row of a long table
            cells = [t.content for t in itertools.takewhile(lambda t: t.type != "tr_close", rest) if t.type == "inline"]
            offsets = list(itertools.accumulate((len(c) + 3 for c in cells[:-1]), initial=0))
            row, cell = (next(blocks), " | ".join(cells), offsets), 0
        elif token.type == "tr_close":
            row = None
        elif token.type == "inline":
            if row is not None:
                block, row_text, offsets = row
                shift = offsets[min(cell, len(offsets) - 1)]
                cell += 1

                context: Callable[[int, int], str] = functools.partial(_cell_context, row_text, shift)
            else:
                block = next(blocks)
                context = functools.partial(sentence_around, token.content)

            if token.block:  # markdown-it's, not the fast path's (:mod:`.plainlist`): inline still to parse
                token.children = []
                md.inline.parse(token.content, md, env, token.children)
            found = list(_inline(token, lines.mapper(token), block, context, base, regions))
            token.children = None
            yield from found
        elif token.type == "html_block" and token.map:
            embedded = html.extract_html(
                token.content, base, regions, line_offset=token.map[0], blocks=blocks, warn=warn
            )
            yield from _in_source(embedded, token, lines.source)


def _writes(text: str, start: int, f: Found) -> bool:
    """Whether ``text`` writes ``f`` at ``start``: exactly, or behind entities where it is HTML."""
    raw = text[start : start + f.length]
    return raw == f.text or (f.form is not None and f.form.html and entities_decoded(raw) == f.text)


def _in_source(found: Iterable[Found], token: Token, source_lines: list[str]) -> Iterator[Found]:
    """``found`` in an HTML block with columns in its source lines: in a list item or a quote,
    the block's lines are those lines without the container's marks and indentation."""
    assert token.map is not None
    content = token.content.split("\n")
    for f in found:
        k, index = f.line - 1 - token.map[0], f.line - 1
        if f.column is not None and 0 <= k < len(content) and index < len(source_lines):
            shift = len(source_lines[index]) - len(content[k])
            if shift > 0 and source_lines[index].endswith(content[k]):
                f = replace(f, column=f.column + shift)
        yield f


def _beyond_nesting(
    tokens: list[Token], source_lines: list[str], regions: Sequence[str], warn: Callable[[str], None] | None
) -> Iterator[Found]:
    """What markdown-it skipped at its nesting limit, read as plain text.

    A container opened at the deepest level it reads (a quote, a list item) is left
    empty and its lines unread: their addresses are found as in a text file. Token
    lines are the whole document's.
    """
    for i, token in enumerate(tokens):
        if token.nesting != 1 or token.level < MAX_NESTING - 1 or not token.map or i + 1 >= len(tokens):
            continue
        if tokens[i + 1].type != token.type.replace("_open", "_close"):
            continue
        first, last = token.map
        if warn is not None:
            warn(
                f"lines {first + 1}-{last} are nested more than {MAX_NESTING} levels deep: "
                "read as plain text (links with a scheme kept, relative ones not)"
            )
        for found in extract_text("\n".join(source_lines[first:last]), regions):
            yield replace(found, line=found.line + first)


def _cell_context(row_text: str, shift: int, start: int, end: int) -> str:
    """The context of a table cell's reference: its row, the cell starting ``shift`` into it."""
    return window(row_text[: shift + start], row_text[shift + start : shift + end], row_text[shift + end :])


def _inline(
    token: Token,
    position: Callable[[int], tuple[int, int]],
    block: int,
    context: Callable[[int, int], str],
    base: LinkBase,
    regions: Sequence[str],
) -> Iterator[Found]:
    content = token.content
    masked: list[tuple[int, int]] = []
    found: list[Found] = []

    def add(
        target: Any, written: str, start: int, end: int, form: Form, length: int, how: Markup | None = None
    ) -> None:
        line, column = position(start)
        found.append(Found(target, written, line, column, block, context(start, end), start, length, form, how))

    for child in token.children or ():
        span = child.meta.get("span")
        if span is None:
            continue
        if child.type in _MASKED:
            masked.append(span)
        if child.type in ("link_open", "image"):
            targets = []
            if "dest" in child.meta:
                start, end = child.meta["dest"]
                written = content[start:end]
                href = unescapeAll(written)  # [x](V8_\(engine\)) links to V8_(engine)
                if (
                    child.markup == "autolink"
                    and str(child.attrs.get("href", "")).startswith("mailto:")
                    and not written.lower().startswith("mailto:")
                ):
                    href = f"mailto:{written}"  # <info@example.org>
                targets = resolve(href, base, regions)
                if child.markup == "autolink":
                    form = Form.AUTOLINK
                else:
                    form = Form.MARKDOWN_ANGLE if content[start - 1 : start] == "<" else Form.MARKDOWN_LINK
                for target in targets:
                    add(target, written, start, end, form, end - start)
            else:  # a reference link: its definition is the reference
                targets = resolve(str(child.attrs.get("href", "")), base, regions)
            if "label" in child.meta and child.type == "link_open":
                start, end = child.meta["label"]
                for m in scan(content[start:end], regions, markdown=True):
                    if not repeats_link(target_of(m), targets):
                        add(target_of(m), m.text, start + m.start, start + m.end, Form.MARKDOWN_TEXT, len(m.text))
        elif child.type == "html_inline":
            start, _ = span
            for f in html.extract_html(content[span[0] : span[1]], base, regions):
                at = start + f.order
                add(f.target, f.text, at, at + len(f.text), f.form or Form.HTML_TEXT, f.length, f.markup)
    if masked != [(0, len(content))]:  # else all of it is one link (a list of links): no prose to read
        for m in scan(content, regions, markdown=True, masked=masked):
            add(target_of(m), m.text, m.start, m.end, Form.MARKDOWN_TEXT, len(m.text))
    found.sort(key=lambda f: f.order)
    yield from found


def _definitions(
    env: dict[str, Any], source_lines: list[str], blocks: Iterator[int], base: LinkBase, regions: Sequence[str]
) -> Iterator[Found]:
    """Reference-style definitions (``[label]: https://...``), where the URL is written."""
    for definition in env.get("references", {}).values():
        first, last = definition.get("map") or (None, None)
        if first is None:
            continue
        chunk = "\n".join(source_lines[first:last])
        colon = chunk.find("]:")
        if colon < 0:
            continue
        pos = colon + 2
        while pos < len(chunk) and chunk[pos] in " \t\n":
            pos += 1
        result = parseLinkDestination(chunk, pos, len(chunk))
        if not result.ok:
            continue
        angle = chunk[pos] == "<"
        start, end = (pos + 1, result.pos - 1) if angle else (pos, result.pos)
        form = Form.MARKDOWN_DEFINITION_ANGLE if angle else Form.MARKDOWN_DEFINITION
        written = chunk[start:end]
        href = unescapeAll(written)
        line = first + 1 + chunk.count("\n", 0, start)
        column = start - (chunk.rfind("\n", 0, start) + 1) + 1
        block = next(blocks)
        context = " ".join(chunk.split())
        for target in resolve(href, base, regions):
            yield Found(target, written, line, column, block, context, 0, len(written), form)
