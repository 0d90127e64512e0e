"""A site's robots.txt rules for our user agent, read by the maintained parser ``protego``.

We do not parse robots.txt ourselves: the format has decades of quirks (misspelt
directives, wildcards, ``$`` anchors, percent-encoding, BOMs, longest match winning)
that protego already handles. What is ours: the answer when there is no usable file
(RFC 9309 §2.3.1.3: a 4xx means no rules at all; §2.3.1.4: a 5xx or a network failure
means assume complete disallow), the size limit, and matching on our product token
only, never on the whole User-Agent header.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from protego import Protego

#: RFC 9309 §2.5: parsers must read at least 500 KiB; what comes after the limit is ignored.
MAX_ROBOTS_BYTES = 512 * 1024

_BOM = "\ufeff"
_TOKEN = re.compile(r"[^/\s]*")


def agent_token(user_agent: str) -> str:
    """The product token robots.txt groups are matched on: the text before the first
    ``/`` or space (``auditor/0.1 (link checker; +https://...)`` -> ``auditor``).

    Protego finds a group's name anywhere in the agent string it is given (after a
    word boundary), so the whole header would also be matched by ``User-agent: link``
    or ``User-agent: https``. It checks no boundary after the name, so a group named by a
    prefix of our token (``User-agent: audit``) applies to us too; the longest name wins.
    """
    match = _TOKEN.match(user_agent.strip())
    return match.group() if match else ""


@dataclass(frozen=True, slots=True)
class Robots:
    """The rules of one robots.txt: a parsed file, or a blanket answer when there is none.

    ``blanket`` is True (everything allowed) or False (nothing allowed) when no file
    was parsed, None when ``parser`` decides; ``why`` says why the answer is blanket
    ("robots.txt answered 404", "robots.txt unreachable: timeout"), for the report.
    """

    url: str  # where the robots.txt lives
    blanket: bool | None = None
    why: str = ""
    parser: Protego | None = field(default=None, compare=False, repr=False)

    @classmethod
    def parse(cls, url: str, text: str) -> Robots:
        """The rules in ``text``; beyond ``MAX_ROBOTS_BYTES`` it is cut at the last whole line."""
        data = text.encode("utf-8", "surrogatepass")
        if len(data) > MAX_ROBOTS_BYTES:
            # The partial last line is dropped: "Disallow: /private" cut to "Disallow: /pri"
            # would be a different rule, and "Allow: /a" cut from "Allow: /abc" a broader one.
            text = data[:MAX_ROBOTS_BYTES].decode("utf-8", "ignore").rpartition("\n")[0]
        # Protego does not skip a byte order mark: the first line ("\ufeffUser-agent: *")
        # would not be read as a directive, and a whole group would be lost.
        return cls(url, parser=Protego.parse(text.removeprefix(_BOM)))

    @classmethod
    def allow_all(cls, url: str, why: str = "") -> Robots:
        """No robots.txt (it answered 4xx): no rules (RFC 9309 §2.3.1.3)."""
        return cls(url, blanket=True, why=why)

    @classmethod
    def disallow_all(cls, url: str, why: str) -> Robots:
        """robots.txt unreachable (5xx, network failure): assume complete disallow (RFC 9309 §2.3.1.4)."""
        return cls(url, blanket=False, why=why)

    def allows(self, url: str, agent: str) -> bool:
        """May ``agent`` (a product token or a whole User-Agent header) fetch ``url``?

        The group naming our token applies, else the ``*`` group; within it the longest
        matching rule wins, and ``Allow`` wins a tie. robots.txt itself is always allowed.
        """
        if self.parser is None:
            return self.blanket is not False
        try:
            return self.parser.can_fetch(url, agent_token(agent))
        except ValueError:  # urllib refuses the URL ("http://[bad"): it cannot be fetched anyway
            return False

    def crawl_delay(self, agent: str) -> float | None:
        """Seconds to wait between requests, from our group's ``Crawl-delay`` or ``Request-rate``.

        ``Request-rate: 1/10s`` means one request every 10 s; when both are given the slower
        wins. A request rate's time-of-day window (``1/10s 0800-1700``) is ignored: it is
        honoured all day, the politer reading. Only the group that applies counts: a
        ``Crawl-delay`` in ``*`` does not reach us when a group names our token.
        """
        if self.parser is None:
            return None
        token = agent_token(agent)
        delay = self.parser.crawl_delay(token)
        rate = self.parser.request_rate(token)
        if rate is not None:
            delay = max(delay or 0.0, rate.seconds / rate.requests)
        return delay

    @property
    def sitemaps(self) -> tuple[str, ...]:
        """The ``Sitemap:`` lines, as written (they should be absolute URLs)."""
        return tuple(self.parser.sitemaps) if self.parser is not None else ()
