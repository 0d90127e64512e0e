"""Defaults shared by the command line and targets.yaml: one place, one value each."""

from __future__ import annotations

from auditor._version import __version__

#: Regions tried, in order, for a phone number written without a country code.
DEFAULT_REGIONS: tuple[str, ...] = ("GB", "US")

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

# Checking (issue 3). Flag names follow lychee's where the idea is the same.
DEFAULT_TIMEOUT = 20.0  # seconds per request
DEFAULT_RETRIES = 2
DEFAULT_MAX_CONCURRENCY = 128
DEFAULT_HOST_CONCURRENCY = 8
DEFAULT_HOST_REQUEST_INTERVAL = 0.1  # seconds between request starts on one host
DEFAULT_MAX_REDIRECTS = 10
DEFAULT_MAX_BODY = 2 * 1024 * 1024  # bytes read of an answer: what the detectors need
DEFAULT_USER_AGENT = (
    f"auditor/{__version__} (link and content freshness checker; +https://github.com/auditor-project/auditor)"
)

# The weekly audit (issue 5): targets.yaml's checks, schedule and reports sections.
DEFAULT_STALE_AFTER_DAYS = 1095  # a page whose own date is older than three years is called stale
DEFAULT_CONFIRM_AFTER = 2  # runs in a row a transient error must last before it counts as broken
DEFAULT_CRON = "0 6 * * 1"  # crontab fields; Monday 06:00
DEFAULT_TIMEZONE = "UTC"
DEFAULT_KEEP = 52  # runs of report files kept in reports.dir (history keeps every run)
DEFAULT_HISTORY = "history.sqlite"  # relative to reports.dir

# Crawling and the cache (issue 6).
DEFAULT_CRAWL_DEPTH = 3  # links away from the start page
DEFAULT_MAX_PAGES = 10_000  # pages read per crawled site
MAX_PAGE_BYTES = 10 * 1024 * 1024  # of a crawled page: a longer one is read up to here, with a warning
DEFAULT_CACHE_MAX_AGE = 86_400.0  # seconds (1d) a healthy result is reused without a request

# Fragments and local sites (issue 15).
DEFAULT_FRAGMENTS = "warn"  # checks.fragments: a missing #fragment is shown, fails nothing (--include-fragments)

# Fixing and archived copies (issue 7).
DEFAULT_ARCHIVE_URL = "https://web.archive.org/web/"  # GET <this><url>: a redirect to the closest snapshot
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
DEFAULT_MAX_CRAWL_DELAY = 60.0  # seconds: a robots.txt Crawl-delay above this is cut to it (and reported)
MAX_REPORT_ROWS = 5_000  # references listed in the HTML report; the rest are counted, the JSON has them all
MAX_TERMINAL_ROWS = 1_000  # references listed in the terminal summary; the rest are counted
MARKDOWN_CHUNK_LINES = 5_000  # a long Markdown file is parsed this many lines (or a few more) at a time
