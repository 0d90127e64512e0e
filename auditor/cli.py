"""The ``auditor`` command.

Exit codes (:mod:`auditor.exitcodes`): 0 done; 1 something fails; 2 usage, input or
configuration error (including an input that could not be read, after the others
were processed); 3 network unavailable; 70 an internal error (a bug).

The settings' flags are generated from :mod:`auditor.check.settings`
(:func:`_setting_options`): each command takes the settings that apply to it.

Imports stay light at the top of this module (``auditor --help`` reads nothing but
click and the settings table): each command imports the stages it runs
(tests/test_imports.py keeps it so).
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import sys
from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click
from click.core import ParameterSource

from auditor._version import __version__
from auditor.check.settings import SETTINGS, UNSET, CheckSettings, Kind, Setting, layered
from auditor.defaults import (
    DEFAULT_CONFIG,
    DEFAULT_CRAWL_DEPTH,
    DEFAULT_HISTORY,
    DEFAULT_MAX_PAGES,
    DEFAULT_REPORTS_DIR,
)
from auditor.errors import AuditorError
from auditor.exitcodes import ExitCode, exit_code, fails
from auditor.untrusted import safe

if TYPE_CHECKING:
    from auditor.audit import AuditOutcome
    from auditor.config import Config
    from auditor.extract import Extraction
    from auditor.inputfiles import InputPolicy
    from auditor.pipeline import Audit
    from auditor.report.terminal import ProgressBar
    from auditor.sources import Site, Source
    from auditor.verdict import CheckRun, Status

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")


#: Stages imported when first used; tests replace them here (the fake web, a terminal).
_LAZY = {"check_sources": "auditor.pipeline", "wants_progress": "auditor.report.terminal"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _stage(name: str) -> Callable[..., Any]:
    """One of :data:`_LAZY`, unless a test put another here."""
    return globals().get(name) or __getattr__(name)


def _check_sources() -> Callable[..., Any]:
    """The checking stage: :func:`auditor.pipeline.check_sources`."""
    return _stage("check_sources")


def _run(coroutine: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run``: asyncio is imported by the commands that need it, not by --help."""
    import asyncio

    return asyncio.run(coroutine)


def _warn(message: str) -> None:
    click.echo(f"auditor: warning: {safe(message)}", err=True)  # may quote a page or a file name


def _source_warnings(extraction: Extraction) -> None:
    """Documents read, but not as usual (a parser's nesting limit reached): each named, with how."""
    for info in extraction.sources:
        for warning in info.warnings:
            _warn(f"{info.name}: {warning}")


def _fail(message: str, code: int = ExitCode.INPUT) -> None:
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


# --- the settings' flags, generated ---------------------------------------------------

#: What --help shows for a value of each kind (a setting may name its own).
_METAVARS = {
    Kind.DURATION: "DURATION",
    Kind.AGE: "AGE",
    Kind.TIME_LIMIT: "DURATION",
    Kind.PATTERNS: "REGEX",
    Kind.STATUSES: "STATUSES",
    Kind.TEXT: "TEXT",
    Kind.FILE: "FILE",
}


def _read(setting: Setting) -> Callable[[click.Context, click.Parameter, Any], Any]:
    """The flag's callback: UNSET when it was not given (the file's value stands), else the value."""

    def callback(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        if param.name is None or ctx.get_parameter_source(param.name) in (None, ParameterSource.DEFAULT):
            return UNSET
        try:
            return setting.from_flag(value)
        except ValueError as exc:
            raise click.BadParameter(str(exc)) from None

    return callback


def _setting_option(setting: Setting) -> Callable[[F], F]:
    assert setting.flag is not None
    how: dict[str, Any] = {"callback": _read(setting), "metavar": setting.metavar or _METAVARS.get(setting.kind)}
    if setting.is_flag:
        how.update(is_flag=True, default=False, metavar=None)
    elif setting.kind.repeatable:
        how.update(multiple=True)
    elif setting.kind is Kind.COUNT:
        how.update(type=click.IntRange(min=None if setting.minimum is None else int(setting.minimum)), metavar=None)
    elif setting.kind is Kind.FILE:
        how.update(type=click.Path(dir_okay=False))
    shown = setting.shown_default()
    if shown is not None:
        how.update(show_default=shown)
    key = setting.config_key
    text = setting.help + (f" ({key})" if key and key not in setting.help else "")
    return click.option(setting.flag, setting.name, help=text, **how)


def _setting_options(command_name: str) -> Callable[[F], F]:
    """The flags of every setting ``command_name`` takes, in the order they are declared."""
    options = [_setting_option(s) for s in SETTINGS.values() if s.flag is not None and command_name in s.commands]

    def apply(command: F) -> F:
        for option in reversed(options):
            command = option(command)
        return command

    return apply


def _given(options: dict[str, Any]) -> dict[str, Any]:
    """The settings' flags, taken out of ``options``: the value given, or UNSET."""
    return {name: options.pop(name) for name in list(options) if name in SETTINGS}


def _input_policy(settings: CheckSettings) -> InputPolicy:
    from auditor.inputfiles import InputPolicy

    return InputPolicy(follow_symlinks=settings.follow_symlinks, exclude_path=settings.exclude_path)


if TYPE_CHECKING:
    _Choice = click.Choice[str]
else:
    _Choice = click.Choice  # generic for the type checker only (older click 8.2 releases may not be)


class _LazyChoice(_Choice):
    """A choice whose values come from a module imported only when they are needed (--help, parsing)."""

    def __init__(self, load: Callable[[], Sequence[str]]) -> None:
        self._load = load
        self.case_sensitive = True

    @property  # type: ignore[override]
    def choices(self) -> Sequence[str]:
        return tuple(self._load())

    @choices.setter
    def choices(self, _value: Sequence[str]) -> None:
        pass


def _report_formats() -> list[str]:
    from auditor.report.formats import ReportFormat

    return [f.value for f in ReportFormat]


def _crawl_scopes() -> list[str]:
    from auditor.crawl.scope import CrawlScope

    return [scope.value for scope in CrawlScope]


# --- the commands ----------------------------------------------------------------------


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="auditor")
def main() -> None:
    """Find every reference in published documents and check that it is still true."""


def _emit(extraction: Extraction, fmt: str) -> int:
    from auditor.report import references as dump

    for problem in extraction.problems:
        _warn(str(problem))
    _source_warnings(extraction)
    out = dump.to_json(extraction) if fmt == "json" else dump.to_text(extraction)
    click.echo(out, nl=False)
    if fmt == "text":
        click.echo(dump.summary(extraction), err=True)
    return ExitCode.INPUT if extraction.problems else ExitCode.OK


@main.command()
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="How to print the references.",
)
@_setting_options("extract")
@_user_errors
def extract(inputs: tuple[str, ...], fmt: str, **options: Any) -> None:
    """Print every reference in INPUT... without checking it.

    INPUT is a file, a directory (read recursively: .txt .md .html .pdf), a glob,
    - for standard input, or the URL of a web page (fetched; its links are read).
    """
    from auditor.sources import resolve_inputs

    settings = layered(_given(options))  # extract reads no targets.yaml
    sources = resolve_inputs(inputs, _input_policy(settings))
    stdin = sys.stdin.buffer if "-" in inputs else None
    if any(source.url for source in sources):
        from auditor.pipeline import extract_with_pages

        extraction = _run(extract_with_pages(sources, settings.regions, stdin=stdin))
    else:
        from auditor.extract import extract_sources

        extraction = extract_sources(sources, settings.regions, stdin=stdin)
    sys.exit(_emit(extraction, fmt))


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _site_option(name: str) -> Callable[[click.Context, click.Parameter, str | None], Any]:
    def callback(_ctx: click.Context, _param: click.Parameter, value: str | None) -> Any:
        from auditor import local_site

        try:
            return None if value is None else getattr(local_site, name)(value)
        except AuditorError as exc:
            raise click.BadParameter(str(exc)) from None

    return callback


def _local_site(command: F) -> F:
    """--root-dir and --base-url: where a local site's "/" is, and where it is published."""
    command = click.option(
        "--base-url",
        default=None,
        metavar="URL",
        callback=_site_option("base_url"),
        help="Where the local files are published: their relative and /root-relative links are checked "
        "at URL (a file's path below the root appended to it).",
    )(command)
    return click.option(
        "--root-dir",
        default=None,
        metavar="DIR",
        callback=_site_option("root_dir"),
        help="The folder /root-relative links in local files mean (/about.html is DIR/about.html); "
        "without it a directory input is its own root, and such links in a file given alone are unchecked.",
    )(command)


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


def _judging(config_path: str | None, no_config: bool, given: dict[str, Any]) -> CheckSettings:
    """The settings of check and fix, alike: the flags given, then targets.yaml's ``checks:`` (the
    file named, else ./targets.yaml when there is one, unless --no-config), then the defaults."""
    return _judged(config_path, no_config, given)[0]


def _judged(config_path: str | None, no_config: bool, given: dict[str, Any]) -> tuple[CheckSettings, Config | None]:
    """:func:`_judging`'s settings, and the targets.yaml they were read from (None: none)."""
    if no_config and config_path is not None:
        raise click.UsageError("--config and --no-config contradict each other")
    config = None if no_config else _judge_config_file(config_path)
    return (layered(given) if config is None else config.over(given)), config


def _judge_config_file(config_path: str | None) -> Config | None:
    """targets.yaml for check and fix: the file named, else ./targets.yaml if there is one."""
    if config_path is None and not Path(DEFAULT_CONFIG).is_file():
        return None  # pydantic and yaml only when there is a file to read
    from auditor.config import load

    return load(config_path if config_path is not None else DEFAULT_CONFIG)


def _progress(settings: CheckSettings, quiet: bool, no_progress: bool) -> ProgressBar | None:
    from auditor.report.terminal import ProgressBar

    return ProgressBar(settings.fail_on) if _stage("wants_progress")(quiet, no_progress, sys.stderr) else None


@main.command()
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option(
    "--format",
    "fmt",
    type=_LazyChoice(_report_formats),
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
@_setting_options("check")
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
    type=_LazyChoice(_crawl_scopes),
    default=None,
    help="host: the start page's host (default); domain: its registrable domain (www. and shop. alike).",
)
@click.option("--cache", is_flag=True, help="Reuse healthy results younger than --cache-max-age (and save this run's).")
@click.option(
    "--cache-file",
    default=str(Path(DEFAULT_REPORTS_DIR) / DEFAULT_HISTORY),
    show_default=True,
    type=click.Path(dir_okay=False),
    help="The history file the cache lives in (with --cache).",
)
@_local_site
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
    **options: Any,
) -> None:
    """Check every reference in INPUT... and exit 0 (fine), 1 (something fails), 2 (bad input) or 3 (no network).

    INPUT is a file, a directory, a glob, - for standard input, or the URL of a web
    page whose links are checked (that page only, unless --crawl: then its whole site).

    When the CI environment variable is set, or an input is a remote page, links to
    private, loopback and link-local addresses are skipped, never fetched (also after
    a redirect), but for the input URLs' own hosts; --allow-private checks them.
    """
    from auditor.local_site import place
    from auditor.report import checked
    from auditor.report.formats import ReportFormat, format_of, render, render_chunks
    from auditor.report.terminal import use_colour
    from auditor.sources import resolve_inputs
    from auditor.write import ensure_writable, write_atomic

    given = _given(options)
    root_dir, base_url = options.pop("root_dir"), options.pop("base_url")
    quiet: bool = options.pop("quiet")
    no_progress: bool = options.pop("no_progress")
    site = _site(options.pop("crawl"), options.pop("depth"), options.pop("max_pages"), options.pop("crawl_scope"))
    use_cache, cache_file = options.pop("cache"), Path(options.pop("cache_file"))
    if given["cache_max_age"] is not UNSET and not use_cache:
        raise click.UsageError("--cache-max-age needs --cache")
    settings, config = _judged(config_path, no_config, given)
    source_url = config.source_url if config is not None else None  # reports.source_url: file:line links
    fail_on = settings.fail_on
    targets = {Path(o): format_of(Path(o)) for o in outputs}
    for target in targets:
        ensure_writable(target)
    sources = place(resolve_inputs(inputs, _input_policy(settings)), root_dir, base_url)
    if site is not None:
        if not any(source.url for source in sources):
            raise click.UsageError("--crawl needs the address of a web page to start from (https://...)")
        sources = [source.crawled(site) if source.url else source for source in sources]
    stdin = sys.stdin.buffer if "-" in inputs else None
    progress = _progress(settings, quiet, no_progress)
    audit = _run(_checked(sources, settings, stdin, progress, cache_file if use_cache else None))
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
        rendered.setdefault(
            target_format, render(target_format, extraction, run, fail_on, inputs=inputs, source_url=source_url)
        )
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
    failing = fails((item.verdict.status for item in run.reached()), fail_on)
    if run.network_unavailable:
        click.echo(_outage_note(run, settings.offline_ok), err=True)
    offline = run.network_unavailable and not settings.offline_ok
    sys.exit(exit_code(bad_input=bool(extraction.problems), failing=failing, offline=offline))


def _outage_note(run: CheckRun, offline_ok: bool, *, fixing: bool = False) -> str:
    unreached = len(run.results) - len(run.reached())
    what = "reference" if unreached == 1 else "references"
    nothing = "nothing was rewritten or called dead" if fixing else "nothing was called dead"
    said = f"auditor: the network is unavailable: {unreached} {what} could not be verified, {nothing}"
    return said + ("; that fails nothing (--offline-ok)" if offline_ok else " (exit 3 unless something else fails)")


def _site(crawl: bool, depth: int | None, max_pages: int | None, scope: str | None) -> Site | None:
    """The crawl the flags ask for; --depth and friends without --crawl are a mistake worth naming."""
    from auditor.crawl.scope import CrawlScope
    from auditor.sources import Site

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
    stdin: Any,
    progress: ProgressBar | None,
    cache_file: Path | None,
) -> Audit:
    """``check_sources``, with the cross-run cache in ``cache_file`` when one is given
    (and ``cache_max_age`` is not null)."""
    check_sources = _check_sources()
    if cache_file is None or settings.cache_max_age is None:
        return await check_sources(sources, settings, settings.regions, stdin=stdin, progress=progress)
    from auditor.check.cache import CheckCache
    from auditor.history import History

    max_age = dt.timedelta(seconds=settings.cache_max_age)
    with History.open(cache_file) as history:
        cache = await CheckCache.load(history, max_age=max_age, now=dt.datetime.now(dt.UTC))
        return await check_sources(sources, settings, settings.regions, stdin=stdin, progress=progress, cache=cache)


def _fixable(_ctx: click.Context, _param: click.Parameter, value: str) -> frozenset[Status]:
    from auditor.check.settings import parse_statuses
    from auditor.fix import FIXABLE

    try:
        statuses = parse_statuses(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
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
@_setting_options("fix")
@click.option("--no-progress", is_flag=True, help="No progress bar.")
@click.option("-q", "--quiet", is_flag=True, help="Nothing but the diff (--dry-run), errors and warnings.")
@_user_errors
def fix(
    inputs: tuple[str, ...],
    dry_run: bool,
    only: frozenset[Status],
    config_path: str | None,
    no_config: bool,
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
    from auditor.local_site import place
    from auditor.report import fixes
    from auditor.report.terminal import use_colour
    from auditor.sources import resolve_inputs

    settings = _judging(config_path, no_config, _given(options))
    fail_on = settings.fail_on
    sources = fixable_sources(place(resolve_inputs(inputs, _input_policy(settings)), root_dir, base_url))
    before = snapshot(sources)
    progress = _progress(settings, quiet, no_progress)
    audit = _run(_check_sources()(sources, settings, settings.regions, progress=progress))
    for problem in audit.extraction.problems:
        _warn(str(problem))
    _source_warnings(audit.extraction)
    for note in audit.run.notes:
        _warn(note)
    bad_input = bool(audit.extraction.problems)
    if audit.run.network_unavailable:
        click.echo(_outage_note(audit.run, settings.offline_ok, fixing=True), err=True)
        failing = fails((item.verdict.status for item in audit.run.reached()), fail_on)
        sys.exit(exit_code(bad_input=bad_input, failing=failing, offline=not settings.offline_ok))
    plan = plan_fixes(sources, before, audit.run, only)
    written = None if dry_run else write_fixes(plan)
    if dry_run:
        click.echo(plan.diff(), nl=False)
    left = fixes.left_for_a_person(plan, audit.run, fail_on)
    if not quiet:
        colour = use_colour(sys.stderr if dry_run else sys.stdout)  # a dry run's stdout is the diff alone
        click.echo(fixes.to_text(plan, left, written=written, colour=colour), nl=False, color=colour, err=dry_run)
    failing = fails((item.checked.verdict.status for item in left), fail_on) or bool(plan.unfixed)
    unwritten = bool(written.conflicts or written.failures) if written is not None else bool(plan.changed)
    for file, why in written.refused if written is not None else ():
        click.echo(f"auditor: error: {file.name}: {why}", err=True)
    refused = written is not None and bool(written.refused)
    sys.exit(exit_code(bad_input=bad_input or refused, failing=failing or unwritten))


@main.command()
@_config_option
@_setting_options("run")
@click.option("--reset-history", is_flag=True, help="Start a new history; the old file is kept aside.")
@click.option("--no-cache", is_flag=True, help="Check everything afresh: no result reused from earlier runs.")
@click.option("--no-progress", is_flag=True, help="No progress bar.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar, no summary: the exit code and errors only.")
@_user_errors
def run(config_path: str, reset_history: bool, no_cache: bool, no_progress: bool, quiet: bool, **options: Any) -> None:
    """Run the audit defined in targets.yaml, with memory across runs.

    Writes reports/<date>.html and .json, reports/latest.html and .json and
    reports/index.html (every run with a trend), and records the run in the history.
    Exit codes as `auditor check`.
    """
    from auditor.audit import run_audit
    from auditor.config import load  # pydantic and yaml only for the commands that read targets.yaml

    given = _given(options)
    config = load(config_path)
    settings = config.over(given)
    outcome = _run(
        run_audit(
            config,
            overrides=given,
            reset_history=reset_history,
            cache=not no_cache,
            progress=_progress(settings, quiet, no_progress),
            inputs=_input_policy(settings),
            log=functools.partial(_run_log, quiet=quiet),  # the run's notes, who was notified
        )
    )
    sys.exit(_report_run(outcome, quiet))


def _run_log(line: str, *, quiet: bool) -> None:
    """What `auditor run` says on the side: warnings always, the rest (who was notified) unless quiet."""
    if line.startswith("warning: "):
        _warn(line.removeprefix("warning: "))
    elif not quiet:
        click.echo(f"auditor: {safe(line)}", err=True)


def _report_run(outcome: AuditOutcome, quiet: bool) -> int:
    from auditor.report import checked
    from auditor.report.terminal import use_colour

    for problem in outcome.audit.extraction.problems:
        _warn(str(problem))
    _source_warnings(outcome.audit.extraction)
    if outcome.report is None:
        click.echo(f"auditor: {outcome.summary}", err=True)
        return outcome.exit_code
    if not quiet:
        colour = use_colour(sys.stdout)
        text = checked.to_text(
            outcome.audit.run,
            outcome.fail_on,
            colour=colour,
            crawls=outcome.audit.extraction.crawls,
            history=outcome.context,
        )
        click.echo(text, nl=False, color=colour)
        folder = outcome.report.parent
        also = ", ".join(_display(folder / name) for name in ("latest.html", "index.html"))
        click.echo(outcome.summary)
        click.echo(f"wrote {_display(outcome.report)} (and {also})")
    return outcome.exit_code


@main.command()
@_config_option
@_setting_options("schedule")
@click.option("--no-progress", is_flag=True, hidden=True)
@_user_errors
def schedule(config_path: str, no_progress: bool, **options: Any) -> None:
    """Run the audit on targets.yaml's schedule (schedule.cron, schedule.timezone) until stopped.

    Runs one audit at once when the last one is older than one period (the machine
    was off); never two at a time; SIGINT or SIGTERM stops it cleanly. The flags
    given hold for every run, over targets.yaml (which is read again for each).
    """
    from auditor.audit import run_audit
    from auditor.config import load
    from auditor.history import History
    from auditor.schedule import serve

    given = _given(options)
    config = load(config_path)
    config.over(given)  # a flag that contradicts the file fails now, not at the first run

    def log(message: str) -> None:
        stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
        click.echo(f"{stamp} auditor: {message}", err=True)

    def last_run() -> dt.datetime | None:
        with History.open(config.history_path) as history:
            last = history.last_run()
        return last.started_at if last else None

    async def audit() -> int:
        fresh = load(config_path)  # edits to targets.yaml apply from the next run
        outcome = await run_audit(fresh, overrides=given, log=log)
        log(outcome.summary + (f"; {_display(outcome.report)}" if outcome.report else ""))
        return outcome.exit_code

    sys.exit(_run(serve(config.schedule, audit, last_run=last_run, log=log)))


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

    outcome = _run(run_demo(Path(folder)))
    _report_run(outcome, quiet=False)
    click.echo(f"open {_display(outcome.report or Path(folder))} in a browser")
    # The exit code a CI job would get from this audit (1: the simulated web breaks some references).
    sys.exit(outcome.exit_code)


def entry_point() -> None:
    """The console script: no traceback ever reaches the user."""
    try:
        main(standalone_mode=True)
    except KeyboardInterrupt:
        click.echo("auditor: interrupted", err=True)
        sys.exit(ExitCode.INTERRUPTED)
    except BrokenPipeError:
        # The reader went away (auditor extract ... | head): stop quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(ExitCode.OK)
    except Exception as exc:  # a bug: say so in one line, keep the traceback for whoever asks
        if os.environ.get("AUDITOR_DEBUG"):
            raise
        click.echo(
            f"auditor: internal error: {exc.__class__.__name__}: {exc} "
            "(a bug; rerun with AUDITOR_DEBUG=1 for the traceback and report it)",
            err=True,
        )
        sys.exit(ExitCode.INTERNAL)
