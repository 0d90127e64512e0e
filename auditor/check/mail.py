"""Whether the domain of an e-mail address can take mail: MX records, else an address.

No SMTP. A domain with MX records, or without them but with an address (the implicit
MX of RFC 5321 §5.1), is ``ok``; one that does not exist is ``dead``; a DNS failure
that may pass (a timeout, SERVFAIL, no DNS server) is ``error``, never ``dead``.

A :class:`MailResolver` answers with the exchangers or raises one of::

    MailLookupError     the domain could not be confirmed
    ├── NoSuchDomain    NXDOMAIN: the name does not exist                        dead
    ├── NoMailHost      the name exists, but has no MX and no address record, or  dead
    │                   a null MX (RFC 7505): it takes no mail
    └── LookupFailed    no answer: timeout, SERVFAIL, unreachable DNS server       error

:class:`DnsMailResolver` (the product's) asks DNS for MX records with aiodns and falls
back to an :class:`AddressMailResolver`, which asks an aiohttp resolver for an address
(the system's getaddrinfo; an injected resolver, such as the fake web's, when there is
one). ``FakeWeb.mail_resolver`` answers from the fake web's declarations.
"""

from __future__ import annotations

import asyncio
import socket
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from auditor.check.failures import no_such_name
from auditor.verdict import Status, Verdict

if TYPE_CHECKING:
    import aiodns
    from pycares import MXRecordData

    from auditor.check.transport._resolver import Resolver


class MailLookupError(Exception):
    """The mail domain could not be confirmed; ``why`` says how, in a few words."""

    def __init__(self, domain: str, why: str = "") -> None:
        super().__init__(f"{domain}: {why}" if why else domain)
        self.domain = domain
        self.why = why


class NoSuchDomain(MailLookupError):
    """NXDOMAIN: the name does not exist."""


class NoMailHost(MailLookupError):
    """The name exists but takes no mail (no MX and no address, or a null MX)."""


class LookupFailed(MailLookupError):
    """DNS gave no usable answer; it may next time."""


class MailResolver(Protocol):
    async def mail_exchangers(self, domain: str) -> list[str]:
        """The domain's mail exchangers, most preferred first; ``[]`` when it has no MX
        but an address (mail goes there). Raises a :class:`MailLookupError`."""
        ...


@dataclass(frozen=True, slots=True)
class MailCheck:
    """The verdict on a mail domain, and what it says about the network."""

    verdict: Verdict
    answered: bool  # DNS confirmed the domain
    network: bool  # failed the way every name fails when the network is down


async def check_domain(resolver: MailResolver, domain: str) -> MailCheck:
    """The verdict on ``domain`` as the part after the ``@`` of an address."""
    try:
        exchangers = await resolver.mail_exchangers(domain)
    except NoSuchDomain:
        return MailCheck(Verdict(Status.DEAD, f"the mail domain {domain} does not exist (NXDOMAIN)"), False, True)
    except NoMailHost as exc:
        return MailCheck(Verdict(Status.DEAD, f"the mail domain {domain} takes no mail: {exc.why}"), False, False)
    except LookupFailed as exc:
        reason = f"DNS lookup of the mail domain {domain} failed ({exc.why}) \u2014 try again later"
        return MailCheck(Verdict(Status.ERROR, reason), False, True)
    if not exchangers:
        reason = f"the mail domain {domain} exists (no MX record: mail goes to its address)"
    else:
        plural = "s" if len(exchangers) > 1 else ""
        reason = f"the mail domain {domain} exists (mail exchanger{plural} {', '.join(exchangers)})"
    return MailCheck(Verdict(Status.OK, reason), True, False)


class AddressMailResolver:
    """No MX lookup: the domain takes mail if its name resolves to an address."""

    def __init__(self, resolver: Resolver) -> None:
        self._resolver = resolver

    async def mail_exchangers(self, domain: str) -> list[str]:
        try:
            await self._resolver.resolve(domain, 0, socket.AF_UNSPEC)
        except OSError as exc:
            if no_such_name(exc):
                raise NoSuchDomain(domain) from exc
            raise LookupFailed(domain, str(exc.strerror or exc)) from exc
        return []


class DnsMailResolver:
    """MX records from DNS (aiodns, asynchronous), then ``addresses`` when there are none.

    ``timeout`` bounds each MX lookup; ``nameservers`` (``"127.0.0.1:5353"``) replace
    the system's. :meth:`close` releases the resolver (c-ares runs a thread).
    """

    def __init__(
        self,
        addresses: MailResolver,
        *,
        timeout: float,
        nameservers: list[str] | None = None,
    ) -> None:
        self._addresses = addresses
        self._timeout = timeout
        self._nameservers = nameservers
        self._dns: aiodns.DNSResolver | None = None

    async def mail_exchangers(self, domain: str) -> list[str]:
        # c-ares is loaded by the first mail domain, not by every run (pycares: ~0.04 s).
        from aiodns.error import ARES_ENODATA, ARES_ENOTFOUND, DNSError
        from pycares import AresError, MXRecordData

        try:
            async with asyncio.timeout(self._timeout):
                result = await self._resolver().query_dns(domain, "MX")
        except TimeoutError as exc:
            raise LookupFailed(domain, f"no answer in {self._timeout:g} s") from exc
        except (DNSError, AresError) as exc:  # AresError: no resolver could be made
            code = exc.args[0] if exc.args else None
            if code == ARES_ENOTFOUND:
                raise NoSuchDomain(domain) from exc
            if code != ARES_ENODATA:
                raise LookupFailed(domain, str(exc.args[1] if len(exc.args) > 1 else exc)) from exc
            records: list[MXRecordData] = []  # NODATA: the name exists, without MX records
        else:
            mx_records = (record.data for record in result.answer if isinstance(record.data, MXRecordData))
            records = sorted(mx_records, key=lambda mx: mx.priority)
        if not records:
            try:
                return await self._addresses.mail_exchangers(domain)
            except NoSuchDomain as exc:  # the MX answer said the name exists
                raise NoMailHost(domain, "it has no MX or address record") from exc
        hosts = [mx.exchange.rstrip(".") for mx in records]
        if not any(hosts):
            raise NoMailHost(domain, "its MX record is null (RFC 7505)")
        return [host for host in hosts if host]

    async def close(self) -> None:
        if self._dns is not None:
            await self._dns.close()
            self._dns = None

    def _resolver(self) -> aiodns.DNSResolver:
        if self._dns is None:  # made on first use: its channel needs the running loop
            import aiodns

            self._dns = aiodns.DNSResolver(nameservers=self._nameservers)
        return self._dns
