"""Properties of the address scanner that must hold for any text, checked with hypothesis.

1. Nothing raises, whatever the text, and every match is exactly the slice of the
   text it says it is (``text == source[start:end]``).
2. A web address written in prose is found once, exactly as written: the full stop,
   comma, closing bracket or quote after it is not part of it.
3. The same holds when the address is wrapped in brackets or quotes.
4. Sentences that once broke 2 are kept as plain cases.

Generated prose is words of letters separated by single spaces, so no two words can
join into a domain name by accident; the address is the only dotted thing in it.
"""

from __future__ import annotations

import string

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from auditor.extract.found import finish
from auditor.extract.scan import find_addresses
from auditor.extract.text import extract_text
from auditor.reference import Kind

REGIONS = ["GB", "US"]
PROPERTY = settings(max_examples=200, deadline=None)


# -- strategies ---------------------------------------------------------------------

# Names the scanner, by design, does not read as a site when written bare: a first
# label that is a generic TLD is a package name written backwards
# ("org.apache.commons"), and names like "self" or "numpy" are code ("numpy.ma").
NOT_SITE_NAMES = frozenset(
    "org net gov mil info pro museum mobi jobs travel xyz online site website shop store tech ngo ong io "
    "java javax numpy os sys self this logger logging".split()
)

# A host label: lowercase letters and digits, hyphens only inside. It starts with a
# letter from g to z, so it is never a run of digits (part of a number) nor a long
# hexadecimal string (read as a hash, not a site).
label = st.from_regex(r"[g-z][a-z0-9]{2,9}(?:-[a-z0-9]{1,5})?", fullmatch=True).filter(
    lambda name: name not in NOT_SITE_NAMES
)

# Suffixes a bare name is read as an address with (old generic TLDs and UK second
# levels); a scheme or "www." makes any public suffix an address.
BARE_SUFFIXES = ["org.uk", "co.uk", "ac.uk", "org", "com", "net"]
ANY_SUFFIXES = [*BARE_SUFFIXES, "gov", "nhs.uk", "de", "fr", "info", "help", "health"]

segment = st.from_regex(r"[a-z0-9][a-z0-9-]{0,8}", fullmatch=True)
path = st.builds(
    lambda parts, slash: "".join("/" + p for p in parts) + ("/" if slash and parts else ""),
    st.lists(segment, max_size=3),
    st.booleans(),
)


@st.composite
def scheme_url(draw: st.DrawFn) -> str:
    scheme = draw(st.sampled_from(["https", "http"]))
    labels = draw(st.lists(label, min_size=1, max_size=3))
    suffix = draw(st.sampled_from(ANY_SUFFIXES))
    tail = draw(path) or draw(st.sampled_from(["", "/"]))
    return f"{scheme}://{'.'.join(labels)}.{suffix}{tail}"


@st.composite
def www_address(draw: st.DrawFn) -> str:
    return f"www.{draw(label)}.{draw(st.sampled_from(ANY_SUFFIXES))}{draw(path)}"


@st.composite
def bare_domain(draw: st.DrawFn) -> str:
    return f"{draw(label)}.{draw(st.sampled_from(BARE_SUFFIXES))}{draw(path)}"


address = st.one_of(scheme_url(), www_address(), bare_domain())

# "AT" right before a bare domain spells out an e-mail address ("jane AT host.org").
word = st.text(alphabet=string.ascii_letters, min_size=1, max_size=10).filter(lambda w: w != "AT")
prose = st.lists(word, max_size=8).map(" ".join)

TRAILING = ".,;:!?)\"'"
trailing = st.text(alphabet=TRAILING, max_size=4)


def sentence(before: str, written: str, after: str) -> str:
    """``written`` between two stretches of prose, with spaces around it."""
    return " ".join(part for part in (before, written, after) if part)


def only_address(text: str) -> str:
    """The one address ``find_addresses`` finds in ``text`` (fails unless exactly one)."""
    matches = list(find_addresses(text))
    assert len(matches) == 1, f"expected one address in {text!r}, found {[m.text for m in matches]}"
    (match,) = matches
    assert text[match.start : match.end] == match.text
    return match.text


def only_url_reference(text: str) -> str:
    refs = [r for r in finish(extract_text(text, REGIONS), "prop.txt") if r.kind is Kind.URL]
    assert len(refs) == 1, f"expected one URL reference in {text!r}, found {[r.text for r in refs]}"
    return refs[0].text


# -- 1. never raises; matches are slices of the text -------------------------------

# Text that is mostly the material addresses are made of, so the scanner's
# interesting paths are reached far more often than with st.text() alone.
addressy = st.text(alphabet=string.ascii_letters + string.digits + "./:@-_()<>[]\"' \n,;!?#~*+%&=", max_size=80)


@PROPERTY
@given(text=st.one_of(st.text(), addressy), markdown=st.booleans())
def test_find_addresses_never_raises_and_matches_are_slices(text: str, markdown: bool) -> None:
    previous_end = 0
    for match in find_addresses(text, markdown=markdown):
        assert text[match.start : match.end] == match.text
        assert match.start >= previous_end, "matches overlap or are out of order"
        previous_end = match.end


@PROPERTY
@given(text=st.one_of(st.text(), addressy))
def test_text_extraction_never_raises_and_locations_point_at_the_text(text: str) -> None:
    lines = text.split("\n")
    for ref in finish(extract_text(text, REGIONS), "prop.txt"):
        for loc in ref.locations:
            assert loc.column is not None
            assert lines[loc.line - 1][loc.column - 1 :].startswith(loc.text)


# -- 2. an address in prose is found once, exactly as written ----------------------


@PROPERTY
@given(before=prose, written=address, punctuation=trailing, after=prose)
@example(before="Visit", written="www.sarcoma.org.uk/help", punctuation=").", after="today")
@example(before="See", written="https://www.cancer.gov/", punctuation="'", after="")
def test_address_in_prose_is_found_once_without_trailing_punctuation(
    before: str, written: str, punctuation: str, after: str
) -> None:
    text = sentence(before, written + punctuation, after)
    assert only_address(text) == written
    assert only_url_reference(text) == written


# -- 3. wrapped in brackets or quotes ----------------------------------------------

WRAPPERS = [("(", ")"), ("<", ">"), ('"', '"'), ("'", "'"), ("[", "]"), ("\u201c", "\u201d")]


@PROPERTY
@given(
    before=prose,
    written=address,
    wrapper=st.sampled_from(WRAPPERS),
    punctuation=trailing,
    after=prose,
)
@example(before="details", written="sarcoma.org.uk", wrapper=("(", ")"), punctuation=".", after="")
def test_address_wrapped_in_brackets_or_quotes_is_found_without_them(
    before: str, written: str, wrapper: tuple[str, str], punctuation: str, after: str
) -> None:
    opening, closing = wrapper
    text = sentence(before, opening + written + closing + punctuation, after)
    assert only_address(text) == written
    assert only_url_reference(text) == written


# -- sentences that once broke property 2 (found by this file), kept as cases ------

# (text, the one address in it, or None); the address is as a reader would copy it
IN_SENTENCES = [
    pytest.param("Browse sarcoma.org.uk at any time.", "sarcoma.org.uk", id="bare then 'at any time.'"),
    pytest.param("Browse www.sarcoma.org.uk at home.", "www.sarcoma.org.uk", id="www then 'at home.'"),
    pytest.param("Write to jane AT sarcoma.org.uk today.", None, id="spelt-out e-mail address"),
    pytest.param("Import org.apache.commons first.", None, id="reversed package name"),
    pytest.param("Browse sarcoma.org.uk at home.", "sarcoma.org.uk", id="bare then 'at home.'"),
    pytest.param(
        "Print the guide from sarcoma.org.uk/print at home.",
        "sarcoma.org.uk/print",
        id="bare with path then 'at home.'",
    ),
    pytest.param("Read blog.bonetumour.org.uk for news.", "blog.bonetumour.org.uk", id="blog subdomain"),
    pytest.param(
        "Patients' stories: blog.bonetumour.org.uk/stories.",
        "blog.bonetumour.org.uk/stories",
        id="blog subdomain with a path",
    ),
    pytest.param("Buy cards at shop.bonetumour.org.", "shop.bonetumour.org", id="shop subdomain"),
    pytest.param("The charity this.org.uk helps.", "this.org.uk", id="code-like name under a two-label suffix"),
    pytest.param("Visit abcd1234.org.uk today.", "abcd1234.org.uk", id="short hex-like name"),
]


@pytest.mark.parametrize(("text", "expected"), IN_SENTENCES)
def test_bare_address_in_a_sentence(text: str, expected: str | None) -> None:
    assert [m.text for m in find_addresses(text)] == ([expected] if expected else [])
