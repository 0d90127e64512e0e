"""Reports CI systems read: JUnit XML and the Markdown summary, parsed, not string-compared.

The HTML report has test_html_report.py (and test_report_browser.py), SARIF test_sarif.py.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import junitparser
from bs4 import BeautifulSoup
from click.testing import CliRunner
from markdown_it import MarkdownIt

import auditor.cli
from auditor.cli import main
from auditor.fakeweb import not_found, page, redirect
from auditor.reference import Location, Phone, Reference, Url
from auditor.report.junit import to_junit
from auditor.report.markdown import to_markdown
from auditor.verdict import DEFAULT_FAIL_ON, Checked, CheckRun, Hop, Status, Verdict
from tests.conftest import through_fake_web

SARIF_SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text())
HOSTILE = '"><img src=x onerror=alert(1)><script>alert(1)</script>|`'


def ref(url: str, source: str, line: int, text: str | None = None) -> Reference:
    written = text or url
    return Reference(Url(url), written, (Location(source, line, 1, f"see {written}", written),))


def sample_run() -> CheckRun:
    results = (
        Checked(ref("https://www.sarcoma.org.uk/", "leaflet.md", 3), Verdict(Status.OK, "200 OK", 200)),
        Checked(
            ref("http://www.cancerbackup.org.uk/info/sarcomas.htm", "leaflet.md", 7),
            Verdict(Status.DEAD, "404 Not Found", 404),
        ),
        Checked(
            ref("http://www.cancerbackup.org.uk/", "guide.md", 2),
            Verdict(
                Status.MOVED,
                "permanent redirect to https://www.macmillan.org.uk/ (301; 1 hop)",
                200,
                redirects=(Hop("http://www.cancerbackup.org.uk/", 301),),
                suggestion="https://www.macmillan.org.uk/",
                domain_changed=True,
            ),
        ),
        Checked(
            ref("https://www.example.org/x", "guide.md", 9, text=f"www.example.org/{HOSTILE}"),
            Verdict(Status.SOFT_404, f"the page says '{HOSTILE}'\x00\x1b", 200),
        ),
        Checked(ref("https://www.linkedin.com/", "guide.md", 11), Verdict(Status.BLOCKED, "bot challenge", 999)),
        Checked(
            Reference(
                Phone("+18004226237", "(800) 422-6237", "US"),
                "1-800-4-CANCER",
                (Location("leaflet.md", 12, 5, "call 1-800-4-CANCER", "1-800-4-CANCER"),),
            ),
            Verdict(Status.UNCHECKED, "phone numbers are checked against organisations' pages"),
        ),
    )
    return CheckRun(results, network_unavailable=False, requests=6, elapsed_ms=1234)


def test_junit_has_a_suite_per_source_and_a_case_per_reference(tmp_path: Path) -> None:
    target = tmp_path / "r.xml"
    target.write_text(to_junit(sample_run(), DEFAULT_FAIL_ON))
    xml = junitparser.JUnitXml.fromfile(str(target))
    suites = {suite.name: suite for suite in xml}
    assert set(suites) == {"leaflet.md", "guide.md"}
    assert (xml.tests, xml.failures, xml.skipped) == (6, 2, 2)
    leaflet = {case.name: case for case in suites["leaflet.md"]}
    assert set(leaflet) == {
        "https://www.sarcoma.org.uk/",
        "http://www.cancerbackup.org.uk/info/sarcomas.htm",
        "1-800-4-CANCER",
    }
    dead = leaflet["http://www.cancerbackup.org.uk/info/sarcomas.htm"]
    assert dead.classname == "leaflet.md"
    (failure,) = dead.result
    assert isinstance(failure, junitparser.Failure)
    assert failure.message == "404 Not Found" and failure.type == "dead"
    assert "leaflet.md:7" in failure.text
    assert isinstance(leaflet["1-800-4-CANCER"].result[0], junitparser.Skipped)
    guide = {case.name: case for case in suites["guide.md"]}
    assert guide["http://www.cancerbackup.org.uk/"].is_passed  # moved is not failing by default
    assert isinstance(guide["https://www.linkedin.com/"].result[0], junitparser.Skipped)


def test_junit_fails_what_fail_on_names(tmp_path: Path) -> None:
    root = ET.fromstring(to_junit(sample_run(), {Status.MOVED}))
    failures = root.findall(".//failure")
    assert [f.get("type") for f in failures] == ["moved"]
    assert "suggestion: https://www.macmillan.org.uk/" in (failures[0].text or "")
    assert "redirects: http://www.cancerbackup.org.uk/ (301)" in (failures[0].text or "")


def test_untrusted_text_leaves_valid_xml_and_no_markup() -> None:
    junit = to_junit(sample_run(), DEFAULT_FAIL_ON)
    root = ET.fromstring(junit)  # parses: escaped, and characters XML cannot carry dropped
    names = [case.get("name") for case in root.iter("testcase")]
    assert f"www.example.org/{HOSTILE}" in names
    assert "<script>" not in junit and "<img" not in junit
    summary = to_markdown(sample_run(), DEFAULT_FAIL_ON)
    rendered = (
        MarkdownIt("commonmark", {"html": True}).enable("table").render(summary)
    )  # raw HTML on, as GitHub allows some
    assert "<script>" not in rendered and "<img" not in rendered
    assert "&lt;script&gt;" in rendered
    assert "\x00" not in summary and "\x1b" not in summary


def test_the_markdown_summary_counts_lists_failures_and_suggestions() -> None:
    summary = to_markdown(sample_run(), DEFAULT_FAIL_ON)
    lines = summary.splitlines()
    assert lines[0] == "## Link audit"
    assert "6 references checked, 2 failing (6 requests, 1.2 s)." in lines
    assert "| **dead** (fails) | 1 |" in lines
    assert "| moved | 1 |" in lines
    assert "| leaflet.md:7 | `http://www.cancerbackup.org.uk/info/sarcomas.htm` | dead | 404 Not Found |" in lines
    assert "| guide.md:2 | `http://www.cancerbackup.org.uk/` | `https://www.macmillan.org.uk/` |" in lines
    for line in lines:
        if line.startswith("| guide.md:9 "):
            assert line.count(" | ") == 3  # the hostile pipe is escaped: still four cells


def test_one_check_writes_five_reports_that_agree(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    sites = {
        "www.sarcoma.org.uk": {
            "/": page("<title>Sarcoma UK</title>" + "<p>Support.</p>" * 50),
            "/support": page("<title>Support</title>" + "<p>Helplines.</p>" * 50),
            "/old": redirect(301, "/support"),
            "*": not_found(),
        }
    }

    monkeypatch.setattr(auditor.cli, "check_sources", through_fake_web(sites))
    doc = tmp_path / "leaflet.md"
    doc.write_text(
        "- https://www.sarcoma.org.uk/\n- https://www.sarcoma.org.uk/old\n- https://www.sarcoma.org.uk/gone\n"
    )
    outputs = [tmp_path / f"r.{ext}" for ext in ("json", "xml", "md", "html", "sarif")]
    args = ["check", str(doc), "--retries", "0", "--host-request-interval", "0", "--format", "markdown"]
    for output in outputs:
        args += ["-o", str(output)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1, result.stderr
    report = json.loads(outputs[0].read_text())
    assert report["summary"]["by_status"] == {"dead": 1, "moved": 1, "ok": 1}
    junit = junitparser.JUnitXml.fromfile(str(outputs[1]))
    assert (junit.tests, junit.failures) == (3, report["summary"]["broken"])
    summary = outputs[2].read_text()
    assert result.stdout == summary
    assert "3 references checked, 1 failing" in summary
    assert "| `https://www.sarcoma.org.uk/old` | `https://www.sarcoma.org.uk/support` |" in summary
    html = BeautifulSoup(outputs[3].read_text(), "lxml")
    chips = {chip["data-filter"]: int(chip.select_one(".count").get_text()) for chip in html.select(".chip")}
    assert chips == report["summary"]["by_status"]
    assert [chip["data-filter"] for chip in html.select('.chip[data-group="fails"]')] == ["dead"]
    data = json.loads(html.select_one("#report-data").string)
    assert [row["x"] for row in data["rows"] if "x" in row] == ["https://www.sarcoma.org.uk/support"]
    sarif = json.loads(outputs[4].read_text())
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(sarif)
    levels = sorted((r["ruleId"], r["level"]) for r in sarif["runs"][0]["results"])
    assert levels == [("auditor/dead", "error"), ("auditor/moved", "warning")]


def test_an_unwritable_report_is_an_error_before_anything_is_checked(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def must_not_check(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("checked although a report could not be written")

    monkeypatch.setattr(auditor.cli, "check_sources", must_not_check)
    doc = tmp_path / "leaflet.md"
    doc.write_text("https://www.sarcoma.org.uk/\n")
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    target = blocker / "r.html"
    result = CliRunner().invoke(main, ["check", str(doc), "-o", str(tmp_path / "ok.json"), "-o", str(target)])
    assert result.exit_code == 2
    assert f"cannot write {target}" in result.stderr
    assert not (tmp_path / "ok.json").exists()  # nothing half done


def test_an_unknown_report_extension_names_the_file_and_the_known_ones(tmp_path: Path) -> None:
    doc = tmp_path / "leaflet.md"
    doc.write_text("https://www.sarcoma.org.uk/\n")
    result = CliRunner().invoke(main, ["check", str(doc), "-o", "report.pdf"])
    assert result.exit_code == 2
    assert "report.pdf: cannot tell the report format from '.pdf'" in result.stderr
    assert ".html" in result.stderr and ".sarif" in result.stderr
