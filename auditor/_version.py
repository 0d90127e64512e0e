"""The version, written once: the package metadata (pyproject's dynamic version), the CLI,
the reports and the User-Agent all read it from here."""

__version__ = "0.1.0"
