"""`auditor check` from the command line: exit codes, --fail-on, the JSON report."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import auditor.cli
from auditor.cli import main
from auditor.extract import Extraction
from auditor.fakeweb import FakeWeb, not_found, page, redirect, unresolvable
from auditor.pipeline import extract_with_pages
from auditor.sources import resolve_inputs
from tests.conftest import through_fake_web

ARTICLE = "<title>Sarcoma</title><h1>Sarcoma</h1>" + "<p>About sarcoma and its treatment.</p>" * 20


def sites() -> dict:
    return {
        "www.sarcoma-uk.org": {"/support": page(ARTICLE), "/old": redirect(301, "/support"), "*": not_found()},
    }


@pytest.fixture
def web(monkeypatch: pytest.MonkeyPatch) -> dict:
    """Point `auditor check` at a fake web declared by the test (``web["sites"]``)."""
    declared: dict = {"sites": sites()}
    monkeypatch.delenv("FORCE_COLOR", raising=False)  # the tests read plain text

    monkeypatch.setattr(auditor.cli, "check_sources", through_fake_web(lambda: declared["sites"]))
    return declared


def run(tmp_path: Path, text: str, *args: str) -> tuple[int, str, str]:
    doc = tmp_path / "leaflet.md"
    doc.write_text(text)
    result = CliRunner().invoke(main, ["check", str(doc), "--retries", "0", "--host-request-interval", "0", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_exit_0_when_nothing_fails(tmp_path: Path, web: dict) -> None:
    code, out, _ = run(tmp_path, "See https://www.sarcoma-uk.org/support and www.sarcoma-uk.org/old.")
    assert code == 0
    assert "1 moved, 1 ok" in out
    assert "\u2192 https://www.sarcoma-uk.org/support" in out


def test_exit_1_when_a_reference_is_dead(tmp_path: Path, web: dict) -> None:
    code, out, _ = run(tmp_path, "Gone: https://www.sarcoma-uk.org/leaflet.pdf")
    assert code == 1
    assert "dead (1)" in out
    assert "404 Not Found" in out


def test_fail_on_chooses_what_fails(tmp_path: Path, web: dict) -> None:
    code, _, _ = run(tmp_path, "www.sarcoma-uk.org/old", "--fail-on", "moved")
    assert code == 1


def test_exit_3_when_the_network_is_down(tmp_path: Path, web: dict) -> None:
    web["sites"] = {}
    code, _, err = run(tmp_path, "https://www.cancer.gov/ and https://www.sarcoma-uk.org/support")
    assert code == 3
    assert "network is unavailable" in err


OFFLINE = {"www.cancer.gov": unresolvable(), "www.sarcoma-uk.org": unresolvable()}
ONE_OFFLINE = {"www.cancer.gov": unresolvable()}
#: The outage witnesses answer: the network works, whatever the checked hosts do.
ONLINE = {"www.iana.org": {"*": page("IANA")}}
NOT_CHECKED = "could not be verified, nothing was called dead; that fails nothing (--offline-ok)"
EXIT_3 = "could not be verified, nothing was called dead (exit 3 unless something else fails)"


@pytest.mark.parametrize(
    ("sites", "text", "flags", "code", "said"),
    [
        (ONE_OFFLINE | ONLINE, "https://www.cancer.gov/types", [], 1, ""),
        ({}, "https://www.cancer.gov/types", [], 3, f"1 reference {EXIT_3}"),
        (ONLINE, "https://www.cancer.gov/types", [], 1, ""),
        (ONE_OFFLINE, "https://www.cancer.gov/types", ["--offline-ok"], 0, f"1 reference {NOT_CHECKED}"),
        (OFFLINE, "https://www.cancer.gov/ and https://www.sarcoma-uk.org/x", ["--offline-ok"], 0, NOT_CHECKED),
        (ONLINE, "https://www.cancer.gov/types", ["--offline-ok"], 1, ""),
        (ONE_OFFLINE, "https://www.cancer.gov/ and [form](missing.pdf)", ["--offline-ok"], 1, NOT_CHECKED),
        (ONE_OFFLINE, "https://www.cancer.gov/ and [form](missing.pdf)", [], 1, EXIT_3),
        (sites(), "https://www.sarcoma-uk.org/leaflet.pdf", ["--offline-ok"], 1, ""),
        (sites(), "https://www.sarcoma-uk.org/support", ["--offline-ok"], 0, ""),
    ],
    ids=[
        "online, one host out for now is that host's problem",
        "offline, a single link is not called dead: exit 3",
        "online, a domain that does not exist is dead",
        "--offline-ok: one host out for now is the network",
        "--offline-ok: every host out is the network",
        "--offline-ok: online, a domain that does not exist still fails",
        "--offline-ok: a missing local file still fails",
        "offline: a missing local file still fails (1, not 3)",
        "--offline-ok: online, a dead page still fails",
        "--offline-ok: online and fine",
    ],
)
def test_offline_ok_lets_a_machine_without_network_pass(
    tmp_path: Path, web: dict, sites: dict, text: str, flags: list[str], code: int, said: str
) -> None:
    web["sites"] = sites
    got, _, err = run(tmp_path, text, *flags)
    assert got == code, err
    assert said in err
    if not said:
        assert "--offline-ok" not in err


def test_exit_2_for_bad_input_before_any_request(tmp_path: Path, web: dict) -> None:
    result = CliRunner().invoke(main, ["check", str(tmp_path / "nope.md")])
    assert result.exit_code == 2
    assert "no such file" in result.stderr


def test_an_unsupported_report_format_is_refused_before_checking(tmp_path: Path, web: dict) -> None:
    code, out, err = run(tmp_path, "https://www.sarcoma-uk.org/support", "-o", str(tmp_path / "r.docx"))
    assert code == 2
    assert out == ""
    assert f"{tmp_path / 'r.docx'}: cannot tell the report format from '.docx'" in err


def test_the_json_report_extends_the_extraction_contract(tmp_path: Path, web: dict) -> None:
    target = tmp_path / "report.json"
    code, out, _ = run(tmp_path, "[old](https://www.sarcoma-uk.org/old)", "--format", "json", "-o", str(target))
    assert code == 0
    printed, written = json.loads(out), json.loads(target.read_text())
    assert printed["references"] == written["references"]
    assert written["schema"] == "auditor/report/1"
    assert written["summary"]["total"] == 1
    assert written["summary"]["by_status"] == {"moved": 1}
    assert written["summary"]["broken"] == 0
    assert written["network_unavailable"] is False
    (ref,) = written["references"]
    assert ref["kind"] == "url" and ref["url"] == "https://www.sarcoma-uk.org/old"
    assert ref["status"] == "moved"
    assert ref["http_status"] == 200
    assert ref["final_url"] == "https://www.sarcoma-uk.org/support"
    assert ref["redirects"] == [{"url": "https://www.sarcoma-uk.org/old", "status": 301}]
    assert ref["suggestion"] == "https://www.sarcoma-uk.org/support"
    assert ref["domain_changed"] is False
    assert ref["findings"] == []
    assert {"reason", "checked_at", "elapsed_ms", "locations"} <= set(ref)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--host-request-interval", "soon"], "not a duration"),
        (["--header", "no colon"], "Name: value"),
        (["--exclude", "("], "not a regular expression"),
        (["--fail-on", "dead,broken"], "unknown status"),
    ],
    ids=["duration", "header", "regex", "status"],
)
def test_bad_flags_are_usage_errors(tmp_path: Path, args: list[str], message: str) -> None:
    doc = tmp_path / "a.txt"
    doc.write_text("www.sarcoma-uk.org")
    result = CliRunner().invoke(main, ["check", str(doc), *args])
    assert result.exit_code == 2
    assert message in result.stderr


# Web pages as inputs: the page is fetched through the same client (the fake web here)
# and its links are checked; only that page is read.

RESOURCES = """<html><head><title>Resources</title></head><body>
<p><a href="/support">Support</a> and <a href="leaflets/gone">an old leaflet</a>.</p>
<p><a href="#top">Top</a> <a href="https://www.sarcoma-uk.org/old">Old page</a></p>
</body></html>"""


def page_sites() -> dict:
    site = sites()["www.sarcoma-uk.org"]
    return {
        "www.sarcoma-uk.org": {
            **site,
            "/info/resources": page(RESOURCES),
            "/resources": redirect(301, "/info/resources"),
        }
    }


def check_page(url: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(
        main, ["check", url, "--retries", "0", "--host-request-interval", "0", "--format", "json", *args]
    )
    return result.exit_code, result.stdout, result.stderr


def test_a_web_page_input_has_its_links_checked(web: dict) -> None:
    web["sites"] = page_sites()
    code, out, err = check_page("http://www.sarcoma-uk.org/info/resources")
    assert code == 1, err
    report = json.loads(out)
    assert report["sources"][0]["path"] == "http://www.sarcoma-uk.org/info/resources"
    assert report["sources"][0]["format"] == "html"
    status = {ref["url"]: ref["status"] for ref in report["references"]}
    assert status == {
        "http://www.sarcoma-uk.org/support": "ok",
        "http://www.sarcoma-uk.org/info/leaflets/gone": "dead",
        "http://www.sarcoma-uk.org/info/resources#top": "ok",
        "https://www.sarcoma-uk.org/old": "moved",
    }
    (gone,) = [ref for ref in report["references"] if ref["status"] == "dead"]
    assert gone["locations"][0]["source"] == "http://www.sarcoma-uk.org/info/resources"
    assert gone["locations"][0]["line"] == 2


def test_relative_links_resolve_against_where_the_page_ended_up(web: dict) -> None:
    web["sites"] = page_sites()
    code, out, _ = check_page("http://www.sarcoma-uk.org/resources")
    urls = {ref["url"] for ref in json.loads(out)["references"]}
    assert "http://www.sarcoma-uk.org/info/leaflets/gone" in urls
    assert code == 1


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://www.sarcoma-uk.org/missing-page", "cannot fetch the page: the server answered 404"),
        ("http://www.no-such-charity.org/", "cannot fetch the page: the domain www.no-such-charity.org does not exist"),
    ],
    ids=["404", "nxdomain"],
)
def test_a_web_page_that_cannot_be_fetched_is_an_input_error(web: dict, url: str, message: str) -> None:
    web["sites"] = page_sites()
    code, _, err = check_page(url)
    assert code == 2
    assert f"{url}: {message}" in err


def test_a_web_page_input_is_read_once_with_other_inputs(tmp_path: Path, web: dict) -> None:
    web["sites"] = page_sites()
    doc = tmp_path / "leaflet.txt"
    doc.write_text("See www.sarcoma-uk.org/support\n")
    code, out, _ = check_page(str(doc), "http://www.sarcoma-uk.org/info/resources")
    report = json.loads(out)
    assert [s["path"] for s in report["sources"]] == [str(doc), "http://www.sarcoma-uk.org/info/resources"]
    support = [ref for ref in report["references"] if ref["url"].endswith("/support")]
    assert {loc["source"] for ref in support for loc in ref["locations"]} == {
        str(doc),
        "http://www.sarcoma-uk.org/info/resources",
    }
    assert code == 1


def test_extract_reads_a_web_page_without_checking_its_links() -> None:
    async def go() -> tuple[Extraction, list[str]]:
        async with FakeWeb(page_sites()) as fake:
            sources = resolve_inputs(["http://www.sarcoma-uk.org/resources"])
            extraction = await extract_with_pages(sources, resolver=fake.resolver, ssl=fake.client_ssl)
            return extraction, [r.path_qs for r in fake.requests]

    extraction, requested = asyncio.run(go())
    assert requested == ["/resources", "/info/resources"]
    assert [ref.text for ref in extraction.references] == [
        "/support",
        "leaflets/gone",
        "#top",
        "https://www.sarcoma-uk.org/old",
    ]


# --- check and fix judge alike: both read targets.yaml's checks: -----------------------

CONFIG = "sources:\n  - path: leaflet.md\nchecks:\n  exclude: ['sarcoma-uk\\.org/leaflet']\n  fail_on: [dead]\n"


@pytest.mark.parametrize(
    ("config_here", "flags", "code"),
    [
        (False, [], 1),  # no targets.yaml: the dead link fails
        (True, [], 0),  # ./targets.yaml excludes it, as it does for `auditor fix`
        (True, ["--no-config"], 1),  # built-in defaults only
        (False, ["--config", "{other}"], 0),  # a file named explicitly
        (True, ["--exclude", "nothing-matches"], 0),  # flags add to the file's patterns
        (False, ["--fail-on", "moved"], 0),  # flags win over the defaults
    ],
)
def test_check_reads_the_same_config_as_fix(
    tmp_path: Path, web: dict, monkeypatch: pytest.MonkeyPatch, config_here: bool, flags: list[str], code: int
) -> None:
    monkeypatch.chdir(tmp_path)
    other = tmp_path / "conf" / "audit.yaml"
    other.parent.mkdir()
    other.write_text(CONFIG)
    if config_here:
        (tmp_path / "targets.yaml").write_text(CONFIG)
    flags = [flag.format(other=other) for flag in flags]
    got, _, err = run(tmp_path, "Gone: https://www.sarcoma-uk.org/leaflet.pdf", *flags)
    assert got == code, err


def test_config_and_no_config_together_are_refused(tmp_path: Path, web: dict) -> None:
    code, _, err = run(tmp_path, "x", "--config", "t.yaml", "--no-config")
    assert code == 2
    assert "--config and --no-config" in err


def test_a_broken_config_names_its_file_and_line(tmp_path: Path, web: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "targets.yaml").write_text("sources:\n  - path: x\nchecks:\n  retries: many\n")
    code, _, err = run(tmp_path, "x")
    assert code == 2
    assert "targets.yaml:4: checks.retries" in err


# --- an outage in every format: what it touched could not be verified, local failures still fail ---

OUTAGE_DOC = "https://www.cancer.gov/types https://www.sarcoma-uk.org/x http://a.example/ [form](missing.pdf)"


@pytest.mark.parametrize(
    ("name", "says", "never"),
    [
        ("r.md", ["**The network was unavailable", "1 failing", "| unchecked | 3 |"], ["4 failing", "3 failing"]),
        ("r.xml", ['failures="1"', 'skipped="3"'], ['failures="4"']),
        ("r.json", ['"network_unavailable": true', '"unchecked": 3'], ['"error": 3']),
        ("r.html", ["The network was unavailable", "could not verify: the network is unavailable"], ["4 failing"]),
        ("r.sarif", ['"auditor/network-unavailable"', '"executionSuccessful": false'], ["cancer.gov/types: "]),
    ],
)
def test_an_outage_is_could_not_verify_in_every_format(
    tmp_path: Path, web: dict, name: str, says: list[str], never: list[str]
) -> None:
    web["sites"] = {}  # nothing resolves, the outage witnesses neither
    code, _, err = run(tmp_path, OUTAGE_DOC, "-o", str(tmp_path / name))
    assert code == 1, err  # the missing local file fails the run, outage or not
    written = (tmp_path / name).read_text()
    for text in says:
        assert text in written
    for text in never:
        assert text not in written


def test_reports_source_url_links_each_place_of_the_html_report_to_the_file(
    tmp_path: Path, web: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "targets.yaml").write_text(
        "sources:\n  - path: docs\nreports:\n  source_url: https://git.example.org/site/blob/main/{path}#L{line}\n"
    )
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "help page.md").write_text("Intro\n\nGone: https://www.sarcoma-uk.org/leaflet.pdf\n")
    result = CliRunner().invoke(
        main, ["check", "docs", "--retries", "0", "--host-request-interval", "0", "-o", "r.html"]
    )
    assert result.exit_code == 1, result.output
    page = (tmp_path / "r.html").read_text()
    # Each document's link, with {line} filled in by the page's script for each place (tests/test_report_browser.py).
    assert "https://git.example.org/site/blob/main/docs/help%20page.md#L{line}" in page
