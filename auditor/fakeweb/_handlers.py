"""Handlers: small frozen values that answer a request, built by the factories the tests use.

Each value is itself an aiohttp web handler (``await page("hi")(request)``), so handlers
nest (``slow(1.0, page("late"))``) and a test may mix in its own ``async def``.
"""

from __future__ import annotations

import asyncio
import itertools
import socket
import struct
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus

from aiohttp import web
from multidict import CIMultiDict

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
Headers = tuple[tuple[str, str], ...]

HTML = "text/html; charset=utf-8"
TEXT = "text/plain; charset=utf-8"


def _headers(headers: Mapping[str, str] | None, content_type: str | None = None) -> Headers:
    """Freeze headers into pairs, adding a Content-Type unless the caller gave one."""
    pairs = tuple((headers or {}).items())
    if content_type and not any(name.lower() == "content-type" for name, _ in pairs):
        pairs = (("Content-Type", content_type), *pairs)
    return pairs


@dataclass(frozen=True, slots=True)
class Page:
    """A complete answer: status, headers and body."""

    body: bytes
    status: int = 200
    headers: Headers = ()

    async def __call__(self, request: web.Request) -> web.StreamResponse:
        return web.Response(body=self.body, status=self.status, headers=CIMultiDict(self.headers))


@dataclass(frozen=True, slots=True)
class Redirect:
    """A 3xx answer; ``location`` is sent as written, relative or absolute."""

    status: int
    location: str
    headers: Headers = ()

    async def __call__(self, request: web.Request) -> web.StreamResponse:
        headers = CIMultiDict(self.headers)
        headers["Location"] = self.location
        return web.Response(status=self.status, headers=headers)


@dataclass(frozen=True, slots=True)
class Slow:
    """Wait ``delay`` seconds, then let ``then`` answer: a server slower than the client's patience."""

    delay: float
    then: Handler

    async def __call__(self, request: web.Request) -> web.StreamResponse:
        await asyncio.sleep(self.delay)
        return await self.then(request)


@dataclass(frozen=True, slots=True)
class Reset:
    """Drop the connection with a TCP reset before any answer, like a crashing server or a firewall."""

    async def __call__(self, request: web.Request) -> web.StreamResponse:
        transport = request.transport
        if transport is not None:
            sock = transport.get_extra_info("socket")
            if sock is not None:
                # Linger 0: close() sends RST instead of FIN, a reset rather than a clean close.
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            transport.abort()
        # aiohttp finds the transport gone when it writes this, and drops it quietly.
        return web.Response(status=HTTPStatus.INTERNAL_SERVER_ERROR)


@dataclass(frozen=True, slots=True)
class Malformed:
    """Answer with bytes that are not HTTP, then close: another protocol, or a broken server, on the port."""

    data: bytes

    async def __call__(self, request: web.Request) -> web.StreamResponse:
        transport = request.transport
        if transport is not None:
            transport.write(self.data)
            transport.close()
        # As with Reset: aiohttp finds the transport closed when it writes this, and drops it.
        return web.Response(status=HTTPStatus.INTERNAL_SERVER_ERROR)


@dataclass(frozen=True, slots=True)
class Sequence:
    """Answer the n-th request with the n-th handler; the last one answers all later requests.

    The count is per declared value and counts every method, HEAD included.
    """

    handlers: tuple[Handler, ...]
    _served: itertools.count[int] = field(default_factory=itertools.count, compare=False, repr=False)

    async def __call__(self, request: web.Request) -> web.StreamResponse:
        index = min(next(self._served), len(self.handlers) - 1)
        return await self.handlers[index](request)


@dataclass(frozen=True, slots=True)
class HeadRefused:
    """405 to HEAD, ``then`` to anything else: servers that force a checker to fall back to GET."""

    then: Handler

    async def __call__(self, request: web.Request) -> web.StreamResponse:
        if request.method == "HEAD":
            return web.Response(status=HTTPStatus.METHOD_NOT_ALLOWED, headers={"Allow": "GET"})
        return await self.then(request)


@dataclass(frozen=True, slots=True)
class Refused:
    """A whole host, not a path: its name resolves to a port where nothing listens."""


@dataclass(frozen=True, slots=True)
class Unresolvable:
    """A whole host whose name lookup says "try again" (EAI_AGAIN), as on a machine with no network."""


@dataclass(frozen=True, slots=True)
class EchoHeaders:
    """A 200 JSON page of the request's headers (``{"name": "value"}``, names in lower case)."""

    async def __call__(self, request: web.Request) -> web.StreamResponse:
        return web.json_response({name.lower(): value for name, value in request.headers.items()})


def echo_headers() -> EchoHeaders:
    """Answer with the request's headers, as JSON: what a client sent, seen from the server."""
    return EchoHeaders()


def page(
    body: str | bytes,
    *,
    status: int = 200,
    headers: Mapping[str, str] | None = None,
    content_type: str = HTML,
) -> Page:
    """A page, by default ``200 text/html``; a ``str`` body is sent as UTF-8."""
    data = body.encode() if isinstance(body, str) else body
    return Page(data, status, _headers(headers, content_type))


def html_page(title: str, text: str = "", *, status: int = 200, headers: Mapping[str, str] | None = None) -> Page:
    """A minimal well-formed HTML document, for tests that only care about the title or text."""
    body = f"<!doctype html><html><head><title>{title}</title></head><body><p>{text}</p></body></html>"
    return page(body, status=status, headers=headers)


def status(code: int, *, headers: Mapping[str, str] | None = None, body: str | bytes | None = None) -> Page:
    """Any status with a small plain-text body (by default ``"410 Gone"``)."""
    if body is None:
        body = f"{code} {HTTPStatus(code).phrase}" if code in HTTPStatus._value2member_map_ else str(code)
    return page(body, status=code, headers=headers, content_type=TEXT)


def not_found(body: str | bytes = "<title>Not Found</title><h1>Not Found</h1>") -> Page:
    """A plain 404, the usual ``"*"`` fallback."""
    return page(body, status=404)


def redirect(code: int, location: str, *, headers: Mapping[str, str] | None = None) -> Redirect:
    """A redirect to ``location``, relative (``"/new"``) or absolute (``"https://host/new"``)."""
    if not 300 <= code < 400:
        raise ValueError(f"redirect status must be 3xx, got {code}; use status({code}) for other answers")
    return Redirect(code, location, _headers(headers))


def slow(delay: float, then: Handler) -> Slow:
    """Answer with ``then`` after ``delay`` seconds."""
    return Slow(delay, then)


def reset() -> Reset:
    """Reset the connection instead of answering."""
    return Reset()


def malformed(data: bytes = b"SSH-2.0-OpenSSH_9.6\r\nProtocol mismatch.\r\n") -> Malformed:
    """Answer with raw bytes that are not an HTTP response (by default an SSH server's greeting)."""
    return Malformed(data)


def sequence(*handlers: Handler) -> Sequence:
    """Successive answers, e.g. ``sequence(status(503), page("ok"))``: 503 once, then 200."""
    if not handlers:
        raise ValueError("sequence() needs at least one handler")
    return Sequence(handlers)


def head_refused(then: Handler) -> HeadRefused:
    """405 to HEAD, ``then`` to GET."""
    return HeadRefused(then)


def refused() -> Refused:
    """Declare a host whose port refuses connections: ``{"down.example.org": refused()}``."""
    return Refused()


def unresolvable() -> Unresolvable:
    """Declare a host whose DNS lookup fails for now, not NXDOMAIN: ``{"www.cancer.gov": unresolvable()}``."""
    return Unresolvable()
