"""Every count a maintainer reads of one run is the same number wherever it is shown.

The HTML report, the index, JSON, JUnit, SARIF, Markdown, the terminal summary, the
history and the exit code all count from :func:`auditor.report.summary.summarize`. Two
runs are read in every format here: the demo (a history, with a first transient error
waiting to be confirmed) and an outage hidden behind one local failure (nothing resolves;
a missing local file still fails).
"""

from __future__ import annotations

import asyncio
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from auditor.check.settings import CheckSettings
from auditor.fakeweb import FakeWeb
from auditor.pipeline import Audit, check_sources
from auditor.report import formats
from auditor.report.formats import ReportFormat
from auditor.report.summary import WAITING, Group, Summary, standing, summarize
from auditor.sources import Format, Source
from auditor.verdict import DEFAULT_FAIL_ON, Status

OUTAGE_DOC = "https://www.cancer.gov/types https://www.sarcoma-uk.org/x http://a.example/ [form](missing.pdf)"


def failing_places(audit: Audit, fail_on: frozenset[Status], history: object = None) -> set[tuple[str, int]]:
    return {
        (loc.source, loc.line)
        for item in audit.run.results
        if standing(item, fail_on, history).failing  # type: ignore[arg-type]
        for loc in item.reference.locations
    }


def assert_formats_agree(audit: Audit, fail_on: frozenset[Status], summary: Summary, history: object = None) -> None:
    """JSON, JUnit, SARIF, Markdown and text say what ``summary`` says."""

    def render(fmt: ReportFormat) -> str:
        return formats.render(fmt, audit.extraction, audit.run, fail_on, history=history)  # type: ignore[arg-type]

    document = json.loads(render(ReportFormat.JSON))["summary"]
    assert document["total"] == summary.total
    assert document["broken"] == summary.failing
    assert document["waiting"] == summary.waiting
    assert document["by_group"] == summary.group_counts
    assert document["by_status"] == dict(sorted(summary.status_counts.items()))

    junit = ET.fromstring(render(ReportFormat.JUNIT))
    failed = {
        (case.get("file"), int(case.get("line") or 0))
        for case in junit.iter("testcase")
        if case.find("failure") is not None
    }
    assert failed == failing_places(audit, fail_on, history)
    assert int(junit.get("failures") or 0) == sum(len(i.reference.locations) for i in _failing(audit, fail_on, history))

    sarif = json.loads(render(ReportFormat.SARIF))
    errors = [r for r in sarif["runs"][0]["results"] if r["level"] == "error"]
    reached = [i for i in _failing(audit, fail_on, history) if not audit.run.unreached(i)]
    assert len(errors) == sum(len(i.reference.locations) for i in reached)

    markdown = render(ReportFormat.MARKDOWN)
    said = f"{summary.failing} failing" if summary.failing else "nothing failing"
    assert f"{summary.total} references checked, {said}" in markdown
    for group, n in summary.by_group.items():
        assert f"{group.value}: {n:,}" in markdown
    for status, n in summary.by_status.items():
        assert f"{status.value}** (fails) | {n} |" in markdown or f"| {status.value} | {n} |" in markdown

    text = render(ReportFormat.TEXT)
    assert " \u00b7 ".join(f"{group.value} {n:,}" for group, n in summary.by_group.items()) in text


def _failing(audit: Audit, fail_on: frozenset[Status], history: object) -> list:  # type: ignore[type-arg]
    return [i for i in audit.run.results if standing(i, fail_on, history).failing]  # type: ignore[arg-type]


# --- a hidden outage: nothing resolves, one local file is missing ---------------------------------


@pytest.fixture
def outage(tmp_path: Path) -> Audit:
    doc = tmp_path / "leaflet.md"
    doc.write_text(OUTAGE_DOC + "\n")

    async def go() -> Audit:
        async with FakeWeb({}) as web:
            return await check_sources(
                [Source("leaflet.md", doc, Format.MARKDOWN)],
                CheckSettings(retries=0, host_request_interval=0, timeout=2.0),
                network=web.network,
            )

    return asyncio.run(go())


def test_an_outage_counts_the_same_in_every_format(outage: Audit) -> None:
    summary = summarize(outage.run, DEFAULT_FAIL_ON)
    assert summary.network_unavailable
    assert summary.failing == 1  # the missing local file; the unreachable web is not failing
    assert summary.by_group[Group.BY_HAND] == 3  # three addresses not verified
    assert_formats_agree(outage, DEFAULT_FAIL_ON, summary)


def html_counts(page: str) -> tuple[dict[str, int], dict[str, int]]:
    """The report's group tiles and status chips: what each shows, by group and by status."""
    soup = BeautifulSoup(page, "html.parser")
    groups = {tile["data-group"]: int(tile.select_one(".count").text) for tile in soup.select("button.tile")}
    statuses: dict[str, int] = {}
    for chip in soup.select("button.chip"):
        statuses[chip["data-filter"]] = statuses.get(chip["data-filter"], 0) + int(chip.select_one(".count").text)
    return groups, statuses


def assert_html_agrees(page: str, summary: Summary) -> None:
    groups, statuses = html_counts(page)
    assert groups == summary.group_counts
    assert statuses == summary.status_counts
    assert summary.headline in " ".join(BeautifulSoup(page, "html.parser").get_text().split())


def test_the_html_report_counts_an_outage_as_the_summary_does(outage: Audit) -> None:
    summary = summarize(outage.run, DEFAULT_FAIL_ON)
    page = formats.render(ReportFormat.HTML, outage.extraction, outage.run, DEFAULT_FAIL_ON)
    groups, _ = html_counts(page)
    assert groups == summary.group_counts
    assert "The network was unavailable" in page


# --- the demo: a history, a transient error seen once ------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from auditor.demo.runner import run_demo

    folder = tmp_path_factory.mktemp("demo")
    return folder, asyncio.run(run_demo(folder))


def test_the_demo_counts_the_same_everywhere(demo) -> None:  # type: ignore[no-untyped-def]
    folder, outcome = demo
    summary = summarize(outcome.audit.run, outcome.fail_on, outcome.context)
    assert summary.history and summary.failing > 0
    assert outcome.exit_code == 1  # what a CI job would get from this audit
    assert f"{summary.failing} failing" in outcome.summary
    assert outcome.run.failing == summary.failing  # what the history stored
    assert_formats_agree(outcome.audit, outcome.fail_on, summary, outcome.context)
    assert_html_agrees((folder / "latest.html").read_text(), summary)
    index = BeautifulSoup((folder / "index.html").read_text(), "html.parser")
    latest_run = " ".join(index.get_text().split())
    for group, n in summary.by_group.items():
        assert f"{n} {group.heading}" in latest_run or f"{group.heading} {n}" in latest_run
    latest = json.loads((folder / "latest.json").read_text())["summary"]
    assert latest["broken"] == summary.failing
    assert latest["by_group"] == summary.group_counts
    assert (latest["new_broken"], latest["fixed"], latest["still_broken"]) == (
        summary.new_broken,
        summary.fixed,
        summary.still_broken,
    )


def test_a_first_transient_error_waits_to_be_confirmed(demo) -> None:  # type: ignore[no-untyped-def]
    _folder, outcome = demo
    standings = [standing(item, outcome.fail_on, outcome.context) for item in outcome.audit.run.results]
    waiting = [one for one in standings if one.waiting]
    assert waiting, "the demo has an error seen for the first time"
    assert all(not one.failing and one.group is Group.BY_HAND for one in waiting)
    assert all(one.label.endswith(f"({WAITING})") for one in waiting)
    text = formats.render(
        ReportFormat.TEXT, outcome.audit.extraction, outcome.audit.run, outcome.fail_on, history=outcome.context
    )
    assert WAITING in text


def test_no_reason_says_after_0_retries(demo) -> None:  # type: ignore[no-untyped-def]
    _folder, outcome = demo
    assert not [i.verdict.reason for i in outcome.audit.run.results if "after 0 retries" in i.verdict.reason]
