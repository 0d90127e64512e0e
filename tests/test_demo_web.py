"""The demo's simulated web tells its story: each reference of the demo documents gets the
verdict the story gives it, and together they show every status the product knows."""

from __future__ import annotations

import asyncio
import datetime as dt
import fnmatch
import tomllib
from functools import cache
from importlib.resources import as_file
from pathlib import Path

import pytest

from auditor.check import freshness
from auditor.check.settings import CheckSettings
from auditor.config import load
from auditor.demo import DEMO_FILES, DEMO_LEAFLET, DEMO_TARGETS, RECENT, demo_web, sites
from auditor.pipeline import check_sources
from auditor.sources import resolve_inputs
from auditor.verdict import FindingKind, Status, Verdict

SETTINGS = CheckSettings(retries=0, host_request_interval=0, page_facts=True, stale_after_days=1095)
ROOT = Path(__file__).resolve().parent.parent

# As written in the demo documents | this week | a week earlier
STORY = [
    ("http://cancer.gov/cancerinformation",                    Status.REDIRECTED,  Status.REDIRECTED),
    ("http://cancer.gov/cancerinfo/types/soft-tissue-sarcoma", Status.MOVED,       Status.MOVED),
    ("www.cancer.gov/cancertopics/types/uterinesarcoma",       Status.MOVED,       Status.MOVED),
    ("1-800-4-CANCER",                                         Status.CONFIRMED,   Status.CONFIRMED),
    ("ftp://ftp.cancer.gov/pdq/",                              Status.SKIPPED,     Status.SKIPPED),
    ("www.leiomyosarcoma.org.uk",                              Status.OK,          Status.OK),
    ("www.leiomyosarcoma.info",                                Status.PARKED,      Status.PARKED),
    ("http://listserv.acor.org/archives/l-m-sarcoma.html",     Status.ERROR,       Status.OK),
    ("listserv@listserv.acor.org",                             Status.OK,          Status.OK),
    ("www.LMSdr.org",                                          Status.OK,          Status.OK),
    ("www.sarcomahelp.org/",                                   Status.OK,          Status.OK),
    ("www.sarcomahelp.org/leiomyosarcoma.html#treatment",      Status.OK,          Status.OK),
    ("http://tinyurl.com/2bypqp",                              Status.SHORTENED,   Status.SHORTENED),
    ("http://tinyurl.com/22tzof",                              Status.DEAD,        Status.SHORTENED),
    ("www.sarcomaalliance.org",                                Status.BLOCKED,     Status.BLOCKED),
    ("www.sarcoma-uk.org",                                     Status.OK,          Status.DEAD),
    ("www.sarcoma-uk.org/support-line",                        Status.SOFT_404,    Status.SOFT_404),
    ("supportline@sarcoma-uk.org",                             Status.OK,          Status.OK),
    ("www.cancerbackup.org.uk",                                Status.MOVED,       Status.MOVED),
    ("www.cancerbackup.org.uk/info/sarcomas.htm",              Status.SOFT_404,    Status.SOFT_404),
    ("0808 800 1234",                                          Status.UNCONFIRMED, Status.UNCONFIRMED),
    ("cancerinfo@cancerbackup.org.uk",                         Status.DEAD,        Status.DEAD),
    ("0117 496 0456",                                          Status.UNCHECKED,   Status.UNCHECKED),
    ("tel:0117496045",                                         Status.INVALID,     Status.INVALID),
    ("leaflet.txt",                                            Status.OK,          Status.OK),
]  # fmt: skip

# The findings of this week's run, by reference; every other reference has none.
FINDINGS = {
    "www.leiomyosarcoma.org.uk": [FindingKind.EXPECTED_TEXT_MISSING],  # the UK mirror's domain was taken over
    "www.LMSdr.org": [FindingKind.STALE],  # last reviewed in 2011
    "www.sarcomahelp.org/leiomyosarcoma.html#treatment": [FindingKind.MISSING_FRAGMENT],
}

CURRENT = (dt.date.today() - RECENT).isoformat()

# Reference | what of its verdict | is: the details a reader of the report relies on
DETAILS = [
    ("http://cancer.gov/cancerinformation", "final_url", "https://www.cancer.gov/about-cancer"),
    ("http://cancer.gov/cancerinfo/types/soft-tissue-sarcoma", "suggestion", "https://www.cancer.gov/types/soft-tissue-sarcoma"),
    ("www.cancer.gov/cancertopics/types/uterinesarcoma", "suggestion", "https://www.cancer.gov/types/uterine"),
    ("http://cancer.gov/cancerinfo/types/soft-tissue-sarcoma", "date", CURRENT),
    ("1-800-4-CANCER", "listed_on", "https://www.cancer.gov/contact"),
    ("www.leiomyosarcoma.info", "reason", "parked: HugeDomains for-sale page"),
    ("http://listserv.acor.org/archives/l-m-sarcoma.html", "http_status", 503),
    ("www.LMSdr.org", "date", "2011-03-14"),
    ("www.sarcomahelp.org/", "date", CURRENT),
    ("http://tinyurl.com/2bypqp", "suggestion", "https://www.sarcomahelp.org/esun.html"),
    ("http://tinyurl.com/22tzof", "final_url", "https://www.sarcomahelp.org/links.html"),
    ("http://tinyurl.com/22tzof", "http_status", 404),
    ("www.sarcomaalliance.org", "reason", "bot challenge (Cloudflare): could not verify"),
    ("www.sarcoma-uk.org/support-line", "reason", "the title says 'Page not found'"),
    ("www.cancerbackup.org.uk", "suggestion", "https://www.macmillan.org.uk/"),
    ("www.cancerbackup.org.uk", "domain_changed", True),
    ("www.cancerbackup.org.uk/info/sarcomas.htm", "final_url", "https://www.macmillan.org.uk/"),
    ("0808 800 1234", "found", ("+448088080000",)),  # Macmillan's support line, not Cancerbackup's old one
    ("cancerinfo@cancerbackup.org.uk", "reason", "the mail domain cancerbackup.org.uk takes no mail: it has no MX or address record"),
    ("www.cancerbackup.org.uk", "reason", "permanent redirect to https://www.macmillan.org.uk/ (301; 1 hop): www.cancerbackup.org.uk now redirects to www.macmillan.org.uk: the organisation may have merged or renamed \u2014 check the text around this reference too"),
    # The archive's snapshots, asked for as of the leaflet's date (September 2013)
    ("http://tinyurl.com/22tzof", "archive_url", "https://web.archive.org/web/20130804101520/http://tinyurl.com/22tzof"),
    ("www.sarcoma-uk.org/support-line", "archive_url", "https://web.archive.org/web/20130622154210/https://www.sarcoma-uk.org/support-line"),
    ("www.cancerbackup.org.uk/info/sarcomas.htm", "archive_url", "https://web.archive.org/web/20080517093012/https://www.cancerbackup.org.uk/info/sarcomas.htm"),
    ("www.leiomyosarcoma.info", "archive_url", None),  # the archive has nothing of it
    ("http://listserv.acor.org/archives/l-m-sarcoma.html", "archive_url", None),  # an error is not looked up
]  # fmt: skip


@cache
def demo_run(last_week: bool) -> tuple[dict[str, Verdict], tuple[str, ...]]:
    """The verdicts of the demo documents against the demo web, by reference as written, and
    what the archive (web.archive.org) was asked, in order (one run per week)."""

    async def run() -> tuple[dict[str, Verdict], tuple[str, ...]]:
        with as_file(DEMO_TARGETS) as path:
            config = load(path)
            async with demo_web(last_week=last_week) as web:
                result = await check_sources(
                    resolve_inputs(config.source_inputs()),
                    SETTINGS,
                    config.regions,
                    resolver=web.resolver,
                    ssl=web.client_ssl,
                    mail_resolver=web.mail_resolver,
                    organisations=config.organisations,
                )
        verdicts = {checked.reference.text: checked.verdict for checked in result.run.results}
        return verdicts, tuple(r.path_qs for r in web.requests if r.host == "web.archive.org")

    return asyncio.run(run())


def audit(last_week: bool) -> dict[str, Verdict]:
    return demo_run(last_week)[0]


@pytest.mark.parametrize("last_week", [False, True], ids=["this-week", "last-week"])
def test_every_reference_gets_the_verdict_of_the_story(last_week: bool) -> None:
    verdicts = audit(last_week)
    expected = {written: (earlier if last_week else now) for written, now, earlier in STORY}
    assert {written: verdict.status for written, verdict in verdicts.items()} == expected


def test_the_present_shows_every_status_the_product_knows() -> None:
    # missing-fragment is a status only with --include-fragments: the demo shows it as a finding.
    assert {now for _, now, _ in STORY} == set(Status) - {Status.MISSING_FRAGMENT}


def test_the_present_shows_every_finding_one_run_can_make() -> None:
    found = {
        written: [f.kind for f in verdict.findings] for written, verdict in audit(False).items() if verdict.findings
    }
    assert found == FINDINGS
    assert set(FindingKind) - {kind for kinds in FINDINGS.values() for kind in kinds} == {
        FindingKind.CONTENT_CHANGED,  # these two need a previous run: see the test below
        FindingKind.TITLE_CHANGED,
    }


@pytest.mark.parametrize(("written", "field", "value"), DETAILS, ids=[f"{w} {f}" for w, f, _ in DETAILS])
def test_the_story_in_detail(written: str, field: str, value: object) -> None:
    verdict = audit(False)[written]
    if field == "date" and verdict.page:
        actual: object = verdict.page.date
    elif field in ("listed_on", "found") and verdict.phone:  # a phone's facts are its own payload
        actual = getattr(verdict.phone, field)
    else:
        actual = getattr(verdict, field)
    assert actual == value


def test_a_week_changes_the_newsletter_and_nothing_else() -> None:
    """Last week's run, then this week's: only ESUN's page (a new issue) changed text and title."""
    before, after = audit(True), audit(False)
    changed = set()
    for written, verdict in after.items():
        old = before[written].page
        new = verdict.page
        if old is None or new is None:
            continue
        if freshness.content_changed(old.fingerprint, new.fingerprint) or freshness.title_changed(old.title, new.title):
            changed.add(written)
    assert changed == {"http://tinyurl.com/2bypqp"}
    new_title = after["http://tinyurl.com/2bypqp"].page
    assert new_title is not None and new_title.title == "ESUN - Volume 12, Number 3 | Sarcoma Help"


def test_the_documents_say_what_the_story_needs() -> None:
    documents = "".join(item.read_text(encoding="utf-8") for item in DEMO_FILES[1:])
    for written, _, _ in STORY:
        assert written in documents
    assert "Last reviewed: September 2013" in DEMO_LEAFLET.read_text(encoding="utf-8")  # an old document


def test_the_archive_is_asked_only_for_what_is_gone_as_of_the_leaflets_date() -> None:
    # September 2013, the leaflet's "Last reviewed" date: the snapshots nearest it
    assert sorted(demo_run(False)[1]) == [
        "/web/20130901/http://tinyurl.com/22tzof",
        "/web/20130901/https://www.cancerbackup.org.uk/info/sarcomas.htm",
        "/web/20130901/https://www.leiomyosarcoma.info",
        "/web/20130901/https://www.sarcoma-uk.org/support-line",
    ]


def test_every_redirect_leads_to_a_declared_host() -> None:
    """A redirect to an undeclared name would show a DNS failure in the demo, not the story."""
    web = sites()
    for site in web.values():
        for handler in site.values():
            location = getattr(handler, "location", "")
            if "://" in location:
                assert location.split("/")[2] in web, location


def test_the_demo_files_ship_in_the_package() -> None:
    config = load(ROOT / "auditor" / "demo" / "targets.yaml")
    names = {item.name for item in DEMO_FILES}
    assert {Path(entry.path).name for entry in config.targets.sources} | {"targets.yaml"} == names
    assert all(item.is_file() for item in DEMO_FILES)
    with (ROOT / "pyproject.toml").open("rb") as f:
        globs = tomllib.load(f)["tool"]["setuptools"]["package-data"]["auditor"]
    for name in names:
        assert any(fnmatch.fnmatch(f"demo/{name}", glob) for glob in globs), f"{name} is not in package-data"
