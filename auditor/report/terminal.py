"""``auditor check`` in a terminal: a progress bar on stderr, and whether to colour.

- Progress is drawn only when stderr is a terminal and neither ``-q`` nor
  ``--no-progress`` was given; stdout (the report) never carries it.
- Colour (https://no-color.org, https://force-color.org): ``NO_COLOR`` set to anything
  but the empty string turns it off; else ``FORCE_COLOR`` set to anything but the empty
  string turns it on, even into a pipe or a file; else colour only when the stream is a
  terminal and ``TERM`` is not ``dumb``. ``NO_COLOR`` wins over ``FORCE_COLOR``, as in
  CPython's own colour choice.
- Colour is never the only signal: the status words are printed either way.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Collection, Mapping
from typing import Protocol, TextIO

import click

from auditor.verdict import DEFAULT_FAIL_ON, Checked, Severity, Status

#: Seconds between two redraws of the bar: a check can finish every few microseconds
#: (repeated links, skipped schemes), and a redraw is a write to the terminal.
REDRAW_INTERVAL = 0.1

#: Each severity's colour; None is dim (not checked at all).
COLOURS: dict[Severity, str | None] = {
    Severity.FAILURE: "red",
    Severity.WARNING: "yellow",
    Severity.NOTE: "magenta",
    Severity.PASS: "green",
    Severity.NONE: None,
}
#: Works, but through a redirect (the address written is not the one answering): yellow, as a warning is.
VIA_REDIRECT = "yellow"


def colour_of(status: Status) -> str | None:
    """The colour ``status`` is painted in: its severity's, but a healthy redirect is yellow."""
    return VIA_REDIRECT if status.via_redirect else COLOURS[status.severity]


#: Each status's colour (from :func:`colour_of`); None is dim (not checked at all).
STATUS_COLOURS: dict[Status, str | None] = {status: colour_of(status) for status in Status}


def paint(text: str, status: Status, *, bold: bool = False) -> str:
    """``text`` in the colour of ``status`` (ANSI codes; the caller decides whether to colour)."""
    colour = STATUS_COLOURS[status]
    if colour is None:
        return click.style(text, dim=True)
    return click.style(text, fg=colour, bold=bold or None)  # None: no 'not bold' code either


def _isatty(stream: object) -> bool:
    try:
        return bool(stream.isatty())  # type: ignore[attr-defined]
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False


def wants_progress(quiet: bool, no_progress: bool, stream: TextIO | None = None) -> bool:
    """Draw a progress bar: stderr (``stream``) is a terminal and neither -q nor --no-progress."""
    return not quiet and not no_progress and _isatty(sys.stderr if stream is None else stream)


def use_colour(stream: TextIO, environ: Mapping[str, str] | None = None) -> bool:
    """Colour what goes to ``stream``: NO_COLOR, then FORCE_COLOR, then a terminal that is not dumb."""
    env = os.environ if environ is None else environ
    if env.get("NO_COLOR"):
        return False
    if env.get("FORCE_COLOR"):
        return True
    return env.get("TERM") != "dumb" and _isatty(stream)


class _Bar(Protocol):
    def update(self, n_steps: int, current_item: Checked | None = None) -> None: ...


class ProgressBar:
    """A :class:`~auditor.check.engine.Progress` drawn by click on stderr.

    Shows done/total, the percentage, the time left and how many references fail so far
    (``fail_on``, on the provisional verdicts). Redraws at most every ``interval`` seconds.
    """

    def __init__(
        self,
        fail_on: Collection[Status] = DEFAULT_FAIL_ON,
        *,
        file: TextIO | None = None,
        interval: float = REDRAW_INTERVAL,
    ) -> None:
        self.fail_on = frozenset(fail_on)
        self.failing = 0
        self._file = file
        self._interval = interval
        self._stack = contextlib.ExitStack()
        self._bar: _Bar | None = None
        self._pending = 0  # references checked since the last redraw
        self._drawn = 0.0
        self._crawl_line = False  # a "crawling" line is on screen, not yet ended

    def crawled(self, pages: int, planned: int) -> None:
        """A crawl read another page (``planned``: pages found so far): one line, redrawn."""
        now = time.monotonic()
        if now - self._drawn < self._interval and pages < planned:
            return
        self._drawn = now
        stream = self._file if self._file is not None else sys.stderr
        click.echo(f"\rcrawling  {pages}/{planned} pages", nl=False, file=stream)
        self._crawl_line = True

    def start(self, total: int) -> None:
        if self._crawl_line:
            click.echo("", file=self._file if self._file is not None else sys.stderr)
            self._crawl_line = False
        if total == 0:
            return  # nothing to check: no bar
        bar = click.progressbar(
            length=total,
            label="checking",
            show_pos=True,
            show_eta=True,
            item_show_func=self._failing,
            file=self._file if self._file is not None else sys.stderr,
        )
        self._bar = self._stack.enter_context(bar)
        self._drawn = time.monotonic()

    def advance(self, checked: Checked) -> None:
        if checked.verdict.status in self.fail_on:
            self.failing += 1
        self._pending += 1
        if self._bar is not None and (now := time.monotonic()) - self._drawn >= self._interval:
            self._bar.update(self._pending, checked)
            self._pending, self._drawn = 0, now

    def finish(self) -> None:
        if self._bar is not None and self._pending:
            self._bar.update(self._pending)
        self._pending = 0
        self._bar = None
        self._stack.close()  # the last line stays; the cursor comes back

    def _failing(self, _item: Checked | None) -> str:
        return f"{self.failing} failing"
