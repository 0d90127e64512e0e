"""Mail domains: the MX lookup against a local DNS server, and the verdict on each answer."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator

import aiohttp
import pytest
import pytest_asyncio
from aiodns.error import ARES_ECONNREFUSED, ARES_ENODATA, ARES_ENOTFOUND, ARES_ETIMEOUT, DNSError

from auditor.check.failures import failure_of, no_such_name
from auditor.check.mail import (
    AddressMailResolver,
    DnsMailResolver,
    LookupFailed,
    MailLookupError,
    NoMailHost,
    NoSuchDomain,
    check_domain,
)
from auditor.check.transport._aiohttp import trouble_of
from auditor.fakeweb import FakeWeb, page
from auditor.verdict import Status
from tests.dnsserver import DnsServer, Zone

ZONE: Zone = {
    "nhs.net": {"MX": [(20, "mx2.nhs.net"), (10, "mx1.nhs.net")]},
    "sarcoma-uk.org": {"A": ["127.0.0.1"]},
    "no-mail-host.org": {},  # the name exists, with no record of either kind
    "null-mx.org": {"MX": [(0, "")]},
}

# (id, domain, the exchangers, or the error and words in it)
LOOKUPS = [
    ("MX records, most preferred first", "nhs.net", ["mx1.nhs.net", "mx2.nhs.net"], ""),
    ("no MX: the address takes mail", "sarcoma-uk.org", [], ""),
    ("no MX and no address", "no-mail-host.org", NoMailHost, "it has no MX or address record"),
    ("null MX", "null-mx.org", NoMailHost, "its MX record is null (RFC 7505)"),
    ("NXDOMAIN", "no-such-charity.org", NoSuchDomain, ""),
    ("SERVFAIL", "broken-dns.org", LookupFailed, "general failure"),
    ("no answer", "silent-dns.org", LookupFailed, "no answer in 0.3 s"),
]


@pytest_asyncio.fixture
async def dns() -> AsyncIterator[DnsServer]:
    async with DnsServer(ZONE, failing={"broken-dns.org"}, silent={"silent-dns.org"}) as server:
        yield server


@pytest_asyncio.fixture
async def resolver(dns: DnsServer) -> AsyncIterator[DnsMailResolver]:
    # The address lookup goes through a connector's resolver: here the fake web's.
    async with FakeWeb({"sarcoma-uk.org": {"/": page("home")}}, https=False) as web:
        mail = DnsMailResolver(AddressMailResolver(web.resolver), timeout=0.3, nameservers=[dns.address])
        yield mail
        await mail.close()


@pytest.mark.parametrize(("domain", "expected", "words"), [r[1:] for r in LOOKUPS], ids=[r[0] for r in LOOKUPS])
@pytest.mark.asyncio
async def test_mx_lookup(resolver: DnsMailResolver, domain: str, expected: object, words: str) -> None:
    if isinstance(expected, list):
        assert await resolver.mail_exchangers(domain) == expected
        return
    assert isinstance(expected, type)
    with pytest.raises(expected) as caught:
        await resolver.mail_exchangers(domain)
    assert isinstance(caught.value, MailLookupError)
    assert caught.value.domain == domain
    assert words in caught.value.why


@pytest.mark.asyncio
async def test_mx_is_asked_first_and_the_address_only_without_mx(dns: DnsServer, resolver: DnsMailResolver) -> None:
    await resolver.mail_exchangers("nhs.net")
    await resolver.mail_exchangers("sarcoma-uk.org")
    # The A record of sarcoma-uk.org is the fake web resolver's to give, not this DNS server's.
    assert dns.questions == [("nhs.net", 15), ("sarcoma-uk.org", 15)]


class Answers:
    """A mail resolver that answers from a table: exchangers, or an error to raise."""

    def __init__(self, answers: dict[str, list[str] | MailLookupError]) -> None:
        self.answers = answers

    async def mail_exchangers(self, domain: str) -> list[str]:
        answer = self.answers[domain]
        if isinstance(answer, MailLookupError):
            raise answer
        return answer


# (id, answer, status, reason, answered, counts towards "network unavailable")
VERDICTS = [
    (
        "one exchanger",
        ["mx1.nhs.net"],
        Status.OK,
        "the mail domain nhs.net exists (mail exchanger mx1.nhs.net)",
        True,
        False,
    ),
    (
        "several exchangers",
        ["mx1.nhs.net", "mx2.nhs.net"],
        Status.OK,
        "the mail domain nhs.net exists (mail exchangers mx1.nhs.net, mx2.nhs.net)",
        True,
        False,
    ),
    (
        "an address, no MX",
        [],
        Status.OK,
        "the mail domain nhs.net exists (no MX record: mail goes to its address)",
        True,
        False,
    ),
    (
        "NXDOMAIN",
        NoSuchDomain("nhs.net"),
        Status.DEAD,
        "the mail domain nhs.net does not exist (NXDOMAIN)",
        False,
        True,
    ),
    (
        "no mail host",
        NoMailHost("nhs.net", "it has no MX or address record"),
        Status.DEAD,
        "the mail domain nhs.net takes no mail: it has no MX or address record",
        False,
        False,
    ),
    (
        "temporary DNS failure",
        LookupFailed("nhs.net", "Timeout while contacting DNS servers"),
        Status.ERROR,
        "DNS lookup of the mail domain nhs.net failed (Timeout while contacting DNS servers) \u2014 try again later",
        False,
        True,
    ),
]


@pytest.mark.parametrize(
    ("answer", "status", "reason", "answered", "network"), [r[1:] for r in VERDICTS], ids=[r[0] for r in VERDICTS]
)
@pytest.mark.asyncio
async def test_verdict_on_a_mail_domain(
    answer: list[str] | MailLookupError, status: Status, reason: str, answered: bool, network: bool
) -> None:
    found = await check_domain(Answers({"nhs.net": answer}), "nhs.net")
    assert (found.verdict.status, found.verdict.reason) == (status, reason)
    assert (found.answered, found.network) == (answered, network)


def _caused_by(error: BaseException) -> OSError:
    """What aiohttp's AsyncResolver raises: a bare OSError caused by c-ares's error."""
    wrapped = OSError(None, "DNS lookup failed")
    wrapped.__cause__ = error
    return wrapped


@pytest.mark.parametrize(
    ("error", "missing"),
    [
        pytest.param(socket.gaierror(socket.EAI_NONAME, "Name or service not known"), True, id="getaddrinfo NONAME"),
        pytest.param(socket.gaierror(socket.EAI_AGAIN, "Temporary failure"), False, id="getaddrinfo AGAIN"),
        pytest.param(_caused_by(DNSError(ARES_ENOTFOUND, "Domain name not found")), True, id="c-ares NOTFOUND"),
        pytest.param(_caused_by(DNSError(ARES_ENODATA, "no data")), True, id="c-ares NODATA"),
        pytest.param(_caused_by(DNSError(ARES_ETIMEOUT, "Timeout")), False, id="c-ares TIMEOUT"),
        pytest.param(_caused_by(DNSError(ARES_ECONNREFUSED, "refused")), False, id="c-ares CONNREFUSED"),
        pytest.param(OSError(None, "DNS lookup failed"), False, id="no cause"),
    ],
)
def test_which_lookup_failures_say_the_name_does_not_exist(error: BaseException, missing: bool) -> None:
    # aiohttp resolves with c-ares (AsyncResolver) when aiodns is installed, as it now is.
    assert no_such_name(error) is missing


@pytest.mark.asyncio
async def test_nxdomain_from_aiohttps_own_c_ares_resolver_is_dead(dns: DnsServer) -> None:
    # With aiodns installed, aiohttp's default resolver is its AsyncResolver: its "no such
    # name" must still be a dead link, not a DNS failure to retry.
    resolver = aiohttp.AsyncResolver(nameservers=[dns.address], timeout=1, tries=1)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(resolver=resolver)) as session:
        with pytest.raises(aiohttp.ClientConnectorDNSError) as caught:
            await session.get("http://no-such-charity.org/")
    failure = failure_of(trouble_of(caught.value), timeout=1)
    assert (failure.status, failure.reason) == (Status.DEAD, "the domain no-such-charity.org does not exist (NXDOMAIN)")
