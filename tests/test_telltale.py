"""The detectors' shortcuts change no verdict: with every shortcut open, the same answers.

"Full" below is a detector run with the shared scan (:mod:`auditor.check.telltale`)
always saying "maybe" and the other word gates open, which is the detector as it was
before the shortcuts; "quick" is the detector as it runs. They must agree on every
page of the detectors' own tables, on plain pages without a tell-tale word, and on
generated pages that hide the words behind tags, character references, odd letter
cases and the detectors' cut-off points.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor.check import botwall, decide, parking, soft404, telltale
from auditor.check.page import Page
from auditor.check.redirects import Trail
from tests import test_detectors as tables
from tests.test_detectors import HTML, page

_REAL_SCAN = telltale.scan
_NOW = datetime(2026, 1, 1, tzinfo=UTC)


@contextmanager
def _shortcuts_closed(mp: pytest.MonkeyPatch) -> Iterator[None]:
    """Every word gate says "maybe": the detectors do all their work."""

    def unsure(p: Page) -> telltale.Telltales:
        seen = _REAL_SCAN(p)
        return telltale.Telltales(seen.title, seen.markup, seen.text, unsure=True)

    with mp.context() as m:
        m.setattr(telltale, "scan", unsure)
        m.setattr(telltale, "any_in", lambda words, text: True)
        m.setattr(parking, "_MARKET_NAMES", ("",))
        yield


def _answers(p: Page, probe: Page | None = None) -> tuple[object, ...]:
    trail = Trail((), p, p.url)
    verdict = replace(decide.decide(p.url, trail, retries=0, probe=probe), checked_at=_NOW)
    return (
        botwall.challenge(p),
        parking.parked(p),
        soft404.error_page(p),
        soft404.similar(p, probe) if probe is not None else None,
        verdict,
    )


def _full(p: Page, probe: Page | None = None) -> tuple[object, ...]:
    with pytest.MonkeyPatch.context() as mp, _shortcuts_closed(mp):
        return _answers(p, probe)


def _same(p: Page, probe: Page | None = None) -> None:
    quick = _answers(p, probe)
    assert quick == _full(p, probe)


_PLAIN = (
    tables.site(
        "Sarcoma Support",
        "<h1>Living with sarcoma</h1>" + "".join(f"<p>{p}</p>" for p in tables._SARCOMA_PARAGRAPHS[4:]),
    )
    .replace('var notFound = "page not found";', "")
    .replace("Can't find what you need? ", "")
)
_TABLE_PAGES: list[tuple[str, Page]] = [
    *((f"error page: {c[0]}", c[1]) for c in tables.ERROR_PAGES),
    *((f"genuine: {c[0]}", c[1]) for c in tables.GENUINE_PAGES),
    *((f"parked: {c[0]}", c[1]) for c in tables.PARKED),
    *((f"ordinary: {c[0]}", c[1]) for c in tables.ORDINARY),
    *((f"challenge: {c[0]}", c[1]) for c in tables.CHALLENGES),
    *((f"no challenge: {c[0]}", c[1]) for c in tables.NOT_CHALLENGES),
    ("plain page", page(_PLAIN)),
    ("plain page, refused", page(_PLAIN, status=403)),
    ("plain text", Page("https://a.example/x", 200, {"content-type": "text/plain"}, b"", "Just words.", "")),
    ("empty", page("")),
]


@pytest.mark.parametrize("answer", [c[1] for c in _TABLE_PAGES], ids=[c[0] for c in _TABLE_PAGES])
def test_the_tables_pages_get_the_same_answers(answer: Page) -> None:
    _same(answer)


@pytest.mark.parametrize(("a", "b"), [c[1:3] for c in tables.SIMILAR], ids=[c[0] for c in tables.SIMILAR])
def test_similar_pages_get_the_same_answers(a: Page, b: Page) -> None:
    _same(a, b)
    _same(b, a)


def test_a_plain_page_is_not_searched_by_any_detector() -> None:
    seen = telltale.scan(page(_PLAIN))
    assert not seen.in_text(botwall.TELLTALES)
    assert not seen.in_text(parking.TEXT_TELLTALES) and not seen.in_markup(parking.MARKUP_TELLTALES)
    assert not seen.in_text(soft404.TELLTALES) and not seen.in_title(soft404.TELLTALES)


def test_identical_text_is_similar_without_difflib(monkeypatch: pytest.MonkeyPatch) -> None:
    body = "".join(f"<p>{p}</p>" for p in tables._SARCOMA_PARAGRAPHS)
    a = page(tables.site("Sarcoma Support", body))
    b = page(tables.site("Sarcoma Support", body.upper()), url="https://www.example.org/x")

    def no_difflib(*args: object, **kwargs: object) -> None:
        raise AssertionError("difflib ran")

    monkeypatch.setattr(soft404, "SequenceMatcher", no_difflib)
    assert soft404.similar(a, a) and soft404.similar(a, b)  # same words, case set aside


@pytest.mark.parametrize(
    ("text", "unsure"),
    [
        ("x" * 300_000, False),
        ("x" * 199_990 + "&#102;" + "x" * 200_000, True),  # a reference cut in two at 200,000
        ("x" * 299_990 + "&amp;" + "x" * 10, True),
        ("x" * 199_990 + "&#102;", False),  # the whole page is read: nothing is cut
    ],
    ids=["no reference", "reference at the bot-wall cut", "reference at the parking cut", "short page"],
)
def test_a_reference_at_a_cut_makes_the_scan_unsure(text: str, unsure: bool) -> None:
    assert telltale.scan(page(text)).unsure is unsure


def test_letters_a_case_blind_pattern_folds_are_folded() -> None:
    seen = telltale.scan(page("<p>Pl\u0130ase w\u0131ll, \u017fedo KELVIN \u212a</p>"))
    assert "pliase" in seen.text and "will" in seen.text and "sedo" in seen.text and "kelvin k" in seen.text


# Generated pages: tell-tale words and their neighbours, written every way a page can write them.
_WORDS = sorted(
    {*botwall.TELLTALES, *parking.MARKUP_TELLTALES, *parking.TEXT_TELLTALES, *soft404.TELLTALES}
    | {"page not found", "not found", "domain is for sale", "Just a moment", "are you a robot", "Error 404"}
    | {"Reference #18.2f.1.3", "sponsored listings", "this page does not exist", "no encontrado"}
)


def _written(word: str, how: int) -> str:
    if how == 1:
        return word.upper()
    if how == 2:  # character references
        return "".join(f"&#{ord(c)};" if i % 2 else c for i, c in enumerate(word))
    if how == 3:  # a tag inside the word
        return f"{word[:2]}<b>{word[2:]}</b>"
    if how == 4:  # letters re.IGNORECASE folds but str.lower does not
        return word.replace("i", "\u0131").replace("s", "\u017f").replace("k", "\u212a")
    if how == 5:
        return html.escape(word)
    return word


_SNIPPETS = [
    " ", "\n", "<p>", "</p>", "<h1>", "</h1>", "<h2>", "</h2>", "<title>", "</title>", "<main>", "</main>",
    "<script>", "</script>", '<script src="https://', '"></script>', "<nav>", "</nav>", "&amp;", "&",
    "&not", "Sarcoma care and treatment. ", "?", ".", "404", "https://sedo.com/search/details/?domain=x",
]  # fmt: skip
_PIECE = st.one_of(
    st.builds(_written, st.sampled_from(_WORDS), st.integers(0, 5)),
    st.sampled_from(_SNIPPETS),
    st.text(max_size=8),
)


@st.composite
def _pages(draw: Callable[..., object]) -> Page:
    markup = "".join(draw(st.lists(_PIECE, max_size=25)))  # type: ignore[arg-type]
    title = " ".join("".join(draw(st.lists(_PIECE, max_size=3))).split())  # type: ignore[arg-type]
    status = draw(st.sampled_from([200, 200, 200, 403, 404, 503]))
    kind = draw(st.sampled_from(["text/html", "text/html", "text/plain", ""]))
    headers = HTML | {"content-type": kind} if kind else {}
    url = str(draw(st.sampled_from(["https://www.example.org/info/a", "https://www.hugedomains.com/domain/x.org"])))
    return Page(url, status, headers, markup.encode(errors="replace"), markup, title)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_pages(), _pages())
def test_generated_pages_get_the_same_answers(a: Page, b: Page) -> None:
    _same(a, b)


_MENTIONS = [
    "not found", "NOT FOUND", "fOUND", "no existe", "n'existe pas", "Nicht gefunden", "non trovato", "esiste",
    "esistesiste", "non esiste", "no longer exists", "404", "4040", "_404", "\u0130", "\u0131", "\u017f", " ", "x", ".",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_MENTIONS), max_size=14))
def test_counting_mentions_of_errors_is_the_regular_expressions_count(pieces: list[str]) -> None:
    text = "".join(pieces)
    codes = len(re.findall(r"(?<!\w)404(?!\w)", text))
    assert soft404._codes(text) == codes
    assert soft404._is_article(text) is (len(soft404._FAILURE.findall(text)) + codes >= soft404.ARTICLE_MENTIONS)
