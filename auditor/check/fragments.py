"""Fragments: does the page a ``#fragment`` points into have that anchor?

An HTML page offers every element ``id`` and every ``<a name>``; a Markdown file, as
GitHub, GitLab and most static-site generators render it, also offers one slug per
heading ("## Getting help" -> ``#getting-help``; repeats get ``-1``, ``-2``). Some
fragments need no anchor: the empty one and ``#top`` mean the top of the page, and
``#:~:text=`` is a text fragment a browser searches for.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import unquote

from markdown_it import MarkdownIt

_ANCHOR = re.compile(rb"""\s(?:id|name)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))""", re.IGNORECASE)
_IMPLICIT = ("", "top")
# What GitHub's slugger drops from a heading: anything but letters, digits, marks,
# connector punctuation, hyphens and spaces.
_SLUG_DROPPED = re.compile(r"[^\w\- ]", re.UNICODE)


def needs_anchor(fragment: str) -> bool:
    """False for fragments every page has (the top, a text fragment)."""
    fragment = unquote(fragment)
    return fragment not in _IMPLICIT and not fragment.startswith(":~:")


def has_anchor(anchors: frozenset[str], fragment: str) -> bool:
    return not needs_anchor(fragment) or unquote(fragment) in anchors


def html_anchors(body: bytes) -> frozenset[str]:
    """Every ``id`` and ``name`` in the markup."""
    return frozenset(
        (m.group(1) or m.group(2) or m.group(3) or b"").decode("utf-8", "replace") for m in _ANCHOR.finditer(body)
    )


def markdown_anchors(text: str) -> frozenset[str]:
    """Heading slugs as GitHub makes them, plus ids and names in the document's HTML."""
    slugs: list[str] = []
    seen: dict[str, int] = {}
    tokens = _parser().parse(text)
    for i, token in enumerate(tokens):
        if token.type != "heading_open" or i + 1 >= len(tokens):
            continue
        slug = slugify(_plain(tokens[i + 1].children or []))
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        slugs.append(f"{slug}-{count}" if count else slug)
    return frozenset(slugs) | html_anchors(text.encode("utf-8"))


def slugify(heading: str) -> str:
    """GitHub's heading slug: lower case, punctuation dropped, spaces to hyphens."""
    return _SLUG_DROPPED.sub("", heading.strip().lower()).replace(" ", "-")


def _plain(children: list) -> str:  # list[Token]
    return "".join(child.content for child in children if child.type in ("text", "code_inline"))


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark").enable("table")
