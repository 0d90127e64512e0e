"""Fetching one URL politely: bounded read, retries with backoff, per-host slots.

Redirects are not followed here (one request is one hop): :mod:`.redirects` does it by
hand so that every hop is seen. The transport (:mod:`.transport`) is passed in, never
built here, so tests and ``auditor demo`` point it at the fake web.
"""

from __future__ import annotations

import asyncio
import html
import re
from collections.abc import Mapping

from auditor.charset import decode_page
from auditor.check.failures import Failure, failure_of
from auditor.check.headers import as_headers, for_host
from auditor.check.page import Page
from auditor.check.politeness import Politeness
from auditor.check.retry import backoff, retry_after, retryable_status
from auditor.check.settings import CheckSettings
from auditor.check.transport import Transport, TransportError
from auditor.defaults import TITLE_LIMIT
from auditor.extract.domains import host_of
from auditor.untrusted import quoted
from auditor.verdict import Status

_TITLE = re.compile(rb"<title[^>]*>(.*?)</title", re.IGNORECASE | re.DOTALL)
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_SPACE = re.compile(r"\s+")
_NOT_TRIED = Failure(Status.ERROR, "not tried")


class Fetcher:
    def __init__(self, transport: Transport, settings: CheckSettings) -> None:
        self.transport = transport
        self.settings = settings
        self.politeness = Politeness(settings.host_concurrency, settings.host_request_interval)
        # The run-wide limit is a semaphore taken inside the host slot, not the connector's
        # limit: a request never holds one of the 128 places while it waits for its host.
        self._places = asyncio.Semaphore(settings.max_concurrency)
        self.requests = 0  # how many requests were sent (for the summary and tests)
        self._headers = {"User-Agent": settings.user_agent, "Accept": "text/html,*/*;q=0.8"}
        self._user_headers = as_headers(settings.headers)
        self._by_host: dict[str, dict[str, str]] = {}  # what goes to each host: worked out once per host

    async def get(
        self,
        url: str,
        *,
        max_bytes: int | None = None,
        headers: Mapping[str, str] | None = None,
        user_headers: bool = True,
    ) -> Page | Failure:
        """The answer to ``GET url`` (no redirect followed), after retries if it failed.

        At most ``max_bytes`` of the body are read (default: the settings' ``max_body``);
        ``headers`` are added to this request (the cache's ``If-None-Match``). The user's
        ``--header``s for this host go too, unless ``user_headers`` is false (a redirect
        left the link's origin: :mod:`auditor.check.headers`)."""
        host = host_of(url)
        slot = self.politeness.slot(host)
        attempts = self.settings.retries + 1
        outcome: Page | Failure = _NOT_TRIED
        sent = self._headers
        if user_headers and self._user_headers:
            sent = self._by_host.get(host) or self._by_host.setdefault(
                host, {**self._headers, **for_host(self._user_headers, host)}
            )
        for attempt in range(1, attempts + 1):
            async with slot, self._places:
                outcome = await self._once(url, max_bytes or self.settings.max_body, sent, headers)
            if attempt == attempts:
                break
            if isinstance(outcome, Failure):
                if not outcome.retryable:
                    break
                await asyncio.sleep(backoff(attempt))
            elif retryable_status(outcome.status):
                wait = retry_after(outcome.headers.get("retry-after"))
                if wait is not None:
                    slot.pause(wait)  # the whole host waits, not only this request
                else:
                    await asyncio.sleep(backoff(attempt))
            else:
                break
        return outcome

    async def _once(
        self, url: str, max_bytes: int, sent: Mapping[str, str], extra: Mapping[str, str] | None
    ) -> Page | Failure:
        self.requests += 1
        timeout = self.settings.timeout
        try:
            answer = await self.transport.request(
                "GET", url, {**sent, **extra} if extra else sent, max_bytes=max_bytes, timeout=timeout
            )
        except TransportError as exc:
            expired_on = None
            if exc.expired:  # ask once more, unverified, for the day it ended
                expired_on = await self.transport.expiry_date(url, timeout=timeout)
            failure = failure_of(exc, timeout=timeout, expired_on=expired_on)
            if failure.status is Status.SKIPPED:
                self.requests -= 1  # refused by the address policy: nothing was sent
            return failure
        return _page(answer.url, answer.status, answer.headers, answer.body)


def _page(url: str, status: int, headers: Mapping[str, str], body: bytes) -> Page:
    kind = headers.get("content-type", "").lower()
    textual = not kind or kind.startswith("text/") or "html" in kind or "xml" in kind or "json" in kind
    text = _decode(body, kind) if textual else ""
    m = _TITLE.search(body[:65536]) if textual else None
    # &#x27; is '; a title is quoted in reasons and kept in the history: no controls, bounded
    title = quoted(html.unescape(_decode(m.group(1), kind)), TITLE_LIMIT) if m else ""

    return Page(url, status, headers, body, text, title)


def _decode(data: bytes, content_type: str) -> str:
    """The page's text in the charset it declares, when that is a text encoding (:mod:`auditor.charset`)."""
    if "charset=" in content_type:
        charset = content_type.split("charset=", 1)[1].split(";", 1)[0].strip(" \"'")
        return decode_page(data, charset)
    if m := _CHARSET.search(data[:4096]):
        return decode_page(data, m.group(1).decode("ascii", "replace"), in_document=True)
    return decode_page(data, None)
