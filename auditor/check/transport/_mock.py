"""A transport answering from a function, for tests of pure logic (httpx's ``MockTransport``).

    def handler(request: Request) -> Answer:
        if request.url == "https://www.example.org/old":
            return Answer(request.url, 301, {"location": "/new"}, b"")
        raise TransportError(Trouble.NO_SUCH_NAME, "no such name", host=request.host, port=443)

    run = await check_references(refs, network=Network(transport=MockTransport(handler)))

Nothing is resolved or connected: what the handler says is the answer. Real failures,
redirect chains and TLS belong to the fake web (:mod:`auditor.fakeweb`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from auditor.check.transport._base import Answer


@dataclass(frozen=True, slots=True)
class Request:
    """One request as a :class:`MockTransport`'s handler sees it."""

    method: str
    url: str
    headers: Mapping[str, str]
    max_bytes: int
    timeout: float

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or ""


class MockTransport:
    """Answers every request with ``handler(request)`` (which may raise ``TransportError``);
    ``expired_on`` is the end date read for a refused expired certificate. ``requests``
    lists what was asked, in order."""

    name = "mock"

    def __init__(self, handler: Callable[[Request], Answer], *, expired_on: dt.date | None = None) -> None:
        self._handler = handler
        self._expired_on = expired_on
        self.requests: list[Request] = []

    async def request(
        self, method: str, url: str, headers: Mapping[str, str], *, max_bytes: int, timeout: float
    ) -> Answer:
        asked = Request(method, url, dict(headers), max_bytes, timeout)
        self.requests.append(asked)
        answer = self._handler(asked)
        return Answer(answer.url, answer.status, answer.headers, answer.body[:max_bytes])

    async def expiry_date(self, url: str, *, timeout: float, now: dt.datetime | None = None) -> dt.date | None:
        return self._expired_on

    async def close(self) -> None:
        """Nothing to release."""
