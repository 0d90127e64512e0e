"""Cases of the shapes the peers' own suites test (lychee, LinkChecker, linkinator, html-proofer).

Our own fixtures, written after the shapes of theirs: malformed URLs (lychee's
``invalid_url`` inputs, LinkChecker's ``url/`` tests), the end of a bare URL in prose
(GFM autolinks), Markdown math and footnotes, ``mailto:``/``tel:`` without a target
(html-proofer's ``mailto``/``tel`` checks), links on custom elements, unknown charsets,
soft-404 home-page landings, and deeply nested markup.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from click.testing import CliRunner

import auditor.cli
from auditor.check.settings import CheckSettings
from auditor.cli import main
from auditor.fakeweb import FakeWeb, not_found, page, redirect
from auditor.pipeline import check_references
from auditor.reference import Invalid, Kind, Reference
from auditor.sources import Format
from auditor.verdict import Status
from tests.conftest import extract, through_fake_web, value

LONG_HOST = "http://" + "a" * 10_000 + ".com/"

# --- 1. a malformed URL is one `invalid` reference, never a crash -------------------------

#: (shape, why it is refused: words the reason must hold)
MALFORMED = [
    pytest.param("http://localhost]", "[ or ]", id="closing-bracket-host"),
    pytest.param("https://example]org/x", "[ or ]", id="bracket-inside-host"),
    pytest.param("http://[::1", "[ or ]", id="unclosed-ipv6"),
    pytest.param("http://[zz]/", "IPv6", id="not-ipv6-in-brackets"),
    pytest.param("http://[::1]x/", "after the ]", id="junk-after-ipv6"),
    pytest.param("http://a b/", "' '", id="space-in-host"),
    pytest.param("http://:80/", "no host", id="port-without-host"),
    pytest.param("http:///x", "no host", id="empty-host"),
    pytest.param("http://example.com:99999/", "Port out of range", id="port-out-of-range"),
    pytest.param("http://example.com:0/", "port 0", id="port-zero"),
    pytest.param("http://example.com:http/", "Port could not be cast", id="port-not-a-number"),
    pytest.param("http://%zz/", "'%'", id="percent-in-host"),
    pytest.param("http://xn--zz--.com/", "IDNA", id="idna-bad-punycode"),
    pytest.param("http://xn--/", "IDNA", id="idna-empty-punycode"),
    pytest.param("http://exa\u00admple.com/", "invisible character (U+00AD)", id="idna-soft-hyphen"),
    pytest.param("http://a\u200bb.com/", "invisible character (U+200B)", id="zero-width-space"),
    pytest.param("http://ex..ample.com/", "empty label", id="empty-label"),
    pytest.param("http://.../", "empty label", id="only-dots"),
    pytest.param("http://" + "a" * 64 + ".com/", "64 characters", id="label-too-long"),
    pytest.param(LONG_HOST, "10,004 characters", id="10000-char-host"),
    pytest.param("http://1.2.3.4.5/", "IPv4", id="five-part-ipv4"),
    pytest.param("http://a.com\\@b.com/", "backslash", id="backslash-in-authority"),
]


def _html(url: str) -> str:
    return f'<p><a href="{url}">the link</a></p>'


@pytest.mark.parametrize(("url", "why"), MALFORMED)
@pytest.mark.parametrize(
    ("fmt", "write"),
    [
        pytest.param(Format.HTML, _html, id="html-href"),
        pytest.param(Format.MARKDOWN, lambda u: f"[the link](<{u.replace(chr(92), chr(92) * 2)}>)", id="markdown-link"),
        pytest.param(Format.MARKDOWN, lambda u: f'<a href="{u}">x</a>', id="markdown-inline-html"),
    ],
)
def test_a_malformed_link_target_is_one_invalid_reference(fmt: Format, write, url: str, why: str) -> None:  # type: ignore[no-untyped-def]
    refs = extract(write(url), fmt)
    assert len(refs) == 1, refs
    target = refs[0].target
    assert isinstance(target, Invalid)
    assert (target.kind, target.written) == (Kind.URL, url)
    assert why in target.reason


#: Written in prose, an address ends where the text says it does (lychee / GFM autolinks).
PROSE = [
    pytest.param("see http://[::1 now", "http://[::1", id="unclosed-ipv6"),
    pytest.param("see http://[zz]/ now", "http://[zz]/", id="not-ipv6-in-brackets"),
    pytest.param("see http://:80/ now", "http://:80/", id="port-without-host"),
    pytest.param("see http://example.com:99999/ now", "http://example.com:99999/", id="port-out-of-range"),
    pytest.param("see http://%zz/ now", "http://%zz/", id="percent-in-host"),
    pytest.param("see http://xn--zz--.com/ now", "http://xn--zz--.com/", id="idna-junk"),
    pytest.param(f"see {LONG_HOST} now", LONG_HOST, id="10000-char-host"),
]


@pytest.mark.parametrize(("text", "written"), PROSE)
@pytest.mark.parametrize("fmt", [Format.TEXT, Format.MARKDOWN, Format.HTML], ids=str)
def test_a_malformed_address_in_prose_is_one_invalid_reference(fmt: Format, text: str, written: str) -> None:
    refs = extract(f"<p>{text}</p>" if fmt is Format.HTML else text, fmt)
    assert [(ref.kind, value(ref)) for ref in refs] == [(Kind.URL, written)]
    assert isinstance(refs[0].target, Invalid)


def test_a_bracket_that_ends_an_address_in_prose_is_not_part_of_it() -> None:
    """GFM autolinks and lychee end a bare URL at a ``]`` it did not open."""
    assert [value(ref) for ref in extract("see http://localhost] now")] == ["http://localhost"]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        pytest.param("http://[::1]:8080/x", "http://[::1]:8080/x", id="ipv6-with-port"),
        pytest.param("http://[fe80::1%25eth0]/", "http://[fe80::1%25eth0]/", id="ipv6-zone"),
        pytest.param("https://\u4f8b\u3048.jp/", "https://\u4f8b\u3048.jp/", id="idn-unicode"),
        pytest.param("https://xn--r8jz45g.jp/", "https://xn--r8jz45g.jp/", id="idn-punycode"),
        pytest.param("http://0x7f000001/", "http://0x7f000001/", id="ipv4-hex"),
        pytest.param("http://127.1/", "http://127.1/", id="ipv4-short"),
        pytest.param("https://example.com./a", "https://example.com./a", id="trailing-dot-host"),
        pytest.param("https://a_b.example.com/", "https://a_b.example.com/", id="underscore-in-host"),
        pytest.param("https://user:pw@example.com/", "https://user:pw@example.com/", id="userinfo"),
    ],
)
def test_unusual_but_valid_urls_stay_urls(url: str, expected: str) -> None:
    refs = extract(_html(url), Format.HTML)
    assert [(ref.kind, value(ref)) for ref in refs] == [(Kind.URL, expected)]
    assert not isinstance(refs[0].target, Invalid)


def _check(refs: list[Reference], **settings) -> list[tuple[Status, str]]:  # type: ignore[no-untyped-def]
    async def go() -> list[tuple[Status, str]]:
        async with FakeWeb({"www.example.org": {"/bad": redirect(302, "http://[::1"), "*": not_found()}}) as web:
            run = await check_references(
                refs, CheckSettings(retries=0, **settings), resolver=web.resolver, ssl=web.client_ssl
            )
            assert web.requests == [] or all(r.host == "www.example.org" for r in web.requests)
        return [(item.verdict.status, item.verdict.reason) for item in run.results]

    return asyncio.run(go())


def test_an_invalid_reference_is_never_requested_and_says_why() -> None:
    [(status, reason)] = _check(extract(_html("http://localhost]"), Format.HTML))
    assert status is Status.INVALID
    assert "not a valid URL" in reason and "correct the link" in reason


def test_exclude_still_covers_a_malformed_url() -> None:
    import re

    [(status, reason)] = _check(extract(_html("http://localhost]"), Format.HTML), exclude=(re.compile("localhost"),))
    assert status is Status.SKIPPED
    assert "excluded by --exclude localhost" in reason


def test_a_redirect_to_a_malformed_address_is_an_error_not_a_crash() -> None:
    [(status, reason)] = _check(extract("https://www.example.org/bad"))
    assert status is Status.ERROR
    assert "redirect to a malformed address" in reason


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("page.html", _html("http://localhost]") + _html("https://example]org/x")),
        ("page.md", "see [x](https://example]org/x) and <http://localhost]>\n"),
        ("page.txt", "see http://[::1 and http://[zz]/ now\n"),
    ],
)
@pytest.mark.parametrize("exclude", [False, True], ids=["plain", "excluded"])
def test_check_does_not_crash_on_a_malformed_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, text: str, exclude: bool
) -> None:
    monkeypatch.setattr(auditor.cli, "check_sources", through_fake_web({"www.example.org": {"*": not_found()}}))
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    doc = tmp_path / name
    doc.write_text(text)
    args = ["--exclude", "localhost|example|::1|zz"] if exclude else []
    result = CliRunner().invoke(main, ["check", str(doc), "--retries", "0", "--no-archive", *args])
    assert result.exit_code == (0 if exclude else 1), result.output  # invalid fails by default: a verdict, no crash
    assert ("2 skipped" if exclude else "2 invalid") in result.stdout


# --- 4. mailto: and tel: with nothing usable are reported, not dropped ---------------------

#: (link as written, the kind it was meant to be, words of the reason)
EMPTY_LINKS = [
    pytest.param("mailto:", Kind.EMAIL, "no address", id="mailto-empty"),
    pytest.param("mailto:octocat", Kind.EMAIL, "no @", id="mailto-no-at"),
    pytest.param("mailto:octocat@", Kind.EMAIL, "nothing after the @", id="mailto-no-domain"),
    pytest.param("tel:", Kind.PHONE, "no phone number", id="tel-empty"),
    pytest.param("tel:abc", Kind.PHONE, "not a phone number", id="tel-letters"),
]


@pytest.mark.parametrize(("link", "kind", "why"), EMPTY_LINKS)
@pytest.mark.parametrize(
    ("fmt", "write"),
    [
        pytest.param(Format.HTML, _html, id="html-href"),
        pytest.param(Format.MARKDOWN, lambda u: f"[write to us]({u})", id="markdown-link"),
        pytest.param(Format.MARKDOWN, lambda u: f"<{u}>", id="markdown-autolink"),
        pytest.param(Format.MARKDOWN, lambda u: f"[write to us][x]\n\n[x]: {u}", id="markdown-definition"),
    ],
)
def test_an_empty_mailto_or_tel_link_is_an_invalid_reference(
    fmt: Format, write, link: str, kind: Kind, why: str
) -> None:  # type: ignore[no-untyped-def]
    refs = extract(write(link), fmt)
    assert [(ref.kind, value(ref)) for ref in refs] == [(kind, link)]
    target = refs[0].target
    assert isinstance(target, Invalid) and why in target.reason


@pytest.mark.parametrize("fmt", [Format.TEXT, Format.MARKDOWN], ids=str)
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Write to mailto:octocat today.", [(Kind.EMAIL, "mailto:octocat")], id="mailto-no-at"),
        pytest.param("Call tel:abc today.", [(Kind.PHONE, "tel:abc")], id="tel-letters"),
        pytest.param("Use a mailto: link.", [], id="the-word-mailto"),
        pytest.param("Tel: 020 7946 0000", [(Kind.PHONE, "+442079460000")], id="tel-label-then-number"),
        pytest.param("mailto:info@example.org", [(Kind.EMAIL, "info@example.org")], id="valid-mailto"),
    ],
)
def test_mailto_and_tel_written_out_in_prose(fmt: Format, text: str, expected: list) -> None:  # type: ignore[type-arg]
    assert [(ref.kind, value(ref)) for ref in extract(text, fmt)] == expected


def test_a_mailto_with_a_subject_only_is_no_reference() -> None:
    """``mailto:?subject=...`` opens an empty message to fill in: nothing to check."""
    assert extract(_html("mailto:?subject=Hello"), Format.HTML) == []


def test_mailto_with_good_and_bad_addresses_keeps_both() -> None:
    refs = extract(_html("mailto:info@example.org,octocat"), Format.HTML)
    assert [(ref.kind, value(ref), isinstance(ref.target, Invalid)) for ref in refs] == [
        (Kind.EMAIL, "info@example.org", False),
        (Kind.EMAIL, "mailto:octocat", True),
    ]


@pytest.mark.parametrize(("link", "kind", "why"), EMPTY_LINKS)
def test_an_empty_mailto_or_tel_link_is_checked_as_invalid(link: str, kind: Kind, why: str) -> None:
    [(status, reason)] = _check(extract(_html(link), Format.HTML))
    assert status is Status.INVALID and why in reason


# --- 2. the end of an address in Markdown prose (GFM autolinks) ----------------------------

#: GFM's extended autolinks: ?!.,:*_~ are dropped only at the very end, ")" only when unbalanced.
AUTOLINK_ENDS = [
    pytest.param(
        "see https://github.com/o/r/blob/main/pkg/__init__.py now",
        "https://github.com/o/r/blob/main/pkg/__init__.py",
        id="dunder-inside",
    ),
    pytest.param(
        "https://github.com/o/r/blob/main/pkg/__init__.py.",
        "https://github.com/o/r/blob/main/pkg/__init__.py",
        id="dot-at-end",
    ),
    pytest.param("see https://x.org/pkg/__init__ now", "https://x.org/pkg/__init", id="underscores-at-the-very-end"),
    pytest.param("https://x.org/snake_case_name/x", "https://x.org/snake_case_name/x", id="underscores-in-path"),
    pytest.param("_https://x.org/a_, more", "https://x.org/a", id="emphasised"),
    pytest.param("**https://x.org/a**.", "https://x.org/a", id="strong"),
    pytest.param("~~https://x.org/old~~ now", "https://x.org/old", id="struck-through"),
    pytest.param("https://x.org/a*b*c", "https://x.org/a*b*c", id="stars-inside"),
    pytest.param("https://x.org/a?!", "https://x.org/a", id="question-and-bang-at-end"),
    pytest.param("https://x.org/?q=1:", "https://x.org/?q=1", id="colon-at-end"),
    pytest.param(
        "https://en.wikipedia.org/wiki/Sarcoma_(cancer)",
        "https://en.wikipedia.org/wiki/Sarcoma_(cancer)",
        id="balanced-parens",
    ),
    pytest.param("(see https://x.org/a_b)", "https://x.org/a_b", id="unbalanced-paren-at-end"),
    pytest.param("www.x.org/__init__.py", "https://www.x.org/__init__.py", id="www-dunder"),
]


@pytest.mark.parametrize(("text", "expected"), AUTOLINK_ENDS)
def test_where_an_address_in_markdown_prose_ends(text: str, expected: str) -> None:
    assert [value(ref) for ref in extract(text, Format.MARKDOWN)] == [expected]


# --- 3. Markdown math and footnotes are not links ------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("$$ [\\psi](\\mathbf{L}) $$", [], id="math-block-one-line"),
        pytest.param("$$\n[\\psi](\\mathbf{L})\n$$\n", [], id="math-block"),
        pytest.param("Inline $[a](b)$ math.", [], id="inline-math"),
        pytest.param("Inline $$[c](d)$$ math.", [], id="inline-double-dollar-math"),
        pytest.param("It costs $5 and $10, see [x](a.md).", [("a.md", "file:///docs/a.md")], id="money-is-not-math"),
        pytest.param("Text[^a].\n\n[^a]: not", [], id="footnote-definition"),
        pytest.param("Text[^note] and [^note].\n\n[^note]: A remark.", [], id="footnote-references"),
        pytest.param(
            "Text[^a].\n\n[^a]: see https://x.org/src and [y](z.md)",
            [("https://x.org/src", "https://x.org/src"), ("z.md", "file:///docs/z.md")],
            id="links-inside-a-footnote",
        ),
        pytest.param(
            "Unreferenced.\n\n[^b]: <https://x.org/b>",
            [("https://x.org/b", "https://x.org/b")],
            id="footnote-never-cited",
        ),
        pytest.param(
            "[label]: https://x.org/def\n\n[x][label]", [("https://x.org/def", "https://x.org/def")], id="definition"
        ),
    ],
)
def test_markdown_math_and_footnotes_are_not_links(text: str, expected: list) -> None:  # type: ignore[type-arg]
    assert [(ref.text, value(ref)) for ref in extract(text, Format.MARKDOWN)] == expected


def test_a_link_in_a_footnote_keeps_its_line() -> None:
    [ref] = extract("Text[^a].\n\n[^a]: see https://x.org/src", Format.MARKDOWN)
    assert (ref.locations[0].line, ref.locations[0].column) == (3, 11)


# --- 7. only a site root or a language root is "the home page" -----------------------------


@pytest.mark.parametrize(
    ("final_path", "home"),
    [
        pytest.param("/", True, id="root"),
        pytest.param("", True, id="empty"),
        pytest.param("/index.html", True, id="index"),
        pytest.param("/home", True, id="home"),
        pytest.param("/en/", True, id="language-root"),
        pytest.param("/fr-FR/", True, id="language-region-root"),
        pytest.param("/pt_br/index.php", True, id="language-region-index"),
        pytest.param("/es-419/", True, id="language-area-root"),
        pytest.param("/zh-Hans/", True, id="language-script-root"),
        pytest.param("/ok", False, id="two-letter-page-ok"),
        pytest.param("/go", False, id="two-letter-page-go"),
        pytest.param("/id", False, id="two-letter-page-id"),
        pytest.param("/en", False, id="language-without-slash"),
        pytest.param("/ok/", False, id="two-letter-folder-no-language"),
        pytest.param("/qq-zz/", False, id="not-a-language"),
        pytest.param("/en/news", False, id="page-under-a-language"),
    ],
)
def test_what_counts_as_landing_on_the_home_page(final_path: str, home: bool) -> None:
    from auditor.check import soft404

    reason = soft404.home_redirect("https://www.example.org/help/nurses", f"https://www.example.org{final_path}")
    assert (reason is not None) is home


@pytest.mark.parametrize(("target", "status"), [("/ok", Status.REDIRECTED), ("/en/", Status.SOFT_404)])
def test_a_redirect_to_a_two_letter_page_is_no_soft_404(target: str, status: Status) -> None:
    article = "<title>Help</title><h1>Help for nurses</h1>" + "<p>How we help nurses every day.</p>" * 20
    sites = {"www.example.org": {"/deep/page": redirect(302, target), target: page(article), "*": not_found()}}

    async def go() -> Status:
        async with FakeWeb(sites) as web:
            run = await check_references(
                extract("https://www.example.org/deep/page"),
                CheckSettings(retries=0),
                resolver=web.resolver,
                ssl=web.client_ssl,
            )
        return run.results[0].verdict.status

    assert asyncio.run(go()) is status


# --- 6. an unknown or non-text charset never makes a page an error --------------------------

CHARSETS = ["idna", "undefined", "zlib", "base64", "rot13", "hex", "utf-7", "punycode", "no-such-charset", "utf-16"]
ARTICLE = "<h1 id='top'>Caf\u00e9 sarcoma help</h1>" + "<p>How we help people with sarcoma every day.</p>" * 20


@pytest.mark.parametrize("charset", CHARSETS)
@pytest.mark.parametrize("where", ["header", "meta"])
def test_a_page_with_an_unusable_charset_is_read_not_an_error(charset: str, where: str) -> None:
    head = f'<meta charset="{charset}">' if where == "meta" else ""
    body = f"<html><head>{head}<title>Caf\u00e9</title></head><body>{ARTICLE}</body></html>".encode()
    content_type = f"text/html; charset={charset}" if where == "header" else "text/html"
    sites = {"www.example.org": {"/a": page(body, content_type=content_type), "*": not_found()}}

    async def go():  # type: ignore[no-untyped-def]
        async with FakeWeb(sites) as web:
            return await check_references(
                extract("https://www.example.org/a#top https://www.example.org/a"),
                CheckSettings(retries=0, page_facts=True),
                resolver=web.resolver,
                ssl=web.client_ssl,
            )

    run = asyncio.run(go())
    verdicts = [item.verdict for item in run.results]
    assert [v.status for v in verdicts] == [Status.OK, Status.OK], [v.reason for v in verdicts]
    assert all(not v.findings for v in verdicts)  # the #top anchor was found in the page
    if charset != "utf-16" or where == "meta":
        assert verdicts[0].page is not None and verdicts[0].page.title == "Caf\u00e9"


@pytest.mark.parametrize("charset", CHARSETS)
def test_a_local_html_file_with_an_unusable_charset_is_read(tmp_path: Path, charset: str) -> None:
    from auditor.sources import Source, read

    doc = tmp_path / "page.html"
    doc.write_bytes(f'<meta charset="{charset}"><p>Caf\u00e9 <a href="https://x.org/a">x</a></p>'.encode("latin-1"))
    document = read(Source("page.html", doc, Format.HTML))  # the charset is ignored, the bytes detected
    assert "Caf" in document.text and '<a href="https://x.org/a">' in document.text


# --- 5. links on any element: custom elements, MDX/JSX components ---------------------------


@pytest.mark.parametrize(
    ("fmt", "text", "expected"),
    [
        pytest.param(
            Format.HTML,
            '<my-card href="https://x.org/a">Card</my-card>',
            [("https://x.org/a", 1)],
            id="custom-element-href",
        ),
        pytest.param(
            Format.HTML, '<x-icon src="https://x.org/i.svg"></x-icon>', [("https://x.org/i.svg", 1)], id="custom-src"
        ),
        pytest.param(
            Format.HTML,
            '<x-img srcset="https://x.org/1.png 1x, https://x.org/2.png 2x"></x-img>',
            [("https://x.org/1.png", 1), ("https://x.org/2.png", 1)],
            id="custom-srcset",
        ),
        pytest.param(
            Format.HTML, '<ins cite="https://x.org/why">new</ins>', [("https://x.org/why", 1)], id="cite-on-ins"
        ),
        pytest.param(
            Format.HTML, '<svg><use href="https://x.org/s.svg#i"/></svg>', [("https://x.org/s.svg#i", 1)], id="svg-use"
        ),
        pytest.param(
            Format.HTML,
            '<base href="https://x.org/"><a href="g">g</a>',
            [("https://x.org/g", 1)],
            id="base-is-no-reference",
        ),
        pytest.param(Format.HTML, '<a href="{{ page.url }}">x</a>', [], id="template-expression"),
        pytest.param(
            Format.MARKDOWN,
            '<Card href="https://x.org/b" title="B" />',
            [("https://x.org/b", 1)],
            id="mdx-block-component",
        ),
        pytest.param(
            Format.MARKDOWN,
            '<Cards>\n  <Card title="A" href="https://x.org/e" />\n  <Card title="B" href="https://x.org/f" />\n</Cards>\n',
            [("https://x.org/e", 2), ("https://x.org/f", 3)],
            id="mdx-nested-components",
        ),
        pytest.param(
            Format.MARKDOWN,
            'See <Badge src="https://x.org/d.svg" /> inline.',
            [("https://x.org/d.svg", 1)],
            id="mdx-inline",
        ),
        pytest.param(Format.MARKDOWN, "Intro\n\n<Card href={url} />\n", [], id="jsx-expression"),
    ],
)
def test_links_on_any_element(fmt: Format, text: str, expected: list) -> None:  # type: ignore[type-arg]
    assert [(value(ref), ref.locations[0].line) for ref in extract(text, fmt)] == expected


# --- 8. deep markup: no link lost, and a warning naming the file when a parser gives up -----


def _read(text: str, fmt: Format) -> tuple[tuple[str, ...], list[tuple[str, int]]]:
    from auditor.extract import extract_document
    from auditor.sources import Document, Source

    info, refs = extract_document(Document(Source("deep", Path("/docs/deep"), fmt), fmt, text, text.encode()), ["GB"])
    return info.warnings, [(value(ref), ref.locations[0].line) for ref in refs]


@pytest.mark.parametrize(
    ("depth", "warned"), [(100, False), (2_000, False), (3_000, True), (20_000, True)], ids=lambda v: str(v)
)
def test_links_after_thousands_of_unclosed_tags_are_kept(depth: int, warned: bool) -> None:
    text = (
        "<html><body>\n"
        + "<font>" * depth
        + '\n<a href="https://x.org/deep">x</a> and https://x.org/prose, <a href="rel.html">rel</a>\n'
    )
    warnings, refs = _read(text, Format.HTML)
    assert refs == [("https://x.org/deep", 3), ("https://x.org/prose", 3), ("file:///docs/rel.html", 3)]
    assert bool(warnings) is warned
    assert all("nested too deeply" in w and "every link kept" in w for w in warnings)


@pytest.mark.parametrize(
    ("depth", "warned"), [(20, False), (200, False), (219, False), (300, True), (2_000, True)], ids=lambda v: str(v)
)
def test_links_in_deeply_nested_blockquotes_are_kept(depth: int, warned: bool) -> None:
    text = "Intro.\n\n" + "> " * depth + "[x](https://x.org/q) and https://x.org/p\n\nAfter https://x.org/after\n"
    warnings, refs = _read(text, Format.MARKDOWN)
    assert sorted(refs) == [("https://x.org/after", 5), ("https://x.org/p", 3), ("https://x.org/q", 3)]
    assert bool(warnings) is warned
    assert all("nested more than" in w and "lines 3-3" in w for w in warnings)


@pytest.mark.parametrize(
    ("text", "line"),
    [
        pytest.param("[" * 219 + "x" + "](https://x.org/in)" * 219, 1, id="nested-links"),
        pytest.param("[" * 5_000 + "x" + "](https://x.org/in)" * 5_000, 1, id="5000-nested-links"),
        pytest.param("![" * 219 + "x" + "](https://x.org/in)" * 219, 1, id="nested-images"),
        pytest.param("".join("  " * i + "- item\n" for i in range(219)) + "https://x.org/in\n", 220, id="nested-lists"),
    ],
)
def test_deeply_nested_markdown_never_overflows_the_stack(text: str, line: int) -> None:
    _, refs = _read(text, Format.MARKDOWN)
    assert refs == [("https://x.org/in", line)]


def test_the_deep_markup_warning_names_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    doc = tmp_path / "deep.html"
    doc.write_text("<html><body>" + "<font>" * 3_000 + '<a href="https://www.example.org/a">x</a>')
    monkeypatch.setattr(auditor.cli, "check_sources", through_fake_web({"www.example.org": {"*": not_found()}}))
    result = CliRunner().invoke(main, ["check", str(doc), "--retries", "0", "--no-archive"])
    assert result.exit_code == 1  # the link was read (and is dead)
    assert f"auditor: warning: {doc}: the HTML is nested too deeply" in result.stderr


@pytest.mark.parametrize("url", ["http://[::1", "https://example]org/x", "http://:80/", "http://a b/"])
def test_a_malformed_url_given_as_input_is_bad_input_and_not_requested(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(auditor.cli, "check_sources", through_fake_web({"www.example.org": {"*": not_found()}}))
    result = CliRunner().invoke(main, ["check", url, "--retries", "0", "--no-archive"])
    assert result.exit_code == 2
    assert f"auditor: warning: {url}: not a valid URL: " in result.stderr
    assert "(0 requests" in result.stderr + result.stdout


def test_reports_show_malformed_links_apart_from_phones(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    monkeypatch.setattr(auditor.cli, "check_sources", through_fake_web({"www.example.org": {"*": not_found()}}))
    doc = tmp_path / "page.html"
    doc.write_text(_html("http://[::1") + _html("mailto:octocat"))
    out = tmp_path / "r"
    args = ["check", str(doc), "--no-archive", "-o", f"{out}.html", "-o", f"{out}.sarif", "-o", f"{out}.json"]
    assert CliRunner().invoke(main, args).exit_code == 1  # invalid fails by default
    assert 'data-group="fails" data-filter="invalid"' in Path(f"{out}.html").read_text()  # a filter in "Fails"
    sarif = json.loads(Path(f"{out}.sarif").read_text())
    assert {r["ruleId"] for r in sarif["runs"][0]["results"]} == {"auditor/invalid"}
    rules = {rule["id"]: rule for rule in sarif["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["auditor/invalid"]["name"] == "InvalidReference"
    refs = json.loads(Path(f"{out}.json").read_text())["references"]
    assert [(r["kind"], r["written"], r["status"]) for r in refs] == [
        ("url", "http://[::1", "invalid"),
        ("email", "mailto:octocat", "invalid"),
    ]
    assert all(r["invalid"] and "url" not in r for r in refs)
