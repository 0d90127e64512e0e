"""The exit codes of every command, and the one rule that picks one.

    0   done: nothing fails
    1   something fails (a status in --fail-on / checks.fail_on; for ``run``, a
        confirmed failure; for ``fix``, something left to fix)
    2   usage, input or configuration error (also an input that could not be read,
        after the others were processed)
    3   the network is unavailable (and --offline-ok was not given)
    70  an internal error (a bug)
    130 interrupted (Ctrl-C)

``check``, ``fix``, ``run``, ``schedule`` (each run it logs) and ``demo`` all decide
with :func:`exit_code`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from enum import IntEnum

from auditor.verdict import Status


class ExitCode(IntEnum):
    OK = 0
    FAILING = 1
    INPUT = 2
    NETWORK = 3
    INTERNAL = 70
    INTERRUPTED = 130


def exit_code(*, bad_input: bool, failing: bool, offline: bool = False) -> ExitCode:
    """2 for bad input, then 1 for what fails (a dead local file fails during an outage too),
    then 3 when the network was down (and that is not declared ok), else 0."""
    if bad_input:
        return ExitCode.INPUT
    if failing:
        return ExitCode.FAILING
    return ExitCode.NETWORK if offline else ExitCode.OK


def fails(statuses: Iterable[Status], fail_on: Collection[Status]) -> bool:
    """Whether any of ``statuses`` fails the run."""
    return any(status in fail_on for status in statuses)
