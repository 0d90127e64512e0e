"""auditor: find every reference in published documents and check that it is still true.

The pipeline: :mod:`auditor.sources` (what to read) -> :mod:`auditor.extract` (what it
refers to) -> checking, history and reports (coming in later issues).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from auditor._version import __version__

if TYPE_CHECKING:
    from auditor.errors import AuditorError, ConfigError, InputError, UnreadableInput
    from auditor.extract import DocumentDate, Extraction, SourceInfo, extract_document, extract_sources
    from auditor.inputfiles import InputPolicy
    from auditor.reference import Email, Kind, Location, Phone, Reference, Url
    from auditor.sources import Document, Format, Source, read, resolve_inputs

#: Where each public name lives: imported when first asked for, so that ``import auditor.cli``
#: (``auditor --help``) does not read the extractors.
_HOMES = {
    "auditor.errors": ("AuditorError", "ConfigError", "InputError", "UnreadableInput"),
    "auditor.extract": ("DocumentDate", "Extraction", "SourceInfo", "extract_document", "extract_sources"),
    "auditor.inputfiles": ("InputPolicy",),
    "auditor.reference": ("Email", "Kind", "Location", "Phone", "Reference", "Url"),
    "auditor.sources": ("Document", "Format", "Source", "read", "resolve_inputs"),
}
_HOME = {name: module for module, names in _HOMES.items() for name in names}

__all__ = [
    "AuditorError",
    "ConfigError",
    "Document",
    "DocumentDate",
    "Email",
    "Extraction",
    "Format",
    "InputError",
    "InputPolicy",
    "Kind",
    "Location",
    "Phone",
    "Reference",
    "Source",
    "SourceInfo",
    "UnreadableInput",
    "Url",
    "__version__",
    "extract_document",
    "extract_sources",
    "read",
    "resolve_inputs",
]


def __getattr__(name: str) -> Any:
    if name in _HOME:
        import importlib

        value = getattr(importlib.import_module(_HOME[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
