"""Limits and defaults that are not settings a user gives.

The defaults of the settings (``checks.timeout``, ``--timeout``, ...) are declared once,
on the fields of :class:`auditor.check.settings.CheckSettings`; their old names here
(``DEFAULT_TIMEOUT``, ``DEFAULT_REGIONS``, ...) still read them (:func:`__getattr__`).
"""

from __future__ import annotations

from typing import Any

from auditor._version import __version__ as __version__

#: Inputs larger than this are refused rather than read into memory.
MAX_INPUT_BYTES = 50 * 1024 * 1024

#: The audit definition looked for in the working directory.
DEFAULT_CONFIG = "targets.yaml"

#: targets.yaml larger than this is refused (inputs bounded by design, issue 15).
MAX_CONFIG_BYTES = 1024 * 1024

#: Where reports are written, relative to the configuration file.
DEFAULT_REPORTS_DIR = "reports"

#: Longest context kept around a reference, in characters.
MAX_CONTEXT_CHARS = 200

# Checking (issue 3).
DEFAULT_MAX_BODY = 2 * 1024 * 1024  # bytes read of an answer: what the detectors need

# The weekly audit (issue 5): targets.yaml's checks, schedule and reports sections.
DEFAULT_CRON = "0 6 * * 1"  # crontab fields; Monday 06:00
DEFAULT_TIMEZONE = "UTC"
DEFAULT_KEEP = 52  # runs of report files kept in reports.dir (history keeps every run)
DEFAULT_HISTORY = "history.sqlite"  # relative to reports.dir

# Crawling and the cache (issue 6).
DEFAULT_CRAWL_DEPTH = 3  # links away from the start page
DEFAULT_MAX_PAGES = 10_000  # pages read per crawled site
MAX_PAGE_BYTES = 10 * 1024 * 1024  # of a crawled page: a longer one is read up to here, with a warning

# Fixing and archived copies (issue 7).
ARCHIVE_CONCURRENCY = 4  # archive lookups at once: a few, politely, after the main checks
ARCHIVE_TIMEOUT = 10.0  # seconds per archive lookup at most (checks.timeout when shorter): a suggestion, not a check
#: Asked (one HEAD each, only when every checked host failed at the network level) whether
#: the network is up: any HTTP answer from one of them means those hosts are really gone.
DEFAULT_OUTAGE_WITNESSES = ("https://www.iana.org/", "https://www.wikipedia.org/", "https://one.one.one.one/")
OUTAGE_WITNESS_TIMEOUT = 5.0  # seconds for each witness
#: Characters of a remote page's text (a title, a sentence) quoted in a reason, a finding or the history.
QUOTE_LIMIT = 100
TITLE_LIMIT = 300  # characters of a page's <title> kept (compared across runs, quoted shorter)

# Bounded by design (issue 15): limits that keep one hostile input from taking all memory or time.
MAX_REPORT_ROWS = 200_000  # references in the HTML report's data, most severe first; the JSON report has them all
MAX_TERMINAL_ROWS = 1_000  # references listed in the terminal summary; the rest are counted
MARKDOWN_CHUNK_LINES = 5_000  # a long Markdown file is parsed this many lines (or a few more) at a time

#: The old names of settings' defaults, and the setting each reads.
_SETTING_DEFAULTS = {
    "DEFAULT_REGIONS": "regions",
    "DEFAULT_TIMEOUT": "timeout",
    "DEFAULT_RETRIES": "retries",
    "DEFAULT_MAX_CONCURRENCY": "max_concurrency",
    "DEFAULT_HOST_CONCURRENCY": "host_concurrency",
    "DEFAULT_HOST_REQUEST_INTERVAL": "host_request_interval",
    "DEFAULT_MAX_REDIRECTS": "max_redirects",
    "DEFAULT_USER_AGENT": "user_agent",
    "DEFAULT_STALE_AFTER_DAYS": "stale_after_days",
    "DEFAULT_CONFIRM_AFTER": "confirm_after",
    "DEFAULT_CACHE_MAX_AGE": "cache_max_age",
    "DEFAULT_FRAGMENTS": "fragments",
    "DEFAULT_ARCHIVE_URL": "archive_url",
    "DEFAULT_MAX_CRAWL_DELAY": "max_crawl_delay",
}


def __getattr__(name: str) -> Any:
    """``DEFAULT_TIMEOUT`` and friends: the default declared on the setting (read when asked,
    since :mod:`auditor.check.settings` itself reads this module)."""
    if name in _SETTING_DEFAULTS:
        from auditor.check.settings import SETTINGS, UNSET

        setting = SETTINGS[_SETTING_DEFAULTS[name]]
        return setting.default if setting.file_default is UNSET else setting.file_default
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
