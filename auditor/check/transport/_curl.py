"""The curl transport: libcurl's multi interface (pycurl) driven by the asyncio loop.

One ``CurlMulti`` for the run; its sockets are watched by the event loop (``add_reader``/
``add_writer``) and its timer is a ``call_later``, so nothing blocks and no thread is
used: Python only starts transfers and reads finished answers, libcurl does the HTTP.

Every hop honours the run's :class:`~auditor.check.transport.Network` and address policy:

- the host is resolved here, through the network's resolver (the fake web's in tests), and
  judged by the :class:`~auditor.check.guard.Guard` on the resolved (or pretend) address;
  the transfer is then pinned to that address with ``CURLOPT_CONNECT_TO``, so libcurl does
  no lookup of its own, and ``CURLOPT_OPENSOCKETFUNCTION`` refuses any other address at the
  moment a socket opens;
- the CAs are the network's (``CURLOPT_CAINFO_BLOB``), else the system's (as Python's
  default context finds them, ``SSL_CERT_FILE`` too); proxies from the environment are not
  used (as with aiohttp);
- the body is read up to ``max_bytes`` after decoding, then the transfer is aborted (a
  gzip bomb stays bounded); libcurl bounds the header size itself.

libcurl's result codes become :class:`Trouble` kinds in :func:`_trouble`::

    7  COULDNT_CONNECT          CONNECTION_REFUSED (errno ECONNREFUSED) / CANNOT_CONNECT
    28 OPERATION_TIMEDOUT       TIMEOUT
    60 PEER_FAILED_VERIFICATION CERTIFICATE (expired: verify result 10)
    35 SSL_CONNECT_ERROR, 58, 59, 66, 80, 83, 90, 91     TLS_HANDSHAKE
    18, 52, 55, 56, 61, 92      BROKE_OFF
    1, 8, 100                   MALFORMED (HTTP/0.9, a weird reply, headers too large)
    3  URL_MALFORMAT            INVALID_URL
    others                      OTHER
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import errno
import os
import re
import select
import socket
import ssl
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pycurl
from yarl import URL

from auditor.check import tls
from auditor.check.guard import Guard
from auditor.check.transport._base import Answer, TransportError, Trouble, lookup_trouble
from auditor.check.transport._network import Network
from auditor.untrusted import quoted

if TYPE_CHECKING:
    from aiohttp.abc import AbstractCookieJar, ResolveResult

#: How long a name's addresses are kept (as aiohttp's ``ttl_dns_cache``).
DNS_TTL = 300.0
#: The longest header line and the most header lines accepted (aiohttp's parser limits:
#: libcurl alone would take a 100 kB line).
MAX_HEADER_LINE = 8190
MAX_HEADERS = 32768
_WRITE_ERROR = pycurl.E_WRITE_ERROR
_TLS_HANDSHAKE = frozenset({35, 58, 59, 66, 80, 83, 90, 91})
_BROKE_OFF = frozenset({18, 52, 55, 56, 61, 92})
_MALFORMED = frozenset({1, 8, 100})
_CERT_PREFIX = "SSL certificate problem: "
_ASCII_SPACE = " \t\n\r\x0b\x0c"  # what bytes.strip() takes away


class _Transfer:
    """One handle's request in flight: what has come back so far, and where it may connect.

    One per handle, for the handle's life: its callbacks are set once, and :meth:`start`
    readies it for the next request (the options that did not change are not set again).
    """

    __slots__ = (
        "address",
        "chunks",
        "connect_to",
        "cookies",
        "future",
        "headers",
        "limit",
        "lines",
        "malformed",
        "method",
        "refused",
        "size",
        "timeout_ms",
        "truncated",
    )

    def __init__(self) -> None:
        self.limit = 0
        self.address = ""
        self.future: asyncio.Future[tuple[int, str]] | None = None
        self.chunks: list[bytes] = []
        self.size = 0
        self.truncated = False
        self.cookies: list[str] = []
        self.refused = False
        self.lines: list[bytes] = []  # libcurl bounds them: 100 kB a line, 300 kB in all
        self.malformed = ""
        # what the handle was last set to (None: never)
        self.connect_to: str | None = None
        self.headers: list[str] | None = None
        self.timeout_ms: int | None = None
        self.method: str | None = None

    def start(self, limit: int, address: str, future: asyncio.Future[tuple[int, str]]) -> None:
        self.limit = limit
        self.address = address
        self.future = future
        self.chunks = []
        self.size = 0
        self.truncated = False
        self.cookies = []
        self.refused = False
        self.lines.clear()
        self.malformed = ""

    def write(self, data: bytes) -> int | None:
        room = self.limit - self.size
        if len(data) > room:  # past max_bytes: keep what fits, abort the transfer
            if room > 0:
                self.chunks.append(data[:room])
                self.size += room
            self.truncated = True
            return 0
        self.chunks.append(data)
        self.size += len(data)
        return None

    def answer_headers(self) -> dict[str, str] | None:
        """The last answer's headers (lower-case names, the last of repeated ones) from the raw
        lines libcurl handed over; None when a line or their number is past the parser limits
        (aiohttp's: libcurl alone would take a 100 kB line)."""
        lines = self.lines
        if len(lines) > MAX_HEADERS:
            self.malformed = f"more than {MAX_HEADERS} header lines"
            return None
        headers: dict[str, str] = {}
        for line in lines:
            if len(line) > MAX_HEADER_LINE + 2:
                self.malformed = f"a header line longer than {MAX_HEADER_LINE} bytes"
                return None
            if line[:5] == b"HTTP/":
                headers.clear()  # a new answer (after a 100 Continue): only the last one counts
                self.cookies.clear()
                continue
            if line.isascii():  # decoded once; ASCII white space and case, as bytes would have it
                name_text, colon_text, value_text = line.decode("ascii").partition(":")
                if colon_text:
                    key = name_text.strip(_ASCII_SPACE).lower()
                    text = value_text.strip(_ASCII_SPACE)
                    headers[key] = text
                    if key == "set-cookie":
                        self.cookies.append(text)
                continue
            name, colon, value = line.partition(b":")
            if colon:
                key = name.strip().lower().decode("utf-8", "surrogateescape")
                text = value.strip().decode("utf-8", "surrogateescape")
                headers[key] = text
                if key == "set-cookie":
                    self.cookies.append(text)
        return headers

    def open_socket(self, purpose: int, address: Any) -> socket.socket | int:
        family, socktype, protocol, where = address
        if where[0] != self.address:  # only the address the policy allowed for this hop
            self.refused = True
            return pycurl.SOCKET_BAD
        return socket.socket(family, socktype, protocol)


class CurlTransport:
    """Requests through one libcurl multi handle on the running event loop (see the module doc)."""

    name = "curl"

    def __init__(
        self, guard: Guard, network: Network, *, verify: bool = True, cookies: AbstractCookieJar | None = None
    ) -> None:
        self.guard = guard
        self._loop = asyncio.get_running_loop()
        self._verify = verify
        self._ca = network.ca_pem
        paths = ssl.get_default_verify_paths()
        self._cafile = paths.cafile if paths.cafile and os.path.exists(paths.cafile) else None
        self._capath = paths.capath if paths.capath and os.path.isdir(paths.capath) else None
        self._cookies = cookies
        self._multi = pycurl.CurlMulti()
        self._epoll = select.epoll() if hasattr(select, "epoll") else None
        if self._epoll is not None:
            self._loop.add_reader(self._epoll.fileno(), self._on_ready)
            self._multi.setopt(pycurl.M_SOCKETFUNCTION, self._on_socket_epoll)
        else:
            self._multi.setopt(pycurl.M_SOCKETFUNCTION, self._on_socket)
        self._multi.setopt(pycurl.M_TIMERFUNCTION, self._on_timer)
        self._timer: asyncio.TimerHandle | None = None
        self._watched: dict[int, int] = {}  # fd -> the POLL_IN/POLL_OUT bits the loop watches
        self._transfers: dict[pycurl.Curl, _Transfer] = {}
        self._spare: list[tuple[pycurl.Curl, _Transfer]] = []
        self._dns: dict[tuple[str, int], tuple[float, list[ResolveResult]]] = {}
        self._lookups: dict[tuple[str, int], asyncio.Future[list[ResolveResult]]] = {}
        self._closed = False

    async def request(
        self, method: str, url: str, headers: Mapping[str, str], *, max_bytes: int, timeout: float
    ) -> Answer:
        plain = _plain(url)
        if plain is not None:  # yarl would give it back as it is: not parsed again
            host, port = plain
            asked = url
            parsed = URL(url) if self._cookies is not None else None
        else:
            try:
                parsed = URL(url)
                raw_host, raw_port = parsed.raw_host, parsed.port
            except (ValueError, UnicodeError) as exc:
                raise TransportError(Trouble.INVALID_URL, _words(exc)) from None
            if not raw_host or raw_port is None or parsed.scheme not in ("http", "https"):
                raise TransportError(Trouble.INVALID_URL, f"InvalidURL: {quoted(url)}")
            host, port = raw_host, raw_port
            asked = str(parsed)
        address, target = await self._address(host, port)
        sent = [f"{k}: {v}" for k, v in headers.items()]
        if parsed is not None and self._cookies is not None and (cookie := self._cookies.filter_cookies(parsed)):
            sent.append("Cookie: " + "; ".join(f"{m.key}={m.coded_value}" for m in cookie.values()))
        future: asyncio.Future[tuple[int, str]] = self._loop.create_future()
        handle, transfer = self._spare.pop() if self._spare else self._new_handle()
        transfer.start(max_bytes, address, future)
        handle.setopt(pycurl.URL, asked)
        # The rest only when it changed since this handle's last request (one host's headers, say).
        connect_to = f"::{f'[{address}]' if ':' in address else address}:{target}"
        if connect_to != transfer.connect_to:
            handle.setopt(pycurl.CONNECT_TO, [connect_to])
            transfer.connect_to = connect_to
        if sent != transfer.headers:
            handle.setopt(pycurl.HTTPHEADER, sent)
            transfer.headers = sent
        timeout_ms = max(1, int(timeout * 1000))
        if timeout_ms != transfer.timeout_ms:
            handle.setopt(pycurl.TIMEOUT_MS, timeout_ms)
            transfer.timeout_ms = timeout_ms
        if method != transfer.method:
            if method == "HEAD":
                handle.setopt(pycurl.NOBODY, 1)
            else:
                handle.setopt(pycurl.HTTPGET, 1)
            transfer.method = method
        self._transfers[handle] = transfer
        self._multi.add_handle(handle)
        try:
            code, message = await future
        finally:
            if not future.done():  # cancelled (the run's deadline): the transfer stops too
                self._drop(handle)
        answered = transfer.answer_headers()
        if answered is None or (code and not (code == _WRITE_ERROR and transfer.truncated)):
            raise _trouble(handle, code, message, transfer, host, port)
        status = handle.getinfo(pycurl.RESPONSE_CODE)
        if transfer.cookies and parsed is not None and self._cookies is not None:
            self._cookies.update_cookies_from_headers(transfer.cookies, parsed)
        body = b"".join(transfer.chunks)
        transfer.chunks = []  # a spare handle keeps no body
        transfer.lines.clear()
        transfer.future = None
        self._spare.append((handle, transfer))
        return Answer(asked, status, answered, body)

    async def expiry_date(self, url: str, *, timeout: float, now: dt.datetime | None = None) -> dt.date | None:
        parsed = URL(url)
        if not parsed.raw_host or parsed.port is None:
            return None
        try:
            address, port = await self._address(parsed.raw_host, parsed.port)
        except TransportError:
            return None
        return await tls.handshake_expiry(address, port, parsed.raw_host, timeout=timeout, now=now)

    async def close(self) -> None:
        self._closed = True
        for handle in list(self._transfers):
            self._drop(handle)
        if self._timer is not None:
            self._timer.cancel()
        for handle, _ in self._spare:
            handle.close()
        self._spare.clear()
        self._multi.close()
        if self._epoll is not None:
            self._loop.remove_reader(self._epoll.fileno())
            self._epoll.close()

    def _new_handle(self) -> tuple[pycurl.Curl, _Transfer]:
        handle = pycurl.Curl()
        transfer = _Transfer()
        handle.setopt(pycurl.WRITEFUNCTION, transfer.write)
        handle.setopt(pycurl.HEADERFUNCTION, transfer.lines.append)  # the same list for the handle's life
        handle.setopt(pycurl.OPENSOCKETFUNCTION, transfer.open_socket)
        handle.setopt(pycurl.NOSIGNAL, 1)
        handle.setopt(pycurl.PROXY, "")  # not the environment's proxy: the same hosts as aiohttp asks
        handle.setopt(pycurl.ACCEPT_ENCODING, "")  # every encoding libcurl decodes; the limit counts decoded bytes
        handle.setopt(pycurl.HTTP_VERSION, pycurl.CURL_HTTP_VERSION_1_1)
        if not self._verify:
            handle.setopt(pycurl.SSL_VERIFYPEER, 0)
            handle.setopt(pycurl.SSL_VERIFYHOST, 0)
        elif self._ca is not None:
            handle.setopt(pycurl.CAINFO_BLOB, self._ca)
        else:
            if self._cafile is not None:
                handle.setopt(pycurl.CAINFO, self._cafile)
            if self._capath is not None:
                handle.setopt(pycurl.CAPATH, self._capath)
        return handle, transfer

    def _drop(self, handle: pycurl.Curl) -> None:
        transfer = self._transfers.pop(handle, None)
        if transfer is not None:
            self._multi.remove_handle(handle)
            handle.close()  # its state is unknown: not reused
            if transfer.future is not None and not transfer.future.done():  # closing with it in flight
                transfer.future.cancel()  # whoever waits is told

    async def _address(self, host: str, port: int) -> tuple[str, int]:
        """Where ``host:port`` is connected to: resolved once per DNS_TTL, judged by the guard."""
        key = (host, port)
        known = self._dns.get(key)
        if known is not None and known[0] > self._loop.time():
            results = known[1]
        else:
            lookup = self._lookups.get(key)
            if lookup is None:
                lookup = self._lookups[key] = asyncio.ensure_future(self.guard.addresses(host, port))
                lookup.add_done_callback(lambda done: self._remember(key, done))
            try:
                results = await asyncio.shield(lookup)
            except OSError as exc:
                raise lookup_trouble(host, port, exc) from None
        first = results[0]
        return first["host"], first["port"]

    def _remember(self, key: tuple[str, int], done: asyncio.Future[list[ResolveResult]]) -> None:
        self._lookups.pop(key, None)
        if not done.cancelled() and done.exception() is None and done.result():
            self._dns[key] = (self._loop.time() + DNS_TTL, done.result())

    # libcurl's multi socket interface on the asyncio loop

    def _on_socket_epoll(self, event: int, fd: int, multi: object, data: object) -> None:
        """Watch ``fd`` in our own epoll (one reader on the loop for all of libcurl's sockets:
        cheaper than the loop's per-socket handles)."""
        epoll = self._epoll
        assert epoll is not None
        if event == pycurl.POLL_REMOVE:
            if self._watched.pop(fd, None) is not None:
                with contextlib.suppress(OSError):  # already closed: the kernel forgot it
                    epoll.unregister(fd)
            return
        mask = (select.EPOLLIN if event & pycurl.POLL_IN else 0) | (select.EPOLLOUT if event & pycurl.POLL_OUT else 0)
        was = self._watched.get(fd)
        if was == mask:
            return
        self._watched[fd] = mask
        try:
            if was is None:
                epoll.register(fd, mask)
            else:
                epoll.modify(fd, mask)
        except FileExistsError:
            epoll.modify(fd, mask)
        except FileNotFoundError:
            epoll.register(fd, mask)

    def _on_ready(self) -> None:
        """Some of libcurl's sockets are ready (our epoll's descriptor is readable)."""
        assert self._epoll is not None
        for fd, ready in self._epoll.poll(0):
            event = 0
            if ready & (select.EPOLLIN | select.EPOLLHUP | select.EPOLLERR):
                event |= pycurl.CSELECT_IN
            if ready & select.EPOLLOUT:
                event |= pycurl.CSELECT_OUT
            if ready & select.EPOLLERR:
                event |= pycurl.CSELECT_ERR
            self._act(fd, event, drain=False)
        self._drain()

    def _on_socket(self, event: int, fd: int, multi: object, data: object) -> None:
        loop = self._loop
        was = self._watched.get(fd, 0)
        now = 0 if event == pycurl.POLL_REMOVE else event
        if now:
            self._watched[fd] = now
        else:
            self._watched.pop(fd, None)
        if (now ^ was) & pycurl.POLL_IN:
            if now & pycurl.POLL_IN:
                loop.add_reader(fd, self._act, fd, pycurl.CSELECT_IN)
            else:
                loop.remove_reader(fd)
        if (now ^ was) & pycurl.POLL_OUT:
            if now & pycurl.POLL_OUT:
                loop.add_writer(fd, self._act, fd, pycurl.CSELECT_OUT)
            else:
                loop.remove_writer(fd)

    def _on_timer(self, milliseconds: int) -> None:
        # A timer firing early is harmless (libcurl asks again), so an earlier one is kept:
        # no cancel-and-reschedule for every transfer.
        if milliseconds < 0:
            return
        when = self._loop.time() + milliseconds / 1000
        if self._timer is not None:
            if self._timer.when() <= when and not self._timer.cancelled():
                return
            self._timer.cancel()
        self._timer = self._loop.call_at(when, self._on_time)

    def _on_time(self) -> None:
        self._timer = None
        self._act(pycurl.SOCKET_TIMEOUT, 0)

    def _act(self, fd: int, event: int, drain: bool = True) -> None:
        if self._closed:
            return
        while True:
            result, _ = self._multi.socket_action(fd, event)
            if result != pycurl.E_CALL_MULTI_PERFORM:
                break
        if drain:
            self._drain()

    def _drain(self) -> None:
        """Hand every finished transfer to whoever waits for it."""
        while True:
            queued, succeeded, failed = self._multi.info_read()
            for handle in succeeded:
                self._finish(handle, 0, "")
            for handle, code, message in failed:
                self._finish(handle, code, message)
            if not queued:
                break

    def _finish(self, handle: pycurl.Curl, code: int, message: str) -> None:
        transfer = self._transfers.pop(handle, None)
        if transfer is None:
            return
        self._multi.remove_handle(handle)
        if transfer.future is not None and not transfer.future.done():
            transfer.future.set_result((code, message))


def _trouble(handle: pycurl.Curl, code: int, message: str, transfer: _Transfer, host: str, port: int) -> TransportError:
    """A failed transfer's kind (see the module doc); the handle is closed, never reused."""
    words = quoted(message) or f"curl error {code}"
    try:
        if transfer.malformed:
            return TransportError(Trouble.MALFORMED, transfer.malformed, host=host, port=port)
        if transfer.refused:
            why = f"{host}: the connection went to another address than the one allowed"
            return TransportError(Trouble.ADDRESS_REFUSED, why, host=host, port=port)
        if code == pycurl.E_COULDNT_CONNECT:
            os_errno = handle.getinfo(pycurl.OS_ERRNO)
            if os_errno == errno.ECONNREFUSED:
                return TransportError(Trouble.CONNECTION_REFUSED, words, host=host, port=port)
            reason = os.strerror(os_errno) if os_errno else words
            return TransportError(Trouble.CANNOT_CONNECT, reason, host=host, port=port)
        if code == pycurl.E_OPERATION_TIMEDOUT:
            return TransportError(Trouble.TIMEOUT, words, host=host, port=port)
        if code == pycurl.E_PEER_FAILED_VERIFICATION:
            expired = handle.getinfo(pycurl.SSL_VERIFYRESULT) == tls.X509_V_ERR_CERT_HAS_EXPIRED
            detail = words.removeprefix(_CERT_PREFIX)
            return TransportError(Trouble.CERTIFICATE, detail, host=host, port=port, expired=expired)
        if code in _TLS_HANDSHAKE:
            return TransportError(Trouble.TLS_HANDSHAKE, words, host=host, port=port)
        if code in _BROKE_OFF:
            return TransportError(Trouble.BROKE_OFF, words, host=host, port=port)
        if code in _MALFORMED:
            return TransportError(Trouble.MALFORMED, words, host=host, port=port)
        if code == pycurl.E_URL_MALFORMAT:
            return TransportError(Trouble.INVALID_URL, words, host=host, port=port)
        return TransportError(Trouble.OTHER, f"curl error {code}: {words}", host=host, port=port)
    finally:
        handle.close()


#: An address yarl gives back unchanged (lower-case host, no default port, no percent-escape,
#: no dot segment, only unreserved characters): read here without yarl, the common case.
_PLAIN = re.compile(
    r"(https?)://([a-z0-9-]+(?:\.[a-z0-9-]+)*)(?::([1-9][0-9]{0,4}))?(?:(/[A-Za-z0-9._~/-]*)(?:\?[A-Za-z0-9._~=&-]+)?)?"
)
_DEFAULT_PORTS = {"http": 80, "https": 443}


def _plain(url: str) -> tuple[str, int] | None:
    """The host and port of a plain ``url`` (see ``_PLAIN``), or None: then yarl reads it."""
    m = _PLAIN.fullmatch(url)
    if m is None:
        return None
    scheme, host, written, path = m.groups()
    if path is not None and "/." in path:
        return None
    default = _DEFAULT_PORTS[scheme]
    if written is None:
        return host, default
    port = int(written)
    return (host, port) if port <= 65535 and port != default else None


def _words(exc: BaseException) -> str:
    text = quoted(str(exc))
    return f"{exc.__class__.__name__}: {text}" if text else exc.__class__.__name__
