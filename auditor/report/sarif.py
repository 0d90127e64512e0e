"""SARIF 2.1.0 for GitHub code scanning: a result per place a failing, moved, shortened or blocked reference is written.

A failing status (``--fail-on``) is an ``error``; a reference that works but should be
replaced (moved, shortened) is a ``warning``; one that could not be verified (blocked)
is a ``note``. An archived copy of a dead, soft-404 or parked page ends the message
and is the result's ``properties.archive_url``. Each result has exactly one location, relative to ``%SRCROOT%`` (the
repository root): code scanning shows only a result's first location, and an editor
wants an annotation at every line. Its fingerprint hashes the file, the target and which
of the target's places in that file it is (0, 1, ... in reading order), not the status
or the line, so GitHub keeps one alert per place while the verdict or the line changes.
The rules list every status, in :class:`Status` order, so a ``ruleIndex`` means the
same whatever ``--fail-on`` says; the ones not reported are disabled.

When the network was unavailable, references that could not be reached for that reason
give no result: the invocation's notification says so once, instead of hundreds of
transient alerts that would close on the next run.

Text from documents and from the web is untrusted: JSON escapes it, control characters
are dropped, lone surrogates (which no JSON encoder takes) become U+FFFD, and square
brackets in messages are escaped (``\\[``, ``\\]``) so that no viewer reads them as an
embedded link (SARIF 2.1.0 §3.11.6).
"""

from __future__ import annotations

import hashlib
import os
import re
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from auditor import __version__
from auditor.reference import Location
from auditor.report import jsondoc
from auditor.report.fragments import warning
from auditor.report.summary import standing
from auditor.sources import STDIN_NAME
from auditor.untrusted import without_controls
from auditor.verdict import NETWORK_UNAVAILABLE, Checked, CheckRun, Severity, Status

if TYPE_CHECKING:
    from auditor.report.recall import HistoryContext

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
INFORMATION_URI = "https://github.com/auditor-project/auditor"
SRCROOT = "%SRCROOT%"
#: partialFingerprints key; bump the version if what goes into the hash changes.
FINGERPRINT = "auditorReference/v1"
#: Reported even when not failing, by severity: worth replacing or correcting, or not verifiable.
ADVISORY: dict[Severity, str] = {Severity.WARNING: "warning", Severity.NOTE: "note"}
#: A missing #fragment on a healthy reference (checks.fragments: warn) is a result of the
#: missing-fragment rule at this level; so that rule has it whenever the status does not fail.
FRAGMENT_WARNING = "warning"
STDIN_URI = "stdin"

_SURROGATE = re.compile("[\ud800-\udfff]")
# Everything RFC 3986 allows in a URI reference; anything else in a web page's address is percent-encoded.
_URI_CHARS = "!#$%&'()*+,/:;=?@[]~"
# §3.11.6: in a plain text message "[text](id)" is an embedded link; a literal bracket is "\[" or "\]".
# A backslash needs escaping only inside link text, and auditor writes no links.
_BRACKETS = str.maketrans({"[": "\\[", "]": "\\]"})


@dataclass(frozen=True, slots=True)
class Rule:
    """What a status means to an editor: the texts of its SARIF reporting descriptor."""

    name: str
    short: str
    full: str
    advice: str
    tags: tuple[str, ...]


RULES: dict[Status, Rule] = {
    Status.OK: Rule(
        "HealthyReference",
        "The reference works",
        "The page answered 200 without a redirect, the file exists, or the mail domain takes mail.",
        "Nothing to do; this is reported only because --fail-on names ok.",
        ("links",),
    ),
    Status.REDIRECTED: Rule(
        "RedirectedReference",
        "The reference works through a temporary redirect",
        "The page is healthy but is reached only through temporary redirects (302, 303, 307): "
        "the address as written is still the one the site wants used.",
        "Usually nothing to do: keep the address as written, since a temporary redirect may change.",
        ("links",),
    ),
    Status.MOVED: Rule(
        "MovedReference",
        "The page has moved permanently",
        "The page is healthy but reached through at least one permanent redirect (301, 308): "
        "the site says the address as written is outdated.",
        "Replace the reference with the suggested final address, in every place that writes it, "
        "before the old address stops redirecting.",
        ("links", "maintainability"),
    ),
    Status.SHORTENED: Rule(
        "ShortenedReference",
        "A URL shortener hides the destination",
        "The reference goes through a URL shortener whose destination is healthy; readers cannot see "
        "where it leads, and the link dies with the shortener.",
        "Replace the short link with the suggested destination address.",
        ("links", "maintainability"),
    ),
    Status.DEAD: Rule(
        "DeadReference",
        "The reference leads nowhere",
        "The page answered 404, 410 or another client error, the domain no longer exists, the server "
        "refused the connection, or the local file is missing; for an e-mail address, its domain takes no mail.",
        "Find where the content went (the site's search, the Internet Archive) and link to it, "
        "or remove the reference.",
        ("links", "broken-link"),
    ),
    Status.SOFT_404: Rule(
        "Soft404Reference",
        "The page answers, but with an error page",
        "The server answered 200 with a page that says it is not found, or sent a deep link to its "
        "home page: the content the reference meant is gone.",
        "Find the content's new address and link to it, or remove the reference.",
        ("links", "broken-link"),
    ),
    Status.PARKED: Rule(
        "ParkedDomain",
        "The domain is parked or for sale",
        "The address shows a parking or domain-for-sale page: the organisation no longer owns the domain, "
        "and whoever buys it will receive the readers.",
        "Remove the reference, or replace it with the organisation's current address.",
        ("links", "broken-link", "security"),
    ),
    Status.BLOCKED: Rule(
        "BlockedReference",
        "The reference could not be verified",
        "The site asked for a login (401, 407), refused the checker (403), showed a bot challenge, "
        "or kept answering 429: the page may well be fine.",
        "Open the address in a browser; if it works, exclude the host from checking or leave it as is.",
        ("links", "unverified"),
    ),
    Status.ERROR: Rule(
        "CheckError",
        "The reference could not be checked",
        "Checking failed after retries: a timeout, a server error (5xx), a TLS problem, "
        "a redirect loop or a malformed answer.",
        "Open the address in a browser; if the fault persists over several runs, treat the reference as dead.",
        ("links", "reliability"),
    ),
    Status.SKIPPED: Rule(
        "SkippedReference",
        "The reference was not checked",
        "The address is excluded by configuration, or uses a scheme that is not checked.",
        "Nothing to do, unless the exclusion is no longer wanted.",
        ("links",),
    ),
    Status.UNCHECKED: Rule(
        "UncheckedReference",
        "The reference could not be verified",
        "A phone number with no organisation page to look it up on (none in targets.yaml, no web address beside it),"
        " or a link the run could not reach because the network was unavailable.",
        "Name the organisation and its contact page in targets.yaml so the number can be confirmed;"
        " run again with network for the links.",
        ("phones",),
    ),
    Status.CONFIRMED: Rule(
        "ConfirmedPhone",
        "The phone number is listed by its organisation",
        "The organisation's own pages list this number.",
        "Nothing to do.",
        ("phones",),
    ),
    Status.UNCONFIRMED: Rule(
        "UnconfirmedPhone",
        "The phone number is not on its organisation's pages",
        "The organisation's pages were read and do not list this number; the numbers they do list are in the message.",
        "Check the number with the organisation; the one its pages list now is likely the replacement.",
        ("phones", "outdated"),
    ),
    Status.INVALID: Rule(
        "InvalidReference",
        "The link or phone number is not valid",
        "A malformed URL (an unclosed IPv6 bracket, a bad host or port), a mailto: without an address, a tel:"
        " without a number, or a phone number that cannot be dialled as written (wrong length or an unassigned"
        " range for its country). It was not requested.",
        "Correct the link or the number as the message says (write a number with its country code), or remove it.",
        ("links", "phones"),
    ),
    Status.MISSING_FRAGMENT: Rule(
        "MissingFragment",
        "The page exists but the #fragment names no anchor on it",
        "The link's page or file is there, but it has no element with the id (or <a name>) the fragment names: "
        "the reader lands at the top of the page, not at the section meant.",
        "Link to an anchor the page has (its heading's slug or an element id), or drop the fragment.",
        ("links", "fragments"),
    ),
}


#: Rules are listed in Status order, all of them.
_RULE_INDEX: dict[Status, int] = {status: i for i, status in enumerate(Status)}


def to_sarif(
    run: CheckRun, fail_on: Collection[Status], root: Path | None = None, *, history: HistoryContext | None = None
) -> str:
    """The run as a SARIF 2.1.0 log; file locations are relative to ``root`` (default: the working directory)."""
    base = Path(os.path.abspath(root if root is not None else Path.cwd()))
    invocation: dict[str, Any] = {"executionSuccessful": not run.network_unavailable}
    if run.network_unavailable:
        invocation["toolExecutionNotifications"] = [
            {
                "level": "error",
                "descriptor": {"id": "auditor/network-unavailable"},
                "message": {
                    "text": _message_text(
                        f"{NETWORK_UNAVAILABLE}. Nothing was judged dead, and references that could not be "
                        "reached are left out of this log: they say nothing about the links themselves."
                    )
                },
            }
        ]
    log = {
        "$schema": SCHEMA_URI,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "auditor",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": [_rule(status, fail_on) for status in Status],
                    }
                },
                "invocations": [invocation],
                # Columns count characters of the decoded text, not UTF-16 code units.
                "columnKind": "unicodeCodePoints",
                "results": _results(run, fail_on, base, history),
            }
        ],
    }
    return jsondoc.dumps(log)


@dataclass(frozen=True, slots=True)
class _Place:
    """One place a reported reference is written: one result."""

    item: Checked
    level: str
    location: Location
    artifact: dict[str, str]
    rule: Status  # the verdict's status; missing-fragment for a warning about a healthy one


def _results(
    run: CheckRun, fail_on: Collection[Status], base: Path, history: HistoryContext | None = None
) -> list[dict[str, Any]]:
    places: list[_Place] = []
    for item in run.results:
        rule = item.verdict.status
        one = standing(item, fail_on, history)
        # A first transient error waits to be confirmed (auditor run): a warning, not an error, until it repeats.
        level = "error" if one.failing else "warning" if one.waiting else _level(rule, fail_on)
        if level is None and warning(item) is not None:  # checks.fragments: warn
            rule, level = Status.MISSING_FRAGMENT, FRAGMENT_WARNING
        if level is None:
            continue
        if run.unreached(item):
            continue  # the invocation's notification says it once
        places.extend(
            _Place(item, level, location, _artifact(location.source, base), rule)
            for location in item.reference.locations
        )
    # The ordinal of a place among the same target's places in the same file, in reading order
    # (not extraction order, which differs between a PDF's text and its link annotations).
    same: defaultdict[tuple[str, str, str], list[int]] = defaultdict(list)
    for i, place in enumerate(places):
        same[_identity(place)].append(i)
    ordinal = [0] * len(places)
    for indices in same.values():
        indices.sort(key=lambda i: (places[i].location.line, places[i].location.column or 0, i))
        for n, i in enumerate(indices):
            ordinal[i] = n
    return [_result(place, ordinal[i]) for i, place in enumerate(places)]


def _identity(place: _Place) -> tuple[str, str, str]:
    reference = place.item.reference
    return place.artifact["uri"], reference.kind.value, reference.target.key


def _level(status: Status, fail_on: Collection[Status]) -> str | None:
    if status in fail_on:
        return "error"
    if status is Status.MISSING_FRAGMENT:
        return FRAGMENT_WARNING
    return ADVISORY.get(status.severity)


def _rule(status: Status, fail_on: Collection[Status]) -> dict[str, Any]:
    rule = RULES[status]
    level = _level(status, fail_on)
    return {
        "id": f"auditor/{status.value}",
        "name": rule.name,
        "shortDescription": {"text": rule.short},
        "fullDescription": {"text": rule.full},
        "help": {
            "text": f"{rule.full} What to do: {rule.advice}",
            "markdown": f"{rule.full}\n\n**What to do:** {rule.advice}",
        },
        # Listed all the same so that ruleIndex does not move with --fail-on; disabled: no result uses it.
        "defaultConfiguration": {"level": level} if level is not None else {"enabled": False, "level": "none"},
        "properties": {"tags": list(rule.tags)},
    }


def _result(place: _Place, ordinal: int) -> dict[str, Any]:
    verdict = place.item.verdict
    uri, kind, key = _identity(place)
    identity = f"{uri}\n{kind}\n{key}\n{ordinal}"
    return {
        "ruleId": f"auditor/{place.rule.value}",
        "ruleIndex": _RULE_INDEX[place.rule],
        "level": place.level,
        "message": {"text": _message(place.item)},
        "locations": [_location(place.location, place.artifact)],
        "partialFingerprints": {FINGERPRINT: hashlib.sha256(identity.encode("utf-8", "surrogatepass")).hexdigest()},
        "properties": {
            "kind": kind,
            "target": _text(key),
            "status": verdict.status.value,
            "http_status": verdict.http_status,
            "final_url": _text(verdict.final_url) if verdict.final_url else None,
            "suggestion": _text(verdict.suggestion) if verdict.suggestion else None,
            "archive_url": _text(verdict.archive_url) if verdict.archive_url else None,
        },
    }


def _message(item: Checked) -> str:
    verdict = item.verdict
    message = f"{item.reference.text}: {verdict.reason}"
    if verdict.suggestion:
        message += f" \u2014 replace with {verdict.suggestion}"
    elif verdict.redirects and verdict.final_url and verdict.final_url not in verdict.reason:
        hops = len(verdict.redirects)
        message += f" (after {hops} redirect{'s' if hops > 1 else ''}, at {verdict.final_url})"
    if verdict.archive_url:
        message += f" \u2014 archived copy: {verdict.archive_url}"
    if (finding := warning(item)) is not None:
        message += f" \u2014 but {finding.detail}"
    return _message_text(message)


def _message_text(message: str) -> str:
    return _text(message).translate(_BRACKETS)


def _location(location: Location, artifact: dict[str, str]) -> dict[str, Any]:
    region = {"startLine": location.line}
    if location.column is not None:  # None in a PDF, where the line is the page
        region["startColumn"] = location.column
    return {"physicalLocation": {"artifactLocation": artifact, "region": region}}


def _artifact(source: str, base: Path) -> dict[str, str]:
    """Where a source is, as SARIF wants it: a URI reference relative to %SRCROOT% when it can be."""
    if source in (STDIN_NAME, "-"):
        return {"uri": STDIN_URI}
    if urlsplit(source).scheme.lower() in ("http", "https"):
        return {"uri": quote(source, safe=_URI_CHARS, errors="surrogateescape")}
    # A relative name is relative to the working directory, where the files were read.
    path = Path(os.path.abspath(source))
    relative = _relative(path, base)
    if relative is None:
        return {"uri": path.as_uri()}
    # fsencode: a file name with undecodable bytes is encoded back to the bytes on disk.
    return {"uri": quote(os.fsencode(relative.as_posix()), safe="/"), "uriBaseId": SRCROOT}


def _relative(path: Path, base: Path) -> PurePath | None:
    """``path`` under ``base`` as written, else with symbolic links resolved, else None."""
    for inner, outer in ((path, base), (path.resolve(), base.resolve())):
        try:
            return inner.relative_to(outer)
        except ValueError:
            continue
    return None


def _text(text: str) -> str:
    return without_controls(_SURROGATE.sub("\ufffd", text), keep_lines=True)
