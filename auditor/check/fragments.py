"""Fragments: does the page a ``#fragment`` points into have that anchor?

Matching follows the HTML standard ("the indicated part of the document", §7.4.6.4):
the fragment is looked for as written, then percent-decoded (UTF-8), among the
``id`` of every element and the ``name`` of every ``<a>`` of the *parsed* document,
so entities are decoded (``id="|&gt;/2"`` is ``|>/2``) and text that only looks
like an attribute (``id="x"`` in a paragraph, ``<meta name>``) is no anchor.
Some fragments need no anchor: the empty one and ``top`` (any case) mean the top
of the page, and a text fragment (``#:~:text=...``, or what follows ``:~:`` in
``#intro:~:text=...``) is a directive a browser searches with, not a name.

A Markdown file, as GitHub, GitLab and most static-site generators render it, also
offers one slug per heading ("## Getting help" -> ``#getting-help``; repeats get
``-1``, ``-2``), each also with GitHub's ``user-content-`` prefix, an explicit
``{#id}`` at the end of a heading, and the ids and ``<a name>`` of its inline HTML.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from html.parser import HTMLParser
from typing import Any
from urllib.parse import unquote_to_bytes

from lxml import etree
from markdown_it import MarkdownIt

#: What a text fragment directive starts with (WICG scroll-to-text-fragment).
DIRECTIVE = ":~:"
#: The prefix GitHub gives the ids it renders in Markdown (a link may name either form).
USER_CONTENT = "user-content-"
# A heading attribute block as Pandoc, kramdown, Hugo and MkDocs read it: "## Title {#id .class}".
_HEADING_ID = re.compile(r"\s*\{[^{}]*?#([^\s{}#.]+)[^{}]*\}\s*$")


def fragment_of_interest(fragment: str) -> str:
    """The fragment without its text directive (``intro:~:text=x`` -> ``intro``)."""
    return fragment.split(DIRECTIVE, 1)[0]


def needs_anchor(fragment: str) -> bool:
    """False for fragments every page has: the top of the page, a text fragment alone."""
    fragment = fragment_of_interest(fragment)
    return fragment != "" and _decoded(fragment).lower() != "top"


def has_anchor(anchors: frozenset[str], fragment: str) -> bool:
    """Whether ``fragment`` (as written in the URL, without ``#``) names one of ``anchors``:
    as written first, then percent-decoded."""
    fragment = fragment_of_interest(fragment)
    if not needs_anchor(fragment):
        return True
    return fragment in anchors or _decoded(fragment) in anchors


def _decoded(fragment: str) -> str:
    """Percent-decoded as UTF-8; bytes that are not UTF-8 make it fail, as in a browser (the text stays)."""
    try:
        return unquote_to_bytes(fragment).decode("utf-8")
    except UnicodeDecodeError:
        return fragment


def html_anchors(markup: str | bytes) -> frozenset[str]:
    """Every element ``id`` and every ``<a name>`` of the parsed document."""
    if isinstance(markup, bytes):
        markup = markup.decode("utf-8", "replace")
    if not markup.strip():
        return frozenset()
    # An XML declaration in a str is refused by lxml; it says nothing about anchors.
    markup = re.sub(r"^\s*<\?xml[^>]*\?>", "", markup)
    parser = etree.HTMLParser(recover=True, huge_tree=True, remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(markup, parser)
    except (etree.ParserError, ValueError):
        return frozenset()
    if root is None:
        return frozenset()
    if any(error.type_name == "ERR_RESOURCE_LIMIT" for error in parser.error_log):
        # libxml2 drops what is nested deeper than 2,048 elements: read the start tags instead.
        return _tokenized_anchors(markup)
    found: set[str] = set()
    for element in root.iter(tag=etree.Element):  # iterative: deep markup is no recursion limit
        ident = element.get("id")
        if ident is not None:
            found.add(ident)
        if element.tag == "a" and (name := element.get("name")) is not None:
            found.add(name)
    return frozenset(found)


class _StartTags(HTMLParser):
    """The HTML tokenizer of the standard library: start tags with their attributes decoded,
    comments and script and style content skipped, no tree and so no depth limit."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.anchors: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is not None and (name == "id" or (name == "name" and tag == "a")):
                self.anchors.add(value)


def _tokenized_anchors(markup: str) -> frozenset[str]:
    reader = _StartTags()
    reader.feed(markup)
    reader.close()
    return frozenset(reader.anchors)


def markdown_anchors(text: str) -> frozenset[str]:
    """Heading slugs as GitHub makes them (and with ``user-content-``), explicit ``{#id}``s,
    and the ids and names in the document's own HTML (not in code, not in prose)."""
    slugs: list[str] = []
    seen: dict[str, int] = {}
    html: list[str] = []
    tokens = _parser().parse(text)
    for i, token in enumerate(tokens):
        if token.type == "html_block":
            html.append(token.content)
        elif token.type == "inline":
            html.extend(child.content for child in token.children or [] if child.type == "html_inline")
        if token.type != "heading_open" or i + 1 >= len(tokens):
            continue
        heading = _plain(tokens[i + 1].children or [])
        explicit = _HEADING_ID.search(heading)
        if explicit is not None:
            slugs.append(explicit.group(1))
            heading = heading[: explicit.start()]
        slug = slugify(heading)
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        slugs.append(f"{slug}-{count}" if count else slug)
    anchors = set(slugs) | {USER_CONTENT + slug for slug in slugs}
    if html:
        anchors |= html_anchors("\n".join(html))
    return frozenset(anchors)


def slugify(heading: str) -> str:
    """GitHub's heading slug (github-slugger): lower case; letters, marks, digits, ``_`` and
    ``-`` kept (any script); every space a hyphen; everything else dropped."""
    kept = "".join(ch for ch in heading.strip().lower() if ch in "- " or _word(ch))
    return kept.replace(" ", "-")


def _word(ch: str) -> bool:
    category = unicodedata.category(ch)
    return category[0] in "LMN" or category == "Pc"


def _plain(children: list[Any]) -> str:  # list[Token]
    return "".join(child.content for child in children if child.type in ("text", "code_inline"))


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark").enable("table")
