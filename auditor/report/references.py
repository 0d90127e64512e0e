"""What ``auditor extract`` prints: the references found, as JSON (a contract) or as text."""

from __future__ import annotations

from collections import Counter
from typing import Any

from auditor.extract import Extraction
from auditor.reference import Email, Location, Phone, Reference, Url
from auditor.report import jsondoc
from auditor.untrusted import safe

SCHEMA = "auditor/extract/1"


def location_to_dict(location: Location, written: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "source": location.source,
        "line": location.line,
        "column": location.column,
        "context": location.context,
    }
    if location.text != written:
        data["text"] = location.text  # this place writes it differently (vanity vs digits)
    return data


def reference_to_dict(ref: Reference) -> dict[str, Any]:
    data: dict[str, Any] = {"kind": ref.kind.value, "text": ref.text}
    target = ref.target
    if isinstance(target, Url):
        data["url"] = target.url
    elif isinstance(target, Email):
        data["address"] = target.address
    elif isinstance(target, Phone):
        data.update(e164=target.e164, national=target.national, region=target.region)
    else:  # a malformed link: as written, and why it names nothing
        data.update(written=target.written, invalid=target.reason)
    data["locations"] = [location_to_dict(loc, ref.text) for loc in ref.locations]
    return data


def to_dict(extraction: Extraction) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "sources": sources_to_list(extraction),
        "references": [reference_to_dict(ref) for ref in extraction.references],
        "problems": problems_to_list(extraction),
    }


def sources_to_list(extraction: Extraction) -> list[dict[str, Any]]:
    """The documents read, each with the date it states for itself."""
    return [
        {
            "path": info.name,
            "url": info.url,
            "format": info.format.value,
            "document_date": info.document_date.isoformat() if info.document_date else None,
            **({"warnings": list(info.warnings)} if info.warnings else {}),
        }
        for info in extraction.sources
    ]


def problems_to_list(extraction: Extraction) -> list[dict[str, str]]:
    """The inputs skipped, each with why."""
    return [{"source": p.source, "message": p.why} for p in extraction.problems]


def to_json(extraction: Extraction) -> str:
    return jsondoc.dumps(to_dict(extraction))


def to_text(extraction: Extraction) -> str:
    """One line per reference: where it first is, its kind, its value, and how it is written."""
    rows = []
    for ref in extraction.references:
        first = ref.locations[0]
        more = f"  (+{len(ref.locations) - 1} more)" if len(ref.locations) > 1 else ""
        written = f"  \u2190 {ref.text}" if ref.text != ref.target.key else ""
        rows.append((first.where, ref.kind.value, ref.target.key + written + more))
    if not rows:
        return ""
    width = max(len(r[0]) for r in rows)
    return "".join(safe(f"{where:<{width}}  {kind:<5}  {value}") + "\n" for where, kind, value in rows)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def summary(extraction: Extraction) -> str:
    kinds = Counter(ref.kind.value for ref in extraction.references)
    counted = ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items())) or "none"
    dated = [f"{s.name} ({s.document_date.isoformat()})" for s in extraction.sources if s.document_date]
    lines = [
        f"{_plural(len(extraction.references), 'reference')} ({counted}) "
        f"in {_plural(len(extraction.sources), 'source')}"
    ]
    if dated:
        lines.append("document dates: " + ", ".join(dated))
    return "\n".join(lines)
