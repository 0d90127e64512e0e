"""URL shorteners: links that hide their destination, and the shorteners' own error pages.

A short link in a printed leaflet is a single point of failure: when the service
shuts down (goo.gl), expires free links or removes one, the reader gets the
shortener's error page, often with ``200 OK``. The checker therefore reports a
healthy short link with its destination (so the document can cite it directly), and
a broken one as dead with the shortener's own words.

``SHORTENERS`` holds general-purpose shorteners only, which shorten any address.
Services that shorten links to their own site (``youtu.be``, ``amzn.to``, ``wp.me``)
are plain redirects to a known place and are left out. Hosts match exactly, after
lower-casing and dropping one leading ``www.``: ``docs.bitly.com`` is a website, not
a short link. Configuration adds domains with ``shorteners(extra)``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Collection, Iterable
from urllib.parse import urlsplit

from auditor.check.page import Page
from auditor.lazyre import lazy

#: General-purpose URL shorteners, by host name.
SHORTENERS: frozenset[str] = frozenset(
    """
    bit.ly bitly.com j.mp bit.do tinyurl.com goo.gl t.co ow.ly ht.ly is.gd v.gd buff.ly
    rb.gy tiny.cc cutt.ly cutt.us shorturl.at bl.ink lnkd.in t.ly s.id tr.im x.co su.pr
    qr.net soo.gd clck.ru shorte.st sh.st adf.ly q.gs j.gs bc.vc po.st mcaf.ee 1url.com
    rebrand.ly dlvr.it ift.tt trib.al hubs.ly snip.ly cli.gs u.to vk.cc qps.ru budurl.com
    ity.im shrtco.de ouo.io gg.gg tiny.pl t2m.io twurl.nl snipurl.com snurl.com ur1.ca
    kutt.it ulvis.net cort.as acortar.link hyperurl.co urlz.fr 0rz.tw reurl.cc surl.li
    chilp.it adfoc.us linkshrink.net qrco.de shorl.com xrl.us notlong.com doiop.com
    """.split()
)

# Words a shortener uses when the short link is gone.
_SUBJECT = r"(?:link|url|alias|short ?link|short url|tinyurl|bitlink)s?\b[^.!?]{0,60}?"
_MISSING = lazy(
    rf"{_SUBJECT}(?:(?:does not|doesn't|no longer) exist|(?:has been|was) (?:removed|deleted|disabled|deactivated)"
    r"|(?:has )?expired|(?:was )?not found)"
    r"|unable to find site's url to redirect to",
    re.IGNORECASE,
)
_TINYURL_ERROR = lazy(r"unable to find site's url to redirect to", re.IGNORECASE)
_BITLY_ERROR = lazy(r"something went wrong", re.IGNORECASE)
_NAMES = {"tinyurl.com": "TinyURL", "bit.ly": "Bitly", "bitly.com": "Bitly", "j.mp": "Bitly"}
_HIDDEN_BLOCKS = lazy(r"<(script|style|noscript|template)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = lazy(r"<[^>]*>")
_SPACE = lazy(r"\s+")


def shorteners(extra: Iterable[str] = ()) -> frozenset[str]:
    """``SHORTENERS`` plus the host names in ``extra`` (from the configuration)."""
    return SHORTENERS | {_normal(host) for host in extra if _normal(host)}


def is_shortener(host: str, known: Collection[str] = SHORTENERS) -> bool:
    """Is ``host`` a URL shortener? Case-insensitive; one leading ``www.`` is ignored."""
    return _normal(host) in known


def says_missing(page: Page, known: Collection[str] = SHORTENERS) -> str | None:
    """The shortener's own "this link does not exist" answer, as a reason; else None.

    Only an answer that is still on the shortener counts: a short link that
    redirected to a dead page is the destination's problem, not the shortener's.
    """
    try:
        host = _normal(urlsplit(page.url).hostname or "")
    except ValueError:
        return None
    if host not in known or 300 <= page.status < 400:
        return None
    if host == "goo.gl":
        # Google stopped resolving goo.gl links in 2025; what is left answers 404 or
        # an interstitial. Links from Google's apps (maps.app.goo.gl) are other hosts.
        return "goo.gl links were shut down by Google"
    name = _NAMES.get(host, host)
    text = _visible(page)
    if m := _TINYURL_ERROR.search(text):
        return f"{name} says the short link does not exist ('{m.group(0)}')"
    if page.status in (404, 410):
        return f"{name} says the short link does not exist ({page.status})"
    if not 200 <= page.status < 300:
        return None  # a server error or a refusal: not the shortener's word on the link
    if (m := _MISSING.search(text)) or (name == "Bitly" and (m := _BITLY_ERROR.search(text))):
        return f"{name} says the short link does not exist ('{m.group(0)}')"
    return None


def _normal(host: str) -> str:
    host = host.strip().lower().rstrip(".")
    return host.removeprefix("www.")


def _visible(page: Page) -> str:
    """The title and the visible start of the page, where a shortener states its error."""
    text = _TAG.sub(" ", _HIDDEN_BLOCKS.sub(" ", page.text[:50_000]))
    return _SPACE.sub(" ", f"{page.title} {html.unescape(text)}").replace("’", "'").strip()
