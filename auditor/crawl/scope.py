"""Which URLs belong to the site being crawled, and when two URLs are the same page.

A crawl must not wander off to the rest of the web, nor fetch one page twice because
it was linked as ``/about``, ``/about/``, ``HTTP://Example.org:80/about#team`` and
``/team/../about``. ``canonical`` is the form of a URL that is fetched; ``page_key``
the form pages are deduplicated on; ``Scope`` decides what is inside the site.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from urllib.parse import urlsplit

from auditor.address import Address, domain_or_host, remove_dot_segments  # not extract's: no extractors for --help

_DEFAULT_PORTS = {"http": 80, "https": 443}


class CrawlScope(StrEnum):
    HOST = "host"  # the start URL's host name and port, over http or https
    DOMAIN = "domain"  # every host of the start URL's registrable domain (www., shop., ...)


@dataclass(frozen=True, slots=True)
class _Parts:
    origin: str  # scheme://userinfo@host:port
    path: str
    query: str
    host: str
    port: int | None  # None for the scheme's default port

    def url(self, path: str) -> str:
        return f"{self.origin}{path}?{self.query}" if self.query else f"{self.origin}{path}"


@lru_cache(maxsize=65_536)
def _split(url: str) -> _Parts | None:
    """The parts of an http(s) URL (cached: a site links the same pages from every page)."""
    try:
        parts = urlsplit(url.strip())
        scheme = parts.scheme.lower()
        if scheme not in _DEFAULT_PORTS:
            return None
        host = parts.hostname  # lower-cased, IPv6 without its brackets
        port = parts.port  # ValueError when not a number or out of range
    except ValueError:  # "http://[bad", "http://x:99999"
        return None
    if not host:
        return None
    if port == _DEFAULT_PORTS[scheme]:
        port = None
    userinfo, _, _ = parts.netloc.rpartition("@")
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc = f"{netloc}:{port}"
    if userinfo:
        netloc = f"{userinfo}@{netloc}"
    path = remove_dot_segments(parts.path) if parts.path else "/"
    return _Parts(f"{scheme}://{netloc}", path, parts.query, host, port)


def canonical(url: str) -> str | None:
    """The normalised form of an http(s) URL, the one that is fetched.

    Scheme and host lower-case, the default port dropped, the fragment dropped, an
    empty path made ``/``, dot segments resolved; the query and any userinfo kept as
    written (a query's order can matter to the site). International host names stay
    as given, lower-cased. None for other schemes, no host, or what urllib refuses.
    """
    parts = _split(url)
    return parts.url(parts.path) if parts else None


def page_key(url: str) -> str:
    """The key pages are deduplicated on: ``canonical(url)`` without a trailing slash
    (except the root ``/``), so ``/about`` and ``/about/`` are one page.

    The crawler fetches the first form of a page it meets and never a second form with
    the same key; a redirect from one form to the other is not worth a request. A URL
    that ``canonical`` refuses is its own key.
    """
    if _split(url) is None:
        return url
    return Address.of(url).page_key  # the one page key of the package


@dataclass(frozen=True, slots=True)
class Scope:
    """The pages of one site: the start URL's host (or registrable domain), narrowed by
    ``include`` (when given, a URL must match one; the start URL always counts) and
    ``exclude`` (a URL matching one is out) regular expressions, searched in the
    canonical URL.
    """

    start: str  # canonical start URL
    mode: CrawlScope = CrawlScope.HOST
    include: tuple[re.Pattern[str], ...] = ()
    exclude: tuple[re.Pattern[str], ...] = ()
    _host: str = field(init=False, repr=False, compare=False)
    _port: int | None = field(init=False, repr=False, compare=False)
    _domain: str = field(init=False, repr=False, compare=False)
    _start_key: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        parts = _split(self.start)
        if parts is None:
            raise ValueError(f"cannot crawl from {self.start!r}: give an http:// or https:// URL with a host name")
        # Worked out once: contains() runs for every link of every page.
        object.__setattr__(self, "_host", parts.host)
        object.__setattr__(self, "_port", parts.port)
        object.__setattr__(self, "_domain", domain_or_host(parts.host))
        object.__setattr__(self, "_start_key", page_key(self.start))

    def why_outside(self, url: str) -> str | None:
        """None when ``url`` is in scope, else why not, in words."""
        parts = _split(url)
        if parts is None:
            return "not an http(s) URL with a host"
        if self.mode is CrawlScope.DOMAIN:
            domain = domain_or_host(parts.host)
            if domain != self._domain:
                return f"another domain: {domain}"
        elif parts.host != self._host:
            return f"another host: {parts.host}"
        elif parts.port != self._port:
            return f"another port: {parts.host}:{parts.port or 'default'}"
        address = parts.url(parts.path)
        for pattern in self.exclude:
            if pattern.search(address):
                return f"excluded by exclude pattern {pattern.pattern}"
        included = not self.include or any(p.search(address) for p in self.include)
        if not included and page_key(address) != self._start_key:
            return "not matched by any include pattern"
        return None

    def contains(self, url: str) -> bool:
        return self.why_outside(url) is None
