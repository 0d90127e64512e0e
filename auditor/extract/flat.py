"""HTML too deeply nested for a tree: read as a stream of tags and text, every link kept.

libxml2 stops building a tree at 2,048 levels (3,000 unclosed ``<font>`` tags reach
that), and what comes after is lost. Such a document is read again here with the
standard library's tokenizer, which keeps no tree and so has no depth to run out of:
every start tag's link attributes (the same rules as :mod:`.html`) and every run of
text between tags, scanned as prose. Contexts are plainer (the run of text, or the tag
itself), and that is all that differs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html.parser import HTMLParser

from auditor.extract.context import LineIndex, sentence_around
from auditor.extract.found import Found, scan, target_of
from auditor.extract.html import raw_span, read_attributes, references_of, value_offset
from auditor.extract.links import LinkBase, Resolved, repeats_link, resolve
from auditor.reference import Form, Markup, markup

#: Elements whose text is not prose.
_NOT_PROSE = frozenset({"script", "style", "template", "code", "pre", "kbd", "samp", "textarea", "noscript", "title"})
#: Elements that start a new block (paragraph, row, item): references in one block are neighbours.
_BLOCKS = frozenset(
    {"p", "li", "dd", "dt", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "caption", "figcaption", "address",
     "blockquote", "div", "section", "article", "header", "footer", "nav", "main", "aside", "legend", "summary"}
)  # fmt: skip


class _Reader(HTMLParser):
    def __init__(
        self,
        text: str,
        base: LinkBase,
        regions: Sequence[str],
        line_offset: int,
        next_block: Callable[[], int],
    ) -> None:
        super().__init__(convert_charrefs=True)
        self.text, self.base, self.regions = text, base, regions
        self.index = LineIndex(text)
        self.line_offset = line_offset
        self.next_block = next_block
        self.block = next_block()
        self.code = 0  # how many elements that are not prose are open
        self.link: tuple[Resolved, ...] = ()  # what the open <a> points to
        self.based = False
        self.found: list[Found] = []

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.index.line_start(line) + column

    def _add(
        self,
        target: Resolved,
        written: str,
        offset: int,
        context: str,
        span: tuple[int, int] | None,
        form: Form,
        how: Markup | None = None,
    ) -> None:
        line, column = self.index.position(offset)
        length = -1 if span is None else span[1] - span[0]
        offset = offset if span is None else span[0]
        found = Found(target, written, line + self.line_offset, column, self.block, context, offset, length, form, how)
        self.found.append(found)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value for name, value in reversed(attrs) if value is not None}  # the first wins
        if tag == "base" and not self.based and values.get("href"):
            self.base, self.based = self.base.with_base_href(values["href"]), True
        if tag in _BLOCKS:
            self.block = self.next_block()
        if tag in _NOT_PROSE:
            self.code += 1
        at = self._offset()
        raw: dict[str, tuple[int, int, str]] = {}
        read_attributes(self.text, at + 1 + len(tag), raw)
        after: dict[str, int] = {}  # in a srcset, where the next URL is looked for
        for attr, value in references_of(values, tag):
            written = value.strip()
            targets = resolve(written, self.base, self.regions)
            value_at = raw.get(attr)
            span = raw_span(self.text, written, after.get(attr, value_at[0]), value_at[1]) if value_at else None
            if span is not None:
                after[attr] = span[1]
            offset = span[0] if span is not None else value_offset(self.text, written, at)
            form = Form.SRCSET if attr == "srcset" else Form.HTML_ATTRIBUTE
            how = markup(tag, attr, value_at[2]) if value_at else None
            for target in targets:
                self._add(target, written, offset, f'<{tag} {attr}="{written}">', span, form, how)
            if tag == "a" and attr == "href":
                self.link = tuple(targets)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _NOT_PROSE and self.code:
            self.code -= 1
        elif tag == "a":
            self.link = ()

    def handle_data(self, data: str) -> None:
        if self.code or not data.strip():
            return
        at = self._offset()
        for m in scan(data, self.regions):
            if self.link and repeats_link(target_of(m), self.link):
                continue
            written = self.text.find(m.text, at)
            offset = written if written >= 0 else at + m.start
            span = (
                (offset, offset + len(m.text))
                if written >= 0
                else raw_span(self.text, m.text, at, at + 10 * m.end + 16)
            )
            self._add(target_of(m), m.text, offset, sentence_around(data, m.start, m.end), span, Form.HTML_TEXT)


def extract_flat(
    text: str,
    base: LinkBase,
    regions: Sequence[str],
    *,
    line_offset: int = 0,
    next_block: Callable[[], int],
) -> list[Found]:
    """The references of an HTML document read without a tree, in document order."""
    reader = _Reader(text, base, regions, line_offset, next_block)
    reader.feed(text)
    reader.close()
    return reader.found
