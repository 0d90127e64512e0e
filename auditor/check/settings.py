"""Every setting, declared once: the fields of :class:`CheckSettings`.

A field that a user can set carries a :class:`Setting` in its metadata (made by
:func:`option`): its default is the field's, and the Setting says how it is read
(its :class:`Kind`), its help, its flag (``--timeout``; None: targets.yaml only),
whether it is the targets.yaml key ``checks.<name>``, and which commands take it.
Everything else is generated from this table (lychee's ``Config`` is both the
command line and the file schema in the same way):

- the click options of ``check``, ``fix``, ``run``, ``schedule`` and ``extract``
  (:func:`auditor.cli._setting_options`);
- the pydantic model of targets.yaml's ``checks:`` (:data:`auditor.config.Checks`),
  which keeps the located errors (``targets.yaml:12: checks.timeout: ...``);
- the layering, :func:`layered`: the command line over the file over the defaults.
  "Not given" is :data:`UNSET` (httpx's sentinel), so ``null`` in the file is a value.

This module stays light (no pydantic, no click, no HTTP): ``auditor --help`` reads it.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Final

from auditor import defaults
from auditor._version import __version__
from auditor.check.accept import Accept, parse_accept
from auditor.check.fragment_policy import FragmentPolicy, effective
from auditor.check.headers import Header, as_headers, parse_header
from auditor.check.remap import Remap, parse_remap
from auditor.cluster.address import ClusterAddress, parse_cluster
from auditor.verdict import DEFAULT_FAIL_ON, Status


class _Unset:
    """The type of :data:`UNSET`: a value nobody gave (a flag not passed, a key not written)."""

    _instance: _Unset | None = None

    def __new__(cls) -> _Unset:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> bool:
        return False


#: Not given: differs from None, which a setting may be set to (``stale_after_days: null``).
UNSET: Final = _Unset()


class TransportChoice(StrEnum):
    """``checks.transport`` / ``--transport``: the HTTP stack under the checker (auditor.check.transport)."""

    AUTO = "auto"  # curl when pycurl is importable, else aiohttp
    CURL = "curl"
    AIOHTTP = "aiohttp"


class Kind(StrEnum):
    """How a setting is written, on the command line and in targets.yaml alike."""

    COUNT = "count"  # a whole number (with a minimum)
    DURATION = "duration"  # 0, 1.5 (seconds), 100ms, 20s
    AGE = "age"  # 3600 (seconds), 30m, 12h, 1d, 2w
    TIME_LIMIT = "time-limit"  # a duration or an age: 500ms, 90s, 10m, 1h
    SWITCH = "switch"  # on or off (a flag; true/false in the file)
    TEXT = "text"
    FILE = "file"  # a path, relative to targets.yaml in the file
    PATTERNS = "patterns"  # regular expressions (repeatable flag; a list in the file)
    HEADERS = "headers"  # 'Name: value' / 'HOST Name: value'; {host: {Name: value}} in the file
    REMAP = "remap"  # 'REGEX REPLACEMENT' rules
    ACCEPT = "accept"  # HTTP statuses, lychee's syntax: 200..=299,403
    STATUSES = "statuses"  # our statuses: dead,error (a list in the file)
    REGIONS = "regions"  # ISO 3166 region codes (repeatable flag; a list in the file)
    FRAGMENTS = "fragments"  # fail | warn | off
    ARCHIVE = "archive"  # a web archive's address, ending in /
    TRANSPORT = "transport"  # auto | curl | aiohttp
    CLUSTER = "cluster"  # local:N | tcp://HOST:8786 (auditor.cluster.address)

    @property
    def repeatable(self) -> bool:
        """The flag may be given several times (each adds one value)."""
        return self in _REPEATABLE


_REPEATABLE = frozenset({Kind.PATTERNS, Kind.HEADERS, Kind.REMAP, Kind.REGIONS})
#: Command-line values are added to the file's (after them; remap rules before them: the first match wins).
_ADDED = frozenset({Kind.PATTERNS, Kind.HEADERS})
_PREPENDED = frozenset({Kind.REMAP})

#: The commands that judge links, and so take every checking flag.
CHECKING = frozenset({"check", "fix", "run", "schedule"})


@dataclass(frozen=True, slots=True)
class Setting:
    """What a user can set: one field of :class:`CheckSettings` (see the module docstring)."""

    kind: Kind
    help: str
    flag: str | None = None  # None: targets.yaml only
    key: bool = True  # targets.yaml's checks.<name>
    commands: frozenset[str] = CHECKING
    minimum: float | None = None  # inclusive
    above: float | None = None  # exclusive
    nullable: bool = False  # null in the file turns it off
    metavar: str | None = None
    sets: Any = UNSET  # the flag takes no value and sets this one (--no-archive: None)
    # The key's default in targets.yaml when it differs from the field's (the library's, and
    # the command line's without a targets.yaml): the weekly audit judges staleness by default.
    file_default: Any = UNSET
    file_key: str | None = None  # its targets.yaml key when not checks.<name> (cluster.address)
    name: str = ""  # the field's; filled in below
    default: Any = None  # the field's; filled in below

    @property
    def config_key(self) -> str | None:
        if self.file_key is not None:
            return self.file_key
        return f"checks.{self.name}" if self.key else None

    @property
    def is_flag(self) -> bool:
        return self.kind is Kind.SWITCH or self.sets is not UNSET

    def parse(self, text: str) -> Any:
        """One command-line value, as the field holds it; ValueError saying what to write."""
        value = _PARSE[self.kind](text)
        if isinstance(value, int | float) and not isinstance(value, bool):
            if self.minimum is not None and value < self.minimum:
                raise ValueError(f"must be at least {self.minimum:g}: {text!r}")
            if self.above is not None and value <= self.above:
                raise ValueError(f"must be more than {self.above:g}: {text!r}")
        return value

    def from_flag(self, value: Any) -> Any:
        """What click read (text, a tuple of texts, a number, True) as the field's value."""
        if self.sets is not UNSET:
            return self.sets
        if self.kind is Kind.SWITCH or self.kind is Kind.COUNT or self.kind is Kind.FILE:
            return value
        if self.kind.repeatable:
            return tuple(self.parse(item) for item in value)
        return self.parse(value)

    def shown_default(self) -> str | None:
        """The built-in default as --help shows it (targets.yaml's checks: may say otherwise)."""
        value = self.default
        if self.is_flag or value is None or value == () or self.kind is Kind.TEXT:
            return None
        if self.kind is Kind.DURATION or self.kind is Kind.TIME_LIMIT:
            return format_seconds(value)
        if self.kind is Kind.AGE:
            return format_age(value)
        if self.kind is Kind.STATUSES:
            return ",".join(sorted(s.value for s in value))
        if self.kind is Kind.REGIONS:
            return " ".join(value)
        return str(value)


def option(default: Any, kind: Kind, help: str, **how: Any) -> Any:
    """A settable field of :class:`CheckSettings`: its default and its :class:`Setting`."""
    return field(default=default, metadata={"setting": Setting(kind, help, **how)})


_INPUTS = CHECKING | {"extract"}


@dataclass(frozen=True, slots=True)
class CheckSettings:
    """How checking behaves and is judged: one frozen object built once from flags and targets.yaml."""

    timeout: float = option(20.0, Kind.DURATION, "Time per request: 20s, 1500ms or seconds.", flag="--timeout", above=0)
    retries: int = option(
        2, Kind.COUNT, "Retries of a request that failed in a way that may pass.", flag="--retries", minimum=0
    )
    max_concurrency: int = option(128, Kind.COUNT, "Requests at once, in all.", flag="--max-concurrency", minimum=1)
    host_concurrency: int = option(8, Kind.COUNT, "Requests at once to one host.", flag="--host-concurrency", minimum=1)
    host_request_interval: float = option(
        0.1,
        Kind.DURATION,
        "Time between request starts on one host: 0, 50ms, 1s.",
        flag="--host-request-interval",
        minimum=0,
    )
    max_redirects: int = option(10, Kind.COUNT, "Redirects followed at most.", flag="--max-redirects", minimum=0)
    max_body: int = defaults.DEFAULT_MAX_BODY  # bytes read of an answer: what the detectors need
    user_agent: str = option(
        f"auditor/{__version__} (link and content freshness checker; +https://github.com/auditor-project/auditor)",
        Kind.TEXT,
        "The User-Agent header sent.",
        flag="--user-agent",
        metavar="TEXT",
    )
    headers: tuple[Header | tuple[str, str], ...] = option(  # plain pairs go to every host (auditor.check.headers)
        (),
        Kind.HEADERS,
        "'Name: value' for every host, 'HOST Name: value' for HOST (or *.DOMAIN) only; never sent after a "
        "redirect to another origin (repeatable; added to the file's).",
        flag="--header",
        metavar="'NAME: VALUE'",
    )
    include: tuple[re.Pattern[str], ...] = option(
        (), Kind.PATTERNS, "Check URLs matching REGEX even if excluded (repeatable).", flag="--include", metavar="REGEX"
    )
    exclude: tuple[re.Pattern[str], ...] = option(
        (), Kind.PATTERNS, "Skip URLs matching REGEX (repeatable).", flag="--exclude", metavar="REGEX"
    )
    insecure: bool = option(False, Kind.SWITCH, "Do not verify TLS certificates.", flag="--insecure")
    probe_soft_404: bool = True  # ask each host for a made-up page once, to recognise its error page
    stale_after_days: int | None = option(
        None,
        Kind.COUNT,
        "A page whose own date is older than this many days is stale (null: never).",
        minimum=1,
        nullable=True,
        file_default=1095,
    )
    page_facts: bool = False  # read each page's title, date and main-text fingerprint (the weekly audit)
    archive_url: str | None = option(
        "https://web.archive.org/web/",  # GET <this><url>: a redirect to the closest snapshot
        Kind.ARCHIVE,
        "Do not ask the web archive for copies of dead, soft-404 and parked pages (checks.archive_url: null).",
        flag="--no-archive",
        sets=None,
        nullable=True,
    )
    offline_ok: bool = option(  # a pre-commit hook on a train: exit 0, not 3
        False,
        Kind.SWITCH,
        "No network is no failure: say so and exit 0 (or 1 for what failed without it: a missing local file).",
        flag="--offline-ok",
        key=False,
        commands=frozenset({"check", "fix"}),
    )
    # Asked whether the network is up when every checked host failed (check/outage.py).
    outage_witnesses: tuple[str, ...] = defaults.DEFAULT_OUTAGE_WITNESSES
    accept: Accept | None = option(
        None,
        Kind.ACCEPT,
        "HTTP statuses that mean the page is there, lychee's syntax: 200..=299,403 (default: any 2xx).",
        flag="--accept",
        metavar="STATUSES",
        nullable=True,
    )
    fragments: FragmentPolicy = option(
        FragmentPolicy.WARN,
        Kind.FRAGMENTS,
        "A #fragment the page lacks is the failing status missing-fragment (checks.fragments: fail); "
        "by default it is a warning (a missing-fragment finding) that fails nothing.",
        flag="--include-fragments",
        sets=FragmentPolicy.FAIL,
    )
    remap: tuple[Remap, ...] = option(
        (),
        Kind.REMAP,
        "Check another address than the one written: the first rule whose REGEX matches rewrites the URL "
        "($1 or \\1 for a group), e.g. 'https://example\\.org/(.*) http://localhost:8000/$1' (repeatable; "
        "before the file's).",
        flag="--remap",
        metavar="'REGEX REPLACEMENT'",
    )
    # Network safety (auditor.check.addresses): lychee's flags; all three by default in CI
    # or for remote inputs, unless allow_private.
    exclude_private: bool = option(
        False,
        Kind.SWITCH,
        "Refuse private addresses: 10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7.",
        flag="--exclude-private",
    )
    exclude_loopback: bool = option(
        False, Kind.SWITCH, "Refuse loopback addresses: 127/8, ::1, 0.0.0.0, localhost.", flag="--exclude-loopback"
    )
    exclude_link_local: bool = option(
        False,
        Kind.SWITCH,
        "Refuse link-local addresses: 169.254/16 (cloud metadata), fe80::/10.",
        flag="--exclude-link-local",
    )
    exclude_all_private: bool = option(
        False,
        Kind.SWITCH,
        "All three. The default when CI is set or an input is a remote page (a URL, a crawl).",
        flag="--exclude-all-private",
    )
    allow_private: bool = option(
        False,
        Kind.SWITCH,
        "Check private, loopback and link-local addresses, even when CI is set or an input is a remote page "
        "(where they are refused by default).",
        flag="--allow-private",
    )
    cookie_jar: str | None = option(
        None,
        Kind.FILE,
        "Netscape cookies.txt: loaded at the start, saved at the end (in the file: relative to targets.yaml).",
        flag="--cookie-jar",
        nullable=True,
    )
    # Bounded by design: a robots.txt Crawl-delay above this is cut to it;
    # after max_duration seconds (None: no limit) what is left is reported unchecked.
    max_crawl_delay: float = option(
        60.0,
        Kind.TIME_LIMIT,
        "Cut a robots.txt Crawl-delay longer than this (500ms, 90s, 10m), with a warning.",
        flag="--max-crawl-delay",
        metavar="SECONDS",
        minimum=0,
    )
    max_duration: float | None = option(
        None,
        Kind.TIME_LIMIT,
        "Stop checking after this long (90s, 10m, 1h): what is left is reported unchecked; reports are still "
        "written (null: no limit).",
        flag="--max-duration",
        metavar="DURATION",
        minimum=0,
        nullable=True,
    )
    # Judging: what fails, what counts as broken, in which regions phone numbers are read.
    fail_on: frozenset[Status] = option(
        DEFAULT_FAIL_ON,
        Kind.STATUSES,
        "Statuses that make the exit code 1, e.g. dead,error (an empty value: none).",
        flag="--fail-on",
    )
    regions: tuple[str, ...] = option(
        ("GB", "US"),
        Kind.REGIONS,
        "Region for phone numbers written without a country code (repeatable; in order of preference).",
        flag="--region",
        metavar="CC",
        commands=_INPUTS,
    )
    confirm_after: int = option(
        2, Kind.COUNT, "Runs in a row a transient error must last before it counts as broken.", minimum=1
    )
    cache_max_age: float | None = option(
        86_400.0,
        Kind.AGE,
        "How old a reused result may be: 30m, 12h, 1d, 2w (null in the file: no cross-run cache).",
        flag="--cache-max-age",
        nullable=True,
        commands=frozenset({"check", "run", "schedule"}),
    )
    # How inputs are found (auditor.inputfiles.InputPolicy).
    follow_symlinks: bool = option(
        False,
        Kind.SWITCH,
        "Read what symbolic links lead to outside the inputs' tree (the working directory, or the folder of an "
        "input named outside it); by default such links are refused with a warning. Devices, FIFOs and sockets "
        "are never read.",
        flag="--follow-symlinks",
        commands=_INPUTS,
    )
    exclude_path: tuple[re.Pattern[str], ...] = option(
        (),
        Kind.PATTERNS,
        "Leave out input files and folders whose path (relative to the working directory, with /; a folder's "
        "ends in /) matches REGEX; they are never opened (repeatable; added to the file's).",
        flag="--exclude-path",
        metavar="REGEX",
        commands=_INPUTS,
    )
    transport: TransportChoice = option(
        TransportChoice.AUTO,
        Kind.TRANSPORT,
        "The HTTP stack: curl (libcurl through pycurl, what auto picks when it is installed) or aiohttp; "
        "the verdicts are the same.",
        flag="--transport",
    )
    cluster: ClusterAddress | None = option(
        None,
        Kind.CLUSTER,
        "Check web addresses in host shards on a Dask cluster: local:N starts N worker processes here, "
        "tcp://HOST:8786 uses a running scheduler (pip install 'reference-auditor[cluster]'; docs/scale.md).",
        flag="--cluster",
        metavar="ADDRESS",
        key=False,
        file_key="cluster.address",
        nullable=True,
        commands=frozenset({"check", "run", "schedule"}),
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "headers", as_headers(self.headers))  # (name, value) pairs: every host
        object.__setattr__(self, "regions", tuple(self.regions))
        object.__setattr__(self, "fail_on", frozenset(self.fail_on))

    def judged(self) -> CheckSettings:
        """``fragments: fail`` makes ``missing-fragment`` fail; ``--fail-on missing-fragment`` asks for ``fail``."""
        policy, fail_on = effective(self.fragments, False, self.fail_on)
        return dataclasses.replace(self, fragments=policy, fail_on=fail_on)


def _settings() -> dict[str, Setting]:
    table = {}
    for f in dataclasses.fields(CheckSettings):
        if "setting" in f.metadata:
            table[f.name] = dataclasses.replace(f.metadata["setting"], name=f.name, default=f.default)
    return table


#: Every setting a user can give, by field name, in the order of the fields.
SETTINGS: Final[Mapping[str, Setting]] = _settings()


def default(name: str) -> Any:
    """The built-in default of the setting ``name``."""
    return SETTINGS[name].default


def layered(given: Mapping[str, Any], file: Mapping[str, Any] | None = None, **fixed: Any) -> CheckSettings:
    """The settings: ``given`` (the command line) over ``file`` (targets.yaml's ``checks:``, the keys
    written) over the defaults; :data:`UNSET` (or absence) means not given. A repeatable
    flag's values are added to the file's (remap rules before them). ``fixed``: fields
    the program sets (``page_facts``). Then :meth:`CheckSettings.judged`.

    A name that is not a setting is a TypeError (a bug, not a user error).
    """
    unknown = (set(given) | set(file or {})) - set(SETTINGS)
    if unknown:
        raise TypeError(f"CheckSettings has no setting {', '.join(sorted(unknown))}")
    values: dict[str, Any] = {}
    for name, setting in SETTINGS.items():
        value = (file or {}).get(name, UNSET)
        flag = given.get(name, UNSET)
        if flag is not UNSET:
            if value is not UNSET and setting.kind in _ADDED:
                flag = tuple(value) + tuple(flag)
            elif value is not UNSET and setting.kind in _PREPENDED:
                flag = tuple(flag) + tuple(value)
            value = flag
        if value is not UNSET:
            values[name] = value
    return CheckSettings(**values, **fixed).judged()


# --- reading a value written on the command line ------------------------------------

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s)?\s*$")


def parse_duration(text: str) -> float:
    """``0``, ``50ms``, ``1s``, ``1.5`` (seconds) -> seconds; ValueError otherwise."""
    m = _DURATION.match(text)
    if not m:
        raise ValueError(f"not a duration: {text!r} (write 0, 50ms or 1s)")
    value = float(m.group(1))
    return value / 1000 if m.group(2) == "ms" else value


def parse_time_limit(text: str) -> float:
    """``90``, ``90s``, ``10m``, ``1h``, ``500ms`` -> seconds: a duration (:func:`parse_duration`)
    or an age-style one (:func:`parse_age`); ValueError otherwise."""
    try:
        return parse_duration(text)
    except ValueError:
        pass
    try:
        return parse_age(text)
    except ValueError:
        raise ValueError(f"not a duration: {text!r} (write 90s, 10m or 1h)") from None


_AGE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d|w)?\s*$")
_AGE_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800}


def parse_age(text: str) -> float:
    """``1d``, ``12h``, ``30m``, ``2w``, ``3600`` (seconds) -> seconds; ValueError otherwise."""
    m = _AGE.match(text)
    if not m:
        raise ValueError(f"not an age: {text!r} (write 1d, 12h, 30m, 2w or seconds)")
    return float(m.group(1)) * _AGE_UNITS[m.group(2) or "s"]


def format_seconds(seconds: float) -> str:
    """``0.1`` -> ``100ms``, ``20.0`` -> ``20s``: a duration as it is written."""
    return f"{seconds * 1000:g}ms" if 0 < seconds < 1 else f"{seconds:g}s"


def format_age(seconds: float) -> str:
    """``86400`` -> ``1d``: the largest unit that divides it."""
    for unit, size in sorted(_AGE_UNITS.items(), key=lambda item: -item[1]):
        if seconds and seconds % size == 0:
            return f"{seconds / size:g}{unit}"
    return f"{seconds:g}s"


def parse_pattern(text: str) -> re.Pattern[str]:
    try:
        return re.compile(text)
    except re.error as exc:
        raise ValueError(f"not a regular expression: {exc}") from None


def parse_statuses(text: str) -> frozenset[Status]:
    """``dead,error`` -> the statuses; ``''``: none."""
    try:
        return frozenset(Status(part.strip()) for part in text.split(",") if part.strip())
    except ValueError:
        known = ", ".join(s.value for s in Status)
        raise ValueError(f"unknown status in {text!r} (known: {known})") from None


def parse_region(text: str) -> str:
    from auditor.extract.phones import check_regions  # phonenumbers: only when a region is given

    return check_regions([text])[0]


_PARSE: dict[Kind, Callable[[str], Any]] = {
    Kind.COUNT: int,
    Kind.DURATION: parse_duration,
    Kind.AGE: parse_age,
    Kind.TIME_LIMIT: parse_time_limit,
    Kind.TEXT: str,
    Kind.FILE: str,
    Kind.PATTERNS: parse_pattern,
    Kind.HEADERS: parse_header,
    Kind.REMAP: parse_remap,
    Kind.ACCEPT: parse_accept,
    Kind.STATUSES: parse_statuses,
    Kind.REGIONS: parse_region,
    Kind.FRAGMENTS: FragmentPolicy,
    Kind.ARCHIVE: str,
    Kind.TRANSPORT: TransportChoice,
    Kind.CLUSTER: parse_cluster,
}
