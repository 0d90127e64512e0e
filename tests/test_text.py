"""Plain text: every web address, e-mail and phone a reader would see, and nothing else."""

from __future__ import annotations

import pytest

from tests.conftest import extract, summary

# (id, text, expected [(kind, text as written, normalised value, line)])
FOUND = [
    (
        "scheme url",
        "Visit https://www.cancer.gov/about today.",
        [("url", "https://www.cancer.gov/about", "https://www.cancer.gov/about", 1)],
    ),
    (
        "scheme is lower-cased",
        "HTTP://www.cancer.gov/",
        [("url", "HTTP://www.cancer.gov/", "http://www.cancer.gov/", 1)],
    ),
    ("www with full stop", "See www.sarcoma-uk.org.", [("url", "www.sarcoma-uk.org", "https://www.sarcoma-uk.org", 1)]),
    ("www keeps its case", "Go to www.LMSdr.org now", [("url", "www.LMSdr.org", "https://www.LMSdr.org", 1)]),
    ("www in capitals", "WWW.CANCER.GOV", [("url", "WWW.CANCER.GOV", "https://WWW.CANCER.GOV", 1)]),
    (
        "www with path and slash",
        "www.sarcomahelp.org/ has news",
        [("url", "www.sarcomahelp.org/", "https://www.sarcomahelp.org/", 1)],
    ),
    (
        "bare domain with path",
        "read cancer.gov/cancerinfo/types/sarcoma, then",
        [("url", "cancer.gov/cancerinfo/types/sarcoma", "https://cancer.gov/cancerinfo/types/sarcoma", 1)],
    ),
    (
        "bare second-level ccTLD",
        "Contact sarcoma.org.uk for help",
        [("url", "sarcoma.org.uk", "https://sarcoma.org.uk", 1)],
    ),
    ("bare .org name", "Cancerbackup.org wrote it", [("url", "Cancerbackup.org", "https://Cancerbackup.org", 1)]),
    ("bare domain after a colon", "Web:cancer.gov", [("url", "cancer.gov", "https://cancer.gov", 1)]),
    ("in parentheses", "the foundation (www.lmsdr.org) funds", [("url", "www.lmsdr.org", "https://www.lmsdr.org", 1)]),
    (
        "in angle brackets",
        "<http://tinyurl.com/2bypqp>",
        [("url", "http://tinyurl.com/2bypqp", "http://tinyurl.com/2bypqp", 1)],
    ),
    (
        "balanced parentheses kept",
        "see https://en.wikipedia.org/wiki/Sarcoma_(cancer).",
        [
            (
                "url",
                "https://en.wikipedia.org/wiki/Sarcoma_(cancer)",
                "https://en.wikipedia.org/wiki/Sarcoma_(cancer)",
                1,
            )
        ],
    ),
    (
        "parenthesised with balanced inside",
        "(https://en.wikipedia.org/wiki/Sarcoma_(cancer))",
        [
            (
                "url",
                "https://en.wikipedia.org/wiki/Sarcoma_(cancer)",
                "https://en.wikipedia.org/wiki/Sarcoma_(cancer)",
                1,
            )
        ],
    ),
    ("straight quotes", '"www.sarcomahelp.org/"', [("url", "www.sarcomahelp.org/", "https://www.sarcomahelp.org/", 1)]),
    (
        "typographic quotes",
        "\u201cwww.sarcomahelp.org\u201d",
        [("url", "www.sarcomahelp.org", "https://www.sarcomahelp.org", 1)],
    ),
    (
        "several trailing marks",
        "(see www.sarcoma-uk.org/help!).",
        [("url", "www.sarcoma-uk.org/help", "https://www.sarcoma-uk.org/help", 1)],
    ),
    (
        "query and fragment",
        "https://example.org/search?q=lms&page=2#results;",
        [
            (
                "url",
                "https://example.org/search?q=lms&page=2#results",
                "https://example.org/search?q=lms&page=2#results",
                1,
            )
        ],
    ),
    (
        "port without suffix",
        "http://localhost:8080/status",
        [("url", "http://localhost:8080/status", "http://localhost:8080/status", 1)],
    ),
    (
        "ftp",
        "ftp://ftp.example.org/pub/leaflets/",
        [("url", "ftp://ftp.example.org/pub/leaflets/", "ftp://ftp.example.org/pub/leaflets/", 1)],
    ),
    ("internationalised domain", "www.bücher.de", [("url", "www.bücher.de", "https://www.bücher.de", 1)]),
    ("e-mail", "Write to info@sarcoma-uk.org.", [("email", "info@sarcoma-uk.org", "info@sarcoma-uk.org", 1)]),
    ("e-mail domain is lower-cased", "Help@Cancer.GOV", [("email", "Help@Cancer.GOV", "Help@cancer.gov", 1)]),
    ("mailto in text", "mailto:help@cancer.gov", [("email", "mailto:help@cancer.gov", "help@cancer.gov", 1)]),
    ("e-mail is not also a domain", "jane.doe@nhs.net", [("email", "jane.doe@nhs.net", "jane.doe@nhs.net", 1)]),
    (
        "pdf bullet glyph before",
        "\uf06e www.sarcomaalliance.org To guide",
        [("url", "www.sarcomaalliance.org", "https://www.sarcomaalliance.org", 1)],
    ),
    (
        "ampersand between",
        "www.leiomyosarcoma.org.uk  & \nwww.leiomyosarcoma.info   are mirrors",
        [
            ("url", "www.leiomyosarcoma.org.uk", "https://www.leiomyosarcoma.org.uk", 1),
            ("url", "www.leiomyosarcoma.info", "https://www.leiomyosarcoma.info", 2),
        ],
    ),
    (
        "url then semicolon",
        "Newsletter: http://tinyurl.com/2bypqp; links",
        [("url", "http://tinyurl.com/2bypqp", "http://tinyurl.com/2bypqp", 1)],
    ),
    (
        "bare new gTLD with a path",
        "see sarcoma.help/about",
        [("url", "sarcoma.help/about", "https://sarcoma.help/about", 1)],
    ),
    ("file-like ccTLD with www", "www.moldova.md", [("url", "www.moldova.md", "https://www.moldova.md", 1)]),
    (
        "public suffix that is a site, with a path",
        "see nhs.uk/conditions/cancer.",
        [("url", "nhs.uk/conditions/cancer", "https://nhs.uk/conditions/cancer", 1)],
    ),
    (
        "well-known bare sites",
        "gov.uk and who.int",
        [("url", "gov.uk", "https://gov.uk", 1), ("url", "who.int", "https://who.int", 1)],
    ),
    ("at before a real address", "Find us at cancer.gov today", [("url", "cancer.gov", "https://cancer.gov", 1)]),
    ("e-mail at a public-suffix site", "x@nhs.uk", [("email", "x@nhs.uk", "x@nhs.uk", 1)]),
    (
        "markdown badge in plain text",
        "[![v](https://img.shields.io/pypi/v/ruff.svg)](https://pypi.org/project/ruff)",
        [
            ("url", "https://img.shields.io/pypi/v/ruff.svg", "https://img.shields.io/pypi/v/ruff.svg", 1),
            ("url", "https://pypi.org/project/ruff", "https://pypi.org/project/ruff", 1),
        ],
    ),
    (
        "unbalanced bracket mid-address",
        "by https://github.com/dependabot)[bot]",
        [("url", "https://github.com/dependabot", "https://github.com/dependabot", 1)],
    ),
    (
        "closing parenthesis then a suffix",
        "(http://docs.python.org/library/pyexpat.html)-based",
        [("url", "http://docs.python.org/library/pyexpat.html", "http://docs.python.org/library/pyexpat.html", 1)],
    ),
    (
        "typographic hyphen ends it",
        "https://gnu.org/li\u2010\ncenses",
        [("url", "https://gnu.org/li", "https://gnu.org/li", 1)],
    ),
    (
        "malformed url does not stop extraction",
        "ssh://[user@]hostname[:port] and www.ok.org",
        [
            ("url", "ssh://[user@]hostname[:port]", "ssh://[user@]hostname[:port]", 1),
            ("url", "www.ok.org", "https://www.ok.org", 1),
        ],
    ),
]

NOTHING = [
    ("pdf file name", "Download leaflet.pdf from the office"),
    ("python file", "run setup.py first"),
    ("markdown file", "see README.md and CHANGES.md"),
    ("shell script", "then install.sh"),
    ("zip and mov", "archive.zip and clip.mov"),
    ("perl and rust files", "edit parse.pl and main.rs"),
    ("manifest", "listed in MANIFEST.in"),
    ("e.g. and i.e.", "many centres (e.g. in London, i.e. the south) offer it"),
    ("U.S.", "U.S. patients"),
    ("Ph.D.", "a Ph.D. student"),
    ("a.m. p.m.", "open 9 a.m. to 5 p.m."),
    ("version numbers", "version 2.1.3 and v1.2 on Python 3.11"),
    ("ASP.NET", "built with ASP.NET and Node.js"),
    ("run-together sentence with capital", "the treatment plan.It was agreed"),
    ("run-together English words", "and so it.is done"),
    ("unknown suffix", "the treatment plan.leiomyosarcoma cure"),
    ("no suffix after www", "www.example and www."),
    ("bare new gTLD without path", "we can help.care for you"),
    ("scheme alone", "http:// and https://"),
    ("e-mail without suffix", "root@localhost"),
    ("abbreviations", "St. Mary's, No. 5, fig.3, etc."),
    ("decimal", "a 3.5mm tumour, 12.5% of cases"),
    ("e-mail with its @ spelt out", "Simon <jas at josefsson.org>, <anty.sk+git at gmail.com>"),
    ("e-mail with (at)", "write to name (at) host.org"),
    ("local part like a domain", "gitlab.com at s.traiectum.net"),
    ("-at- in a label", "colin.harrison-at-virgin.net"),
    ("attribute names", "set user.name and builtins.int"),
    ("method call", "logger.info(message)"),
    ("module names", "np.ma and java.io"),
    ("package written backwards", "org.apache.commons.io"),
    ("makefile and libtool files", "architecture.mk and libyaml.la"),
    ("part of a longer file name", "savelog.fr.8"),
    ("file path after an extension-like suffix", "configure.in/pam.h.in"),
    ("a fragment is no path", "see CONTRIBUTING.md#install"),
    ("hash-like labels", "8bcccbcc18b95.bb125.bb"),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in FOUND], ids=[c[0] for c in FOUND])
def test_finds_each_reference_exactly(text: str, expected: list[tuple[str, str, str, int]]) -> None:
    assert summary(extract(text)) == expected


@pytest.mark.parametrize("text", [c[1] for c in NOTHING], ids=[c[0] for c in NOTHING])
def test_finds_nothing_in_prose_that_only_looks_like_an_address(text: str) -> None:
    assert summary(extract(text)) == []


def test_line_and_column_are_one_based_and_exact() -> None:
    text = "First line\n  Second: www.sarcoma-uk.org\n\nThird http://cancer.gov/x"
    refs = extract(text)
    assert [(r.locations[0].line, r.locations[0].column) for r in refs] == [(2, 11), (4, 7)]


def test_the_same_reference_twice_is_one_reference_with_two_locations() -> None:
    refs = extract("www.sarcoma-uk.org is here.\n\nAgain: www.sarcoma-uk.org.")
    assert len(refs) == 1
    assert [(loc.line, loc.column) for loc in refs[0].locations] == [(1, 1), (3, 8)]


def test_context_is_the_sentence_around_the_reference_on_one_line() -> None:
    text = (
        "Sarcoma UK is a charity. The Liddy Shriver Sarcoma Initiative\n"
        "www.sarcomahelp.org/ publishes a newsletter for patients. It is free."
    )
    (ref,) = extract(text)
    assert ref.locations[0].context == (
        "The Liddy Shriver Sarcoma Initiative www.sarcomahelp.org/ publishes a newsletter for patients."
    )


def test_context_of_a_long_sentence_is_a_window_around_the_reference() -> None:
    words = " ".join(f"word{i}" for i in range(80))
    (ref,) = extract(f"{words} www.sarcoma-uk.org {words}.")
    context = ref.locations[0].context
    assert "www.sarcoma-uk.org" in context
    assert len(context) <= 202
    assert context.startswith("\u2026") and context.endswith("\u2026")


def test_context_does_not_cross_a_blank_line() -> None:
    (ref,) = extract("Before, a paragraph.\n\nwww.sarcoma-uk.org supports patients\n\nAfter.")
    assert ref.locations[0].context == "www.sarcoma-uk.org supports patients"
