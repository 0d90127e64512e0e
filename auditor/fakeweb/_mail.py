"""Mail domains in the fake web: a :class:`~auditor.check.mail.MailResolver` answering from declarations."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from auditor.check.mail import NoMailHost, NoSuchDomain


def _host(name: str) -> str:
    return name.rstrip(".").lower()


class FakeMailResolver:
    """Declared mail domains answer their exchangers; declared web hosts have an address
    and no MX; a mail domain declared with no exchanger takes no mail; any other name is
    NXDOMAIN. Every question is recorded in ``lookups``."""

    def __init__(self, mail: Mapping[str, Sequence[str]], web_hosts: Collection[str]) -> None:
        self._mail = {_host(domain): list(exchangers) for domain, exchangers in mail.items()}
        self._web_hosts = {_host(host) for host in web_hosts}
        self.lookups: list[str] = []

    async def mail_exchangers(self, domain: str) -> list[str]:
        self.lookups.append(domain)
        name = _host(domain)
        exchangers = self._mail.get(name)
        if exchangers:
            return list(exchangers)
        if name in self._web_hosts:
            return []  # no MX: mail goes to the address
        if exchangers is not None:
            raise NoMailHost(domain, "it has no MX or address record")
        raise NoSuchDomain(domain)


def check_mail(mail: Mapping[str, Sequence[str]]) -> Mapping[str, Sequence[str]]:
    """Catch declaration mistakes early: ``{"nhs.net": ["mx1.nhs.net"]}``."""
    for domain, exchangers in mail.items():
        if isinstance(exchangers, str) or not all(isinstance(e, str) and e for e in exchangers):
            raise TypeError(f"mail domain {domain!r}: expected a list of exchanger names, got {exchangers!r}")
    return mail
