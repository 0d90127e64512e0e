"""One identity per web address: :class:`Address`, normalised once (RFC 3986, section 6).

``https://WWW.Example.org/a``, ``https://www.example.org/a``, ``https://www.example.org:443/a``
and ``https://www.example.org/x/../a#team`` are one page: one check, one cache row, one
crawl visit, one organisation listing. The normalisation (RFC 3986 6.2.2 and 6.2.3):

- scheme and host in lower case; the host in IDNA (``bücher.example`` is
  ``xn--bcher-kva.example``), an IPv6 literal in brackets;
- the scheme's default port dropped (``:443`` for https, ``:80`` for http);
- dot segments removed (``/a/./b/../c`` is ``/a/c``); an empty path is ``/``;
- percent-encoding in upper case (``%7e`` is ``%7E``), and the unreserved characters
  (letters, digits, ``-._~``) decoded (``%7E`` is ``~``);
- the ``#fragment`` kept aside: it names a place in the page, not another page.

The keys, each a string for the edges that need one (SQLite, reports):

``check_key``  what is checked: the address without its fragment, ``schemeless:`` before it
               when it was written without a scheme (then http:// may be tried after https://)
``page_key``   what a crawl fetches once: without the trailing slash (``/about`` and ``/about/``)
``origin``     ``scheme://host[:port]``: robots.txt, the soft-404 probe, politeness

This module imports nothing from the check, crawl or extract packages: everyone may use it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

if TYPE_CHECKING:
    import tldextract

DEFAULT_PORTS = {"http": 80, "https": 443}
SCHEMELESS = "schemeless:"

_PERCENT = re.compile(r"%([0-9A-Fa-f]{2})")
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")


@dataclass(frozen=True, slots=True)
class Address:
    """A web address, normalised; equal (and hashed) by what is fetched, whatever its written form.

    ``written`` (how it was written) and ``fragment`` do not take part in equality:
    ``HTTPS://Example.org/a#x`` and ``https://example.org/a`` are one address. ``schemeless``
    does (``www.example.org/a`` typed in a text may end on http://). An address urllib
    cannot split (``http://[::1``, ``http://x:99999``) is ``opaque``: its own key, as written.
    """

    scheme: str
    host: str  # lower case, IDNA, no brackets; empty for an address without one (file:, mailto:)
    port: int | None  # None for the scheme's default port
    path: str
    query: str
    userinfo: str = ""
    netloc_written: bool = True  # "//" was written (file:///x has an empty host, mailto:x none)
    schemeless: bool = False
    opaque: bool = False
    fragment: str = field(default="", compare=False)
    written: str = field(default="", compare=False)

    @classmethod
    def of(cls, url: str, *, schemeless: bool = False) -> Address:
        """``url`` normalised; ``schemeless``: it was written without a scheme (``www.example.org/x``)."""
        return _parse(url, schemeless)

    # -- the forms -------------------------------------------------------------------------

    @property
    def netloc(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        port = f":{self.port}" if self.port is not None else ""
        user = f"{self.userinfo}@" if self.userinfo else ""
        return f"{user}{host}{port}"

    @property
    def url(self) -> str:
        """The normalised address without its fragment: what is requested."""
        if self.opaque:
            return self.written.split("#", 1)[0]
        if not self.netloc_written:
            return urlunsplit((self.scheme, "", self.path, self.query, ""))
        query = f"?{self.query}" if self.query else ""
        scheme = f"{self.scheme}:" if self.scheme else ""
        return f"{scheme}//{self.netloc}{self.path}{query}"

    @property
    def with_fragment(self) -> str:
        """The normalised address with the fragment it was written with."""
        return f"{self.url}#{self.fragment}" if self.fragment else self.url

    @property
    def check_key(self) -> str:
        """What is checked once per run (and the cache's key on disk)."""
        return f"{SCHEMELESS}{self.url}" if self.schemeless else self.url

    @property
    def page_key(self) -> str:
        """What a page is fetched once by: ``/about`` and ``/about/`` are one page."""
        return self.without_slash().url

    @property
    def origin(self) -> str:
        """``scheme://host[:port]``: whose robots.txt, probe and politeness slot apply."""
        if self.opaque or not self.host:
            return ""
        host = f"[{self.host}]" if ":" in self.host else self.host
        port = f":{self.port}" if self.port is not None else ""
        return f"{self.scheme}://{host}{port}"

    @property
    def is_web(self) -> bool:
        """An http or https address with a host: one that is requested."""
        return not self.opaque and self.scheme in DEFAULT_PORTS and bool(self.host)

    @property
    def registrable_domain(self) -> str:
        """``www.cancer.gov`` -> ``cancer.gov``, by the public suffix list bundled with tldextract
        (never fetched); empty for an address without one (an IP address, ``localhost``)."""
        return registrable_domain(self.host) if self.host else ""

    @property
    def site(self) -> str:
        """Its registrable domain, or its host when it has none: the unit a crawl's ``domain``
        scope and a cluster's shards keep together."""
        return domain_or_host(self.host) if self.host else ""

    def without_slash(self) -> Address:
        """The same page written without its trailing slash (the key of :attr:`page_key`)."""
        if self.opaque or not self.path.endswith("/") or self.path == "/":
            return self
        path = self.path[:-1]  # one slash: "/a//" is "/a/", not "/a" (some sites mean "//")
        return Address(self.scheme, self.host, self.port, path, self.query, self.userinfo, self.netloc_written)


# -- normalisation -------------------------------------------------------------------------


@lru_cache(maxsize=65_536)
def _parse(url: str, schemeless: bool) -> Address:
    written = url
    try:
        parts = urlsplit(url.strip())
        scheme = parts.scheme.lower()
        port = parts.port  # ValueError when not a number or out of range
        hostname = parts.hostname or ""  # lower case, IPv6 without brackets
    except ValueError:
        return Address("", "", None, "", "", schemeless=schemeless, opaque=True, written=written)
    netloc_written = url.strip()[len(parts.scheme) + 1 if parts.scheme else 0 :].startswith("//")
    host = _idna(hostname)
    if port is not None and DEFAULT_PORTS.get(scheme) == port:
        port = None
    userinfo = parts.netloc.rpartition("@")[0] if "@" in parts.netloc else ""
    path = _normalise_percent(parts.path)
    if netloc_written or scheme in DEFAULT_PORTS:
        path = remove_dot_segments(path) if path else ("/" if scheme in DEFAULT_PORTS else "")
    return Address(
        scheme,
        host,
        port,
        path,
        _normalise_percent(parts.query),
        _normalise_percent(userinfo),
        netloc_written,
        schemeless,
        False,
        parts.fragment,
        written,
    )


def _idna(host: str) -> str:
    """The host as DNS is asked for it: ASCII, lower case, encoded as yarl encodes it for the
    request (IDNA 2008 with UTS 46: ``faß.de`` is ``xn--fa-hia.de``)."""
    if host.isascii():
        return host.lower()
    import yarl  # only for an international name: most addresses never need it

    try:
        return (yarl.URL.build(scheme="http", host=host).raw_host or host).lower()
    except (UnicodeError, ValueError):
        return host.lower()  # not a valid name: it fails as one when requested


def _normalise_percent(text: str) -> str:
    """Percent-encodings in upper case, unreserved characters decoded (RFC 3986 6.2.2.1-2)."""
    if "%" not in text:
        return text

    def one(match: re.Match[str]) -> str:
        char = chr(int(match.group(1), 16))
        return char if char in _UNRESERVED else f"%{match.group(1).upper()}"

    return _PERCENT.sub(one, text)


def remove_dot_segments(path: str) -> str:
    """RFC 3986 5.2.4, without merging empty segments (``//`` stays: some sites mean it)."""
    if "/." not in path and not path.startswith("."):
        return path  # no segment starts with a dot: nothing to remove (the common case)
    absolute = path.startswith("/")
    segments = (path[1:] if absolute else path).split("/")
    out: list[str] = []
    for segment in segments:
        if segment == "..":
            if out:
                out.pop()
        elif segment != ".":
            out.append(segment)
    if segments[-1] in (".", ".."):
        out.append("")  # "/a/b/.." is the folder "/a/"
    return ("/" if absolute else "") + "/".join(out)


# -- the public suffix list ------------------------------------------------------------------


@lru_cache(maxsize=1)
def public_suffixes() -> tldextract.TLDExtract:
    """tldextract with the suffix list it ships: no network, no cache directory (built once)."""
    import tldextract

    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=False)


@lru_cache(maxsize=16_384)
def registrable_domain(host: str) -> str:
    """``www.cancer.gov`` -> ``cancer.gov``; empty when the host has no public suffix."""
    found = public_suffixes()(host)
    return f"{found.domain}.{found.suffix}" if found.domain and found.suffix else ""


def domain_or_host(host: str) -> str:
    """``www.cancer.gov`` -> ``cancer.gov``; an IP address or ``localhost``, which have no
    registrable domain, stand for themselves."""
    return registrable_domain(host) or host
