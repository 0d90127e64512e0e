"""Whole leaflets: every address and phone, nothing from the postal address."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from auditor.sources import Format
from tests.conftest import extract, summary

ROOT = Path(__file__).resolve().parents[1]

# The addresses of the shipped example leaflet (our own wording, the sample flyer's facts).
LEAFLET_URLS = [
    "http://cancer.gov/cancerinformation",
    "http://cancer.gov/cancerinfo/types/soft-tissue-sarcoma",
    "https://www.cancer.gov/cancertopics/types/uterinesarcoma",
    "https://www.leiomyosarcoma.org.uk",
    "https://www.leiomyosarcoma.info",
    "http://listserv.acor.org/archives/l-m-sarcoma.html",
    "https://www.LMSdr.org",
    "https://www.sarcomahelp.org/",
    "http://tinyurl.com/2bypqp",
    "http://tinyurl.com/22tzof",
    "https://www.sarcomaalliance.org",
    "https://www.sarcoma-uk.org",
    "https://www.cancerbackup.org.uk/info/sarcomas.htm",
]


def test_the_example_leaflet_yields_every_address_and_the_helpline_and_nothing_else() -> None:
    text = (ROOT / "examples" / "sarcoma-resources.txt").read_text(encoding="utf-8")
    found = summary(extract(text))
    assert [v for kind, _, v, _ in found if kind == "url"] == LEAFLET_URLS
    assert [(t, v) for kind, t, v, _ in found if kind == "phone"] == [("1-800-4-CANCER", "+18004226237")]
    assert len(found) == len(LEAFLET_URLS) + 1


# Text as a PDF-to-text tool leaves it: symbol-font bullets, ragged spaces, lines
# broken mid-sentence, an address block with a ZIP+4 and a mail stop.
PDF_TEXT = """
 \n\uf06e Sarcoma Alliance  www.sarcomaalliance.org   helps with the cost of a second
opinion.  \n\uf06e Cancer Information Service: 1-800-4-CANCER. Free.   \nWrite: NCI Office of Communications,
31 Center Drive, MSC 2580 Bethesda, MD 20892-2580 \n\uf06e Sarcoma UK  www.sarcoma-uk.org  &
www.sarcomahelp.org/  newsletter  http://tinyurl.com/2bypqp  For links see http://tinyurl.com/22tzof
"""


def test_text_extracted_from_a_pdf_leaflet() -> None:
    assert summary(extract(PDF_TEXT)) == [
        ("url", "www.sarcomaalliance.org", "https://www.sarcomaalliance.org", 3),
        ("phone", "1-800-4-CANCER", "+18004226237", 5),
        ("url", "www.sarcoma-uk.org", "https://www.sarcoma-uk.org", 8),
        ("url", "www.sarcomahelp.org/", "https://www.sarcomahelp.org/", 9),
        ("url", "http://tinyurl.com/2bypqp", "http://tinyurl.com/2bypqp", 9),
        ("url", "http://tinyurl.com/22tzof", "http://tinyurl.com/22tzof", 9),
    ]


def test_the_same_leaflet_as_markdown_and_html_gives_the_same_references() -> None:
    markdown = (
        "# Help\n\n- Sarcoma UK: [www.sarcoma-uk.org](https://www.sarcoma-uk.org)\n- NCI: call **1-800-4-CANCER**\n"
    )
    html = (
        "<h1>Help</h1><ul><li>Sarcoma UK: <a href='https://www.sarcoma-uk.org'>www.sarcoma-uk.org</a></li>"
        "<li>NCI: call <b>1-800-4-CANCER</b></li></ul>"
    )
    expected = [("url", "https://www.sarcoma-uk.org"), ("phone", "+18004226237")]
    for fmt, text in ((Format.MARKDOWN, markdown), (Format.HTML, html)):
        assert [(k, v) for k, _, v, _ in summary(extract(text, fmt))] == expected


def test_the_sample_flyer_yields_all_13_addresses_and_the_phone(samples: Path) -> None:
    found = summary(extract((samples / "resources-flyer.txt").read_text(encoding="utf-8")))
    urls = [v for kind, _, v, _ in found if kind == "url"]
    # The charity's name written like a domain counts as a reference too.
    assert [u for u in urls if u != "https://Cancerbackup.org"] == LEAFLET_URLS
    assert [(t, v) for kind, t, v, _ in found if kind == "phone"] == [("1-800-4-CANCER", "+18004226237")]
    assert {kind for kind, *_ in found} == {"url", "phone"}


def test_the_readme_example_prints_what_the_readme_shows() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```console\n\$ (auditor extract [^\n]+)\n(.*?)```", readme, re.DOTALL)
    assert block, "the README shows an `auditor extract` example"
    command, shown = block.group(1), block.group(2)
    program, *args = command.split()
    # The console script of the Python running the tests, whether or not its venv is on PATH.
    script = Path(sys.executable).with_name(program)
    done = subprocess.run([str(script), *args], cwd=ROOT, capture_output=True, text=True, check=True)
    printed = done.stdout.splitlines()
    for line in shown.splitlines():
        if line.strip() and line.strip() != "...":
            assert line in printed
