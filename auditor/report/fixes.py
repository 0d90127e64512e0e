"""What ``auditor fix`` tells the editor: what was (or would be) rewritten, and what is left for a person.

Left for a person: every failing reference (``--fail-on``, and the statuses that fail by
default even when ``--fail-on`` lets them pass; with its archived copy when the archive
has one), every temporary redirect (``redirected``: never rewritten, the old address
may be the right one again tomorrow), and every moved or shortened place that could
not be rewritten, with why.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass

from auditor.check.notes import merged_note
from auditor.extract.domains import host_of
from auditor.fix import FixPlan, Unfixed, Written
from auditor.reference import Location, Url
from auditor.report.terminal import paint
from auditor.untrusted import safe
from auditor.verdict import DEFAULT_FAIL_ON, Checked, CheckRun, Status

#: Not failing, not rewritten, but a person should look: works through a redirect ``fix`` does not rewrite.
ALSO_LEFT = frozenset(s for s in Status if s.via_redirect and not s.suggests_rewrite)


@dataclass(frozen=True, slots=True)
class Left:
    """One reference left for a person: where it is written, and why it is left."""

    checked: Checked
    locations: tuple[Location, ...]
    why: str


def left_for_a_person(plan: FixPlan, run: CheckRun, fail_on: Collection[Status]) -> list[Left]:
    """Failing and temporarily redirected references, then the moved or shortened places not rewritten."""
    listed = ALSO_LEFT | DEFAULT_FAIL_ON | frozenset(fail_on)  # listed even when --fail-on lets them pass
    left = [Left(item, item.reference.locations, _why(item)) for item in run.results if item.verdict.status in listed]
    by_reference: dict[int, list[Unfixed]] = {}
    for unfixed in plan.unfixed:
        by_reference.setdefault(id(unfixed.checked), []).append(unfixed)
    for group in by_reference.values():
        first = group[0]
        whys = dict.fromkeys(u.why for u in group)  # in order, each once
        left.append(Left(first.checked, tuple(u.location for u in group), "; ".join(whys)))
    return left


def _why(item: Checked) -> str:
    if item.verdict.status is Status.REDIRECTED:
        return "a temporary redirect is not rewritten: the old address may be the right one again"
    return ""


def to_text(plan: FixPlan, left: Sequence[Left], *, written: Written | None, colour: bool = False) -> str:
    """The rewrites by file, the files not written, then what is left for a person
    (:func:`left_for_a_person`); a last summary line.

    ``written`` is None for a dry run (the diff shows the rewrites; "would rewrite").
    """
    return "\n".join(_lines(plan, left, written, colour)) + "\n"


def _lines(plan: FixPlan, left: Sequence[Left], written: Written | None, colour: bool) -> Iterator[str]:
    def styled(text: str, status: Status, *, bold: bool = False) -> str:
        return paint(text, status, bold=bold) if colour else text

    dry = written is None
    not_written = (
        {id(f) for f in written.conflicts} | {id(f) for f, _ in written.failures} | {id(f) for f, _ in written.refused}
        if written
        else set()
    )
    for file in plan.changed:
        if id(file) in not_written:
            continue
        verb = "would rewrite" if dry else "rewrote"
        yield safe(f"{verb} {file.name} ({_places(len(file.rewrites))})")
        noted: set[str] = set()
        for rewrite in file.rewrites:
            verdict = rewrite.checked.verdict
            status = verdict.status
            where = f"{rewrite.line}:{rewrite.column}"
            yield f"  {where}  {styled(status.value, status)}  {safe(rewrite.old)} \u2192 {safe(rewrite.new)}"
            if status is Status.MOVED and verdict.domain_changed:
                note = _merged(rewrite.checked)
                if note not in noted:  # once a file for each old and new domain
                    noted.add(note)
                    yield safe(f"      {note}")
    if written is not None:
        for file in written.conflicts:
            yield (
                safe(f"not rewritten: {file.name} changed on disk while it was being checked; ")
                + "nothing was lost: run auditor fix again"
            )
        for file, why in (*written.failures, *written.refused):
            yield safe(f"not rewritten: {file.name}: {why}")
    if left:
        yield ""
        yield f"left for a person ({len(left)}):"
        for item in left:
            verdict = item.checked.verdict
            where = ", ".join(loc.where for loc in item.locations[:3])
            if len(item.locations) > 3:
                where += f" and {len(item.locations) - 3} more"
            written_as = safe(item.checked.reference.text)
            yield f"  {safe(where)}  {styled(verdict.status.value, verdict.status)}  {written_as}"
            yield safe(f"      {verdict.reason}")
            if verdict.suggestion:
                yield safe(f"      \u2192 {verdict.suggestion}")
            if verdict.archive_url:
                yield safe(f"      archived copy: {verdict.archive_url}")
            if item.why:
                yield safe(f"      {item.why}")
    yield ""
    yield summary(plan, written, len(left))


def summary(plan: FixPlan, written: Written | None, left: int) -> str:
    """One line: how many places in how many files, and how many references are left."""
    if written is None:
        places, files = plan.rewrites, len(plan.changed)
        done = f"would rewrite {_places(places)} in {_files(files)} (dry run: nothing changed)"
    else:
        places = sum(len(f.rewrites) for f in written.written)
        done = f"rewrote {_places(places)} in {_files(len(written.written))}"
        skipped = len(written.conflicts) + len(written.failures) + len(written.refused)
        if skipped:
            done += f"; {_files(skipped)} not rewritten"
    return f"auditor fix: {done}; {left} left for a person"


def _merged(item: Checked) -> str:
    """The reference's host and the one it now redirects to, said plainly."""
    target = item.reference.target
    old = host_of(target.url) if isinstance(target, Url) else ""
    return merged_note(old, host_of(item.verdict.suggestion or ""))


def _places(n: int) -> str:
    return f"{n} place{'s' if n != 1 else ''}"


def _files(n: int) -> str:
    return f"{n} file{'s' if n != 1 else ''}"
