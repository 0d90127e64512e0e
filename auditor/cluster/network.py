"""How a worker rebuilds the run's :class:`~auditor.check.transport.Network` in its own process.

A Network holds live objects (an SSL context, a resolver bound to a loop's sockets); a
shard carries this plain spec instead: the resolver and the mail resolver as they pickle
(None: the system's, the real network), and the trusted CAs as PEM (None: the system's).
The fake web's resolver is a routing table and pickles; its servers stay in the process
that started them, on 127.0.0.1, which workers on the same machine reach.
"""

from __future__ import annotations

import pickle
import ssl
from dataclasses import dataclass
from typing import TYPE_CHECKING

from auditor.check.transport import Network
from auditor.errors import ClusterError

if TYPE_CHECKING:
    from aiohttp.abc import AbstractResolver

    from auditor.check.mail import MailResolver


@dataclass(frozen=True, slots=True)
class NetworkSpec:
    """A :class:`Network` as plain values (see the module's docstring)."""

    resolver: AbstractResolver | None = None
    mail_resolver: MailResolver | None = None
    ca_pem: bytes | None = None

    @classmethod
    def of(cls, network: Network | None) -> NetworkSpec:
        """The spec of ``network`` (None: the real one); ClusterError when a part cannot travel."""
        if network is None:
            return cls()
        if network.transport is not None:
            raise ClusterError("a ready transport (a test's MockTransport) cannot be sent to cluster workers")
        spec = cls(network.resolver, network.mail_resolver, network.ca_pem)
        try:
            pickle.dumps(spec)
        except (pickle.PicklingError, TypeError, AttributeError) as exc:
            raise ClusterError(f"this run's resolver cannot be sent to cluster workers: {exc}") from None
        return spec

    def build(self) -> Network:
        """The network in this process: the same names, the same trusted CAs."""
        context = None
        if self.ca_pem is not None:
            context = ssl.create_default_context(cadata=self.ca_pem.decode("ascii"))
        return Network(resolver=self.resolver, ssl=context, mail_resolver=self.mail_resolver)
