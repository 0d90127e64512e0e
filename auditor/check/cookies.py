"""``--cookie-jar FILE``: cookies in the Netscape (Mozilla, curl, lychee) ``cookies.txt`` format.

Loaded into the run's aiohttp cookie jar when the session opens (a missing file is an
empty jar, created at the end), saved back when it closes, written whole or not at all.
Cookies go where their domain and path say, as a browser sends them; without
``--cookie-jar`` no cookie is kept or sent.
"""

from __future__ import annotations

import http.cookiejar
import os
import tempfile
import time
from email.utils import parsedate_to_datetime
from http.cookies import Morsel, SimpleCookie
from pathlib import Path

import aiohttp
from yarl import URL

from auditor.errors import InputError


def load(path: Path) -> aiohttp.CookieJar:
    """The cookies of ``path`` in a new aiohttp jar; InputError naming the file when it is not a cookie file."""
    jar = aiohttp.CookieJar()
    if not path.exists():
        return jar
    mozilla = http.cookiejar.MozillaCookieJar(str(path))
    try:
        mozilla.load(ignore_discard=True, ignore_expires=False)
    except (http.cookiejar.LoadError, UnicodeDecodeError) as exc:
        why = f"{path}: not a Netscape cookies.txt file ({exc}) \u2014 fix it, or remove it to start empty"
        raise InputError(why) from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read the cookie jar: {exc.strerror or exc}") from None
    for cookie in mozilla:
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
        if cookie.expires is not None:
            morsel["max-age"] = str(max(0, int(cookie.expires - time.time())))
        simple: SimpleCookie = SimpleCookie()
        simple[cookie.name] = morsel
        jar.update_cookies(simple, URL.build(scheme="https" if cookie.secure else "http", host=host))
    return jar


def save(jar: aiohttp.CookieJar, path: Path) -> None:
    """Write ``jar`` to ``path`` in the Netscape format, atomically (the old file stays on failure)."""
    # aiohttp keeps which cookies named no domain (they go to their host alone).
    host_only: set[tuple[str, str]] = getattr(jar, "_host_only_cookies", set())
    lines = ["# Netscape HTTP Cookie File", "# written by auditor (--cookie-jar)", ""]
    for morsel in jar:
        domain = morsel["domain"]
        if not domain:
            continue
        subdomains = (domain, morsel.key) not in host_only
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
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write("\n".join(lines) + "\n")
        os.chmod(tmp, 0o600)  # cookies are credentials
        os.replace(tmp, path)
    except OSError as exc:
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
            return int(parsedate_to_datetime(morsel["expires"]).timestamp())
        except (TypeError, ValueError):
            return None
    return None
