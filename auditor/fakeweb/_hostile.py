"""Hostile answers, for the tests that prove a hostile server costs us a verdict, not the run.

- :func:`gzip_bomb`: a small gzip body that inflates to ``inflated`` bytes.
- :func:`endless`: a 200 whose body never ends.
- :func:`drip`: headers at once, then one byte every ``every`` seconds, for ever.
- :func:`huge_header`: one header line of ``size`` bytes.
- :func:`many_headers`: ``count`` header lines.
"""

from __future__ import annotations

import asyncio
import functools
import gzip
import io
from dataclasses import dataclass

from aiohttp import web

_CHUNK = 64 * 1024


@dataclass(frozen=True, slots=True)
class GzipBomb:
    body: bytes  # packed once, by the factory: never in the server's event loop

    async def __call__(self, request: web.Request) -> web.StreamResponse:
        return web.Response(body=self.body, headers={"Content-Type": "text/html", "Content-Encoding": "gzip"})


@functools.cache
def _zeros_gzipped(size: int) -> bytes:
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=9) as packed:
        zeros = b"\0" * _CHUNK
        for _ in range(size // _CHUNK):
            packed.write(zeros)
    return out.getvalue()


@dataclass(frozen=True, slots=True)
class Endless:
    async def __call__(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/html"})
        await response.prepare(request)
        chunk = b"<p>" + b"a" * (_CHUNK - 3)
        # Until the client goes away. A write to a TLS connection the client dropped may
        # neither raise nor wait: the loop is given its turn, so that the server sees the
        # connection lost (and cancels this handler) instead of starving every other task.
        while request.transport is not None and not request.transport.is_closing():
            await response.write(chunk)
            await asyncio.sleep(0)
        return response


@dataclass(frozen=True, slots=True)
class Drip:
    every: float

    async def __call__(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/html"})
        await response.prepare(request)
        while request.transport is not None and not request.transport.is_closing():
            await response.write(b"x")
            await asyncio.sleep(self.every)
        return response


@dataclass(frozen=True, slots=True)
class HugeHeader:
    size: int

    async def __call__(self, request: web.Request) -> web.StreamResponse:
        return web.Response(text="ok", headers={"X-Filler": "a" * self.size})


@dataclass(frozen=True, slots=True)
class ManyHeaders:
    count: int

    async def __call__(self, request: web.Request) -> web.StreamResponse:
        response = web.Response(text="ok")
        for i in range(self.count):
            response.headers.add(f"X-H{i}", "v")
        return response


def gzip_bomb(inflated: int) -> GzipBomb:
    return GzipBomb(_zeros_gzipped(inflated))


def endless() -> Endless:
    return Endless()


def drip(every: float) -> Drip:
    return Drip(every)


def huge_header(size: int) -> HugeHeader:
    return HugeHeader(size)


def many_headers(count: int) -> ManyHeaders:
    return ManyHeaders(count)
