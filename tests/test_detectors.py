"""Detectors: soft 404s, parked domains, bot walls and URL shorteners, one table each."""

from __future__ import annotations

import html
import re

import pytest

from auditor.check import botwall, parking, shortener, soft404
from auditor.check.page import Page

HTML = {"content-type": "text/html; charset=utf-8"}
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


def page(
    markup: str,
    *,
    url: str = "https://www.example.org/info/sarcoma",
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> Page:
    """An answer as the client would hand it over: the title is read from the markup."""
    m = _TITLE.search(markup)
    title = " ".join(html.unescape(m.group(1)).split()) if m else ""
    return Page(url, status, HTML | (headers or {}), markup.encode(), markup, title)


def site(title: str, main: str, *, lang: str = "en") -> str:
    """A page with the usual navigation, banner and footer around ``main``."""
    return f"""<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>
<script>window.dataLayer = window.dataLayer || []; var notFound = "page not found";</script></head>
<body>
<header class="site-header"><a href="/">Sarcoma Support</a>
<nav><ul><li><a href="/about">About us</a></li><li><a href="/help">Get help</a></li>
<li><a href="/news">News</a></li><li><a href="/donate">Donate</a></li></ul></nav></header>
<main id="content">{main}</main>
<footer><p>Registered charity 1234567. Can't find what you need? Call 0800 000 0000.</p>
<a href="/privacy">Privacy</a> <a href="/cookies">Cookies</a></footer>
</body></html>"""


# Long prose in our own words, for pages that are clearly articles.
_SARCOMA_PARAGRAPHS = [
    "Sarcomas are uncommon cancers that start in the bones or in the soft tissues of the body, "
    "such as muscle, fat, blood vessels and nerves. There are many different types.",
    "Most people first notice a lump that grows over a few weeks or months. A lump that is bigger "
    "than a golf ball, or one that keeps growing, should be checked by a GP.",
    "Tests usually include an ultrasound scan, an MRI scan and a biopsy, where a doctor takes a small "
    "sample of tissue so that it can be looked at under a microscope.",
    "Sometimes the cause of a sarcoma is not found, and for most people it is not linked to anything "
    "they did. Some rare inherited conditions can raise the risk.",
    "Treatment depends on the type, where it is and whether it has spread. Surgery is the main "
    "treatment, and radiotherapy or chemotherapy may be given before or after it.",
    "A specialist nurse will be your main contact during treatment. They can answer questions, help "
    "with practical problems and tell you about support groups near you.",
]
NHS_ARTICLE = site(
    "Soft tissue sarcoma - NHS",
    "<h1>Soft tissue sarcoma</h1>"
    + "".join(f"<h2>Section {i}</h2><p>{p}</p>" for i, p in enumerate(_SARCOMA_PARAGRAPHS * 2)),
)
ABOUT_404 = site(
    "What is a 404 error and how do you fix it? | Web Guide",
    "<h1>What is a 404 error?</h1>"
    "<p>A 404 error is the answer a web server gives when it cannot find the address you asked for. "
    "The name comes from the HTTP status code 404 Not Found.</p>"
    "<h2>Why do pages go missing?</h2>"
    "<p>Pages are moved, renamed or deleted. When that happens without a redirect, every old link now "
    "leads to a 404 page, and search engines slowly drop the address.</p>"
    "<h2>How to fix a page not found error</h2>"
    "<p>Check the address for typing mistakes, then look for the page with the site's search. If you run "
    "the site, add a permanent redirect from the old address to the new one.</p>"
    "<h2>Soft 404 errors</h2>"
    "<p>Some servers answer a missing page with a normal 200 status and a friendly message. Crawlers call "
    "this a soft 404, because the status hides that the page was not found.</p>"
    + "".join(f"<p>{p}</p>" for p in _SARCOMA_PARAGRAPHS),
)
MDN_LIKE = site(
    "404 Not Found - HTTP | Reference",
    "<h1>404 Not Found</h1>"
    "<p>The HTTP 404 Not Found client error response status code indicates that the server cannot find the "
    "requested resource. Links that lead to a 404 page are often called broken or dead links.</p>"
    "<p>A 404 status code only indicates that the resource is missing, without saying whether this is "
    "temporary or permanent. If a resource is permanently removed, servers should send 410 Gone instead "
    "of a 404 status.</p>"
    "<h2>Examples</h2><pre>GET /does-not-exist HTTP/1.1\nHost: example.com</pre>"
    "<pre>HTTP/1.1 404 Not Found\nContent-Type: text/html</pre>"
    + "".join(f"<p>{p}</p>" for p in _SARCOMA_PARAGRAPHS * 2),
)
WORDPRESS_404 = site(
    "Page not found – Sarcoma Support",
    '<section class="error-404 not-found"><header class="page-header">'
    '<h1 class="page-title">Oops! That page can&rsquo;t be found.</h1></header>'
    '<div class="page-content"><p>It looks like nothing was found at this location. Maybe try a search?</p>'
    '<form role="search"><input type="search" name="s"><button>Search</button></form></div></section>',
)
SITEMAP_404 = site(
    "Page not found | Sarcoma Support",
    "<p>Here are some of our most read pages instead:</p><ul>"
    + "".join(f"<li><a href='/info/{i}'>{p}</a></li>" for i, p in enumerate(_SARCOMA_PARAGRAPHS * 2))
    + "</ul>",
)

ERROR_PAGES = [
    ("WordPress 404 served with 200", page(WORDPRESS_404), "the title says 'Page not found'"),
    (
        "Apache-style page",
        page(
            "<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1>"
            "<p>The requested URL /info/sarcoma was not found on this server.</p></body></html>"
        ),
        "the title says '404 Not Found'",
    ),
    (
        "heading only",
        page(site("Sarcoma Support", "<h1>Sorry, we couldn't find that page</h1><p>Try our search.</p>")),
        "the page says 'Sorry, we couldn't find that page'",
    ),
    (
        "heading is the code",
        page(site("Sarcoma Support", "<h1>404</h1><p>Try the links above.</p>")),
        "the page says '404'",
    ),
    (
        "no longer available",
        page(site("Sarcoma Support", "<h2>This page is no longer available</h2>")),
        "the page says 'This page is no longer available'",
    ),
    (
        "short body text",
        page(site("Sarcoma Support", "<h1>Hmm.</h1><p>The page you are looking for does not exist. Go back.</p>")),
        "the page says 'The page you are looking for does not exist.'",
    ),
    (
        "long 404 page with a sitemap still counts by its title",
        page(SITEMAP_404),
        "the title says 'Page not found'",
    ),
    (
        "plain text answer",
        page("404 page not found\n", headers={"content-type": "text/plain; charset=utf-8"}),
        "the page says '404 page not found'",
    ),
    (
        "Spanish title",
        page(site("Página no encontrada | Fundación", "<p>Vuelva al inicio.</p>", lang="es")),
        "the title says 'Página no encontrada'",
    ),
    (
        "Spanish body",
        page(
            site(
                "Fundación Sarcoma",
                "<h1>¡Vaya!</h1><p>Lo sentimos, no se encontró la página solicitada.</p>",
                lang="es",
            )
        ),
        "the page says 'Lo sentimos, no se encontró la página solicitada.'",
    ),
    (
        "Spanish heading",
        page(site("Fundación Sarcoma", "<h1>La página que buscas no existe</h1>", lang="es")),
        "the page says 'La página que buscas no existe'",
    ),
    (
        "French title",
        page(site("Page introuvable - Ligue", "<p>Retour.</p>", lang="fr")),
        "the title says 'Page introuvable'",
    ),
    ("French heading", page(site("Ligue", "<h1>Page non trouvée</h1>", lang="fr")), "the page says 'Page non trouvée'"),
    (
        "French body",
        page(site("Ligue", "<h1>Oups</h1><p>La page demandée n’existe plus.</p>", lang="fr")),
        "the page says 'La page demandée n'existe plus.'",
    ),
    (
        "German title",
        page(site("Seite nicht gefunden :: Krebshilfe", "<p>Zurück.</p>", lang="de")),
        "the title says 'Seite nicht gefunden'",
    ),
    (
        "German heading",
        page(site("Krebshilfe", "<h1>Diese Seite existiert nicht</h1>", lang="de")),
        "the page says 'Diese Seite existiert nicht'",
    ),
    (
        "German body",
        page(
            site(
                "Krebshilfe",
                "<h1>Hoppla</h1><p>Die angeforderte Seite konnte leider nicht gefunden werden.</p>",
                lang="de",
            )
        ),
        "the page says 'Die angeforderte Seite konnte leider nicht gefunden werden.'",
    ),
    (
        "Italian title",
        page(site("Pagina non trovata - AIRC", "<p>Torna.</p>", lang="it")),
        "the title says 'Pagina non trovata'",
    ),
    (
        "Portuguese title",
        page(site("Página não encontrada - Liga", "<p>Voltar.</p>", lang="pt")),
        "the title says 'Página não encontrada'",
    ),
    (
        "Dutch title",
        page(site("Pagina niet gevonden | KWF", "<p>Terug.</p>", lang="nl")),
        "the title says 'Pagina niet gevonden'",
    ),
]

GENUINE_PAGES = [
    ("NHS-style article mentions 'not found' in passing", page(NHS_ARTICLE)),
    ("article about 404 errors", page(ABOUT_404)),
    ("reference page titled '404 Not Found'", page(MDN_LIKE)),
    (
        "search with no results",
        page(site("Search | Sarcoma Support", "<h1>Search results</h1><p>No results found for 'sarcom'.</p>")),
    ),
    (
        "Spanish search with no results",
        page(
            site(
                "Buscar | Fundación", "<h1>No se encontró ningún resultado</h1><p>Pruebe otras palabras.</p>", lang="es"
            )
        ),
    ),
    (
        "short page offering help",
        page(site("Contact us", "<h1>Contact us</h1><p>Can't find the page you need? Call us.</p>")),
    ),
    (
        "heading about 404 pages",
        page(site("404 page design ideas | Blog", "<h1>404 page design ideas</h1><p>Ten friendly examples.</p>")),
    ),
    ("room number", page(site("Clinic", "<h2>Room 404</h2><p>Second floor, turn left.</p>"))),
    ("the status already says 404", page(WORDPRESS_404, status=404)),
    ("not HTML", page('{"error": "page not found"}', headers={"content-type": "application/json"})),
    ("empty body", page("")),
]


@pytest.mark.parametrize(("answer", "reason"), [c[1:] for c in ERROR_PAGES], ids=[c[0] for c in ERROR_PAGES])
def test_error_page(answer: Page, reason: str) -> None:
    assert soft404.error_page(answer) == reason


@pytest.mark.parametrize("answer", [c[1] for c in GENUINE_PAGES], ids=[c[0] for c in GENUINE_PAGES])
def test_not_an_error_page(answer: Page) -> None:
    assert soft404.error_page(answer) is None


HOME_REDIRECTS = [
    (
        "deep link to home",
        "https://www.macmillan.org.uk/info/sarcomas.htm",
        "https://www.macmillan.org.uk/",
        "the deep link /info/sarcomas.htm now lands on the home page https://www.macmillan.org.uk/",
    ),
    (
        "deep link to index.php",
        "https://www.example.org/leaflets/bone.pdf",
        "https://www.example.org/index.php",
        "the deep link /leaflets/bone.pdf now lands on the home page https://www.example.org/index.php",
    ),
    (
        "deep link to another site's home",
        "http://old-charity.org.uk/support/groups",
        "https://www.new-charity.org/",
        "the deep link /support/groups now lands on the home page https://www.new-charity.org/",
    ),
    (
        "deep link to a language home",
        "https://www.example.org/help/nurses",
        "https://www.example.org/en-gb/",
        "the deep link /help/nurses now lands on the home page https://www.example.org/en-gb/",
    ),
    (
        "deep link with a query",
        "https://www.example.org/search?q=sarcoma",
        "https://www.example.org/home",
        "the deep link /search?q=sarcoma now lands on the home page https://www.example.org/home",
    ),
    ("home to home", "https://www.example.org/", "https://www.example.org/", None),
    ("no path to home", "https://example.org", "https://www.example.org/", None),
    ("index to home", "https://www.example.org/index.html", "https://www.example.org/", None),
    ("deep to another deep page", "https://www.example.org/info/a", "https://www.example.org/info/b", None),
    ("query-only link on the home page", "https://www.example.org/?p=123", "https://www.example.org/", None),
    ("not a web link", "ftp://files.example.org/pub/a.pdf", "https://www.example.org/", None),
]


@pytest.mark.parametrize(
    ("original", "final", "reason"), [c[1:] for c in HOME_REDIRECTS], ids=[c[0] for c in HOME_REDIRECTS]
)
def test_home_redirect(original: str, final: str, reason: str | None) -> None:
    assert soft404.home_redirect(original, final) == reason


def _template(path: str) -> str:
    return site(
        "Oops | Sarcoma Support",
        f"<h1>Oops</h1><p>We looked everywhere for {path} but it is not here. Our pages moved in 2023 when the "
        "new site went live; most of them now live under the Information section. Try the search box, or "
        "browse the topics below.</p><ul><li>Diagnosis</li><li>Treatment</li><li>Living with sarcoma</li></ul>",
    )


SIMILAR = [
    (
        "both sent to the home page",
        page("<title>Home</title><p>Welcome</p>", url="https://www.example.org/"),
        page("<title>Home</title><p>Welcome back</p>", url="https://www.example.org"),
        True,
    ),
    (
        "same template, different address in the text",
        page(_template("/info/sarcoma")),
        page(_template("/info/qz7kx0vd3b"), url="https://www.example.org/info/qz7kx0vd3b"),
        True,
    ),
    (
        "same title, different content",
        page(site("Sarcoma Support", "".join(f"<p>{p}</p>" for p in _SARCOMA_PARAGRAPHS[:3]))),
        page(
            site("Sarcoma Support", "".join(f"<p>{p}</p>" for p in _SARCOMA_PARAGRAPHS[3:])),
            url="https://www.example.org/x",
        ),
        False,
    ),
    (
        "different titles",
        page(_template("/info/sarcoma")),
        page(_template("/info/sarcoma").replace("Oops |", "Sarcoma |"), url="https://www.example.org/x"),
        False,
    ),
    (
        "different status class",
        page("<title>Home</title>", url="https://www.example.org/"),
        page("<title>Home</title>", url="https://www.example.org/", status=404),
        False,
    ),
    (
        "empty script-built shells",
        page('<title>App</title><div id="root"></div><script src="/app.js"></script>'),
        page('<title>App</title><div id="root"></div><script src="/app.js"></script>', url="https://www.example.org/x"),
        False,
    ),
]


@pytest.mark.parametrize(("a", "b", "same"), [c[1:] for c in SIMILAR], ids=[c[0] for c in SIMILAR])
def test_similar(a: Page, b: Page, same: bool) -> None:
    assert soft404.similar(a, b) is same
    assert soft404.similar(b, a) is same


HUGEDOMAINS = """<!doctype html><html><head><title>SarcomaHelp.org is for sale | HugeDomains</title>
<link rel="stylesheet" href="https://www.hugedomains.com/css/main.css"></head>
<body><div class="domain-box"><h1>SarcomaHelp.org</h1><p>This domain is for sale!</p>
<p class="price">Buy now: $2,895</p><a class="btn" href="https://www.hugedomains.com/shopping_cart.cfm?d=sarcomahelp&amp;e=org">Add to cart</a>
<p>Questions? Talk to a domain expert.</p></div>
<footer>Copyright HugeDomains.com</footer></body></html>"""


def _lander(script: str, text: str = "") -> str:
    return f"""<html><head><title>sarcoma-help.org</title>
<script src="{script}"></script></head>
<body><div id="target"></div><p>{text}</p></body></html>"""


SPONSORED = """<html><head><title>sarcoma-help.org</title></head><body>
<h1>sarcoma-help.org</h1><h2>Related Searches</h2><ul>
<li><a href="/?q=cancer+treatment">Cancer Treatment</a></li><li><a href="/?q=bone+doctor">Bone Doctor</a></li>
<li><a href="/?q=health+insurance">Health Insurance</a></li></ul>
<p><a href="/privacy">Privacy Policy</a></p></body></html>"""

PARKED = [
    (
        "redirected to a HugeDomains listing",
        page(HUGEDOMAINS, url="https://www.hugedomains.com/domain_profile.cfm?d=sarcomahelp.org"),
        "parked: HugeDomains for-sale page",
    ),
    (
        "redirected to an Afternic listing",
        page("<title>sarcoma-help.org</title>", url="https://www.afternic.com/forsale/sarcoma-help.org?traffic_id=x"),
        "parked: Afternic for-sale page",
    ),
    (
        "redirected to GoDaddy domain search",
        page(
            "<title>Domain Search</title>",
            url="https://www.godaddy.com/en-uk/domainsearch/find?domainToCheck=sarcoma-help.org",
        ),
        "parked: GoDaddy for-sale page",
    ),
    (
        "redirected to a Sedo listing",
        page("<title>Sedo</title>", url="https://sedo.com/search/details/?domain=sarcoma-help.org&origin=parking"),
        "parked: Sedo for-sale page",
    ),
    (
        "Google AdSense for Domains",
        page(_lander("https://www.google.com/adsense/domains/caf.js?abp=1")),
        "parked: Google AdSense for Domains parking page",
    ),
    ("Sedo parking", page(_lander("https://img.sedoparking.com/jspartner/park.js")), "parked: Sedo parking page"),
    ("Bodis", page(_lander("//static.bodiscdn.com/lander.js")), "parked: Bodis parking page"),
    (
        "ParkingCrew",
        page(_lander("https://www.parkingcrew.net/assets/scripts/lander.js")),
        "parked: ParkingCrew parking page",
    ),
    ("Above.com", page(_lander("//ww1.above.com/static/js/park.js")), "parked: Above.com parking page"),
    ("ParkLogic", page(_lander("https://cdn.parklogic.com/js/pl.js")), "parked: ParkLogic parking page"),
    (
        "GoDaddy parking lander",
        page(_lander("https://img1.wsimg.com/parking-lander/static/js/main.1a2b3c.js")),
        "parked: GoDaddy parking page",
    ),
    (
        "for-sale title with a Dan.com link",
        page(
            "<html><head><title>sarcoma-help.org is for sale</title></head><body><h1>Buy this domain</h1>"
            '<a href="https://dan.com/buy-domain/sarcoma-help.org">Buy now</a></body></html>'
        ),
        "parked: Dan.com for-sale page",
    ),
    (
        "for-sale title without a marketplace",
        page(
            "<html><head><title>sarcoma-help.org is for sale</title></head><body><p>Contact the owner.</p></body></html>"
        ),
        "parked: the title says 'sarcoma-help.org is for sale'",
    ),
    (
        "Sedo-style text",
        page(
            "<html><head><title>sarcoma-help.org</title></head><body><p>The domain sarcoma-help.org may be for sale. Click here.</p></body></html>"
        ),
        "parked: the page says 'The domain sarcoma-help.org may be for sale'",
    ),
    (
        "Afternic listing link on a short page",
        page(
            "<html><head><title>sarcoma-help.org</title></head><body><p>Interested?</p>"
            '<a href="https://www.afternic.com/forsale/sarcoma-help.org">Make an offer</a></body></html>'
        ),
        "parked: Afternic for-sale page",
    ),
    ("sponsored listings", page(SPONSORED), "parked: sponsored-listings page"),
    (
        "registrar placeholder",
        page(
            "<html><head><title>sarcoma-help.org</title></head><body><h1>This domain has been registered</h1></body></html>"
        ),
        "parked: the page says 'This domain has been registered'",
    ),
    (
        "GoDaddy coming-soon placeholder",
        page(
            "<html><head><title>Coming Soon</title></head><body><p>Future home of something quite cool.</p></body></html>"
        ),
        "parked: the page says 'Future home of something quite cool'",
    ),
]

HOSTING_POST = site(
    "How we moved our website | Sarcoma Support",
    "<h1>How we moved our website</h1>"
    "<p>We registered our new name through <a href='https://www.godaddy.com/'>GoDaddy</a> and checked a few "
    "alternatives with their <a href='https://www.godaddy.com/domainsearch/find?domainToCheck=sarcoma-support.org'>"
    "domain search</a> first. The old address now redirects here.</p>"
    + "".join(f"<p>{p}</p>" for p in _SARCOMA_PARAGRAPHS),
)
ORDINARY = [
    ("article linking to GoDaddy", page(HOSTING_POST)),
    (
        "short page linking to GoDaddy's home",
        page(site("Thanks", "<p>Site hosted by <a href='https://www.godaddy.com/'>GoDaddy</a>.</p>")),
    ),
    ("GoDaddy's own home page", page("<title>Domain Names, Websites, Hosting</title>", url="https://www.godaddy.com/")),
    ("Sedo's own home page", page("<title>Sedo</title>", url="https://sedo.com/uk/")),
    ("things for sale", page(site("Cars for sale in Leeds", "<h1>Cars for sale</h1><p>Used cars near you.</p>"))),
    ("ordinary AdSense", page(_lander("https://pagead2.googlesyndication.com/pagead/js/adsbygoogle.js", "News"))),
    ("a name ending in dan.com", page(_lander("https://cdn.jordan.com/app.js", "Trainers"))),
    ("NHS-style article", page(NHS_ARTICLE)),
    (
        "long article about domain parking",
        page(
            site(
                "Why old charity domains end up parked",
                "<h1>Why old charity domains end up parked</h1><p>When a domain lapses, companies such as Sedo "
                "fill it with sponsored listings and related searches, and a page that says buy this domain.</p>"
                + "".join(f"<p>{p}</p>" for p in _SARCOMA_PARAGRAPHS * 2),
            )
        ),
    ),
]


@pytest.mark.parametrize(("answer", "reason"), [c[1:] for c in PARKED], ids=[c[0] for c in PARKED])
def test_parked(answer: Page, reason: str) -> None:
    assert parking.parked(answer) == reason


@pytest.mark.parametrize("answer", [c[1] for c in ORDINARY], ids=[c[0] for c in ORDINARY])
def test_not_parked(answer: Page) -> None:
    assert parking.parked(answer) is None


CLOUDFLARE_CHALLENGE = """<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title>
<meta http-equiv="Content-Type" content="text/html; charset=UTF-8"><meta name="robots" content="noindex,nofollow">
<style>*{box-sizing:border-box}</style></head><body><div class="main-wrapper" role="main"><div class="main-content">
<h1 class="zone-name-title h1">www.example.org</h1><h2 class="h2" id="challenge-running">Verifying you are human. This may take a few seconds.</h2>
<noscript><div class="h2"><span id="challenge-error-text">Enable JavaScript and cookies to continue</span></div></noscript>
</div></div><script>(function(){window._cf_chl_opt={cvId: '3',cZone: "www.example.org",cType: 'managed'};
var cpo = document.createElement('script');cpo.src = '/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1?ray=8a1b2c3d4e5f6a7b';
document.getElementsByTagName('head')[0].appendChild(cpo);}());</script></body></html>"""
CLOUDFLARE = {"server": "cloudflare", "cf-ray": "8a1b2c3d4e5f6a7b-LHR"}

AKAMAI = """<HTML><HEAD>
<TITLE>Access Denied</TITLE>
</HEAD><BODY>
<H1>Access Denied</H1>
You don't have permission to access "http&#58;&#47;&#47;www&#46;example&#46;org&#47;info&#47;sarcoma" on this server.<P>
Reference&#32;&#35;18&#46;5f3c2e17&#46;1717000000&#46;2b9a1c0
<P>https&#58;&#47;&#47;errors&#46;edgesuite&#46;net&#47;18&#46;5f3c2e17&#46;1717000000&#46;2b9a1c0</P>
</BODY>
</HTML>"""

CHALLENGES = [
    (
        "cf-mitigated header",
        page("<title>Just a moment...</title>", status=403, headers={"cf-mitigated": "challenge"}),
        "Cloudflare",
    ),
    ("Cloudflare challenge page", page(CLOUDFLARE_CHALLENGE, status=403, headers=CLOUDFLARE), "Cloudflare"),
    ("Cloudflare challenge served with 200", page(CLOUDFLARE_CHALLENGE, headers=CLOUDFLARE), "Cloudflare"),
    (
        "Cloudflare title and cf-ray only",
        page(
            "<html><head><title>Just a moment...</title></head><body><p>Please wait.</p></body></html>",
            status=503,
            headers=CLOUDFLARE,
        ),
        "Cloudflare",
    ),
    (
        "Cloudflare block page",
        page(
            "<html><head><title>Attention Required! | Cloudflare</title></head><body><div id='cf-error-details'>"
            "<h1>Sorry, you have been blocked</h1><p>You are unable to access example.org</p></div></body></html>",
            status=403,
            headers=CLOUDFLARE,
        ),
        "Cloudflare",
    ),
    (
        "old Cloudflare browser check",
        page("<title>Just a moment...</title><p>Checking your browser before accessing example.org.</p>", status=503),
        "Cloudflare",
    ),
    ("Akamai reference #18", page(AKAMAI, status=403, headers={"server": "AkamaiGHost"}), "Akamai"),
    (
        "Imperva incident",
        page(
            '<html><head><META NAME="robots" CONTENT="noindex,nofollow"></head><body><iframe id="main-iframe" '
            'src="/_Incapsula_Resource?CWUDNSAI=24&xinfo=1-2-3"></iframe>Request unsuccessful. Incapsula incident ID: '
            "123000450012345678-987654321</body></html>",
            status=200,
        ),
        "Imperva",
    ),
    (
        "DataDome captcha",
        page(
            "<html><head><title>example.org</title></head><body><script>var dd={'rt':'c','cid':'AHrlqAAA','hsh':'ABC',"
            "'host':'geo.captcha-delivery.com'}</script><script src=\"https://ct.captcha-delivery.com/c.js\"></script></body></html>",
            status=403,
        ),
        "DataDome",
    ),
    (
        "DataDome header",
        page("<html><body></body></html>", status=403, headers={"x-datadome": "protected"}),
        "DataDome",
    ),
    (
        "PerimeterX press and hold",
        page(
            "<html><head><title>Access to this page has been denied</title></head><body><h1>Before we continue...</h1>"
            '<p>Press &amp; Hold to confirm you are a human (and not a bot).</p><div id="px-captcha"></div>'
            "<script>window._pxAppId = 'PXabc123';</script></body></html>",
            status=403,
        ),
        "PerimeterX",
    ),
    ("AWS WAF captcha header", page("<html></html>", status=405, headers={"x-amzn-waf-action": "captcha"}), "AWS WAF"),
    (
        "AWS WAF challenge page",
        page(
            '<html><head><title></title><script>window.gokuProps = {"key":"AQID","iv":"A6we","context":"x"};</script>'
            '<script src="https://1a2b3c4d.edge.sdk.awswaf.com/1a2b3c4d/5e6f/challenge.js"></script></head>'
            '<body><div id="challenge-container"></div></body></html>',
            status=202,
        ),
        "AWS WAF",
    ),
    (
        "hCaptcha on a refusal",
        page(
            '<html><head><script src="https://js.hcaptcha.com/1/api.js" async></script></head><body>'
            '<form><div class="h-captcha" data-sitekey="10000000-ffff-ffff-ffff-000000000001"></div></form></body></html>',
            status=403,
        ),
        "hCaptcha",
    ),
    (
        "reCAPTCHA challenge served with 200",
        page(
            '<html><head><title>Security check</title><script src="https://www.google.com/recaptcha/api.js"></script>'
            "</head><body><p>Please verify you are a human to continue.</p>"
            '<form method="post"><div class="g-recaptcha" data-sitekey="6Lc_aCMTAAAAABx7u2W0WPXnVbI_v6ZdbM6rYf16"></div>'
            "<button>Continue</button></form></body></html>"
        ),
        "reCAPTCHA",
    ),
    (
        "Vercel challenge header",
        page("<html></html>", status=429, headers={"x-vercel-mitigated": "challenge"}),
        "Vercel",
    ),
]

NOT_CHALLENGES = [
    (
        "ordinary Cloudflare page",
        page(
            NHS_ARTICLE.replace(
                "</body>",
                "<script>(function(){window.__CF$cv$params={r:'8a1b2c3d',t:'MTcxNw=='};var a=document.createElement('script');"
                "a.src='/cdn-cgi/challenge-platform/scripts/jsd/main.js';document.head.appendChild(a);})();</script></body>",
            ),
            headers=CLOUDFLARE,
        ),
    ),
    (
        "ordinary page with the DataDome tag",
        page(NHS_ARTICLE.replace("</head>", '<script src="https://js.datadome.co/tags.js" async></script></head>')),
    ),
    (
        "login form with reCAPTCHA",
        page(
            '<html><head><title>Sign in</title><script src="https://www.google.com/recaptcha/api.js"></script></head>'
            '<body><h1>Sign in</h1><form><input name="email"><input type="password" name="password">'
            '<div class="g-recaptcha" data-sitekey="6Lc_aCMTAAAAABx7u2W0WPXnVbI_v6ZdbM6rYf16"></div><button>Sign in</button></form></body></html>'
        ),
    ),
    (
        "forum thread quoting a block page",
        page(
            site(
                "Scraper blocked by Imperva - Forum",
                "<h1>Scraper blocked by Imperva</h1><p>My script gets 'Request unsuccessful. Incapsula incident ID: "
                "1234' on every request. What should I do?</p>"
                + "".join(f"<p>{p}</p>" for p in _SARCOMA_PARAGRAPHS * 2),
            )
        ),
    ),
    (
        "plain 403",
        page("<html><head><title>403 Forbidden</title></head><body><h1>Forbidden</h1></body></html>", status=403),
    ),
    (
        "maintenance 503",
        page("<html><head><title>Down for maintenance</title></head><body><p>Back soon.</p></body></html>", status=503),
    ),
    ("ordinary 404", page(WORDPRESS_404, status=404)),
    (
        "Akamai-style denial without Akamai",
        page("<title>Access Denied</title><p>You don't have permission to access this.</p>", status=403),
    ),
]


@pytest.mark.parametrize(("answer", "vendor"), [c[1:] for c in CHALLENGES], ids=[c[0] for c in CHALLENGES])
def test_challenge(answer: Page, vendor: str) -> None:
    assert botwall.challenge(answer) == f"bot challenge ({vendor}): could not verify"


@pytest.mark.parametrize("answer", [c[1] for c in NOT_CHALLENGES], ids=[c[0] for c in NOT_CHALLENGES])
def test_not_a_challenge(answer: Page) -> None:
    assert botwall.challenge(answer) is None


def test_challenge_without_a_vendor() -> None:
    answer = page(
        "<html><head><title>Security check</title></head><body><p>Verify you are human.</p></body></html>", status=403
    )
    assert botwall.challenge(answer) == "bot challenge: could not verify"


def test_shortener_list() -> None:
    assert len(shortener.SHORTENERS) >= 60
    assert {"bit.ly", "tinyurl.com", "goo.gl", "t.co", "ow.ly", "is.gd", "lnkd.in"} <= shortener.SHORTENERS
    assert "youtu.be" not in shortener.SHORTENERS  # shortens YouTube only: a known destination
    assert all(host == host.lower() and not host.startswith("www.") for host in shortener.SHORTENERS)


IS_SHORTENER = [
    ("bit.ly", True),
    ("BIT.LY", True),
    ("www.tinyurl.com", True),
    ("goo.gl.", True),
    ("docs.bitly.com", False),
    ("maps.app.goo.gl", False),
    ("youtu.be", False),
    ("www.cancer.gov", False),
]


@pytest.mark.parametrize(("host", "expected"), IS_SHORTENER, ids=[c[0] for c in IS_SHORTENER])
def test_is_shortener(host: str, expected: bool) -> None:
    assert shortener.is_shortener(host) is expected


def test_configured_shorteners() -> None:
    known = shortener.shorteners(["WWW.Go.Sarcoma.org.", "  "])
    assert "go.sarcoma.org" in known and "" not in known
    assert known >= shortener.SHORTENERS
    assert shortener.is_shortener("go.sarcoma.org", known)
    assert not shortener.is_shortener("go.sarcoma.org")
    assert shortener.says_missing(page("", url="https://go.sarcoma.org/x", status=404), known) == (
        "go.sarcoma.org says the short link does not exist (404)"
    )


MISSING = [
    (
        "goo.gl 404",
        page("<title>Not Found</title>", url="https://goo.gl/abc12", status=404),
        "goo.gl links were shut down by Google",
    ),
    (
        "goo.gl interstitial",
        page(
            "<title>goo.gl</title><p>This link will no longer work in the near future.</p>", url="https://goo.gl/abc12"
        ),
        "goo.gl links were shut down by Google",
    ),
    (
        "TinyURL error",
        page(
            "<title>TinyURL</title><h1>Error: Unable to find site's URL to redirect to.</h1>",
            url="https://tinyurl.com/y7abc",
        ),
        "TinyURL says the short link does not exist ('Unable to find site's URL to redirect to')",
    ),
    (
        "Bitly 404",
        page("<title>Bitly</title>", url="https://bit.ly/3xYz", status=404),
        "Bitly says the short link does not exist (404)",
    ),
    (
        "Bitly error page",
        page("<title>Bitly</title><h1>Something went wrong</h1><p>Try again.</p>", url="https://bit.ly/3xYz"),
        "Bitly says the short link does not exist ('Something went wrong')",
    ),
    (
        "expired link",
        page("<title>rb.gy</title><p>This link has expired.</p>", url="https://rb.gy/ab12cd"),
        "rb.gy says the short link does not exist ('link has expired')",
    ),
    (
        "removed link",
        page("<title>is.gd</title><p>Sorry, this short URL has been disabled.</p>", url="https://is.gd/abc"),
        "is.gd says the short link does not exist ('short URL has been disabled')",
    ),
]
NOT_MISSING = [
    ("destination's 404", page("<title>Not found</title>", url="https://www.example.org/gone", status=404)),
    ("maps.app.goo.gl", page("<title>Google Maps</title>", url="https://maps.app.goo.gl/abc")),
    ("goo.gl still redirecting", page("", url="https://goo.gl/abc12", status=301)),
    (
        "LinkedIn interstitial",
        page(
            "<title>LinkedIn</title><p>This link will take you to a page that's not on LinkedIn.</p>",
            url="https://lnkd.in/eAbC",
        ),
    ),
    (
        "Bitly server error",
        page("<title>Bitly</title><p>Something went wrong.</p>", url="https://bit.ly/3xYz", status=503),
    ),
    (
        "script text is not the page",
        page("<script>var m = 'link not found';</script><p>Redirecting…</p>", url="https://t.co/abc"),
    ),
]


@pytest.mark.parametrize(("answer", "reason"), [c[1:] for c in MISSING], ids=[c[0] for c in MISSING])
def test_says_missing(answer: Page, reason: str) -> None:
    assert shortener.says_missing(answer) == reason


@pytest.mark.parametrize("answer", [c[1] for c in NOT_MISSING], ids=[c[0] for c in NOT_MISSING])
def test_not_missing(answer: Page) -> None:
    assert shortener.says_missing(answer) is None
