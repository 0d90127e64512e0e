"""auditor: find every reference in published documents and check that it is still true.

The pipeline: :mod:`auditor.sources` (what to read) -> :mod:`auditor.extract` (what it
refers to) -> checking, history and reports (coming in later issues).
"""

from __future__ import annotations

from auditor._version import __version__
from auditor.errors import AuditorError, ConfigError, InputError, UnreadableInput
from auditor.extract import DocumentDate, Extraction, SourceInfo, extract_document, extract_sources
from auditor.inputfiles import InputPolicy
from auditor.reference import Email, Kind, Location, Phone, Reference, Url
from auditor.sources import Document, Format, Source, read, resolve_inputs

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
