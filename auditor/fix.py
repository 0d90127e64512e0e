"""``auditor fix``: rewrite moved and shortened references in place, keeping each document's form.

Only where the right answer is certain: a permanent redirect (``moved``) or an expanded
shortener (``shortened``), to the checker's ``suggestion``. A reference is rewritten where
its :class:`~auditor.reference.Location` says it is written (its span, kept by the
extractor with the form it is written in), once the text there is still what was read;
only the address itself is replaced:

- a Markdown link destination or autolink: the text between ``(`` and ``)`` or ``<`` and ``>``;
- an HTML attribute (``href``, ``src``, one URL of a ``srcset``): the value, re-escaped
  for its quoting; the rest of the tag and file byte for byte the same;
- plain text, or a scheme-less address (``www.example.org/x``): the full new URL.

A link whose visible text repeats its address (``[http://a](http://a)``,
``<a href="http://a">http://a</a>``) gets the new address in its text too. A relative
link stays relative when the new address is on the same site.

Safety: the file's bytes are kept from before the check; a file is written (atomically,
through a temporary file and a rename) only when it changed, and only if its bytes on
disk are still those, so an edit made meanwhile is never overwritten. It is written back
in the encoding it was read in, byte-order mark and line endings (LF, CRLF, CR) kept;
a file that would not read back byte for byte is not rewritten.
"""

from __future__ import annotations

import bisect
import difflib
import html
import re
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import quote, urlsplit

from auditor.defaults import MAX_INPUT_BYTES
from auditor.errors import AuditorError, UnreadableInput
from auditor.inputfiles import escape, read_regular
from auditor.reference import Form as Spelt  # how the place is written; Form here is what a rewrite escapes for
from auditor.reference import Location, Url
from auditor.sources import Encoding, Format, Source, decoding, sniff, with_newlines
from auditor.verdict import Checked, CheckRun, Status
from auditor.write import write_atomic

#: What ``auditor fix`` rewrites, and all it may be asked to (``--only``).
FIXABLE: frozenset[Status] = frozenset(s for s in Status if s.suggests_rewrite)

_LINE_END = re.compile(r"\r\n|\r|\n")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)
_LINK_TEXT_END = re.compile(r"\s*</a\s*>", re.IGNORECASE)
#: How far back a link text that repeats its address is looked for: the search stays
#: local, so a long document costs linear time, not quadratic.
_LONGEST_LABEL = 4_096
#: Characters an unquoted HTML attribute value cannot hold.
_UNQUOTED_UNSAFE = re.compile(r"[\s\"'=<>`]")


class Form(StrEnum):
    """What a rewrite escapes the new address for (from the :class:`~auditor.reference.Form`
    its place is written in)."""

    TEXT = "text"
    MARKDOWN_LINK = "markdown-link"  # [label](address) or a [label]: address definition
    MARKDOWN_ANGLE = "markdown-angle"  # [label](<address>)
    AUTOLINK = "autolink"  # <address>
    HTML_ATTRIBUTE = "html-attribute"


@dataclass(frozen=True, slots=True)
class Rewrite:
    """One span of a file's text replaced: ``old`` as written at line/column, ``new`` in its place.

    ``start`` and ``end`` are offsets in the file's decoded text with its own line ends.
    """

    start: int
    end: int
    old: str
    new: str
    line: int
    column: int
    form: Form
    checked: Checked


@dataclass(frozen=True, slots=True)
class Unfixed:
    """A moved or shortened reference, at one place, that is left as it is, and why."""

    location: Location
    checked: Checked
    why: str


@dataclass(frozen=True, slots=True)
class FilePlan:
    """What fixing does to one file: its bytes as checked, and the rewrites in order."""

    source: Source
    original: bytes
    text: str  # decoded, line ends as in the file
    encoding: Encoding | None  # None: the file cannot be written back (``problem`` says why)
    rewrites: tuple[Rewrite, ...] = ()
    problem: str | None = None

    @property
    def name(self) -> str:
        return self.source.name

    @property
    def changed(self) -> bool:
        return bool(self.rewrites)

    def fixed_text(self) -> str:
        parts, at = [], 0
        for rewrite in self.rewrites:
            parts += [self.text[at : rewrite.start], rewrite.new]
            at = rewrite.end
        parts.append(self.text[at:])
        return "".join(parts)

    def fixed_bytes(self) -> bytes:
        if self.encoding is None:
            raise AssertionError(f"{self.name} has no encoding to be written back in")
        return self.encoding.encode(self.fixed_text())

    def diff(self, context: int = 3) -> str:
        """A unified diff of the rewrite (``a/NAME`` to ``b/NAME``), empty when nothing changes."""
        if not self.changed:
            return ""
        name = self.name.lstrip("/")
        lines = difflib.unified_diff(
            self.text.splitlines(keepends=True),
            self.fixed_text().splitlines(keepends=True),
            fromfile=f"a/{name}",
            tofile=f"b/{name}",
            n=context,
        )
        return "".join(
            line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n" for line in lines
        )


@dataclass(frozen=True, slots=True)
class FixPlan:
    """Every file's rewrites, and the moved or shortened places left as they are."""

    files: tuple[FilePlan, ...]
    unfixed: tuple[Unfixed, ...]

    @property
    def rewrites(self) -> int:
        return sum(len(f.rewrites) for f in self.files)

    @property
    def changed(self) -> tuple[FilePlan, ...]:
        return tuple(f for f in self.files if f.changed)

    def diff(self) -> str:
        return "".join(f.diff() for f in self.files)


@dataclass(frozen=True, slots=True)
class Written:
    """What writing a plan did: the files rewritten, and those left alone because they changed."""

    written: tuple[FilePlan, ...] = ()
    conflicts: tuple[FilePlan, ...] = ()
    failures: tuple[tuple[FilePlan, str], ...] = ()
    refused: tuple[tuple[FilePlan, str], ...] = ()  # a symbolic link out of the inputs' tree: exit 2


def fixable_sources(sources: Iterable[Source]) -> list[Source]:
    """The files among ``sources``; a web page or standard input cannot be rewritten."""
    wrong = [s.name for s in sources if s.path is None]
    if wrong:
        raise AuditorError(
            "auditor fix rewrites files; "
            + ", ".join(wrong)
            + (" is" if len(wrong) == 1 else " are")
            + " not a file (use `auditor check` for web pages and standard input)"
        )
    return list(sources)


def snapshot(sources: Iterable[Source]) -> dict[str, bytes]:
    """Each file's bytes before the check: what is rewritten, and what must still be on disk to write.

    A file that cannot be read is left out: the check reports it as an unreadable input.
    """
    taken: dict[str, bytes] = {}
    for source in sources:
        if source.path is None or source.refused is not None:
            continue
        try:
            taken[source.name] = _read_again(source)
        except UnreadableInput:
            continue
    return taken


def _read_again(source: Source) -> bytes:
    """The file's bytes, read as the check reads it (a regular file, bounded, inside its tree)."""
    assert source.path is not None
    tree = None if source.follow_symlinks else source.tree
    return read_regular(source.path, source.name, MAX_INPUT_BYTES, tree=tree)


def _outside(source: Source) -> str | None:
    """Why writing ``source`` would go through a symbolic link out of the inputs' tree, or None.

    Refused even with ``--follow-symlinks``: reading a file elsewhere is one thing,
    rewriting it another (name that file itself to fix it).
    """
    if source.path is None or source.tree is None:
        return None
    why = escape(source.path, source.tree)
    return None if why is None else f"{why}; not rewritten through it (name the file it points to, to fix that)"


def plan_fixes(
    sources: Sequence[Source],
    snapshots: Mapping[str, bytes],
    run: CheckRun,
    only: Collection[Status] = FIXABLE,
) -> FixPlan:
    """Where each ``only`` reference with a suggestion is written, and what it becomes."""
    files = {s.name: _FileWork(s, snapshots[s.name]) for s in sources if s.name in snapshots}
    unfixed: list[Unfixed] = []
    for checked in run.results:
        verdict, ref = checked.verdict, checked.reference
        if verdict.status not in FIXABLE or not verdict.suggestion or not isinstance(ref.target, Url):
            continue
        old_url, new_url = ref.target.url, verdict.suggestion
        for location in ref.locations:
            if verdict.status not in only:
                unfixed.append(Unfixed(location, checked, f"{verdict.status.value} is left out by --only"))
                continue
            if verdict.remapped is not None:  # the suggestion is for the address checked, not the one written
                unfixed.append(Unfixed(location, checked, f"checked as {verdict.remapped} (--remap): not rewritten"))
                continue
            work = files.get(location.source)
            if work is None:
                unfixed.append(Unfixed(location, checked, "not in the files being fixed"))
                continue
            why = work.add(location, checked, old_url, new_url)
            if why is not None:
                unfixed.append(Unfixed(location, checked, why))
    plans = [work.plan(unfixed) for work in files.values()]
    return FixPlan(tuple(plans), tuple(unfixed))


def write_fixes(plan: FixPlan) -> Written:
    """Write every changed file whose bytes on disk are still those that were checked."""
    written, conflicts, failures, refused = [], [], [], []
    for file in plan.changed:
        path = file.source.path
        if path is None:  # fixable_sources let no such source in
            continue
        outside = _outside(file.source)
        if outside is not None:
            refused.append((file, outside))
            continue
        try:
            now = _read_again(file.source)
        except UnreadableInput as exc:
            failures.append((file, f"cannot read it again: {exc.why}"))
            continue
        if now != file.original:  # the bytes themselves: stricter than their hash, and already at hand
            conflicts.append(file)
            continue
        if not path.stat().st_mode & 0o222:  # a rename would replace it anyway; read-only says "leave me"
            failures.append((file, "the file is read-only (make it writable to fix it)"))
            continue
        try:
            write_atomic(path.resolve(), file.fixed_bytes())  # resolved: a symbolic link keeps pointing at it
        except AuditorError as exc:
            failures.append((file, str(exc)))
            continue
        written.append(file)
    return Written(tuple(written), tuple(conflicts), tuple(failures), tuple(refused))


# --- one file ------------------------------------------------------------------------


class _FileWork:
    """Collects the rewrites of one file, located in its text as the extractor read it."""

    def __init__(self, source: Source, data: bytes) -> None:
        self.source = source
        self.data = data
        self.rewrites: list[Rewrite] = []
        self.problem: str | None = None
        self.encoding: Encoding | None = None
        self.text = ""
        self.format = source.format or sniff(data)
        if self.format is Format.PDF:
            self.problem = "a PDF cannot be rewritten: edit the document it was made from"
            return
        try:
            self.text, encoding = decoding(data, source.name)
        except UnreadableInput as exc:
            self.problem = exc.why
            return
        try:
            same = encoding.encode(self.text) == data
        except UnicodeError:
            same = False
        if not same:
            self.problem = f"it would not be written back byte for byte in {encoding.codec}; edit it by hand"
            return
        self.encoding = encoding
        # The extractor saw the text with every line end as "\n": same lines, same columns.
        self.lines = [0, *(m.end() for m in _LINE_END.finditer(self.text))]
        self.norm = with_newlines(self.text)
        self.norm_lines = [0, *(m.end() for m in re.finditer("\n", self.norm))]

    def add(self, location: Location, checked: Checked, old_url: str, new_url: str) -> str | None:
        """Plan the rewrite of ``checked`` (``old_url`` to ``new_url``) at ``location``; None when
        planned, else why not."""
        if self.problem is not None:
            return self.problem
        span = self._span(location)
        if span is None:
            return f"{location.text!r} is not written at line {location.line}, column {location.column}"
        start, end = span
        written = self.norm[start:end]
        form, escaped = self._escaped(location, written, _written_like(written, old_url, new_url))
        line, column = location.line, location.column or 1
        self.rewrites.append(Rewrite(start, end, written, escaped, line, column, form, checked))
        for label in self._labels(location, start, end):
            self.rewrites.append(_label_rewrite(label, _written_like(written, old_url, new_url), checked))
        return None

    def plan(self, unfixed: list[Unfixed]) -> FilePlan:
        """The rewrites in order, overlapping ones dropped (into ``unfixed``), offsets in the file's text."""
        kept: list[Rewrite] = []
        for rewrite in sorted(self.rewrites, key=lambda r: (r.start, r.end)):
            if kept and rewrite.start < kept[-1].end:
                if (rewrite.start, rewrite.end, rewrite.new) != (kept[-1].start, kept[-1].end, kept[-1].new):
                    where = Location(self.source.name, rewrite.line, rewrite.column, "", rewrite.old)
                    unfixed.append(Unfixed(where, rewrite.checked, "overlaps another rewrite at the same place"))
                continue  # the same place reached twice (a label that is also a reference) is one rewrite
            kept.append(rewrite)
        raw = tuple(self._in_file(r) for r in kept)
        return FilePlan(self.source, self.data, self.text, self.encoding, raw, self.problem)

    # -- where, and in what form ---------------------------------------------------

    def _span(self, location: Location) -> tuple[int, int] | None:
        """Where ``location`` is written in the normalised text, if it still writes its reference there.

        A place without a span (made by hand, not by an extractor) is taken at its line and
        column, as plain text, when the text there is the reference.
        """
        if location.start is not None:
            return location.span if location.written_in(self.norm) else None
        written = location.text
        if not written or not 1 <= location.line <= len(self.norm_lines):
            return None
        at = self.norm_lines[location.line - 1] + (location.column or 1) - 1
        return (at, at + len(written)) if self.norm.startswith(written, at) else None

    def _escaped(self, location: Location, written: str, new: str) -> tuple[Form, str]:
        """The form of the rewrite, and ``new`` escaped for it."""
        form = location.form
        if form in (Spelt.HTML_ATTRIBUTE, Spelt.SRCSET):
            quote_char = location.markup.quote if location.markup is not None else '"'
            entities = written != html.unescape(written)
            # A whole value (not one URL of a srcset or a refresh's content) may be written unquoted as it is.
            whole = form is Spelt.HTML_ATTRIBUTE and (location.markup is None or location.markup.attribute != "content")
            return Form.HTML_ATTRIBUTE, _attribute_value(new, quote_char or None, entities=entities, whole=whole)
        if form in (Spelt.MARKDOWN_ANGLE, Spelt.MARKDOWN_DEFINITION_ANGLE):
            return Form.MARKDOWN_ANGLE, _angled(new)
        if form is Spelt.AUTOLINK:
            return Form.AUTOLINK, _angled(new)
        if form in (Spelt.MARKDOWN_LINK, Spelt.MARKDOWN_DEFINITION):
            return Form.MARKDOWN_LINK, _destination(new)
        if form is Spelt.HTML_TEXT or (form is None and self.format is Format.HTML):
            return Form.TEXT, html.escape(new, quote=False)  # an address in the page's text
        return Form.TEXT, new

    def _labels(self, location: Location, start: int, end: int) -> Iterator[_Label]:
        """A link's visible text that repeats its old address, to get the new one too."""
        text, written = self.norm, location.text
        if location.form in (Spelt.MARKDOWN_LINK, Spelt.MARKDOWN_ANGLE):
            opening = text.rfind("](", max(0, start - 64), start)  # only spaces or "<" may come between
            between = text[opening + 2 : start]
            if opening < 0 or between.strip(" \t\n<"):
                return
            label_start = text.rfind("[", max(0, opening - _LONGEST_LABEL), opening) + 1
            label = text[label_start:opening]
            if label_start > 0 and "[" not in label and "]" not in label and _same_address(label, written):
                yield _Label(label_start, opening, label, markdown=True)
        elif location.form is Spelt.HTML_ATTRIBUTE and location.markup is not None:
            if (location.markup.element, location.markup.attribute) != ("a", "href"):
                return
            close = text.find(">", end)
            after = text.find("<", close + 1)
            if close < 0 or after < 0 or not _LINK_TEXT_END.match(text, after):
                return
            inner = text[close + 1 : after]
            stripped = inner.strip()
            if stripped and _same_address(stripped, written):
                label_start = close + 1 + inner.index(stripped)
                yield _Label(label_start, label_start + len(stripped), stripped, markdown=False)

    def _in_file(self, rewrite: Rewrite) -> Rewrite:
        """``rewrite`` with offsets into the file's own text (its line ends may be CRLF or CR)."""

        def raw(offset: int) -> int:
            line = bisect.bisect_right(self.norm_lines, offset) - 1
            return self.lines[line] + offset - self.norm_lines[line]

        start, end = raw(rewrite.start), raw(rewrite.end)
        line = bisect.bisect_right(self.norm_lines, rewrite.start)  # a link's text is not where its address is
        column = rewrite.start - self.norm_lines[line - 1] + 1
        return Rewrite(start, end, self.text[start:end], rewrite.new, line, column, rewrite.form, rewrite.checked)


@dataclass(frozen=True, slots=True)
class _Label:
    start: int
    end: int
    text: str
    markdown: bool


def _label_rewrite(label: _Label, new: str, checked: Checked) -> Rewrite:
    """The link text, written as the new address (escaped for Markdown or HTML text)."""
    escaped = new.replace("[", "\\[").replace("]", "\\]") if label.markdown else html.escape(new, quote=False)
    return Rewrite(label.start, label.end, label.text, escaped, 0, 0, Form.TEXT, checked)  # placed by _in_file


def _attribute_value(new: str, quote_char: str | None, *, entities: bool, whole: bool) -> str:
    """``new`` as an attribute value in the same quoting; ``&`` as ``&amp;`` where the file wrote it so."""
    value = new.replace("&", "&amp;") if entities else new
    if quote_char == '"':
        return value.replace('"', "&quot;")
    if quote_char == "'":
        return value.replace("'", "&#39;")
    if _UNQUOTED_UNSAFE.search(value.replace("=", "")):
        return quote(value, safe="/:?#[]@!$&()*+,;=%~.-_") if not whole else value
    return value


def _angled(new: str) -> str:
    """An address between ``<`` and ``>``: no spaces, no angle brackets."""
    return quote(new, safe="/:?#[]@!$&'()*+,;=%~.-_")


def _destination(new: str) -> str:
    """A bare Markdown link destination: no spaces or controls, parentheses balanced or escaped."""
    value = re.sub(r"[\x00-\x20\x7f]", lambda m: f"%{ord(m.group()):02X}", new)
    depth = 0
    for char in value:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            break
    if depth != 0:
        value = value.replace("(", "\\(").replace(")", "\\)")
    return value


def _same_address(label: str, address: str) -> bool:
    """A link text that is its address, give or take the scheme, a trailing slash and case."""

    def bare(text: str) -> str:
        text = html.unescape(text).strip()
        return _SCHEME.sub("", text).lstrip("/").rstrip("/").casefold()

    return bool(label.strip()) and bare(label) == bare(address)


def _written_like(written: str, old_url: str, new_url: str) -> str:
    """The new address in the old one's form: a relative link stays relative on the same site.

    An absolute or scheme-less address, or a link to another site, becomes the full new URL.
    """
    if _SCHEME.match(written) or "://" in written:
        return new_url
    old, new = urlsplit(old_url), urlsplit(new_url)
    host = (old.hostname or "").removeprefix("www.")
    lowered = written.lower()
    if host and (lowered.startswith(host) or lowered.startswith("www." + host)):
        return new_url  # www.example.org/x: a scheme-less address, written out in full
    if (old.scheme, old.netloc) != (new.scheme, new.netloc):
        return new_url
    if written.startswith("//"):
        return "//" + new_url.split("://", 1)[1]
    path = new.path or "/"
    return path + (f"?{new.query}" if new.query else "") + (f"#{new.fragment}" if new.fragment else "")
