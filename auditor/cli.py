"""The ``auditor`` command.

Exit codes: 0 done; 1 something fails (from issue 3 on); 2 usage, input or
configuration error (including an input that could not be read, after the others
were processed); 3 network unavailable (issue 3); 70 an internal error (a bug).
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import functools
import os
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from auditor import __version__
from auditor.check.accept import Accept, parse_accept
from auditor.check.engine import Audit, CheckRun, check_sources, extract_with_pages
from auditor.check.headers import Header, parse_header
from auditor.check.remap import Remap, parse_remap
from auditor.check.settings import CheckSettings, parse_age, parse_duration, parse_time_limit
from auditor.crawl.scope import CrawlScope
from auditor.defaults import (
    DEFAULT_CACHE_MAX_AGE,
    DEFAULT_CONFIG,
    DEFAULT_CRAWL_DEPTH,
    DEFAULT_HISTORY,
    DEFAULT_HOST_CONCURRENCY,
    DEFAULT_MAX_CONCURRENCY,
    DEFAULT_MAX_CRAWL_DELAY,
    DEFAULT_MAX_PAGES,
    DEFAULT_MAX_REDIRECTS,
    DEFAULT_REGIONS,
    DEFAULT_REPORTS_DIR,
    DEFAULT_RETRIES,
    DEFAULT_TIMEOUT,
)
from auditor.errors import AuditorError
from auditor.extract import Extraction, extract_sources
from auditor.extract.phones import check_regions
from auditor.inputfiles import InputPolicy
from auditor.local_site import place
from auditor.report import checked
from auditor.report import references as dump
from auditor.report.formats import ReportFormat, format_of, render, render_chunks
from auditor.report.terminal import ProgressBar, use_colour, wants_progress
from auditor.sources import Site, Source, resolve_inputs
from auditor.untrusted import safe
from auditor.verdict import DEFAULT_FAIL_ON, Status
from auditor.write import ensure_writable, write_atomic

EXIT_OK = 0
EXIT_FAILING = 1
EXIT_INPUT = 2
EXIT_NETWORK = 3
EXIT_INTERNAL = 70

if TYPE_CHECKING:
    from auditor.audit import AuditOutcome
    from auditor.config import Config

F = TypeVar("F", bound=Callable[..., Any])


def _warn(message: str) -> None:
    click.echo(f"auditor: warning: {safe(message)}", err=True)  # may quote a page or a file name


def _source_warnings(extraction: Extraction) -> None:
    """Documents read, but not as usual (a parser's nesting limit reached): each named, with how."""
    for info in extraction.sources:
        for warning in info.warnings:
            _warn(f"{info.name}: {warning}")


def _fail(message: str, code: int = EXIT_INPUT) -> None:
    for line in message.splitlines():
        click.echo(f"auditor: error: {safe(line)}", err=True)
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


def _path_patterns(_ctx: click.Context, _param: click.Parameter, value: Sequence[str]) -> tuple[re.Pattern[str], ...]:
    try:
        return tuple(re.compile(v) for v in value)
    except re.error as exc:
        raise click.BadParameter(f"not a regular expression: {exc}") from None


def _input_options(command: F) -> F:
    """How inputs are found: --follow-symlinks and --exclude-path, for extract, check, fix and run."""
    command = click.option(
        "--exclude-path",
        multiple=True,
        callback=_path_patterns,
        metavar="REGEX",
        help="Leave out input files and folders whose path (relative to the working directory, with /; "
        "a folder's ends in /) matches REGEX; they are never opened (repeatable; checks.exclude_path).",
    )(command)
    return click.option(
        "--follow-symlinks",
        is_flag=True,
        help="Read what symbolic links lead to outside the inputs' tree (the working directory, or the "
        "folder of an input named outside it); by default such links are refused with a warning "
        "(checks.follow_symlinks). Devices, FIFOs and sockets are never read.",
    )(command)


def _input_policy(options: dict[str, Any], config: Config | None = None) -> InputPolicy:
    """The input policy from the flags (taken out of ``options``), added to the file's."""
    follow, exclude = options.pop("follow_symlinks"), options.pop("exclude_path")
    if config is not None:
        return config.input_policy(follow_symlinks=follow or None, exclude_path=exclude)
    return InputPolicy(follow_symlinks=follow, exclude_path=tuple(exclude))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="auditor")
def main() -> None:
    """Find every reference in published documents and check that it is still true."""


def _emit(extraction: Extraction, fmt: str) -> int:
    for problem in extraction.problems:
        _warn(str(problem))
    _source_warnings(extraction)
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
@_input_options
@_user_errors
def extract(inputs: tuple[str, ...], fmt: str, regions: list[str], **options: Any) -> None:
    """Print every reference in INPUT... without checking it.

    INPUT is a file, a directory (read recursively: .txt .md .html .pdf), a glob,
    - for standard input, or the URL of a web page (fetched; its links are read).
    """
    sources = resolve_inputs(inputs, _input_policy(options))
    stdin = sys.stdin.buffer if "-" in inputs else None
    if any(source.url for source in sources):
        extraction = asyncio.run(extract_with_pages(sources, regions, stdin=stdin))
    else:
        extraction = extract_sources(sources, regions, stdin=stdin)
    sys.exit(_emit(extraction, fmt))


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _duration(_ctx: click.Context, _param: click.Parameter, value: str) -> float:
    try:
        return parse_duration(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def _patterns(_ctx: click.Context, _param: click.Parameter, value: Sequence[str]) -> tuple[re.Pattern[str], ...]:
    try:
        return tuple(re.compile(v) for v in value)
    except re.error as exc:
        raise click.BadParameter(f"not a regular expression: {exc}") from None


def _headers(_ctx: click.Context, _param: click.Parameter, value: Sequence[str]) -> tuple[Header, ...]:
    try:
        return tuple(parse_header(header) for header in value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def _accept(_ctx: click.Context, _param: click.Parameter, value: str | None) -> Accept | None:
    try:
        return None if value is None else parse_accept(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def _remaps(_ctx: click.Context, _param: click.Parameter, value: Sequence[str]) -> tuple[Remap, ...]:
    try:
        return tuple(parse_remap(rule) for rule in value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


_remap = click.option(
    "--remap",
    multiple=True,
    callback=_remaps,
    metavar="'REGEX REPLACEMENT'",
    help="Check another address than the one written: the first rule whose REGEX matches rewrites the URL "
    "($1 or \\1 for a group), e.g. 'https://example\\.org/(.*) http://localhost:8000/$1' (repeatable; "
    "before checks.remap).",
)


def _optional_duration(ctx: click.Context, param: click.Parameter, value: str | None) -> float | None:
    return None if value is None else _duration(ctx, param, value)


def _optional_age(_ctx: click.Context, _param: click.Parameter, value: str | None) -> float | None:
    try:
        return None if value is None else parse_age(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def _optional_statuses(ctx: click.Context, param: click.Parameter, value: str | None) -> frozenset[Status] | None:
    return None if value is None else _statuses(ctx, param, value)


def _statuses(_ctx: click.Context, _param: click.Parameter, value: str) -> frozenset[Status]:
    try:
        return frozenset(Status(part.strip()) for part in value.split(",") if part.strip())
    except ValueError:
        known = ", ".join(s.value for s in Status)
        raise click.BadParameter(f"unknown status in {value!r} (known: {known})") from None


def _optional_regions(ctx: click.Context, param: click.Parameter, value: Sequence[str]) -> list[str] | None:
    return _regions(ctx, param, value) if value else None


_include_fragments = click.option(
    "--include-fragments",
    is_flag=True,
    help="A #fragment the page lacks is the failing status missing-fragment (checks.fragments: fail); "
    "by default it is a warning (a missing-fragment finding) that fails nothing.",
)


def _site_option(parse: Callable[[str], Any]) -> Callable[[click.Context, click.Parameter, str | None], Any]:
    def callback(_ctx: click.Context, _param: click.Parameter, value: str | None) -> Any:
        try:
            return None if value is None else parse(value)
        except AuditorError as exc:
            raise click.BadParameter(str(exc)) from None

    return callback


def _local_site(command: F) -> F:
    """--root-dir and --base-url: where a local site's "/" is, and where it is published."""
    from auditor import local_site

    command = click.option(
        "--base-url",
        default=None,
        metavar="URL",
        callback=_site_option(local_site.base_url),
        help="Where the local files are published: their relative and /root-relative links are checked "
        "at URL (a file's path below the root appended to it).",
    )(command)
    return click.option(
        "--root-dir",
        default=None,
        metavar="DIR",
        callback=_site_option(local_site.root_dir),
        help="The folder /root-relative links in local files mean (/about.html is DIR/about.html); "
        "without it a directory input is its own root, and such links in a file given alone are unchecked.",
    )(command)


def _fragments(
    settings: CheckSettings, include: bool, fail_on: frozenset[Status]
) -> tuple[CheckSettings, frozenset[Status]]:
    """The settings and --fail-on with what --include-fragments (or --fail-on missing-fragment) asks."""
    from auditor.check.fragment_policy import effective

    policy, fail_on = effective(settings.fragments, include, fail_on)
    return dataclasses.replace(settings, fragments=policy), fail_on


def _builtin(value: object) -> str:
    """The built-in default, as --help shows it (targets.yaml's checks: may say otherwise)."""
    return str(value)


def _checking() -> Callable[[F], F]:
    """How to check: the same flags for ``check`` and ``fix``.

    Both take their settings from targets.yaml's ``checks:`` too (:func:`_judging`), so an
    unset flag is None (the file's value stays); help shows the built-in default.
    """

    options = [
        click.option(
            "--region",
            "regions",
            multiple=True,
            callback=_optional_regions,
            metavar="CC",
            help="Phone region (repeatable).",
        ),
        click.option(
            "--timeout",
            type=click.FloatRange(min=0.1),
            default=None,
            show_default=_builtin(DEFAULT_TIMEOUT),
            help="Seconds per request.",
        ),
        click.option("--retries", type=click.IntRange(min=0), default=None, show_default=_builtin(DEFAULT_RETRIES)),
        click.option(
            "--max-concurrency",
            type=click.IntRange(min=1),
            default=None,
            show_default=_builtin(DEFAULT_MAX_CONCURRENCY),
        ),
        click.option(
            "--host-concurrency",
            type=click.IntRange(min=1),
            default=None,
            show_default=_builtin(DEFAULT_HOST_CONCURRENCY),
        ),
        click.option(
            "--host-request-interval",
            default=None,
            show_default=_builtin("100ms"),
            callback=_optional_duration,
            help="0, 50ms, 1s.",
        ),
        click.option(
            "--max-redirects", type=click.IntRange(min=0), default=None, show_default=_builtin(DEFAULT_MAX_REDIRECTS)
        ),
        click.option("--user-agent", default=None, show_default=False),
        click.option(
            "--header",
            "headers",
            multiple=True,
            callback=_headers,
            help="'Name: value' for every host, 'HOST Name: value' for HOST (or *.DOMAIN) only; never sent "
            "after a redirect to another origin (repeatable).",
        ),
        click.option(
            "--include", multiple=True, callback=_patterns, help="Check URLs matching REGEX even if excluded."
        ),
        click.option("--exclude", multiple=True, callback=_patterns, help="Skip URLs matching REGEX (repeatable)."),
        _remap,
        click.option("--insecure", is_flag=True, default=None, help="Do not verify TLS certificates."),
        click.option(
            "--transport",
            type=click.Choice(["auto", "curl", "aiohttp"]),
            default=None,
            help="The HTTP stack: curl (libcurl, the default when pycurl is installed) or aiohttp (checks.transport).",
        ),
        *_network_safety(),
        click.option(
            "--accept",
            callback=_accept,
            metavar="STATUSES",
            help="HTTP statuses that mean the page is there, lychee's syntax: 200..=299,403 (default: any 2xx).",
        ),
        click.option(
            "--fail-on",
            default=None,
            show_default=_builtin(",".join(sorted(s.value for s in DEFAULT_FAIL_ON))),
            callback=_optional_statuses,
            help="Statuses that make the exit code 1.",
        ),
        _include_fragments,
    ]

    def apply(command: F) -> F:
        for option in reversed(options):
            command = option(command)
        return command

    return apply


def _network_safety() -> list[Callable[[F], F]]:
    """lychee's address flags, --allow-private and --cookie-jar (check, fix and run)."""
    flags = [
        ("--exclude-private", "Refuse private addresses: 10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7."),
        ("--exclude-loopback", "Refuse loopback addresses: 127/8, ::1, 0.0.0.0, localhost."),
        ("--exclude-link-local", "Refuse link-local addresses: 169.254/16 (cloud metadata), fe80::/10."),
        (
            "--exclude-all-private",
            "All three. The default when CI is set or an input is a remote page (a URL, a crawl).",
        ),
    ]
    return [
        *(click.option(flag, is_flag=True, default=None, help=text) for flag, text in flags),
        click.option(
            "--allow-private",
            is_flag=True,
            default=None,
            help="Check private, loopback and link-local addresses, even when CI is set or an input is a "
            "remote page (where they are refused by default).",
        ),
        click.option(
            "--cookie-jar",
            type=click.Path(dir_okay=False),
            default=None,
            help="Netscape cookies.txt: loaded at the start, saved at the end.",
        ),
    ]


#: The flags of :func:`_network_safety` whose False means "not given" where the file's value stands.
_SAFETY_FLAGS = ("exclude_private", "exclude_loopback", "exclude_link_local", "exclude_all_private", "allow_private")


_no_archive = click.option(
    "--no-archive", is_flag=True, help="Do not ask the web archive for copies of dead, soft-404 and parked pages."
)


def _network_safety_options(command: F) -> F:
    for option in reversed(_network_safety()):
        command = option(command)
    return command


def _optional_time_limit(_ctx: click.Context, _param: click.Parameter, value: str | None) -> float | None:
    try:
        return None if value is None else parse_time_limit(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def _bounds(command: F) -> F:
    """--max-crawl-delay and --max-duration: a hostile site or a slow run ends in bounded time."""
    command = click.option(
        "--max-duration",
        default=None,
        callback=_optional_time_limit,
        metavar="DURATION",
        help="Stop checking after this long (90s, 10m, 1h): what is left is reported unchecked; "
        "reports are still written (checks.max_duration).",
    )(command)
    return click.option(
        "--max-crawl-delay",
        default=None,
        callback=_optional_time_limit,
        metavar="SECONDS",
        help=f"Cut a robots.txt Crawl-delay longer than this (default {DEFAULT_MAX_CRAWL_DELAY:g}s), "
        "with a warning (checks.max_crawl_delay).",
    )(command)


_offline_ok = click.option(
    "--offline-ok",
    is_flag=True,
    help="No network is no failure: say so and exit 0 (or 1 for what failed without it: a missing local file).",
)


_config_option = click.option(
    "--config",
    "config_path",
    default=DEFAULT_CONFIG,
    show_default=True,
    type=click.Path(dir_okay=False),
    help="The audit definition.",
)


def _judge_config(command: F) -> F:
    """``--config`` / ``--no-config`` for check and fix: both judge as targets.yaml's ``checks:`` say."""
    command = click.option(
        "--no-config", is_flag=True, help=f"Read no {DEFAULT_CONFIG}: built-in defaults and the flags only."
    )(command)
    return click.option(
        "--config",
        "config_path",
        default=None,
        type=click.Path(dir_okay=False),
        help=f"Judge as this targets.yaml's checks: say (default: ./{DEFAULT_CONFIG} when there is one).",
    )(command)


def _judging(
    config_path: str | None,
    no_config: bool,
    options: dict[str, Any],
    regions: list[str] | None,
    fail_on: frozenset[Status] | None,
) -> tuple[CheckSettings, list[str], frozenset[Status], InputPolicy]:
    """Settings, phone regions, failing statuses and the input policy for check and fix, alike: the flags
    given, then targets.yaml's ``checks:`` (the file named, else ./targets.yaml when
    there is one, unless --no-config), then the built-in defaults."""
    if no_config and config_path is not None:
        raise click.UsageError("--config and --no-config contradict each other")
    config = None if no_config else _judge_config_file(config_path)
    policy = _input_policy(options, config)
    if options.get("insecure") is False:
        options["insecure"] = None  # an unset flag keeps the file's value
    _unset_flags(options)
    if config is not None:
        settings = config.check_settings(**options)
        return settings, regions or list(config.regions), config.fail_on if fail_on is None else fail_on, policy
    settings = CheckSettings(**{k: v for k, v in options.items() if v is not None})
    return settings, regions or list(DEFAULT_REGIONS), DEFAULT_FAIL_ON if fail_on is None else fail_on, policy


@main.command()
@_config_option
@click.option("--timeout", type=click.FloatRange(min=0.1), default=None, help="Seconds per request (checks.timeout).")
@click.option("--retries", type=click.IntRange(min=0), default=None, help="checks.retries")
@click.option("--max-concurrency", type=click.IntRange(min=1), default=None, help="checks.max_concurrency")
@click.option("--host-concurrency", type=click.IntRange(min=1), default=None, help="checks.host_concurrency")
@click.option("--host-request-interval", default=None, callback=_optional_duration, help="checks.host_request_interval")
@click.option("--exclude", multiple=True, callback=_patterns, help="Also skip URLs matching REGEX (repeatable).")
@_input_options
@click.option("--fail-on", default=None, callback=_optional_statuses, help="checks.fail_on, e.g. dead,error.")
@_include_fragments
@_remap
@click.option("--reset-history", is_flag=True, help="Start a new history; the old file is kept aside.")
@click.option("--no-cache", is_flag=True, help="Check everything afresh: no result reused from earlier runs.")
@click.option("--cache-max-age", default=None, callback=_optional_age, help="checks.cache_max_age, e.g. 12h, 1d.")
@click.option("--no-archive", is_flag=True, help="Suggest no archived copies: the web archive is not asked.")
@_bounds
@click.option("--no-progress", is_flag=True, help="No progress bar.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar, no summary: the exit code and errors only.")
@_network_safety_options
@_user_errors
def run(
    config_path: str,
    fail_on: frozenset[Status] | None,
    include_fragments: bool,
    reset_history: bool,
    no_cache: bool,
    cache_max_age: float | None,
    no_archive: bool,
    **options: Any,
) -> None:
    """Run the audit defined in targets.yaml, with memory across runs.

    Writes reports/<date>.html and .json, reports/latest.html and .json and
    reports/index.html (every run with a trend), and records the run in the history.
    Exit codes as `auditor check`.
    """
    from auditor.audit import run_audit
    from auditor.config import load  # pydantic and yaml only for the commands that read targets.yaml

    quiet, no_progress = options.pop("quiet"), options.pop("no_progress")
    _unset_flags(options)
    config = load(config_path)
    inputs = _input_policy(options, config)
    fail_on = config.fail_on if fail_on is None else fail_on  # --fail-on '': nothing fails
    from auditor.check.fragment_policy import effective

    options["fragments"], fail_on = effective(config.fragments, include_fragments, fail_on)
    progress = ProgressBar(fail_on) if wants_progress(quiet, no_progress, sys.stderr) else None
    outcome = asyncio.run(
        run_audit(
            config,
            overrides=options,
            fail_on=fail_on,
            reset_history=reset_history,
            cache=not no_cache,
            cache_max_age=None if cache_max_age is None else dt.timedelta(seconds=cache_max_age),
            archive=not no_archive,
            progress=progress,
            inputs=inputs,
        )
    )
    for note in outcome.audit.run.notes:
        _warn(note)
    sys.exit(_report_run(outcome, quiet))


def _unset_flags(options: dict[str, Any]) -> None:
    """An unset safety flag (False) is None: the file's value stands."""
    for name in _SAFETY_FLAGS:
        if options.get(name) is False:
            options[name] = None


def _report_run(outcome: AuditOutcome, quiet: bool) -> int:
    for problem in outcome.audit.extraction.problems:
        _warn(str(problem))
    _source_warnings(outcome.audit.extraction)
    if outcome.report is None:
        click.echo(f"auditor: {outcome.summary}", err=True)
        return outcome.exit_code
    if not quiet:
        colour = use_colour(sys.stdout)
        text = checked.to_text(
            outcome.audit.run, outcome.fail_on, colour=colour, crawls=outcome.audit.extraction.crawls
        )
        click.echo(text, nl=False, color=colour)
        folder = outcome.report.parent
        also = ", ".join(_display(folder / name) for name in ("latest.html", "index.html"))
        click.echo(outcome.summary)
        click.echo(f"wrote {_display(outcome.report)} (and {also})")
    return outcome.exit_code


@main.command()
@_config_option
@click.option("--no-progress", is_flag=True, hidden=True)
@_user_errors
def schedule(config_path: str, no_progress: bool) -> None:
    """Run the audit on targets.yaml's schedule (schedule.cron, schedule.timezone) until stopped.

    Runs one audit at once when the last one is older than one period (the machine
    was off); never two at a time; SIGINT or SIGTERM stops it cleanly.
    """
    from auditor.audit import run_audit
    from auditor.config import load
    from auditor.history import History
    from auditor.schedule import serve

    config = load(config_path)

    def log(message: str) -> None:
        stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
        click.echo(f"{stamp} auditor: {message}", err=True)

    def last_run() -> dt.datetime | None:
        with History.open(config.history_path) as history:
            last = history.last_run()
        return last.started_at if last else None

    async def audit() -> int:
        fresh = load(config_path)  # edits to targets.yaml apply from the next run
        outcome = await run_audit(fresh, log=log)
        log(outcome.summary + (f"; {_display(outcome.report)}" if outcome.report else ""))
        return outcome.exit_code

    sys.exit(asyncio.run(serve(config.schedule, audit, last_run=last_run, log=log)))


@main.command()
@click.option(
    "--dir",
    "folder",
    default=str(Path(DEFAULT_REPORTS_DIR) / "demo"),
    show_default=True,
    type=click.Path(file_okay=False),
    help="Where the demo's audit definition and reports go.",
)
@_user_errors
def demo(folder: str) -> None:
    """Audit the sample leaflet against a simulated web, offline: a complete report in one command."""
    from auditor.demo.runner import run_demo

    outcome = asyncio.run(run_demo(Path(folder)))
    _report_run(outcome, quiet=False)
    click.echo(f"open {_display(outcome.report or Path(folder))} in a browser")
    sys.exit(EXIT_OK)


@main.command()
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option(
    "--format",
    "fmt",
    type=click.Choice([f.value for f in ReportFormat]),
    default="text",
    show_default=True,
    help="What to print.",
)
@click.option(
    "-o",
    "--output",
    "outputs",
    multiple=True,
    type=click.Path(dir_okay=False),
    help="Write a report; the format comes from the extension: .json, .html, .xml (JUnit), .sarif, .md (repeatable).",
)
@_judge_config
@_checking()
@_input_options
@click.option("--crawl", is_flag=True, help="Crawl from each URL input: every page of its site within reach is read.")
@click.option(
    "--depth",
    type=click.IntRange(min=0),
    default=None,
    help=f"Links to follow away from the start page (with --crawl; default {DEFAULT_CRAWL_DEPTH}).",
)
@click.option(
    "--max-pages",
    type=click.IntRange(min=1),
    default=None,
    help=f"Pages read per site at most (with --crawl; default {DEFAULT_MAX_PAGES:,}).",
)
@click.option(
    "--crawl-scope",
    type=click.Choice([scope.value for scope in CrawlScope]),
    default=None,
    help="host: the start page's host (default); domain: its registrable domain (www. and shop. alike).",
)
@click.option("--cache", is_flag=True, help="Reuse healthy results younger than --cache-max-age (and save this run's).")
@click.option(
    "--cache-max-age",
    default=None,
    callback=_optional_age,
    help="How old a reused result may be: 30m, 12h, 1d (default), 2w.",
)
@click.option(
    "--cache-file",
    default=str(Path(DEFAULT_REPORTS_DIR) / DEFAULT_HISTORY),
    show_default=True,
    type=click.Path(dir_okay=False),
    help="The history file the cache lives in (with --cache).",
)
@_local_site
@_no_archive
@_offline_ok
@_bounds
@click.option("--no-progress", is_flag=True, help="No progress bar (drawn on stderr only when it is a terminal).")
@click.option(
    "-q", "--quiet", is_flag=True, help="No progress bar, no text summary: the exit code, errors and warnings only."
)
@_user_errors
def check(
    inputs: tuple[str, ...],
    fmt: str,
    outputs: tuple[str, ...],
    config_path: str | None,
    no_config: bool,
    regions: list[str] | None,
    fail_on: frozenset[Status] | None,
    **options: Any,
) -> None:
    """Check every reference in INPUT... and exit 0 (fine), 1 (something fails), 2 (bad input) or 3 (no network).

    INPUT is a file, a directory, a glob, - for standard input, or the URL of a web
    page whose links are checked (that page only, unless --crawl: then its whole site).

    When the CI environment variable is set, or an input is a remote page, links to
    private, loopback and link-local addresses are skipped, never fetched (also after
    a redirect), but for the input URLs' own hosts; --allow-private checks them.
    """
    include_fragments: bool = options.pop("include_fragments")
    root_dir, base_url = options.pop("root_dir"), options.pop("base_url")
    quiet: bool = options.pop("quiet")
    no_progress: bool = options.pop("no_progress")
    site = _site(options.pop("crawl"), options.pop("depth"), options.pop("max_pages"), options.pop("crawl_scope"))
    use_cache, cache_file = options.pop("cache"), Path(options.pop("cache_file"))
    max_age = options.pop("cache_max_age")
    if max_age is not None and not use_cache:
        raise click.UsageError("--cache-max-age needs --cache")
    no_archive = options.pop("no_archive")
    settings, regions, fail_on, policy = _judging(config_path, no_config, options, regions, fail_on)
    if no_archive:
        settings = dataclasses.replace(settings, archive_url=None)
    settings, fail_on = _fragments(settings, include_fragments, fail_on)
    targets = {Path(o): format_of(Path(o)) for o in outputs}
    for target in targets:
        ensure_writable(target)
    sources = place(resolve_inputs(inputs, policy), root_dir, base_url)
    if site is not None:
        if not any(source.url for source in sources):
            raise click.UsageError("--crawl needs the address of a web page to start from (https://...)")
        sources = [source.crawled(site) if source.url else source for source in sources]
    stdin = sys.stdin.buffer if "-" in inputs else None
    progress = ProgressBar(fail_on) if wants_progress(quiet, no_progress, sys.stderr) else None
    age = dt.timedelta(seconds=DEFAULT_CACHE_MAX_AGE if max_age is None else max_age)
    audit = asyncio.run(_checked(sources, settings, regions, stdin, progress, cache_file if use_cache else None, age))
    extraction, run = audit.extraction, audit.run
    for problem in extraction.problems:
        _warn(str(problem))
    _source_warnings(extraction)
    for note in run.notes:
        _warn(note)
    rendered: dict[ReportFormat, str] = {}  # each format rendered once, however many files want it
    for target, target_format in targets.items():
        if target_format is ReportFormat.JSON:  # written as it is made: it holds every reference
            write_atomic(target, render_chunks(target_format, extraction, run, fail_on))
            continue
        rendered.setdefault(target_format, render(target_format, extraction, run, fail_on, inputs=inputs))
        write_atomic(target, rendered[target_format])
    shown = ReportFormat(fmt)
    if shown is not ReportFormat.TEXT:
        pieces = (
            (rendered[shown],) if shown in rendered else render_chunks(shown, extraction, run, fail_on, inputs=inputs)
        )
        for piece in pieces:
            click.echo(piece, nl=False)
    elif not quiet:  # coloured for a terminal; files written with -o never are
        colour = use_colour(sys.stdout)
        click.echo(checked.to_text(run, fail_on, colour=colour, crawls=extraction.crawls), nl=False, color=colour)
    failing = any(item.verdict.status in fail_on for item in run.reached())
    if run.network_unavailable:
        click.echo(_outage_note(run, settings.offline_ok), err=True)
    sys.exit(_exit_code(bool(extraction.problems), failing, run.network_unavailable and not settings.offline_ok))


def _exit_code(problems: bool, failing: bool, offline: bool) -> int:
    """2 for bad input, then 1 for what fails (a dead local file fails during an outage too),
    then 3 when the network was down (and that is not declared ok), else 0."""
    if problems:
        return EXIT_INPUT
    if failing:
        return EXIT_FAILING
    return EXIT_NETWORK if offline else EXIT_OK


def _outage_note(run: CheckRun, offline_ok: bool, *, fixing: bool = False) -> str:
    unreached = len(run.results) - len(run.reached())
    what = "reference" if unreached == 1 else "references"
    nothing = "nothing was rewritten or called dead" if fixing else "nothing was called dead"
    said = f"auditor: the network is unavailable: {unreached} {what} could not be verified, {nothing}"
    return said + ("; that fails nothing (--offline-ok)" if offline_ok else " (exit 3 unless something else fails)")


def _site(crawl: bool, depth: int | None, max_pages: int | None, scope: str | None) -> Site | None:
    """The crawl the flags ask for; --depth and friends without --crawl are a mistake worth naming."""
    if not crawl:
        named = (("--depth", depth), ("--max-pages", max_pages), ("--crawl-scope", scope))
        given = [flag for flag, value in named if value is not None]
        if given:
            raise click.UsageError(f"{', '.join(given)} only apply with --crawl")
        return None
    return Site(
        depth=DEFAULT_CRAWL_DEPTH if depth is None else depth,
        max_pages=max_pages or DEFAULT_MAX_PAGES,
        scope=scope or CrawlScope.HOST.value,
    )


async def _checked(
    sources: list[Source],
    settings: CheckSettings,
    regions: list[str],
    stdin: Any,
    progress: ProgressBar | None,
    cache_file: Path | None,
    max_age: dt.timedelta,
) -> Audit:
    """``check_sources``, with the cross-run cache in ``cache_file`` when one is given."""
    if cache_file is None:
        return await check_sources(sources, settings, regions, stdin=stdin, progress=progress)
    from auditor.check.cache import CheckCache
    from auditor.history import History

    with History.open(cache_file) as history:
        cache = await CheckCache.load(history, max_age=max_age, now=dt.datetime.now(dt.UTC))
        return await check_sources(sources, settings, regions, stdin=stdin, progress=progress, cache=cache)


def _fixable(_ctx: click.Context, _param: click.Parameter, value: str) -> frozenset[Status]:
    from auditor.fix import FIXABLE

    statuses = _statuses(_ctx, _param, value)
    if not statuses or statuses - FIXABLE:
        raise click.BadParameter(f"fix rewrites only moved and shortened references, not {value!r}")
    return statuses


@main.command()
@click.argument("inputs", nargs=-1, required=True, metavar="PATH...")
@click.option("--dry-run", is_flag=True, help="Print the rewrites as a unified diff (stdout); change nothing.")
@click.option(
    "--only",
    default="moved,shortened",
    show_default=True,
    callback=_fixable,
    help="Which verdicts to rewrite: moved (permanent redirects), shortened (short links).",
)
@_judge_config
@_local_site
@_no_archive
@_offline_ok
@_checking()
@_input_options
@click.option("--no-progress", is_flag=True, help="No progress bar.")
@click.option("-q", "--quiet", is_flag=True, help="Nothing but the diff (--dry-run), errors and warnings.")
@_user_errors
def fix(
    inputs: tuple[str, ...],
    dry_run: bool,
    only: frozenset[Status],
    config_path: str | None,
    no_config: bool,
    no_archive: bool,
    regions: list[str] | None,
    fail_on: frozenset[Status] | None,
    include_fragments: bool,
    root_dir: Path | None,
    base_url: str | None,
    no_progress: bool,
    quiet: bool,
    **options: Any,
) -> None:
    """Check the references in PATH... and rewrite the moved and shortened ones in place.

    Only the address changes, in the form it is written: a Markdown link target or
    autolink, an HTML attribute value, or plain text (the full new URL). Temporary
    redirects and failing references are left, listed with an archived copy when one
    exists. A file edited while it was being checked is not overwritten.

    Exit 0 when nothing is left to fix, 1 when something is (with --dry-run: when there
    is a change to make), 2 on bad input, 3 when the network is unavailable.
    """
    from auditor.fix import fixable_sources, plan_fixes, snapshot, write_fixes
    from auditor.report import fixes

    settings, regions, fail_on, policy = _judging(config_path, no_config, options, regions, fail_on)
    if no_archive:
        settings = dataclasses.replace(settings, archive_url=None)
    settings, fail_on = _fragments(settings, include_fragments, fail_on)
    sources = fixable_sources(place(resolve_inputs(inputs, policy), root_dir, base_url))
    before = snapshot(sources)
    progress = ProgressBar(fail_on) if wants_progress(quiet, no_progress, sys.stderr) else None
    audit = asyncio.run(check_sources(sources, settings, regions, progress=progress))
    for problem in audit.extraction.problems:
        _warn(str(problem))
    _source_warnings(audit.extraction)
    for note in audit.run.notes:
        _warn(note)
    if audit.run.network_unavailable:
        click.echo(_outage_note(audit.run, settings.offline_ok, fixing=True), err=True)
        failing = any(item.verdict.status in fail_on for item in audit.run.reached())
        sys.exit(_exit_code(bool(audit.extraction.problems), failing, not settings.offline_ok))
    plan = plan_fixes(sources, before, audit.run, only)
    written = None if dry_run else write_fixes(plan)
    if dry_run:
        click.echo(plan.diff(), nl=False)
    left = fixes.left_for_a_person(plan, audit.run, fail_on)
    if not quiet:
        colour = use_colour(sys.stderr if dry_run else sys.stdout)  # a dry run's stdout is the diff alone
        click.echo(fixes.to_text(plan, left, written=written, colour=colour), nl=False, color=colour, err=dry_run)
    failing = any(item.checked.verdict.status in fail_on for item in left) or bool(plan.unfixed)
    unwritten = bool(written.conflicts or written.failures) if written is not None else bool(plan.changed)
    for file, why in written.refused if written is not None else ():
        click.echo(f"auditor: error: {file.name}: {why}", err=True)
    if audit.extraction.problems or (written is not None and written.refused):
        sys.exit(EXIT_INPUT)
    sys.exit(EXIT_FAILING if failing or unwritten else EXIT_OK)


def _judge_config_file(config_path: str | None) -> Config | None:
    """targets.yaml for check and fix: the file named, else ./targets.yaml if there is one."""
    from auditor.config import load

    if config_path is not None:
        return load(config_path)
    return load(DEFAULT_CONFIG) if Path(DEFAULT_CONFIG).is_file() else None


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
