"""HTML: link attributes, ``tel:``/``mailto:``, and addresses and phones in the visible text.

lxml parses (libxml2: fast and forgiving of broken markup) and gives each element
the line its start tag ends on. Exact columns come from walking the raw source
alongside the tree with a cursor: each start tag is found at or before the line
lxml reports, never before the previous one, so commented-out markup and tags the
parser invented (``<tbody>``, ``<body>``) do not throw positions off.
"""

from __future__ import annotations

import html
import itertools
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from lxml import etree

from auditor.extract.context import LineIndex, first_sentence_with
from auditor.extract.found import Found, scan, target_of
from auditor.extract.links import LinkBase, Resolved, repeats_link, resolve
from auditor.reference import Form, markup

#: Attributes that hold a reference on any element, custom ones too (``<my-card href>``,
#: MDX ``<Card src>``), as lychee reads them. ``action``/``formaction`` are left out: a
#: form's target answers POST, and a GET to it proves nothing.
ANY_ELEMENT_ATTRIBUTES: tuple[str, ...] = ("href", "src", "srcset", "cite")
#: Attributes that hold a reference on these elements only.
LINK_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "video": ("poster",),
    "object": ("data",),
}
#: Elements whose ``href`` is no reference: ``<base>`` moves the others.
_NOT_REFERENCES = frozenset({"base"})
#: A value computed elsewhere, no address: MDX/JSX ``href={url}``, a template's ``{{ url }}``.
_EXPRESSION = re.compile(r"^\s*\{.*\}\s*$", re.DOTALL)
#: ``<link rel=...>`` values that are hints, not references.
_HINT_RELS = {"preconnect", "dns-prefetch"}
#: Elements whose text is not prose: code, scripts, styles.
_NOT_PROSE = {"script", "style", "template", "code", "pre", "kbd", "samp", "textarea", "noscript", "title"}
#: Elements whose text is read as a whole; table cells belong to their row.
_BLOCKS = {
    "p", "li", "dd", "dt", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "caption", "figcaption",
    "address", "blockquote", "div", "section", "article", "header", "footer", "nav", "main",
    "aside", "body", "html", "legend", "summary", "td", "th",
}  # fmt: skip
_BLOCK_PARENTS = (_BLOCKS - {"td", "th", "html"}) | {"head"}
_RAW_TEXT = {"script", "style", "textarea", "title"}
#: One attribute of a start tag: its name, then its value double-, single- or un-quoted (groups 2, 3, 4).
ATTRIBUTE = re.compile(r"""\s*([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?""")
_REFRESH_URL = re.compile(r"url\s*=\s*['\"]?([^'\"\s]+)", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


@dataclass(slots=True)
class _Tag:
    """Where a start tag is in the raw source, and each attribute value's span and quote."""

    start: int
    values: dict[str, tuple[int, int, str]] = field(default_factory=dict)


class _Cursor:
    """Walks the raw source in step with the parsed tree."""

    def __init__(self, text: str, index: LineIndex) -> None:
        self.text = text
        self.index = index
        self.pos = 0

    def tag(self, name: str, sourceline: int | None) -> _Tag | None:
        m = _start_tag(name).search(self.text, self.pos)
        if m is None or (sourceline is not None and self.index.position(m.start())[0] > sourceline):
            return None  # implied by the parser: not in the source
        tag = _Tag(m.start())
        pos = read_attributes(self.text, m.end(), tag.values)
        close = self.text.find(">", pos)
        self.pos = close + 1 if close >= 0 else len(self.text)
        return tag

    def skip_past(self, marker: str) -> None:
        m = re.compile(re.escape(marker), re.IGNORECASE).search(self.text, self.pos)
        if m is not None:
            self.pos = m.end()

    def find(self, needle: str) -> int | None:
        """Where ``needle`` (or, if entities hide it, its start up to ``&``) is next written."""
        for candidate in (needle, needle.split("&", 1)[0]):
            if len(candidate) >= 4:
                at = self.text.find(candidate, self.pos)
                if at >= 0:
                    self.pos = at + len(candidate)
                    return at
        return None


_QUOTES = {2: '"', 3: "'", 4: ""}


def read_attributes(text: str, pos: int, values: dict[str, tuple[int, int, str]]) -> int:
    """The attributes of the start tag whose name ends at ``pos``, into ``values`` (name:
    its value's span and quote; the first of a name wins); where they end."""
    while True:
        a = ATTRIBUTE.match(text, pos)
        if a is None or a.end() == pos:
            return pos
        name = a.group(1).lower()
        for group in (2, 3, 4):
            if a.group(group) is not None:
                values.setdefault(name, (a.start(group), a.end(group), _QUOTES[group]))
        pos = a.end()


def raw_span(text: str, written: str, lo: int, hi: int) -> tuple[int, int] | None:
    """Where ``written`` (decoded, as the parser gives it) is written in ``text[lo:hi]``: as it
    is, or behind entities (``&amp;``); never ending inside an entity."""
    probe = written.split("&", 1)[0]  # the raw text starts so, entities or not
    at = text.find(probe, lo, hi) if probe else -1
    while at >= 0:
        # Entities are longer than what they stand for: the raw text is as long as ``written`` or longer.
        for end in range(at + len(written), min(hi, at + 10 * len(written) + 16) + 1):
            raw = text[at:end]
            amp = raw.rfind("&")
            if amp < 0:
                if raw == written:
                    return at, end
                break  # no entity in it: no longer raw text decodes to ``written`` either
            entity = _ENTITY.match(text, at + amp)
            if (entity is None or entity.end() <= end) and html.unescape(raw) == written:
                return at, end
        at = text.find(probe, at + 1, hi)
    return None


#: An entity reference as HTML reads one, with or without its ``;`` (``&amp;``, ``&#38``, ``&b``).
_ENTITY = re.compile(r"&(?:#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[A-Za-z][A-Za-z0-9]*;?)")


@lru_cache(maxsize=256)
def _start_tag(name: str) -> re.Pattern[str]:
    """The start tag of ``name`` (compiled once per name: it is looked for at every element)."""
    return re.compile(rf"<{re.escape(name)}(?=[\s/>])", re.IGNORECASE)


def parse(text: str) -> etree._Element | None:
    return parse_document(text)[0]


def parse_document(text: str) -> tuple[etree._Element | None, str | None]:
    """The parsed document, and what a limit of the parser cut off (else None).

    libxml2 builds no tree deeper than 2,048 levels (``huge_tree`` raises it from 256
    to that): past it, the rest of the document is missing from the tree.
    """
    # An XML declaration in a str is refused by lxml; blank it, keeping positions.
    text = _XML_DECLARATION.sub(lambda m: " " * len(m.group()), text)
    if not text.strip():
        return None, None
    parser = etree.HTMLParser(remove_comments=False, remove_pis=False, recover=True, huge_tree=True)
    root = etree.fromstring(text, parser)
    for error in parser.error_log:
        if error.type_name == "ERR_RESOURCE_LIMIT":
            return root, f"the HTML is nested too deeply for a tree ({error.message.split(',')[0]})"
    return root, None


def extract_html(
    text: str,
    base: LinkBase,
    regions: Sequence[str],
    *,
    line_offset: int = 0,
    blocks: Iterator[int] | None = None,
    root: etree._Element | None = None,
    warn: Callable[[str], None] | None = None,
) -> Iterator[Found]:
    """References in an HTML document (or a fragment whose first line is ``line_offset + 1``).

    ``root`` is the document already parsed by :func:`parse`, when the caller has it.
    A document nested deeper than the parser builds trees is read as a stream of tags
    and text instead (:mod:`.flat`), losing no link, and ``warn`` is told why.
    """
    blocks = blocks if blocks is not None else itertools.count()
    if root is None:
        root, limit = parse_document(text)
        if limit is not None:
            from auditor.extract.flat import extract_flat  # only for hostile or broken documents

            if warn is not None:
                warn(f"{limit}: read as a stream of tags and text instead, every link kept")
            yield from extract_flat(text, base, regions, line_offset=line_offset, next_block=lambda: next(blocks))
            return
    if root is None:
        return
    index = LineIndex(text)
    cursor = _Cursor(text, index)
    base_el = root.find(".//base[@href]")
    if base_el is not None:
        base = base.with_base_href(base_el.get("href", ""))
    block_ids: dict[etree._Element, int] = {}
    block_texts: dict[etree._Element, str] = {}

    def block_of(el: etree._Element) -> etree._Element:
        node: etree._Element | None = el
        while node is not None:
            if isinstance(node.tag, str) and node.tag.lower() in _BLOCK_PARENTS:
                return node
            node = node.getparent()
        return el

    def block_id(block: etree._Element) -> int:
        if block not in block_ids:
            block_ids[block] = next(blocks)
        return block_ids[block]

    def block_text(block: etree._Element) -> str:
        if block not in block_texts:
            block_texts[block] = visible_text(block)
        return block_texts[block]

    def found(
        target: Resolved,
        written: str,
        offset: int,
        block: etree._Element,
        context: str,
        span: tuple[int, int] | None,
        form: Form,
        name: str = "",
        attr: str = "",
        quote: str = "",
    ) -> Found:
        line, column = index.position(offset)
        if span is None:
            return Found(target, written, line + line_offset, column, block_id(block), context, offset)
        how = markup(name, attr, quote) if name else None
        return Found(
            target, written, line + line_offset, column, block_id(block), context, offset, span[1] - span[0], form, how
        )

    def prose(el: etree._Element, chunk: str | None, link: tuple[Resolved, ...]) -> Iterator[Found]:
        if not chunk or not chunk.strip():
            return
        block = block_of(el)
        whole = block_text(block)
        for m in scan(chunk, regions):
            if link and repeats_link(target_of(m), link):
                continue  # a link's visible text naming its own target
            # Written in the raw text of this chunk, entities and all; else looked for further on.
            span = raw_span(text, m.text, cursor.pos, cursor.pos + 10 * len(chunk) + 64)
            if span is not None:
                offset = span[0]
                cursor.pos = span[1]
            else:
                at = cursor.find(m.text)
                offset = at if at is not None else cursor.pos
            context = first_sentence_with(whole, m.text)
            yield found(target_of(m), m.text, offset, block, context, span, Form.HTML_TEXT)

    # (element, its end reached, inside code, what the enclosing link points to)
    stack: list[tuple[etree._Element, bool, bool, tuple[Resolved, ...]]] = [(root, False, False, ())]
    while stack:
        el, ended, in_code, link = stack.pop()
        tag = el.tag
        if ended:  # the text after an element belongs to its parent
            parent = el.getparent()
            if parent is not None and not in_code:
                yield from prose(parent, el.tail, link)
            continue
        if not isinstance(tag, str):  # comment or processing instruction
            cursor.skip_past("-->" if isinstance(el, etree._Comment) else "?>")
            stack.append((el, True, in_code, link))
            continue
        name = tag.lower()
        located = cursor.tag(name, el.sourceline)
        inner_link = link
        after: dict[str, int] = {}  # in a srcset, where the next URL is looked for
        for attr, value in references_of(el.attrib, name):
            written = value.strip()
            value_at = located.values.get(attr) if located else None
            span = None
            if value_at is not None:
                span = raw_span(text, written, after.get(attr, value_at[0]), value_at[1])
                offset = span[0] if span is not None else value_offset(text, written, value_at[0])
                if span is not None:
                    after[attr] = span[1]
            else:
                offset = located.start if located else cursor.pos
            form = Form.SRCSET if attr == "srcset" else Form.HTML_ATTRIBUTE
            quote = value_at[2] if value_at is not None else ""
            block = block_of(el)
            if block.tag in ("head", "html"):
                context = f'<{name} {attr}="{written}">'
            else:
                needle = visible_text(el).strip() or el.get("alt", "") or written
                context = first_sentence_with(block_text(block), needle)
            targets = resolve(written, base, regions)
            for target in targets:
                yield found(target, written, offset, block, context, span, form, name, attr, quote)
            if name == "a" and attr == "href":
                inner_link = tuple(targets)
        code = in_code or name in _NOT_PROSE
        if name in _RAW_TEXT and located is not None:
            cursor.skip_past(f"</{name}")
        elif not code:
            yield from prose(el, el.text, inner_link)
        stack.append((el, True, in_code, link))
        for child in reversed(el):
            stack.append((child, False, code, inner_link))


def references_of(el: Mapping[str, str] | etree._Attrib, name: str) -> Iterator[tuple[str, str]]:
    """(attribute, value) pairs of ``el`` that are references, one per URL in a srcset."""
    if name == "link" and _HINT_RELS & set((el.get("rel") or "").lower().split()):
        return
    if name == "meta" and (el.get("http-equiv") or "").lower() == "refresh":
        m = _REFRESH_URL.search(el.get("content") or "")
        if m:
            yield "content", m.group(1)
        return
    if name in _NOT_REFERENCES:
        return
    for attr in (*ANY_ELEMENT_ATTRIBUTES, *LINK_ATTRIBUTES.get(name, ())):
        value = el.get(attr)
        if value is None or _EXPRESSION.match(value):
            continue
        if attr == "srcset":
            for candidate in re.split(r",\s+", value.strip()):
                url = candidate.strip().split(" ", 1)[0]
                if url:
                    yield attr, url
        else:
            yield attr, value


def value_offset(text: str, written: str, value_at: int) -> int:
    """Where ``written`` starts inside the raw attribute value that starts at ``value_at``."""
    probe = written.split("&", 1)[0] or written  # entities may follow; the start is as written
    at = text.find(probe, value_at, value_at + 2 * len(written) + 16)
    return at if at >= 0 else value_at


_NO_TEXT = frozenset(("script", "style", "template"))
_VISIBLE_TEXT = etree.XPath(
    "descendant-or-self::text()[not(ancestor::script or ancestor::style or ancestor::template)]"
)


def visible_text(el: etree._Element) -> str:
    """The text a reader sees in ``el``: no scripts, styles or comments; cells split by ``|``."""
    tag = el.tag
    if isinstance(tag, str):
        if len(el) == 0 and tag.lower() not in _NO_TEXT:
            return el.text or ""  # a leaf (most links): no XPath needed
        if tag.lower() == "tr":
            return " | ".join(visible_text(cell).strip() for cell in el if isinstance(cell.tag, str))
        if all(isinstance(d.tag, str) and d.tag.lower() not in _NO_TEXT for d in el.iterdescendants()):
            return "".join(el.itertext())  # nothing hidden inside: the plain text, without XPath
    return "".join(str(t) for t in _VISIBLE_TEXT(el))
