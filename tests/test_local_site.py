"""Local files as a site: --root-dir, --base-url, and root-relative links without either.

site/
  about.html
  doc/hcl/index.html
  sub/page.html       links /about.html, other.html, #here ...
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import auditor.cli
from auditor.cli import main
from auditor.extract.links import LinkBase, resolve
from auditor.fakeweb import not_found, page
from auditor.local_site import ROOT_RELATIVE_REASON
from auditor.reference import Url
from tests.conftest import through_fake_web

ROOT = Path("/srv/site")
DOC = ROOT / "sub" / "page.html"


@pytest.mark.parametrize(
    ("root", "base_url", "link", "url"),
    [
        (None, None, "/about.html", "/about.html"),
        (None, None, "other.html", "file:///srv/site/sub/other.html"),
        (ROOT, None, "/about.html", "file:///srv/site/about.html"),
        (ROOT, None, "/doc/hcl/#y", "file:///srv/site/doc/hcl/#y"),
        (ROOT, None, "/../../etc/passwd", "file:///srv/site/etc/passwd"),
        (ROOT, None, "/a/../../../etc/passwd", "file:///srv/site/etc/passwd"),
        (ROOT, None, "/%2e%2e/%2e%2e/etc/passwd", "file:///srv/site/etc/passwd"),
        (ROOT, None, "../../outside.html", "file:///srv/outside.html"),
        (ROOT, "https://example.org/", "/about.html", "https://example.org/about.html"),
        (ROOT, "https://example.org/", "other.html", "https://example.org/sub/other.html"),
        (ROOT, "https://example.org/", "../about.html#team", "https://example.org/about.html#team"),
        (ROOT, "https://example.org/docs/", "other.html", "https://example.org/docs/sub/other.html"),
        (ROOT, "https://example.org/docs/", "/about.html", "https://example.org/about.html"),
        (None, "https://example.org/", "other.html", "https://example.org/other.html"),
        (ROOT, "https://example.org/", "#here", "file:///srv/site/sub/page.html#here"),
        (ROOT, "https://example.org/", "https://other.org/x", "https://other.org/x"),
    ],
    ids=[
        "root-relative-without-root",
        "relative-without-root",
        "root-dir",
        "root-dir-folder-fragment",
        "dot-dot-stays-inside",
        "dot-dot-deeper-stays-inside",
        "encoded-dot-dot-stays-inside",
        "relative-may-leave-as-written",
        "base-url-root-relative",
        "base-url-relative",
        "base-url-parent",
        "base-url-with-a-path",
        "base-url-with-a-path-root-relative",
        "base-url-without-root",
        "own-fragment-stays-in-the-file",
        "absolute-unchanged",
    ],
)
def test_where_links_in_a_local_file_resolve(root: Path | None, base_url: str | None, link: str, url: str) -> None:
    base = LinkBase.for_document(DOC, root, base_url)
    assert resolve(link, base, ["GB"]) == [Url(url)]


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    (tmp_path / "site" / "sub").mkdir(parents=True)
    (tmp_path / "site" / "doc" / "hcl").mkdir(parents=True)
    (tmp_path / "site" / "about.html").write_text('<h1 id="team">About</h1>')
    (tmp_path / "site" / "doc" / "hcl" / "index.html").write_text('<h2 id="y">Y</h2>')
    (tmp_path / "site" / "sub" / "page.html").write_text(
        '<p id="here"><a href="/about.html#team">a</a> <a href="/doc/hcl/#y">b</a> <a href="/gone.html">c</a> '
        '<a href="#here">d</a></p>'
    )
    return tmp_path


def check(*args: str) -> tuple[int, dict, str]:
    result = CliRunner().invoke(
        main, ["check", "site/sub/page.html", "--format", "json", "--retries", "0", "--no-archive", *args]
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    report = json.loads(result.stdout) if result.stdout.startswith("{") else {}
    return result.exit_code, report, result.stderr


def verdicts(report: dict) -> dict[str, tuple[str, str]]:
    return {ref["text"]: (ref["status"], ref["reason"]) for ref in report["references"]}


def test_the_terminal_says_why_root_relative_links_are_unchecked(site: Path) -> None:
    result = CliRunner().invoke(main, ["check", "site/sub/page.html", "--no-archive"])
    assert result.exit_code == 0
    assert f"3 unchecked: {ROOT_RELATIVE_REASON}" in result.stdout


def test_without_a_root_root_relative_links_are_unchecked_with_a_reason(site: Path) -> None:
    code, report, _ = check()
    assert code == 0
    found = verdicts(report)
    assert found["/about.html#team"] == ("unchecked", ROOT_RELATIVE_REASON)
    assert found["/gone.html"] == ("unchecked", ROOT_RELATIVE_REASON)
    assert "--root-dir" in ROOT_RELATIVE_REASON
    assert found["#here"][0] == "ok"


def test_with_root_dir_root_relative_links_are_files_under_it(site: Path) -> None:
    code, report, _ = check("--root-dir", "site", "--include-fragments")
    found = verdicts(report)
    assert code == 1
    assert {text: status for text, (status, _) in found.items()} == {
        "/about.html#team": "ok",
        "/doc/hcl/#y": "ok",
        "/gone.html": "dead",
        "#here": "ok",
    }


def test_a_directory_input_is_its_own_root(site: Path) -> None:
    result = CliRunner().invoke(main, ["check", "site", "--format", "json", "--no-archive"])
    found = verdicts(json.loads(result.stdout))
    assert found["/about.html#team"][0] == "ok" and found["/gone.html"][0] == "dead"


def test_with_base_url_links_are_checked_on_the_published_site(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sites = {
        "example.org": {
            "/about.html": page('<h1 id="team">About</h1>'),
            "/doc/hcl/": page('<h2 id="y">Y</h2>'),
            "*": not_found(),
        }
    }
    monkeypatch.setattr(auditor.cli, "check_sources", through_fake_web(sites))
    code, report, _ = check("--root-dir", "site", "--base-url", "https://example.org", "--host-request-interval", "0")
    assert code == 1
    found = {ref["text"]: (ref["url"], ref["status"]) for ref in report["references"]}
    assert found == {
        "/about.html#team": ("https://example.org/about.html#team", "ok"),
        "/doc/hcl/#y": ("https://example.org/doc/hcl/#y", "ok"),
        "/gone.html": ("https://example.org/gone.html", "dead"),
        "#here": (f"{(site / 'site' / 'sub' / 'page.html').as_uri()}#here", "ok"),
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--root-dir", "nowhere"], "'--root-dir': nowhere: not a folder"),
        (["--base-url", "example.org"], "'--base-url': example.org: not a web address"),
        (["--base-url", "ftp://example.org/"], "not a web address"),
    ],
)
def test_a_bad_root_or_base_is_a_clear_error(site: Path, args: list[str], message: str) -> None:
    code, _, err = check(*args)
    assert code == 2
    assert message in err
    assert "Traceback" not in err
