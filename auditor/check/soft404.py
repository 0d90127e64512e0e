"""Soft 404s: a 2xx answer that is really "this page does not exist".

Many sites answer a missing page with ``200 OK`` and their error template, or send
every unknown address to the home page. The status says the link is fine; the reader
finds nothing. Three signals, strongest first:

- ``error_page``: the page says so. The title or an ``<h1>``/``<h2>`` is a short
  statement such as "Page not found", "Página no encontrada", "Seite nicht gefunden",
  "Error 404". The visible body text counts only on short pages (the error template
  is short; a long article that says "not found" once is an article), and only as a
  sentence with a subject ("the page you requested could not be found"). Headings
  that read like a question or a how-to ("What is a 404 error?") are articles about
  errors, as is any long page that keeps mentioning them.
- ``home_redirect``: a deep link ended, through redirects, on a home page.
- ``similar``: the random-path probe. The checker asks each host once for a made-up
  sibling address (``/info/sarcomas.htm`` -> ``/info/qz7kx0vd3b.htm``) that cannot
  exist. An honest host answers 404. If the host answers it *the same way* as the
  reference (same status class and the same final address, or the same title and
  nearly the same text), the reference is the host's error page too.

All pure: strings and a parsed tree in, a reason or a boolean out.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from urllib.parse import urlsplit

from lxml import etree

from auditor.check import telltale
from auditor.check.homepage import is_home_path
from auditor.check.page import Page
from auditor.check.telltale import Telltales
from auditor.lazyre import lazy
from auditor.untrusted import quoted

#: Visible main text shorter than this makes a page "short": only then is body text
#: (not just the title and headings) read for error statements.
SHORT_PAGE_CHARS = 1500
#: On a long page, this many error phrases in the text make it an article about errors.
ARTICLE_MENTIONS = 4
#: A title segment or heading longer than this many words is prose, not a statement.
MAX_STATEMENT_WORDS = 12
#: ``similar``: word-sequence similarity from which two answers are the same page.
SIMILARITY_THRESHOLD = 0.9
#: ``similar``: words of visible text compared (about 4 KB of text).
SIMILARITY_WORDS = 600
#: ``similar``: with less visible text than this on both sides (script-built pages,
#: empty shells) there is nothing to compare, so they are not called the same.
MIN_COMPARABLE_CHARS = 40

# Only so much markup is parsed: error pages are small, and the title and headings
# of a large page come early. Of the visible text, the start is enough to tell a
# long page and count its mentions of errors.
_MAX_PARSE_CHARS = 1_000_000
_MAX_TEXT_CHARS = 30_000

# What the page fails to be, per language. Read alone in a short title segment or
# heading ("Not found", "Introuvable"), or after a subject in body text.
_FAILURES = "|".join(
    (
        # English
        r"not found",
        r"(?:can ?not|can't|could not|couldn't) be found",
        r"(?:does not|doesn't|no longer) exists?",
        r"no longer available",
        r"(?:has been|was) (?:removed|deleted)",
        # Spanish
        r"no encontrad[ao]s?",
        r"no se (?:ha )?(?:encontr[oó]|encontrado|pudo encontrar|puede encontrar)"
        r"(?! (?:ning[uú]n |ningunos? )?resultado)",  # "no se encontró ningún resultado" is a search
        r"(?:ya )?no existe",
        r"ya no est[aá] disponible",
        # French
        r"introuvable",
        r"non trouv[ée]e?s?",
        r"n'existe (?:pas|plus)",
        r"n'est plus disponible",
        # German
        r"nicht gefunden",
        r"existiert (?:leider )?nicht",
        r"nicht mehr verf[üu]gbar",
        r"nicht (?:mehr )?vorhanden",
        # Italian, Portuguese, Dutch
        r"non trovat[ao]",
        r"non esiste",
        r"n[ãa]o (?:foi )?encontrad[ao]",
        r"n[ãa]o existe",
        r"niet gevonden",
        r"bestaat niet",
    )
)
# The things a page can fail to be, for body text ("the page ... could not be found").
_SUBJECTS = "|".join(
    (
        r"page|file|document|article|post|url|resource|content|link|address|item|product",
        r"p[aá]gina|documento|archivo|contenido|enlace|art[ií]culo|direcci[oó]n|producto",
        r"fichier|contenu|lien|adresse|produit",
        r"seite|datei|dokument|inhalt|artikel|adresse|produkt",
        r"pagina|conte[uú]do|arquivo|bestand",
    )
)
# Statements that carry their own subject.
_STANDALONE = "|".join(
    (
        r"(?:couldn't|could not|can't|cannot|can not|unable to) find (?:what you(?:'re| are| were) looking for"
        r"|(?:the|that|this|your|any) (?:page|file|document|article|post|url|content|link|site)s?)",
        r"nothing (?:was )?found at this location",
        r"the requested url [^ ]* ?was not found on this server",
        r"no (?:pudimos|podemos|hemos podido) encontrar",
        r"impossible de trouver",
        r"nous (?:n'avons pas pu trouver|ne (?:pouvons pas trouver|trouvons pas))",
    )
)
# The code in running text: "Error 404", "404 Not Found" (not "404 page design").
_CODE_IN_TEXT = r"(?:error|http|fehler|erreur|errore) 404|404 (?:error|not found|fehler|erreur)"
_FLAGS = re.IGNORECASE
_FAILURE = lazy(rf"(?<!\w)(?:{_FAILURES})(?!\w)", _FLAGS)
_STANDALONE_RE = lazy(rf"(?<!\w)(?:{_STANDALONE})", _FLAGS)
_BODY_STATEMENT = lazy(
    rf"(?<!\w)(?:(?:{_SUBJECTS})\b[^.!?\n]{{0,80}}?(?<!\w)(?:{_FAILURES})(?!\w)"
    rf"|(?:{_FAILURES}) (?:\w+ )?(?:{_SUBJECTS})\b|{_STANDALONE}|{_CODE_IN_TEXT})",
    _FLAGS,
)
# Words (lower case) at least one of which every pattern above contains (_FAILURES
# needs one of _FAILURE_WORDS): a page with none of them, in its title or its decoded
# text, is not read at all (:mod:`.telltale`).
_FAILURE_WORDS = (
    "found", "exist", "available", "removed", "deleted", "encontr", "disponible", "introuvable", "trouv",
    "gefunden", "verf", "vorhanden", "trovat", "esiste", "gevonden", "bestaat",
)  # fmt: skip
_STANDALONE_WORDS = ("find", "found", "encontr", "trouv")
TELLTALES = (*_FAILURE_WORDS, "find", "404")  # _STANDALONE adds "find", the codes "404"
# A title segment or heading that is only the code: "404", "Error 404", "Fehler 404!".
_CODE_ONLY = lazy(
    r"^(?:(?:oops|sorry|http|error|erreur|fehler|errore|c[oó]digo|code|page|p[aá]gina|seite)\W*\s*)*"
    r"404(?:\W*\s*(?:error|erreur|fehler|errore|page|p[aá]gina|seite|not found))*\W*$",
    _FLAGS,
)
# Words of a title or heading that is about errors, not one: questions, how-tos, lists.
_ARTICLE = lazy(
    r"\?|¿|(?<!\w)(?:how|what|why|when|fix(?:ing|es)?|guide|explained|meaning|causes|solutions?|errors|"
    r"status codes?|tutorial|troubleshoot\w*|c[oó]mo|qu[eé] es|por qu[eé]|solucionar|errores|comment|"
    r"pourquoi|qu'est|corriger|erreurs|wie|was ist|warum|beheben|fehlermeldungen)(?!\w)",
    _FLAGS,
)
# Title separators: "Page not found | Site", "404 - Not Found", "Erreur 404 : Page introuvable".
_TITLE_SEPARATOR = lazy(r"\s+(?:::|[-|–—:·•»~/])\s+|\s*[|–—·•»]\s*|:\s+")
_SPACE = lazy(r"\s+")
_TAG = lazy(r"<[^>]*>")
_LINE_SPACE = lazy(r"[^\S\n]+")
_LINE_BREAKS = lazy(r" ?\n[\s]*")
_SENTENCE_END = lazy(r"[.!?](?:\s|$)|\n")

# Elements whose text the reader does not see as the page's content.
_HIDDEN = frozenset(
    "script style noscript template svg nav footer aside form select button iframe object head title".split()
)
_LANDMARK_ROLES = frozenset(("navigation", "banner", "contentinfo", "search", "menu", "menubar", "dialog"))
# Elements that flow inside a line; every other element ends one (sentences end there).
_INLINE = frozenset(
    "a abbr b bdi bdo cite code data dfn em font i kbd mark q s samp small span strong sub sup time u var wbr".split()
)
# <header> is a site banner unless it sits inside the content.
_SECTIONING = frozenset(("main", "article", "section"))


@dataclass(frozen=True, slots=True)
class _Read:
    """What a page shows: its h1/h2 headings and main visible text (one line per block)."""

    headings: tuple[str, ...]
    main_text: str


def error_page(page: Page, seen: Telltales | None = None) -> str | None:
    """Why this 2xx answer is an error page in disguise, or None when it looks genuine.

    ``seen`` is the page's shared scan (:mod:`.telltale`), made here when not given.
    """
    if not 200 <= page.status < 300 or not _is_text(page):
        return None
    seen = seen or telltale.scan(page)
    plain = page.headers.get("content-type", "").lower().startswith("text/plain")  # read as written, not decoded
    if not (seen.in_title(TELLTALES) or seen.in_text(TELLTALES) or (plain and seen.in_markup(TELLTALES))):
        return None  # not one word of an error page: the answer of the search below, cheaper
    if not _may_say_missing(page, seen):
        return None  # no phrase of an error page anywhere in it: not worth parsing (most pages)
    read = _read(page)
    long = len(read.main_text) >= SHORT_PAGE_CHARS
    if long and _is_article(read.main_text):
        return None  # an article about errors: MDN's "404 Not Found", a how-to
    for segment in _title_segments(page.title):
        if _is_statement(segment):
            return f"the title says '{_clip(segment)}'"
    for heading in read.headings:
        if _is_statement(heading):
            return f"the page says '{_clip(heading)}'"
    if not long:
        statements = _BODY_STATEMENT.finditer(read.main_text) if telltale.any_in(TELLTALES, read.main_text) else ()
        for m in statements:
            sentence = _sentence(read.main_text, m.start(), m.end())
            if not sentence.endswith("?"):  # "Can't find the page you need?" offers help
                return f"the page says '{_clip(sentence)}'"
    return None


def home_redirect(original_url: str, final_url: str) -> str | None:
    """Why a deep link that redirected to a home page is a soft 404, or None.

    A deep link has a path other than the home page's; a link with only a query on
    the home page (``/?utm_source=x``, ``/?p=12``) is not one, since home pages drop
    tracking parameters all the time. The final page may be on any site: an old
    charity's article that now lands on its new owner's home page is just as lost.
    """
    try:
        original = urlsplit(original_url)
        final = urlsplit(final_url)
    except ValueError:
        return None
    if original.scheme not in ("http", "https") or _is_home(original.path) or not _is_home(final.path):
        return None
    deep = original.path + (f"?{original.query}" if original.query else "")
    return f"the deep link {deep} now lands on the home page {final_url}"


def similar(a: Page, b: Page) -> bool:
    """True when two answers are essentially the same page (for the random-path probe).

    Same status class, and either the same final address (both redirected to ``/``
    or to ``/404.html``), or the same title and near-identical main text. The text is
    compared word by word without navigation and footers, which are the same on every
    page of a site and would make different pages look alike.
    """
    if a.status // 100 != b.status // 100:
        return False
    if _address(a.url) == _address(b.url):
        return True
    if a.title != b.title and _normal(a.title).casefold() != _normal(b.title).casefold():
        return False
    text_a = _read(a).main_text if _is_text(a) else ""
    text_b = _read(b).main_text if _is_text(b) else ""
    if len(text_a) < MIN_COMPARABLE_CHARS and len(text_b) < MIN_COMPARABLE_CHARS:
        return False  # empty shells built by scripts: no evidence either way
    if text_a == text_b:
        return True  # the same words: difflib's ratio is 1.0 (a site's one page for every address)
    words_a = text_a.casefold().split()[:SIMILARITY_WORDS]
    words_b = text_b.casefold().split()[:SIMILARITY_WORDS]
    if words_a == words_b:
        return True  # the same after case and spacing are set aside: a ratio of 1.0 too
    matcher = SequenceMatcher(None, words_a, words_b, autojunk=False)
    # The quick ratios are upper bounds: cheap rejections before the real comparison.
    return (
        matcher.real_quick_ratio() >= SIMILARITY_THRESHOLD
        and matcher.quick_ratio() >= SIMILARITY_THRESHOLD
        and matcher.ratio() >= SIMILARITY_THRESHOLD
    )


def _may_say_missing(page: Page, seen: Telltales) -> bool:
    """Whether the page's text, with its tags taken out, holds any phrase an error page
    uses: a cheap search that lets the parse be skipped on almost every real page.
    Each case-blind search runs only when the scan saw one of the words it needs."""
    flat = " ".join(html.unescape(_TAG.sub(" ", page.text[:_MAX_PARSE_CHARS])).split())
    return bool(
        "404" in flat
        or (seen.in_text(_FAILURE_WORDS) and _FAILURE.search(flat))
        or (seen.in_text(_STANDALONE_WORDS) and _STANDALONE_RE.search(flat))
    )


def _is_text(page: Page) -> bool:
    kind = page.headers.get("content-type", "").lower()
    return not kind or "html" in kind or "xml" in kind or kind.startswith("text/plain")


def _is_statement(text: str) -> bool:
    """Is this short title segment or heading a statement that the page is missing?"""
    text = text.strip(" \t\n-–—:|!.¡")
    if not text or len(text.split()) > MAX_STATEMENT_WORDS or _ARTICLE.search(text):
        return False
    return bool(_CODE_ONLY.match(text) or _FAILURE.search(text) or _STANDALONE_RE.search(text))


def _is_article(text: str) -> bool:
    """Does ``text`` mention errors ``ARTICLE_MENTIONS`` times or more (failure phrases and 404s)?

    Each phrase holds one of ``_FAILURE_WORDS``, so the words' count bounds the phrases'
    from above: the slow case-blind count runs only when the bound reaches the threshold.
    """
    codes = _codes(text)
    if codes >= ARTICLE_MENTIONS:
        return True
    lowered = telltale.lowered(text)
    if codes + sum(map(lowered.count, _FAILURE_WORDS)) < ARTICLE_MENTIONS:
        return False
    return codes + len(_FAILURE.findall(text)) >= ARTICLE_MENTIONS


def _codes(text: str) -> int:
    r"""How often ``404`` stands alone in ``text``: what ``len(re.findall(r"(?<!\w)404(?!\w)", text))``
    counts (two such can never overlap), with a plain search instead of a look-behind at every
    character."""
    count = 0
    at = text.find("404")
    while at >= 0:
        if not (at and _is_word(text[at - 1])) and not _is_word(text[at + 3 : at + 4]):
            count += 1
        at = text.find("404", at + 1)
    return count


def _is_word(char: str) -> bool:
    r"""``\w`` of a regular expression, for one character (False for none)."""
    return char.isalnum() or char == "_"


def _title_segments(title: str) -> list[str]:
    title = _normal(title)
    return [s for s in _TITLE_SEPARATOR.split(title) if s] if title else []


def _read(page: Page) -> _Read:
    kind = page.headers.get("content-type", "").lower()
    return _read_text(page.text[:_MAX_PARSE_CHARS], kind.startswith("text/plain"))


@lru_cache(maxsize=512)
def _read_text(text: str, plain: bool) -> _Read:
    """Headings and main text of a page, parsed once: the probe page of a host is
    compared with every page of that host, and ``error_page`` and ``similar`` both read."""
    if plain:
        return _Read((), _lines(text[:_MAX_TEXT_CHARS]))
    if not text.strip():
        return _Read((), "")
    parser = etree.HTMLParser(encoding="utf-8", no_network=True, recover=True)
    try:
        root = etree.fromstring(text.encode("utf-8", "replace"), parser)
    except etree.LxmlError:
        root = None
    if root is None:
        return _Read((), "")
    headings = tuple(
        h for el in root.iter("h1", "h2") if not _in_boilerplate(el) and (h := _normal(" ".join(el.itertext())))
    )
    mains = root.xpath("//main | //*[@role='main']")
    start = mains[0] if mains else root
    pieces: list[str] = []
    size = 0
    for piece in _visible(start):
        pieces.append(piece)
        size += len(piece)
        if size > _MAX_TEXT_CHARS:
            break
    return _Read(headings, _lines("".join(pieces)))


def _skipped(el: etree._Element) -> bool:
    tag = el.tag
    if not isinstance(tag, str):
        return True  # comments, processing instructions
    if tag in _HIDDEN or el.get("role") in _LANDMARK_ROLES:
        return True
    if el.get("hidden") is not None or el.get("aria-hidden") == "true":
        return True
    if tag == "header":
        return not any(a.tag in _SECTIONING for a in el.iterancestors())
    return False


def _in_boilerplate(el: etree._Element) -> bool:
    return any(_skipped(a) for a in el.iterancestors())


def _visible(root: etree._Element) -> Iterator[str]:
    """The text of ``root`` without scripts, navigation, banners and footers.

    Block elements (paragraphs, headings, list items) end a line, so a heading and
    the paragraph after it do not run together into one sentence.
    """
    stack: list[tuple[etree._Element, bool]] = [(root, False)]
    while stack:
        el, closing = stack.pop()
        if closing:
            if el.tag not in _INLINE:
                yield "\n"
            if el.tail:
                yield el.tail
            continue
        if el is not root and _skipped(el):
            yield " "
            if el.tail:
                yield el.tail
            continue
        if el.tag not in _INLINE:
            yield "\n"
        if el.text:
            yield el.text
        if el is not root:
            stack.append((el, True))  # the end of the element, then its tail, after the children
        stack.extend((child, False) for child in reversed(el))


def _normal(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("’", "'").replace("\u00a0", " ")
    return _SPACE.sub(" ", text).strip()


def _lines(text: str) -> str:
    """Text with spaces collapsed and one line per block."""
    text = unicodedata.normalize("NFC", text).replace("’", "'").replace("\u00a0", " ")
    return _LINE_BREAKS.sub("\n", _LINE_SPACE.sub(" ", text)).strip()


def _sentence(text: str, start: int, end: int) -> str:
    """The sentence of ``text`` around ``start:end``."""
    before = [m.end() for m in _SENTENCE_END.finditer(text, max(0, start - 200), start)]
    begin = before[-1] if before else max(0, start - 200)
    after = _SENTENCE_END.search(text, end)
    stop = after.start() + 1 if after else len(text)
    return text[begin:stop].strip()


def _clip(text: str) -> str:
    return quoted(text)


def _is_home(path: str) -> bool:
    return is_home_path(path)


@lru_cache(maxsize=4096)
@lru_cache(maxsize=4096)  # the probe's address is compared with every page of its host
def _address(url: str) -> tuple[str, str]:
    try:
        parts = urlsplit(url)
    except ValueError:
        return url, ""
    return (parts.hostname or "").lower(), parts.path.rstrip("/") or "/"
