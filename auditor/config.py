"""targets.yaml: the audit definition, parsed once into typed objects.

Errors name the file, the line and the key (``targets.yaml:12: checks.regions[0]:
unknown region 'XX'``). Unknown keys are errors, not silently ignored: a typo in a
key would otherwise switch a check off without anyone noticing; so are duplicate keys,
where YAML would quietly keep the last.

The pydantic models stay in this module. The rest of the product reads a
:class:`Config`: frozen views (:class:`~auditor.check.settings.CheckSettings`,
:class:`ScheduleSpec`, :class:`WebhookSpec`,
:class:`~auditor.check.organisations.OrganisationSpec`) and plain values. Every
default comes from :mod:`auditor.defaults`, shared with the command line.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import json
import math
import os
import re
import string
import zoneinfo
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal
from urllib.parse import urlsplit

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    Tag,
    ValidationError,
    ValidationInfo,
    create_model,
    field_validator,
    model_validator,
)

from auditor import defaults, yamlload
from auditor.check.accept import Accept, parse_accept
from auditor.check.fragment_policy import FragmentPolicy, effective
from auditor.check.headers import headers_from_config, host_pattern
from auditor.check.organisations import OrganisationSpec
from auditor.check.remap import parse_remap
from auditor.check.settings import (
    SETTINGS,
    UNSET,
    CheckSettings,
    Kind,
    Setting,
    TransportChoice,
    default,
    layered,
    parse_age,
    parse_duration,
    parse_time_limit,
)
from auditor.cluster.address import ClusterAddress, parse_cluster
from auditor.errors import ConfigError, UnreadableInput
from auditor.extract.phones import check_regions, parse_number
from auditor.inputfiles import InputPolicy, read_regular
from auditor.sources import Site, Source, resolve_inputs
from auditor.verdict import Status

# --- the typed views the rest of the product uses ---------------------------------


@dataclass(frozen=True, slots=True)
class ScheduleSpec:
    """When ``auditor schedule`` runs the audit: a crontab line in an IANA time zone.

    Build its trigger with :func:`auditor.schedule.cron_trigger`, which reads weekdays
    as crontab does (APScheduler 3's own ``from_crontab`` takes 1 for Tuesday).
    """

    cron: str
    timezone: str


@dataclass(frozen=True, slots=True)
class WebhookSpec:
    """A URL that receives a JSON summary of each run (POST)."""

    url: str


# --- validators shared by several keys --------------------------------------------


def _web_address(url: str) -> str:
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise ValueError(f"not a web address: {url!r} ({exc})") from None
    if parts.scheme not in ("http", "https"):
        raise ValueError(f"not a web address (needs http:// or https://): {url!r}")
    if not parts.hostname:
        raise ValueError(f"not a web address (no host name after {parts.scheme}://): {url!r}")
    return url


def _archive_address(url: str) -> str:
    if not url.endswith("/"):
        # <archive_url><address> is what is asked: ".../web" would ask for ".../webhttps://..."
        raise ValueError(f"must end with '/', since the address looked up is appended to it: write {url + '/'!r}")
    return url


def _region_text(value: Any) -> Any:
    if isinstance(value, bool):  # YAML 1.1 reads NO (Norway) as false
        raise ValueError(f'not a region code: {value!r} (YAML reads NO as false: write "NO" in quotes for Norway)')
    return value


def _seconds(value: Any, parse: Callable[[str], float], what: str, forms: str) -> float:
    """Seconds from a number or from text ``parse`` reads; ``what`` and ``forms`` word the error."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(f"not {what}: {value!r} (write {forms})")
    seconds = parse(value) if isinstance(value, str) else float(value)
    if seconds < 0 or not math.isfinite(seconds):
        raise ValueError(f"not {what}: {value!r} (write {forms})")
    return seconds


def _duration(value: Any) -> float:
    """Seconds from ``0``, ``1.5``, ``"100ms"`` or ``"1s"``, the forms the command line takes too."""
    return _seconds(value, parse_duration, "a duration", "0, 50ms or 1s")


def _age(value: Any) -> float:
    """Seconds from ``3600``, ``"30m"``, ``"12h"``, ``"1d"`` or ``"2w"``."""
    return _seconds(value, parse_age, "an age", "1d, 12h, 30m, 2w or seconds")


def _regex(value: str) -> str:
    try:
        re.compile(value)
    except re.error as exc:
        raise ValueError(f"not a regular expression: {value!r} ({exc})") from None
    return value


_STATUS_NAMES = ", ".join(s.value for s in Status)


def _accept(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    elif isinstance(value, list) and all(isinstance(v, (int, str)) and not isinstance(v, bool) for v in value):
        value = ",".join(str(v) for v in value)
    if not isinstance(value, str):
        raise ValueError("write the accepted statuses as '200..=299,403' or a list [200, 403]")
    return parse_accept(value)


def _status(value: Any) -> Any:
    if isinstance(value, str) and value not in {s.value for s in Status}:
        raise ValueError(f"unknown status {value!r} (known: {_STATUS_NAMES})")
    return value


def _switch(value: Any) -> Any:
    """YAML 1.1 reads an unquoted ``off`` as false: ``fragments: off`` means "off"."""
    return "off" if value is False else value


WebAddress = Annotated[str, AfterValidator(_web_address)]
ArchiveAddress = Annotated[str, AfterValidator(_web_address), AfterValidator(_archive_address)]
Region = Annotated[str, BeforeValidator(_region_text), AfterValidator(lambda r: check_regions([r])[0])]
Duration = Annotated[float, BeforeValidator(_duration)]
Age = Annotated[float, BeforeValidator(_age)]
Regex = Annotated[str, AfterValidator(_regex)]
StatusName = Annotated[Status, BeforeValidator(_status)]
Accepted = Annotated[Accept, BeforeValidator(_accept)]
RemapRule = Annotated[str, AfterValidator(lambda rule: parse_remap(rule).written)]
Text = Annotated[str, Field(min_length=1)]


def _host_pattern(value: str) -> str:
    return value if value == "*" else host_pattern(value)


HostPattern = Annotated[str, AfterValidator(_host_pattern)]


# --- the schema --------------------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SourceEntry(_Strict):
    """A document (``path``: a file, directory or glob, relative to targets.yaml) or a
    website crawled from ``url`` (with ``depth``, ``max_pages``, ``scope``, ``include``,
    ``exclude``)."""

    path: Text | None = None
    url: WebAddress | None = None
    depth: StrictInt | None = Field(None, ge=0)
    max_pages: StrictInt | None = Field(None, ge=1)
    scope: Literal["host", "domain"] | None = None
    include: list[Regex] = []
    exclude: list[Regex] = []

    @model_validator(mode="after")
    def _one_kind(self) -> SourceEntry:
        if (self.path is None) == (self.url is None):
            raise ValueError("give either 'path' (a file, folder or glob) or 'url' (a website to crawl), not both")
        crawl_keys = [k for k in ("depth", "max_pages", "scope") if getattr(self, k) is not None]
        crawl_keys += [k for k in ("include", "exclude") if getattr(self, k)]
        if self.path is not None and crawl_keys:
            raise ValueError(f"{', '.join(crawl_keys)} only apply to a website ('url'), not to 'path'")
        return self

    def site(self) -> Site:
        return Site(
            depth=defaults.DEFAULT_CRAWL_DEPTH if self.depth is None else self.depth,
            max_pages=self.max_pages or defaults.DEFAULT_MAX_PAGES,
            scope=self.scope or "host",
            include=_compiled(self.include),
            exclude=_compiled(self.exclude),
        )


class Organisation(_Strict):
    name: Text
    url: WebAddress
    pages: list[WebAddress] = []
    phones: list[Text] = []
    expect: list[Text] | None = None  # None: the name; [] switches the check off


def _time_limit(value: Any) -> float:
    """Seconds from ``90``, ``"500ms"``, ``"90s"``, ``"10m"`` or ``"1h"``, as the command line takes them."""
    return _seconds(value, parse_time_limit, "a duration", "90s, 10m or 1h")


TimeLimit = Annotated[float, BeforeValidator(_time_limit)]


def _cluster(value: Any) -> ClusterAddress:
    if not isinstance(value, str):
        raise ValueError(f"write local:N or a scheduler's address such as tcp://HOST:8786, not {value!r}")
    return parse_cluster(value)


ClusterSpec = Annotated[ClusterAddress, BeforeValidator(_cluster)]

#: How each kind of setting is written in targets.yaml (its command-line form: Setting.parse).
_FILE_TYPES: dict[Kind, Any] = {
    Kind.COUNT: StrictInt,
    Kind.DURATION: Duration,
    Kind.AGE: Age,
    Kind.TIME_LIMIT: TimeLimit,
    Kind.SWITCH: StrictBool,
    Kind.TEXT: Text,
    Kind.FILE: Text,
    Kind.PATTERNS: list[Regex],
    Kind.HEADERS: dict[HostPattern, dict[Text, StrictStr]],  # "*" or a host (*.domain) -> {Name: value}
    Kind.REMAP: list[RemapRule],  # 'REGEX REPLACEMENT', as --remap
    Kind.ACCEPT: Accepted,
    Kind.STATUSES: list[StatusName],
    Kind.REGIONS: Annotated[list[Region], Field(min_length=1)],
    Kind.FRAGMENTS: Annotated[FragmentPolicy, BeforeValidator(_switch)],  # fail | warn | off
    Kind.ARCHIVE: ArchiveAddress,
    Kind.TRANSPORT: TransportChoice,
    Kind.CLUSTER: ClusterSpec,
}


def _file_type(setting: Setting) -> Any:
    kind: Any = Annotated[_FILE_TYPES[setting.kind], Field(ge=setting.minimum, gt=setting.above)]
    return kind | None if setting.nullable else kind


def _file_form(value: Any) -> Any:
    """A default as targets.yaml would spell it (what :attr:`Config.config_hash` reads)."""
    if isinstance(value, frozenset):
        return sorted(value)
    if isinstance(value, tuple):
        return [_file_form(item) for item in value]
    return value


def _key_default(setting: Setting) -> Any:
    return setting.default if setting.file_default is UNSET else setting.file_default


def _checks_model() -> Any:
    fields = {
        s.name: (_file_type(s), Field(_file_form(_key_default(s)) if s.kind is not Kind.HEADERS else {}))
        for s in SETTINGS.values()
        if s.key
    }
    return create_model("Checks", __base__=_Strict, **fields)  # type: ignore[call-overload]


if TYPE_CHECKING:

    class Checks(_Strict):
        """targets.yaml's ``checks:``, a key for each setting (see :mod:`auditor.check.settings`)."""

        def __getattr__(self, name: str) -> Any: ...

else:
    #: targets.yaml's ``checks:``: generated from the settings (auditor.check.settings).
    Checks = _checks_model()


class Schedule(_Strict):
    # The time zone comes first so that the cron line is checked in it.
    timezone: Text = defaults.DEFAULT_TIMEZONE
    cron: Text = defaults.DEFAULT_CRON

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (use an IANA name such as Europe/London or UTC)") from None
        return value

    @field_validator("cron")
    @classmethod
    def _cron(cls, value: str, info: ValidationInfo) -> str:
        # The scheduler's own reading, so that what loads is what runs; imported here
        # because only this check needs APScheduler.
        from auditor.schedule import cron_trigger

        try:
            cron_trigger(value, info.data.get("timezone", "UTC"))
        except ConfigError as exc:
            raise ValueError(str(exc).removeprefix("schedule.cron: ")) from None
        return value


def _source_url(template: str) -> str:
    """``https://github.com/org/repo/blob/main/{path}#L{line}``: {path} required, {line} optional."""
    try:
        fields = {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
    except ValueError as exc:
        raise ValueError(f"not a URL template: {template!r} ({exc}; write a literal brace as {{{{ or }}}})") from None
    unknown = fields - {"path", "line"}
    if unknown:
        raise ValueError(
            f"unknown placeholder {{{sorted(unknown)[0]}}} in {template!r}: only {{path}} and {{line}} are filled in"
        )
    if "path" not in fields:
        raise ValueError(
            f"{template!r} has no {{path}}: write where a file is shown, "
            "e.g. https://github.com/org/repo/blob/main/{path}#L{line}"
        )
    _web_address(template.format(path="docs/a.md", line=1))
    return template


def _apprise_url(url: str) -> str:
    # Apprise is imported here, and only when targets.yaml has notify.urls.
    from auditor.notify_apprise import unreadable

    problem = unreadable(url)
    if problem is not None:
        raise ValueError(problem)
    return url


SourceTemplate = Annotated[str, AfterValidator(_source_url)]
NotifyURL = Annotated[str, AfterValidator(_apprise_url)]


class Reports(_Strict):
    dir: Text = defaults.DEFAULT_REPORTS_DIR
    keep: StrictInt = Field(defaults.DEFAULT_KEEP, ge=1)
    history: Text = defaults.DEFAULT_HISTORY
    base_url: WebAddress | None = None  # where reports/ is published: the link in notifications
    source_url: SourceTemplate | None = None  # a file:line in the report links here


class ClusterSection(_Strict):
    address: ClusterSpec | None = None  # local:N or tcp://HOST:8786: --cluster (auditor.cluster)


class Notify(_Strict):
    urls: list[NotifyURL] = []  # Apprise URLs: mailtos://, slack://, msteams://, ntfy://, json://...
    webhooks: list[WebAddress] = []  # our own JSON POST (notify.payload)
    always: StrictBool = False  # False: only when a reference broke or was fixed

    @model_validator(mode="before")
    @classmethod
    def _empty_lists(cls, data: Any) -> Any:
        # "urls:" with every URL commented out is YAML null: read it as none.
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if not (v is None and k in ("urls", "webhooks"))}
        return data


class Webhook(_Strict):
    """The first form of ``notify:``, a list of ``- webhook: URL``; still read (every run is told)."""

    webhook: WebAddress

    @model_validator(mode="before")
    @classmethod
    def _kind(cls, data: Any) -> Any:
        if isinstance(data, dict) and data and "webhook" not in data:
            kinds = ", ".join(repr(str(key)) for key in data)
            raise ValueError(
                f"unknown kind of notification {kinds}: write '- webhook: https://...', "
                "or e-mail, Slack... as Apprise URLs in notify.urls (docs/schedule.md)"
            )
        if not isinstance(data, dict):
            raise ValueError(
                f"write a notification as '- webhook: https://...', not {data!r} "
                "(or notify.urls: [...] for Apprise URLs)"
            )
        return data


def _notify_form(value: Any) -> str:
    return _LIST_FORM if isinstance(value, list) else _MAPPING_FORM


# Tags of notify:'s two forms; left out of the key an error names (see _describe).
_LIST_FORM, _MAPPING_FORM = "(list form)", "(mapping form)"
NotifySection = Annotated[
    Annotated[Notify, Tag(_MAPPING_FORM)] | Annotated[list[Webhook], Tag(_LIST_FORM)],
    Discriminator(_notify_form),
]


_OPTIONAL_SECTIONS = ("organisations", "checks", "schedule", "reports", "notify", "cluster")


class Targets(_Strict):
    sources: list[SourceEntry] = Field(min_length=1)
    organisations: list[Organisation] = []
    checks: Checks = Checks()
    schedule: Schedule = Schedule()
    reports: Reports = Reports()
    notify: NotifySection = Notify()
    cluster: ClusterSection = ClusterSection()

    @model_validator(mode="before")
    @classmethod
    def _empty_sections(cls, data: Any) -> Any:
        # "notify:" with every entry commented out is YAML null: read it as empty.
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if not (v is None and k in _OPTIONAL_SECTIONS)}
        return data


# --- the loaded configuration ------------------------------------------------------


class Config:
    """A loaded targets.yaml: typed views of its content, and the folder its paths are relative to."""

    def __init__(self, path: Path, targets: Targets) -> None:
        self.path = path
        self.base = path.parent
        self.targets = targets  # the validated model; read the properties below instead

    def source_inputs(self) -> list[str]:
        """The configured sources as the user would name them: paths (relative to the working
        directory) and websites' start addresses."""
        return [
            entry.url if entry.url is not None else _relative_to_cwd(self.base / (entry.path or ""))
            for entry in self.targets.sources
        ]

    def sources(self, policy: InputPolicy | None = None) -> list[Source]:
        """The configured sources, resolved (:func:`auditor.sources.resolve_inputs`); websites crawled.

        ``policy`` defaults to :meth:`input_policy` (the file's ``checks.exclude_path``
        and ``checks.follow_symlinks``)."""
        sites = {entry.url: entry.site() for entry in self.targets.sources if entry.url is not None}
        resolved = resolve_inputs(self.source_inputs(), policy or self.input_policy())
        return [s.crawled(sites[s.url]) if s.url in sites else s for s in resolved]

    def input_policy(self, follow_symlinks: bool | None = None, exclude_path: Any = ()) -> InputPolicy:
        """How inputs are found: ``checks.follow_symlinks`` unless ``follow_symlinks`` is given
        (not None); ``checks.exclude_path`` plus the ``exclude_path`` patterns given."""
        settings = self.settings
        return InputPolicy(
            follow_symlinks=settings.follow_symlinks if follow_symlinks is None else follow_symlinks,
            exclude_path=settings.exclude_path + _compiled(exclude_path),
        )

    @property
    def cache_max_age(self) -> dt.timedelta | None:
        """How old a healthy result may be and still be reused (None: no cache)."""
        age = self.settings.cache_max_age
        return None if age is None else dt.timedelta(seconds=age)

    def file_settings(self) -> dict[str, Any]:
        """The settings targets.yaml's ``checks:`` writes (a key left out is not there: a
        ``null`` is), as :class:`CheckSettings` holds them."""
        checks = self.targets.checks
        values = {name: self._value(SETTINGS[name], getattr(checks, name)) for name in checks.model_fields_set}
        if self.targets.cluster.address is not None:
            values["cluster"] = self.targets.cluster.address
        for name, setting in SETTINGS.items():
            if setting.file_default is not UNSET and name not in values:
                values[name] = setting.file_default  # the key's default, not the library's
        if "fragments" in values or "fail_on" in values:  # each may imply the other (check/fragment_policy.py)
            values["fragments"], values["fail_on"] = effective(
                values.get("fragments", default("fragments")), False, values.get("fail_on", default("fail_on"))
            )
        return values

    def _value(self, setting: Setting, value: Any) -> Any:
        if value is None:
            return None
        if setting.kind is Kind.PATTERNS:
            return _compiled(value)
        if setting.kind is Kind.HEADERS:
            return headers_from_config(value)
        if setting.kind is Kind.REMAP:
            return tuple(parse_remap(rule) for rule in value)
        if setting.kind is Kind.FILE:
            return str(self.base / value)
        if isinstance(value, list):
            return tuple(value)
        return value

    def over(self, given: Mapping[str, Any], **fixed: Any) -> CheckSettings:
        """The settings: ``given`` (the command line; :data:`UNSET`: not given, None is a value)
        over ``checks:`` over the defaults (:func:`auditor.check.settings.layered`). ``fixed``:
        fields that are no setting (``page_facts``), taken as they are."""
        return layered({name: _given(name, value) for name, value in given.items()}, self.file_settings(), **fixed)

    def check_settings(self, **overrides: Any) -> CheckSettings:
        """:meth:`over`, where an override of None also means "not given" (an unset flag) and keeps
        the file's value.

        ``headers``, ``include``, ``exclude`` and ``exclude_path`` from the command line are
        added to the file's. Patterns may be given as text or compiled. A name
        CheckSettings does not have is a TypeError (a bug, not a user error).
        """
        names = {f.name for f in dataclasses.fields(CheckSettings)}
        unknown = set(overrides) - names
        if unknown:
            raise TypeError(f"CheckSettings has no field {', '.join(sorted(unknown))}")
        given = {name: UNSET if value is None else value for name, value in overrides.items() if name in SETTINGS}
        return self.over(given, **{name: value for name, value in overrides.items() if name not in SETTINGS})

    @functools.cached_property
    def settings(self) -> CheckSettings:
        """The file's settings over the defaults (no command line)."""
        return self.check_settings()

    @property
    def regions(self) -> tuple[str, ...]:
        """Regions for phone numbers written without a country code, in order of preference."""
        return self.settings.regions

    @property
    def fail_on(self) -> frozenset[Status]:
        """``checks.fail_on``, with ``missing-fragment`` when ``checks.fragments`` is ``fail``."""
        return self.settings.fail_on

    @property
    def fragments(self) -> FragmentPolicy:
        """``checks.fragments``; ``fail`` when ``checks.fail_on`` names ``missing-fragment``."""
        return self.settings.fragments

    @property
    def confirm_after(self) -> int:
        """Runs in a row a transient error must last before it counts as broken."""
        return self.settings.confirm_after

    @property
    def schedule(self) -> ScheduleSpec:
        return ScheduleSpec(cron=self.targets.schedule.cron, timezone=self.targets.schedule.timezone)

    @property
    def notify(self) -> tuple[WebhookSpec, ...]:
        """The webhooks (both forms of ``notify:``), each a :class:`WebhookSpec`."""
        return tuple(WebhookSpec(url=url) for url in self.webhooks)

    @property
    def webhooks(self) -> tuple[str, ...]:
        """``notify.webhooks``, or the first form's ``- webhook:`` entries: each receives the JSON payload."""
        section = self.targets.notify
        if isinstance(section, list):
            return tuple(entry.webhook for entry in section)
        return tuple(section.webhooks)

    @property
    def notify_urls(self) -> tuple[str, ...]:
        """``notify.urls``: Apprise URLs (e-mail, Slack, Teams, Discord, Matrix, ntfy…)."""
        section = self.targets.notify
        return () if isinstance(section, list) else tuple(section.urls)

    @property
    def notify_always(self) -> bool:
        """``notify.always``: tell every run, not only when something broke or was fixed. The
        first form (a list of ``- webhook:``) told every run, and still does."""
        section = self.targets.notify
        return True if isinstance(section, list) else section.always

    @property
    def base_url(self) -> str | None:
        """``reports.base_url``: where the reports folder is published (the link in notifications)."""
        return self.targets.reports.base_url

    @property
    def source_url(self) -> str | None:
        """``reports.source_url``: a template with ``{path}`` (and ``{line}``) a file:line links to."""
        return self.targets.reports.source_url

    @property
    def organisations(self) -> tuple[OrganisationSpec, ...]:
        """The organisations, ``expect`` defaulting to the organisation's name."""
        return tuple(
            OrganisationSpec(
                name=org.name,
                url=org.url,
                pages=tuple(org.pages),
                phones=tuple(org.phones),
                expect=(org.name,) if org.expect is None else tuple(org.expect),
            )
            for org in self.targets.organisations
        )

    @property
    def reports_dir(self) -> Path:
        return self.base / self.targets.reports.dir

    @property
    def history_path(self) -> Path:
        return self.reports_dir / self.targets.reports.history

    @property
    def keep(self) -> int:
        """Runs of report files kept (the history keeps every run)."""
        return self.targets.reports.keep

    @property
    def config_hash(self) -> str:
        """sha256 of the validated content: comments, key order and spelled-out defaults do not change it."""
        canonical = json.dumps(
            self.targets.model_dump(mode="json"), sort_keys=True, separators=(",", ":"), ensure_ascii=False
        )
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _given(name: str, value: Any) -> Any:
    """A command-line value: patterns given as text are compiled."""
    if value is not None and value is not UNSET and SETTINGS[name].kind is Kind.PATTERNS:
        return _compiled(value)
    return value


def _compiled(patterns: Any) -> tuple[re.Pattern[str], ...]:
    return tuple(p if isinstance(p, re.Pattern) else re.compile(p) for p in patterns)


def _relative_to_cwd(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


# --- loading -----------------------------------------------------------------------


def load(path: str | Path) -> Config:
    """Read and validate targets.yaml; ConfigError naming file, line and key for anything wrong.

    Read as every input is (a regular file, at most ``MAX_CONFIG_BYTES``), and parsed
    within :mod:`auditor.yamlload`'s alias budget.
    """
    path = Path(path)
    if not os.path.lexists(path):
        raise ConfigError(f"no such file: {path} (run auditor where targets.yaml is, or pass --config)") from None
    try:
        text = read_regular(path, str(path), defaults.MAX_CONFIG_BYTES).decode("utf-8")
    except UnreadableInput as exc:
        raise ConfigError(str(exc)) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from exc
    try:
        node = yamlload.compose(text)  # the budget first, before anything walks the values
        data = yamlload.load(text)
    except yamlload.YamlBudgetError as exc:
        raise ConfigError(f"{path}:{exc.line}: {exc.problem}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"{where}: not valid YAML: {problem}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{path}:1: expected a mapping with keys such as 'sources' and 'organisations'")
    duplicates = list(_duplicate_keys(node, ()))
    if duplicates:
        raise ConfigError("\n".join(f"{path}:{line}: {_key(loc)}: duplicate key" for line, loc in duplicates))
    try:
        targets = Targets.model_validate(data)
    except ValidationError as exc:
        raise ConfigError("\n".join(_describe(path, node, error) for error in exc.errors())) from None
    problems = [f"{path}:{_line_of(node, loc)}: {_key(loc)}: {message}" for loc, message in _phone_problems(targets)]
    if problems:
        raise ConfigError("\n".join(problems))
    return Config(path, targets)


def _phone_problems(targets: Targets) -> list[tuple[tuple[Any, ...], str]]:
    """Configured phones phonenumbers cannot read in any configured region.

    A number that parses but is not a valid one (a short code such as 116 123) is
    kept: the audit reports it ``invalid`` rather than refusing to run.
    """
    regions = targets.checks.regions
    return [
        (
            ("organisations", i, "phones", j),
            f"not a phone number in {'/'.join(regions)}: {raw!r} (write it as the document does, "
            "e.g. 0808 801 0401, +44 808 801 0401 or 1-800-4-CANCER)",
        )
        for i, org in enumerate(targets.organisations)
        for j, raw in enumerate(org.phones)
        if parse_number(raw, regions) is None
    ]


def _duplicate_keys(node: yaml.Node | None, loc: tuple[Any, ...], walked: set[int] | None = None) -> Any:
    """(line, location) of every key written twice in one mapping; YAML keeps the last silently.

    Each node is walked once (``walked``): a value an alias repeats is the same node.
    """
    walked = set() if walked is None else walked
    if node is None or id(node) in walked:
        return
    walked.add(id(node))
    if isinstance(node, yaml.MappingNode):
        seen: set[Any] = set()
        for key, value in node.value:
            if not isinstance(key, yaml.ScalarNode):
                continue
            if key.value in seen:
                yield key.start_mark.line + 1, (*loc, key.value)
            seen.add(key.value)
            yield from _duplicate_keys(value, (*loc, key.value), walked)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from _duplicate_keys(item, (*loc, index), walked)


def _key(loc: tuple[Any, ...]) -> str:
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc).lstrip(".") or "(top level)"


def _describe(path: Path, root: yaml.Node | None, error: Any) -> str:
    loc = tuple(part for part in error["loc"] if part not in (_LIST_FORM, _MAPPING_FORM))
    if error["type"] == "extra_forbidden":
        message = f"unknown key '{loc[-1]}'"
    elif error["type"] == "missing":
        message = "required key is missing"
    elif error["type"] in ("model_type", "dict_type"):  # pydantic would name its model class
        message = f"expected a mapping of keys, not {error['input']!r}"
    else:
        message = str(error["msg"]).removeprefix("Value error, ")
    return f"{path}:{_line_of(root, loc)}: {_key(loc)}: {message}"


def _line_of(node: yaml.Node | None, loc: tuple[Any, ...]) -> int:
    """The line of the YAML node at ``loc``, or of its nearest existing parent."""
    line = node.start_mark.line + 1 if node is not None else 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            match = next(((k, v) for k, v in node.value if k.value == part), None)
            if match is None:
                break
            line = match[0].start_mark.line + 1
            node = match[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line
