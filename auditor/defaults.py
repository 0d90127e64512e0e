"""Defaults shared by the command line and targets.yaml: one place, one value each."""

from __future__ import annotations

#: Regions tried, in order, for a phone number written without a country code.
DEFAULT_REGIONS: tuple[str, ...] = ("GB", "US")

#: Inputs larger than this are refused rather than read into memory.
MAX_INPUT_BYTES = 50 * 1024 * 1024

#: The audit definition looked for in the working directory.
DEFAULT_CONFIG = "targets.yaml"

#: Where reports are written, relative to the configuration file.
DEFAULT_REPORTS_DIR = "reports"

#: Longest context kept around a reference, in characters.
MAX_CONTEXT_CHARS = 200
