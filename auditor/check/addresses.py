"""Which network addresses a run refuses to connect to: private, loopback, link-local.

A link in an untrusted document or remote page must not make us fetch the machine's
own services (``http://127.0.0.1:8080/admin``), the cloud's metadata service
(``http://169.254.169.254/``) or the office network (``http://10.0.0.5/``). The policy
here only *judges* an address; :mod:`auditor.check.guard` applies it where the
connection is made, to the address actually connected to.

Kinds (lychee's flag names)::

    loopback    127.0.0.0/8, ::1, 0.0.0.0/8 and :: (Linux connects those to itself),
                and the names localhost and *.localhost (RFC 6761)   --exclude-loopback
    link-local  169.254.0.0/16 (the cloud metadata service), fe80::/10 --exclude-link-local
    private     10/8, 172.16/12, 192.168/16 (RFC 1918), 100.64/10 (CGNAT), 192.0.0/24,
                198.18/15, 240/4, 255.255.255.255, fc00::/7 (unique local), fec0::/10
                                                                      --exclude-private
    all three                                                         --exclude-all-private

IPv6 forms that carry an IPv4 address (``::ffff:127.0.0.1``, NAT64 ``64:ff9b::/96``,
6to4 ``2002::/16``, the old ``::a.b.c.d``) are judged by that IPv4 address. Hosts are
read as the URL standard (and browsers, and ``getaddrinfo``) read them: ``0x7f000001``,
``2130706433``, ``0177.0.0.1`` and ``127.1`` are all 127.0.0.1.

The documentation ranges (192.0.2/24, 198.51.100/24, 203.0.113/24, 2001:db8::/32) count
as public: they lead nowhere, so refusing them protects nothing (the fake web gives its
hosts such addresses).

All three kinds are refused by default when the ``CI`` environment variable is set (not
empty, ``0`` or ``false``) or when the inputs include a remote page (a URL or a crawl),
unless ``--allow-private`` (``checks.allow_private``) says otherwise. The default spares
the host and port of each input URL (``auditor check http://localhost:4000/ --crawl`` in a
CI job that serves its site first): the person running us chose those, a stranger did not.
An explicit ``--exclude-*`` flag spares nothing.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

#: The environment variable CI services set; when it is, private addresses are refused by default.
CI_VARIABLE = "CI"
_FALSE = frozenset({"", "0", "false", "no", "off"})


class AddressKind(StrEnum):
    PRIVATE = "private"
    LOOPBACK = "loopback"
    LINK_LOCAL = "link-local"

    @property
    def flag(self) -> str:
        return f"--exclude-{self.value}"


ALL_KINDS = frozenset(AddressKind)

_LOOPBACK = tuple(ipaddress.ip_network(n) for n in ("127.0.0.0/8", "0.0.0.0/8", "::1/128", "::/128"))
_LINK_LOCAL = tuple(ipaddress.ip_network(n) for n in ("169.254.0.0/16", "fe80::/10"))
_PRIVATE = tuple(
    ipaddress.ip_network(n)
    for n in (
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "100.64.0.0/10",
        "192.0.0.0/24",
        "198.18.0.0/15",
        "240.0.0.0/4",
        "255.255.255.255/32",
        "fc00::/7",
        "fec0::/10",
    )
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_COMPATIBLE = ipaddress.ip_network("::/96")


def kind_of(address: IPAddress) -> AddressKind | None:
    """The kind of a non-public ``address``; None for a public one."""
    address = _embedded_ipv4(address)
    for kind, networks in (
        (AddressKind.LOOPBACK, _LOOPBACK),
        (AddressKind.LINK_LOCAL, _LINK_LOCAL),
        (AddressKind.PRIVATE, _PRIVATE),
    ):
        if any(address.version == net.version and address in net for net in networks):
            return kind
    return None


def _embedded_ipv4(address: IPAddress) -> IPAddress:
    """The IPv4 address an IPv6 one stands for (mapped, NAT64, 6to4, compatible), else itself."""
    if not isinstance(address, ipaddress.IPv6Address):
        return address
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64 or (address in _COMPATIBLE and int(address) > 1):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address


@lru_cache(maxsize=4096)
def literal_address(host: str) -> IPAddress | None:
    """The address ``host`` is written as, read as the URL standard reads it; None for a name.

    ``[::ffff:127.0.0.1]``, ``0x7f000001``, ``2130706433``, ``0177.0.0.1``, ``127.1`` and
    ``127.0.0.1.`` are addresses; ``localhost`` and ``0x7f000001.example`` are names.
    Remembered per host: every link and every connection asks, and addresses are immutable.
    """
    text = host.strip().lower()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    if ":" in text:
        try:
            return ipaddress.IPv6Address(text.split("%", 1)[0])  # a zone id (fe80::1%eth0) does not matter
        except ValueError:
            return None
    return _ipv4(text)


def _ipv4(text: str) -> ipaddress.IPv4Address | None:
    """The WHATWG URL standard's IPv4 parser: 1 to 4 parts, each decimal, 0x-hex or 0-octal."""
    parts = text.split(".")
    if len(parts) > 1 and parts[-1] == "":
        parts.pop()  # a trailing dot: 127.0.0.1. is 127.0.0.1
    if not 1 <= len(parts) <= 4:
        return None
    numbers = [_number(part) for part in parts]
    if any(n is None for n in numbers):
        return None
    values = [n for n in numbers if n is not None]
    if any(n > 255 for n in values[:-1]) or values[-1] >= 256 ** (5 - len(values)):
        return None
    value = values[-1]
    for i, n in enumerate(values[:-1]):
        value += n << (8 * (3 - i))
    return ipaddress.IPv4Address(value)


def _number(part: str) -> int | None:
    if part[:2] in ("0x", "0X"):
        digits, base = part[2:], 16
        if not digits:
            return 0
    elif len(part) > 1 and part.startswith("0"):
        digits, base = part[1:], 8
    else:
        digits, base = part, 10
    allowed = "0123456789abcdef"[:base]
    if not digits or any(c not in allowed for c in digits.lower()):
        return None
    return int(digits, base)


def is_loopback_name(host: str) -> bool:
    """``localhost``, ``LOCALHOST.``, ``api.localhost``: names that always mean this machine (RFC 6761)."""
    name = host.strip().rstrip(".").lower()
    return name == "localhost" or name.endswith(".localhost")


def kind_of_host(host: str) -> AddressKind | None:
    """The kind of a host as written, before any lookup: an address literal or a loopback name."""
    if is_loopback_name(host):
        return AddressKind.LOOPBACK
    address = literal_address(host)
    return kind_of(address) if address is not None else None


def host_key(host: str) -> str:
    """A host as compared with the inputs' hosts: an address in its canonical form, a name in lower case."""
    literal = literal_address(host)
    return str(literal) if literal is not None else host.strip().rstrip(".").lower()


def _host_and_port(url: str) -> tuple[str, int] | None:
    """The host and port an input URL names; None for a malformed one (reported as bad input)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    try:
        port = parts.port
    except ValueError:
        port = None
    return host_key(parts.hostname or ""), port or (443 if parts.scheme.lower() == "https" else 80)


def ci_is_set(environ: Mapping[str, str]) -> bool:
    """Whether ``CI`` says we run in continuous integration (set, and not empty, 0 or false)."""
    return environ.get(CI_VARIABLE, "").strip().lower() not in _FALSE


@dataclass(frozen=True, slots=True)
class AddressPolicy:
    """The kinds of address a run refuses, and why each is refused (for the reason shown).

    ``chosen``: the kinds the user excluded by flag or key (``every``: by
    ``--exclude-all-private``); ``default``: why all kinds are refused without being asked
    (``"CI is set"``), or None; ``named``: host (see :func:`host_key`) and port of each
    input URL, which the default spares.
    """

    chosen: frozenset[AddressKind] = frozenset()
    default: str | None = None
    every: bool = False
    named: frozenset[tuple[str, int]] = frozenset()

    @property
    def refused(self) -> frozenset[AddressKind]:
        return ALL_KINDS if self.default is not None else self.chosen

    def refusal(
        self, kind: AddressKind | None, address: str, host: str | None = None, port: int | None = None
    ) -> str | None:
        """Why connecting to ``address`` (of ``kind``, for ``host`` and ``port`` as the URL names
        them) is refused, or None when it is not."""
        if kind is None or kind not in self.refused:
            return None
        if kind not in self.chosen and host is not None and (host_key(host), port) in self.named:
            return None  # refused only by default, and the user named this host as an input
        if self.every:
            why = "--exclude-all-private"
        elif kind in self.chosen:
            why = kind.flag
        else:
            why = f"excluded by default: {self.default}"
        return f"{kind.value} address {address} refused ({why}); allow with --allow-private"


def address_policy(
    *,
    exclude_private: bool = False,
    exclude_loopback: bool = False,
    exclude_link_local: bool = False,
    exclude_all_private: bool = False,
    allow_private: bool = False,
    inputs: Collection[str] = (),
    environ: Mapping[str, str] | None = None,
) -> AddressPolicy:
    """The policy the flags ask for; all kinds by default in CI or when there are ``inputs``
    (the input URLs), their hosts and ports spared.

    ``allow_private`` wins over everything, the explicit flags included: it is the
    user saying "these links are mine to check".
    """
    if allow_private:
        return AddressPolicy()
    chosen = ALL_KINDS if exclude_all_private else frozenset()
    chosen |= {
        kind
        for kind, wanted in (
            (AddressKind.PRIVATE, exclude_private),
            (AddressKind.LOOPBACK, exclude_loopback),
            (AddressKind.LINK_LOCAL, exclude_link_local),
        )
        if wanted
    }
    default = None
    if ci_is_set(os.environ if environ is None else environ):
        default = f"{CI_VARIABLE} is set"
    elif inputs:
        default = "an input is a remote page"
    named = frozenset(found for url in inputs if (found := _host_and_port(url)) is not None)
    return AddressPolicy(frozenset(chosen), default, every=exclude_all_private, named=named)
