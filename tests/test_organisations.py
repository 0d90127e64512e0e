"""Organisations and phone listings: which pages a phone is looked up on, and what they say."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from auditor.check.organisations import (
    NO_ORGANISATION,
    Association,
    Listing,
    OrganisationSpec,
    associate,
    configured_numbers,
    is_valid,
    judge,
)
from auditor.check.settings import CheckSettings
from auditor.fakeweb import FakeWeb, not_found, page, refused
from auditor.pipeline import check_references, check_sources
from auditor.reference import Phone, Reference, Url
from auditor.sources import Format, Source
from auditor.verdict import CheckRun, Finding, FindingKind, PhoneFacts, Status, Verdict
from tests.conftest import extract


def facts(verdict: Verdict) -> PhoneFacts:
    """A phone's facts; a verdict without them (unchecked, invalid) has none to tell."""
    return verdict.phone or PhoneFacts()


REGIONS = ("GB", "US")
NCI = OrganisationSpec(
    "National Cancer Institute",
    "https://www.cancer.gov/",
    pages=("https://www.cancer.gov/contact",),
    phones=("1-800-4-CANCER",),
    expect=("cancer information  SERVICE",),  # compared case-folded, white space normalised
)
MACMILLAN = OrganisationSpec("Macmillan Cancer Support", "https://www.macmillan.org.uk/")
TAKEN_OVER = OrganisationSpec("Sarcoma Support", "https://www.sarcoma-support.org/", expect=("Sarcoma Support",))


# -- association ------------------------------------------------------------------------

CANCER_GOV = ("https://www.cancer.gov/contact", "https://www.cancer.gov/")
MACMILLAN_PAGES = ("https://www.macmillan.org.uk/support", "https://www.macmillan.org.uk/")

MD_TABLE = """\
| Who | Helpline | Web |
|-----|----------|-----|
| NCI | 1-800-4-CANCER | https://www.cancer.gov/contact |
| Macmillan | 0808 808 00 00 | |
| Macmillan online | | https://www.macmillan.org.uk/support |
"""
HTML_TABLE = """\
<table>
  <tr><td>NCI</td><td>1-800-4-CANCER</td><td><a href="https://www.cancer.gov/contact">cancer.gov</a></td></tr>
  <tr><td>Macmillan</td><td><a href="tel:+448088080000">0808 808 00 00</a></td><td></td></tr>
  <tr><td>Macmillan online</td><td></td><td><a href="https://www.macmillan.org.uk/support">macmillan.org.uk</a></td></tr>
</table>
"""

# (id, format, document, organisations, phone (E.164), pages looked on, organisation)
ASSOCIATIONS = [
    (
        "a line apart",
        Format.TEXT,
        "Cancer Information Service: 1-800-4-CANCER\nhttps://www.cancer.gov/contact\n",
        (),
        "+18004226237",
        CANCER_GOV,
        None,
    ),
    (
        "a paragraph apart: not neighbours",
        Format.TEXT,
        "Cancer Information Service: 1-800-4-CANCER\n\nhttps://www.cancer.gov/contact\n",
        (),
        "+18004226237",
        (),
        None,
    ),
    (
        "a paragraph apart, listed in targets.yaml",
        Format.TEXT,
        "Cancer Information Service: 1-800-4-CANCER\n\nhttps://www.macmillan.org.uk/support\n",
        (NCI,),
        "+18004226237",
        ("https://www.cancer.gov/", "https://www.cancer.gov/contact"),
        "National Cancer Institute",
    ),
    (
        "targets.yaml's vanity form matches the document's digits",
        Format.TEXT,
        "Call +1 800 422 6237 (https://www.macmillan.org.uk/support).",
        (NCI,),
        "+18004226237",
        ("https://www.cancer.gov/", "https://www.cancer.gov/contact"),
        "National Cancer Institute",
    ),
    (
        "the URL beside it is on an organisation's site: its pages too",
        Format.TEXT,
        "Support line 0808 808 00 00, https://www.macmillan.org.uk/support",
        (MACMILLAN,),
        "+448088080000",
        MACMILLAN_PAGES,
        "Macmillan Cancer Support",
    ),
    (
        "nearest on the same line: by column",
        Format.TEXT,
        "See https://www.cancer.gov/contact or ring 0808 808 00 00 (https://www.macmillan.org.uk/support)",
        (),
        "+448088080000",
        MACMILLAN_PAGES,
        None,
    ),
    (
        "nearest by line before column",
        Format.TEXT,
        "https://www.macmillan.org.uk/support\nSupport line: 0808 808 00 00\nopen every day\n"
        "                    https://www.cancer.gov/contact",
        (),
        "+448088080000",
        MACMILLAN_PAGES,
        None,
    ),
    (
        "an e-mail address beside it is no web page",
        Format.TEXT,
        "Call 0808 808 00 00 or write to help@macmillan.org.uk",
        (),
        "+448088080000",
        (),
        None,
    ),
    ("markdown table: same row", Format.MARKDOWN, MD_TABLE, (), "+18004226237", CANCER_GOV, None),
    ("markdown table: the next row is another block", Format.MARKDOWN, MD_TABLE, (), "+448088080000", (), None),
    ("html table: same row", Format.HTML, HTML_TABLE, (), "+18004226237", CANCER_GOV, None),
    ("html table: the next row is another block", Format.HTML, HTML_TABLE, (), "+448088080000", (), None),
    (
        "written twice: both neighbours",
        Format.MARKDOWN,
        "Call 0808 808 00 00 or see https://www.macmillan.org.uk/support\n\n"
        "In the US: 0808 808 00 00, https://www.cancer.gov/contact",
        (),
        "+448088080000",
        (*MACMILLAN_PAGES, *CANCER_GOV),
        None,
    ),
]


@pytest.mark.parametrize(
    ("fmt", "document", "organisations", "number", "pages", "organisation"),
    [row[1:] for row in ASSOCIATIONS],
    ids=[row[0] for row in ASSOCIATIONS],
)
def test_a_phone_is_looked_up_where_the_document_or_targets_yaml_says(
    fmt: Format,
    document: str,
    organisations: tuple[OrganisationSpec, ...],
    number: str,
    pages: tuple[str, ...],
    organisation: str | None,
) -> None:
    found = associate(extract(document, fmt), organisations, REGIONS)
    expected = Association(pages, organisation) if pages else Association(reason=NO_ORGANISATION)
    assert found[number] == expected


# (id, as written in targets.yaml, E.164 readings, valid)
CONFIGURED = [
    ("vanity", "1-800-4-CANCER", ("+18004226237",), True),
    ("digits", "0808 808 00 00", ("+448088080000",), True),
    ("international", "+44 808 808 0000", ("+448088080000",), True),
    ("valid in both regions", "800-422-6237", ("+18004226237", "+448004226237"), True),
    ("a short code is no valid number", "116 123", ("+44116123",), False),
    ("not a number", "call us", (), False),
]


@pytest.mark.parametrize(
    ("raw", "readings", "valid"), [row[1:] for row in CONFIGURED], ids=[row[0] for row in CONFIGURED]
)
def test_configured_numbers(raw: str, readings: tuple[str, ...], valid: bool) -> None:
    phones = configured_numbers(raw, REGIONS)
    assert sorted(p.e164 for p in phones) == sorted(readings)
    assert any(is_valid(p.e164) for p in phones) is valid


# -- judging from the pages read ------------------------------------------------------------

PHONE = Phone("+448088080000", "0808 808 0000", "GB")
HOME = "https://www.macmillan.org.uk/"
SUPPORT = "https://www.macmillan.org.uk/support"

# (id, pages read, status, reason, listed_on, found)
JUDGEMENTS = [
    (
        "listed on the second page",
        [Listing(SUPPORT, SUPPORT), Listing(HOME, HOME, frozenset({"+448088080000"}))],
        Status.CONFIRMED,
        f"listed on {HOME}",
        HOME,
        (),
    ),
    (
        "listed on the page a redirect led to",
        [Listing(SUPPORT, HOME + "get-support", frozenset({"+448088080000"}))],
        Status.CONFIRMED,
        f"listed on {HOME}get-support",
        HOME + "get-support",
        (),
    ),
    (
        "another number instead",
        [Listing(SUPPORT, SUPPORT, frozenset({"+448088080001"})), Listing(HOME, HOME, frozenset({"+442072508271"}))],
        Status.UNCONFIRMED,
        f"not listed on {SUPPORT} or {HOME}; they list +442072508271, +448088080001",
        None,
        ("+442072508271", "+448088080001"),
    ),
    (
        "no number at all, one page unreadable",
        [Listing(SUPPORT, failure="the server answered 404"), Listing(HOME, HOME)],
        Status.UNCONFIRMED,
        f"not listed on {HOME}; they list no phone number; could not read {SUPPORT} (the server answered 404)",
        None,
        (),
    ),
    (
        "no page could be read",
        [Listing(SUPPORT, failure="connection refused"), Listing(HOME, failure="connection refused")],
        Status.UNCHECKED,
        f"could not read the pages to look it up on: {SUPPORT} (connection refused); {HOME} (connection refused)",
        None,
        (),
    ),
]


@pytest.mark.parametrize(
    ("listings", "status", "reason", "listed_on", "found"),
    [row[1:] for row in JUDGEMENTS],
    ids=[row[0] for row in JUDGEMENTS],
)
def test_judge(
    listings: list[Listing], status: Status, reason: str, listed_on: str | None, found: tuple[str, ...]
) -> None:
    verdict = judge(PHONE, listings)
    assert (verdict.status, verdict.reason, facts(verdict).listed_on, facts(verdict).found) == (
        status,
        reason,
        listed_on,
        found,
    )


# -- against the fake web ---------------------------------------------------------------------

FAST = CheckSettings(timeout=1, retries=0, host_request_interval=0)


def sites() -> dict:
    return {
        "www.cancer.gov": {
            "/": page(
                "<title>National Cancer Institute</title><h1>NCI</h1>"
                "<p>The Cancer Information\n Service answers on 1-800-422-6237.</p>"
            ),
            "/contact": page("<title>Contact</title><p>Call us on 1-800-4-CANCER, TTY 1-800-332-8615.</p>"),
            "/about": page("<title>About</title><p>About the NCI.</p>"),
            "*": not_found(),
        },
        "www.1800flowers.com": {
            "/": page("<title>Flowers</title><p>Order on 1-800-FLOWERS.</p>"),
            "*": not_found(),
        },
        "www.macmillan.org.uk": {
            "/": page('<title>Macmillan</title><p><a href="tel:+448088080000">Call the support line</a></p>'),
            "*": not_found(),
        },
        "www.sarcoma.org.uk": {
            "/": page("<title>Sarcoma UK</title><p>Our new support line: 0808 801 0401; office 020 7250 8271.</p>"),
            "*": not_found(),
        },
        "www.sarcoma-support.org": {
            "/": page("<title>Best online casino</title><p>Play now!</p>"),
            "/help": page("<title>Casino help</title><p>Bonus codes.</p>"),
            "*": not_found(),
        },
        "sarcoma-support.org": {"/gone": not_found(), "*": page("<title>Best online casino</title><p>Play now!</p>")},
        "www.helpline.example.org": {
            "/numbers.txt": page("Helpline: 0300 123 1234\n", content_type="text/plain"),
            "*": not_found(),
        },
        "down.example.org": refused(),
    }


LEAFLET = """\
# Where to get help

National Cancer Institute: 1-800-4-CANCER (https://www.cancer.gov/contact).

Flowers for a friend: 1-800-356-9377, https://www.1800flowers.com/help

Macmillan support line 0808 808 00 00, https://www.macmillan.org.uk/

Sarcoma UK support line: 0808 802 0000 (https://www.sarcoma.org.uk/).

[Call 555-0100](tel:+15550100) for the test line.

Helpline 0800 111 4444, open every day.

Text line: 0300 123 1234 (https://www.helpline.example.org/numbers.txt)

Local group: 0800 028 0000, https://down.example.org/help

Sarcoma Support: https://www.sarcoma-support.org/help and https://sarcoma-support.org/ (https://sarcoma-support.org/gone)

NCI in brief: https://www.cancer.gov/about
"""


def run_check(
    text: str, organisations: tuple[OrganisationSpec, ...], fmt: Format = Format.MARKDOWN
) -> tuple[CheckRun, list]:
    async def go() -> tuple[CheckRun, list]:
        async with FakeWeb(sites()) as web:
            run = await check_references(
                extract(text, fmt),
                FAST,
                resolver=web.resolver,
                ssl=web.client_ssl,
                organisations=organisations,
                regions=REGIONS,
            )
            return run, list(web.requests)

    return asyncio.run(go())


def verdicts(run: CheckRun) -> dict[str, Verdict]:
    return {ref.target.key: verdict for ref, verdict in ((c.reference, c.verdict) for c in run.results)}


@pytest.fixture(scope="module")
def leaflet_run() -> tuple[CheckRun, list]:
    return run_check(LEAFLET, (NCI, TAKEN_OVER))


# (id, phone, status, words in the reason, listed_on, found)
PHONES = [
    (
        "vanity in the document, digits on the page",
        "+18004226237",
        Status.CONFIRMED,
        "listed on https://www.cancer.gov/",
        "https://www.cancer.gov/",
        (),
    ),
    (
        "digits in the document, vanity on the page",
        "+18003569377",
        Status.CONFIRMED,
        "listed on https://www.1800flowers.com/",
        "https://www.1800flowers.com/",
        (),
    ),
    (
        "a tel: link on the page",
        "+448088080000",
        Status.CONFIRMED,
        "listed on https://www.macmillan.org.uk/",
        "https://www.macmillan.org.uk/",
        (),
    ),
    (
        "the organisation lists another number",
        "+448088020000",
        Status.UNCONFIRMED,
        "not listed on https://www.sarcoma.org.uk/; they list +442072508271, +448088010401",
        None,
        ("+442072508271", "+448088010401"),
    ),
    (
        "a plain-text page",
        "+443001231234",
        Status.CONFIRMED,
        "listed on https://www.helpline.example.org/numbers.txt",
        "https://www.helpline.example.org/numbers.txt",
        (),
    ),
    ("not a valid number", "+15550100", Status.INVALID, "555-0100 is not a valid phone number (+15550100)", None, ()),
    ("no organisation, no web address beside it", "+448001114444", Status.UNCHECKED, NO_ORGANISATION, None, ()),
    (
        "the organisation's pages are down",
        "+448000280000",
        Status.UNCHECKED,
        "could not read the pages to look it up on: https://down.example.org/help (",
        None,
        (),
    ),
]


@pytest.mark.parametrize(
    ("number", "status", "words", "listed_on", "found"), [row[1:] for row in PHONES], ids=[row[0] for row in PHONES]
)
def test_phone_verdicts(
    leaflet_run: tuple[CheckRun, list],
    number: str,
    status: Status,
    words: str,
    listed_on: str | None,
    found: tuple[str, ...],
) -> None:
    verdict = verdicts(leaflet_run[0])[number]
    assert verdict.status is status, verdict.reason
    assert words in verdict.reason
    assert (facts(verdict).listed_on, facts(verdict).found) == (listed_on, found)


def test_the_nci_number_is_looked_up_on_the_pages_targets_yaml_names() -> None:
    # Explicitly NCI's (targets.yaml): its url first, which lists the digits.
    assert verdicts(run_check("1-800-4-CANCER", (NCI,), Format.TEXT)[0])["+18004226237"].status is Status.CONFIRMED
    unlisted = verdicts(run_check("1-800-4-CANCER", (), Format.TEXT)[0])["+18004226237"]
    assert (unlisted.status, unlisted.reason) == (Status.UNCHECKED, NO_ORGANISATION)


def test_each_organisation_page_is_fetched_once(leaflet_run: tuple[CheckRun, list]) -> None:
    _, requests = leaflet_run
    asked = [(r.host, r.path_qs) for r in requests]
    # The NCI home page: the expected text, the home page of /contact and of /about, one request.
    assert asked.count(("www.cancer.gov", "/")) == 1
    # /contact: the link check and the phone lookup share one request (issue 16: one fetch per address).
    assert asked.count(("www.cancer.gov", "/contact")) == 1


def test_two_phones_share_their_organisation_pages() -> None:
    text = "1-800-4-CANCER https://www.cancer.gov/contact\n\nTTY 1-800-332-8615 https://www.cancer.gov/about"
    run, requests = run_check(text, (), Format.TEXT)
    found = verdicts(run)
    assert facts(found["+18004226237"]).listed_on == "https://www.cancer.gov/contact"
    # The TTY number is on /contact, but the document puts it beside /about: the home page lists the helpline only.
    assert (found["+18003328615"].status, facts(found["+18003328615"]).found) == (Status.UNCONFIRMED, ("+18004226237",))
    assert [(r.host, r.path_qs) for r in requests].count(("www.cancer.gov", "/")) == 1


EXPECTED_MISSING = (
    Finding(FindingKind.EXPECTED_TEXT_MISSING, "https://www.sarcoma-support.org/ no longer mentions 'Sarcoma Support'"),
)


# (id, reference, findings)
EXPECTED_TEXT = [
    ("still mentioned (case and spaces aside)", "https://www.cancer.gov/contact", ()),
    ("taken over", "https://www.sarcoma-support.org/help", EXPECTED_MISSING),
    ("taken over, without www.", "https://sarcoma-support.org/", EXPECTED_MISSING),
    ("a dead page says enough", "https://sarcoma-support.org/gone", ()),
    ("another site", "https://www.macmillan.org.uk/", ()),
]


@pytest.mark.parametrize(("url", "findings"), [row[1:] for row in EXPECTED_TEXT], ids=[row[0] for row in EXPECTED_TEXT])
def test_expected_text_missing(leaflet_run: tuple[CheckRun, list], url: str, findings: tuple[Finding, ...]) -> None:
    verdict = verdicts(leaflet_run[0])[url]
    assert verdict.findings == findings, verdict


def test_check_sources_with_organisations(tmp_path: Path) -> None:
    leaflet = tmp_path / "leaflet.txt"
    leaflet.write_text(
        "Cancer Information Service\n1-800-4-CANCER\n\nSarcoma UK: 0808 802 0000\nhttps://www.sarcoma.org.uk/\n"
    )

    async def go() -> dict[str, Verdict]:
        async with FakeWeb(sites()) as web:
            audit = await check_sources(
                [Source(str(leaflet), leaflet, None)],
                FAST,
                REGIONS,
                resolver=web.resolver,
                ssl=web.client_ssl,
                organisations=(NCI,),
            )
        return verdicts(audit.run)

    found = asyncio.run(go())
    assert (found["+18004226237"].status, facts(found["+18004226237"]).listed_on) == (
        Status.CONFIRMED,
        "https://www.cancer.gov/",
    )
    assert (found["+448088020000"].status, facts(found["+448088020000"]).found) == (
        Status.UNCONFIRMED,
        ("+442072508271", "+448088010401"),
    )
    assert found["https://www.sarcoma.org.uk/"].status is Status.OK


def test_without_organisations_a_lone_phone_is_unchecked() -> None:
    ref = Reference(Phone("+448001114444", "0800 111 4444", "GB"), "0800 111 4444", ())
    assert associate([ref, Reference(Url("https://www.cancer.gov/"), "x", ())], (), REGIONS) == {
        "+448001114444": Association(reason=NO_ORGANISATION)
    }
