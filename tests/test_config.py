"""targets.yaml and `auditor run`: errors name the file, the line and the key; defaults, overrides, typed views."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pydantic import BaseModel

from auditor import defaults
from auditor.check.headers import Header
from auditor.check.organisations import OrganisationSpec
from auditor.check.settings import CheckSettings
from auditor.cli import main
from auditor.config import Config, ScheduleSpec, Targets, WebhookSpec, load
from auditor.errors import ConfigError
from auditor.verdict import DEFAULT_FAIL_ON, Status

ROOT = Path(__file__).resolve().parents[1]

GOOD = """\
sources:
  - path: docs/*.txt
organisations:
  - name: Sarcoma UK
    url: https://www.sarcoma-uk.org/
    phones: ["0808 801 0401"]
checks:
  regions: [GB]
"""

# The example of issue 5 and docs/targets.md, every key spelled out.
EXAMPLE = """\
sources:                      # files and globs relative to this file; sites come in issue 6
  - path: docs/*.md
organisations:
  - name: National Cancer Institute
    url: https://www.cancer.gov/
    pages: []                  # more pages of theirs to look on (contact page ...)
    phones: ["1-800-4-CANCER"]
    expect: ["Cancer Information Service"]   # default: the organisation's name
checks:
  timeout: 20
  retries: 2
  max_concurrency: 128
  host_concurrency: 8
  host_request_interval: 100ms
  stale_after_days: 1095
  confirm_after: 2
  regions: [GB, US]
  exclude: []
  fail_on: [dead, soft-404, parked, error]
schedule:
  cron: "0 6 * * 1"
  timezone: Europe/London
reports:
  dir: reports
  keep: 52
notify: []                     # e.g. - webhook: https://hooks.example.org/...
"""

# Two lines: every snippet below starts on line 3.
SOURCES = "sources:\n  - path: docs/*.txt\n"


def write_and_load(folder: Path, text: str) -> Config:
    (folder / "targets.yaml").write_text(text)
    return load(folder / "targets.yaml")


def error_of(folder: Path, text: str) -> str:
    with pytest.raises(ConfigError) as caught:
        write_and_load(folder, text)
    return str(caught.value).replace(f"{folder}{os.sep}", "")


# --- bad input: file:line: key: message ---------------------------------------------

BAD = {
    # sources: a document or a website
    "a source with both path and url": (
        "sources:\n  - path: a.txt\n    url: https://www.example.org/\n",
        "targets.yaml:2: sources[0]: give either 'path' (a file, folder or glob) or 'url' (a website to crawl), not both",
    ),
    "crawl keys on a file": (
        "sources:\n  - path: a.txt\n    depth: 2\n",
        "targets.yaml:2: sources[0]: depth only apply to a website ('url'), not to 'path'",
    ),
    "a site that is not a web address": (
        "sources:\n  - url: www.example.org\n",
        "targets.yaml:2: sources[0].url: not a web address (needs http:// or https://)",
    ),
    "a negative depth": (
        "sources:\n  - url: https://www.example.org/\n    depth: -1\n",
        "targets.yaml:3: sources[0].depth: Input should be greater than or equal to 0",
    ),
    "an unknown crawl scope": (
        "sources:\n  - url: https://www.example.org/\n    scope: world\n",
        "targets.yaml:3: sources[0].scope: Input should be 'host' or 'domain'",
    ),
    "a cache age that is no age": (
        SOURCES + "checks:\n  cache_max_age: 1 day\n",
        "targets.yaml:4: checks.cache_max_age: not an age: '1 day' (write 1d, 12h, 30m, 2w or seconds)",
    ),
    # unknown keys, at every level
    "unknown top-level key": (SOURCES + "surprise: 1\n", "targets.yaml:3: surprise: unknown key 'surprise'"),
    "unknown key in a source": (
        "sources:\n  - path: a.txt\n    glob: b\n",
        "targets.yaml:3: sources[0].glob: unknown key 'glob'",
    ),
    "unknown key in an organisation": (
        SOURCES + "organisations:\n  - name: X\n    url: https://x.org/\n    phone: ['0808 801 0401']\n",
        "targets.yaml:6: organisations[0].phone: unknown key 'phone'",
    ),
    "unknown key in checks": (
        SOURCES + "checks:\n  timout: 20\n",
        "targets.yaml:4: checks.timout: unknown key 'timout'",
    ),
    "unknown key in schedule": (
        SOURCES + "schedule:\n  crontab: '0 6 * * 1'\n",
        "targets.yaml:4: schedule.crontab: unknown key 'crontab'",
    ),
    "unknown key in reports": (
        SOURCES + "reports:\n  directory: out\n",
        "targets.yaml:4: reports.directory: unknown key 'directory'",
    ),
    "unknown key in a webhook": (
        SOURCES + "notify:\n  - webhook: https://hooks.example.org/x\n    secret: s\n",
        "targets.yaml:5: notify[0].secret: unknown key 'secret'",
    ),
    "a key written twice": (
        SOURCES + "checks:\n  retries: 1\n  retries: 3\n",
        "targets.yaml:5: checks.retries: duplicate key",
    ),
    # wrong types
    "sources not a list": ("sources: docs/*.txt\n", "targets.yaml:1: sources: Input should be a valid list"),
    "checks not a mapping": (
        SOURCES + "checks: [20]\n",
        "targets.yaml:3: checks: expected a mapping of keys, not [20]",
    ),
    "organisations not a list": (
        SOURCES + "organisations:\n  name: X\n",
        "targets.yaml:3: organisations: Input should be a valid list",
    ),
    "phones not a list": (
        SOURCES + "organisations:\n  - name: X\n    url: https://x.org/\n    phones: 5\n",
        "targets.yaml:6: organisations[0].phones: Input should be a valid list",
    ),
    "retries as text": (
        SOURCES + "checks:\n  retries: '2'\n",
        "targets.yaml:4: checks.retries: Input should be a valid integer",
    ),
    "retries a fraction": (
        SOURCES + "checks:\n  retries: 2.5\n",
        "targets.yaml:4: checks.retries: Input should be a valid integer",
    ),
    "insecure as text": (
        SOURCES + "checks:\n  insecure: 'yes'\n",
        "targets.yaml:4: checks.insecure: Input should be a valid boolean",
    ),
    "cron a number": (
        SOURCES + "schedule:\n  cron: 5\n",
        "targets.yaml:4: schedule.cron: Input should be a valid string",
    ),
    "keep a fraction": (
        SOURCES + "reports:\n  keep: 1.5\n",
        "targets.yaml:4: reports.keep: Input should be a valid integer",
    ),
    "organisation without a name": (
        SOURCES + "organisations:\n  - nme: X\n    url: https://x.org/\n",
        "targets.yaml:4: organisations[0].name: required key is missing",
    ),
    # values out of range
    "keep 0": (
        SOURCES + "reports:\n  keep: 0\n",
        "targets.yaml:4: reports.keep: Input should be greater than or equal to 1",
    ),
    "confirm_after 0": (
        SOURCES + "checks:\n  confirm_after: 0\n",
        "targets.yaml:4: checks.confirm_after: Input should be greater than or equal to 1",
    ),
    "stale_after_days 0": (
        SOURCES + "checks:\n  stale_after_days: 0\n",
        "targets.yaml:4: checks.stale_after_days: Input should be greater than or equal to 1",
    ),
    "max_concurrency 0": (
        SOURCES + "checks:\n  max_concurrency: 0\n",
        "targets.yaml:4: checks.max_concurrency: Input should be greater than or equal to 1",
    ),
    "timeout 0": (
        SOURCES + "checks:\n  timeout: 0\n",
        "targets.yaml:4: checks.timeout: Input should be greater than 0",
    ),
    "empty reports dir": (
        SOURCES + "reports:\n  dir: ''\n",
        "targets.yaml:4: reports.dir: String should have at least 1 character",
    ),
    # durations
    "duration in minutes": (
        SOURCES + "checks:\n  host_request_interval: 1m\n",
        "targets.yaml:4: checks.host_request_interval: not a duration: '1m' (write 0, 50ms or 1s)",
    ),
    "negative duration": (
        SOURCES + "checks:\n  host_request_interval: -1\n",
        "targets.yaml:4: checks.host_request_interval: not a duration: -1",
    ),
    "timeout as yes": (SOURCES + "checks:\n  timeout: yes\n", "targets.yaml:4: checks.timeout: not a duration: True"),
    # regions
    "bad region": (
        SOURCES + "checks:\n  regions:\n    - GB\n    - XX\n",
        "targets.yaml:6: checks.regions[1]: unknown region 'XX' (use ISO 3166 codes such as GB, US, IE)",
    ),
    "Norway unquoted": (
        SOURCES + "checks:\n  regions: [GB, NO]\n",
        'targets.yaml:4: checks.regions[1]: not a region code: False (YAML reads NO as false: write "NO" in quotes for Norway)',
    ),
    "no region": (
        SOURCES + "checks:\n  regions: []\n",
        "targets.yaml:4: checks.regions: List should have at least 1 item",
    ),
    # regular expressions and statuses
    "bad exclude regex": (
        SOURCES + "checks:\n  exclude:\n    - ^https://intranet\\.\n    - '(['\n",
        "targets.yaml:6: checks.exclude[1]: not a regular expression: '(['",
    ),
    "bad include regex": (
        SOURCES + "checks:\n  include: ['a)']\n",
        "targets.yaml:4: checks.include[0]: not a regular expression: 'a)'",
    ),
    "unknown status in fail_on": (
        SOURCES + "checks:\n  fail_on: [dead, broken]\n",
        "targets.yaml:4: checks.fail_on[1]: unknown status 'broken' (known: ok, redirected, moved, shortened, dead, soft-404",
    ),
    # schedule
    "cron minute out of range": (
        SOURCES + "schedule:\n  cron: '61 * * * *'\n",
        "targets.yaml:4: schedule.cron: '61 * * * *' is not a crontab expression (Error validating expression '61': the last value (61) is higher than the maximum value (59))",
    ),
    "cron with four fields": (
        SOURCES + "schedule:\n  cron: '* * * *'\n",
        "targets.yaml:4: schedule.cron: '* * * *' is not a crontab expression (4 fields instead of 5)",
    ),
    "cron weekday 8": (
        SOURCES + "schedule:\n  timezone: Europe/London\n  cron: '0 6 * * 8'\n",
        "targets.yaml:5: schedule.cron: '0 6 * * 8' is not a crontab expression ('8' is not a day of the week (0-7 or sun-sat))",
    ),
    "cron unquoted": (SOURCES + "schedule:\n  cron: * * * * *\n", "targets.yaml:4: not valid YAML"),
    "bad timezone": (
        SOURCES + "schedule:\n  timezone: Europe/Londres\n",
        "targets.yaml:4: schedule.timezone: unknown time zone 'Europe/Londres' (use an IANA name such as Europe/London or UTC)",
    ),
    # notify
    "webhook not http": (
        SOURCES + "notify:\n  - webhook: ftp://hooks.example.org/x\n",
        "targets.yaml:4: notify[0].webhook: not a web address (needs http:// or https://): 'ftp://hooks.example.org/x'",
    ),
    "webhook without host": (
        SOURCES + "notify:\n  - webhook: https://\n",
        "targets.yaml:4: notify[0].webhook: not a web address (no host name after https://)",
    ),
    "e-mail notification": (
        SOURCES + "notify:\n  - webhook: https://hooks.example.org/x\n  - email: editors@example.org\n",
        "targets.yaml:5: notify[1]: unknown kind of notification 'email': write '- webhook: https://...', or e-mail, Slack... as Apprise URLs in notify.urls (docs/schedule.md)",
    ),
    "bare URL as notification": (
        SOURCES + "notify:\n  - https://hooks.example.org/x\n",
        "targets.yaml:4: notify[0]: write a notification as '- webhook: https://...', not 'https://hooks.example.org/x' (or notify.urls: [...] for Apprise URLs)",
    ),
    # notify: its mapping form
    "an Apprise URL Apprise cannot read (the URL not repeated: it may hold a password)": (
        SOURCES
        + "notify:\n  urls:\n    - mailtos://user:pass@example.org?to=team@example.org\n    - nope://s3cret@x\n",
        "targets.yaml:6: notify.urls[1]: Apprise cannot read this nope:// URL: an unknown service, or a part it needs is missing (see the service's page in Apprise's documentation)",
    ),
    "an Apprise URL missing a part the service needs": (
        SOURCES + "notify:\n  urls:\n    - json://\n",
        "targets.yaml:5: notify.urls[0]: Apprise cannot read this json:// URL: an unknown service, or a part it needs is missing (see the service's page in Apprise's documentation)",
    ),
    "an e-mail address where an Apprise URL goes": (
        SOURCES + "notify:\n  urls: [team@example.org]\n",
        "targets.yaml:4: notify.urls[0]: not an Apprise URL (write it as scheme://…, e.g. mailtos://user:pass@example.org?to=team@example.org)",
    ),
    "a webhook in the mapping form not http": (
        SOURCES + "notify:\n  webhooks:\n    - ftp://hooks.example.org/x\n",
        "targets.yaml:5: notify.webhooks[0]: not a web address (needs http:// or https://): 'ftp://hooks.example.org/x'",
    ),
    "always not true or false": (
        SOURCES + "notify:\n  always: sometimes\n",
        "targets.yaml:4: notify.always: Input should be a valid boolean",
    ),
    "unknown key in notify": (
        SOURCES + "notify:\n  url: mailto://x.org\n",
        "targets.yaml:4: notify.url: unknown key 'url'",
    ),
    "notify neither a list nor a mapping": (
        SOURCES + "notify: mailto://x.org\n",
        "targets.yaml:3: notify: expected a mapping of keys, not 'mailto://x.org'",
    ),
    # reports: links
    "base_url not http(s)": (
        SOURCES + "reports:\n  base_url: file:///srv/reports/\n",
        "targets.yaml:4: reports.base_url: not a web address (needs http:// or https://): 'file:///srv/reports/'",
    ),
    "source_url without {path}": (
        SOURCES + "reports:\n  source_url: https://github.com/org/repo/blob/main/\n",
        "targets.yaml:4: reports.source_url: 'https://github.com/org/repo/blob/main/' has no {path}: write where a file is shown, e.g. https://github.com/org/repo/blob/main/{path}#L{line}",
    ),
    "source_url not http(s)": (
        SOURCES + "reports:\n  source_url: javascript:alert(1)//{path}\n",
        "targets.yaml:4: reports.source_url: not a web address (needs http:// or https://): 'javascript:alert(1)//docs/a.md'",
    ),
    "source_url with an unknown placeholder": (
        SOURCES + "reports:\n  source_url: https://git.example.org/{repo}/{path}\n",
        "targets.yaml:4: reports.source_url: unknown placeholder {repo} in 'https://git.example.org/{repo}/{path}': only {path} and {line} are filled in",
    ),
    "source_url with a stray brace": (
        SOURCES + "reports:\n  source_url: https://git.example.org/{path}#L{line\n",
        "targets.yaml:4: reports.source_url: not a URL template: 'https://git.example.org/{path}#L{line' (expected '}' before end of string; write a literal brace as {{ or }})",
    ),
    # organisations
    "url without scheme": (
        SOURCES + "organisations:\n  - name: X\n    url: www.x.org\n",
        "targets.yaml:5: organisations[0].url: not a web address (needs http:// or https://): 'www.x.org'",
    ),
    "page without scheme": (
        SOURCES
        + "organisations:\n  - name: X\n    url: https://x.org/\n    pages: [https://x.org/contact, x.org/help]\n",
        "targets.yaml:6: organisations[0].pages[1]: not a web address (needs http:// or https://): 'x.org/help'",
    ),
    "unparseable phone": (
        SOURCES
        + "organisations:\n  - name: X\n    url: https://x.org/\n    phones:\n      - 0808 801 0401\n      - call us\n",
        "targets.yaml:8: organisations[0].phones[1]: not a phone number in GB/US: 'call us'",
    ),
    # the file as a whole
    "broken yaml": ("sources: [\n", "targets.yaml:2: not valid YAML"),
    "not a mapping": ("- just\n- a list\n", "targets.yaml:1: expected a mapping"),
    "empty file": ("", "targets.yaml:1: expected a mapping"),
    "no sources": ("organisations: []\n", "targets.yaml:1: sources: required key is missing"),
    "empty sources": ("sources: []\n", "targets.yaml:1: sources: List should have at least 1 item"),
}


@pytest.mark.parametrize(("text", "message"), list(BAD.values()), ids=list(BAD))
def test_bad_input_is_an_error_naming_file_line_and_key(tmp_path: Path, text: str, message: str) -> None:
    assert error_of(tmp_path, text).startswith(message)


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    text = SOURCES + "checks:\n  retries: -1\n  timout: 3\nreports:\n  keep: 0\n"
    assert error_of(tmp_path, text).splitlines() == [
        "targets.yaml:4: checks.retries: Input should be greater than or equal to 0",
        "targets.yaml:5: checks.timout: unknown key 'timout'",
        "targets.yaml:7: reports.keep: Input should be greater than or equal to 1",
    ]


# --- what a good file means ---------------------------------------------------------

DEFAULTS: dict[str, tuple[Any, Any]] = {
    "timeout": (lambda c: c.check_settings().timeout, defaults.DEFAULT_TIMEOUT),
    "retries": (lambda c: c.check_settings().retries, defaults.DEFAULT_RETRIES),
    "max_concurrency": (lambda c: c.check_settings().max_concurrency, defaults.DEFAULT_MAX_CONCURRENCY),
    "host_concurrency": (lambda c: c.check_settings().host_concurrency, defaults.DEFAULT_HOST_CONCURRENCY),
    "host_request_interval": (
        lambda c: c.check_settings().host_request_interval,
        defaults.DEFAULT_HOST_REQUEST_INTERVAL,
    ),
    "max_redirects": (lambda c: c.check_settings().max_redirects, defaults.DEFAULT_MAX_REDIRECTS),
    "user_agent": (lambda c: c.check_settings().user_agent, defaults.DEFAULT_USER_AGENT),
    "stale_after_days": (lambda c: c.check_settings().stale_after_days, defaults.DEFAULT_STALE_AFTER_DAYS),
    "include and exclude": (lambda c: (c.check_settings().include, c.check_settings().exclude), ((), ())),
    "insecure": (lambda c: c.check_settings().insecure, False),
    "page facts are the caller's choice": (lambda c: c.check_settings().page_facts, False),
    "confirm_after": (lambda c: c.confirm_after, defaults.DEFAULT_CONFIRM_AFTER),
    "regions": (lambda c: c.regions, defaults.DEFAULT_REGIONS),
    "fail_on": (lambda c: c.fail_on, DEFAULT_FAIL_ON),
    "schedule": (lambda c: c.schedule, ScheduleSpec(cron=defaults.DEFAULT_CRON, timezone=defaults.DEFAULT_TIMEZONE)),
    "notify": (lambda c: c.notify, ()),
    "notify: nobody, and only when something changed": (
        lambda c: (c.notify_urls, c.webhooks, c.notify_always),
        ((), (), False),
    ),
    "reports: no links": (lambda c: (c.base_url, c.source_url), (None, None)),
    "organisations": (lambda c: c.organisations, ()),
    "reports_dir": (lambda c: c.reports_dir.name, defaults.DEFAULT_REPORTS_DIR),
    "history_path": (lambda c: c.history_path.relative_to(c.base).as_posix(), "reports/history.sqlite"),
    "keep": (lambda c: c.keep, defaults.DEFAULT_KEEP),
}


@pytest.mark.parametrize(("read", "expected"), list(DEFAULTS.values()), ids=list(DEFAULTS))
def test_a_file_with_sources_only_gets_the_shared_defaults(tmp_path: Path, read: Any, expected: Any) -> None:
    assert read(write_and_load(tmp_path, SOURCES)) == expected


def test_the_command_line_and_the_file_start_from_the_same_check_settings(tmp_path: Path) -> None:
    assert write_and_load(tmp_path, SOURCES).check_settings() == CheckSettings(
        stale_after_days=defaults.DEFAULT_STALE_AFTER_DAYS
    )


VALUES: dict[str, tuple[str, Any, Any]] = {
    "timeout in seconds": ("checks:\n  timeout: 5\n", lambda c: c.check_settings().timeout, 5.0),
    "timeout as a duration": ("checks:\n  timeout: 1500ms\n", lambda c: c.check_settings().timeout, 1.5),
    "interval 100ms": (
        "checks:\n  host_request_interval: 100ms\n",
        lambda c: c.check_settings().host_request_interval,
        0.1,
    ),
    "interval 1s": ("checks:\n  host_request_interval: 1s\n", lambda c: c.check_settings().host_request_interval, 1.0),
    "interval 0": ("checks:\n  host_request_interval: 0\n", lambda c: c.check_settings().host_request_interval, 0.0),
    "interval 2.5": (
        "checks:\n  host_request_interval: 2.5\n",
        lambda c: c.check_settings().host_request_interval,
        2.5,
    ),
    "stale check off": ("checks:\n  stale_after_days: null\n", lambda c: c.check_settings().stale_after_days, None),
    "regions upper-cased": ("checks:\n  regions: [ie, gb]\n", lambda c: c.regions, ("IE", "GB")),
    "Norway quoted": ("checks:\n  regions: ['NO']\n", lambda c: c.regions, ("NO",)),
    "fail_on": (
        "checks:\n  fail_on: [dead, unconfirmed]\n",
        lambda c: c.fail_on,
        frozenset({Status.DEAD, Status.UNCONFIRMED}),
    ),
    "fail_on empty": ("checks:\n  fail_on: []\n", lambda c: c.fail_on, frozenset()),
    "exclude compiled": (
        "checks:\n  exclude: ['^https://intranet\\.']\n",
        lambda c: [p.pattern for p in c.check_settings().exclude],
        ["^https://intranet\\."],
    ),
    "insecure": ("checks:\n  insecure: true\n", lambda c: c.check_settings().insecure, True),
    "confirm_after": ("checks:\n  confirm_after: 3\n", lambda c: c.confirm_after, 3),
    "schedule": (
        "schedule:\n  cron: '*/15 * * * *'\n  timezone: Europe/London\n",
        lambda c: c.schedule,
        ScheduleSpec(cron="*/15 * * * *", timezone="Europe/London"),
    ),
    "a cron macro": ("schedule:\n  cron: '@weekly'\n", lambda c: c.schedule.cron, "@weekly"),
    "cron restricting day and weekday (either, as crontab reads it)": (
        "schedule:\n  cron: '0 6 1 * 1'\n",
        lambda c: c.schedule.cron,
        "0 6 1 * 1",
    ),
    "webhooks": (
        "notify:\n  - webhook: https://hooks.example.org/a\n  - webhook: http://intranet/b\n",
        lambda c: c.notify,
        (WebhookSpec("https://hooks.example.org/a"), WebhookSpec("http://intranet/b")),
    ),
    "notify left empty": ("notify:\n  # - webhook: https://hooks.example.org/a\n", lambda c: c.notify, ()),
    "the first form of notify: webhooks told every run, as before": (
        "notify:\n  - webhook: https://hooks.example.org/a\n",
        lambda c: (c.notify_urls, c.webhooks, c.notify_always),
        ((), ("https://hooks.example.org/a",), True),
    ),
    "notify: Apprise URLs and webhooks, told when something changed": (
        "notify:\n  urls:\n    - mailtos://user:pass@example.org?to=team@example.org\n    - ntfy://audits\n"
        "  webhooks: [https://hooks.example.org/a]\n",
        lambda c: (c.notify_urls, c.webhooks, c.notify, c.notify_always),
        (
            ("mailtos://user:pass@example.org?to=team@example.org", "ntfy://audits"),
            ("https://hooks.example.org/a",),
            (WebhookSpec("https://hooks.example.org/a"),),
            False,
        ),
    ),
    "notify.always": ("notify:\n  urls: [ntfy://audits]\n  always: true\n", lambda c: c.notify_always, True),
    "notify with its keys left empty": ("notify:\n  urls:\n", lambda c: (c.notify_urls, c.notify_always), ((), False)),
    "reports: where they are published, where the sources are": (
        "reports:\n  base_url: https://audits.example.org/reports/\n"
        "  source_url: https://github.com/org/repo/blob/main/{path}#L{line}\n",
        lambda c: (c.base_url, c.source_url),
        ("https://audits.example.org/reports/", "https://github.com/org/repo/blob/main/{path}#L{line}"),
    ),
    "source_url without {line}": (
        "reports:\n  source_url: https://git.example.org/docs/{path}\n",
        lambda c: c.source_url,
        "https://git.example.org/docs/{path}",
    ),
    "reports": (
        "reports:\n  dir: out/audit\n  keep: 4\n  history: runs.db\n",
        lambda c: (c.keep, c.history_path.relative_to(c.base).as_posix()),
        (4, "out/audit/runs.db"),
    ),
    "expect defaults to the name": (
        "organisations:\n  - name: Sarcoma UK\n    url: https://sarcoma.org.uk/\n",
        lambda c: c.organisations,
        (OrganisationSpec("Sarcoma UK", "https://sarcoma.org.uk/", expect=("Sarcoma UK",)),),
    ),
    "expect [] switches the check off": (
        "organisations:\n  - name: Sarcoma UK\n    url: https://sarcoma.org.uk/\n    expect: []\n",
        lambda c: c.organisations[0].expect,
        (),
    ),
    "phones kept as written, vanity and short codes too": (
        "organisations:\n  - name: X\n    url: https://x.org/\n    pages: [https://x.org/contact]\n"
        "    phones: ['1-800-4-CANCER', '116 123', '+44 808 801 0401']\n",
        lambda c: (c.organisations[0].pages, c.organisations[0].phones),
        (("https://x.org/contact",), ("1-800-4-CANCER", "116 123", "+44 808 801 0401")),
    ),
}


@pytest.mark.parametrize(("snippet", "read", "expected"), list(VALUES.values()), ids=list(VALUES))
def test_what_the_file_says(tmp_path: Path, snippet: str, read: Any, expected: Any) -> None:
    assert read(write_and_load(tmp_path, SOURCES + snippet)) == expected


OVERRIDES: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "a flag wins over the file": ({"timeout": 3.0, "retries": 0}, {"timeout": 3.0, "retries": 0}),
    "None is a flag not given": ({"timeout": None, "insecure": None}, {"timeout": 7.0, "insecure": True}),
    "False is a value": ({"insecure": False}, {"insecure": False}),
    "settings the file has no key for": (
        {"page_facts": True, "max_body": 1024},
        {"page_facts": True, "max_body": 1024},
    ),
    "stale_after_days from the command line": ({"stale_after_days": 30}, {"stale_after_days": 30}),
    "exclude patterns add up": (
        {"exclude": (re.compile("b"), "c")},
        {"exclude": (re.compile("a"), re.compile("b"), re.compile("c"))},
    ),
    "headers add up": ({"headers": (("X-Token", "t"),)}, {"headers": (Header("X-Token", "t"),)}),
}


@pytest.mark.parametrize(("overrides", "expected"), list(OVERRIDES.values()), ids=list(OVERRIDES))
def test_command_line_overrides(tmp_path: Path, overrides: dict[str, Any], expected: dict[str, Any]) -> None:
    config = write_and_load(tmp_path, SOURCES + "checks:\n  timeout: 7\n  insecure: true\n  exclude: [a]\n")
    settings = config.check_settings(**overrides)
    assert {name: getattr(settings, name) for name in expected} == expected


def test_an_override_checksettings_does_not_have_is_a_bug(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match="no field timout"):
        write_and_load(tmp_path, SOURCES).check_settings(timout=3)


def test_the_views_are_frozen_values_not_validation_models(tmp_path: Path) -> None:
    config = write_and_load(tmp_path, EXAMPLE)
    views = [config.check_settings(), config.schedule, *config.organisations, *config.notify, config.fail_on]
    assert not any(isinstance(view, BaseModel) for view in views)
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.schedule.cron = "* * * * *"  # type: ignore[misc]


# --- the hash of a definition -------------------------------------------------------

SAME = {
    "comments added": EXAMPLE.replace("  retries: 2\n", "  retries: 2      # two more tries\n# end\n"),
    "key order": EXAMPLE.replace("  timeout: 20\n  retries: 2\n", "  retries: 2\n  timeout: 20\n"),
    "a default left out": EXAMPLE.replace("  max_concurrency: 128\n", ""),
    "another spelling of the same value": EXAMPLE.replace("100ms", "0.1").replace("[GB, US]", "[gb, us]"),
    "flow or block style": EXAMPLE.replace("exclude: []", "exclude:\n    []"),
}
DIFFERENT = {
    "a value changed": EXAMPLE.replace("  retries: 2\n", "  retries: 3\n"),
    "an organisation's phone": EXAMPLE.replace("1-800-4-CANCER", "1-800-422-6237"),
    "the schedule": EXAMPLE.replace("Europe/London", "UTC"),
    "a webhook": EXAMPLE.replace("notify: []", "notify:\n  - webhook: https://hooks.example.org/x"),
}


def config_hash(folder: Path, text: str) -> str:
    return write_and_load(folder, text).config_hash


@pytest.mark.parametrize("text", list(SAME.values()), ids=list(SAME))
def test_config_hash_ignores_how_the_file_is_written(tmp_path: Path, text: str) -> None:
    reference = config_hash(tmp_path, EXAMPLE)
    assert re.fullmatch(r"[0-9a-f]{64}", reference)
    assert config_hash(tmp_path, text) == reference


@pytest.mark.parametrize("text", list(DIFFERENT.values()), ids=list(DIFFERENT))
def test_config_hash_changes_with_what_it_says(tmp_path: Path, text: str) -> None:
    assert config_hash(tmp_path, text) != config_hash(tmp_path, EXAMPLE)


# --- the shipped file and the documentation -----------------------------------------


def test_the_issue_example_loads_with_every_value(tmp_path: Path) -> None:
    config = write_and_load(tmp_path, EXAMPLE)
    example_fail_on = frozenset({Status.DEAD, Status.SOFT_404, Status.PARKED, Status.ERROR})  # a setting too
    assert config.check_settings() == CheckSettings(stale_after_days=1095, fail_on=example_fail_on)
    assert config.schedule == ScheduleSpec("0 6 * * 1", "Europe/London")
    assert config.organisations == (
        OrganisationSpec(
            "National Cancer Institute",
            "https://www.cancer.gov/",
            phones=("1-800-4-CANCER",),
            expect=("Cancer Information Service",),
        ),
    )
    assert (config.confirm_after, config.keep, config.notify) == (2, 52, ())


def test_the_shipped_targets_yaml_is_valid_and_audits_the_example_leaflet() -> None:
    config = load(ROOT / "targets.yaml")
    by_name = {org.name: org for org in config.organisations}
    assert by_name["National Cancer Institute"].phones == ("1-800-4-CANCER",)
    assert by_name["Sarcoma UK"].expect == ("Sarcoma UK",)
    assert config.schedule == ScheduleSpec("0 6 * * 1", "Europe/London")
    assert (config.keep, config.notify, config.regions) == (52, (), ("GB", "US"))
    assert list((ROOT / "examples").glob("*.txt"))


def _keys(model: type[BaseModel], prefix: str = "") -> Iterator[str]:
    for name, field in model.model_fields.items():
        key = f"{prefix}{name}"
        inner = field.annotation
        args = getattr(inner, "__args__", ())
        if (
            inner is not None and typing.get_origin(inner) is typing.Union
        ):  # notify: a mapping, or a list (its first form)
            for form in args:
                form = typing.get_args(form)[0] if typing.get_origin(form) is typing.Annotated else form
                if isinstance(form, type) and issubclass(form, BaseModel):
                    yield from _keys(form, f"{key}.")
            yield key
            continue
        nested = next((a for a in (inner, *args) if isinstance(a, type) and issubclass(a, BaseModel)), None)
        if nested is not None:
            yield from _keys(nested, f"{key}[]." if args else f"{key}.")
        yield key


@pytest.mark.parametrize("key", list(_keys(Targets)))
def test_every_key_is_documented(key: str) -> None:
    assert f"| `{key}` |" in (ROOT / "docs" / "targets.md").read_text()


# --- `auditor run` and `auditor schedule` refuse a bad targets.yaml before any work ---
# (What a good run does is tested with the fake web in the audit's own tests; these
# stop before any document is read or any request is made.)


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Path]:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "leaflet.txt").write_text("Sarcoma UK: www.sarcoma-uk.org, 0808 801 0401.\n")
    (tmp_path / "targets.yaml").write_text(GOOD)
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        yield tmp_path
    finally:
        os.chdir(cwd)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("command", ["run", "schedule"])
@pytest.mark.parametrize(
    ("yaml_text", "message"),
    [
        (GOOD + "surprise: 1\n", "targets.yaml:9: surprise: unknown key 'surprise'"),
        (
            GOOD.replace("  regions: [GB]", "  regions: [GB]\n  timout: 20"),
            "targets.yaml:9: checks.timout: unknown key 'timout'",
        ),
        (GOOD.replace("[GB]", "[GB, XX]"), "targets.yaml:8: checks.regions[1]: unknown region 'XX'"),
        (GOOD + "schedule:\n  cron: '0 6 * * 8'\n", "targets.yaml:10: schedule.cron: '0 6 * * 8' is not a crontab"),
        (GOOD + "schedule:\n  timezone: Europe/Londres\n", "targets.yaml:10: schedule.timezone: unknown time zone"),
        ("sources: [\n", "targets.yaml:2: not valid YAML"),
    ],
    ids=["unknown top-level key", "unknown nested key", "bad region", "bad cron", "bad timezone", "broken yaml"],
)
def test_a_bad_config_exits_2_naming_file_line_and_key(
    project: Path, command: str, yaml_text: str, message: str
) -> None:
    (project / "targets.yaml").write_text(yaml_text)
    code, out, err = run(command)
    assert code == 2
    assert out == ""
    assert f"auditor: error: {message}" in err
    assert not (project / "reports").exists()


def test_config_names_another_file(project: Path) -> None:
    (project / "other.yaml").write_text(GOOD + "surprise: 1\n")
    code, _, err = run("run", "--config", "other.yaml")
    assert code == 2
    assert "auditor: error: other.yaml:" in err


def test_a_missing_config_says_where_it_looked(project: Path) -> None:
    code, _, err = run("run", "--config", "absent.yaml")
    assert code == 2
    assert "no such file: absent.yaml" in err


def test_a_source_glob_matching_nothing_is_an_error_naming_it(project: Path) -> None:
    (project / "targets.yaml").write_text(GOOD.replace("docs/*.txt", "leaflets/*.pdf"))
    code, _, err = run("run")
    assert code == 2
    assert "no file matches glob: leaflets/*.pdf" in err


def test_a_url_source_is_a_site_to_crawl_with_its_limits(tmp_path: Path) -> None:
    (tmp_path / "leaflet.txt").write_text("www.example.org\n")
    path = tmp_path / "targets.yaml"
    path.write_text(
        "sources:\n  - path: leaflet.txt\n  - url: https://www.example.org/\n    depth: 1\n    max_pages: 50\n"
        "    scope: domain\n    exclude: ['/calendar/']\n"
    )
    config = load(path)
    document, site = config.sources()
    assert document.crawl is None and document.url is None
    assert site.url == "https://www.example.org/"
    assert site.crawl is not None
    assert (site.crawl.depth, site.crawl.max_pages, site.crawl.scope) == (1, 50, "domain")
    assert [p.pattern for p in site.crawl.exclude] == ["/calendar/"]
    assert config.source_inputs()[1] == "https://www.example.org/"
    assert config.cache_max_age == dt.timedelta(days=1)
