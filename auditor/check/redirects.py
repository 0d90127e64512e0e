"""Following redirects by hand, so that every hop is recorded and loops are caught."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from auditor.check.client import Fetcher
from auditor.check.failures import Failure
from auditor.check.headers import origin
from auditor.check.page import Page
from auditor.extract.wellformed import url_problem
from auditor.untrusted import quoted
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
    excluded: Callable[[str], str | None] | None = None,
) -> Trail:
    """Ask ``url`` and each redirect's target in turn; ``headers`` go with the first request only
    (conditional headers belong to the address they were stored for). A hop that ``excluded``
    gives a reason for (``--exclude``) is not asked: the trail ends ``skipped`` there.

    The user's ``--header``s stop at the first hop to another origin, for the rest of the
    chain; a redirect to anything but http(s) (``file:``, ``gopher:``) is not followed."""
    hops: list[Hop] = []
    seen = {url}
    home = origin(url)
    trusted = True  # still on the link's origin: the user's headers may go
    while True:
        trusted = trusted and (not hops or origin(url) == home)  # the first request is to home itself
        answer = await fetcher.get(url, max_bytes=max_bytes, headers=None if hops else headers, user_headers=trusted)
        if isinstance(answer, Failure) or not is_redirect(answer):
            return Trail(tuple(hops), answer, url)
        hops.append(Hop(url, answer.status))
        location = answer.headers["location"].strip()
        try:
            target = urljoin(url, location)
        except ValueError as exc:  # urljoin refuses it: "http://[bad"
            bad = Failure(Status.ERROR, f"redirect to a malformed address: {quoted(location)} ({exc})")
            return Trail(tuple(hops), bad, url)
        scheme = urlsplit(target).scheme.lower()
        if scheme not in ("http", "https"):
            why = f"redirects to {scheme or 'a non-web'}: address {quoted(target)}, which is not followed"
            refused = Failure(Status.ERROR, why)
            return Trail(tuple(hops), refused, target)
        if (problem := url_problem(target)) is not None:
            bad = Failure(Status.ERROR, f"redirect to a malformed address: {quoted(location)} ({problem})")
            return Trail(tuple(hops), bad, url)
        if excluded is not None and (rule := excluded(target)) is not None:
            return Trail(tuple(hops), Failure(Status.SKIPPED, f"redirects to {quoted(target)}: {rule}"), target)
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
