"""`auditor check` from the command line: exit codes, --fail-on, the JSON report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import auditor.cli
from auditor.check.engine import check_references
from auditor.cli import main
from auditor.fakeweb import FakeWeb, not_found, page, redirect

ARTICLE = "<title>Sarcoma</title><h1>Sarcoma</h1>" + "<p>About sarcoma and its treatment.</p>" * 20


def sites() -> dict:
    return {
        "www.sarcoma-uk.org": {"/support": page(ARTICLE), "/old": redirect(301, "/support"), "*": not_found()},
    }


@pytest.fixture
def web(monkeypatch: pytest.MonkeyPatch) -> dict:
    """Point `auditor check` at a fake web declared by the test (``web["sites"]``)."""
    declared: dict = {"sites": sites()}

    async def through_fake_web(references, settings):  # type: ignore[no-untyped-def]
        async with FakeWeb(declared["sites"]) as fake:
            return await check_references(references, settings, resolver=fake.resolver, ssl=fake.client_ssl)

    monkeypatch.setattr(auditor.cli, "check_references", through_fake_web)
    return declared


def run(tmp_path: Path, text: str, *args: str) -> tuple[int, str, str]:
    doc = tmp_path / "leaflet.md"
    doc.write_text(text)
    result = CliRunner().invoke(main, ["check", str(doc), "--retries", "0", "--host-request-interval", "0", *args])
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


def test_exit_2_for_bad_input_before_any_request(tmp_path: Path, web: dict) -> None:
    result = CliRunner().invoke(main, ["check", str(tmp_path / "nope.md")])
    assert result.exit_code == 2
    assert "no such file" in result.stderr


def test_an_unsupported_report_format_is_refused_before_checking(tmp_path: Path, web: dict) -> None:
    code, out, err = run(tmp_path, "https://www.sarcoma-uk.org/support", "-o", str(tmp_path / "r.html"))
    assert code == 2
    assert out == ""
    assert "only .json reports" in err


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
