"""The exceptions auditor raises, and what the command line makes of them.

    AuditorError              anything the user can fix; printed as one line, exit 2
    ├── InputError            an input path, glob or stream cannot be used
    │   └── UnreadableInput   one file cannot be read as a document (binary, corrupt,
    │                         too large, undecodable, not a regular file, a link out of
    │                         the inputs' tree); others are still processed
    ├── ConfigError           targets.yaml is wrong (message names file, line and key)
    └── ClusterError          --cluster: the Dask scheduler cannot be reached or used

Every message says what is wrong with which file and, where it helps, what to do.
"""

from __future__ import annotations


class AuditorError(Exception):
    """A problem with what the user asked for, as opposed to a bug in auditor."""

    exit_code = 2


class InputError(AuditorError):
    pass


class UnreadableInput(InputError):
    """One input cannot be read; a warning, and the run goes on with the others."""

    def __init__(self, source: str, why: str) -> None:
        super().__init__(f"{source}: {why}")
        self.source = source
        self.why = why


class ConfigError(AuditorError):
    pass


class ClusterError(AuditorError):
    """``--cluster``: dask is not installed, the scheduler does not answer, workers differ."""
