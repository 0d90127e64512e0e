"""The ``auditor`` command.

Exit codes: 0 done; 1 something fails (from issue 3 on); 2 usage, input or
configuration error (including an input that could not be read, after the others
were processed); 3 network unavailable (issue 3); 70 an internal error (a bug).
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from auditor import __version__
from auditor.config import check_regions, load
from auditor.defaults import DEFAULT_CONFIG, DEFAULT_REGIONS
from auditor.errors import AuditorError
from auditor.extract import Extraction, extract_sources
from auditor.report import references as dump
from auditor.sources import resolve_inputs
from auditor.write import ensure_writable, write_atomic

EXIT_OK = 0
EXIT_INPUT = 2
EXIT_INTERNAL = 70

F = TypeVar("F", bound=Callable[..., Any])


def _warn(message: str) -> None:
    click.echo(f"auditor: warning: {message}", err=True)


def _fail(message: str, code: int = EXIT_INPUT) -> None:
    for line in message.splitlines():
        click.echo(f"auditor: error: {line}", err=True)
    sys.exit(code)


def _user_errors(command: F) -> F:
    """Turn the errors a user can fix into one clear message and exit 2."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except AuditorError as exc:
            _fail(str(exc), exc.exit_code)

    return wrapper  # type: ignore[return-value]


def _regions(_ctx: click.Context, _param: click.Parameter, value: Sequence[str]) -> list[str]:
    try:
        return check_regions(value) if value else list(DEFAULT_REGIONS)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


_format = click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="How to print the references.",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="auditor")
def main() -> None:
    """Find every reference in published documents and check that it is still true."""


def _emit(extraction: Extraction, fmt: str) -> int:
    for problem in extraction.problems:
        _warn(str(problem))
    out = dump.to_json(extraction) if fmt == "json" else dump.to_text(extraction)
    click.echo(out, nl=False)
    if fmt == "text":
        click.echo(dump.summary(extraction), err=True)
    return EXIT_INPUT if extraction.problems else EXIT_OK


@main.command()
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@_format
@click.option(
    "--region",
    "regions",
    multiple=True,
    callback=_regions,
    metavar="CC",
    help="Region for phone numbers written without a country code (repeatable; default GB and US).",
)
@_user_errors
def extract(inputs: tuple[str, ...], fmt: str, regions: list[str]) -> None:
    """Print every reference in INPUT... without checking it.

    INPUT is a file, a directory (read recursively: .txt .md .html .pdf), a glob,
    or - for standard input.
    """
    sources = resolve_inputs(inputs)
    extraction = extract_sources(sources, regions, stdin=sys.stdin.buffer if "-" in inputs else None)
    sys.exit(_emit(extraction, fmt))


@main.command()
@click.option(
    "--config",
    "config_path",
    default=DEFAULT_CONFIG,
    show_default=True,
    type=click.Path(dir_okay=False),
    help="The audit definition.",
)
@_format
@_user_errors
def run(config_path: str, fmt: str) -> None:
    """Run the audit defined in targets.yaml.

    For now this extracts the references of every configured source and writes
    them to the reports folder as references.json; checking comes next.
    """
    config = load(config_path)
    target = config.reports_dir / "references.json"
    ensure_writable(target)
    sources = resolve_inputs(config.source_inputs())
    extraction = extract_sources(sources, config.targets.checks.regions)
    code = _emit(extraction, fmt)
    write_atomic(target, dump.to_json(extraction))
    click.echo(f"wrote {_display(target)}", err=True)
    sys.exit(code)


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def entry_point() -> None:
    """The console script: no traceback ever reaches the user."""
    try:
        main(standalone_mode=True)
    except KeyboardInterrupt:
        click.echo("auditor: interrupted", err=True)
        sys.exit(130)
    except BrokenPipeError:
        # The reader went away (auditor extract ... | head): stop quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(EXIT_OK)
    except Exception as exc:  # a bug: say so in one line, keep the traceback for whoever asks
        if os.environ.get("AUDITOR_DEBUG"):
            raise
        click.echo(
            f"auditor: internal error: {exc.__class__.__name__}: {exc} "
            "(a bug; rerun with AUDITOR_DEBUG=1 for the traceback and report it)",
            err=True,
        )
        sys.exit(EXIT_INTERNAL)
