"""Parked domains: the site is gone and its name now shows ads or a "for sale" page.

When an organisation lets a domain lapse, a domainer or the registrar picks it up and
serves a parking page: sponsored links ("Related searches"), or an offer to buy the
name (HugeDomains, Sedo, Afternic/GoDaddy, Dan.com). These pages answer ``200 OK``,
so only their content gives them away. Three kinds of evidence:

- **Where the answer came from.** A listing on a domain marketplace
  (``hugedomains.com/domain_profile.cfm?d=...``, ``sedo.com/search/details/?domain=...``):
  the domain redirected there to be sold. A marketplace's own home page is not a
  listing, so a link to ``https://www.godaddy.com/`` stays a normal page.
- **Parking scripts.** Google's AdSense for Domains (``/adsense/domains/caf.js``) and
  the parking networks' scripts (Sedo, Bodis, ParkingCrew, Above.com, ParkLogic,
  GoDaddy's parking lander) appear on parked pages only.
- **What the page says**, in the title ("example.org is for sale"), or, on short
  pages only, in the text ("Buy this domain", "Sponsored Listings") and in links to a
  marketplace listing. Ordinary pages that merely link to GoDaddy or mention that a
  domain was bought are long or lack the sales pitch, and are left alone.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

from auditor.check import telltale
from auditor.check.page import Page
from auditor.check.telltale import Telltales
from auditor.lazyre import LazyPattern, lazy
from auditor.untrusted import quoted

#: Visible text shorter than this makes a page short enough for its wording to count.
SHORT_PAGE_CHARS = 2000
#: A link to a marketplace listing alone counts on a page with less text than this:
#: a lander is a name, a price and a button.
LANDER_CHARS = 500

# Only the head of a large page is searched: parking pages are small.
_MAX_SCAN_CHARS = 300_000
_FLAGS = re.IGNORECASE

# (host, listing path or query pattern, provider) for marketplaces a parked domain redirects to.
_MARKETPLACES: tuple[tuple[str, LazyPattern, str], ...] = tuple(
    (host, lazy(pattern, _FLAGS), provider)
    for host, pattern, provider in (
        ("hugedomains.com", r"^/domain_profile\.cfm|^/domain/|[?&]d=", "HugeDomains"),
        ("sedo.com", r"^/search/details|[?&]domain=|^/[a-z]{2}/search/details", "Sedo"),
        ("dan.com", r"^/(?:buy-domain|make-offer)/", "Dan.com"),
        ("afternic.com", r"^/(?:forsale|domain)/", "Afternic"),
        ("godaddy.com", r"^/(?:[a-z]{2}-[a-z]{2}/)?(?:domainsearch|forsale|domain-for-sale)|domainToCheck=", "GoDaddy"),
        ("buydomains.com", r"^/lander/|[?&]domain=", "BuyDomains"),
        ("undeveloped.com", r"^/(?:domain|buy)/", "Undeveloped"),
        ("atom.com", r"^/name/", "Atom"),
        ("squadhelp.com", r"^/name/", "Squadhelp"),
        ("brandbucket.com", r"^/names?/", "BrandBucket"),
        ("domainmarket.com", r"^/buynow/|[?&]d(?:omain)?=", "DomainMarket"),
    )
)

# Scripts and frames only parking pages load: (pattern in a src attribute, provider, kind).
_SCRIPTS: tuple[tuple[LazyPattern, str, str], ...] = tuple(
    (lazy(pattern, _FLAGS), provider, kind)
    for pattern, provider, kind in (
        (r"/adsense/domains/caf\.js", "Google AdSense for Domains", "parking"),
        (r"sedoparking\.com|(?:^|[/.])sedo\.com/", "Sedo", "parking"),
        (r"bodis(?:cdn)?\.com", "Bodis", "parking"),
        (r"parkingcrew\.net", "ParkingCrew", "parking"),
        (r"(?:^|[/.])above\.com/", "Above.com", "parking"),
        (r"parklogic\.com", "ParkLogic", "parking"),
        (r"wsimg\.com/parking-lander/", "GoDaddy", "parking"),
        (r"hugedomains\.com", "HugeDomains", "for-sale"),
        (r"(?:^|[/.])dan\.com/", "Dan.com", "for-sale"),
        (r"afternic\.com/", "Afternic", "for-sale"),
    )
)
_SRC = lazy(r"<(?:script|iframe|frame)\b[^>]*?\bsrc\s*=\s*[\"']?([^\"'\s>]+)", _FLAGS)

# Links to one domain's listing: a sales pitch when the page has little else.
_LISTING_LINKS: tuple[tuple[LazyPattern, str], ...] = tuple(
    (lazy(pattern, _FLAGS), provider)
    for pattern, provider in (
        (r"hugedomains\.com/domain_profile\.cfm\?d=", "HugeDomains"),
        (r"sedo\.com/search/details/?\?[^\"'\s>]*domain=", "Sedo"),
        (r"(?:^|[/.])dan\.com/(?:buy-domain|make-offer)/", "Dan.com"),
        (r"afternic\.com/(?:forsale|domain)/", "Afternic"),
        (r"godaddy\.com/(?:[a-z]{2}-[a-z]{2}/)?domainsearch/find\?[^\"'\s>]*domainToCheck=", "GoDaddy"),
        (r"godaddy\.com/(?:[a-z]{2}-[a-z]{2}/)?forsale/", "GoDaddy"),
    )
)

# Sales pitches and placeholder wording.
_FOR_SALE = lazy(
    r"(?<!\w)(?:"
    r"(?:this|the) domain(?: name)?(?: [a-z0-9.-]+\.[a-z]{2,})? (?:is|may be) for sale"
    r"|[a-z0-9-]+\.[a-z]{2,}(?:\.[a-z]{2})? (?:is|may be) for sale"
    r"|buy this domain|domain (?:name )?for sale|make an offer on this domain|inquire about this domain"
    r"|this domain (?:name )?(?:has (?:recently )?been|was recently|is) registered (?:at|with|by|via)"
    r"|this domain has been registered"
    r"|this (?:web ?page|domain) is parked|parked (?:for )?free,? courtesy of"
    r"|future home of something quite cool"
    r")(?!\w)",
    _FLAGS,
)
# Sponsored-listing farms: only with little other text.
_LISTINGS = lazy(r"(?<!\w)(?:related searches|sponsored listings)(?!\w)", _FLAGS)

_TITLE_FOR_SALE = lazy(
    r"(?:[a-z0-9-]+\.[a-z]{2,}\S*|domain(?: name)?)\s+(?:is |may be )?for sale"
    r"|buy this domain|parked (?:domain|free)",
    _FLAGS,
)
_HIDDEN_BLOCKS = lazy(r"<(script|style|noscript|template)\b.*?</\1\s*>", _FLAGS | re.DOTALL)
_TAG = lazy(r"<[^>]*>")

# Words (lower case) at least one of which each pattern above contains: in the markup
# as written, the scripts (_SCRIPTS) and listing links (_LISTING_LINKS); in the
# decoded text, the sales pitches (_FOR_SALE) and listing farms (_LISTINGS). A page
# with none of them is no parking page (the shared scan of :mod:`.telltale`).
MARKUP_TELLTALES = (
    "adsense/domains/caf", "sedo", "bodis", "parkingcrew", "above.com", "parklogic", "parking-lander",
    "hugedomains", "dan.com", "afternic", "godaddy",
)  # fmt: skip
TEXT_TELLTALES = ("sale", "domain", "parked", "future", "searches", "listings")
# Every marketplace host, for a cheap look at an address before it is parsed.
_MARKET_NAMES = tuple(host for host, _, _ in _MARKETPLACES)


def parked(page: Page, seen: Telltales | None = None) -> str | None:
    """Why this answer is a parking or for-sale page, or None for an ordinary page.

    ``seen`` is the page's shared scan (:mod:`.telltale`), made here when not given.
    """
    if (provider := _marketplace(page.url)) is not None:
        return f"parked: {provider} for-sale page"
    markup = page.text[:_MAX_SCAN_CHARS]
    seen = seen or telltale.scan(page)
    in_markup = seen.in_markup(MARKUP_TELLTALES)
    if in_markup:  # else no script of a parking network (nor a listing link) is on the page
        for src in _SRC.findall(markup):
            for pattern, provider, kind in _SCRIPTS:
                if pattern.search(src):
                    return f"parked: {provider} {kind} page"
    title = " ".join(page.title.split())
    if _TITLE_FOR_SALE.search(title):
        provider = _listing_provider(markup)
        return f"parked: {provider} for-sale page" if provider else f"parked: the title says '{quoted(title)}'"
    if not in_markup and not seen.in_text(TEXT_TELLTALES):
        return None  # none of the words below: the same answer without stripping the tags
    text = _visible_text(markup)
    if len(text) >= SHORT_PAGE_CHARS:
        return None
    if m := _FOR_SALE.search(text):
        provider = _listing_provider(markup)
        return f"parked: {provider} for-sale page" if provider else f"parked: the page says '{quoted(m.group(0))}'"
    if len(text) < LANDER_CHARS and (provider := _listing_provider(markup)):
        return f"parked: {provider} for-sale page"
    if _LISTINGS.search(text):
        return "parked: sponsored-listings page"
    return None


def _marketplace(url: str) -> str | None:
    lowered = url.lower().replace("\t", "").replace("\r", "").replace("\n", "")  # as urlsplit reads it
    if not any(name in lowered for name in _MARKET_NAMES):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    host = (parts.hostname or "").lower().removeprefix("www.")
    where = parts.path + (f"?{parts.query}" if parts.query else "")
    for market, listing, provider in _MARKETPLACES:
        if (host == market or host.endswith("." + market)) and listing.search(where):
            return provider
    return None


def _listing_provider(markup: str) -> str | None:
    for pattern, provider in _LISTING_LINKS:
        if pattern.search(markup):
            return provider
    return None


def _visible_text(markup: str) -> str:
    """The text a reader sees, roughly: parking pages are simple enough for a regex."""
    text = _TAG.sub(" ", _HIDDEN_BLOCKS.sub(" ", markup))
    return " ".join(html.unescape(text).split())  # what \s+ -> " " and strip() give, faster
