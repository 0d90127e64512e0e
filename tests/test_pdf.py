"""PDF: link annotations and page text, each reference placed on its page, and the leaflet's date.

In a PDF a location's ``line`` is the page number (1-based) and ``column`` is None.
The PDFs are written by :func:`tests.pdfmaker.make_pdf`, so each test shows the
whole document it reads. The wording is an invented patient information leaflet.
"""

from __future__ import annotations

import io
import random
from pathlib import Path

import pypdf
import pytest

from auditor.errors import UnreadableInput
from auditor.extract import SourceInfo, extract_document
from auditor.reference import Kind, Reference
from auditor.sources import Format, Source, format_for, read
from tests.pdfmaker import make_pdf

COVER = "\n".join(
    [
        "Living well after treatment for a bone sarcoma",
        "Information for patients, families and carers",
        "This leaflet is produced by the Bone Tumour Support Network,",
        "a charity working alongside specialist hospital teams.",
    ]
)

ORGANISATIONS = "\n".join(
    [
        "Useful organisations",
        "Bone Tumour Support Network: www.bonetumour.org.uk/leaflets",
        "Sarcoma UK runs a support line; see sarcoma.org.uk for its opening hours.",
        "Questions for our specialist nurses: nurses@bonetumour.org.uk",
        "Free helpline: 0808 157 0192 (weekdays, nine until five)",
        "Readers in the United States can contact the National Cancer Institute",
        "at https://www.cancer.gov/types/bone or call 1-800-4-CANCER.",
    ]
)

LEAFLET = [COVER, ORGANISATIONS]


def extract_pdf(
    folder: Path,
    pages: list[str],
    links: list[list[str]] | None = None,
    info: dict[str, str] | None = None,
    name: str = "leaflet.pdf",
) -> tuple[SourceInfo, list[Reference]]:
    """Write the PDF into ``folder`` and extract it as the command line would."""
    path = folder / name
    path.write_bytes(make_pdf(pages, links, info))
    return extract_document(read(Source(str(path), path, Format.PDF)), ("GB", "US"))


def by_key(refs: list[Reference]) -> dict[str, Reference]:
    return {ref.target.key: ref for ref in refs}


def pages_of(ref: Reference) -> list[int]:
    return [loc.line for loc in ref.locations]


# -- the test PDFs themselves ------------------------------------------------------


def test_pdfmaker_writes_a_pdf_that_pypdf_reads_back() -> None:
    data = make_pdf(
        ["First line (with brackets) and a \\ backslash\nSecond line", "Page two"],
        links=[["https://www.bonetumour.org.uk/"], []],
        info={"/ModDate": "D:20150314120000Z"},
    )
    reader = pypdf.PdfReader(io.BytesIO(data), strict=True)

    assert [page.extract_text() for page in reader.pages] == [
        "First line (with brackets) and a \\ backslash\nSecond line",
        "Page two",
    ]
    (annotation,) = [a.get_object() for a in reader.pages[0]["/Annots"]]
    assert annotation["/Subtype"] == "/Link"
    assert annotation["/A"]["/URI"] == "https://www.bonetumour.org.uk/"
    assert "/Annots" not in reader.pages[1]
    assert reader.metadata.modification_date.date().isoformat() == "2015-03-14"


# -- link annotations --------------------------------------------------------------


@pytest.mark.parametrize("page", [1, 2], ids=["on page 1", "on page 2"])
def test_link_annotation_is_found_on_its_page_without_a_column(tmp_path: Path, page: int) -> None:
    links: list[list[str]] = [[], []]
    links[page - 1] = ["https://www.bonetumour.org.uk/donate"]

    _, refs = extract_pdf(tmp_path, [COVER, "Thank you for reading."], links)

    (ref,) = refs
    assert ref.kind is Kind.URL
    assert ref.target.key == "https://www.bonetumour.org.uk/donate"
    assert ref.text == "https://www.bonetumour.org.uk/donate"
    (location,) = ref.locations
    assert (location.line, location.column) == (page, None)
    assert location.source == str(tmp_path / "leaflet.pdf")


# (id, annotation URI, kind, normalised value)
ANNOTATIONS = [
    ("web link", "https://www.bonetumour.org.uk/", Kind.URL, "https://www.bonetumour.org.uk/"),
    ("mailto link", "mailto:nurses@bonetumour.org.uk", Kind.EMAIL, "nurses@bonetumour.org.uk"),
    ("tel link", "tel:+442079460321", Kind.PHONE, "+442079460321"),
]


@pytest.mark.parametrize(
    ("uri", "kind", "key"), [case[1:] for case in ANNOTATIONS], ids=[case[0] for case in ANNOTATIONS]
)
def test_link_annotation_kinds(tmp_path: Path, uri: str, kind: Kind, key: str) -> None:
    _, refs = extract_pdf(tmp_path, ["Contact us"], [[uri]])

    assert [(ref.kind, ref.target.key, pages_of(ref)) for ref in refs] == [(kind, key, [1])]


# -- text on the pages -------------------------------------------------------------

# (id, as written on page 2, kind, normalised value)
ON_PAGE_TWO = [
    ("www with path", "www.bonetumour.org.uk/leaflets", Kind.URL, "https://www.bonetumour.org.uk/leaflets"),
    ("bare domain", "sarcoma.org.uk", Kind.URL, "https://sarcoma.org.uk"),
    ("e-mail", "nurses@bonetumour.org.uk", Kind.EMAIL, "nurses@bonetumour.org.uk"),
    ("UK freephone", "0808 157 0192", Kind.PHONE, "+448081570192"),
    ("scheme url before 'or'", "https://www.cancer.gov/types/bone", Kind.URL, "https://www.cancer.gov/types/bone"),
    ("vanity phone", "1-800-4-CANCER", Kind.PHONE, "+18004226237"),
]


@pytest.mark.parametrize(
    ("written", "kind", "key"), [case[1:] for case in ON_PAGE_TWO], ids=[case[0] for case in ON_PAGE_TWO]
)
def test_text_on_page_two_is_found_on_line_two(tmp_path: Path, written: str, kind: Kind, key: str) -> None:
    _, refs = extract_pdf(tmp_path, LEAFLET)

    ref = by_key(refs)[key]
    assert (ref.kind, ref.text) == (kind, written)
    (location,) = ref.locations
    assert (location.line, location.column) == (2, None)


def test_the_leaflet_has_only_the_references_on_page_two(tmp_path: Path) -> None:
    _, refs = extract_pdf(tmp_path, LEAFLET)

    assert sorted(by_key(refs)) == sorted(key for *_, key in ON_PAGE_TWO)


def test_vanity_phone_is_dialled_as_digits(tmp_path: Path) -> None:
    _, refs = extract_pdf(tmp_path, ["Cancer Information Service: 1-800-4-CANCER"])

    (ref,) = refs
    assert ref.kind is Kind.PHONE
    assert ref.text == "1-800-4-CANCER"
    assert ref.target.e164 == "+18004226237"
    assert ref.target.region == "US"


# -- one reference per address -----------------------------------------------------


def test_annotation_over_the_same_url_in_the_text_is_one_reference(tmp_path: Path) -> None:
    url = "https://www.bonetumour.org.uk/leaflets"

    _, refs = extract_pdf(tmp_path, [COVER, f"Order more copies at {url} today."], [[], [url]])

    (ref,) = refs
    assert ref.target.key == url
    (location,) = ref.locations  # one place on the page, reached twice
    assert (location.line, location.column) == (2, None)


def test_annotation_over_the_scheme_less_form_in_the_text_is_one_reference(tmp_path: Path) -> None:
    _, refs = extract_pdf(
        tmp_path, ["Order more copies at www.bonetumour.org.uk/leaflets"], [["https://www.bonetumour.org.uk/leaflets"]]
    )

    (ref,) = refs
    assert ref.target.key == "https://www.bonetumour.org.uk/leaflets"
    assert pages_of(ref) == [1]


def test_same_address_on_two_pages_is_one_reference_with_both_pages(tmp_path: Path) -> None:
    _, refs = extract_pdf(
        tmp_path,
        ["Visit sarcoma.org.uk to find a support group.", COVER, "More stories at sarcoma.org.uk."],
        [["https://sarcoma.org.uk"]],
    )

    (ref,) = refs
    assert ref.target.key == "https://sarcoma.org.uk"
    assert pages_of(ref) == [1, 3]


# -- the leaflet's date ------------------------------------------------------------

MOD_DATE = {"/ModDate": "D:20150314120000Z"}

# (id, last page's text, document info, expected date)
DATES = [
    ("review statement", "Reviewed: June 2014", None, "2014-06"),
    ("statement beats info", "Reviewed: June 2014", MOD_DATE, "2014-06"),
    ("statement with next review", "Reviewed: June 2014\nNext review: June 2017", MOD_DATE, "2014-06"),
    ("update beats printing", "Printed in March 2012. Last updated 3 March 2019", None, "2019-03-03"),
    ("no statement: info ModDate", "Thank you for reading.", MOD_DATE, "2015-03-14"),
    ("next review only: info ModDate", "Next review: June 2017", MOD_DATE, "2015-03-14"),
    ("future date ignored: info ModDate", "Reviewed: June 2099", MOD_DATE, "2015-03-14"),
    (
        "ModDate beats CreationDate",
        "Thank you for reading.",
        {"/CreationDate": "D:20110102", "/ModDate": "D:20150314120000Z"},
        "2015-03-14",
    ),
    ("malformed ModDate: CreationDate", "", {"/ModDate": "D:garbage", "/CreationDate": "D:20110102"}, "2011-01-02"),
    ("malformed ModDate only", "", {"/ModDate": "D:garbage"}, None),
    ("nothing at all", "Thank you for reading.", None, None),
]


@pytest.mark.parametrize(
    ("last_page", "info", "expected"), [case[1:] for case in DATES], ids=[case[0] for case in DATES]
)
def test_document_date(tmp_path: Path, last_page: str, info: dict[str, str] | None, expected: str | None) -> None:
    source, _ = extract_pdf(tmp_path, [*LEAFLET, last_page], info=info)

    assert source.format is Format.PDF
    assert source.name == str(tmp_path / "leaflet.pdf")
    date = source.document_date
    assert (date.isoformat() if date else None) == expected


# -- files that are not readable PDFs ----------------------------------------------

GOOD = make_pdf(LEAFLET, [["https://www.bonetumour.org.uk/"]])

# (id, bytes written to a file named .pdf)
CORRUPT = [
    ("truncated in half", GOOD[: len(GOOD) // 2]),
    ("header only", GOOD[:15]),
    ("cut before the xref table", GOOD[: GOOD.index(b"xref")]),
    ("random bytes", random.Random(20140601).randbytes(4096)),
    ("PDF header then random bytes", b"%PDF-1.4\n" + random.Random(20150314).randbytes(1024)),
    ("empty file", b""),
]


@pytest.mark.parametrize("data", [case[1] for case in CORRUPT], ids=[case[0] for case in CORRUPT])
def test_corrupt_pdf_is_unreadable_input_naming_the_file(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "damaged-leaflet.pdf"
    path.write_bytes(data)
    source = Source(str(path), path, format_for(path))  # the .pdf name says PDF
    assert source.format is Format.PDF

    with pytest.raises(UnreadableInput) as caught:
        extract_document(read(source))

    assert caught.value.source == str(path)
    assert str(path) in str(caught.value)


def test_encrypted_pdf_is_unreadable_input_naming_the_file(tmp_path: Path) -> None:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(GOOD)))
    writer.encrypt(user_password="letmein", owner_password="owner", algorithm="RC4-128")
    path = tmp_path / "locked.pdf"
    with path.open("wb") as out:
        writer.write(out)

    with pytest.raises(UnreadableInput, match="encrypted") as caught:
        extract_document(read(Source(str(path), path, Format.PDF)))

    assert str(path) in str(caught.value)


def test_pdf_encrypted_with_an_empty_password_is_read(tmp_path: Path) -> None:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(make_pdf(["Visit sarcoma.org.uk"]))))
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    path = tmp_path / "open.pdf"
    with path.open("wb") as out:
        writer.write(out)

    _, refs = extract_document(read(Source(str(path), path, Format.PDF)))

    assert [ref.target.key for ref in refs] == ["https://sarcoma.org.uk"]


# -- what is not a phone -----------------------------------------------------------

POSTAL = "\n".join(
    [
        "Write to the Cancer Information Service at",
        "Office of Patient Information, Building 31",
        "9000 Rockville Pike, MSC 2580",
        "Bethesda, MD 20892-2580",
    ]
)


@pytest.mark.parametrize(
    "page",
    [POSTAL, POSTAL.replace("\n", ", "), POSTAL + "\nor call 1-800-4-CANCER."],
    ids=["address on lines", "address on one line", "address then a helpline"],
)
def test_postal_address_with_zip_plus_four_and_mail_stop_is_no_phone(tmp_path: Path, page: str) -> None:
    _, refs = extract_pdf(tmp_path, [page])

    phones = [ref.text for ref in refs if ref.kind is Kind.PHONE]
    assert phones == (["1-800-4-CANCER"] if "call" in page else [])
