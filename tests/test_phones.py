"""Phone numbers: digit and vanity forms, the right country, and no false positives."""

from __future__ import annotations

import pytest

from auditor.reference import Phone
from tests.conftest import extract

# (id, text, text as written, e164, national, region)
PHONES = [
    ("london landline", "Call 020 7946 0018 today", "020 7946 0018", "+442079460018", "020 7946 0018", "GB"),
    ("uk freephone", "Freephone 0808 801 0401.", "0808 801 0401", "+448088010401", "0808 801 0401", "GB"),
    ("us with brackets", "Phone (800) 422-6237 now", "(800) 422-6237", "+18004226237", "(800) 422-6237", "US"),
    ("us with country code", "dial 1-800-422-6237", "1-800-422-6237", "+18004226237", "(800) 422-6237", "US"),
    (
        "international form",
        "From abroad: +44 20 7946 0018.",
        "+44 20 7946 0018",
        "+442079460018",
        "020 7946 0018",
        "GB",
    ),
    (
        "other country, international form",
        "In Dublin: +353 1 234 5678",
        "+353 1 234 5678",
        "+35312345678",
        "(01) 234 5678",
        "IE",
    ),
    ("us vanity", "call 1-800-4-CANCER. The call is free", "1-800-4-CANCER", "+18004226237", "(800) 422-6237", "US"),
    ("uk vanity", "ring 0800-HELP-NOW for advice", "0800-HELP-NOW", "+448004357669", "0800 435 7669", "GB"),
    ("vanity with spaces", "Order on 1 800 FLOWERS today", "1 800 FLOWERS", "+18003569377", "(800) 356-9377", "US"),
    ("us with dots", "call 1.800.422.6237", "1.800.422.6237", "+18004226237", "(800) 422-6237", "US"),
    ("unbroken digits after a phone word", "Tel: 02079460018", "02079460018", "+442079460018", "020 7946 0018", "GB"),
]

NOT_PHONES = [
    ("zip+4 and mail stop", "31 Center Drive, MSC 2580 Bethesda, MD 20892-2580"),
    ("date", "on 14/03/2011 at 10:30"),
    ("iso date", "2019-03-14"),
    ("year range", "between 1998-2015 there were"),
    ("year", "in 2015 the charity"),
    ("price", "It costs \u00a31,234.56 or $1,234,567"),
    ("page", "see page 12345678"),
    ("isbn", "ISBN 978-0-12-345678-9"),
    ("charity number", "Registered charity number 1108047"),
    ("company number", "Company no. 05098127"),
    ("long identifier", "reference 12345678901 in our records"),
    ("percent", "12.5% of 20892258 patients"),
    ("lower-case words after a prefix", "call 0800 and ask"),
    ("letters that spell nothing dialable", "L-M-SARCOMA ListServ"),
    ("number inside a url", "http://example.org/records/02079460018"),
    ("object identifier", "(OID 1.3.101.110)"),
    ("clause number", "DFARS 252.227-7013"),
    ("version range", "(4.10.2-0 - 22.9.0-3"),
    ("bug number and a capitalised word", "bug 541335 HTML parser, 123456 CRASH"),
]


@pytest.mark.parametrize(
    ("text", "written", "e164", "national", "region"), [c[1:] for c in PHONES], ids=[c[0] for c in PHONES]
)
def test_finds_the_phone_number_in_e164(text: str, written: str, e164: str, national: str, region: str) -> None:
    phones = [r for r in extract(text) if r.kind == "phone"]
    assert [(r.text, r.target) for r in phones] == [(written, Phone(e164, national, region))]


@pytest.mark.parametrize("text", [c[1] for c in NOT_PHONES], ids=[c[0] for c in NOT_PHONES])
def test_is_not_fooled_by_numbers_that_are_not_phones(text: str) -> None:
    assert [r.text for r in extract(text) if r.kind == "phone"] == []


def test_vanity_and_digit_forms_of_one_number_are_one_reference() -> None:
    refs = extract("Call 1-800-4-CANCER.\n\nOr dial (800) 422-6237.")
    (phone,) = [r for r in refs if r.kind == "phone"]
    assert phone.target.e164 == "+18004226237"
    assert [loc.text for loc in phone.locations] == ["1-800-4-CANCER", "(800) 422-6237"]


# 0121 234 5678 is a Birmingham number in GB and a valid number in Austria too.
AMBIGUOUS = "0121 234 5678"


@pytest.mark.parametrize(
    ("text", "regions", "region"),
    [
        (f"Call {AMBIGUOUS}.", ["GB", "AT"], "GB"),
        (f"Call {AMBIGUOUS}.", ["AT", "GB"], "AT"),
        (f"Krebshilfe www.krebshilfe.at, Tel. {AMBIGUOUS}", ["GB", "AT"], "AT"),
        (f"Sarcoma UK www.sarcoma-uk.org.uk, call {AMBIGUOUS}", ["AT", "GB"], "GB"),
        (f"www.krebshilfe.at is Austrian.\n\nSarcoma UK: sarcoma.org.uk, {AMBIGUOUS}", ["AT", "GB"], "GB"),
    ],
    ids=[
        "first region wins",
        "region order matters",
        "nearby .at decides",
        "nearby .uk decides",
        "same paragraph beats nearer one",
    ],
)
def test_a_number_valid_in_several_regions_takes_the_country_of_nearby_addresses(
    text: str, regions: list[str], region: str
) -> None:
    (phone,) = [r for r in extract(text, regions=regions) if r.kind == "phone"]
    assert phone.target.region == region


def test_only_the_configured_regions_are_tried() -> None:
    assert [r for r in extract("Call 020 7946 0018", regions=["US"]) if r.kind == "phone"] == []
