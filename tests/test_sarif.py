"""SARIF for GitHub code scanning: every log is checked against the OASIS schema, then read as data."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Collection
from dataclasses import replace
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from auditor import __version__
from auditor.reference import Email, Location, Reference, Url
from auditor.report.sarif import FINGERPRINT, INFORMATION_URI, RULES, to_sarif
from auditor.verdict import DEFAULT_FAIL_ON, NETWORK_UNAVAILABLE, Cause, Checked, CheckRun, Hop, Status, Verdict
from tests.test_reports import HOSTILE, ref, sample_run

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft4Validator(SCHEMA)
# RFC 3986: what a URI reference may contain (percent-escapes included).
URI_REFERENCE = re.compile(r"^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?#\[\]]|%[0-9A-Fa-f]{2})+$")
DEAD = Verdict(Status.DEAD, "404 Not Found", 404)


def render(run: CheckRun, fail_on: Collection[Status] = DEFAULT_FAIL_ON, root: Path | None = None) -> dict[str, Any]:
    """The log as data, once it has parsed and passed the schema."""
    log = json.loads(to_sarif(run, fail_on, root))
    VALIDATOR.validate(log)
    for result in log["runs"][0]["results"]:
        (location,) = result["locations"]  # one place, one result
        assert URI_REFERENCE.match(location["physicalLocation"]["artifactLocation"]["uri"])
    return log


def one(reference: Reference, verdict: Verdict = DEAD, *, network_unavailable: bool = False) -> CheckRun:
    return CheckRun((Checked(reference, verdict),), network_unavailable, requests=1, elapsed_ms=10)


def written(url: str, *locations: Location) -> Reference:
    return Reference(Url(url), url, locations)


def at(source: str, line: int = 1, column: int | None = 1) -> Location:
    return Location(source, line, column, "see it", "it")


def results(log: dict[str, Any]) -> list[dict[str, Any]]:
    return log["runs"][0]["results"]


def artifacts(result: dict[str, Any]) -> list[dict[str, str]]:
    return [location["physicalLocation"]["artifactLocation"] for location in result["locations"]]


def fingerprint(log: dict[str, Any] | list[dict[str, Any]]) -> list[str]:
    found = results(log) if isinstance(log, dict) else log
    return [r["partialFingerprints"][FINGERPRINT] for r in found]


def test_the_schema_is_the_oasis_one() -> None:
    jsonschema.Draft4Validator.check_schema(SCHEMA)
    assert SCHEMA["id"].startswith("https://docs.oasis-open.org/sarif/sarif/v2.1.0/")


def test_the_log_has_one_run_by_auditor() -> None:
    log = render(sample_run())
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert log["version"] == "2.1.0"
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "auditor"
    assert driver["version"] == driver["semanticVersion"] == __version__
    assert driver["informationUri"] == INFORMATION_URI
    assert run["invocations"] == [{"executionSuccessful": True}]


@pytest.mark.parametrize(
    ("fail_on", "reported"),
    [
        pytest.param(
            DEFAULT_FAIL_ON,
            [
                "moved",
                "shortened",
                "dead",
                "soft-404",
                "parked",
                "blocked",
                "error",
                "unconfirmed",
                "invalid",
                "missing-fragment",
            ],
            id="default-fail-on",
        ),
        pytest.param(
            set(), ["moved", "shortened", "blocked", "unconfirmed", "invalid", "missing-fragment"], id="nothing-fails"
        ),
        pytest.param(
            {Status.DEAD},
            ["moved", "shortened", "dead", "blocked", "unconfirmed", "invalid", "missing-fragment"],
            id="only-dead",
        ),
        pytest.param(
            {Status.MOVED, Status.BLOCKED},
            ["moved", "shortened", "blocked", "unconfirmed", "invalid", "missing-fragment"],
            id="advisory-ones-fail",
        ),
        pytest.param(set(Status), [status.value for status in Status], id="everything-fails"),
    ],
)
def test_the_rules_are_every_status_in_order_whatever_fail_on(fail_on: set[Status], reported: list[str]) -> None:
    log = render(sample_run(), fail_on)
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    # The same list every time, so a ruleIndex means one status whatever --fail-on says.
    assert [rule["id"] for rule in rules] == [f"auditor/{status.value}" for status in Status]
    enabled = [rule["id"] for rule in rules if rule["defaultConfiguration"].get("enabled", True)]
    assert enabled == [f"auditor/{value}" for value in reported]
    for rule in rules:
        if rule["id"] not in enabled:
            assert rule["defaultConfiguration"] == {"enabled": False, "level": "none"}
    for result in results(log):
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert rules[result["ruleIndex"]]["defaultConfiguration"]["level"] == result["level"]


def test_the_rules_table_follows_the_status_order() -> None:
    assert list(RULES) == list(Status)


@pytest.mark.parametrize("status", list(Status), ids=lambda status: status.value)
def test_every_status_has_rule_texts(status: Status) -> None:
    log = render(CheckRun((), False, 0, 0), {status})
    rule = next(r for r in log["runs"][0]["tool"]["driver"]["rules"] if r["id"] == f"auditor/{status.value}")
    assert re.fullmatch(r"(?:[A-Z][a-z0-9]+)+", rule["name"])
    assert rule["name"] == RULES[status].name
    assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
    assert RULES[status].advice in rule["help"]["text"] and RULES[status].advice in rule["help"]["markdown"]
    assert rule["properties"]["tags"][0] in ("links", "phones")


def test_rule_names_are_unique() -> None:
    assert len({rule.name for rule in RULES.values()}) == len(Status)


LEVELS = [
    # status, fail_on, level (None: no result)
    pytest.param(Status.DEAD, DEFAULT_FAIL_ON, "error", id="dead-fails"),
    pytest.param(Status.SOFT_404, DEFAULT_FAIL_ON, "error", id="soft-404-fails"),
    pytest.param(Status.PARKED, DEFAULT_FAIL_ON, "error", id="parked-fails"),
    pytest.param(Status.ERROR, DEFAULT_FAIL_ON, "error", id="error-fails"),
    pytest.param(Status.MOVED, DEFAULT_FAIL_ON, "warning", id="moved-warns"),
    pytest.param(Status.SHORTENED, DEFAULT_FAIL_ON, "warning", id="shortened-warns"),
    pytest.param(Status.BLOCKED, DEFAULT_FAIL_ON, "note", id="blocked-is-a-note"),
    pytest.param(Status.OK, DEFAULT_FAIL_ON, None, id="ok-is-silent"),
    pytest.param(Status.REDIRECTED, DEFAULT_FAIL_ON, None, id="redirected-is-silent"),
    pytest.param(Status.SKIPPED, DEFAULT_FAIL_ON, None, id="skipped-is-silent"),
    pytest.param(Status.UNCHECKED, DEFAULT_FAIL_ON, None, id="unchecked-is-silent"),
    pytest.param(Status.DEAD, {Status.ERROR}, None, id="dead-silent-unless-failing"),
    pytest.param(Status.MOVED, {Status.MOVED}, "error", id="moved-fails-when-named"),
    pytest.param(Status.SHORTENED, {Status.SHORTENED}, "error", id="shortened-fails-when-named"),
    pytest.param(Status.BLOCKED, {Status.BLOCKED}, "error", id="blocked-fails-when-named"),
    pytest.param(Status.OK, {Status.OK}, "error", id="ok-fails-when-named"),
    pytest.param(Status.SKIPPED, {Status.SKIPPED}, "error", id="skipped-fails-when-named"),
    pytest.param(Status.MOVED, set(), "warning", id="moved-warns-when-nothing-fails"),
]


@pytest.mark.parametrize(("status", "fail_on", "level"), LEVELS)
def test_the_level_follows_the_status_and_fail_on(status: Status, fail_on: set[Status], level: str | None) -> None:
    log = render(one(written("https://www.example.org/a", at("doc.md")), Verdict(status, "why")), fail_on)
    assert [(r["ruleId"], r["level"]) for r in results(log)] == ([(f"auditor/{status.value}", level)] if level else [])


def test_the_sample_run_reports_what_an_editor_should_see() -> None:
    by_rule = {r["ruleId"]: r for r in results(render(sample_run()))}
    assert set(by_rule) == {"auditor/dead", "auditor/moved", "auditor/soft-404", "auditor/blocked"}
    dead = by_rule["auditor/dead"]
    assert dead["message"]["text"] == "http://www.cancerbackup.org.uk/info/sarcomas.htm: 404 Not Found"
    assert dead["properties"] == {
        "kind": "url",
        "target": "http://www.cancerbackup.org.uk/info/sarcomas.htm",
        "status": "dead",
        "http_status": 404,
        "final_url": None,
        "suggestion": None,
        "archive_url": None,
    }
    moved = by_rule["auditor/moved"]
    assert moved["message"]["text"].endswith(" \u2014 replace with https://www.macmillan.org.uk/")
    assert moved["properties"]["suggestion"] == "https://www.macmillan.org.uk/"
    assert artifacts(moved) == [{"uri": "guide.md", "uriBaseId": "%SRCROOT%"}]
    assert moved["locations"][0]["physicalLocation"]["region"] == {"startLine": 2, "startColumn": 1}


def test_a_redirect_chain_is_mentioned_when_the_reason_does_not_say_where_it_ended() -> None:
    verdict = Verdict(
        Status.SOFT_404,
        "a deep link redirected to the home page",
        200,
        final_url="https://www.example.org/",
        redirects=(Hop("https://www.example.org/a", 302),),
    )
    (result,) = results(render(one(written("https://www.example.org/a", at("doc.md")), verdict)))
    assert result["message"]["text"] == (
        "https://www.example.org/a: a deep link redirected to the home page (after 1 redirect, at https://www.example.org/)"
    )
    assert result["properties"]["final_url"] == "https://www.example.org/"


def test_every_place_that_writes_the_reference_is_a_result(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Code scanning shows a result's first location only, and an editor wants a mark at every line.
    monkeypatch.chdir(tmp_path)
    reference = written(
        "https://www.example.org/gone",
        at("docs/leaflet.md", 3, 7),
        at("docs/leaflet.md", 40, 1),
        at("print/leaflet.pdf", 2, None),  # a PDF: the line is the page, no column
    )
    found = results(render(one(reference)))
    assert [result["locations"] for result in found] == [
        [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": "docs/leaflet.md", "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": 3, "startColumn": 7},
                }
            }
        ],
        [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": "docs/leaflet.md", "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": 40, "startColumn": 1},
                }
            }
        ],
        [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": "print/leaflet.pdf", "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": 2},
                }
            }
        ],
    ]
    assert {result["ruleId"] for result in found} == {"auditor/dead"}
    assert {result["message"]["text"] for result in found} == {"https://www.example.org/gone: 404 Not Found"}
    assert len(set(fingerprint(found))) == 3


def test_a_result_for_each_place_of_each_reported_reference() -> None:
    run = CheckRun(
        (
            Checked(written("https://www.example.org/a", at("a.md", 1), at("b.md", 2)), DEAD),
            Checked(written("https://www.example.org/ok", at("a.md", 5), at("b.md", 6)), Verdict(Status.OK, "200")),
            Checked(written("https://www.example.org/b", at("a.md", 9)), Verdict(Status.BLOCKED, "bot challenge")),
        ),
        False,
        requests=3,
        elapsed_ms=10,
    )
    found = results(render(run))
    assert [
        (r["ruleId"], artifacts(r)[0]["uri"], r["locations"][0]["physicalLocation"]["region"]["startLine"])
        for r in found
    ] == [
        ("auditor/dead", "a.md", 1),
        ("auditor/dead", "b.md", 2),
        ("auditor/blocked", "a.md", 9),
    ]


# source as the report names it ({tmp}: the temporary folder; the root and working directory are {tmp}/repo),
# the artifact URI expected ({tmp_uri}: the folder as a file URI) and whether it is relative to %SRCROOT%
SOURCES = [
    pytest.param("leaflet.md", "leaflet.md", True, id="relative"),
    pytest.param("docs/guides/leaflet.md", "docs/guides/leaflet.md", True, id="nested"),
    pytest.param("./docs/../docs/leaflet.md", "docs/leaflet.md", True, id="dots-normalised"),
    pytest.param("docs/Café leaflet #2.md", "docs/Caf%C3%A9%20leaflet%20%232.md", True, id="percent-encoded"),
    pytest.param("docs/100%.md", "docs/100%25.md", True, id="percent-sign"),
    pytest.param("{tmp}/repo/docs/leaflet.md", "docs/leaflet.md", True, id="absolute-inside-root"),
    pytest.param("{tmp}/elsewhere/a b.md", "{tmp_uri}/elsewhere/a%20b.md", False, id="outside-root-stays-absolute"),
    pytest.param("../elsewhere/leaflet.md", "{tmp_uri}/elsewhere/leaflet.md", False, id="relative-outside-root"),
    pytest.param("https://www.example.org/leaflet.html", "https://www.example.org/leaflet.html", False, id="web-page"),
    pytest.param(
        "https://www.example.org/a page?q=ü", "https://www.example.org/a%20page?q=%C3%BC", False, id="web-page-encoded"
    ),
    pytest.param("<stdin>", "stdin", False, id="stdin"),
    pytest.param("-", "stdin", False, id="stdin-dash"),
]


@pytest.mark.parametrize(("source", "uri", "under_root"), SOURCES)
def test_the_artifact_uri_of_a_source(
    source: str, uri: str, under_root: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    monkeypatch.chdir(repo)
    names = {"tmp": str(tmp_path), "tmp_uri": tmp_path.as_uri()}
    (result,) = results(render(one(written("https://www.example.org/gone", at(source.format(**names))))))
    expected = {"uri": uri.format(**names)} | ({"uriBaseId": "%SRCROOT%"} if under_root else {})
    assert artifacts(result) == [expected]


def test_paths_are_relative_to_the_root_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "repo" / "site"
    site.mkdir(parents=True)
    monkeypatch.chdir(site)  # run from a subfolder: the report still names files from the repository root
    reference = written("https://www.example.org/gone", at("leaflet.md"), at("../docs/guide.md"))
    found = results(render(one(reference), root=tmp_path / "repo"))
    assert [artifacts(result) for result in found] == [
        [{"uri": "site/leaflet.md", "uriBaseId": "%SRCROOT%"}],
        [{"uri": "docs/guide.md", "uriBaseId": "%SRCROOT%"}],
    ]


def test_a_symlinked_root_still_gives_relative_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "repo" / "docs").mkdir(parents=True)
    (tmp_path / "link").symlink_to(tmp_path / "repo")
    monkeypatch.chdir(tmp_path / "repo")
    (result,) = results(render(one(written("https://x.example/", at("docs/a.md"))), root=tmp_path / "link"))
    assert artifacts(result) == [{"uri": "docs/a.md", "uriBaseId": "%SRCROOT%"}]


def test_fingerprints_are_stable_across_runs_and_statuses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    first = fingerprint(render(sample_run()))
    assert first == fingerprint(render(sample_run()))
    assert all(re.fullmatch("[0-9a-f]{64}", f) for f in first)
    assert len(set(first)) == len(first)
    # Same reference, same file: the same alert whether it is dead or moved, on whatever line.
    reference = written(GONE, at("docs/a.md", 3))
    dead = fingerprint(render(one(reference)))
    moved = replace(reference, locations=(at("docs/a.md", 30),))
    suggestion = Verdict(Status.MOVED, "permanent redirect", 200, suggestion="https://www.example.org/b")
    assert fingerprint(render(one(moved, suggestion))) == dead
    # The file as given from elsewhere, same root: same alert.
    (tmp_path / "docs").mkdir()
    monkeypatch.chdir(tmp_path / "docs")
    assert fingerprint(render(one(written(GONE, at("a.md", 3))), root=tmp_path)) == dead


GONE = "https://www.example.org/a"
# references in one run, the same document edited in the next run, and whether code scanning sees the same
# alerts (the same set of fingerprints); every reference is dead.
FINGERPRINT_CASES = [
    pytest.param([written(GONE, at("docs/a.md", 3))], [written(GONE, at("docs/a.md", 30))], True, id="line-moves"),
    pytest.param(
        [written(GONE, at("docs/a.md", 3, 7))], [written(GONE, at("docs/a.md", 3, 20))], True, id="column-moves"
    ),
    pytest.param(
        [written(GONE, at("docs/a.md", 3), at("docs/a.md", 9))],
        [written(GONE, at("docs/a.md", 13), at("docs/a.md", 19))],
        True,
        id="both-places-move",
    ),
    pytest.param(
        [written(GONE, at("docs/a.md", 3), at("docs/a.md", 9))],
        [written(GONE, at("docs/a.md", 9), at("docs/a.md", 3))],
        True,  # a PDF's link annotations come after its text: the order found in does not count
        id="extraction-order-does-not-count",
    ),
    pytest.param(
        [written(GONE, at("docs/a.md", 3))],
        [written("https://www.example.org/b", at("docs/a.md", 3))],
        False,
        id="other-target",
    ),
    pytest.param([written(GONE, at("docs/a.md", 3))], [written(GONE, at("docs/b.md", 3))], False, id="other-file"),
    pytest.param(
        [written(GONE, at("docs/a.md", 3))],
        [Reference(Email("a@example.org"), "a@example.org", (at("docs/a.md", 3),))],
        False,
        id="other-kind",
    ),
]


@pytest.mark.parametrize(("before", "after", "same"), FINGERPRINT_CASES)
def test_fingerprints_follow_the_file_the_target_and_the_place(
    before: list[Reference], after: list[Reference], same: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)

    def prints(references: list[Reference]) -> list[str]:
        run = CheckRun(tuple(Checked(r, DEAD) for r in references), False, requests=1, elapsed_ms=10)
        return fingerprint(render(run))

    assert (set(prints(before)) == set(prints(after))) is same


def test_fingerprints_keep_the_places_of_a_file_apart_and_follow_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    in_order = fingerprint(render(one(written(GONE, at("docs/a.md", 3), at("docs/a.md", 9)))))
    reversed_ = fingerprint(render(one(written(GONE, at("docs/a.md", 9), at("docs/a.md", 3)))))
    assert len(set(in_order)) == 2
    assert reversed_ == in_order[::-1]  # the place on line 3 is the first one in the file, however it was found
    # One place added below: the first two keep theirs.
    more = fingerprint(render(one(written(GONE, at("docs/a.md", 3), at("docs/a.md", 9), at("docs/a.md", 20)))))
    assert more[:2] == in_order and more[2] not in in_order


def test_the_fingerprint_is_the_file_kind_target_and_ordinal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    found = fingerprint(render(one(written(GONE, at("docs/a.md", 3), at("docs/a.md", 9)))))
    assert found == [hashlib.sha256(f"docs/a.md\nurl\n{GONE}\n{n}".encode()).hexdigest() for n in (0, 1)]


def test_untrusted_text_leaves_valid_json_without_control_characters() -> None:
    sarif = to_sarif(sample_run(), set(Status))
    log = render(sample_run(), set(Status))
    assert "\\u0000" not in sarif and "\\u001b" not in sarif
    (soft,) = [r for r in results(log) if r["ruleId"] == "auditor/soft-404"]
    assert soft["message"]["text"] == f"www.example.org/{HOSTILE}: the page says '{HOSTILE}'"


def test_text_no_json_encoder_takes_is_replaced() -> None:
    # A lone surrogate (say, from a file name with undecodable bytes) is not valid UTF-8.
    reference = ref("https://www.example.org/\udcff", "docs/caf\udce9.md", 1, text="www.example.org/\udcff\tx\r\n")
    verdict = Verdict(Status.DEAD, "gone\udc80\x07", 404, suggestion="https://www.example.org/\ud800")
    (result,) = results(render(one(reference, verdict)))
    assert result["message"]["text"] == (
        "www.example.org/\ufffd\tx\n: gone\ufffd \u2014 replace with https://www.example.org/\ufffd"
    )
    assert result["properties"]["target"] == "https://www.example.org/\ufffd"
    assert artifacts(result) == [{"uri": "docs/caf%E9.md", "uriBaseId": "%SRCROOT%"}]  # the bytes on disk


OUTAGE = Verdict(Status.UNCHECKED, NETWORK_UNAVAILABLE, cause=Cause.OUTAGE)


def test_an_unavailable_network_makes_the_invocation_unsuccessful() -> None:
    log = render(one(written("https://www.example.org/a", at("doc.md")), OUTAGE, network_unavailable=True))
    (invocation,) = log["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    (notification,) = invocation["toolExecutionNotifications"]
    assert notification["level"] == "error"
    assert notification["descriptor"]["id"] == "auditor/network-unavailable"
    assert "the network is unavailable" in notification["message"]["text"]
    assert "Nothing was judged dead" in notification["message"]["text"]
    assert "left out of this log" in notification["message"]["text"]


# verdict in a run whose network went down, and whether it is still a result
OUTAGE_CASES = [
    pytest.param(OUTAGE, False, id="unreachable-for-the-outage-is-left-out"),
    pytest.param(Verdict(Status.ERROR, "timeout after 20 s"), True, id="other-error-stays"),
    pytest.param(DEAD, True, id="dead-before-the-outage-stays"),
    pytest.param(
        Verdict(Status.MOVED, "permanent redirect", 200, suggestion="https://www.example.org/b"), True, id="moved-stays"
    ),
    pytest.param(Verdict(Status.BLOCKED, "bot challenge", 403), True, id="blocked-stays"),
]


@pytest.mark.parametrize(("verdict", "reported"), OUTAGE_CASES)
def test_an_outage_reports_only_what_was_judged(verdict: Verdict, reported: bool) -> None:
    run = CheckRun(
        (
            Checked(written("https://www.example.org/down", at("doc.md", 1), at("doc.md", 2)), OUTAGE),
            Checked(written("https://www.example.org/a", at("doc.md", 5)), verdict),
        ),
        True,
        requests=2,
        elapsed_ms=10,
    )
    found = results(render(run))
    assert [artifacts(r)[0]["uri"] for r in found] == (["doc.md"] if reported else [])
    assert all(r["message"]["text"].startswith("https://www.example.org/a: ") for r in found)


# the reference as written, the reason, the suggestion, and the message text expected
BRACKETS = [
    pytest.param("[click](1)", "404 Not Found", None, r"\[click\](1): 404 Not Found", id="embedded-link-syntax"),
    pytest.param(
        "[click](sarif:/runs/0/results/1)",
        "gone",
        None,
        r"\[click\](sarif:/runs/0/results/1): gone",
        id="sarif-uri-link",
    ),
    pytest.param("x]y[", "gone", None, r"x\]y\[: gone", id="unbalanced"),
    pytest.param("see [[1]]", "gone", None, r"see \[\[1\]\]: gone", id="nested"),
    pytest.param(r"C:\docs\a.md", "gone", None, r"C:\docs\a.md: gone", id="backslashes-stay-as-they-are"),
    pytest.param(r"a\[b](1)", "gone", None, r"a\\[b\](1): gone", id="backslash-before-a-bracket"),
    pytest.param(
        "https://x.example/",
        "the page says '[removed](2)'",
        None,
        r"https://x.example/: the page says '\[removed\](2)'",
        id="in-the-reason",
    ),
    pytest.param(
        "http://[::1]/a",
        "moved",
        "http://[::1]/b",
        "http://\\[::1\\]/a: moved \u2014 replace with http://\\[::1\\]/b",
        id="in-the-suggestion",
    ),
]


@pytest.mark.parametrize(("text", "reason", "suggestion", "message"), BRACKETS)
def test_brackets_in_a_message_are_escaped(text: str, reason: str, suggestion: str | None, message: str) -> None:
    # SARIF 2.1.0 §3.11.6: "[text](1)" in a plain text message is a link to location 1; "\[" is a bracket.
    reference = Reference(Url("https://x.example/"), text, (at("doc.md"),))
    (result,) = results(render(one(reference, Verdict(Status.DEAD, reason, 404, suggestion=suggestion))))
    assert result["message"]["text"] == message
    if suggestion:
        assert result["properties"]["suggestion"] == suggestion  # data, not a message: as it is


def test_an_empty_run_is_a_valid_log_with_no_results() -> None:
    log = render(CheckRun((), False, 0, 0))
    assert results(log) == []
    assert log["runs"][0]["tool"]["driver"]["rules"]  # the rules are there all the same
