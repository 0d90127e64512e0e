"""Is a URL well formed? Asked once, where a link is read, so that nothing later has to.

Every address a document names is parsed here, the way the checker will use it
(``urllib.parse`` for its parts, ``yarl`` as aiohttp does); one that any of them
refuses becomes an :class:`~auditor.reference.Invalid` reference with the reason, and
is reported ``invalid`` instead of crashing the run (``http://[::1``,
``https://example]org/x``) or being sent out half-parsed. Hosts follow the URL
standard's rules (WHATWG): no forbidden code points, no empty label, at most 253
characters (63 a label), a numeric last label only in an IPv4 address.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import unicodedata
from functools import lru_cache
from urllib.parse import urlsplit

import yarl

from auditor.reference import Invalid, Kind, Url

#: Schemes whose URLs need a host (and are requested): their host is checked closely.
_WEB_SCHEMES = frozenset({"http", "https"})
#: Characters a host may not hold (WHATWG "forbidden host code point", and ``%`` after decoding).
_FORBIDDEN_IN_HOST = frozenset("\x00\t\n\r #/:<>?@[\\]^|%")
#: An ASCII host with no IDNA label: what yarl would pass through unchanged.
_PLAIN_HOST = re.compile(r"^(?!.*xn--)[a-z0-9_.-]+$")
#: A bracketed IPv6 host: nothing but a port may follow the ``]``.
_BRACKETED = re.compile(r"^(?:[^@]*@)?\[[^\]]*\](?::\d*)?$")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_MAX_HOST = 253
_MAX_LABEL = 63


def checked_url(url: str) -> Url | Invalid:
    """``Url(url)`` when it is well formed, else an ``invalid`` URL reference saying why."""
    problem = url_problem(url)
    return Url(url) if problem is None else Invalid(Kind.URL, url, f"not a valid URL: {problem}")


@lru_cache(maxsize=65_536)
def url_problem(url: str) -> str | None:
    """What is wrong with ``url`` (an absolute URL), in words; None when nothing is.

    Cached: a document (and a crawl) names the same addresses many times."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
        port = parts.port  # ValueError when out of range or not a number
    except ValueError as exc:
        return _words(str(exc))
    scheme = parts.scheme.lower()
    if scheme not in _WEB_SCHEMES:
        return None  # not requested: only its parts are read (the scheme, a file's path)
    if not host:
        return "no host name (write it as https://example.org/...)"
    if port == 0:
        return "port 0 cannot be connected to"
    netloc = parts.netloc
    if _PLAIN_HOST.match(host) and "\\" not in netloc and "[" not in netloc:
        return _host_problem(host)  # the common case: nothing for IDNA or yarl to refuse
    if "[" in netloc:
        if not _BRACKETED.match(netloc):
            return f"something after the ] of the IPv6 address in {_short(netloc)!r}"
        return _ip6_problem(host)
    if bad := sorted(set(host) & _FORBIDDEN_IN_HOST):
        shown = " ".join(repr(c) for c in bad)
        return f"the host name {_short(host)!r} contains {shown}"
    if _CONTROL.search(host):
        return f"the host name {_short(host)!r} contains a control character"
    if "\\" in netloc:  # browsers read it as "/", urllib does not: two readings, one link
        return "a backslash (\\) in the host part; write / or remove it"
    if invisible := next((c for c in host if unicodedata.category(c) == "Cf"), None):
        return f"the host name {_short(host)!r} contains an invisible character (U+{ord(invisible):04X})"
    try:  # as aiohttp will: yarl encodes the host (IDNA), and decodes it for messages
        parsed = yarl.URL(url)
        raw_host = parsed.raw_host or ""
        parsed.host  # noqa: B018 - an xn-- label that is no valid Punycode fails here
    except (ValueError, UnicodeError) as exc:
        return _words(str(exc))
    return _host_problem(raw_host)


def _host_problem(host: str) -> str | None:
    """A host name as sent (IDNA-encoded), checked for length, empty labels and bad numbers."""
    name = host[:-1] if host.endswith(".") else host  # a trailing dot is the root: allowed
    if len(name) > _MAX_HOST:
        return f"the host name is {len(name):,} characters long (at most {_MAX_HOST})"
    labels = name.split(".")
    if "" in labels:
        return f"the host name {_short(host)!r} has an empty label (two dots in a row, or a leading dot)"
    longest = max(map(len, labels))
    if longest > _MAX_LABEL:
        return f"a label of the host name is {longest} characters long (at most {_MAX_LABEL})"
    last = labels[-1].lower()
    if last.isdigit() or (last.startswith("0x") and all(c in "0123456789abcdef" for c in last[2:])):
        try:  # a numeric last label makes it an IPv4 address (127.1 and 0x7f000001 are ones)
            socket.inet_aton(name)
        except OSError:
            return f"{_short(host)!r} is neither an IPv4 address nor a host name"
    return None


def _ip6_problem(host: str) -> str | None:
    try:
        ipaddress.IPv6Address(host.split("%", 1)[0])
    except ValueError:
        return f"[{_short(host)}] is not an IPv6 address"
    return None


def _words(message: str) -> str:
    if message == "Invalid IPv6 URL":
        return "a [ or ] in the host that does not enclose an IPv6 address (such as [::1])"
    if "idna" in message.lower() or "round-trip" in message.lower():
        return f"the host name is not valid IDNA ({message[:120]})"
    return message[:200]


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"
