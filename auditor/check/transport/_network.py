"""The one object that says which network a run talks to: the real one by default, the fake
web in tests and ``auditor demo`` (``FakeWeb.network``)."""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aiohttp.abc import AbstractResolver

    from auditor.check.mail import MailResolver
    from auditor.check.transport._base import Transport


@dataclass(frozen=True)
class Network:
    """Where names lead and which certificate authorities are trusted, for every transport.

    - ``resolver``: turns a host into addresses (aiohttp's ``AbstractResolver``); None: the
      system's (getaddrinfo). A resolver that leads names elsewhere than they stand (the
      fake web: all to 127.0.0.1) also says what each stands for (``stands_for``,
      :class:`auditor.check.guard.StandIn`): that pretend address is what the address
      policy judges. The port it returns wins (the fake web's servers listen on free ports).
    - ``ssl``: the client TLS context (the trusted CAs); None: the system's.
    - ``mail_resolver``: answers the MX question (:mod:`auditor.check.mail`).
    - ``transport``: a ready transport (a test's ``MockTransport``), used as it is, whatever
      ``checks.transport`` says; the resolver then serves only the address policy's questions.
    """

    resolver: AbstractResolver | None = None
    ssl: ssl.SSLContext | None = None
    mail_resolver: MailResolver | None = None
    transport: Transport | None = None

    @cached_property
    def ca_pem(self) -> bytes | None:
        """The CAs ``ssl`` trusts, as PEM, for stacks that take a bundle (curl's CAINFO_BLOB);
        None: the system's."""
        if self.ssl is None:
            return None
        certificates = self.ssl.get_ca_certs(binary_form=True)
        return "".join(ssl.DER_cert_to_PEM_cert(der) for der in certificates).encode("ascii") or None
