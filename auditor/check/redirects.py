"""Following redirects by hand, so that every hop is recorded and loops are caught."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from auditor.check.client import Fetcher
from auditor.check.failures import Failure
from auditor.check.page import Page
from auditor.extract.wellformed import url_problem
from auditor.verdict import Hop, Status

PERMANENT = frozenset({301, 308})
TEMPORARY = frozenset({302, 303, 307})


@dataclass(frozen=True, slots=True)
class Trail:
    """Every redirect answer on the way, and the last answer (or failure)."""

    hops: tuple[Hop, ...]
    final: Page | Failure
    url: str  # the URL of the last request


def is_redirect(page: Page) -> bool:
    return page.status in PERMANENT | TEMPORARY and bool(page.headers.get("location"))


async def follow(
    fetcher: Fetcher,
    url: str,
    max_redirects: int,
    *,
    max_bytes: int | None = None,
    headers: Mapping[str, str] | None = None,
) -> Trail:
    """Ask ``url`` and each redirect's target in turn; ``headers`` go with the first request only
    (conditional headers belong to the address they were stored for)."""
    hops: list[Hop] = []
    seen = {url}
    while True:
        answer = await fetcher.get(url, max_bytes=max_bytes, headers=None if hops else headers)
        if isinstance(answer, Failure) or not is_redirect(answer):
            return Trail(tuple(hops), answer, url)
        hops.append(Hop(url, answer.status))
        location = answer.headers["location"].strip()
        try:
            target = urljoin(url, location)
            problem = url_problem(target)
        except ValueError as exc:  # urljoin refuses it: "http://[bad"
            problem = str(exc)
        if problem is not None:
            bad = Failure(Status.ERROR, f"redirect to a malformed address {location[:200]!r}: {problem}")
            return Trail(tuple(hops), bad, url)
        if target in seen:
            loop = Failure(Status.ERROR, f"redirect loop: {target} redirects back to itself after {len(hops)} hops")
            return Trail(tuple(hops), loop, target)
        if len(hops) > max_redirects:
            too_many = Failure(Status.ERROR, f"too many redirects (more than {max_redirects}); last to {target}")
            return Trail(tuple(hops), too_many, target)
        seen.add(target)
        url = target


def only_slash_differs(a: str, b: str) -> bool:
    """``/about`` -> ``/about/`` (or back) is not a redirect worth reporting."""
    pa, pb = urlsplit(a), urlsplit(b)
    same_rest = (pa.scheme, pa.netloc.lower(), pa.query) == (pb.scheme, pb.netloc.lower(), pb.query)
    return same_rest and pa.path.rstrip("/") == pb.path.rstrip("/")
