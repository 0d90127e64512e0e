"""Shared helpers: extract references from a document written inline in a test."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from auditor.extract import extract_document
from auditor.fakeweb import FakeWeb
from auditor.pipeline import Audit, check_sources
from auditor.reference import Reference
from auditor.sources import Document, Format, Source

FORMAT_NAMES = {Format.TEXT: "doc.txt", Format.MARKDOWN: "doc.md", Format.HTML: "doc.html"}


def extract(
    text: str, fmt: Format = Format.TEXT, regions: Sequence[str] = ("GB", "US"), folder: Path | None = None
) -> list[Reference]:
    """The references of ``text`` read as a document of format ``fmt``."""
    folder = folder or Path("/docs")
    name = FORMAT_NAMES[fmt]
    source = Source(name, folder / name, fmt)
    _, refs = extract_document(Document(source, fmt, text, text.encode()), regions)
    return refs


def value(ref: Reference) -> str:
    """The normalised address, e-mail, E.164 number, or a malformed link as written."""
    return ref.target.key


def summary(refs: Sequence[Reference]) -> list[tuple[str, str, str, int]]:
    """(kind, text as written, normalised value, first line) of each reference."""
    return [(ref.kind.value, ref.text, value(ref), ref.locations[0].line) for ref in refs]


@pytest.fixture
def samples() -> Path:
    """The project's shared sample inputs, when this checkout has them beside it."""
    path = Path(__file__).resolve().parents[2] / "shared" / "samples"
    if not path.is_dir():
        pytest.skip("../shared/samples is not beside this checkout")
    return path


def through_fake_web(
    sites: Mapping[str, Any] | Callable[[], Mapping[str, Any]], *, mail: bool = False
) -> Callable[..., Any]:
    """A stand-in for ``check_sources`` that checks against a fake web of ``sites``.

    For a test to monkeypatch where a command calls ``check_sources`` (``auditor.cli``,
    ``auditor.audit``). ``sites`` may be a callable, read when the check starts; ``mail``
    also routes mail-domain lookups to the fake web (else they go through its resolver).
    """

    async def check(sources, settings, regions, **kwargs: Any) -> Audit:  # type: ignore[no-untyped-def]
        async with FakeWeb(sites() if callable(sites) else sites) as web:
            network = web.network if mail else replace(web.network, mail_resolver=None)
            return await check_sources(sources, settings, regions, network=network, **kwargs)

    return check
