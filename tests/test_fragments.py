"""Fragments: a #fragment must name an anchor of the page or file it points into."""

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


@pytest.mark.parametrize(
    ("heading", "slug"),
    [
        ("Getting help", "getting-help"),
        ("What is a sarcoma?", "what-is-a-sarcoma"),
        ("  Leiomyosarcoma (LMS) & you ", "leiomyosarcoma-lms--you"),
        ("Étapes du traitement", "étapes-du-traitement"),
        ("snake_case and kebab-case", "snake_case-and-kebab-case"),
        ("1.2 Version", "12-version"),
    ],
)
def test_headings_get_githubs_slugs(heading: str, slug: str) -> None:
    assert slugify(heading) == slug


def test_a_markdown_file_offers_heading_slugs_repeats_numbered_and_its_html_ids() -> None:
    text = (
        "# Sarcoma support\n\n## Contact\n\n## Contact\n\n"
        "## [Helplines](https://example.org) `0808`\n\n"
        '<a name="old-anchor"></a>\n\n<div id="map"></div>\n\n'
        "```\n# not a heading\n```\n"
    )
    slugs = {"sarcoma-support", "contact", "contact-1", "helplines-0808"}
    assert markdown_anchors(text) == slugs | {f"user-content-{slug}" for slug in slugs} | {"old-anchor", "map"}


def test_an_html_page_offers_its_ids_and_names() -> None:
    body = b"<h2 id='care'>Care</h2><a name=legacy></a><p ID=\"x y\">"
    assert html_anchors(body) == {"care", "legacy", "x y"}


@pytest.mark.parametrize(
    ("fragment", "present"),
    [("care", True), ("cure", False), ("", True), ("top", True), (":~:text=sarcoma", True), ("caf%C3%A9", True)],
)
def test_which_fragments_need_an_anchor(fragment: str, present: bool) -> None:
    assert has_anchor(frozenset({"care", "café"}), fragment) is present


def test_links_into_local_files_are_checked_for_their_fragments(tmp_path: Path) -> None:
    (tmp_path / "guide.md").write_text("# Guide\n\n## Getting help\n\nCall us.\n")
    (tmp_path / "page.html").write_text('<h2 id="care">Care</h2>')
    (tmp_path / "index.md").write_text(
        "[help](guide.md#getting-help) [nope](guide.md#getting-lost) "
        "[care](page.html#care) [gone](page.html#cure) [self](#index) [top](#top)\n\n# Index\n"
    )
    extraction = extract_sources(resolve_inputs([str(tmp_path / "index.md")]))

    async def go() -> CheckRun:
        return await check_references(extraction.references, CheckSettings(retries=0))

    run = asyncio.run(go())
    findings = {item.reference.text: [f.detail for f in item.verdict.findings] for item in run.results}
    assert findings == {
        "guide.md#getting-help": [],
        "guide.md#getting-lost": ["#getting-lost is not in the file (no heading, id or name)"],
        "page.html#care": [],
        "page.html#cure": ["#cure is not in the file (no heading, id or name)"],
        "#index": [],
        "#top": [],
    }
    assert {item.verdict.status.value for item in run.results} == {"ok"}
