"""Bot walls: the answer is a challenge or block page, not the page that was asked for.

Sites behind Cloudflare, Akamai, DataDome, PerimeterX (HUMAN), Imperva (Incapsula),
AWS WAF and the like answer automated clients with a JavaScript or CAPTCHA
challenge, usually as 403, 503 or 429 but sometimes as 200. The real page may be
fine or gone: a checker cannot tell, so these links are "could not verify", never
dead.

Evidence comes in two strengths:

- **Specific**: a header the vendor sets only on challenges (``cf-mitigated:
  challenge``, ``x-amzn-waf-action``), or markup only a challenge page carries
  (Cloudflare's ``_cf_chl_opt``, DataDome's ``captcha-delivery.com``, ``px-captcha``,
  "Incapsula incident ID", Akamai's "Reference #18.…"). Trusted at any status.
- **Vendor traces** that also appear on ordinary pages (DataDome's tag, PerimeterX's
  client script, Imperva's injected resource, a CAPTCHA widget on a login form):
  trusted only on a refusal (403, 429, 503, 405) or on a page with almost no text.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping

from auditor.check import telltale
from auditor.check.page import Page
from auditor.check.telltale import Telltales
from auditor.lazyre import LazyPattern, lazy

#: Statuses with which a bot wall answers; traces that ordinary pages also carry
#: count only with one of these.
REFUSALS = frozenset((403, 405, 429, 503))
#: A page with less visible text than this is a bare challenge.
BARE_PAGE_CHARS = 600

# Challenge pages are small; a large page is searched only at its head.
_MAX_SCAN_CHARS = 200_000
_FLAGS = re.IGNORECASE

# Markup only challenge and block pages carry: (pattern, vendor).
_SPECIFIC: tuple[tuple[LazyPattern, str], ...] = tuple(
    (lazy(pattern, _FLAGS), vendor)
    for pattern, vendor in (
        (r"_cf_chl_opt|\bcf-chl-|\bcf_chl_|/cdn-cgi/challenge-platform/h/[a-z]/orchestrate/", "Cloudflare"),
        (r"<title>\s*Attention Required! \| Cloudflare\s*</title>", "Cloudflare"),
        (r"\bcf-error-details\b.*?\bSorry, you have been blocked", "Cloudflare"),
        (r"Checking (?:if the site connection is secure|your browser before accessing)", "Cloudflare"),
        (r"captcha-delivery\.com", "DataDome"),
        (r"\bid=[\"']?px-captcha\b|captcha\.px-cdn\.net", "PerimeterX"),
        (r"Request unsuccessful\. Incapsula incident ID", "Imperva"),
        (r"Reference #18\.[0-9a-f]+\.\d+\.[0-9a-f]+|errors\.edgesuite\.net/18\.", "Akamai"),
        (r"\bgokuProps\b|awswaf\.com/[^\"'\s]*/(?:challenge|captcha)\.js", "AWS WAF"),
        (r"sucuri_cloudproxy_js|Sucuri WebSite Firewall - (?:Access Denied|CloudProxy)", "Sucuri"),
    )
)
# "Just a moment..." and its cousins are Cloudflare's only with Cloudflare on the answer.
_CLOUDFLARE_TITLE = lazy(r"^(?:Just a moment|Un instant|Einen Moment|Un momento)\b", _FLAGS)
_CLOUDFLARE_TEXT = lazy(
    r"Enable JavaScript and cookies to continue|challenge-platform|challenges\.cloudflare\.com", _FLAGS
)

# Traces ordinary pages carry too: (pattern, vendor).
_TRACES: tuple[tuple[LazyPattern, str], ...] = tuple(
    (lazy(pattern, _FLAGS), vendor)
    for pattern, vendor in (
        (r"challenges\.cloudflare\.com|Enable JavaScript and cookies to continue", "Cloudflare"),
        (r"datadome", "DataDome"),
        (r"perimeterx|_pxAppId|px-cdn\.net|Press & Hold", "PerimeterX"),
        (r"_Incapsula_Resource|incapsula", "Imperva"),
        (r"awswaf", "AWS WAF"),
        (r"hcaptcha\.com|\bh-captcha\b", "hCaptcha"),
        (r"google\.com/recaptcha|recaptcha\.net/recaptcha|\bg-recaptcha\b", "reCAPTCHA"),
    )
)
# What a challenge asks of its reader, for pages that name no vendor.
_HUMAN_CHECK = lazy(
    r"verify (?:that )?you(?:'re| are) (?:a )?human|are you a robot|not a robot|unusual traffic"
    r"|complete the security check|security check to access|Access to this page has been denied"
    r"|automated (?:access|requests|queries)",
    _FLAGS,
)
_AKAMAI_DENIED = lazy(r"<title>\s*Access Denied\s*</title>.*?You don't have permission to access", _FLAGS | re.DOTALL)
# Words at least one of which every specific or human-check pattern above contains
# (lower case): a page that is no refusal and has none of them is not searched pattern
# by pattern (nor is its text measured, when the shared scan finds none of them).
TELLTALES = _HINTS = (
    "cf_chl", "cf-chl", "challenge", "cloudflare", "cf-error-details", "checking ", "captcha", "incapsula",
    "#18.", "edgesuite", "gokuprops", "awswaf", "sucuri",
    "human", "robot", "unusual traffic", "security check", "has been denied", "automated",
)  # fmt: skip
_HIDDEN_BLOCKS = lazy(r"<(script|style|noscript|template)\b.*?</\1\s*>", _FLAGS | re.DOTALL)
_TAG = lazy(r"<[^>]*>")


def challenge(page: Page, seen: Telltales | None = None) -> str | None:
    """Why this answer is a bot challenge rather than the page, or None.

    ``seen`` is the page's shared scan (:mod:`.telltale`), made here when not given.
    """
    vendor = _from_headers(page.headers, page.status) or _from_markup(page, seen)
    if vendor is None:
        return None
    return f"bot challenge ({vendor}): could not verify" if vendor else "bot challenge: could not verify"


def _from_headers(headers: Mapping[str, str], status: int) -> str | None:
    if headers.get("cf-mitigated", "").strip().lower() == "challenge":
        return "Cloudflare"
    if headers.get("x-amzn-waf-action", "").strip().lower() in ("challenge", "captcha"):
        return "AWS WAF"
    if headers.get("x-vercel-mitigated", "").strip().lower() == "challenge":
        return "Vercel"
    if status in REFUSALS:
        server = headers.get("server", "").lower()
        if "x-datadome" in headers or server == "datadome":
            return "DataDome"
        if server == "ddos-guard":
            return "DDoS-Guard"
    return None


def _from_markup(page: Page, seen: Telltales | None) -> str | None:
    """The vendor whose challenge this is ("" when none is named), or None."""
    refused = page.status in REFUSALS
    if not refused and not _CLOUDFLARE_TITLE.match(page.title):
        seen = seen or telltale.scan(page)
        if not seen.in_text(TELLTALES):
            return None  # the same answer as the word search below, without unescaping and measuring
    markup = html.unescape(page.text[:_MAX_SCAN_CHARS])  # Akamai writes "Reference&#32;&#35;18&#46;..."
    bare = len(_visible_text(markup)) < BARE_PAGE_CHARS
    if not (refused or bare):
        return None  # a full page, even one that quotes a challenge (a forum thread about scraping)
    if not refused and not _CLOUDFLARE_TITLE.match(page.title):
        lowered = markup.lower()
        if not any(hint in lowered for hint in _HINTS):
            return None
    for pattern, vendor in _SPECIFIC:
        if pattern.search(markup):
            return vendor
    cloudflare = "cf-ray" in page.headers or page.headers.get("server", "").lower() == "cloudflare"
    if _CLOUDFLARE_TITLE.match(page.title) and (cloudflare or _CLOUDFLARE_TEXT.search(markup)):
        return "Cloudflare"
    if refused and _AKAMAI_DENIED.search(markup) and "akamai" in page.headers.get("server", "").lower():
        return "Akamai"
    for pattern, vendor in _TRACES:
        if pattern.search(markup) and (refused or _HUMAN_CHECK.search(markup)):
            return vendor
    if refused and bare and _HUMAN_CHECK.search(markup):
        return ""
    return None


def _visible_text(markup: str) -> str:
    text = _TAG.sub(" ", _HIDDEN_BLOCKS.sub(" ", markup))
    return " ".join(text.split())  # what \s+ -> " " and strip() give, several times faster
