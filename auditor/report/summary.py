"""One summary of a run, which every report and notification counts from.

A maintainer reads the same run in the HTML report's groups and headline, in the index,
in the JSON ``summary``, in JUnit's ``failures``, in SARIF, in the Markdown summary and in
a notification. Those numbers agree because none of them counts on its own: each reference
gets one :class:`Standing` from :func:`standing` (which :class:`Group` it is in, whether it
fails, whether it is a first transient error waiting to be confirmed, what changed since
the last run), and :func:`summarize` adds the standings up.

The four groups are what a person does about a reference:

- **fails**: broken by the run's ``--fail-on`` (with a history: confirmed, past flap damping);
- **replace**: works, but through a permanent redirect or a shortener: point at the destination;
- **check by hand**: could not be verified, or worth a look although it does not fail
  (blocked by a bot wall, a phone not listed any more, a status ``--fail-on`` lets pass,
  not checked at all, and a transient error seen once, waiting to be confirmed);
- **fine**: works, or was skipped on purpose.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from auditor.verdict import DEFAULT_FAIL_ON, Checked, CheckRun, Severity, Status

if TYPE_CHECKING:
    from auditor.report.recall import HistoryContext


class Group(StrEnum):
    """What a person does about a reference; the order is the order to act in."""

    FAILS = "fails"
    REPLACE = "replace"
    BY_HAND = "check by hand"
    FINE = "fine"

    @property
    def heading(self) -> str:
        return _TITLES[self][0]

    @property
    def advice(self) -> str:
        return _TITLES[self][1]

    @property
    def tone(self) -> str:
        """The report's CSS tone for the group (bad, warn, info, good)."""
        return _TITLES[self][2]


_TITLES: dict[Group, tuple[str, str, str]] = {
    Group.FAILS: ("Fails", "Readers who follow these get nowhere: replace or remove them.", "bad"),
    Group.REPLACE: (
        "Replace",
        "These still work, through a permanent redirect or a shortener: point straight at the destination.",
        "warn",
    ),
    Group.BY_HAND: (
        "Check by hand",
        "Could not be verified automatically, or worth a look although they do not fail: open these yourself.",
        "info",
    ),
    Group.FINE: ("Fine", "These work.", "good"),
}


class Change(StrEnum):
    """What changed for a reference since the previous run (with a history only)."""

    NEW = "new"  # confirmed failing now, not before
    FIXED = "fixed"  # confirmed failing before, not failing now
    STILL = "still"  # confirmed failing now and before


#: How a first transient error reads everywhere: it does not fail until it repeats.
WAITING = "seen once, waiting to confirm"


@dataclass(frozen=True, slots=True)
class Standing:
    """Where one reference stands in this run: its group, and why."""

    status: Status
    group: Group
    failing: bool  # counts as failing (the exit code, JUnit failures, SARIF errors, the headline)
    waiting: bool = False  # would fail, but is a first transient error: WAITING
    change: Change | None = None
    since: dt.datetime | None = None  # with a history: since when its status has been this

    @property
    def label(self) -> str:
        """The status as a person reads it: ``dead``, or ``error (seen once, waiting to confirm)``."""
        return f"{self.status.value} ({WAITING})" if self.waiting else self.status.value


def standing(item: Checked, fail_on: Collection[Status], history: HistoryContext | None = None) -> Standing:
    """The one place a reference's group and failing are decided."""
    status = item.verdict.status
    memory = history.memories.get(item.reference.key) if history is not None else None
    would_fail = status in fail_on
    confirmed = memory is None or memory.confirmed
    failing = would_fail and confirmed
    waiting = would_fail and not confirmed
    change: Change | None = None
    if history is not None:
        key = item.reference.key
        if key in history.new_broken:
            change = Change.NEW
        elif key in history.fixed:
            change = Change.FIXED
        elif key in history.still_broken:
            change = Change.STILL
    return Standing(
        status=status,
        group=_group(status, failing=failing, waiting=waiting),
        failing=failing,
        waiting=waiting,
        change=change,
        since=memory.status_since if memory is not None else None,
    )


def _group(status: Status, *, failing: bool, waiting: bool) -> Group:
    if failing:
        return Group.FAILS
    if status.suggests_rewrite:
        return Group.REPLACE
    if waiting or status.severity in (Severity.FAILURE, Severity.WARNING, Severity.NOTE):
        return Group.BY_HAND
    if status is Status.UNCHECKED:  # not verified: not "fine"
        return Group.BY_HAND
    return Group.FINE


@dataclass(frozen=True, slots=True)
class Summary:
    """Every count a report shows of one run."""

    total: int
    by_status: Mapping[Status, int]  # statuses seen, most urgent first
    by_group: Mapping[Group, int]  # all four groups, in order (0 when empty)
    failing: int  # == by_group[Group.FAILS]
    waiting: int  # first transient errors, not failing until they repeat
    new_broken: int = 0
    fixed: int = 0
    still_broken: int = 0
    history: bool = False  # new/fixed/still mean something (auditor run)
    network_unavailable: bool = False
    #: Within each group, its statuses (most urgent first): a status can be in two groups
    #: (an error confirmed fails, one seen once is checked by hand).
    by_group_status: Mapping[Group, Mapping[Status, int]] = field(default_factory=dict)

    @property
    def status_counts(self) -> dict[str, int]:
        """By status value, most urgent first: the JSON and stored form."""
        return {status.value: n for status, n in self.by_status.items()}

    @property
    def group_counts(self) -> dict[str, int]:
        """By group value, in order: the JSON and stored form."""
        return {group.value: n for group, n in self.by_group.items()}

    @property
    def headline(self) -> str:
        """One line: ``3 failing of 120 references (1 new, 2 fixed); 1 seen once, waiting to confirm``."""
        if self.network_unavailable:
            return "the network was unavailable: nothing was judged"
        refs = f"{self.total:,} reference{'' if self.total == 1 else 's'}"
        words = f"{self.failing:,} failing of {refs}" if self.failing else f"nothing failing of {refs}"
        if self.history:
            words += f" ({self.new_broken:,} new, {self.still_broken:,} still, {self.fixed:,} fixed)"
        if self.waiting:
            words += f"; {self.waiting:,} {WAITING}"
        return words


def summarize(
    results: Iterable[Checked] | CheckRun,
    fail_on: Collection[Status],
    history: HistoryContext | None = None,
    *,
    network_unavailable: bool | None = None,
) -> Summary:
    """Add up every reference's :func:`standing`."""
    if isinstance(results, CheckRun):
        if network_unavailable is None:
            network_unavailable = results.network_unavailable
        results = results.results
    return summary_of(
        (standing(item, fail_on, history) for item in results),
        history=history is not None,
        network_unavailable=bool(network_unavailable),
    )


def summary_of(standings: Iterable[Standing], *, history: bool = False, network_unavailable: bool = False) -> Summary:
    """Add up standings already made (a report that shows each row makes them once)."""
    statuses: Counter[Status] = Counter()
    groups: Counter[Group] = Counter()
    changes: Counter[Change] = Counter()
    pairs: Counter[tuple[Group, Status]] = Counter()
    total = waiting = 0
    for one in standings:
        total += 1
        statuses[one.status] += 1
        groups[one.group] += 1
        pairs[one.group, one.status] += 1
        waiting += one.waiting
        if one.change is not None:
            changes[one.change] += 1
    return Summary(
        total=total,
        by_status={s: statuses[s] for s in sorted(statuses, key=lambda s: s.urgency)},
        by_group={g: groups[g] for g in Group},
        failing=groups[Group.FAILS],
        waiting=waiting,
        new_broken=changes[Change.NEW],
        fixed=changes[Change.FIXED],
        still_broken=changes[Change.STILL],
        history=history,
        network_unavailable=network_unavailable,
        by_group_status={
            g: {s: pairs[g, s] for s in sorted(statuses, key=lambda s: s.urgency) if pairs[g, s]} for g in Group
        },
    )


@dataclass(frozen=True, slots=True)
class RunPoint:
    """One past run as a trend shows it (the index's chart, the report's sparkline): its
    groups' counts as that run's summary gave them, and its dated report's file name.

    ``estimated``: the run was recorded before the history kept groups, so ``by_group``
    comes from :func:`estimated_groups`, not from the run's own summary.
    """

    started_at: dt.datetime
    by_group: Mapping[Group, int]
    report: str | None = None
    estimated: bool = False

    @property
    def failing(self) -> int:
        return self.by_group.get(Group.FAILS, 0)

    @property
    def total(self) -> int:
        return sum(self.by_group.values())


def groups_of(stored: Mapping[str, int]) -> dict[Group, int]:
    """Group counts as stored (:attr:`Summary.group_counts`) back as all four groups, in order;
    a name this version does not know counts as check by hand (it was not judged fine)."""
    groups = dict.fromkeys(Group, 0)
    for name, n in stored.items():
        try:
            groups[Group(name)] += n
        except ValueError:
            groups[Group.BY_HAND] += n
    return groups


def estimated_groups(
    counts: Mapping[str, int], failing: int, fail_on: Collection[Status] = DEFAULT_FAIL_ON
) -> dict[Group, int]:
    """The four groups of a run recorded before the history kept them, from what it did keep:
    the references by status and the confirmed failing count.

    Exact when the run used ``fail_on`` (default: the default ``--fail-on``): the failing
    statuses make ``failing`` fails and the rest first transient errors (check by hand), every
    other status goes where :func:`standing` puts it. A run with a wider ``--fail-on`` failed
    more than its failing statuses hold: the extra fails are taken from check by hand, then
    replace, then fine (the total always stays the run's). A status name this version does
    not know counts as check by hand.
    """
    groups = dict.fromkeys(Group, 0)
    would_fail = 0
    for name, n in counts.items():
        try:
            status = Status(name)
        except ValueError:
            groups[Group.BY_HAND] += n
            continue
        if status in fail_on:
            would_fail += n
        else:
            groups[_group(status, failing=False, waiting=False)] += n
    fails = max(0, min(failing, sum(counts.values())))
    groups[Group.FAILS] = fails
    groups[Group.BY_HAND] += max(0, would_fail - fails)  # seen once, waiting to confirm
    extra = fails - would_fail
    for group in (Group.BY_HAND, Group.REPLACE, Group.FINE):
        taken = min(extra, groups[group]) if extra > 0 else 0
        groups[group] -= taken
        extra -= taken
    return groups
