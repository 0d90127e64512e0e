"""Is this word a web address? The policy for host names written without a scheme.

``www.`` anything with a public suffix is an address. A bare ``name.suffix`` is one
only when a reader would take it for one, because prose is full of dotted words:
file names (``setup.py``, ``README.md``), run-together sentences from PDFs
(``plan.It``), ``ASP.NET``. The public suffix list is tldextract's bundled snapshot:
it is never fetched at run time.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urlsplit

from auditor.address import public_suffixes

#: Generic top-level domains old and common enough to be read as addresses bare.
#: Newer ones (``.help``, ``.care``) are mostly English words, so bare ``word.help``
#: counts only with a path after it (``sarcoma.help/about``) or ``www.`` before it.
#: ``.name`` and ``.int`` are left out: ``user.name`` and ``builtins.int`` are code far
#: more often than sites.
BARE_GENERIC_TLDS = frozenset(
    "com org net edu gov mil info biz pro aero coop museum mobi asia jobs travel app dev xyz "
    "online site website blog shop store tech cloud charity foundation ngo ong".split()
)

#: Sites people write bare that the rules above would miss: under ``.int``, and public
#: suffixes that are sites themselves (``nhs.uk`` is a suffix *and* the NHS).
BARE_SITES = frozenset(("who.int", "nato.int", "gov.uk", "nhs.uk", "police.uk", "gov.scot", "gov.wales"))

#: Country-code domains that are also common file extensions: bare ``setup.py`` or
#: ``notes.md`` is a file, not a site in Paraguay or Moldova, even with a folder
#: after it (``configure.in/foo.h.in``).
FILE_EXTENSION_TLDS = frozenset("py md sh rs pl pm ps so cc ml ai sc ac am in ws mk la cd zip mov".split())

#: Short English words that are also top-level domains: ``it.is`` or ``go.to`` in
#: running text are words that lost a space, not addresses.
_WORDS = frozenset(
    "a an and are as at be but by do go he if in is it me my no of on or so the to up us we "
    "am was has had not all can its our you this that".split()
)

#: First labels that make ``x.io`` or ``x.ma`` an expression in code, not a site.
_CODE_NAMES = frozenset("java javax np numpy pd os sys self this builtins logger logging distro".split())
#: First labels of package names written backwards (org.apache.commons.io).
_PACKAGE_ROOTS = frozenset("com org net edu gov io".split())
_HEX_LABEL = re.compile(r"^(?=.*\d)(?=.*[a-f])[0-9a-f]{10,}$")  # a commit hash, not a name


@lru_cache(maxsize=65536)
def split_host(host: str) -> tuple[str, str, str]:
    """(subdomain, registrable label, public suffix) by the public suffix list."""
    # No network, no cache directory: the snapshot shipped inside tldextract, built on first
    # use (importing tldextract imports requests: ~0.15 s a run that never needs a suffix).
    ext = public_suffixes()(host)
    return ext.subdomain, ext.domain, ext.suffix


@lru_cache(maxsize=16384)
def host_of(url: str) -> str:
    """The lower-cased host of ``url``; empty when it has none or urllib refuses it
    (``ssh://[user@]host``). Cached: the checker asks it of each address several times."""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def registrable_domain(host: str) -> str:
    """``www.cancer.gov`` -> ``cancer.gov``; empty when the host has no public suffix."""
    _, domain, suffix = split_host(host)
    return f"{domain}.{suffix}" if domain and suffix else ""


def has_public_suffix(host: str) -> bool:
    """True when ``host`` ends in a public suffix with a name before it (or is ``nhs.uk``)."""
    _, domain, suffix = split_host(host)
    return bool(domain and suffix) or host.lower() in BARE_SITES


def is_bare_domain(host: str, *, has_path: bool) -> bool:
    """Would a reader take ``host`` (written without ``www.`` or a scheme) for a site?"""
    subdomain, domain, suffix = split_host(host)
    if host.lower() in BARE_SITES:
        return suffix == suffix.lower()
    if not suffix or suffix != suffix.lower():
        return False  # no suffix, or ASP.NET, Patients.It
    if not domain:
        return has_path and "." in suffix  # nhs.uk/conditions: a suffix that is a site
    labels = host.lower().split(".")
    tld = suffix.rsplit(".", 1)[-1]
    if domain.lower() in _WORDS and tld in _WORDS:
        return False  # it.is
    if len(labels) >= 3 and labels[0] in _PACKAGE_ROOTS:
        return False  # org.apache.commons.io, com.google.gson: package names, written backwards
    if any(_HEX_LABEL.match(label) or "-at-" in label for label in labels):
        return False  # a hash, or an e-mail address with its @ spelt out
    if tld in FILE_EXTENSION_TLDS and "." not in suffix:
        return False  # setup.py, configure.in/foo.h.in
    if has_path:
        return True
    if len(tld) == 2 and "." not in suffix and labels[0] in _CODE_NAMES and not subdomain:
        return False  # java.io, np.ma
    return tld in BARE_GENERIC_TLDS or (len(tld) == 2 and tld.isascii())


#: Countries of top-level domains that are not their ISO code.
_TLD_REGIONS = {"uk": "GB", "gov": "US", "mil": "US", "edu": "US"}


def region_of(host: str) -> str | None:
    """The country a host's domain points to (``.uk`` -> GB, ``.gov`` -> US), if any."""
    last = host.rsplit(".", 1)[-1].lower()
    if last and last not in _TLD_REGIONS and not (len(last) == 2 and last.isascii() and last.isalpha()):
        return None  # .com, .org, an address: no country whatever the suffix list says (not loaded)
    _, _, suffix = split_host(host)
    tld = suffix.rsplit(".", 1)[-1].lower()
    if tld in _TLD_REGIONS:
        return _TLD_REGIONS[tld]
    if len(tld) == 2 and tld.isascii() and tld.isalpha():
        return tld.upper()
    return None
