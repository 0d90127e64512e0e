"""The command line: inputs of every kind, the JSON contract, and bad input handled cleanly."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from auditor.cli import main
from auditor.errors import UnreadableInput
from auditor.sources import Source, read

LEAFLET = """Sarcoma support leaflet

Sarcoma UK (www.sarcoma-uk.org) runs a support line on 0808 801 0401.
E-mail: supportline@sarcoma.org.uk

Reviewed: June 2014
"""


def run(*args: str, stdin: str | bytes | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def leaflet(tmp_path: Path) -> Path:
    path = tmp_path / "leaflet.txt"
    path.write_text(LEAFLET, encoding="utf-8")
    return path


def test_extract_json_follows_the_contract(leaflet: Path) -> None:
    code, out, _ = run("extract", str(leaflet), "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["schema"] == "auditor/extract/1"
    assert data["sources"] == [{"path": str(leaflet), "url": None, "format": "text", "document_date": "2014-06"}]
    url, phone, email = data["references"]
    assert url == {
        "kind": "url",
        "text": "www.sarcoma-uk.org",
        "url": "https://www.sarcoma-uk.org",
        "locations": [
            {
                "source": str(leaflet),
                "line": 3,
                "column": 13,
                "context": "Sarcoma UK (www.sarcoma-uk.org) runs a support line on 0808 801 0401.",
            }
        ],
    }
    assert {k: phone[k] for k in ("kind", "text", "e164", "national", "region")} == {
        "kind": "phone",
        "text": "0808 801 0401",
        "e164": "+448088010401",
        "national": "0808 801 0401",
        "region": "GB",
    }
    assert (email["kind"], email["text"], email["address"]) == (
        "email",
        "supportline@sarcoma.org.uk",
        "supportline@sarcoma.org.uk",
    )


def test_extract_text_lists_one_reference_per_line(leaflet: Path) -> None:
    code, out, err = run("extract", str(leaflet))
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 3
    assert lines[0].split() == [f"{leaflet}:3:13", "url", "https://www.sarcoma-uk.org", "\u2190", "www.sarcoma-uk.org"]
    assert "3 references (1 email, 1 phone, 1 url) in 1 source" in err


def test_directories_are_read_recursively_for_supported_documents_only(tmp_path: Path) -> None:
    (tmp_path / "docs" / "deep").mkdir(parents=True)
    (tmp_path / "docs" / "a.md").write_text("[x](https://a.example.org/)")
    (tmp_path / "docs" / "deep" / "b.html").write_text("<a href='https://b.example.org/'>b</a>")
    (tmp_path / "docs" / "c.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (tmp_path / "docs" / ".hidden").mkdir()
    (tmp_path / "docs" / ".hidden" / "d.txt").write_text("www.hidden.org")
    code, out, _ = run("extract", str(tmp_path / "docs"), "--format", "json")
    assert code == 0
    assert [r["url"] for r in json.loads(out)["references"]] == ["https://a.example.org/", "https://b.example.org/"]


def test_globs_are_expanded(tmp_path: Path) -> None:
    (tmp_path / "one.txt").write_text("www.one.org")
    (tmp_path / "two.txt").write_text("www.two.org")
    code, out, _ = run("extract", str(tmp_path / "*.txt"), "--format", "json")
    assert code == 0
    assert [r["text"] for r in json.loads(out)["references"]] == ["www.one.org", "www.two.org"]


def test_standard_input(tmp_path: Path) -> None:
    code, out, _ = run("extract", "-", "--format", "json", stdin="Call 1-800-4-CANCER or see www.cancer.gov\n")
    assert code == 0
    data = json.loads(out)
    assert data["sources"][0]["path"] == "<stdin>"
    assert [r["text"] for r in data["references"]] == ["1-800-4-CANCER", "www.cancer.gov"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.txt"], "no such file: missing.txt"),
        (["nowhere/*.md"], "no file matches glob: nowhere/*.md"),
    ],
    ids=["missing file", "glob matching nothing"],
)
def test_inputs_that_name_nothing_are_errors_before_anything_is_read(
    tmp_path: Path, leaflet: Path, args: list[str], message: str
) -> None:
    code, out, err = run("extract", str(leaflet), *args)
    assert code == 2
    assert out == ""
    assert f"auditor: error: {message}" in err


def test_unreadable_files_are_skipped_with_a_warning_and_the_rest_is_processed(tmp_path: Path, leaflet: Path) -> None:
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog")
    code, out, err = run(
        "extract", str(leaflet), str(tmp_path / "image.txt"), str(tmp_path / "broken.pdf"), "--format", "json"
    )
    assert code == 2
    data = json.loads(out)
    assert len(data["references"]) == 3
    assert f"{tmp_path / 'image.txt'}: binary file" in err
    assert f"{tmp_path / 'broken.pdf'}: corrupt or unsupported PDF" in err
    assert [p["source"] for p in data["problems"]] == [str(tmp_path / "image.txt"), str(tmp_path / "broken.pdf")]
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("Caf\u00e9 www.caf\u00e9-sarcoma.fr, tr\u00e8s bien.".encode("cp1252"), "legacy.txt"),
        (
            '<html><head><meta charset="iso-8859-1"></head><body>Caf\u00e9 www.sarcoma-uk.org</body></html>'.encode(
                "latin-1"
            ),
            "page.html",
        ),
        ("\ufeffBOM first: www.sarcoma-uk.org".encode(), "bom.txt"),
        ("UTF-16 www.sarcoma-uk.org".encode("utf-16"), "wide.txt"),
    ],
    ids=["detected cp1252", "declared charset", "utf-8 bom", "utf-16 bom"],
)
def test_documents_in_other_encodings_are_decoded(tmp_path: Path, raw: bytes, name: str) -> None:
    (tmp_path / name).write_bytes(raw)
    code, out, _ = run("extract", str(tmp_path / name), "--format", "json")
    assert code == 0
    assert len(json.loads(out)["references"]) == 1


def test_files_over_the_size_limit_are_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    path.write_text("x" * 2048)
    with pytest.raises(UnreadableInput, match=r"huge.txt: larger than the 1024 bytes limit"):
        read(Source("huge.txt", path, None), max_bytes=1024)


def test_an_unknown_region_is_a_usage_error(leaflet: Path) -> None:
    code, _, err = run("extract", str(leaflet), "--region", "XX")
    assert code == 2
    assert "unknown region 'XX'" in err


def test_region_codes_are_case_insensitive(leaflet: Path) -> None:
    code, _, _ = run("extract", str(leaflet), "--region", "gb")
    assert code == 0


def test_the_module_and_the_console_script_run_without_a_traceback(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "auditor", "extract", str(tmp_path / "absent.txt")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.strip() == f"auditor: error: no such file: {tmp_path / 'absent.txt'}"


def test_a_bug_on_one_document_is_reported_for_it_and_the_others_are_still_read(
    tmp_path: Path, leaflet: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import auditor.extract as extract_module

    real = extract_module.extract_document

    def flaky(doc, regions):  # type: ignore[no-untyped-def]
        if doc.source.name.endswith("bad.txt"):
            raise RuntimeError("boom")
        return real(doc, regions)

    monkeypatch.setattr(extract_module, "extract_document", flaky)
    (tmp_path / "bad.txt").write_text("www.bad.org")
    code, out, err = run("extract", str(tmp_path / "bad.txt"), str(leaflet), "--format", "json")
    assert code == 2
    assert len(json.loads(out)["references"]) == 3
    assert f"{tmp_path / 'bad.txt'}: could not be read because of a bug (RuntimeError: boom)" in err
