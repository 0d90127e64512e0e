"""Link targets (``href``, ``src``, Markdown destinations, PDF link actions) as references.

Shared by the HTML, Markdown and PDF extractors so that a link means the same thing
in each: ``mailto:`` is an e-mail reference, ``tel:`` a phone, ``javascript:`` and
``data:`` nothing, a relative link in a local file a ``file://`` reference (resolved
against ``<base href>`` when there is one), ``#section`` the document itself.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote, urljoin, urlsplit, urlunsplit

from auditor.extract.domains import has_public_suffix, host_of, registrable_domain
from auditor.extract.phones import PhoneChoice, parse_number
from auditor.extract.wellformed import checked_url
from auditor.reference import Email, Invalid, Kind, Url

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_IGNORED_SCHEMES = ("javascript:", "data:", "about:", "blob:", "vbscript:", "cid:")


def without_fragment(url: str) -> str:
    """``url`` without its ``#fragment``: the page a browser asks for (a URL that will not split stays as is)."""
    try:
        return urlunsplit(urlsplit(url)._replace(fragment=""))
    except ValueError:
        return url


@dataclass(frozen=True, slots=True)
class LinkBase:
    """What relative links are resolved against.

    ``document``: the local file the link is in; ``root``: the folder that
    ``/absolute`` links mean (``--root-dir``, else the directory given on the command
    line), None when nothing says (then such a link is kept as written, and the
    checker says why it cannot check it); ``url``: an absolute ``<base href>``, or
    where the document is published (``--base-url``), which wins when set;
    ``directory``: the folder relative paths start from (``<base href>`` may move it);
    ``published``: ``url`` is the document's own address from ``--base-url``, so a
    link to one of its own ``#fragments`` is still looked for in the file.
    """

    document: Path
    root: Path | None
    directory: Path
    url: str | None = None
    published: bool = False

    @classmethod
    def for_document(cls, document: Path, root: Path | None = None, base_url: str | None = None) -> LinkBase:
        document = Path(_absolute(document))
        site = Path(_absolute(root)) if root else None
        if base_url is None:
            return cls(document, site, document.parent)
        return cls(document, site, document.parent, published_address(document, site, base_url), published=True)

    @classmethod
    def for_url(cls, url: str) -> LinkBase:
        """Links in a web page resolve against its (final) URL; none is a local file."""
        here = Path(_absolute(Path.cwd()))
        return cls(here, here, here, url)

    def with_base_href(self, href: str) -> LinkBase:
        """The base after ``<base href=...>``."""
        href = href.strip()
        if not href:
            return self
        if href.lower().startswith(("http:", "https:", "//")):
            return LinkBase(self.document, self.root, self.directory, urljoin("https:", href))
        if self.url:
            return LinkBase(self.document, self.root, self.directory, urljoin(self.url, href))
        path = Path(unquote(urlsplit(href).path))
        if href.startswith("/") and self.root is None:
            return self  # where "/" is is not known: root-relative links stay unresolved, relative ones as before
        target = (
            _under(self.root, str(path)) if self.root is not None and href.startswith("/") else self.directory / path
        )
        directory = target if href.endswith("/") else target.parent
        return LinkBase(self.document, self.root, Path(_absolute(directory)))


Resolved = Url | Email | PhoneChoice | Invalid


def resolve(raw: str, base: LinkBase, regions: Sequence[str]) -> list[Resolved]:
    """The references a link target names (several for ``mailto:a@x,b@y``; none for ``#``).

    A link that names nothing checkable (``http://[::1``, ``mailto:octocat``, ``tel:``) is
    one :class:`~auditor.reference.Invalid` reference saying why, never dropped.
    """
    try:
        found = _resolve(raw, base, regions)
    except ValueError as exc:  # urllib refuses to join it ("//[bad" on a web page)
        return [Invalid(Kind.URL, raw.strip(), f"not a valid URL: {exc}")]
    return [checked_url(t.url) if isinstance(t, Url) else t for t in found]


def _resolve(raw: str, base: LinkBase, regions: Sequence[str]) -> list[Resolved]:
    value = raw.strip()
    lower = value.lower()
    if not value or value == "#" or lower.startswith(_IGNORED_SCHEMES):
        return []
    if lower.startswith("mailto:"):
        return mail_targets(value)
    if lower.startswith(("tel:", "callto:")):
        number = unquote(value.split(":", 1)[1]).split(";", 1)[0]
        choice = parse_number(number, regions)
        if choice is not None:
            return [choice]
        what = f"{number.strip()!r} is not a phone number" if number.strip() else "no phone number after it"
        return [Invalid(Kind.PHONE, value, f"not a valid {value.split(':', 1)[0].lower()}: link: {what}")]
    if value.startswith("//"):
        scheme = urlsplit(base.url).scheme if base.url else "https"
        return [Url(f"{scheme}:{value}")]
    if _SCHEME.match(value):
        scheme, rest = value.split(":", 1)
        return [Url(f"{scheme.lower()}:{rest}")]
    if base.url and not (base.published and value.startswith("#")):
        return [Url(_join(base.url, value))]
    return [Url(_local_uri(value, base))]


def mail_targets(value: str) -> list[Resolved]:
    """The addresses of a ``mailto:`` link; an invalid reference for each that is none (or for none at all).

    ``mailto:?subject=x`` (no address, a form to fill in) is taken as written by the
    reader's mail program and is no reference.
    """
    head = value[7:].split("?", 1)
    addresses = unquote(head[0])
    if not addresses.strip():
        if len(head) > 1:
            return []
        return [Invalid(Kind.EMAIL, value, "not a valid mailto: link: no address after it")]
    found: list[Resolved] = []
    for address in addresses.split(","):
        address = address.strip()
        if not address:
            continue
        local, at, host = address.rpartition("@")
        if at and local and has_public_suffix(host):
            found.append(Email(f"{local}@{host.lower()}"))
        elif not at or not local:
            found.append(Invalid(Kind.EMAIL, f"mailto:{address}", f"not a valid e-mail address: {address!r} has no @"))
        else:
            why = f"{host!r} is not a domain on the public internet" if host else "nothing after the @"
            found.append(Invalid(Kind.EMAIL, f"mailto:{address}", f"not a valid e-mail address: {why}"))
    return found


def _join(base: str, value: str) -> str:
    """``urljoin``, with a shortcut for the commonest link, a plain root-relative path
    (``/page/5.html``) against a base without dot segments to resolve."""
    if value.startswith("/") and not value.startswith("//") and "/." not in value and "\\" not in value:
        scheme_end = base.find("://")
        if scheme_end > 0:
            path_start = base.find("/", scheme_end + 3)
            origin = base if path_start < 0 else base[:path_start]
            if "?" not in origin and "#" not in origin:
                return origin + value
    return urljoin(base, value)


def _local_uri(value: str, base: LinkBase) -> str:
    parts = urlsplit(value)
    fragment = f"#{parts.fragment}" if parts.fragment else ""
    if not parts.path:  # "#section" or "?q": this very document
        return base.document.as_uri() + fragment
    path = unquote(parts.path)
    if path.startswith("/") and base.root is None:
        return value  # root-relative, and no --root-dir: kept as written, for the checker to explain
    target = _under(base.root, path) if base.root is not None and path.startswith("/") else base.directory / path
    uri = Path(_absolute(target)).as_uri()
    if path.endswith("/") and not uri.endswith("/"):
        uri += "/"
    return uri + fragment


def _under(root: Path, path: str) -> Path:
    """``/path`` inside ``root``: dot segments are resolved first, as a browser does against
    a site's root, so ``/../../etc/passwd`` is ``root/etc/passwd`` and never leaves it."""
    return root / posixpath.normpath("/" + path.replace("\\", "/")).lstrip("/")


def published_address(document: Path, root: Path | None, base_url: str) -> str:
    """Where ``document`` is published under ``base_url`` (``--base-url``): its path below
    ``root`` (or its own folder) appended to the base, so relative links resolve as on the site."""
    base = base_url if base_url.endswith("/") else base_url + "/"
    try:
        below = document.relative_to(root if root is not None else document.parent)
    except ValueError:
        below = Path(document.name)
    return urljoin(base, quote(below.as_posix()))


def _absolute(path: Path | str) -> str:
    return os.path.normpath(os.path.abspath(path))


def repeats_link(label: Resolved, link: Sequence[Resolved]) -> bool:
    """Does an address in a link's visible text name what the link itself points to?

    ``[www.cancer.gov](https://www.cancer.gov/)`` and
    ``[readthedocs.io](https://docs.readthedocs.io/x)`` do (same target or same site);
    ``[www.old.org](https://www.new.org/)`` does not: the reader sees another site.
    """
    for target in link:
        if _keys(label) & _keys(target):
            return True
        if isinstance(label, Url) and isinstance(target, Url):
            site = _site(label.url)
            if site and site == _site(target.url):
                return True
    return False


def _keys(target: Resolved) -> set[str]:
    if isinstance(target, PhoneChoice):
        return {option.e164 for option in target.options}
    return {target.key}


def _site(url: str) -> str:
    host = host_of(url)
    return registrable_domain(host).lower() or host
