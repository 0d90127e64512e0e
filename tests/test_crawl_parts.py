"""The crawler's building blocks, without a network: what a page's URL is, what belongs to
the site, what robots.txt allows us, what a sitemap lists and what a page links to.

1. ``canonical`` is the URL fetched; ``page_key`` the one pages are deduplicated on.
2. ``Scope`` keeps a crawl on the start URL's host (http or https) or registrable domain,
   narrowed by include and exclude patterns, and says why a URL is outside.
3. ``Robots`` is protego's reading of robots.txt for our product token, or a blanket answer
   when there is no file (allow) or it cannot be read (disallow), cut at 512 KiB.
4. ``parse_sitemap`` reads urlsets, indexes, gzip, text and feeds, keeps what a broken one
   holds before the break, and never raises.
5. ``page_links`` is where a page's ``<a>`` and ``<area>`` go, absolute, each once.
"""

from __future__ import annotations

import gzip
import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from auditor.crawl import robots as robots_module
from auditor.crawl import sitemap as sitemap_module
from auditor.crawl.links import page_links
from auditor.crawl.robots import MAX_ROBOTS_BYTES, Robots, agent_token
from auditor.crawl.scope import CrawlScope, Scope, canonical, page_key
from auditor.crawl.sitemap import Sitemap, parse_sitemap
from auditor.defaults import DEFAULT_USER_AGENT

PROPERTY = settings(max_examples=300, deadline=None)

# -- 1. canonical and page_key ----------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        pytest.param("HTTP://Example.ORG/About", "http://example.org/About", id="scheme-and-host-lower-path-as-is"),
        pytest.param("http://example.org:80/a", "http://example.org/a", id="http-default-port-dropped"),
        pytest.param("https://example.org:443/a", "https://example.org/a", id="https-default-port-dropped"),
        pytest.param("https://example.org:80/a", "https://example.org:80/a", id="http-port-on-https-kept"),
        pytest.param("http://example.org:8080/a", "http://example.org:8080/a", id="other-port-kept"),
        pytest.param("http://example.org:/a", "http://example.org/a", id="empty-port-dropped"),
        pytest.param("https://example.org/a#team", "https://example.org/a", id="fragment-dropped"),
        pytest.param("https://example.org/a?b=2&a=1#x", "https://example.org/a?b=2&a=1", id="query-kept-unsorted"),
        pytest.param("https://example.org/a?", "https://example.org/a", id="empty-query-dropped"),
        pytest.param("https://example.org", "https://example.org/", id="empty-path-is-root"),
        pytest.param("https://example.org?q=1", "https://example.org/?q=1", id="empty-path-with-query"),
        pytest.param("https://example.org/a/./b/../c", "https://example.org/a/c", id="dot-segments-resolved"),
        pytest.param("https://example.org/a/b/..", "https://example.org/a/", id="trailing-dot-dot-is-a-folder"),
        pytest.param("https://example.org/../../a", "https://example.org/a", id="dot-dot-above-root-stops-at-root"),
        pytest.param("https://example.org/a/.hidden/..x", "https://example.org/a/.hidden/..x", id="dots-inside-names-kept"),
        pytest.param("https://example.org/a//b/", "https://example.org/a//b/", id="empty-segments-kept"),
        pytest.param("https://User:Pw@Example.org:443/", "https://User:Pw@example.org/", id="userinfo-kept"),
        pytest.param("https://BÜCHER.de/Straße", "https://bücher.de/Straße", id="idn-host-lower-cased-as-given"),
        pytest.param("http://[2001:DB8::1]:80/a", "http://[2001:db8::1]/a", id="ipv6-lower-default-port-dropped"),
        pytest.param("http://[::1]:8080/", "http://[::1]:8080/", id="ipv6-with-port"),
        pytest.param("  https://example.org/a \n", "https://example.org/a", id="surrounding-whitespace"),
        pytest.param("mailto:someone@example.org", None, id="mailto-is-no-page"),
        pytest.param("ftp://example.org/file", None, id="ftp-is-no-page"),
        pytest.param("javascript:void(0)", None, id="javascript-is-no-page"),
        pytest.param("//example.org/a", None, id="scheme-relative-is-not-absolute"),
        pytest.param("/about", None, id="path-only"),
        pytest.param("http:///path", None, id="no-host"),
        pytest.param("http://user@/path", None, id="userinfo-but-no-host"),
        pytest.param("http://example.org:99999/", None, id="port-out-of-range"),
        pytest.param("http://example.org:port/", None, id="port-not-a-number"),
        pytest.param("http://[bad/", None, id="broken-ipv6"),
        pytest.param("", None, id="empty"),
    ],
)  # fmt: skip
def test_canonical_is_the_url_fetched(url: str, expected: str | None) -> None:
    assert canonical(url) == expected


@pytest.mark.parametrize(
    ("url", "key"),
    [
        pytest.param("https://example.org/about/", "https://example.org/about", id="trailing-slash-dropped"),
        pytest.param("https://example.org/about", "https://example.org/about", id="no-slash-unchanged"),
        pytest.param("https://example.org/", "https://example.org/", id="root-keeps-its-slash"),
        pytest.param("https://example.org", "https://example.org/", id="empty-path-is-root"),
        pytest.param("https://example.org/a/?q=1", "https://example.org/a?q=1", id="slash-before-query-dropped"),
        pytest.param("https://example.org/a?next=/b/", "https://example.org/a?next=/b/", id="slash-in-query-kept"),
        pytest.param("HTTPS://Example.org:443/Docs/#top", "https://example.org/Docs", id="canonical-first"),
        pytest.param("https://example.org/a//", "https://example.org/a/", id="only-one-slash-dropped"),
        pytest.param("mailto:a@example.org", "mailto:a@example.org", id="not-canonical-is-its-own-key"),
    ],
)  # fmt: skip
def test_page_key_is_what_pages_are_deduplicated_on(url: str, key: str) -> None:
    assert page_key(url) == key


def test_about_and_about_slash_are_one_page_but_http_and_https_are_two_keys() -> None:
    assert page_key("https://example.org/about") == page_key("https://example.org/about/#team")
    assert page_key("http://example.org/about") != page_key("https://example.org/about")


# -- 2. scope ---------------------------------------------------------------------------

START = "https://www.example.org/docs/"


@pytest.mark.parametrize(
    ("mode", "url", "reason"),
    [
        pytest.param(CrawlScope.HOST, "https://www.example.org/docs/a", None, id="host-same-host"),
        pytest.param(CrawlScope.HOST, "https://www.example.org/elsewhere", None, id="host-whole-host-not-just-the-folder"),
        pytest.param(CrawlScope.HOST, "http://www.example.org/a", None, id="host-http-page-of-an-https-site"),
        pytest.param(CrawlScope.HOST, "HTTPS://WWW.Example.ORG:443/a", None, id="host-case-and-default-port"),
        pytest.param(CrawlScope.HOST, "https://example.org/", "another host: example.org", id="host-bare-domain-is-another-host"),
        pytest.param(CrawlScope.HOST, "https://shop.example.org/", "another host: shop.example.org", id="host-sibling-subdomain"),
        pytest.param(CrawlScope.HOST, "https://www.example.org:8443/", "another port: www.example.org:8443", id="host-other-port"),
        pytest.param(CrawlScope.HOST, "https://other.org/", "another host: other.org", id="host-other-site"),
        pytest.param(CrawlScope.HOST, "mailto:a@example.org", "not an http(s) URL with a host", id="host-mailto"),
        pytest.param(CrawlScope.DOMAIN, "https://shop.example.org/", None, id="domain-sibling-subdomain"),
        pytest.param(CrawlScope.DOMAIN, "http://example.org/", None, id="domain-bare-domain-over-http"),
        pytest.param(CrawlScope.DOMAIN, "https://a.b.example.org:8443/", None, id="domain-any-port"),
        pytest.param(CrawlScope.DOMAIN, "https://example.com/", "another domain: example.com", id="domain-other-suffix"),
        pytest.param(CrawlScope.DOMAIN, "https://www.example.org.evil.com/", "another domain: evil.com", id="domain-lookalike"),
        pytest.param(CrawlScope.DOMAIN, "https://notexample.org/", "another domain: notexample.org", id="domain-name-ending-alike"),
    ],
)  # fmt: skip
def test_scope_by_host_or_domain(mode: CrawlScope, url: str, reason: str | None) -> None:
    scope = Scope(START, mode)
    assert scope.why_outside(url) == reason
    assert scope.contains(url) is (reason is None)


@pytest.mark.parametrize(
    ("start", "url", "reason"),
    [
        pytest.param("https://a.example.co.uk/", "https://b.example.co.uk/", None, id="co-uk-same-registrable-domain"),
        pytest.param("https://a.example.co.uk/", "https://other.co.uk/", "another domain: other.co.uk", id="co-uk-is-a-suffix-not-a-site"),
        pytest.param("http://127.0.0.1:8080/", "http://127.0.0.1:9090/a", None, id="ip-address-is-its-own-domain"),
        pytest.param("http://127.0.0.1:8080/", "http://localhost:8080/", "another domain: localhost", id="localhost-is-not-127-0-0-1"),
    ],
)  # fmt: skip
def test_domain_scope_follows_the_public_suffix_list(start: str, url: str, reason: str | None) -> None:
    assert Scope(start, CrawlScope.DOMAIN).why_outside(url) == reason


ROOT = "https://www.example.org/"
Patterns = tuple[str, ...]


@pytest.mark.parametrize(
    ("include", "exclude", "url", "reason"),
    [
        pytest.param((), (r"/private/",), "https://www.example.org/private/a", "excluded by exclude pattern /private/", id="exclude-matches"),
        pytest.param((), (r"/private/",), "https://www.example.org/public/a", None, id="exclude-does-not-match"),
        pytest.param((), (r"\.pdf$",), "https://www.example.org/a.PDF", None, id="patterns-are-case-sensitive"),
        pytest.param((r"/docs/",), (), "https://www.example.org/docs/a", None, id="include-matches"),
        pytest.param((r"/docs/",), (), "https://www.example.org/blog/a", "not matched by any include pattern", id="include-misses"),
        pytest.param((r"/docs/", r"/help/"), (), "https://www.example.org/help/", None, id="any-include-will-do"),
        pytest.param((r"/docs/",), (), ROOT, None, id="start-url-is-always-included"),
        pytest.param((r"/docs/",), (), "HTTPS://WWW.example.org:443#top", None, id="start-url-in-another-spelling"),
        pytest.param((r"/docs/",), (r"/docs/old/",), "https://www.example.org/docs/old/a", "excluded by exclude pattern /docs/old/", id="exclude-beats-include"),
        pytest.param((), (r"^https://www\.example\.org/a$",), "HTTPS://WWW.Example.org:443/a#x", "excluded by exclude pattern ^https://www\\.example\\.org/a$", id="patterns-see-the-canonical-url"),
        pytest.param((), (r"/private/",), "https://other.org/private/", "another host: other.org", id="host-is-checked-first"),
    ],
)  # fmt: skip
def test_include_and_exclude_patterns(include: Patterns, exclude: Patterns, url: str, reason: str | None) -> None:
    scope = Scope(ROOT, CrawlScope.HOST, tuple(map(re.compile, include)), tuple(map(re.compile, exclude)))
    assert scope.why_outside(url) == reason


def test_a_scope_needs_a_start_url_it_can_crawl() -> None:
    with pytest.raises(ValueError, match="http:// or https://"):
        Scope("mailto:a@example.org")


def test_crawl_scope_names_are_the_config_words() -> None:
    assert [CrawlScope(word) for word in ("host", "domain")] == [CrawlScope.HOST, CrawlScope.DOMAIN]


# -- 3. robots.txt ----------------------------------------------------------------------

ROBOTS_URL = "https://example.org/robots.txt"


@pytest.mark.parametrize(
    ("user_agent", "token"),
    [
        pytest.param(DEFAULT_USER_AGENT, "auditor", id="our-header"),
        pytest.param("auditor", "auditor", id="already-a-token"),
        pytest.param("Mozilla/5.0 (compatible; Auditor/1.0)", "Mozilla", id="first-product-wins"),
        pytest.param("  my-bot 2.0", "my-bot", id="space-ends-the-token"),
        pytest.param("", "", id="empty"),
        pytest.param("/0.1", "", id="no-name"),
    ],
)  # fmt: skip
def test_agent_token_is_the_product_name(user_agent: str, token: str) -> None:
    assert agent_token(user_agent) == token


R = "https://example.org"


@pytest.mark.parametrize(
    ("text", "url", "allowed"),
    [
        # Which group is ours.
        pytest.param("User-agent: auditor\nDisallow: /\n\nUser-agent: *\nAllow: /\n", f"{R}/a", False, id="our-group-disallows-though-star-allows"),
        pytest.param("User-agent: auditor\nAllow: /\n\nUser-agent: *\nDisallow: /\n", f"{R}/a", True, id="our-group-allows-though-star-disallows"),
        pytest.param("User-agent: *\nDisallow: /\n\nUser-agent: auditor\nDisallow: /x\n", f"{R}/a", True, id="our-group-wherever-it-stands"),
        pytest.param("User-agent: otherbot\nDisallow: /\n", f"{R}/a", True, id="another-bots-group-is-not-ours"),
        pytest.param("User-agent: otherbot\nDisallow: /\n\nUser-agent: *\nDisallow: /a\n", f"{R}/a", False, id="star-when-no-group-names-us"),
        pytest.param("User-agent: AUDITOR\nDisallow: /\n", f"{R}/a", False, id="names-match-case-insensitively"),
        pytest.param("User-agent: otherbot\nUser-agent: auditor\nDisallow: /\n", f"{R}/a", False, id="group-naming-several-agents"),
        pytest.param("User-agent: auditorbot\nDisallow: /\n", f"{R}/a", True, id="a-longer-name-is-another-bot"),
        pytest.param("User-agent: audit\nDisallow: /\n", f"{R}/a", False, id="protego-quirk-a-prefix-of-our-token-applies"),
        pytest.param("User-agent: link\nDisallow: /\n", f"{R}/a", True, id="words-of-our-header-are-not-our-name"),
        pytest.param("Disallow: /\nUser-agent: *\nDisallow: /x\n", f"{R}/a", True, id="rules-before-any-user-agent-ignored"),
        # Which rule wins.
        pytest.param("User-agent: *\nDisallow: /docs\nAllow: /docs/public\n", f"{R}/docs/public/a", True, id="longest-match-allow-wins"),
        pytest.param("User-agent: *\nAllow: /docs\nDisallow: /docs/secret\n", f"{R}/docs/secret/a", False, id="longest-match-disallow-wins"),
        pytest.param("User-agent: *\nDisallow: /page\nAllow: /page\n", f"{R}/page", True, id="allow-wins-a-tie"),
        pytest.param("User-agent: *\nDisallow:\n", f"{R}/anything", True, id="empty-disallow-allows-all"),
        pytest.param("User-agent: *\nDisallow: /\n", f"{R}/robots.txt", True, id="robots-txt-itself-always-allowed"),
        pytest.param("User-agent: *\nDisallow: /private\n", f"{R}/private-stuff", False, id="rules-are-prefixes"),
        pytest.param("User-agent: *\nDisallow: /search\n", f"{R}/a?q=/search", True, id="prefix-of-path-not-of-query"),
        pytest.param("User-agent: *\nDisallow: /*?sort=\n", f"{R}/list?sort=asc", False, id="rules-see-the-query"),
        # Wildcards.
        pytest.param("User-agent: *\nDisallow: /*.pdf\n", f"{R}/files/a.pdf", False, id="star-wildcard"),
        pytest.param("User-agent: *\nDisallow: /*.pdf\n", f"{R}/files/a.pdf?x=1", False, id="star-wildcard-no-anchor"),
        pytest.param("User-agent: *\nDisallow: /*.pdf$\n", f"{R}/files/a.pdf", False, id="dollar-anchor-matches-end"),
        pytest.param("User-agent: *\nDisallow: /*.pdf$\n", f"{R}/files/a.pdf?download=1", True, id="dollar-anchor-not-before-query"),
        # Percent-encoding: both spellings are one path.
        pytest.param("User-agent: *\nDisallow: /caf%C3%A9\n", f"{R}/café", False, id="encoded-rule-raw-url"),
        pytest.param("User-agent: *\nDisallow: /café\n", f"{R}/caf%C3%A9", False, id="raw-rule-encoded-url"),
        pytest.param("User-agent: *\nDisallow: /caf%c3%a9\n", f"{R}/caf%C3%A9", False, id="escape-case-ignored"),
        # What the file looks like.
        pytest.param("\ufeffUser-agent: *\r\nDisallow: /private\r\n", f"{R}/private", False, id="bom-and-crlf"),
        pytest.param("User-agent: * # everyone\n# a comment\nDisallow: /tmp # scratch\n", f"{R}/tmp/a", False, id="comments"),
        pytest.param("User-agent: *\nNoindex: /tmp\nClean-param: ref\nDisallow: /tmp\n", f"{R}/tmp/a", False, id="unknown-directives-skipped"),
        pytest.param("User-agent: *\nDisalow: /tmp\n", f"{R}/tmp/a", False, id="common-misspelling-read"),
        pytest.param("user-agent:*\ndisallow:/tmp\n", f"{R}/tmp/a", False, id="no-spaces-lower-case"),
        pytest.param("<html><body>Not found</body></html>", f"{R}/a", True, id="an-html-page-has-no-rules"),
        pytest.param("", f"{R}/a", True, id="empty-file"),
    ],
)  # fmt: skip
def test_what_robots_txt_allows_us(text: str, url: str, allowed: bool) -> None:
    assert Robots.parse(ROBOTS_URL, text).allows(url, DEFAULT_USER_AGENT) is allowed


def test_robots_rules_for_a_token_or_a_whole_header_are_the_same() -> None:
    robots = Robots.parse(ROBOTS_URL, "User-agent: link\nDisallow: /\n\nUser-agent: auditor\nAllow: /\n")
    assert robots.allows(f"{R}/a", "auditor") and robots.allows(f"{R}/a", DEFAULT_USER_AGENT)


@pytest.mark.parametrize(
    ("text", "delay"),
    [
        pytest.param("User-agent: *\nCrawl-delay: 5\n", 5.0, id="star-delay"),
        pytest.param("User-agent: *\nCrawl-delay: 0.5\n", 0.5, id="fractional"),
        pytest.param("User-agent: auditor\nCrawl-delay: 2\n\nUser-agent: *\nCrawl-delay: 10\n", 2.0, id="our-group-delay"),
        pytest.param("User-agent: auditor\nDisallow: /x\n\nUser-agent: *\nCrawl-delay: 10\n", None, id="star-delay-does-not-reach-our-group"),
        pytest.param("User-agent: otherbot\nCrawl-delay: 10\n", None, id="another-bots-delay"),
        pytest.param("User-agent: *\nCrawl-delay: soon\n", None, id="not-a-number-ignored"),
        pytest.param("User-agent: *\nCrawl-delay: -3\n", None, id="negative-ignored"),
        pytest.param("Crawl-delay: 5\nUser-agent: *\nDisallow: /x\n", None, id="delay-before-any-group-ignored"),
        pytest.param("User-agent: *\nRequest-rate: 1/10s\n", 10.0, id="request-rate-one-per-10s"),
        pytest.param("User-agent: *\nRequest-rate: 6/1m\n", 10.0, id="request-rate-six-per-minute"),
        pytest.param("User-agent: *\nRequest-rate: 1/10s 0800-1700\n", 10.0, id="request-rate-window-honoured-all-day"),
        pytest.param("User-agent: *\nCrawl-delay: 2\nRequest-rate: 1/10s\n", 10.0, id="slower-of-both-rate"),
        pytest.param("User-agent: *\nCrawl-delay: 20\nRequest-rate: 1/10s\n", 20.0, id="slower-of-both-delay"),
        pytest.param("User-agent: *\nDisallow: /x\n", None, id="none-given"),
    ],
)  # fmt: skip
def test_crawl_delay_of_our_group(text: str, delay: float | None) -> None:
    assert Robots.parse(ROBOTS_URL, text).crawl_delay(DEFAULT_USER_AGENT) == delay


def test_sitemap_lines_belong_to_no_group_and_keep_their_order() -> None:
    text = (
        "Sitemap: https://example.org/sitemap.xml\n"
        "User-agent: otherbot\nDisallow: /\n"
        "sitemap: https://cdn.example.org/pages.xml.gz # mirrored\n"
    )
    robots = Robots.parse(ROBOTS_URL, text)
    assert robots.sitemaps == ("https://example.org/sitemap.xml", "https://cdn.example.org/pages.xml.gz")


@pytest.mark.parametrize(
    ("robots", "allowed"),
    [
        pytest.param(Robots.allow_all(ROBOTS_URL, "no robots.txt (404)"), True, id="4xx-allows-everything"),
        pytest.param(Robots.disallow_all(ROBOTS_URL, "robots.txt answered 503"), False, id="5xx-disallows-everything"),
        pytest.param(Robots.disallow_all(ROBOTS_URL, "robots.txt could not be fetched: timeout"), False, id="unreachable-disallows-everything"),
    ],
)  # fmt: skip
def test_blanket_answers_without_a_file(robots: Robots, allowed: bool) -> None:
    assert robots.allows(f"{R}/", DEFAULT_USER_AGENT) is allowed
    assert robots.allows(f"{R}/deep/page?q=1", DEFAULT_USER_AGENT) is allowed
    assert robots.crawl_delay(DEFAULT_USER_AGENT) is None
    assert robots.sitemaps == ()
    assert robots.why in repr(robots)


def test_robots_values_compare_without_their_parser() -> None:
    text = "User-agent: *\nDisallow: /x\n"
    assert Robots.parse(ROBOTS_URL, text) == Robots.parse(ROBOTS_URL, text)
    assert "parser" not in repr(Robots.parse(ROBOTS_URL, text))
    assert Robots.allow_all(ROBOTS_URL) != Robots.disallow_all(ROBOTS_URL, "")


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("http://[bad/caf\u00e9", id="broken-ipv6"),
        pytest.param("https://example.org/\ud800", id="lone-surrogate"),
    ],
)
def test_a_url_protego_cannot_read_is_not_allowed(url: str) -> None:
    assert Robots.parse(ROBOTS_URL, "User-agent: *\nDisallow: /x\n").allows(url, "auditor") is False


def _padded_to(size: int, head: str, tail: str) -> str:
    """``head``, comment lines, then ``tail`` starting ``size`` bytes into the file."""
    padding = size - len(head.encode())
    lines = "".join("#" * 99 + "\n" for _ in range(padding // 100))
    return head + lines + "#" * (padding % 100 - 1) + "\n" + tail


def test_robots_txt_is_read_up_to_512_kib() -> None:
    before = _padded_to(MAX_ROBOTS_BYTES - 100, "User-agent: *\n", "Disallow: /early\n")
    text = _padded_to(MAX_ROBOTS_BYTES + 10, before, "Disallow: /late\n")
    robots = Robots.parse(ROBOTS_URL, text)
    assert not robots.allows(f"{R}/early", "auditor")
    assert robots.allows(f"{R}/late", "auditor")


def test_a_line_cut_by_the_limit_is_dropped_not_read_short() -> None:
    text = _padded_to(MAX_ROBOTS_BYTES - len("Disallow: /pri"), "User-agent: *\n", "Disallow: /private-stuff\n")
    robots = Robots.parse(ROBOTS_URL, text)
    assert robots.allows(f"{R}/prize", "auditor")  # "Disallow: /pri" would forbid it


def test_the_limit_counts_bytes_not_characters(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(robots_module, "MAX_ROBOTS_BYTES", 40)
    text = "User-agent: *\n# ééééééééé\nDisallow: /x\n"  # 27 characters, 36 bytes before the rule
    assert Robots.parse(ROBOTS_URL, text).allows(f"{R}/x", "auditor")
    assert not Robots.parse(ROBOTS_URL, text.replace("é", "e")).allows(f"{R}/x", "auditor")


# -- 4. sitemaps ------------------------------------------------------------------------

SITEMAP_URL = "https://example.org/sitemap.xml"
TEXT_SITEMAP_URL = "https://example.org/sitemap.txt"
NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'


def urlset(*locs: str, ns: str = NS) -> bytes:
    urls = "".join(f"<url><loc>{loc}</loc><lastmod>2024-01-01</lastmod></url>" for loc in locs)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset {ns}>{urls}</urlset>'.encode()


@pytest.mark.parametrize(
    ("data", "pages", "sitemaps"),
    [
        pytest.param(urlset("https://example.org/", "https://example.org/a"), ("https://example.org/", "https://example.org/a"), (), id="urlset"),
        pytest.param(urlset("https://example.org/a", ns=""), ("https://example.org/a",), (), id="no-namespace"),
        pytest.param(urlset("https://example.org/a", ns='xmlns="http://www.google.com/schemas/sitemap/0.84"'), ("https://example.org/a",), (), id="old-namespace"),
        pytest.param(
            b'<sm:urlset xmlns:sm="http://www.sitemaps.org/schemas/sitemap/0.9"><sm:url><sm:loc>https://example.org/a</sm:loc></sm:url></sm:urlset>',
            ("https://example.org/a",),
            (),
            id="prefixed-namespace",
        ),
        pytest.param(
            f'<sitemapindex {NS}><sitemap><loc>https://example.org/s1.xml</loc></sitemap><sitemap><loc>https://example.org/s2.xml.gz</loc></sitemap></sitemapindex>'.encode(),
            (),
            ("https://example.org/s1.xml", "https://example.org/s2.xml.gz"),
            id="sitemap-index",
        ),
        pytest.param(urlset("\n   https://example.org/a\t\n  "), ("https://example.org/a",), (), id="whitespace-around-loc"),
        pytest.param(urlset("", "   ", "https://example.org/a"), ("https://example.org/a",), (), id="empty-locs-skipped"),
        pytest.param(urlset("https://example.org/a", "https://example.org/b", "https://example.org/a"), ("https://example.org/a", "https://example.org/b"), (), id="duplicates-once"),
        pytest.param(urlset("/relative", "other.html"), ("https://example.org/relative", "https://example.org/other.html"), (), id="relative-locs-resolved"),
        pytest.param(urlset("ftp://example.org/a", "mailto:a@example.org", "https://example.org/b"), ("https://example.org/b",), (), id="only-web-locs"),
        pytest.param(urlset("https://example.org/?a=1&amp;b=2"), ("https://example.org/?a=1&b=2",), (), id="escaped-ampersand"),
        pytest.param(urlset("<![CDATA[https://example.org/c]]>"), ("https://example.org/c",), (), id="cdata-loc"),
        pytest.param("\ufeff".encode() + urlset("https://example.org/a"), ("https://example.org/a",), (), id="utf8-bom"),
        pytest.param(urlset("https://example.org/a").decode().replace("UTF-8", "UTF-16").encode("utf-16"), ("https://example.org/a",), (), id="utf16"),
        pytest.param(
            f'<urlset {NS} xmlns:image="http://www.google.com/schemas/sitemap-image/1.1"><url><loc>https://example.org/a</loc>'
            "<image:image><image:loc>https://example.org/a.jpg</image:loc></image:image></url></urlset>".encode(),
            ("https://example.org/a",),
            (),
            id="image-locs-are-not-pages",
        ),
    ],
)  # fmt: skip
def test_what_a_sitemap_lists(data: bytes, pages: tuple[str, ...], sitemaps: tuple[str, ...]) -> None:
    assert parse_sitemap(SITEMAP_URL, data) == Sitemap(SITEMAP_URL, pages, sitemaps, None)


@pytest.mark.parametrize(
    ("data", "pages"),
    [
        pytest.param(b"https://example.org/a\nhttps://example.org/b\n", ("https://example.org/a", "https://example.org/b"), id="one-a-line"),
        pytest.param(b"\xef\xbb\xbfhttps://example.org/a\r\n\r\n  https://example.org/b  \r\n", ("https://example.org/a", "https://example.org/b"), id="bom-crlf-blank-lines"),
        pytest.param(b"HTTP://example.org/a\n# pages\nnot a url\n", ("HTTP://example.org/a",), id="other-lines-skipped"),
    ],
)  # fmt: skip
def test_a_text_sitemap_is_one_url_a_line(data: bytes, pages: tuple[str, ...]) -> None:
    assert parse_sitemap(TEXT_SITEMAP_URL, data) == Sitemap(TEXT_SITEMAP_URL, pages, (), None)


@pytest.mark.parametrize(
    ("data", "pages"),
    [
        pytest.param(
            b"<rss version='2.0'><channel><link>https://example.org/</link><item><link>https://example.org/news/1</link></item>"
            b"<item><link> https://example.org/news/2 </link></item></channel></rss>",
            ("https://example.org/news/1", "https://example.org/news/2"),
            id="rss-item-links",
        ),
        pytest.param(
            b"<feed xmlns='http://www.w3.org/2005/Atom'><link href='https://example.org/'/><entry><link href='https://example.org/p/1'/>"
            b"<link rel='edit' href='https://example.org/edit/1'/></entry><entry><link rel='alternate' href='/p/2'/></entry></feed>",
            ("https://example.org/p/1", "https://example.org/p/2"),
            id="atom-entry-alternate-links",
        ),
    ],
)  # fmt: skip
def test_a_feed_is_a_sitemap_too(data: bytes, pages: tuple[str, ...]) -> None:
    assert parse_sitemap(SITEMAP_URL, data) == Sitemap(SITEMAP_URL, pages, (), None)


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        pytest.param(b"", "not a sitemap (empty)", id="empty"),
        pytest.param(b" \r\n\t", "not a sitemap (empty)", id="whitespace"),
        pytest.param(b"<!DOCTYPE html><html><body><h1>Not found</h1></body></html>", "not a sitemap (an HTML page", id="html-doctype"),
        pytest.param(b"<html><body><a href='https://example.org/a'>a</a></body></html>", "not a sitemap (an HTML page", id="html-no-doctype"),
        pytest.param(b"<?xml version='1.0'?><html xmlns='http://www.w3.org/1999/xhtml'><body/></html>", "not a sitemap (an HTML page", id="xhtml"),
        pytest.param(b"<?xml version='1.0'?><catalog><book/></catalog>", "not a sitemap (an XML document of <catalog>)", id="other-xml"),
        pytest.param(b"Sorry, nothing here.", "not a sitemap (neither XML nor a list of URLs)", id="prose"),
        pytest.param(b"<<<>>>", "not a sitemap (unreadable XML", id="garbage-markup"),
        pytest.param(b"\x00\x01\x02\xff", "not a sitemap (neither XML nor a list of URLs)", id="binary"),
    ],
)  # fmt: skip
def test_not_a_sitemap_lists_nothing_and_says_why(data: bytes, problem: str) -> None:
    sitemap = parse_sitemap(SITEMAP_URL, data)
    assert (sitemap.pages, sitemap.sitemaps) == ((), ())
    assert sitemap.problem is not None and sitemap.problem.startswith(problem)


@pytest.mark.parametrize(
    ("data", "pages", "problem"),
    [
        pytest.param(
            urlset("https://example.org/a", "https://example.org/bc").partition(b"/bc")[0] + b"/b",
            ("https://example.org/a",),
            "malformed XML",
            id="cut-mid-loc-drops-the-cut-url",
        ),
        pytest.param(
            urlset("https://example.org/a", "https://example.org/b").rpartition(b"</loc>")[0] + b"</loc><lastmod>20",
            ("https://example.org/a", "https://example.org/b"),
            "malformed XML",
            id="cut-after-a-loc-keeps-it",
        ),
        pytest.param(
            f"<urlset {NS}><url><loc>https://example.org/a</loc></url><url><loc>https://example.org/b</loc><bad attr=></url></urlset>".encode(),
            ("https://example.org/a", "https://example.org/b"),
            "malformed XML (line 1",
            id="broken-tag-keeps-locs-before-it",
        ),
        pytest.param(
            urlset("https://example.org/?a=1&b=2", "https://example.org/?c=3&amp;d=4"),
            ("https://example.org/?a=1&b=2", "https://example.org/?c=3&d=4"),
            "malformed XML: 1 bare & (should be &amp;), read as written",
            id="bare-ampersand-read-as-written",
        ),
    ],
)  # fmt: skip
def test_a_broken_sitemap_keeps_what_came_before_the_break(data: bytes, pages: tuple[str, ...], problem: str) -> None:
    sitemap = parse_sitemap(SITEMAP_URL, data)
    assert sitemap.pages == pages
    assert sitemap.problem is not None and sitemap.problem.startswith(problem)


def test_a_gzipped_sitemap_is_unpacked() -> None:
    data = gzip.compress(urlset("https://example.org/a"))
    url = "https://example.org/sitemap.xml.gz"
    assert parse_sitemap(url, data) == Sitemap(url, ("https://example.org/a",), (), None)


def test_a_gzipped_text_sitemap_is_unpacked() -> None:
    assert parse_sitemap(SITEMAP_URL, gzip.compress(b"https://example.org/a\n")).pages == ("https://example.org/a",)


def test_a_decompression_bomb_is_cut_at_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sitemap_module, "MAX_SITEMAP_BYTES", 10_000)
    bomb = gzip.compress(b"\0" * 1_000_000)  # 1 MB of zeros in about 1 KB
    sitemap = parse_sitemap(SITEMAP_URL, bomb)
    assert sitemap.pages == ()
    assert sitemap.problem is not None and "uncompressed, the sitemaps.org limit: cut" in sitemap.problem


def test_a_sitemap_over_the_limit_keeps_the_urls_before_the_cut(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sitemap_module, "MAX_SITEMAP_BYTES", 1000)
    data = urlset(*(f"https://example.org/page/{i}" for i in range(100)))
    for sent in (gzip.compress(data), data):
        sitemap = parse_sitemap(SITEMAP_URL, sent)
        assert 10 < len(sitemap.pages) < 30
        assert sitemap.pages == tuple(f"https://example.org/page/{i}" for i in range(len(sitemap.pages)))
        assert sitemap.problem is not None and "the sitemaps.org limit" in sitemap.problem


@pytest.mark.parametrize(
    ("damage", "problem"),
    [
        pytest.param(lambda gz: gz[: len(gz) // 2], "gzip data ends early", id="cut-download"),
        pytest.param(lambda gz: gz[:10] + b"\xff" * 20 + gz[30:], "broken gzip data", id="corrupt-stream"),
    ],
)  # fmt: skip
def test_broken_gzip_says_so(damage: object, problem: str) -> None:
    data = gzip.compress(urlset(*(f"https://example.org/{i}" for i in range(200))))
    sitemap = parse_sitemap(SITEMAP_URL, damage(data))  # type: ignore[operator]
    assert sitemap.problem is not None and sitemap.problem.startswith(problem)


def test_at_most_50000_urls_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sitemap_module, "MAX_SITEMAP_URLS", 3)
    sitemap = parse_sitemap(SITEMAP_URL, urlset(*(f"https://example.org/{i}" for i in range(5))))
    assert sitemap.pages == ("https://example.org/0", "https://example.org/1", "https://example.org/2")
    assert sitemap.problem == "more than 3 URLs, the sitemaps.org limit: the rest were left out"


def test_entities_are_not_resolved() -> None:
    xxe = (
        b'<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY secret SYSTEM "file:///etc/passwd">'
        b'<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b"<urlset><url><loc>https://example.org/&secret;</loc></url><url><loc>https://example.org/&b;</loc></url></urlset>"
    )
    sitemap = parse_sitemap(SITEMAP_URL, xxe)
    assert not any("root:" in page or "aaaa" in page for page in sitemap.pages)


@PROPERTY
@given(st.binary(max_size=2000))
@example(b"\x1f\x8b")
@example(b"\x1f\x8b\x08\x00\x00\x00\x00\x00")
@example(b"\xff\xfe<\x00")
@example(b"<urlset><url><loc>http://[bad</loc></url></urlset>")
@example(b"<urlset><url><loc>\xff\xfe</loc></url></urlset>")
def test_parse_sitemap_never_raises_on_any_bytes(data: bytes) -> None:
    sitemap = parse_sitemap(SITEMAP_URL, data)
    assert all(page.lower().startswith(("http://", "https://")) for page in sitemap.pages + sitemap.sitemaps)


SITEMAP_PIECES = ["<urlset>", "</urlset>", "<url>", "</url>", "<loc>", "</loc>", "<sitemapindex>", "<sitemap>", "https://example.org/", "a", "&", "&amp;", "<!--", "-->", "\n", "<?xml version='1.0'?>", "]]>"]  # fmt: skip


@PROPERTY
@given(st.lists(st.sampled_from(SITEMAP_PIECES), max_size=30), st.booleans())
def test_parse_sitemap_never_raises_on_sitemap_like_text(pieces: list[str], zipped: bool) -> None:
    data = "".join(pieces).encode()
    parse_sitemap(SITEMAP_URL, gzip.compress(data) if zipped else data)


# -- 5. links ---------------------------------------------------------------------------

PAGE = "https://example.org/dir/page.html"


@pytest.mark.parametrize(
    ("html", "links"),
    [
        pytest.param('<a href="a.html">a</a><a href="/b">b</a><a href="https://other.org/c">c</a>', ["https://example.org/dir/a.html", "https://example.org/b", "https://other.org/c"], id="relative-root-absolute"),
        pytest.param('<map><area href="/map/1" shape="rect"></map><a href="/x">x</a>', ["https://example.org/map/1", "https://example.org/x"], id="area-in-order"),
        pytest.param('<A HREF="/upper">u</A>', ["https://example.org/upper"], id="upper-case-tags"),
        pytest.param('<a href="../up">u</a><a href="./here">h</a><a href="/x/./y/../z">z</a>', ["https://example.org/up", "https://example.org/dir/here", "https://example.org/x/z"], id="dot-segments"),
        pytest.param('<a href="//cdn.example.org/x">x</a>', ["https://cdn.example.org/x"], id="scheme-relative"),
        pytest.param('<a href="?page=2">2</a>', ["https://example.org/dir/page.html?page=2"], id="query-only"),
        pytest.param('<a href="/s?a=1&amp;b=2">s</a>', ["https://example.org/s?a=1&b=2"], id="entities-decoded"),
        pytest.param('<a href="  /spaced \n">s</a>', ["https://example.org/spaced"], id="whitespace-stripped"),
        pytest.param('<a href="/a">1</a><a href="/b">2</a><a href="/a">3</a><a href="/b#x">4</a>', ["https://example.org/a", "https://example.org/b"], id="duplicates-once-in-order"),
        pytest.param('<a href="/a#part">a</a><a href="https://other.org/#x">o</a>', ["https://example.org/a", "https://other.org/"], id="fragments-dropped"),
        pytest.param('<a href="#top">t</a><a href="page.html#x">p</a><a href="">e</a><a href="  ">s</a><a>none</a>', [], id="the-page-itself-is-no-link"),
        pytest.param('<a href="mailto:a@example.org">m</a><a href="tel:+441234">t</a><a href="javascript:void(0)">j</a><a href="data:text/html,x">d</a><a href="ftp://example.org/f">f</a>', [], id="other-schemes-dropped"),
        pytest.param('<a href="http://[bad">b</a><a href="/ok">ok</a>', ["https://example.org/ok"], id="malformed-href-skipped"),
        pytest.param('<link rel="stylesheet" href="/s.css"><img src="/i.png"><script src="/j.js"></script><a href="/p">p</a>', ["https://example.org/p"], id="only-a-and-area"),
        pytest.param('<head><base href="https://static.example.org/base/"></head><a href="x">x</a><a href="/y">y</a>', ["https://static.example.org/base/x", "https://static.example.org/y"], id="absolute-base"),
        pytest.param('<head><base href="/other/"></head><a href="x">x</a>', ["https://example.org/other/x"], id="relative-base-against-the-page"),
        pytest.param('<a href="x">x</a><base href="/late/">', ["https://example.org/late/x"], id="base-anywhere-counts"),
        pytest.param('<base href="/first/"><base href="/second/"><a href="x">x</a>', ["https://example.org/first/x"], id="first-base-wins"),
        pytest.param('<base target="_blank"><base href="/with-href/"><a href="x">x</a>', ["https://example.org/with-href/x"], id="first-base-with-href"),
        pytest.param('<base href="javascript:alert(1)"><a href="x">x</a>', ["https://example.org/dir/x"], id="unusable-base-ignored"),
        pytest.param('<base href="/b/"><a href="#top">t</a><a href="/dir/page.html">p</a>', ["https://example.org/b/"], id="base-moves-fragment-links"),
        pytest.param("<?xml version='1.0' encoding='utf-8'?><html xmlns='http://www.w3.org/1999/xhtml'><body><a href='/x'>x</a></body></html>", ["https://example.org/x"], id="xhtml-with-declaration"),
        pytest.param('<a href="/caf\u00e9">c</a>', ["https://example.org/caf\u00e9"], id="unicode-href-as-written"),
        pytest.param('<a href="/a\x00b">n</a>', ["https://example.org/a\ufffdb"], id="nul-read-as-replacement-character"),
        pytest.param("", [], id="empty-document"),
        pytest.param("<!-- nothing -->", [], id="comment-only"),
        pytest.param("   \n ", [], id="whitespace-only"),
        pytest.param("just text", [], id="text-only"),
    ],
)  # fmt: skip
def test_the_links_a_crawler_follows(html: str, links: list[str]) -> None:
    assert page_links(html, PAGE) == links


def test_links_resolve_against_the_page_url_without_its_fragment() -> None:
    assert page_links('<a href="#b">b</a><a href="other">o</a>', f"{PAGE}#a") == ["https://example.org/dir/other"]


def test_links_of_a_page_at_a_folder_or_the_root() -> None:
    assert page_links('<a href="x">x</a>', "https://example.org/dir/") == ["https://example.org/dir/x"]
    assert page_links('<a href="x">x</a>', "https://example.org") == ["https://example.org/x"]
    assert page_links('<a href="/x">x</a>', "http://example.org:8080/a?q=1") == ["http://example.org:8080/x"]


HTML_PIECES = ["<a href='", "<area href=\"", "<base href='", "'>", '">', "</a>", "x", "/", "#", "?", "..", "http://", "https://[", "mailto:", "//h", "<!--", "\x00", " ", "\ud800"]  # fmt: skip


@PROPERTY
@given(st.text(max_size=500))
@example("\ud800")
@example("<?xml version='1.0' encoding='latin-1'?>")
def test_page_links_never_raises_on_any_text(text: str) -> None:
    for link in page_links(text, PAGE):
        assert link.startswith(("http://", "https://")) and "#" not in link


@PROPERTY
@given(st.lists(st.sampled_from(HTML_PIECES), max_size=40))
def test_page_links_never_raises_on_link_like_html(pieces: list[str]) -> None:
    links = page_links("".join(pieces), PAGE)
    assert len(links) == len(set(links))
    assert all(link.lower().startswith(("http://", "https://")) and "#" not in link and link != PAGE for link in links)


@PROPERTY
@given(st.text(max_size=100))
def test_canonical_and_scope_never_raise(url: str) -> None:
    key = page_key(url)
    assert isinstance(key, str)
    Scope(START, CrawlScope.DOMAIN).why_outside(url)
    if (fetched := canonical(url)) is not None:
        assert canonical(fetched) == fetched  # idempotent


@PROPERTY
@given(st.text(max_size=300), st.text(max_size=50))
def test_robots_never_raises(text: str, path: str) -> None:
    robots = Robots.parse(ROBOTS_URL, text)
    robots.allows(f"{R}/{path}", DEFAULT_USER_AGENT)
    robots.crawl_delay(DEFAULT_USER_AGENT)
    assert isinstance(robots.sitemaps, tuple)
