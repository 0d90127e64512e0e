"""Web pages named as inputs (``auditor check https://example.org/resources``).

A page is fetched with the checker's own client, so politeness, retries, redirects,
TLS settings and the fake web's resolver apply to it as to every link; its answer is
then read like a file (:func:`auditor.sources.read`), its links resolved against the
URL it finally came from. Only that page is read; following its links to the rest of
its site is crawling (:mod:`auditor.crawl`).
"""

from __future__ import annotations

from dataclasses import dataclass

from auditor.check.client import Fetcher
from auditor.check.failures import Failure
from auditor.check.page import Page
from auditor.check.redirects import follow
from auditor.defaults import MAX_INPUT_BYTES
from auditor.errors import UnreadableInput
from auditor.extract.wellformed import url_problem
from auditor.sources import Fetched, size_limit


@dataclass(frozen=True, slots=True)
class PageInput:
    """What came of fetching one input page: the page, or why it cannot be read."""

    url: str
    result: Fetched | UnreadableInput
    offline: bool = False  # failed at the network level in a way that may be the machine's fault


async def fetch_input(fetcher: Fetcher, url: str, max_redirects: int) -> PageInput:
    if (problem := url_problem(url)) is not None:  # not requested: say what to correct
        return PageInput(url, UnreadableInput(url, f"not a valid URL: {problem}"))
    trail = await follow(fetcher, url, max_redirects, max_bytes=MAX_INPUT_BYTES + 1)
    return as_input(url, trail.final)


def as_input(url: str, final: Page | Failure) -> PageInput:
    """The page to read from the final answer to ``url`` (redirects followed), or why it cannot be read."""
    if isinstance(final, Failure):
        why = UnreadableInput(url, f"cannot fetch the page: {final.reason}")
        return PageInput(url, why, offline=final.network and final.retryable)
    if not 200 <= final.status < 300:
        return PageInput(url, UnreadableInput(url, f"cannot fetch the page: the server answered {final.status}"))
    if len(final.body) > MAX_INPUT_BYTES:
        return PageInput(url, UnreadableInput(url, f"the page is larger than the {size_limit()} limit"))
    return PageInput(url, Fetched(final.url, final.headers.get("content-type", ""), final.body))
