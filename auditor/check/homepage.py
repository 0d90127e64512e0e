"""Is a path a site's home page? The site root, its index file, or a language's root.

A deep link redirected to one of these is a soft 404 (:mod:`.soft404`). A language's
root is a real language code followed by a slash (``/en/``, ``/fr-FR/``,
``/pt_br/index.html``, ``/zh-Hans/``): ``/ok``, ``/go`` and ``/id`` are pages like any
other, and a two-letter folder that is no language (``/ok/``) is no home either.
"""

from __future__ import annotations

import re

from auditor.lazyre import lazy

#: ISO 639-1: the two-letter language codes that name a site's language roots.
LANGUAGES = frozenset(
    """
    aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy
    da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu
    hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb
    lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om
    or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw
    ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu
    """.split()
)

_INDEX = r"(?:(?:index|default|home)(?:\.(?:html?|php|aspx?|jsp|cfm))?/?)"
_ROOT = lazy(rf"^/?{_INDEX}?$", re.IGNORECASE)
# A language, then a region (GB), a UN M.49 area (419) or a script (Hans); then "/" and maybe an index.
_LOCALE_ROOT = lazy(rf"^/([a-z]{{2}})(?:[-_](?:[a-z]{{2}}|\d{{3}}|[a-z]{{4}}))?/{_INDEX}?$", re.IGNORECASE)


def is_home_path(path: str) -> bool:
    """``""``, ``/``, ``/index.html``, ``/home``, ``/en/``, ``/en-gb/index.php``; not ``/ok`` or ``/en``."""
    if _ROOT.match(path):
        return True
    m = _LOCALE_ROOT.match(path)
    return m is not None and m.group(1).lower() in LANGUAGES
