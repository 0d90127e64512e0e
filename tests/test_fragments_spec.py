"""Fragments are matched as the HTML standard says a browser finds them.

As written, then percent-decoded; among element ids and ``<a name>`` of the parsed
document (entities decoded), never text that only looks like markup; ``#``, ``#top``
and text fragments need no anchor. Markdown files offer GitHub's heading slugs.
Each row: the target document, the link as written, whether the anchor is found.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from auditor.check.fragments import has_anchor, html_anchors, markdown_anchors, slugify
from auditor.check.settings import CheckSettings
from auditor.extract import extract_sources
from auditor.pipeline import check_references
from auditor.sources import resolve_inputs
from auditor.verdict import CheckRun

HTML_CASES = [
    # (id, markup of the target page, fragment as written in the URL, found)
    ("id as written", '<h2 id="care">', "care", True),
    ("entity-decoded id, link written raw", '<p id="|&gt;/2">', "|>/2", True),
    ("entity-decoded id, link percent-encoded", '<p id="|&gt;/2">', "%7C%3E/2", True),
    (
        "id that contains a percent escape, matched as written",
        '<h2 id="tangent%3A-kustomize">',
        "tangent%3A-kustomize",
        True,
    ),
    ("percent-decoded UTF-8", '<h2 id="café">', "caf%C3%A9", True),
    ("case matters", '<h2 id="Care">', "care", False),
    ("a name", '<a name="legacy"></a>', "legacy", True),
    ("meta name is no anchor", '<meta name="description" content="x">', "description", False),
    ("input name is no anchor", '<form><input name="q"></form>', "q", False),
    ("text that looks like an attribute", '<p>write id="config" in the file</p>', "config", False),
    ("attribute in a comment", '<!-- <div id="old"> -->', "old", False),
    ("attribute in a script", "<script>el.innerHTML = '<b id=\"late\">'</script>", "late", False),
    ("empty fragment is the top", "<p>x</p>", "", True),
    ("top is the top", "<p>x</p>", "top", True),
    ("TOP is the top too", "<p>x</p>", "TOP", True),
    ("a text fragment alone", "<p>sarcoma</p>", ":~:text=sarcoma", True),
    ("an anchor before a text fragment", '<h2 id="intro">', "intro:~:text=x", True),
    ("a missing anchor before a text fragment", '<h2 id="intro">', "outro:~:text=x", False),
    ("unquoted and upper-case attribute", "<P ID=plain>", "plain", True),
    ("id with spaces kept whole", '<p id="x y">', "x%20y", True),
]


@pytest.mark.parametrize(("markup", "fragment", "found"), [c[1:] for c in HTML_CASES], ids=[c[0] for c in HTML_CASES])
def test_html_fragments(markup: str, fragment: str, found: bool) -> None:
    assert has_anchor(html_anchors(f"<html><body>{markup}</body></html>"), fragment) is found


MARKDOWN_CASES = [
    ("heading slug", "## Getting help\n", "getting-help", True),
    ("GitHub's user-content- prefix", "## Getting help\n", "user-content-getting-help", True),
    ("repeat numbered", "## Contact\n\n## Contact\n\n## Contact\n", "contact-2", True),
    ("unicode letters kept", "## Étapes du traitement\n", "%C3%A9tapes-du-traitement", True),
    ("combining marks kept", "## हिन्दी\n", "हिन्दी", True),
    ("punctuation dropped", "## What is LMS? (and why)\n", "what-is-lms-and-why", True),
    ("emphasis and code read as text", "## The *`fix`* command\n", "the-fix-command", True),
    ("explicit heading id", "## Installing {#install}\n", "install", True),
    ("slug of a heading with an explicit id", "## Installing {#install}\n", "installing", True),
    ("inline a name", 'See <a name="legacy"></a> here.\n', "legacy", True),
    ("html block id", '<div id="map"></div>\n', "map", True),
    ("id written in prose", 'Set id="config" in the file.\n', "config", False),
    ("id in a code block", '```html\n<div id="sample"></div>\n```\n', "sample", False),
    ("heading in a code block", "```\n# not a heading\n```\n", "not-a-heading", False),
]


@pytest.mark.parametrize(
    ("text", "fragment", "found"), [c[1:] for c in MARKDOWN_CASES], ids=[c[0] for c in MARKDOWN_CASES]
)
def test_markdown_fragments(text: str, fragment: str, found: bool) -> None:
    assert has_anchor(markdown_anchors(text), fragment) is found


@pytest.mark.parametrize(
    ("heading", "slug"),
    [
        ("Ünïcödé Straße", "ünïcödé-straße"),
        ("emoji 🎉 party", "emoji--party"),
        ("  spaced  out ", "spaced--out"),
        ("a—b", "ab"),
    ],
)
def test_slugs(heading: str, slug: str) -> None:
    assert slugify(heading) == slug


def test_a_folder_without_an_index_page_has_no_anchors(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "index.md").write_text("[a](empty/#x) [b](empty/)\n")
    extraction = extract_sources(resolve_inputs([str(tmp_path / "index.md")]))
    run = asyncio.run(check_references(extraction.references, CheckSettings(retries=0)))
    details = {item.reference.text: [f.detail for f in item.verdict.findings] for item in run.results}
    assert details == {
        "empty/#x": ["#x: the folder has no page to hold it (index.html, index.htm, README.md, index.md)"],
        "empty/": [],
    }


def test_an_anchor_nested_past_the_parsers_depth_limit_is_still_found() -> None:
    deep = "<font>" * 3000 + '<p id="deep">x</p><p>id="prose"</p>'
    assert html_anchors(deep) == {"deep"}


def _findings(tmp_path: Path, index: str, name: str = "index.html") -> dict[str, bool]:
    """Each link of ``index`` (a file in tmp_path): whether a missing-fragment finding came back."""
    (tmp_path / name).write_text(index, encoding="utf-8")
    extraction = extract_sources(resolve_inputs([str(tmp_path)]))

    async def go() -> CheckRun:
        return await check_references(extraction.references, CheckSettings(retries=0))

    run = asyncio.run(go())
    return {item.reference.text: bool(item.verdict.findings) for item in run.results}


def test_links_as_written_in_html_reach_their_anchors(tmp_path: Path) -> None:
    """The issue's cases, end to end: extracted from a page, checked against another."""
    (tmp_path / "page.html").write_text(
        '<meta name="description"><h2 id="|&gt;/2">a</h2><h2 id="tangent%3A-kustomize">b</h2>'
        '<p>id="config"</p><a name="old"></a>',
        encoding="utf-8",
    )
    links = ["page.html#|&gt;/2", "page.html#%7C%3E/2", "page.html#tangent%3A-kustomize", "page.html#old"]
    links += ["page.html#description", "page.html#config", "page.html#top", "page.html#:~:text=b", "page.html#"]
    missing = _findings(tmp_path, "".join(f'<a href="{link}">x</a>' for link in links))
    assert {text: gone for text, gone in missing.items() if text.startswith("page.html")} == {
        "page.html#|>/2": False,
        "page.html#%7C%3E/2": False,
        "page.html#tangent%3A-kustomize": False,
        "page.html#old": False,
        "page.html#description": True,
        "page.html#config": True,
        "page.html#top": False,
        "page.html#:~:text=b": False,
        "page.html#": False,
    }


def test_links_from_markdown_reach_slugs_and_prefixed_ids(tmp_path: Path) -> None:
    (tmp_path / "guide.md").write_text("# Guide\n\n## Étapes {#steps}\n\nText.\n", encoding="utf-8")
    index = "[a](guide.md#étapes) [b](guide.md#user-content-étapes) [c](guide.md#steps) [d](guide.md#nope)\n"
    assert _findings(tmp_path, index, "index.md") == {
        "guide.md#étapes": False,
        "guide.md#user-content-étapes": False,
        "guide.md#steps": False,
        "guide.md#nope": True,
    }


@pytest.mark.parametrize(
    ("index_file", "content"),
    [
        ("index.html", '<h2 id="x">X</h2>'),
        ("README.md", "# Title\n\n## X\n"),
        ("index.md", "## X\n"),
    ],
)
def test_a_folder_link_with_a_fragment_is_checked_against_the_folders_index(
    tmp_path: Path, index_file: str, content: str
) -> None:
    (tmp_path / "sub_dir").mkdir()
    (tmp_path / "sub_dir" / index_file).write_text(content, encoding="utf-8")
    (tmp_path / "doc" / "hcl").mkdir(parents=True)
    (tmp_path / "doc" / "hcl" / "index.html").write_text('<p id="y">', encoding="utf-8")
    index = "[a](sub_dir/#x) [b](sub_dir/#nope) [c](/doc/hcl/#y) [d](/doc/hcl/#z)\n"
    assert _findings(tmp_path, index, "index.md") == {
        "sub_dir/#x": False,
        "sub_dir/#nope": True,
        "/doc/hcl/#y": False,
        "/doc/hcl/#z": True,
    }
