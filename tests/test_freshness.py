"""Content freshness: a page's own date, whether it is stale, and whether it is still the same page."""

from __future__ import annotations

import asyncio
import datetime as dt
import threading

import pytest

from auditor.check import freshness
from auditor.check.freshness import (
    content_changed,
    fingerprint,
    is_html,
    page_facts,
    reread,
    similarity,
    stale,
    title_changed,
)
from auditor.check.page import Page
from auditor.check.settings import CheckSettings
from auditor.fakeweb import FakeWeb, not_found, page, redirect
from auditor.pipeline import check_references
from auditor.verdict import CheckRun, Finding, FindingKind, PageFacts, Status
from tests.conftest import extract

TODAY = dt.date(2026, 1, 15)
HTML = {"content-type": "text/html; charset=utf-8"}

ARTICLE = [
    "Soft tissue sarcoma is a rare cancer that starts in the tissues that connect, support and surround the body.",
    "It can develop in muscle, fat, blood vessels, nerves, tendons and the lining of joints.",
    "Most sarcomas are found in the arms and legs, but they may grow almost anywhere.",
    "The most common sign is a painless lump that slowly gets bigger over weeks or months.",
    "A lump deeper than the skin, or larger than a golf ball, should always be checked by a doctor.",
    "Your family doctor will examine the lump and may arrange an ultrasound scan at a local clinic.",
    "If the scan is unclear you will be referred to a specialist sarcoma centre for further tests.",
    "A biopsy takes a small piece of tissue so that a pathologist can look at the cells under a microscope.",
    "Magnetic resonance imaging shows the size of the tumour and how close it is to nearby structures.",
    "A computerised tomography scan of the chest checks whether the cancer has spread to the lungs.",
    "The results help the team decide the stage and grade of the cancer, which guide the treatment plan.",
    "Surgery to remove the tumour with a margin of healthy tissue is the main treatment for most people.",
    "Radiotherapy may be given before the operation to shrink the tumour, or afterwards to stop it coming back.",
    "Chemotherapy is used for some types of sarcoma, and when the cancer has spread to other organs.",
    "Newer targeted drugs block the signals that particular sarcoma cells need in order to grow.",
    "Clinical trials compare new treatments with the best current care, and you can ask whether one suits you.",
    "After surgery on a limb, physiotherapy helps you regain strength, movement and confidence.",
    "Some people need an artificial joint, a bone graft or reconstructive surgery with skin and muscle.",
    "Tiredness is common during treatment and can last for several months after it has finished.",
    "Your specialist nurse can explain side effects and suggest practical ways of coping at home.",
    "Eating a balanced diet and staying gently active often make recovery easier.",
    "Many people feel anxious while they wait for results, and talking about worries can help.",
    "Support groups meet in person and online, and welcome patients, partners, families and carers.",
    "Financial advisers can help with benefits, travel costs to hospital and questions about work.",
    "After treatment you will have regular appointments and scans to check that the cancer has not returned.",
    "Follow-up is usually every three months at first, then less often as time goes on.",
    "Tell your team straight away about any new lump, lasting pain or breathlessness between appointments.",
    "Children and young adults with sarcoma are cared for by teams with experience of their age group.",
    "Research into the genetics of sarcoma is helping doctors choose more precise treatments.",
    "Our nurses answer questions on the free helpline from nine in the morning until five on weekdays.",
]
PARKED = (
    "<title>sarcoma-help.com is for sale</title><h1>This domain is for sale</h1>"
    "<p>Buy sarcoma-help.com today at HugeDomains.com. Make an offer now. Financing available. "
    "Related searches: cancer treatment, health insurance, medical help.</p>"
)


def document(body: str = "", head: str = "", sentences: list[str] | None = None) -> str:
    """A page with a menu and a footer around its article (``sentences``) and ``body``."""
    paragraphs = "".join(f"<p>{s}</p>" for s in (sentences if sentences is not None else ARTICLE[:3]))
    return (
        f"<!doctype html><html><head><title>Soft tissue sarcoma</title>{head}</head><body>"
        "<nav><a href='/'>Home</a> <a href='/about'>About us</a> <a href='/donate'>Donate</a></nav>"
        f"<main><h1>Soft tissue sarcoma</h1>{paragraphs}{body}</main>"
        "<footer>\u00a9 2009 Sarcoma charity. Registered charity 1234567.</footer></body></html>"
    )


def answer(markup: str, headers: dict[str, str] | None = None, title: str = "Soft tissue sarcoma") -> Page:
    return Page("https://www.example.org/sarcoma", 200, headers or HTML, markup.encode(), markup, title)


def json_ld(data: str) -> str:
    return f'<script type="application/ld+json">{data}</script>'


def meta(kind: str, name: str, content: str) -> str:
    return f'<meta {kind}="{name}" content="{content}">'


OLD_HEADER = {**HTML, "last-modified": "Mon, 01 Feb 2010 10:00:00 GMT"}

# (id, head, body, headers, date, date_source)
DATES = [
    ("json-ld dateModified", json_ld('{"@type": "WebPage", "dateModified": "2014-07-08T09:00:00Z"}'), "", HTML,
     "2014-07-08", "json-ld"),
    ("json-ld lastReviewed in a @graph", json_ld('{"@graph": [{"@type": "Organization"}, '
     '{"@type": "MedicalWebPage", "lastReviewed": "2015-02-03", "datePublished": "2009-01-01"}]}'), "", HTML,
     "2015-02-03", "json-ld"),
    ("json-ld that is not valid JSON", json_ld('{"dateModified": "2014-07-08",}'), "", HTML, "2014-07-08", "json-ld"),
    ("meta article:modified_time", meta("property", "article:modified_time", "2011-03-14T10:00:00+00:00"), "", HTML,
     "2011-03-14", "meta"),
    ("meta og:updated_time", meta("property", "og:updated_time", "2012-04-01T10:00:00+00:00"), "", HTML,
     "2012-04-01", "meta"),
    ("meta dcterms.modified", meta("name", "dcterms.modified", "2013-05-02"), "", HTML, "2013-05-02", "meta"),
    ("meta last-modified, another form", meta("name", "last-modified", "14/03/2011"), "", HTML, "2011-03-14", "meta"),
    ("microdata dateModified", "", '<p>Updated <time itemprop="dateModified" datetime="2016-09-10">10 Sep</time></p>',
     HTML, "2016-09-10", "meta"),
    ("Last reviewed text", "", "<p>Last reviewed: 14 March 2011</p>", HTML, "2011-03-14", "text"),
    ("Page last updated text", "", "<p>Page last updated 3 May 2019</p>", HTML, "2019-05-03", "text"),
    ("Updated, US style, across elements", "", "<dl><dt>Updated:</dt><dd>March 14, 2011</dd></dl>", HTML,
     "2011-03-14", "text"),
    ("a month only keeps its precision", "", "<p>Reviewed: June 2014</p>", HTML, "2014-06", "text"),
    ("the latest of several statements", "", "<p>Updated 14 March 2011.</p><p>Updated 2 June 2015.</p>", HTML,
     "2015-06-02", "text"),
    ("Last-Modified header only", "", "", OLD_HEADER, "2010-02-01", "last-modified"),
    ("trust: json-ld over meta, text, header", json_ld('{"dateModified": "2014-07-08"}')
     + meta("property", "article:modified_time", "2012-01-01"), "<p>Last reviewed: 14 March 2011</p>", OLD_HEADER,
     "2014-07-08", "json-ld"),
    ("trust: meta over text and header", meta("property", "article:modified_time", "2012-01-01"),
     "<p>Last reviewed: 14 March 2016</p>", OLD_HEADER, "2012-01-01", "meta"),
    ("trust: text over the header", "", "<p>Last reviewed: 14 March 2011</p>", OLD_HEADER, "2011-03-14", "text"),
    ("no date at all", "", "<p>Call us on 0800 123 456.</p>", HTML, None, None),
    ("a publication date says nothing of upkeep", meta("property", "article:published_time", "2010-01-01")
     + json_ld('{"datePublished": "2010-01-01"}'), "<p>Published 4 January 2010</p>", HTML, None, None),
    ("no guess from the canonical URL", '<link rel="canonical" href="https://www.example.org/2011/03/14/sarcoma">', "",
     HTML, None, None),
    ("no guess from a date in the text", "", "<ul class='news'><li>3 March 2019: we moved</li></ul>", HTML, None, None),
    ("a copyright year is no review", "", "<p>Last updated: \u00a9 2009 Sarcoma charity</p>", HTML, None, None),
    ("a next review date is a plan", "", "<p>Next review date: 1 January 2012</p>", HTML, None, None),
    ("future dates are ignored", meta("property", "article:modified_time", "2031-01-01"),
     "<p>Last updated 14 March 2031</p>", {**HTML, "last-modified": "Wed, 01 Jan 2031 10:00:00 GMT"}, None, None),
    ("words in scripts are not text", "", "<script>var updated = '2010-01-01';</script>", HTML, None, None),
]  # fmt: skip


@pytest.mark.parametrize(
    ("head", "body", "headers", "date", "source"), [c[1:] for c in DATES], ids=[c[0] for c in DATES]
)
def test_page_date(head: str, body: str, headers: dict[str, str], date: str | None, source: str | None) -> None:
    facts = page_facts(answer(document(body, head), headers), today=TODAY)
    assert (facts.date, facts.date_source) == (date, source)


def test_a_page_without_a_date_is_not_dated_today() -> None:
    # htmldate falls back on guesses; the real today must not turn up either.
    facts = page_facts(answer(document("<p>Open every day.</p>")))
    assert facts.date is None


def test_facts_carry_the_title_and_the_validators_for_the_next_run() -> None:
    headers = {**HTML, "etag": '"abc123"', "last-modified": "Mon, 14 Mar 2011 10:00:00 GMT"}
    facts = page_facts(answer(document(), headers), today=TODAY)
    assert (facts.title, facts.etag, facts.last_modified) == (
        "Soft tissue sarcoma",
        '"abc123"',
        "Mon, 14 Mar 2011 10:00:00 GMT",
    )
    assert page_facts(answer(document(), title=""), today=TODAY).title is None


@pytest.mark.parametrize(
    "markup",
    ["", "   ", "\x00\x01 binary \x00", "<html>", "<p>unclosed <b>tags", "<" * 10_000],
    ids=["empty", "blank", "nul bytes", "bare html", "broken markup", "many brackets"],
)
def test_odd_pages_give_facts_without_failing(markup: str) -> None:
    facts = page_facts(answer(markup, title=""), today=TODAY)
    assert facts.date is None


# (id, date, source, days until stale, finding's date or None)
STALE = [
    ("reviewed 2011: stale", "2011-03-14", "text", 1095, "2011-03-14"),
    ("exactly the limit: not yet", (TODAY - dt.timedelta(days=1095)).isoformat(), "meta", 1095, None),
    ("a day past the limit", (TODAY - dt.timedelta(days=1096)).isoformat(), "meta", 1095,
     (TODAY - dt.timedelta(days=1096)).isoformat()),
    ("a month counts to its last day", "2023-01", "text", 1095, None),
    ("a month long past", "2014-06", "text", 1095, "2014-06"),
    ("a year counts to its end", "2023", "text", 1095, None),
    ("a year long past", "2011", "text", 1095, "2011"),
    ("recent", "2025-12-01", "json-ld", 1095, None),
    ("no date", None, None, 1095, None),
]  # fmt: skip


@pytest.mark.parametrize(("date", "source", "after", "expected"), [c[1:] for c in STALE], ids=[c[0] for c in STALE])
def test_stale(date: str | None, source: str | None, after: int, expected: str | None) -> None:
    finding = stale(PageFacts(date=date, date_source=source), today=TODAY, after_days=after)
    assert (finding.date if finding else None) == expected
    if finding is not None:
        assert finding.kind is FindingKind.STALE


def test_a_stale_finding_says_when_and_how_we_know() -> None:
    finding = stale(PageFacts(date="2011-03-14", date_source="text"), today=TODAY, after_days=1095)
    assert finding == Finding(
        FindingKind.STALE, "last updated 2011-03-14 (14 years ago, says its text)", date="2011-03-14"
    )


def article_fingerprint(sentences: list[str]) -> str:
    value = page_facts(answer(document(sentences=sentences)), today=TODAY).fingerprint
    assert value is not None
    return value


def edited(at: int) -> list[str]:
    return [*ARTICLE[:at], "Treatment is arranged by the specialist team that looks after you.", *ARTICLE[at + 1 :]]


def test_the_same_page_has_the_same_fingerprint() -> None:
    a = article_fingerprint(ARTICLE)
    way, _, bits = a.partition(":")  # how the main text was taken, then 64 bits in hex
    assert way == freshness.MAIN_TEXT and len(bits) == 16 and int(bits, 16) >= 0
    assert similarity(a, article_fingerprint(ARTICLE)) == 1.0


def test_fingerprints_are_stable_across_runs() -> None:
    # History compares this run's fingerprints with last week's, from another process:
    # the hash must not depend on PYTHONHASHSEED (nor change silently with a library upgrade).
    assert fingerprint("Soft tissue sarcoma is a rare cancer of the connective tissues.") == "74fc03bafe17c202"


@pytest.mark.parametrize("at", [0, 9, 18, 27], ids=lambda at: f"sentence {at + 1} of {len(ARTICLE)} rewritten")
def test_a_small_edit_keeps_the_fingerprint_close(at: int) -> None:
    assert similarity(article_fingerprint(ARTICLE), article_fingerprint(edited(at))) > 0.9


def test_menus_and_footers_do_not_count() -> None:
    plain = article_fingerprint(ARTICLE)
    other_chrome = page_facts(answer(document(sentences=ARTICLE).replace("Donate", "Shop")), today=TODAY)
    assert other_chrome.fingerprint == plain


@pytest.mark.parametrize(
    "other",
    [PARKED, "<h1>Welcome to the Sarcoma charity</h1><p>We fund research, support patients and families, and "
     "campaign for faster diagnosis. Donate today, join an event, or read our latest news.</p>"],
    ids=["a parked domain", "the charity's home page"],
)  # fmt: skip
def test_a_different_page_is_far(other: str) -> None:
    far = page_facts(answer(other), today=TODAY).fingerprint
    assert far is not None
    assert similarity(article_fingerprint(ARTICLE), far) < 0.75


@pytest.mark.parametrize(
    "text",
    [" ".join(ARTICLE), ARTICLE[0], "Sarcoma", "a b c", "Ça coûte 3 €, n'est-ce pas ?", "東京の病院。大阪の病院。",
     "word " * 5000, "…—!?"],
    ids=["an article", "a sentence", "one word", "only short words", "accents and punctuation", "no spaces",
         "one word 5,000 times", "no word"],
)  # fmt: skip
def test_the_fingerprint_is_trafilaturas_simhash(text: str) -> None:
    # Computed faster here, it must stay the very value trafilatura gives: histories hold it.
    from trafilatura.deduplication import Simhash

    expected = f"{Simhash(text.casefold(), length=64).hash:016x}" if any(c.isalnum() for c in text) else None
    assert fingerprint(text) == expected


def test_a_page_without_words_has_no_fingerprint() -> None:
    assert page_facts(answer("<html><body><img src=logo.png></body></html>"), today=TODAY).fingerprint is None


# (id, previous, current, similarity in the finding or None)
A, B = "ffffffffffffffff", "fffffffffffffff0"  # 4 bits of 64 differ: 0.9375
CONTENT = [
    ("first sight", None, A, None),
    ("no text now", A, None, None),
    ("the same", A, A, None),
    ("close enough", A, B, None),
    ("changed", A, "ffffffff00000000", 0.5),
    ("changed, both taken the fast way", f"2:{A}", "2:ffffffff00000000", 0.5),
    # A fingerprint of the full extraction (before issue 17: no way said) against one of the fast
    # extraction: a new baseline, not a change, however far apart.
    ("taken another way", A, "2:ffffffff00000000", None),
    ("taken another way, the other order", "2:ffffffff00000000", A, None),
]


@pytest.mark.parametrize(("previous", "current", "expected"), [c[1:] for c in CONTENT], ids=[c[0] for c in CONTENT])
def test_content_changed(previous: str | None, current: str | None, expected: float | None) -> None:
    finding = content_changed(previous, current)
    assert (finding.similarity if finding else None) == expected
    if finding is not None:
        assert finding.kind is FindingKind.CONTENT_CHANGED
        assert "50% similar" in finding.detail


def test_a_page_fingerprint_says_how_its_main_text_was_taken() -> None:
    markup = "<html><head><title>Sarcoma</title></head><body><article>" + "<p>Soft tissue sarcoma care.</p>" * 20
    facts = page_facts(
        Page("https://example.org/", 200, {"content-type": "text/html"}, markup.encode(), markup, "Sarcoma")
    )
    assert facts.fingerprint is not None and facts.fingerprint.startswith(f"{freshness.MAIN_TEXT}:")
    assert similarity(facts.fingerprint, facts.fingerprint) == 1.0


def test_the_change_threshold_is_a_parameter() -> None:
    assert content_changed(A, B, threshold=0.95) == Finding(
        FindingKind.CONTENT_CHANGED, "the main text changed since the last run (94% similar)", similarity=0.94
    )


TITLES = [
    ("first sight", None, "Sarcoma", False),
    ("the same", "Soft tissue sarcoma", "Soft tissue sarcoma", False),
    ("case and spacing aside", "Soft tissue  sarcoma", "soft tissue sarcoma", False),
    ("taken over", "Soft tissue sarcoma", "sarcoma-help.com is for sale", True),
    ("no title now", "Soft tissue sarcoma", None, False),
]


@pytest.mark.parametrize(("previous", "current", "changed"), [c[1:] for c in TITLES], ids=[c[0] for c in TITLES])
def test_title_changed(previous: str | None, current: str | None, changed: bool) -> None:
    finding = title_changed(previous, current)
    assert (finding is not None) == changed
    if finding is not None:
        assert finding == Finding(
            FindingKind.TITLE_CHANGED, "the title was “Soft tissue sarcoma”, now “sarcoma-help.com is for sale”"
        )


# Reading a page again: the same body gives the same facts without parsing it.


@pytest.mark.parametrize(("head", "body", "headers"), [case[1:4] for case in DATES], ids=[case[0] for case in DATES])
def test_the_same_body_reread_gives_what_reading_it_gives(head: str, body: str, headers: dict[str, str]) -> None:
    same = answer(document(body, head), headers)
    assert reread(same, page_facts(same, today=TODAY), today=TODAY) == page_facts(same, today=TODAY)


NEW_HEADER = {**HTML, "last-modified": "Tue, 02 Mar 2021 10:00:00 GMT", "etag": '"v2"'}

# (id, markup then, headers then, markup now, headers now, facts read again?)
REREADS = [
    ("the same body and headers", document(), HTML, document(), HTML, False),
    ("a sentence changed", document(), HTML, document(sentences=ARTICLE[1:4]), HTML, True),
    ("only the menu changed", document(), HTML, document().replace("Donate", "Shop"), HTML, True),
    ("another charset", document(), HTML, document(), {"content-type": "text/html; charset=latin-1"}, True),
    ("new validators, same body", document(), OLD_HEADER, document(), NEW_HEADER, False),
]  # fmt: skip


@pytest.mark.parametrize(
    ("then", "headers_then", "now", "headers_now", "read_again"),
    [case[1:] for case in REREADS],
    ids=[case[0] for case in REREADS],
)
def test_a_page_is_read_again_only_when_its_body_changed(
    then: str, headers_then: dict[str, str], now: str, headers_now: dict[str, str], read_again: bool
) -> None:
    known = page_facts(answer(then, headers_then), today=TODAY)
    current = answer(now, headers_now)
    facts = reread(current, known, today=TODAY)
    assert (facts is None) == read_again
    if facts is not None:  # this answer's validators and Last-Modified date, the body's fingerprint
        assert facts == page_facts(current, today=TODAY)


def test_facts_stored_without_a_digest_or_none_at_all_mean_reading() -> None:
    current = answer(document())
    assert reread(current, None) is None
    assert reread(current, PageFacts(title="Soft tissue sarcoma", fingerprint="74fc03bafe17c202")) is None


@pytest.mark.parametrize(
    ("headers", "text", "html"),
    [
        ({"content-type": "text/html; charset=utf-8"}, "<p>x</p>", True),
        ({"content-type": "application/xhtml+xml"}, "<p>x</p>", True),
        ({"content-type": "application/pdf"}, "", False),
        ({"content-type": "text/plain"}, "<html>", False),
        ({}, "  <!DOCTYPE html><html>", True),
        ({}, "%PDF-1.7", False),
    ],
    ids=["html", "xhtml", "pdf", "plain text", "no type, html markup", "no type, pdf"],
)
def test_is_html(headers: dict[str, str], text: str, html: bool) -> None:
    assert is_html(Page("https://www.example.org/x", 200, headers, text.encode(), text, "")) == html


# The engine: a weekly audit reads each healthy page once, in a worker thread.

FAST = CheckSettings(timeout=0.5, retries=1, host_request_interval=0, stale_after_days=1095, page_facts=True)


def sites() -> dict:
    fresh = json_ld(f'{{"dateModified": "{dt.date.today().isoformat()}"}}')
    return {
        "www.example.org": {
            "/reviewed": page(document("<p>Last reviewed: 14 March 2011</p>", sentences=ARTICLE)),
            "/fresh": page(document(head=fresh, sentences=ARTICLE), headers={"ETag": '"v2"'}),
            "/old-link": redirect(301, "/reviewed"),
            "/leaflet.pdf": page(b"%PDF-1.4 not really", content_type="application/pdf"),
            "*": not_found(),
        }
    }


REFERENCES = """
https://www.example.org/reviewed
https://www.example.org/fresh
https://www.example.org/old-link
https://www.example.org/leaflet.pdf
https://www.example.org/gone
"""


def run(settings: CheckSettings) -> CheckRun:
    async def go() -> CheckRun:
        async with FakeWeb(sites()) as web:
            return await check_references(extract(REFERENCES), settings, resolver=web.resolver, ssl=web.client_ssl)

    return asyncio.run(go())


@pytest.fixture
def threads(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, bool]]:
    """Every page_facts call: the page's URL, and whether it ran on the event loop's thread."""
    calls: list[tuple[str, bool]] = []
    real = freshness.page_facts

    def recording(page: Page, **kwargs: object) -> PageFacts:
        calls.append((page.url, threading.current_thread() is threading.main_thread()))
        return real(page)

    monkeypatch.setattr(freshness, "page_facts", recording)
    return calls


def test_a_weekly_audit_reads_each_healthy_page(threads: list[tuple[str, bool]]) -> None:
    results = {c.reference.text: c.verdict for c in run(FAST).results}
    reviewed = results["https://www.example.org/reviewed"]
    assert reviewed.status is Status.OK
    assert reviewed.page is not None
    assert (reviewed.page.title, reviewed.page.date, reviewed.page.date_source) == (
        "Soft tissue sarcoma",
        "2011-03-14",
        "text",
    )
    assert [(f.kind, f.date) for f in reviewed.findings] == [(FindingKind.STALE, "2011-03-14")]

    fresh = results["https://www.example.org/fresh"]
    assert fresh.page is not None and fresh.page.date_source == "json-ld" and fresh.page.etag == '"v2"'
    assert fresh.findings == ()
    assert similarity(fresh.page.fingerprint or "", reviewed.page.fingerprint or "") > 0.9

    moved = results["https://www.example.org/old-link"]
    assert moved.status is Status.MOVED and moved.page == reviewed.page
    assert [f.kind for f in moved.findings] == [FindingKind.STALE]

    assert results["https://www.example.org/leaflet.pdf"].page is None  # not HTML
    assert results["https://www.example.org/gone"].page is None  # not healthy

    # Once per final page (/old-link ends on /reviewed), never on the event loop's thread.
    assert sorted(threads) == [
        ("https://www.example.org/fresh", False),
        ("https://www.example.org/reviewed", False),
    ]


def test_without_stale_after_days_pages_are_read_but_not_judged(threads: list[tuple[str, bool]]) -> None:
    settings = CheckSettings(timeout=0.5, retries=1, host_request_interval=0, page_facts=True)
    reviewed = next(c.verdict for c in run(settings).results if c.reference.text.endswith("/reviewed"))
    assert reviewed.page is not None and reviewed.page.date == "2011-03-14"
    assert reviewed.findings == ()


def test_a_plain_check_reads_nothing_more(threads: list[tuple[str, bool]]) -> None:
    settings = CheckSettings(timeout=0.5, retries=1, host_request_interval=0, stale_after_days=1095)
    results = run(settings).results
    assert [c.verdict.page for c in results] == [None] * len(results)
    assert all(c.verdict.findings == () for c in results)
    assert threads == []
