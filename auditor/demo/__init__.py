"""The demo: a simulated present of the web for the shipped organisations, so ``auditor demo``
shows a complete report on a machine without internet.

The story is the real one of a sarcoma resource list printed in 2013 (``leaflet.txt``)
and a support group's web page (``group-page.md``), as a link checker finds them
today. Every status the product knows appears at least once, and every finding that
one run can make::

    http://cancer.gov/cancerinformation                    redirected  302 to the current about-cancer page
    http://cancer.gov/cancerinfo/types/soft-tissue-sarcoma moved       301 to cancer.gov/types/..., a current page
    www.cancer.gov/cancertopics/types/uterinesarcoma       moved       301 to cancer.gov/types/uterine
    1-800-4-CANCER                                         confirmed   listed on cancer.gov/contact
    ftp://ftp.cancer.gov/pdq/                              skipped     ftp: is not checked
    www.leiomyosarcoma.org.uk                              ok          taken over by a blog: expected-text-missing
    www.leiomyosarcoma.info                                parked      for sale at HugeDomains
    listserv.acor.org/archives/l-m-sarcoma.html            error       503: the list server's archive is down
    listserv@listserv.acor.org                             ok          the mail domain has an exchanger
    www.LMSdr.org                                          ok          last reviewed on 14 March 2011: stale
    www.sarcomahelp.org/                                   ok          updated weeks ago
    sarcomahelp.org/leiomyosarcoma.html#treatment          ok          no #treatment on the page: missing-fragment
    tinyurl.com/2bypqp                                     shortened   to the ESUN newsletter
    tinyurl.com/22tzof                                     dead        to a links page since removed (404); archived
    www.sarcomaalliance.org                                blocked     a Cloudflare challenge
    www.sarcoma-uk.org                                     ok
    www.sarcoma-uk.org/support-line                        soft-404    200 "Page not found" since a redesign; archived
    supportline@sarcoma-uk.org                             ok
    www.cancerbackup.org.uk                                moved       301 to www.macmillan.org.uk: the merger
    www.cancerbackup.org.uk/info/sarcomas.htm              soft-404    the deep link lands on Macmillan's home; archived
    0808 800 1234 (Cancerbackup's nurses)                  unconfirmed Macmillan's page lists 0808 808 00 00
    cancerinfo@cancerbackup.org.uk                         dead        the old domain takes no mail
    0117 496 0456 (the group's organiser)                  unchecked   no organisation page to look on
    tel:0117496045 (group-page.md)                         invalid     the link behind the number lost a digit
    leaflet.txt (group-page.md)                            ok          a local file

The Internet Archive (``web.archive.org``, served by the same fake web) keeps the three
pages marked "archived", as they were before the leaflet's date (September 2013), and
nothing of the parked domain: the report offers an archived copy of each of the three.

The group's numbers are in Ofcom's drama range (0117 496 0xxx): they belong to no
one. ``sites(last_week=True)`` is the same web a week earlier: the ACOR archive up,
Sarcoma UK's home page missing mid-redesign (404), the list of links behind
tinyurl.com/22tzof still there, the previous ESUN issue. Audited first (``auditor
demo`` does), it gives the present's run a history: a new failure (the short link), a
fixed one (Sarcoma UK), a first transient error not counted yet (ACOR), a changed page
and title (ESUN).
"""

from __future__ import annotations

import datetime as dt
import html
from importlib.resources import files
from importlib.resources.abc import Traversable

from auditor.fakeweb import FakeWeb, Handler, not_found, page, redirect, status

__all__ = [
    "DEMO_FILES",
    "DEMO_LEAFLET",
    "DEMO_TARGETS",
    "demo_web",
    "mail_domains",
    "sites",
]

_HERE = files(__name__)
#: The demo's audit definition; its ``sources`` are the documents beside it.
DEMO_TARGETS: Traversable = _HERE / "targets.yaml"
#: The demo's main document: a resource list printed in 2013.
DEMO_LEAFLET: Traversable = _HERE / "leaflet.txt"
#: Everything ``auditor demo`` copies into its folder (``item.name`` is the file name):
#: the audit definition and every source it names.
DEMO_FILES: tuple[Traversable, ...] = (DEMO_TARGETS, DEMO_LEAFLET, _HERE / "group-page.md")

#: A page the demo calls current was updated this long before the day it runs:
#: relative to today, so the demo never ages into "stale" itself.
RECENT = dt.timedelta(days=40)
#: The ESUN newsletter's current issue came out this week; the one before, two months earlier.
ESUN_ISSUED = dt.timedelta(days=3)
ESUN_EVERY = dt.timedelta(days=61)


def sites(*, last_week: bool = False, today: dt.date | None = None) -> dict[str, dict[str, Handler]]:
    """The demo's web, host by host; fresh values on each call.

    ``last_week`` gives the web as it was a week before, for a first run that the
    present can be compared with. ``today`` fixes the date pages call current.
    """
    today = today or dt.date.today()
    updated = today - RECENT  # the same both weeks: only what changed carries a new date
    esun = today - ESUN_ISSUED - (ESUN_EVERY if last_week else dt.timedelta(0))
    return {
        # NCI: the 2000s addresses on the bare domain, and the 2010s /cancertopics/ ones,
        # permanently moved to today's /types/ pages; the vanity address goes through a 302.
        "cancer.gov": {
            "/": redirect(301, "https://www.cancer.gov/"),
            "/cancerinformation": redirect(302, "https://www.cancer.gov/about-cancer"),
            "/cancerinfo/types/soft-tissue-sarcoma": redirect(301, "https://www.cancer.gov/types/soft-tissue-sarcoma"),
            "*": not_found(),
        },
        "www.cancer.gov": {
            "/": _nci("National Cancer Institute", _NCI_HOME, updated),
            "/about-cancer": _nci("About Cancer", _NCI_ABOUT, updated),
            "/types/soft-tissue-sarcoma": _nci("Soft Tissue Sarcoma", _NCI_SARCOMA, updated),
            "/types/uterine": _nci("Uterine Cancer", _NCI_UTERINE, updated),
            "/cancertopics/types/uterinesarcoma": redirect(301, "/types/uterine"),
            "/contact": _nci("Contact Us", _NCI_CONTACT, updated),
            "*": not_found(_NCI_NOT_FOUND),
        },
        # The UK mirror's name lapsed and was bought for its links: a home-and-garden blog.
        "www.leiomyosarcoma.org.uk": {"/": page(_TAKEN_OVER), "*": not_found()},
        # The other mirror's name is for sale.
        "www.leiomyosarcoma.info": {"*": page(_PARKED)},
        # ACOR's list server: the static home page answers, the archive's script does not.
        "listserv.acor.org": {
            "/": page(_ACOR_HOME),
            "/archives/l-m-sarcoma.html": page(_ACOR_ARCHIVE) if last_week else status(503, body=_ACOR_DOWN),
            "*": not_found(),
        },
        # LMSdr: alive, not maintained since 2011 (a static site: its server says so too).
        "www.lmsdr.org": {
            "/": page(_LMSDR_HOME, headers={"Last-Modified": "Mon, 14 Mar 2011 09:30:00 GMT"}),
            "*": not_found(),
        },
        "www.sarcomahelp.org": {
            "/": _shriver("Liddy Shriver Sarcoma Initiative", _SHRIVER_HOME, updated),
            "/leiomyosarcoma.html": _shriver("Leiomyosarcoma", _SHRIVER_LMS, updated),
            "/esun.html": _shriver(*(_ESUN_LAST_WEEK if last_week else _ESUN), esun),
            # the list of links a short link points to, removed this week
            **({"/links.html": _shriver("Sarcoma links", _SHRIVER_LMS, updated)} if last_week else {}),
            "*": not_found(),
        },
        # The short links of the leaflet: one still leads somewhere, one to a page since removed.
        "tinyurl.com": {
            "/2bypqp": redirect(301, "https://www.sarcomahelp.org/esun.html"),
            "/22tzof": redirect(301, "https://www.sarcomahelp.org/links.html"),
            "*": not_found(_TINYURL_NOT_FOUND),
        },
        # Behind a bot wall: the checker cannot tell whether the page is there.
        "www.sarcomaalliance.org": {"*": page(_CHALLENGE, status=403, headers=_CLOUDFLARE)},
        # Sarcoma UK redesigned its site; its CMS answers 200 for pages that no longer exist.
        "www.sarcoma-uk.org": {
            # last week, mid-redesign, the home page itself was missing: fixed since
            "/": not_found(_SARCOMA_UK_ERROR) if last_week else page(_SARCOMA_UK_HOME),
            "*": page(_SARCOMA_UK_NOT_FOUND),
        },
        # Cancerbackup merged into Macmillan: every old address goes to Macmillan's home page.
        "www.cancerbackup.org.uk": {"*": redirect(301, "https://www.macmillan.org.uk/")},
        "www.macmillan.org.uk": {"/": page(_MACMILLAN_HOME), "*": not_found()},
        # The Wayback Machine (the default checks.archive_url), asked for the pages that are
        # gone as of the leaflet's date (September 2013: /web/20130901/...): it keeps three of
        # them, from before that date, and nothing of the parked domain or anything else.
        "web.archive.org": {
            **{f"/web/20130901/{url}": redirect(302, f"{_WAYBACK}{stamp}/{url}") for url, stamp in _SNAPSHOTS.items()},
            "*": not_found(_WAYBACK_NONE),
        },
    }


_WAYBACK = "https://web.archive.org/web/"
#: The snapshot of each page the archive keeps, by the address the leaflet gives.
_SNAPSHOTS = {
    "http://tinyurl.com/22tzof": "20130804101520",  # the list of links, while it was there
    "https://www.sarcoma-uk.org/support-line": "20130622154210",  # before the redesign
    "https://www.cancerbackup.org.uk/info/sarcomas.htm": "20080517093012",  # before the merger
}


def mail_domains() -> dict[str, list[str]]:
    """The mail domains of the leaflet's addresses: two take mail, Cancerbackup's no longer does."""
    return {
        "listserv.acor.org": ["mx.acor.org"],
        "sarcoma-uk.org": ["sarcomauk-org.mail.protection.outlook.com"],
        "cancerbackup.org.uk": [],  # the name is kept (its web host redirects) but takes no mail
    }


def demo_web(*, last_week: bool = False, today: dt.date | None = None) -> FakeWeb:
    """The fake web serving :func:`sites` and :func:`mail_domains`; enter it with ``async with``.

    Its HTTPS needs ``trustme`` (the fake web's certificate authority).
    """
    return FakeWeb(sites(last_week=last_week, today=today), mail=mail_domains())


# --- Pages -------------------------------------------------------------------------------------
# Kept short, but each long enough to read as a real page (the soft-404 and parking
# detectors read short pages more suspiciously), and without years in the text of
# current pages, so that a page's date is the one it states.


def _day(date: dt.date) -> str:
    return f"{date.day} {date:%B %Y}"


def _document(title: str, body: str, *, site: str, modified: dt.date | None = None, lang: str = "en") -> str:
    meta = f'<meta property="article:modified_time" content="{modified.isoformat()}">' if modified else ""
    title = html.escape(title, quote=False)
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>{meta}'
        '<meta name="viewport" content="width=device-width, initial-scale=1"></head><body>'
        f'<header><nav><a href="/">{site}</a> · <a href="/contact">Contact</a></nav></header>'
        f"<main>{body}</main><footer><p>{site}</p></footer></body></html>"
    )


def _nci(title: str, body: str, updated: dt.date) -> Handler:
    full = f"{title} - NCI" if title != "National Cancer Institute" else "National Cancer Institute"
    dated = f'{body}<p class="updated">Updated: <time datetime="{updated.isoformat()}">{_day(updated)}</time></p>'
    return page(_document(full, f"<h1>{title}</h1>{dated}", site="National Cancer Institute", modified=updated))


def _shriver(title: str, body: str, updated: dt.date) -> Handler:
    dated = f"{body}<p>Last updated: {_day(updated)}</p>"
    return page(_document(f"{title} | Sarcoma Help", f"<h1>{title}</h1>{dated}", site="Sarcoma Help"))


_NCI_HOME = (
    "<p>The National Cancer Institute is the federal government's principal agency for cancer research "
    "and training.</p>"
    "<p>Questions about cancer? Our Cancer Information Service answers them in English and Spanish, "
    'by phone, by e-mail and by online chat: see <a href="/contact">Contact Us</a>.</p>'
    "<h2>Cancer types</h2><ul>"
    '<li><a href="/types/soft-tissue-sarcoma">Soft tissue sarcoma</a></li>'
    '<li><a href="/types/uterine">Uterine cancer</a></li></ul>'
    '<h2>About cancer</h2><p><a href="/about-cancer">Causes, diagnosis, treatment and coping</a>.</p>'
)
_NCI_ABOUT = (
    "<p>Information about cancer: what causes it, how it is found and treated, and how to cope with it. "
    "Each section links to the PDQ cancer information summaries, written and reviewed by experts.</p>"
    "<h2>Understanding cancer</h2><p>Cancer is a disease in which some of the body's cells grow "
    "uncontrollably and spread to other parts of the body.</p>"
    "<h2>Treatment</h2><p>Surgery, radiation therapy, chemotherapy and targeted therapy, "
    "and the clinical trials that test new treatments.</p>"
)
_NCI_SARCOMA = (
    "<p>Soft tissue sarcoma is a disease in which malignant cells form in the soft tissues of the body: "
    "muscle, tendons, fat, blood and lymph vessels, nerves and the tissue around joints.</p>"
    "<h2>Treatment</h2><p>Surgery to remove the tumour with a margin of healthy tissue is the usual "
    "treatment; radiation therapy and chemotherapy may be given before or after it.</p>"
    "<h2>Leiomyosarcoma</h2><p>Leiomyosarcoma forms in smooth muscle, such as the muscle of the uterus, "
    "the digestive tract or the walls of blood vessels.</p>"
)
_NCI_UTERINE = (
    "<p>Uterine sarcoma is a rare cancer that forms in the muscle of the uterus or in the tissues that "
    "support it. Leiomyosarcoma is its most common kind.</p>"
    "<h2>Treatment</h2><p>Treatment depends on the stage of the cancer; it usually begins with surgery "
    "to remove the uterus.</p>"
)
_NCI_CONTACT = (
    "<p>Our Cancer Information Service answers your questions about cancer. Information specialists "
    "are there Monday to Friday, 9:00 a.m. to 9:00 p.m. Eastern time, in English and Spanish.</p>"
    '<h2>Call</h2><p><a href="tel:+18004226237">1-800-4-CANCER (1-800-422-6237)</a></p>'
    '<h2>Chat</h2><p>Chat online with an information specialist from <a href="/contact">this page</a>.</p>'
    "<h2>Write</h2><p>NCI Office of Communications and Public Liaison, Bethesda, MD.</p>"
)
_NCI_NOT_FOUND = (
    "<!doctype html><html><head><title>Page Not Found - NCI</title></head><body>"
    "<h1>Page Not Found</h1><p>We can't find the page you're looking for.</p></body></html>"
)

_TAKEN_OVER = _document(
    "Bright Home Ideas - decorating, gardens and DIY",
    "<h1>Bright Home Ideas</h1>"
    "<article><h2>Ten ways to make a small garden feel bigger</h2>"
    "<p>Mirrors, vertical planting and a path that curves out of sight: simple tricks that add space "
    "without moving a fence. Our favourite is a bench at the far end, which draws the eye.</p></article>"
    "<article><h2>Choosing paint for a north-facing room</h2>"
    "<p>Cool light flattens pale greys. Warm whites and soft yellows hold their colour through the day.</p>"
    "</article>"
    "<article><h2>Best cordless drills for beginners</h2>"
    "<p>We compared weight, battery life and price so you do not have to. Some links on this page are "
    "affiliate links.</p></article>",
    site="Bright Home Ideas",
)
_PARKED = (
    "<!doctype html><html><head><title>leiomyosarcoma.info is for sale | HugeDomains</title></head><body>"
    "<h1>leiomyosarcoma.info</h1><p>This domain is for sale.</p>"
    '<p><a href="https://www.hugedomains.com/domain_profile.cfm?d=leiomyosarcoma.info">Buy now</a> '
    "or make an offer. Secure ownership transfer, payment plans available.</p></body></html>"
)
_ACOR_HOME = _document(
    "ACOR LISTSERV",
    "<h1>Association of Cancer Online Resources</h1>"
    "<p>Welcome to the LISTSERV mailing lists of the Association of Cancer Online Resources: "
    "online communities for people with cancer and those who care for them.</p>"
    '<p><a href="/archives/l-m-sarcoma.html">L-M-SARCOMA</a>: leiomyosarcoma discussion and support.</p>',
    site="ACOR",
)
_ACOR_ARCHIVE = _document(
    "L-M-SARCOMA archives",
    "<h1>L-M-SARCOMA archives</h1><p>Leiomyosarcoma discussion and support. Messages by week; "
    "to join, send SUBSCRIBE L-M-SARCOMA to the list server.</p>",
    site="ACOR",
)
_ACOR_DOWN = "<html><head><title>503 Service Unavailable</title></head><body><h1>Service Unavailable</h1></body></html>"
_LMSDR_HOME = (
    "<!doctype html><html><head><title>Leiomyosarcoma Direct Research Foundation</title>"
    '<meta name="date" content="2011-03-14"></head><body>'
    "<h1>Leiomyosarcoma Direct Research Foundation</h1>"
    "<p>The Leiomyosarcoma Direct Research Foundation brings researchers and patients together to find "
    "better treatments for leiomyosarcoma (LMS).</p>"
    "<p>We fund research grants and encourage patients to take part in clinical trials.</p>"
    "<p>Last reviewed: 14 March 2011</p></body></html>"
)
_SHRIVER_HOME = (
    "<p>The Liddy Shriver Sarcoma Initiative offers information and support to people with sarcoma, "
    "their families and the doctors who treat them.</p>"
    '<p>Read our <a href="/leiomyosarcoma.html">article on leiomyosarcoma</a>, and subscribe to '
    '<a href="/esun.html">ESUN</a>, our electronic newsletter.</p>'
)
_SHRIVER_LMS = (
    "<p>Leiomyosarcoma is a malignant tumour of smooth muscle. It is one of the more common sarcomas "
    "of adults.</p>"
    '<h2 id="diagnosis">Diagnosis</h2><p>A biopsy reviewed by a sarcoma pathologist confirms it.</p>'
    '<h2 id="treatment-options">Treatment options</h2><p>Surgery with wide margins, at a sarcoma centre, '
    "is the treatment of choice; radiation and chemotherapy play a part for some patients.</p>"
)
_ESUN = (
    "ESUN - Volume 12, Number 3",
    "<p>In this issue: a patient's account of a second opinion, and what the latest trials in "
    "leiomyosarcoma found about combining chemotherapy with surgery.</p>"
    "<p>ESUN is published every two months and sent free to subscribers.</p>",
)
_ESUN_LAST_WEEK = (
    "ESUN - Volume 12, Number 2",
    "<p>In this issue: how radiotherapy is planned for sarcoma of the limbs, and questions to ask "
    "before surgery.</p>"
    "<p>ESUN is published every two months and sent free to subscribers.</p>",
)
_TINYURL_NOT_FOUND = (
    "<!doctype html><html><head><title>TinyURL</title></head><body>"
    "<h1>Unable to find site's URL to redirect to.</h1></body></html>"
)
_CHALLENGE = (
    '<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title>'
    '<meta name="robots" content="noindex,nofollow"></head><body>'
    "<h1>www.sarcomaalliance.org</h1><p>Verifying you are human. This may take a few seconds.</p>"
    "<noscript>Enable JavaScript and cookies to continue</noscript>"
    "<script>window._cf_chl_opt={cType: 'managed', cRay: '8f2a1c3b9d4e5f60'};</script></body></html>"
)
_CLOUDFLARE = {"Server": "cloudflare", "CF-RAY": "8f2a1c3b9d4e5f60-LHR", "cf-mitigated": "challenge"}
_SARCOMA_UK_HOME = _document(
    "Sarcoma UK - the bone and soft tissue cancer charity",
    "<h1>Sarcoma UK</h1>"
    "<p>Sarcoma UK is the only UK charity focused on all types of sarcoma. We fund research, "
    "campaign for better treatment and support anyone affected by sarcoma.</p>"
    "<h2>Get support</h2><p>Our support line team can talk through a diagnosis, treatment or "
    "anything else on your mind.</p>",
    site="Sarcoma UK",
)
_SARCOMA_UK_NOT_FOUND = _document(
    "Page not found | Sarcoma UK",
    "<h1>Sorry, we can't find that page</h1><p>It may have moved when we updated our website. "
    'Try our <a href="/">home page</a> or the search box.</p>',
    site="Sarcoma UK",
)
_SARCOMA_UK_ERROR = "<html><head><title>Error</title></head><body><h1>Internal Server Error</h1></body></html>"
_WAYBACK_NONE = (
    "<!doctype html><html><head><title>Wayback Machine</title></head><body>"
    "<p>Hrm. The Wayback Machine has not archived that URL.</p></body></html>"
)
_MACMILLAN_HOME = _document(
    "Macmillan Cancer Support | The UK's leading cancer care charity",
    "<h1>Whatever cancer throws your way, we're right there with you</h1>"
    "<p>We provide physical, financial and emotional support to help you live life as fully as you can.</p>"
    '<h2>Macmillan Support Line</h2><p>Call us free on <a href="tel:+448088080000">0808 808 00 00</a>, '
    "7 days a week, 8am to 8pm.</p>"
    "<h2>Looking for Cancerbackup?</h2><p>Cancerbackup merged with Macmillan Cancer Support. "
    "Its cancer information is now part of ours.</p>",
    site="Macmillan Cancer Support",
)
