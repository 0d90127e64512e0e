"""What a missing ``#fragment`` means: ``checks.fragments`` and ``--include-fragments``.

    fail   a missing anchor is the failing status ``missing-fragment`` (lychee's
           ``--include-fragments``); ``--fail-on`` gains it
    warn   (the default) the status stays what the page's check said, with a
           ``missing-fragment`` finding that every report shows; nothing fails for it
    off    fragments are not looked at (pages are not read for their anchors)

``--fail-on missing-fragment`` asks for the status, so it means ``fail`` too.
"""

from __future__ import annotations

from collections.abc import Collection
from enum import StrEnum

from auditor.verdict import Status


class FragmentPolicy(StrEnum):
    FAIL = "fail"
    WARN = "warn"
    OFF = "off"


def effective(
    configured: FragmentPolicy, include_fragments: bool, fail_on: Collection[Status]
) -> tuple[FragmentPolicy, frozenset[Status]]:
    """The policy the run uses and its ``--fail-on``: the flag, or ``missing-fragment`` among
    the statuses that fail, make it ``fail``; ``fail`` makes ``missing-fragment`` fail."""
    policy = configured
    if include_fragments or Status.MISSING_FRAGMENT in fail_on:
        policy = FragmentPolicy.FAIL
    statuses = frozenset(fail_on)
    if policy is FragmentPolicy.FAIL:
        statuses |= {Status.MISSING_FRAGMENT}
    return policy, statuses
