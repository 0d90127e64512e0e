"""The user's request headers (``--header``, ``checks.headers``): for which hosts, and never further.

A header may carry a credential (``Authorization``, ``Cookie``), so:

- ``--header 'Name: value'`` goes to every host a link names, and
  ``--header 'HOST Name: value'`` (a host, then a space) only to HOST; ``*.example.org``
  means any subdomain of example.org. A header name has no spaces, so the two forms
  cannot be confused with each other.
- No user header follows a redirect to another origin (scheme, host and port): from the
  first hop that leaves the link's origin on, the rest of the chain goes without them,
  as a browser drops ``Authorization`` (the Fetch standard). The user agent is not a
  user header and always goes.

In targets.yaml::

    checks:
      headers:
        "*":                   # every host
          X-Team: docs
        api.example.org:       # this host only
          Authorization: Bearer ...
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True, slots=True)
class Header:
    """One header the user asked for; ``host`` None: every host."""

    name: str
    value: str
    host: str | None = None

    def applies_to(self, host: str) -> bool:
        if self.host is None:
            return True
        host = host.rstrip(".").lower()
        if self.host.startswith("*."):
            return host.endswith(self.host[1:])
        return host == self.host


def parse_header(text: str) -> Header:
    """``Name: value`` or ``HOST Name: value``; ValueError with the forms to write otherwise."""
    head, colon, value = text.partition(":")
    words = head.split()
    if not colon or not 1 <= len(words) <= 2:
        raise ValueError(f"write a header as 'Name: value' or 'HOST Name: value', not {text!r}")
    if len(words) == 1:
        return Header(words[0], value.strip())
    return Header(words[1], value.strip(), host_pattern(words[0]))


def host_pattern(text: str) -> str:
    """A host a header is for: ``api.example.org`` or ``*.example.org`` (lower case); ValueError otherwise."""
    host = text.strip().rstrip(".").lower()
    bare = host.removeprefix("*.")
    if not bare or any(c in bare for c in "/:@*? ") or "://" in text:
        raise ValueError(f"not a host name: {text!r} (write api.example.org or *.example.org)")
    return host


def headers_from_config(table: Mapping[str, Mapping[str, str]]) -> tuple[Header, ...]:
    """``checks.headers``: host pattern (``*`` for every host) to ``{Name: value}``."""
    return tuple(
        Header(name, value, None if host == "*" else host_pattern(host))
        for host, pairs in table.items()
        for name, value in pairs.items()
    )


def as_headers(items: Iterable[Header | tuple[str, str]]) -> tuple[Header, ...]:
    """Headers, also from plain ``(name, value)`` pairs (sent to every host)."""
    return tuple(item if isinstance(item, Header) else Header(item[0], item[1]) for item in items)


def for_host(headers: Iterable[Header], host: str) -> dict[str, str]:
    """The headers that go to ``host``, by name."""
    return {h.name: h.value for h in headers if h.applies_to(host)}


@lru_cache(maxsize=16_384)
def origin(url: str) -> tuple[str, str, int | None]:
    """Scheme, host and port (the default one written out): what must match for headers to follow."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    return scheme, (parts.hostname or "").rstrip(".").lower(), port or _DEFAULT_PORTS.get(scheme)
