"""The pages a crawler follows from an HTML page: where its ``<a>`` and ``<area>`` go.

Not the reference extractor (``auditor.extract.html``), which finds everything a page
mentions, e-mail addresses and phone numbers included: a crawler only needs the http(s)
pages it could visit next, and needs them fast, since this runs on every page crawled.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree

# lxml refuses a str that declares its own encoding ("<?xml ... encoding='utf-8'?>", XHTML).
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>")
_WEB = ("http://", "https://")
# Links urljoin would only glue on: an absolute http(s) URL with a plain host, or a path from
# the root; or a relative path whose first segment is no scheme ("a:b") and no dot segment.
# Dot segments ("/./", "/../") are ruled out apart; whitespace, control characters and
# backslashes, which urljoin cleans, are not allowed.
_ROOTED = re.compile(r"(?:[Hh][Tt][Tt][Pp][Ss]?://[^/?#@\[\]\s\\\x00-\x1f]+)?/(?!/)[^\s\\\x00-\x1f]*").fullmatch
_RELATIVE = re.compile(r"[\w~%-][^:/?#\s\\\x00-\x1f]*(?:[/?#][^\s\\\x00-\x1f]*)?").fullmatch


def page_links(html: str, url: str) -> list[str]:
    """Absolute http(s) URLs of the page's ``<a href>`` and ``<area href>``, in order of
    appearance, each once, without fragments, and without the page itself (``#top``).

    Relative links resolve against the first ``<base href>`` (itself resolved against
    the page URL) wherever it stands, as in browsers, else against ``url``. Links that
    urllib cannot read (``http://[bad``) are skipped.
    """
    root = _parse(html)
    if root is None:
        return []
    base: str | None = None
    seen_base = False
    hrefs: list[str] = []
    for element in root.iter("a", "area", "base"):
        href = element.get("href")
        if href is None:
            continue
        if element.tag != "base":
            hrefs.append(href)
        elif not seen_base:  # only the first <base href> counts, even when it is unusable
            seen_base = True
            base = _base(url, href)
    here = url.partition("#")[0]
    base = base or here
    origin, folder = _origin(base)
    found: dict[str, None] = {}
    for href in hrefs:
        href = href.strip()
        if not href:
            continue  # an empty href is the page itself
        # The common links need no urljoin, which costs more than parsing the page (14 µs a link).
        if origin and "/." not in href and _ROOTED(href):  # "/path?q", "https://host/path"
            target = origin + href if href[0] == "/" else href
        elif origin and "/." not in href and _RELATIVE(href):  # "path/page.html?q"
            target = folder + href
        else:
            try:
                target = urljoin(base, href)
            except ValueError:
                continue
        target = target.partition("#")[0]
        if target[:8].lower().startswith(_WEB) and target != here:
            found.setdefault(target, None)
    return list(found)


def _origin(url: str) -> tuple[str, str]:
    """``scheme://host:port`` of an http(s) URL and its folder (``.../dir/``), what root and
    relative paths are glued to; empty when urllib refuses the URL."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "", ""
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return "", ""
    origin = f"{parts.scheme}://{parts.netloc}"
    return origin, origin + (parts.path[: parts.path.rfind("/") + 1] or "/")


def _base(url: str, href: str) -> str | None:
    """The URL relative links start from, or None when ``<base href>`` is no web address."""
    try:
        base = urljoin(url, href.strip())
    except ValueError:
        return None
    return base if base[:8].lower().startswith(_WEB) else None


def _parse(html: str) -> etree._Element | None:
    try:
        return lxml.html.fromstring(html)
    except (etree.LxmlError, ValueError):
        pass  # empty or only comments; or an encoding declaration, a NUL, a lone surrogate
    cleaned = _cleaned(html)
    if cleaned == html:
        return None
    try:
        return lxml.html.fromstring(cleaned)
    except (etree.LxmlError, ValueError):
        return None


def _cleaned(html: str) -> str:
    text = _XML_DECLARATION.sub("", html, count=1).replace("\x00", "")
    return text.encode("utf-8", "replace").decode("utf-8")
