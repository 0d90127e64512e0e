"""From what the web answered to a verdict: the rules of the status table, in one place.

A pure function of the redirect trail (and the host's answer to a made-up address,
when it was asked): no I/O, so every rule has a plain test.
"""

from __future__ import annotations

from functools import lru_cache
from http import HTTPStatus

from auditor.check import botwall, parking, shortener, soft404, telltale
from auditor.check.accept import Accept
from auditor.check.failures import Failure
from auditor.check.notes import merged_note
from auditor.check.page import Page
from auditor.check.redirects import PERMANENT, Trail, only_slash_differs
from auditor.extract.domains import host_of, registrable_domain
from auditor.verdict import Status, Verdict


def decide(
    requested: str,
    trail: Trail,
    *,
    retries: int,
    probe: Page | None = None,
    accept: Accept | None = None,
    elapsed_ms: int = 0,
) -> Verdict:
    """The verdict on ``requested``, given every answer on the way to the last one.

    ``accept`` (``--accept``) names the statuses that mean "the page is there" instead of 2xx;
    ``elapsed_ms`` (how long the check took) is written into the verdict, built once.
    """
    host = host_of(requested)
    via = f" (via {host})" if shortener.is_shortener(host) and trail.hops else ""
    final = trail.final
    if isinstance(final, Failure):
        return _verdict(trail, final.status, final.reason + via, elapsed_ms=elapsed_ms)
    page = final
    status = page.status
    if accept is not None and (status in accept) != (200 <= status < 300):
        if status in accept:  # a 403 the user knows means "members only", say
            return _verdict(
                trail, Status.OK, f"{status_words(status)}, accepted (--accept {accept})", page, elapsed_ms=elapsed_ms
            )
        reason = f"{status_words(status)} is not an accepted status (--accept {accept})"
        return _verdict(trail, Status.ERROR, reason, page, elapsed_ms=elapsed_ms)
    if 200 <= status < 300:
        problem = _unhealthy(requested, trail, page, probe)
        if problem is not None:
            return _verdict(trail, problem[0], problem[1] + via, page, elapsed_ms=elapsed_ms)
        return _healthy(requested, trail, page, elapsed_ms)
    if shortener.is_shortener(host) and (missing := shortener.says_missing(page)):
        return _verdict(trail, Status.DEAD, missing, page, elapsed_ms=elapsed_ms)
    if challenge := botwall.challenge(page):
        return _verdict(trail, Status.BLOCKED, challenge + via, page, elapsed_ms=elapsed_ms)
    words = status_words(status)
    if status in (401, 407):
        return _verdict(
            trail,
            Status.BLOCKED,
            f"{words}: the page needs a login \u2014 could not verify{via}",
            page,
            elapsed_ms=elapsed_ms,
        )
    if status == 403:
        return _verdict(
            trail,
            Status.BLOCKED,
            f"{words}: the server refused us \u2014 could not verify{via}",
            page,
            elapsed_ms=elapsed_ms,
        )
    if status == 429:
        reason = f"{words}{_after(retries, ' still')} \u2014 could not verify{via}"
        return _verdict(trail, Status.BLOCKED, reason, page, elapsed_ms=elapsed_ms)
    if 400 <= status < 500:
        return _verdict(trail, Status.DEAD, words + via, page, elapsed_ms=elapsed_ms)
    if 500 <= status < 600:
        return _verdict(trail, Status.ERROR, f"{words}{_after(retries)}{via}", page, elapsed_ms=elapsed_ms)
    return _verdict(trail, Status.ERROR, f"unexpected answer {words}{via}", page, elapsed_ms=elapsed_ms)


def _after(retries: int, still: str = "") -> str:
    """`` after 2 retries``, `` after 1 retry``; nothing when none was made (never "after 0 retries")."""
    if retries <= 0:
        return ""
    return f"{still} after {retries} retr{'y' if retries == 1 else 'ies'}"


def _verdict(
    trail: Trail,
    status: Status,
    reason: str,
    page: Page | None = None,
    *,
    suggestion: str | None = None,
    domain_changed: bool = False,
    elapsed_ms: int = 0,
) -> Verdict:
    return Verdict(
        status,
        reason,
        http_status=page.status if page is not None else None,
        final_url=trail.url,
        redirects=trail.hops,
        suggestion=suggestion,
        domain_changed=domain_changed,
        elapsed_ms=elapsed_ms,
    )


def _unhealthy(requested: str, trail: Trail, page: Page, probe: Page | None) -> tuple[Status, str] | None:
    """A 2xx that is not the page the reference meant: a challenge, parking, an error page."""
    seen = telltale.scan(page)  # one cheap look, shared: most pages hold no word any detector needs
    if challenge := botwall.challenge(page, seen):
        return Status.BLOCKED, challenge
    if reason := parking.parked(page, seen):
        return Status.PARKED, reason
    if shortener.is_shortener(host_of(page.url)) and (missing := shortener.says_missing(page)):
        return Status.DEAD, missing
    if reason := soft404.error_page(page, seen):
        return Status.SOFT_404, reason
    if trail.hops and (reason := soft404.home_redirect(requested, page.url)):
        return Status.SOFT_404, reason
    if probe is not None and 200 <= probe.status < 300 and soft404.similar(page, probe):
        return Status.SOFT_404, "the site answers a made-up address with this same page"
    return None


def _healthy(requested: str, trail: Trail, page: Page, elapsed_ms: int = 0) -> Verdict:
    final = page.url
    hops = trail.hops
    if not hops:  # the page itself answered (the common case): no domain to compare
        return _verdict(trail, Status.OK, status_words(page.status), page, elapsed_ms=elapsed_ms)
    host = host_of(requested)
    final_host = host_of(final)
    # The same host is the same site: the suffix list (and its import) only for a move.
    changed = final_host != host and registrable_domain(host) != registrable_domain(final_host)
    if shortener.is_shortener(host):
        reason = f"{host} link to {final}"
        return _verdict(
            trail, Status.SHORTENED, reason, page, suggestion=final, domain_changed=changed, elapsed_ms=elapsed_ms
        )
    if only_slash_differs(requested, final):
        return _verdict(trail, Status.OK, status_words(page.status), page, elapsed_ms=elapsed_ms)
    count = f"{len(hops)} hop{'s' if len(hops) > 1 else ''}"
    codes = ", ".join(str(h.status) for h in hops)
    if any(h.status in PERMANENT for h in hops):
        reason = f"permanent redirect to {final} ({codes}; {count})"
        if changed:  # another organisation's address now: the text around the link may be out of date too
            reason += f": {merged_note(host, host_of(final))}"
        return _verdict(
            trail, Status.MOVED, reason, page, suggestion=final, domain_changed=changed, elapsed_ms=elapsed_ms
        )
    reason = f"temporary redirect to {final} ({codes}; {count})"
    return _verdict(trail, Status.REDIRECTED, reason, page, domain_changed=changed, elapsed_ms=elapsed_ms)


@lru_cache(maxsize=256)
def status_words(status: int) -> str:
    """``404 Not Found``; the bare number for a status HTTP does not name."""
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)
