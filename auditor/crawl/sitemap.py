"""The pages (and nested sitemaps) a sitemap lists, from whatever the server sent.

Sitemaps come as XML ``<urlset>`` or ``<sitemapindex>``, gzipped or not, as plain text
(one URL a line) or as an RSS or Atom feed (all allowed by sitemaps.org), and often
broken: cut off mid-download, with stray ``&``, in no namespace or a wrong one, or as a
site's HTML "not found" page answered with 200. A crawl goes on with whatever could be
read, so this never raises: what went wrong is a ``problem`` in words.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urljoin

from lxml import etree

#: sitemaps.org: at most 50,000 URLs and 50 MiB (uncompressed) per sitemap.
MAX_SITEMAP_URLS = 50_000
MAX_SITEMAP_BYTES = 50 * 1024 * 1024

_GZIP_MAGIC = b"\x1f\x8b"
_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_CHUNK = 64 * 1024
_HTML_PAGE = "not a sitemap (an HTML page: perhaps a page not found answered with 200)"
# An "&" that starts no entity or character reference.
_BARE_AMPERSAND = re.compile(rb"&(?!(?:[A-Za-z_][\w.-]*|#[0-9]+|#[xX][0-9A-Fa-f]+);)")


@dataclass(frozen=True, slots=True)
class Sitemap:
    """What one sitemap lists: ``pages`` (a ``<urlset>``, a text sitemap or a feed) or
    ``sitemaps`` (a ``<sitemapindex>``); ``problem`` says what could not be read."""

    url: str
    pages: tuple[str, ...]
    sitemaps: tuple[str, ...]
    problem: str | None = None


def parse_sitemap(url: str, data: bytes) -> Sitemap:
    """The pages or nested sitemaps in ``data``, fetched from ``url``; never raises."""
    problems: list[str] = []
    if data.startswith(_GZIP_MAGIC):  # .xml.gz, or served as application/x-gzip
        data, problem = _gunzip(data)
        if problem:
            problems.append(problem)
    elif len(data) > MAX_SITEMAP_BYTES:
        data = data[:MAX_SITEMAP_BYTES]
        problems.append(f"larger than {_mib(MAX_SITEMAP_BYTES)}, the sitemaps.org limit: read only the start")
    head = data.removeprefix(_UTF8_BOM).lstrip()
    if not head:
        return Sitemap(url, (), (), _joined([*problems, "not a sitemap (empty)"]))
    if head[:15].lower().startswith((b"<!doctype html", b"<html")):
        return Sitemap(url, (), (), _joined([*problems, _HTML_PAGE]))
    if head.startswith(b"<"):
        pages, sitemaps, problem = _read_xml(url, head)
    elif data.startswith(_UTF16_BOMS):
        pages, sitemaps, problem = _read_xml(url, data)  # lxml reads the BOM; lstrip() above cannot
    else:
        pages, sitemaps, problem = _read_text(url, head)
    if problem:
        problems.append(problem)
    kept_pages, more_pages = _limited(pages)
    kept_sitemaps, more_sitemaps = _limited(sitemaps)
    if more_pages or more_sitemaps:
        problems.append(f"more than {MAX_SITEMAP_URLS:,} URLs, the sitemaps.org limit: the rest were left out")
    return Sitemap(url, kept_pages, kept_sitemaps, _joined(problems))


def _gunzip(data: bytes) -> tuple[bytes, str | None]:
    """The uncompressed data, at most ``MAX_SITEMAP_BYTES`` of it (a small .gz can inflate
    to gigabytes), read in chunks so that a corrupt tail keeps what came before it."""
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)  # gzip header and trailer
    out = bytearray()
    try:
        for start in range(0, len(data), _CHUNK):
            out += inflater.decompress(data[start : start + _CHUNK], MAX_SITEMAP_BYTES + 1 - len(out))
            if len(out) > MAX_SITEMAP_BYTES:
                limit = _mib(MAX_SITEMAP_BYTES)
                return bytes(out[:MAX_SITEMAP_BYTES]), f"more than {limit} uncompressed, the sitemaps.org limit: cut"
    except zlib.error as exc:
        return bytes(out), f"broken gzip data ({exc}): read what came before the break"
    if not inflater.eof:
        return bytes(out), "gzip data ends early (a cut download?): read what arrived"
    return bytes(out), None


def _read_xml(url: str, data: bytes) -> tuple[list[str], list[str], str | None]:
    notes: list[str] = []
    if b"&" in data and not data.startswith(_UTF16_BOMS):
        # The commonest sitemap mistake, "?a=1&b=2" unescaped. Left to the parser's recovery it
        # would come out as "?a=1=2", and every "&amp;" after it lose its "&" as well.
        data, bare = _BARE_AMPERSAND.subn(b"&amp;", data)
        if bare:
            notes.append(f"malformed XML: {bare} bare & (should be &amp;), read as written")
    # No entities, no network, no huge trees: a sitemap is someone else's XML.
    # recover: a sitemap broken half-way still yields the URLs before the break.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=True)
    try:
        root = etree.fromstring(data, parser)
    except (etree.XMLSyntaxError, ValueError) as exc:
        return [], [], f"not a sitemap (unreadable XML: {exc})"
    if root is None:
        return [], [], f"not a sitemap (unreadable XML{_first_error(parser)})"
    name = etree.QName(root).localname if isinstance(root.tag, str) else ""
    broken = bool(parser.error_log.filter_from_errors())
    pages: list[str] = []
    sitemaps: list[str] = []
    if name == "urlset":
        pages = _absolute(url, _loc_texts(root.findall("{*}url/{*}loc"), data, broken))
    elif name == "sitemapindex":
        sitemaps = _absolute(url, _loc_texts(root.findall("{*}sitemap/{*}loc"), data, broken))
    elif name == "rss":
        pages = _absolute(url, (link.text for link in root.iterfind("{*}channel/{*}item/{*}link")))
    elif name == "feed":  # Atom: the entry's alternate link (rel is "alternate" when left out)
        links = root.iterfind("{*}entry/{*}link")
        pages = _absolute(url, (link.get("href") for link in links if link.get("rel", "alternate") == "alternate"))
    elif name.lower() == "html":
        return [], [], _HTML_PAGE
    else:
        return [], [], f"not a sitemap (an XML document of <{name}>)"
    if broken:
        found = len(pages) + len(sitemaps)
        notes.append(f"malformed XML{_first_error(parser)}: kept the {_urls(found)} before the break")
    return pages, sitemaps, "; ".join(notes) or None


def _loc_texts(locs: list[etree._Element], data: bytes, broken: bool) -> list[str | None]:
    """The text of each ``<loc>``; in a broken document only of those that were closed.

    A download cut in the middle of a ``<loc>`` is recovered as a URL cut short
    (``https://example.org/do`` of ``/docs``), which would be reported as a broken link.
    """
    if broken and locs:
        prefix = f"{locs[0].prefix}:".encode() if locs[0].prefix else b""
        closed = len(re.findall(rb"</" + re.escape(prefix) + rb"loc\s*>", data))
        locs = locs[:closed]
    return [loc.text for loc in locs]


def _first_error(parser: etree.XMLParser) -> str:
    errors = parser.error_log.filter_from_errors()
    if not errors:
        return ""
    first = errors[0]
    return f" (line {first.line}: {first.message.strip()})"


def _read_text(url: str, data: bytes) -> tuple[list[str], list[str], str | None]:
    """A text sitemap: one absolute URL a line; other lines are not URLs and are skipped."""
    lines = (line.strip() for line in data.decode("utf-8", "replace").splitlines())
    pages = [line for line in lines if line[:8].lower().startswith(("http://", "https://"))]
    if not pages:
        return [], [], "not a sitemap (neither XML nor a list of URLs)"
    return _absolute(url, pages), [], None


def _absolute(url: str, locs: Iterable[str | None]) -> list[str]:
    """Stripped, non-empty http(s) locations, in order, each once.

    Sitemaps must list absolute URLs; a relative one is resolved against the sitemap's
    URL rather than dropped, which is harmless (the crawl's scope still applies).
    """
    found: dict[str, None] = {}
    for loc in locs:
        text = (loc or "").strip()
        if not text:
            continue
        try:
            resolved = urljoin(url, text)
        except ValueError:  # "http://[bad"
            continue
        if resolved[:8].lower().startswith(("http://", "https://")):
            found.setdefault(resolved, None)
    return list(found)


def _limited(urls: list[str]) -> tuple[tuple[str, ...], bool]:
    return tuple(urls[:MAX_SITEMAP_URLS]), len(urls) > MAX_SITEMAP_URLS


def _joined(problems: list[str]) -> str | None:
    return "; ".join(problems) or None


def _urls(count: int) -> str:
    return "1 URL" if count == 1 else f"{count:,} URLs"


def _mib(size: int) -> str:
    return f"{size / (1024 * 1024):g} MiB"
