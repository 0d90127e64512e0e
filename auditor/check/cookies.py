"""``--cookie-jar FILE``: cookies in the Netscape (Mozilla, curl, lychee) ``cookies.txt`` format.

Loaded into the run's aiohttp cookie jar when the session opens (a missing file is an
empty jar, created at the end), saved back when it closes, written whole or not at all.
Cookies go where their domain and path say, as a browser sends them; without
``--cookie-jar`` no cookie is kept or sent.
"""

from __future__ import annotations

import os
import tempfile
import time
from http.cookies import Morsel, SimpleCookie
from pathlib import Path
from typing import TYPE_CHECKING

from yarl import URL

from auditor.errors import InputError

if TYPE_CHECKING:  # a run without --cookie-jar imports none of these (http.cookiejar: ~0.03 s)
    import http.cookiejar

    import aiohttp


def read(path: Path) -> list[http.cookiejar.Cookie]:
    """The cookies of ``path`` (none when it does not exist); InputError naming the file when
    it is not a cookie file. File I/O: run it in a thread."""
    if not path.exists():
        return []
    import http.cookiejar

    mozilla = http.cookiejar.MozillaCookieJar(str(path))
    try:
        mozilla.load(ignore_discard=True, ignore_expires=True)
    except (http.cookiejar.LoadError, UnicodeDecodeError) as exc:
        why = f"{path}: not a Netscape cookies.txt file ({exc}) \u2014 fix it, or remove it to start empty"
        raise InputError(why) from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read the cookie jar: {exc.strerror or exc}") from None
    now = time.time()
    # curl and lychee write a session cookie's expiry as 0: it is not expired, it has none.
    return [c for c in mozilla if not c.expires or c.expires > now]


def jar_of(cookies: list[http.cookiejar.Cookie]) -> aiohttp.CookieJar:
    """An aiohttp jar holding ``cookies``, each for the domain and path it names (in the event loop)."""
    import aiohttp  # only for a run with --cookie-jar

    jar = aiohttp.CookieJar()
    for cookie in cookies:
        host = cookie.domain.lstrip(".")
        if not host:
            continue
        morsel: Morsel[str] = Morsel()
        morsel.set(cookie.name, cookie.value or "", cookie.value or "")
        morsel["path"] = cookie.path or "/"
        if cookie.domain_specified and cookie.domain.startswith("."):
            morsel["domain"] = host  # this domain and its subdomains; else the host alone
        if cookie.secure:
            morsel["secure"] = True
        if cookie.expires:
            morsel["max-age"] = str(max(0, int(cookie.expires - time.time())))
        simple: SimpleCookie = SimpleCookie()
        simple[cookie.name] = morsel
        jar.update_cookies(simple, URL.build(scheme="https" if cookie.secure else "http", host=host))
    return jar


def netscape(jar: aiohttp.CookieJar) -> str:
    """``jar`` in the Netscape cookies.txt format."""
    # aiohttp keeps which cookies named no domain (they go to their host alone).
    # Keyed (domain, name) before aiohttp 3.12, (domain, path, name) since.
    host_only: set[tuple[str, ...]] = set(getattr(jar, "_host_only_cookies", ()))
    lines = ["# Netscape HTTP Cookie File", "# written by auditor (--cookie-jar)", ""]
    for morsel in jar:
        domain = morsel["domain"]
        if not domain:
            continue
        subdomains = not any(key[0] == domain and key[-1] == morsel.key for key in host_only)
        expires = _expires(morsel)
        lines.append(
            "\t".join(
                (
                    ("." + domain) if subdomains else domain,
                    "TRUE" if subdomains else "FALSE",
                    morsel["path"] or "/",
                    "TRUE" if morsel["secure"] else "FALSE",
                    str(expires) if expires is not None else "0",
                    morsel.key,
                    morsel.value,
                )
            )
        )
    return "\n".join(lines) + "\n"


def save(text: str, path: Path) -> None:
    """Write ``text`` to ``path`` whole or not at all, readable by its owner only (file I/O: in a thread)."""
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(tmp, 0o600)  # cookies are credentials
        os.replace(tmp, path)
    except OSError as exc:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise InputError(f"{path}: cannot save the cookie jar: {exc.strerror or exc}") from None


def _expires(morsel: Morsel[str]) -> int | None:
    """When a cookie ends, in seconds since the epoch; None for a session cookie."""
    if morsel["max-age"]:
        try:
            return int(time.time()) + int(morsel["max-age"])
        except ValueError:
            return None
    if morsel["expires"]:
        try:
            from email.utils import parsedate_to_datetime

            return int(parsedate_to_datetime(morsel["expires"]).timestamp())
        except (TypeError, ValueError):
            return None
    return None
