"""`auditor fix`: moved and shortened references rewritten in place, in the form they are written.

The documents in tests/data/fix/ are fixed against a fake web; the expected results
are golden files beside them (``*.fixed.*``, and ``*.diff`` for --dry-run). To
regenerate them after a deliberate change: ``AUDITOR_GOLDEN=1 pytest tests/test_fix.py``,
then read the diff of tests/data/fix/ before committing it.
"""

from __future__ import annotations

import codecs
import json
import os
import shutil
import string
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import auditor.cli
from auditor.cli import main
from auditor.demo import DEMO_LEAFLET, demo_web
from auditor.extract import extract_sources
from auditor.fakeweb import html_page, not_found, redirect, refused, unresolvable
from auditor.fix import (
    FIXABLE,
    Form,
    _attribute_value,
    _destination,
    _same_address,
    _written_like,
    plan_fixes,
    snapshot,
)
from auditor.pipeline import check_sources
from auditor.reference import Location, Reference, Url
from auditor.sources import Source, resolve_inputs
from auditor.verdict import Checked, CheckRun, Status, Verdict
from tests.conftest import through_fake_web

DATA = Path(__file__).parent / "data" / "fix"
GOLDEN = bool(os.environ.get("AUDITOR_GOLDEN"))
DOCUMENTS = ["page.md", "page.html", "leaflet.txt"]

MACMILLAN = "https://www.macmillan.org.uk/"
SARCOMA_PAGE = "https://www.macmillan.org.uk/cancer-information-and-support/sarcoma"
NEWSLETTER = "https://www.sarcomahelp.org/esun/2013-issue-12.html"


def sites() -> dict[str, Any]:
    """Cancerbackup merged into Macmillan (permanent redirects), a short link, a page that moved
    on its own site, a temporary redirect, a missing leaflet and no archive."""
    return {
        "www.cancerbackup.org.uk": {
            "/": redirect(301, MACMILLAN),
            "/info/sarcomas.htm": redirect(301, SARCOMA_PAGE),
        },
        "www.macmillan.org.uk": {
            "/": html_page("Macmillan Cancer Support", "Whatever cancer throws your way, we are right there with you."),
            "/cancer-information-and-support/sarcoma": html_page("Sarcoma", "Sarcoma is a rare cancer " * 20),
        },
        "tinyurl.com": {
            "/2bypqp": redirect(301, NEWSLETTER),
            "/2bypqp?utm=1&src=leaflet": redirect(301, NEWSLETTER + "?utm=1&src=leaflet"),
        },
        "www.sarcomahelp.org": {"/esun/2013-issue-12.html": html_page("ESUN", "The Sarcoma Update " * 20)},
        "www.sarcoma-uk.org": {
            "/old-support": redirect(308, "/support-line"),
            "/support-line": html_page("Support line", "Call our support line " * 20),
            "/news": redirect(302, "/news/today"),
            "/news/today": html_page("News", "Today at Sarcoma UK " * 20),
            "/leaflet.pdf": not_found(),
        },
    }


@pytest.fixture
def web(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, Any]:
    """`auditor fix` against the fake web, in a folder holding copies of the documents."""
    declared: dict[str, Any] = {"sites": sites()}
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.setattr(auditor.cli, "check_sources", through_fake_web(lambda: declared["sites"]))
    monkeypatch.chdir(tmp_path)
    for name in DOCUMENTS:
        shutil.copyfile(DATA / name, tmp_path / name)
    return declared


def fix(*args: str) -> Any:
    return CliRunner().invoke(
        main, ["fix", *args, "--retries", "0", "--host-request-interval", "0", "--no-archive"], catch_exceptions=False
    )


def golden(name: str, actual: bytes) -> bytes:
    """The expected bytes in tests/data/fix/NAME (written there instead when regenerating)."""
    path = DATA / name
    if GOLDEN:
        path.write_bytes(actual)
    return path.read_bytes()


def fixed_name(name: str) -> str:
    stem, suffix = name.rsplit(".", 1)
    return f"{stem}.fixed.{suffix}"


# --- the documents, fixed ------------------------------------------------------------


@pytest.mark.parametrize("name", DOCUMENTS)
def test_fix_rewrites_each_document_as_the_golden_file_says(web: dict[str, Any], name: str) -> None:
    result = fix(name)
    assert result.exit_code == 1, result.output  # the missing leaflet is left for a person
    assert (Path(name).read_bytes()) == golden(fixed_name(name), Path(name).read_bytes())
    assert f"rewrote {name}" in result.stdout


@pytest.mark.parametrize("name", DOCUMENTS)
def test_dry_run_prints_the_golden_diff_and_changes_nothing(web: dict[str, Any], name: str) -> None:
    result = fix(name, "--dry-run")
    assert result.exit_code == 1  # there is something to rewrite
    assert Path(name).read_bytes() == (DATA / name).read_bytes()
    assert result.stdout_bytes == golden(f"{name}.diff", result.stdout_bytes)
    assert f"would rewrite {name}" in result.stderr  # the report goes beside the diff, not into it


@pytest.mark.parametrize("name", DOCUMENTS)
def test_fix_applies_exactly_the_dry_run_diff(web: dict[str, Any], name: str, tmp_path: Path) -> None:
    diff = fix(name, "--dry-run").stdout_bytes
    elsewhere = tmp_path / "patched"
    elsewhere.mkdir()
    shutil.copyfile(name, elsewhere / name)
    (elsewhere / "fix.diff").write_bytes(diff)
    # git apply outside a repository is patch(1), and strict about context and line ends
    subprocess.run(["git", "apply", "fix.diff"], cwd=elsewhere, check=True, capture_output=True)
    fix(name)
    assert (elsewhere / name).read_bytes() == Path(name).read_bytes()


def test_a_second_check_finds_nothing_moved_or_shortened(web: dict[str, Any]) -> None:
    fix(*DOCUMENTS)
    result = CliRunner().invoke(main, ["check", *DOCUMENTS, "--retries", "0", "--host-request-interval", "0"])
    summary = result.stdout.splitlines()[0]
    assert "moved" not in summary and "shortened" not in summary, result.stdout
    assert "1 dead" in summary and "1 redirected" in summary


def test_fixing_twice_changes_nothing_more(web: dict[str, Any]) -> None:
    fix(*DOCUMENTS)
    once = {name: Path(name).read_bytes() for name in DOCUMENTS}
    result = fix(*DOCUMENTS)
    assert {name: Path(name).read_bytes() for name in DOCUMENTS} == once
    assert "rewrote 0 places in 0 files" in result.stdout


def test_what_is_left_is_listed_for_a_person(web: dict[str, Any]) -> None:
    result = fix("leaflet.txt")
    out = result.stdout
    left = out[out.index("left for a person") :]
    assert "leaflet.txt:9:22  dead  https://www.sarcoma-uk.org/leaflet.pdf" in left
    assert "leaflet.txt:8:15  redirected  https://www.sarcoma-uk.org/news" in left
    assert "a temporary redirect is not rewritten" in left
    assert out.rstrip().endswith("auditor fix: rewrote 5 places in 1 file; 2 left for a person")


def test_exit_0_when_nothing_is_left_to_fix(web: dict[str, Any]) -> None:
    Path("ok.md").write_text("[Sarcoma UK](https://www.sarcoma-uk.org/old-support)\n")
    result = fix("ok.md")
    assert result.exit_code == 0, result.output
    assert Path("ok.md").read_text() == "[Sarcoma UK](https://www.sarcoma-uk.org/support-line)\n"
    assert fix("ok.md", "--dry-run").exit_code == 0  # nothing more to do


# --- safety --------------------------------------------------------------------------


def test_a_file_edited_during_the_check_is_not_overwritten(
    monkeypatch: pytest.MonkeyPatch, web: dict[str, Any]
) -> None:
    checking = through_fake_web(sites())

    async def edited_meanwhile(*args: Any, **kwargs: Any) -> Any:
        audit = await checking(*args, **kwargs)
        Path("leaflet.txt").write_text("An editor's new text, typed while the links were checked.\n")
        return audit

    monkeypatch.setattr(auditor.cli, "check_sources", edited_meanwhile)
    result = fix("leaflet.txt", "page.md")
    assert result.exit_code == 1
    assert Path("leaflet.txt").read_text() == "An editor's new text, typed while the links were checked.\n"
    assert "not rewritten: leaflet.txt changed on disk while it was being checked" in result.stdout
    assert Path("page.md").read_bytes() == (DATA / "page.fixed.md").read_bytes()  # the others are fixed


@pytest.mark.parametrize(
    ("encoding", "newline"),
    [
        pytest.param("utf-8", "\n", id="utf-8"),
        pytest.param("utf-8-sig", "\r\n", id="utf-8 with BOM, CRLF"),
        pytest.param("latin-1", "\r\n", id="latin-1, CRLF"),
        pytest.param("utf-16", "\n", id="utf-16 with BOM"),
        pytest.param("utf-16-be", "\n", id="utf-16 big-endian with BOM"),
        pytest.param("utf-8", "\r", id="old Mac CR"),
    ],
)
def test_encoding_and_line_endings_are_kept(web: dict[str, Any], encoding: str, newline: str) -> None:
    text = newline.join(
        ["Caf\u00e9 des sarcomes \u2014 r\u00e9union mensuelle.", "Lettre : tinyurl.com/2bypqp", "Fin.", ""]
    )
    if encoding == "utf-8" and newline == "\n":
        text = text.replace("\u2014", "-")
    if encoding == "latin-1":
        text = text.replace("\u2014", "-")
    data = (codecs.BOM_UTF16_BE + text.encode("utf-16-be")) if encoding == "utf-16-be" else text.encode(encoding)
    Path("note.txt").write_bytes(data)
    fix("note.txt")
    expected = text.replace("tinyurl.com/2bypqp", NEWSLETTER)
    wanted = (
        (codecs.BOM_UTF16_BE + expected.encode("utf-16-be")) if encoding == "utf-16-be" else expected.encode(encoding)
    )
    assert Path("note.txt").read_bytes() == wanted


def test_a_pdf_is_checked_but_left_for_a_person(web: dict[str, Any]) -> None:
    from tests.pdfmaker import make_pdf

    Path("flyer.pdf").write_bytes(make_pdf(["Newsletter: http://tinyurl.com/2bypqp"]))
    result = fix("flyer.pdf")
    assert result.exit_code == 1
    assert Path("flyer.pdf").read_bytes() == make_pdf(["Newsletter: http://tinyurl.com/2bypqp"])
    assert "a PDF cannot be rewritten: edit the document it was made from" in result.stdout
    assert f"\u2192 {NEWSLETTER}" in result.stdout


def test_only_shortened_leaves_moved_references(web: dict[str, Any]) -> None:
    result = fix("leaflet.txt", "--only", "shortened")
    text = Path("leaflet.txt").read_text()
    assert NEWSLETTER in text and "tinyurl" not in text
    assert "www.cancerbackup.org.uk" in text
    assert "moved is left out by --only" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["missing.md"], "no such file: missing.md", id="no such file"),
        pytest.param(["https://www.sarcoma-uk.org/"], "is not a file", id="a web page"),
        pytest.param(["-"], "is not a file", id="standard input"),
        pytest.param(["leaflet.txt", "--only", "redirected"], "only moved and shortened", id="only what it cannot fix"),
        pytest.param(["leaflet.txt", "--config", "nowhere.yaml"], "nowhere.yaml", id="a missing config"),
    ],
)
def test_bad_input_is_exit_2_and_changes_nothing(web: dict[str, Any], args: list[str], message: str) -> None:
    result = fix(*args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert Path("leaflet.txt").read_bytes() == (DATA / "leaflet.txt").read_bytes()


def test_targets_yaml_settings_apply(web: dict[str, Any]) -> None:
    Path("targets.yaml").write_text("sources:\n  - path: leaflet.txt\nchecks:\n  exclude: ['tinyurl']\n")
    fix("leaflet.txt")
    text = Path("leaflet.txt").read_text()
    assert "tinyurl.com/2bypqp" in text  # excluded: skipped, so not rewritten
    assert SARCOMA_PAGE in text


# --- the small rules, case by case ---------------------------------------------------


@pytest.mark.parametrize(
    ("written", "old", "new", "expected"),
    [
        pytest.param("http://a.org/x", "http://a.org/x", "https://b.org/y", "https://b.org/y", id="absolute"),
        pytest.param("www.a.org/x", "https://www.a.org/x", "https://b.org/y", "https://b.org/y", id="scheme-less"),
        pytest.param("a.org", "https://a.org", "https://www.a.org/", "https://www.a.org/", id="bare domain"),
        pytest.param("/old", "https://a.org/old", "https://a.org/new?q=1", "/new?q=1", id="relative, same site"),
        pytest.param("old.html", "https://a.org/old.html", "https://b.org/new", "https://b.org/new", id="other site"),
        pytest.param("//a.org/old", "https://a.org/old", "https://a.org/new", "//a.org/new", id="scheme-relative"),
    ],
)
def test_the_new_address_keeps_the_old_ones_form(written: str, old: str, new: str, expected: str) -> None:
    assert _written_like(written, old, new) == expected


@pytest.mark.parametrize(
    ("new", "quote", "entities", "whole", "expected"),
    [
        pytest.param("https://b.org/?a=1&b=2", '"', False, True, "https://b.org/?a=1&b=2", id="as written"),
        pytest.param("https://b.org/?a=1&b=2", '"', True, True, "https://b.org/?a=1&amp;b=2", id="&amp; kept"),
        pytest.param('https://b.org/"x"', '"', False, True, "https://b.org/&quot;x&quot;", id="double quote"),
        pytest.param("https://b.org/it's", "'", False, True, "https://b.org/it&#39;s", id="single quote"),
        pytest.param("https://b.org/a b", None, False, False, "https://b.org/a%20b", id="unquoted srcset"),
    ],
)
def test_attribute_values_are_escaped_for_their_quoting(
    new: str, quote: str | None, entities: bool, whole: bool, expected: str
) -> None:
    assert _attribute_value(new, quote, entities=entities, whole=whole) == expected


@pytest.mark.parametrize(
    ("new", "expected"),
    [
        pytest.param("https://b.org/x", "https://b.org/x", id="plain"),
        pytest.param("https://en.wikipedia.org/wiki/V8_(engine)", "https://en.wikipedia.org/wiki/V8_(engine)", id="()"),
        pytest.param("https://b.org/a)b", "https://b.org/a\\)b", id="unbalanced"),
        pytest.param("https://b.org/a b", "https://b.org/a%20b", id="space"),
    ],
)
def test_markdown_destinations_stay_one_destination(new: str, expected: str) -> None:
    assert _destination(new) == expected


@pytest.mark.parametrize(
    ("label", "address", "same"),
    [
        ("http://a.org/x", "http://a.org/x", True),
        ("a.org/x", "http://a.org/x", True),
        ("HTTP://A.org/x/", "http://a.org/x", True),
        ("the page", "http://a.org/x", False),
        ("", "http://a.org/x", False),
        ("http://a.org/x &amp; more", "http://a.org/x", False),
    ],
)
def test_a_link_text_repeating_its_address_is_recognised(label: str, address: str, same: bool) -> None:
    assert _same_address(label, address) is same


def test_only_moved_and_shortened_with_a_suggestion_are_planned(tmp_path: Path) -> None:
    doc = tmp_path / "a.txt"
    doc.write_text("http://a.org/1 http://a.org/2 http://a.org/3\n")
    source = Source("a.txt", doc, None)

    def checked(column: int, status: Status, suggestion: str | None) -> Checked:
        url = f"http://a.org/{(column + 14) // 15}"
        ref = Reference(Url(url), url, (Location("a.txt", 1, column, "", url),))
        return Checked(ref, Verdict(status, "", suggestion=suggestion))

    run = CheckRun(
        (
            checked(1, Status.MOVED, "https://b.org/1"),
            checked(16, Status.REDIRECTED, "https://b.org/2"),
            checked(31, Status.DEAD, None),
        ),
        network_unavailable=False,
        requests=0,
        elapsed_ms=0,
    )
    plan = plan_fixes([source], {"a.txt": doc.read_bytes()}, run, FIXABLE)
    (file,) = plan.files
    assert [(r.old, r.new, r.form) for r in file.rewrites] == [("http://a.org/1", "https://b.org/1", Form.TEXT)]
    assert file.fixed_text() == "https://b.org/1 http://a.org/2 http://a.org/3\n"


# --- whatever surrounds a reference, only its address changes ------------------------

_AROUND = st.text(alphabet=string.ascii_letters + string.digits + " \n.,;:!?-'\"()*_", max_size=40)


@pytest.mark.parametrize(
    ("suffix", "written", "rewritten"),
    [
        pytest.param(".md", "[the page](http://www.cancerbackup.org.uk/x)", f"[the page]({SARCOMA_PAGE})", id="md"),
        pytest.param(".md", "<http://www.cancerbackup.org.uk/x>", f"<{SARCOMA_PAGE}>", id="autolink"),
        pytest.param(
            ".html", "<a href='http://www.cancerbackup.org.uk/x'>p</a>", f"<a href='{SARCOMA_PAGE}'>p</a>", id="html"
        ),
        pytest.param(".txt", " www.cancerbackup.org.uk/x ", f" {SARCOMA_PAGE} ", id="text"),
    ],
)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(before=_AROUND, after=_AROUND)
def test_only_the_address_changes_whatever_surrounds_it(
    tmp_path: Path, suffix: str, written: str, rewritten: str, before: str, after: str
) -> None:
    doc = tmp_path / f"doc{suffix}"
    doc.write_text(before + written + after)
    sources = resolve_inputs([str(doc)])
    extraction = extract_sources(sources)
    moved = [
        Checked(ref, Verdict(Status.MOVED, "", suggestion=SARCOMA_PAGE))
        for ref in extraction.references
        if isinstance(ref.target, Url) and ref.target.url.endswith("www.cancerbackup.org.uk/x")
    ]
    assume(moved)  # the surroundings may make it code, or part of a longer address
    run = CheckRun(tuple(moved), network_unavailable=False, requests=0, elapsed_ms=0)
    plan = plan_fixes(sources, snapshot(sources), run)
    (file,) = plan.files
    assert file.fixed_text() == before + rewritten + after


# --- done when: a leaflet like the sample, against the demo's simulated web ----------


@pytest.fixture
def demo(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A copy of the demo leaflet, and `auditor fix` / `auditor check` against the demo web (its archive too)."""

    async def checking(sources: Any, settings: Any, regions: Any, **kwargs: Any) -> Any:
        async with demo_web() as web:
            kwargs.update(resolver=web.resolver, ssl=web.client_ssl, mail_resolver=web.mail_resolver)
            return await check_sources(sources, settings, regions, **kwargs)

    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.setattr(auditor.cli, "check_sources", checking)
    monkeypatch.chdir(tmp_path)
    Path("leaflet.txt").write_text(DEMO_LEAFLET.read_text(encoding="utf-8"), encoding="utf-8")
    return tmp_path / "leaflet.txt"


def demo_check(*args: str) -> Any:
    return CliRunner().invoke(
        main, ["check", "leaflet.txt", "--format", "json", "--retries", "0", "--host-request-interval", "0", *args]
    )


def test_the_leaflet_is_fixed_as_the_dry_run_diff_says_and_the_dead_keep_an_archived_copy(demo: Path) -> None:
    original = demo.read_bytes()
    before = {ref["text"]: ref for ref in json.loads(demo_check("--no-archive").stdout)["references"]}
    fixable = {text: ref["suggestion"] for text, ref in before.items() if ref["status"] in ("moved", "shortened")}
    assert len(fixable) == 4  # two NCI pages, Cancerbackup's home, the newsletter's short link

    dry = CliRunner().invoke(
        main, ["fix", "leaflet.txt", "--dry-run", "--retries", "0", "--host-request-interval", "0"]
    )
    assert demo.read_bytes() == original
    removed = "".join(line for line in dry.stdout.splitlines(keepends=True) if line.startswith("-"))
    added = "".join(line for line in dry.stdout.splitlines(keepends=True) if line.startswith("+"))
    for text, suggestion in fixable.items():
        assert text in removed and suggestion in added, text

    elsewhere = demo.parent / "patched"
    elsewhere.mkdir()
    (elsewhere / "leaflet.txt").write_bytes(original)
    (elsewhere / "fix.diff").write_bytes(dry.stdout_bytes)
    subprocess.run(["git", "apply", "fix.diff"], cwd=elsewhere, check=True, capture_output=True)

    done = CliRunner().invoke(main, ["fix", "leaflet.txt", "--retries", "0", "--host-request-interval", "0"])
    assert done.exit_code == 1  # dead and soft-404 references remain, for a person
    assert demo.read_bytes() == (elsewhere / "leaflet.txt").read_bytes()  # exactly the dry run's diff

    after = json.loads(demo_check().stdout)["references"]
    assert not [ref for ref in after if ref["status"] in ("moved", "shortened")]
    dead = {ref["text"]: ref for ref in after if ref["status"] in ("dead", "soft-404")}
    assert "http://tinyurl.com/22tzof" in dead and "http://tinyurl.com/22tzof" in demo.read_text()
    assert dead["http://tinyurl.com/22tzof"]["archive_url"].startswith("https://web.archive.org/web/2013")
    assert "archived copy: https://web.archive.org/web/2013" in done.stdout


@pytest.mark.parametrize(
    ("archive", "says"),
    [
        pytest.param(
            {"/web/https://www.sarcoma-uk.org/leaflet.pdf": redirect(302, "/web/20130101000000/leaflet")},
            "archived copy: https://web.archive.org/web/20130101000000/leaflet",
            id="snapshot found",
        ),
        pytest.param({}, None, id="no snapshot"),
        pytest.param(refused(), "the archive at web.archive.org did not answer", id="archive down"),
    ],
)
def test_a_dead_reference_is_left_with_its_archived_copy(web: dict[str, Any], archive: Any, says: str | None) -> None:
    web["sites"]["web.archive.org"] = archive
    result = CliRunner().invoke(main, ["fix", "leaflet.txt", "--retries", "0", "--host-request-interval", "0"])
    assert result.exit_code == 1  # the dead leaflet is left for a person, whatever the archive says
    assert NEWSLETTER in Path("leaflet.txt").read_text()  # the rewrites are made all the same
    if says is None:
        assert "archived copy" not in result.output and "did not answer" not in result.stderr
    else:
        assert says in (result.stderr if "did not answer" in says else result.stdout)


def test_a_read_only_file_is_not_rewritten(web: dict[str, Any]) -> None:
    Path("leaflet.txt").chmod(0o444)
    result = fix("leaflet.txt", "page.md")
    assert result.exit_code == 1
    assert Path("leaflet.txt").read_bytes() == (DATA / "leaflet.txt").read_bytes()
    assert "not rewritten: leaflet.txt: the file is read-only (make it writable to fix it)" in result.stdout
    assert "rewrote page.md" in result.stdout and "rewrote leaflet.txt" not in result.stdout


def test_a_symbolic_link_keeps_pointing_at_the_fixed_file(web: dict[str, Any]) -> None:
    Path("real").mkdir()
    Path("leaflet.txt").rename("real/leaflet.txt")
    Path("leaflet.txt").symlink_to("real/leaflet.txt")
    fix("leaflet.txt")
    assert Path("leaflet.txt").is_symlink()
    assert Path("real/leaflet.txt").read_bytes() == (DATA / "leaflet.fixed.txt").read_bytes()


def test_an_unreadable_input_is_exit_2_and_the_others_are_fixed(web: dict[str, Any]) -> None:
    Path("blob.txt").write_bytes(b"\x00\x01binary")
    result = fix("leaflet.txt", "blob.txt")
    assert result.exit_code == 2
    assert "blob.txt" in result.stderr and "binary file" in result.stderr
    assert Path("leaflet.txt").read_bytes() == (DATA / "leaflet.fixed.txt").read_bytes()


def test_fail_on_nothing_lets_dead_references_pass(web: dict[str, Any]) -> None:
    result = fix("leaflet.txt", "--fail-on", "")
    assert result.exit_code == 0, result.output
    assert "dead  https://www.sarcoma-uk.org/leaflet.pdf" in result.stdout  # still listed for a person
    assert Path("leaflet.txt").read_bytes() == (DATA / "leaflet.fixed.txt").read_bytes()


def test_no_network_rewrites_nothing(web: dict[str, Any]) -> None:
    web["sites"] = {}  # no host answers: an outage, not a leaflet full of dead links
    result = fix("leaflet.txt", "page.md")
    assert result.exit_code == 3
    assert "the network is unavailable" in result.stderr
    assert Path("leaflet.txt").read_bytes() == (DATA / "leaflet.txt").read_bytes()
    assert Path("page.md").read_bytes() == (DATA / "page.md").read_bytes()


def test_no_network_with_offline_ok_rewrites_nothing_and_passes(web: dict[str, Any]) -> None:
    # A pre-commit hook on a machine without network: it says so and does not block the commit.
    web["sites"] = {host: unresolvable() for host in sites()}
    result = fix("--dry-run", "--offline-ok", "leaflet.txt")
    assert result.exit_code == 0
    assert result.stdout == ""  # no diff
    assert (
        "could not be verified, nothing was rewritten or called dead; that fails nothing (--offline-ok)"
        in result.stderr
    )
    assert Path("leaflet.txt").read_bytes() == (DATA / "leaflet.txt").read_bytes()
