"""What a status means, said once on the enum; why a verdict is what it is, as a typed cause.

- Every trait of every status is one row of :data:`TRAITS` below; reports, the cache, the
  archive, the history and ``fix`` ask the status, never a set of their own.
- No module but ``auditor/verdict.py`` holds a table of statuses (a set, tuple or list of
  two or more ``Status`` members, or a call given two or more): an AST scan of ``auditor/``.
  A dict keyed by statuses is a report's wording (symbols, SARIF rule texts) only when
  it names every status and maps them to no flag.
- An outage, the time limit and an unplaced root-relative link are ``Verdict.cause``:
  what the exit code and the reports test, never the reason's words.
- A phone's facts (``listed_on``, ``found``) are a :class:`PhoneFacts` payload, not fields
  of every verdict.
"""

from __future__ import annotations

import ast
import asyncio
import dataclasses
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import auditor
import auditor.cli
from auditor.check.settings import CheckSettings
from auditor.cli import main
from auditor.fakeweb import FakeWeb, page, slow
from auditor.pipeline import check_references
from auditor.reference import Kind, Reference
from auditor.report.checked import verdict_fields
from auditor.verdict import (
    DEFAULT_FAIL_ON,
    NETWORK_UNAVAILABLE,
    Cause,
    Checked,
    CheckRun,
    PhoneFacts,
    Severity,
    Status,
    Verdict,
)
from tests.conftest import extract, through_fake_web

F, W, N, P, Z = Severity.FAILURE, Severity.WARNING, Severity.NOTE, Severity.PASS, Severity.NONE  # Z: none

# status, severity, healthy, fails by default, suggests a rewrite, via a redirect, cacheable, gone,
# transient, judged, needs a person: most urgent first (the order is Status.urgency)
TRAITS = [
    (Status.DEAD,             F, False, True,  False, False, False, True,  False, True,  False),
    (Status.SOFT_404,         F, False, True,  False, False, False, True,  False, True,  False),
    (Status.PARKED,           F, False, True,  False, False, False, True,  False, True,  False),
    (Status.ERROR,            F, False, True,  False, False, False, False, True,  True,  False),
    (Status.MISSING_FRAGMENT, F, False, False, False, False, False, False, False, True,  False),
    (Status.MOVED,            W, True,  False, True,  True,  True,  False, False, True,  True),
    (Status.SHORTENED,        W, True,  False, True,  True,  True,  False, False, True,  True),
    (Status.INVALID,          W, False, True,  False, False, False, False, False, True,  True),
    (Status.UNCONFIRMED,      W, False, False, False, False, False, False, False, True,  True),
    (Status.BLOCKED,          N, False, False, False, False, False, False, False, False, True),
    (Status.REDIRECTED,       P, True,  False, False, True,  True,  False, False, True,  False),
    (Status.OK,               P, True,  False, False, False, True,  False, False, True,  False),
    (Status.CONFIRMED,        P, True,  False, False, False, False, False, False, True,  False),
    (Status.SKIPPED,          Z, False, False, False, False, False, False, False, False, False),
    (Status.UNCHECKED,        Z, False, False, False, False, False, False, False, False, False),
]  # fmt: skip


def test_every_status_has_one_row() -> None:
    assert sorted(row[0] for row in TRAITS) == sorted(Status)


@pytest.mark.parametrize(
    (
        "status",
        "severity",
        "healthy",
        "fails",
        "rewrite",
        "redirect",
        "cacheable",
        "gone",
        "transient",
        "judged",
        "look",
    ),
    TRAITS,
    ids=[row[0].value for row in TRAITS],
)
def test_traits(
    status: Status,
    severity: Severity,
    healthy: bool,
    fails: bool,
    rewrite: bool,
    redirect: bool,
    cacheable: bool,
    gone: bool,
    transient: bool,
    judged: bool,
    look: bool,
) -> None:
    assert (
        status.severity,
        status.is_healthy,
        status.fails_by_default,
        status.suggests_rewrite,
        status.via_redirect,
        status.cacheable,
        status.is_gone,
        status.is_transient,
        status.is_judged,
        status.needs_a_person,
    ) == (severity, healthy, fails, rewrite, redirect, cacheable, gone, transient, judged, look)


def test_urgency_is_the_order_of_the_table() -> None:
    assert sorted(Status, key=lambda s: s.urgency) == [row[0] for row in TRAITS]
    assert [s.urgency for s in sorted(Status, key=lambda s: s.urgency)] == list(range(len(Status)))


def test_what_fails_by_default() -> None:
    assert frozenset({Status.DEAD, Status.SOFT_404, Status.PARKED, Status.ERROR, Status.INVALID}) == DEFAULT_FAIL_ON


def test_a_rewrite_is_suggested_only_for_a_healthy_status() -> None:
    assert all(s.is_healthy for s in Status if s.suggests_rewrite or s.cacheable or s.via_redirect)


# -- no status-trait table outside the enum --------------------------------------------------------

PACKAGE = Path(auditor.__file__).parent
HOME = PACKAGE / "verdict.py"


def _members(nodes: list[ast.expr]) -> list[str]:
    return [
        n.attr
        for n in nodes
        if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id == "Status"
    ]


def _compared(node: ast.BoolOp) -> list[ast.expr]:
    # `s is Status.A or s is Status.B`: a table written as a chain of comparisons
    return [c for v in node.values if isinstance(v, ast.Compare) for c in v.comparators]


def _is_flag(node: ast.expr) -> bool:
    return (isinstance(node, ast.Constant) and isinstance(node.value, bool | int | float)) or node is None


def tables(source: str) -> list[tuple[int, str]]:
    """Where ``source`` keeps statuses of its own: line and the expression."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Set | ast.Tuple | ast.List):
            named = _members(node.elts)
        elif isinstance(node, ast.Call):
            named = _members([*node.args, *(k.value for k in node.keywords)])
        elif isinstance(node, ast.BoolOp):
            named = _members(_compared(node))
        elif isinstance(node, ast.Dict):
            keys = [k for k in node.keys if k is not None]
            named = _members(keys)
            wording = set(named) == {s.name for s in Status} and not any(_is_flag(v) for v in node.values)
            if wording:  # every status, each with its words: a report's wording, not a trait
                continue
        else:
            continue
        if len(named) >= 2:
            found.append((node.lineno, ast.unparse(node)[:100]))
    return found


def test_no_status_trait_table_outside_the_enum() -> None:
    found = [
        f"{path.relative_to(PACKAGE.parent)}:{line}: {text}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if path != HOME
        for line, text in tables(path.read_text(encoding="utf-8"))
    ]
    assert found == [], "ask the status (a property of Status in auditor/verdict.py) instead:\n" + "\n".join(found)


EVERY_STATUS = "{" + ", ".join(f"Status.{s.name}: {s.name.lower()!r}" for s in Status) + "}"

# (id, source, is a table)
SCANNED = [
    ("a set", "FIXABLE = frozenset({Status.MOVED, Status.SHORTENED})", True),
    ("a tuple in a test", "ok = status in (Status.OK, Status.REDIRECTED)", True),
    ("a chain of comparisons", "ok = s is Status.OK or s is Status.CONFIRMED", True),
    ("a call", "counted = _counted(Status.MOVED, Status.SHORTENED)", True),
    ("a partial dict", "LEVEL = {Status.MOVED: 'warning', Status.BLOCKED: 'note'}", True),
    ("a dict of flags", EVERY_STATUS.replace("'ok'", "True").join(("FAILS = ", "")), True),
    ("one status", "left = status is Status.REDIRECTED", False),
    ("every status, each worded", "SYMBOLS = " + EVERY_STATUS, False),
    ("a property", "broken = [s for s in Status if s.fails_by_default]", False),
]


@pytest.mark.parametrize(("source", "table"), [r[1:] for r in SCANNED], ids=[r[0] for r in SCANNED])
def test_the_scan_finds_a_table(source: str, table: bool) -> None:
    assert bool(tables(source)) is table


# -- the cause of a verdict ------------------------------------------------------------------------


def _at(url: str) -> Reference:
    (ref,) = extract(url)
    return ref


def test_an_outage_is_a_cause_not_words() -> None:
    async def go() -> CheckRun:
        async with FakeWeb({}) as web:
            return await check_references(
                extract("https://www.cancer.gov/\n\nhttps://www.sarcoma-uk.org/"),
                CheckSettings(timeout=0.5, retries=0, host_request_interval=0),
                resolver=web.resolver,
                ssl=web.client_ssl,
            )

    run = asyncio.run(go())
    assert run.network_unavailable
    assert {(i.verdict.status, i.verdict.cause) for i in run.results} == {(Status.UNCHECKED, Cause.OUTAGE)}
    assert run.reached() == ()


def test_the_words_of_an_outage_without_its_cause_are_a_verdict() -> None:
    ref = _at("https://www.example.org/")
    worded = Checked(ref, Verdict(Status.UNCHECKED, NETWORK_UNAVAILABLE))
    caused = Checked(ref, Verdict(Status.UNCHECKED, "whatever the words", cause=Cause.OUTAGE))
    run = CheckRun((worded, caused), network_unavailable=True, requests=0, elapsed_ms=0)
    assert run.reached() == (worded,)


def test_the_time_limit_is_a_cause() -> None:
    async def go() -> CheckRun:
        site = {"/": slow(1.0, page("<title>Home</title><p>Welcome</p>"))}
        async with FakeWeb({"www.example.org": site}) as web:
            return await check_references(
                extract("https://www.example.org/"),
                CheckSettings(timeout=5, retries=0, host_request_interval=0, max_duration=0.2),
                resolver=web.resolver,
                ssl=web.client_ssl,
            )

    run = asyncio.run(go())
    assert [(i.verdict.status, i.verdict.cause) for i in run.results] == [(Status.UNCHECKED, Cause.DEADLINE)]
    assert len(run.notes) == 1 and "--max-duration" in run.notes[0]


def test_the_json_report_names_the_cause(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(auditor.cli, "check_sources", through_fake_web({"www.example.org": {"/": page("Home")}}))
    (tmp_path / "guide.md").write_text("[about](/about.html) and <https://www.example.org/>\n")
    result = CliRunner().invoke(main, ["check", "guide.md", "--format", "json", "--no-archive", "--retries", "0"])
    assert result.exit_code == 0, result.output
    causes = {ref["text"]: ref["cause"] for ref in json.loads(result.stdout)["references"]}
    assert causes == {"/about.html": "unplaced", "https://www.example.org/": None}


# -- kind-specific payloads ------------------------------------------------------------------------


def test_a_verdict_has_no_phone_fields_only_a_phone_payload() -> None:
    names = {f.name for f in dataclasses.fields(Verdict)}
    assert not names & {"listed_on", "found"}
    assert {f.name for f in dataclasses.fields(PhoneFacts)} == {"listed_on", "found"}
    assert Verdict(Status.OK, "200 OK").phone is None


def test_a_phone_payload_reads_as_before_in_json() -> None:
    confirmed = Verdict(Status.CONFIRMED, "listed", phone=PhoneFacts(listed_on="https://www.cancer.gov/contact"))
    unchecked = Verdict(Status.UNCHECKED, "no organisation")
    assert (
        verdict_fields(confirmed, Kind.PHONE).items()
        >= {"listed_on": "https://www.cancer.gov/contact", "found": []}.items()
    )
    assert verdict_fields(unchecked, Kind.PHONE).items() >= {"listed_on": None, "found": []}.items()
    assert "listed_on" not in verdict_fields(Verdict(Status.OK, "200 OK"), Kind.URL)
