"""Inputs: turn what the user names (files, directories, globs, ``-``, web pages) into documents.

Resolving is done for every input before anything is read, so a typo in the last
argument is reported at once and nothing is half done. Reading one file can fail on
its own (binary, undecodable, too large): that raises :class:`UnreadableInput`, and
the caller goes on with the other files. Files are found and read as
:mod:`auditor.inputfiles` says: regular files only, bounded while reading, inside the
inputs' tree unless ``--follow-symlinks``; walks and globs stop at loops.

A web page (``https://...``) is a source too: the checker fetches it (with the same
client, politeness and fake-web injection as every check) and hands the answer to
:func:`read` as a :class:`Fetched`; its relative links resolve against its final URL.
A web page with a :class:`Site` (``--crawl``, or ``sources: - url:`` in targets.yaml)
is the start of a crawl: every page reached from it is a source (:mod:`auditor.crawl`).
"""

from __future__ import annotations

import codecs
import os
import re
import stat
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import BinaryIO

from auditor.charset import text_codec
from auditor.defaults import DEFAULT_CRAWL_DEPTH, DEFAULT_MAX_PAGES, MAX_INPUT_BYTES
from auditor.errors import InputError, UnreadableInput
from auditor.inputfiles import (
    InputPolicy,
    Refusal,
    glob,
    glob_base,
    has_magic,
    read_regular,
    too_large,
    tree_of,
    walk,
)
from auditor.inputfiles import size_limit as size_limit  # where it was first defined; imported from here


class Format(StrEnum):
    TEXT = "text"
    MARKDOWN = "markdown"
    HTML = "html"
    PDF = "pdf"


#: File name endings read when a directory or glob is expanded.
EXTENSIONS: dict[str, Format] = {
    ".txt": Format.TEXT,
    ".text": Format.TEXT,
    ".md": Format.MARKDOWN,
    ".markdown": Format.MARKDOWN,
    ".mdown": Format.MARKDOWN,
    ".mkd": Format.MARKDOWN,
    ".mkdn": Format.MARKDOWN,
    ".html": Format.HTML,
    ".htm": Format.HTML,
    ".xhtml": Format.HTML,
    ".pdf": Format.PDF,
}

STDIN_NAME = "<stdin>"


_WEB = re.compile(r"^https?://[^/\s]", re.IGNORECASE)

#: Content types of web pages, and the format each is read as (others are sniffed).
CONTENT_TYPES: dict[str, Format] = {
    "text/html": Format.HTML,
    "application/xhtml+xml": Format.HTML,
    "text/markdown": Format.MARKDOWN,
    "text/x-markdown": Format.MARKDOWN,
    "text/plain": Format.TEXT,
    "application/pdf": Format.PDF,
}


@dataclass(frozen=True, slots=True)
class Site:
    """How far to crawl from a start page: ``depth`` links away, at most ``max_pages`` pages,
    within ``scope`` (``host``: the start page's host; ``domain``: its registrable domain);
    when ``include`` patterns are given a page must match one, and none of ``exclude``."""

    depth: int = DEFAULT_CRAWL_DEPTH
    max_pages: int = DEFAULT_MAX_PAGES
    scope: str = "host"
    include: tuple[re.Pattern[str], ...] = ()
    exclude: tuple[re.Pattern[str], ...] = ()


@dataclass(frozen=True, slots=True)
class Source:
    """A document to read: ``name`` is how reports show it (the path or URL as given)."""

    name: str
    path: Path | None  # None for standard input and web pages
    format: Format | None  # None: decided from the content
    root: Path | None = None  # what "/..." links mean: the directory given, if any
    url: str | None = None  # a web page, fetched before it is read
    crawl: Site | None = None  # a web page to start a crawl from
    tree: Path | None = None  # the real path of the inputs' tree a file must stay in (auditor.inputfiles)
    follow_symlinks: bool = False  # it may leave the tree through a symbolic link (--follow-symlinks)
    refused: str | None = None  # why it is not read at all (a link out of the tree, a loop), found on a walk
    base_url: str | None = None  # where a local document is published (--base-url): its links resolve there

    def crawled(self, site: Site) -> Source:
        """This web page as the start of a crawl."""
        return replace(self, crawl=site)

    @property
    def is_stdin(self) -> bool:
        return self.path is None and self.url is None


@dataclass(frozen=True, slots=True)
class Fetched:
    """A web page as the checker fetched it: where it ended up, and what came back."""

    url: str  # the final URL, after redirects: what relative links mean
    content_type: str
    data: bytes


@dataclass(frozen=True, slots=True)
class Document:
    source: Source
    format: Format
    text: str  # decoded text, newlines normalised to "\n"; empty for a PDF
    data: bytes  # the raw bytes (what a PDF is parsed from)
    url: str | None = None  # a web page's final URL


def format_for(path: Path) -> Format | None:
    return EXTENSIONS.get(path.suffix.lower())


def resolve_inputs(inputs: Sequence[str], policy: InputPolicy | None = None) -> list[Source]:
    """Every source the inputs name, in order, each once.

    ``policy`` says whether symbolic links may lead out of the inputs' tree and which
    paths are left out (:class:`~auditor.inputfiles.InputPolicy`). A link that is not
    followed comes back as a source with ``refused`` set: reading it says why.

    Raises :class:`InputError` listing every input that names nothing.
    """
    policy = policy or InputPolicy()
    sources: list[Source] = []
    problems: list[str] = []
    for given in inputs:
        try:
            sources.extend(_resolve(given, policy))
        except InputError as exc:
            problems.append(str(exc))
    if problems:
        raise InputError("\n".join(problems))
    unique: dict[str, Source] = {}
    for src in sources:
        key = str(src.path.resolve()) if src.path and src.refused is None else (src.url or src.name)
        unique.setdefault(key, src)
    return list(unique.values())


def _resolve(given: str, policy: InputPolicy) -> Iterator[Source]:
    if given == "-":
        yield Source(STDIN_NAME, None, None)
        return
    if _WEB.match(given):
        yield Source(given, None, None, url=given)
        return
    path = Path(given)
    try:
        mode: int | None = os.stat(path).st_mode  # stat, never open: a FIFO must not block
    except (OSError, ValueError):
        mode = None
    if mode is not None and stat.S_ISDIR(mode):
        tree = tree_of(path, directory=True)
        found = list(_documents(walk(path, tree, policy), policy, tree, path))
        if not found:
            raise InputError(f"no supported document (.txt, .md, .html, .pdf) in directory: {given}")
        yield from found
    elif mode is not None:  # a file, or a device, FIFO or socket that reading refuses by name
        if not policy.excludes(path):
            tree = tree_of(path, directory=False)
            yield Source(given, path, format_for(path), tree=tree, follow_symlinks=policy.follow_symlinks)
    elif has_magic(given):
        matches = list(glob(given, policy))
        if not matches:
            raise InputError(f"no file matches glob: {given}")
        tree = tree_of(glob_base(given) or ".", directory=True)
        found = []
        for match in matches:
            if not isinstance(match, Refusal) and match.is_dir():
                found.extend(_documents(walk(match, tree, policy), policy, tree, match))
            else:
                found.extend(_documents([match], policy, tree, None))
        if not found:
            raise InputError(f"glob matches no supported document (.txt, .md, .html, .pdf): {given}")
        yield from found
    else:
        raise InputError(f"no such file: {given}")


def _documents(found: Iterable[Path | Refusal], policy: InputPolicy, tree: Path, root: Path | None) -> Iterator[Source]:
    """Sources for the supported documents among what a walk or glob found in ``tree``, and
    for the links it did not follow; ``root`` is what "/..." links mean (the directory given)."""
    for item in found:
        if isinstance(item, Refusal):
            yield Source(str(item.path), item.path, None, root, refused=item.why)
            continue
        fmt = format_for(item)
        if fmt is not None and not policy.excludes(item):
            yield Source(str(item), item, fmt, root, tree=tree, follow_symlinks=policy.follow_symlinks)


def read(
    source: Source,
    *,
    stdin: BinaryIO | None = None,
    web: Mapping[str, Fetched | UnreadableInput] | None = None,
    max_bytes: int = MAX_INPUT_BYTES,
) -> Document:
    """Read and decode one source; raises :class:`UnreadableInput` if it is no document.

    A web page's answer comes from ``web`` (fetched beforehand, keyed by the URL given).
    """
    url = None
    if source.url is not None:
        fetched = (web or {}).get(source.url) or UnreadableInput(source.name, "was not fetched")
        if isinstance(fetched, UnreadableInput):
            raise fetched
        data, url = fetched.data, fetched.url
        fmt = source.format or content_format(fetched.content_type) or sniff(data)
    else:
        data = _read_bytes(source, stdin, max_bytes)
        fmt = source.format or sniff(data)
    if fmt is Format.PDF:
        return Document(source, fmt, "", data, url)
    return Document(source, fmt, with_newlines(decode(data, source.name)), data, url)


def with_newlines(text: str) -> str:
    """``text`` with every line end (CRLF, CR) as ``\\n``: how documents are read, and located in."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def content_format(content_type: str) -> Format | None:
    """The format a ``Content-Type`` names, if it is one we read."""
    return CONTENT_TYPES.get(content_type.split(";", 1)[0].strip().lower())


def _read_bytes(source: Source, stdin: BinaryIO | None, max_bytes: int) -> bytes:
    if source.refused is not None:
        raise UnreadableInput(source.name, source.refused)
    if source.path is not None:
        tree = None if source.follow_symlinks else source.tree
        return read_regular(source.path, source.name, max_bytes, tree=tree)
    try:
        stream = stdin if stdin is not None else sys.stdin.buffer
        data = stream.read(max_bytes + 1)
    except OSError as exc:
        raise UnreadableInput(source.name, f"cannot read: {exc.strerror or exc}") from exc
    if len(data) > max_bytes:
        raise UnreadableInput(source.name, too_large(max_bytes))
    return data


def sniff(data: bytes) -> Format:
    head = data[:1024].lstrip()
    if head.startswith(b"%PDF-"):
        return Format.PDF
    lowered = head.lower()
    if lowered.startswith((b"<!doctype html", b"<html")) or b"<html" in lowered:
        return Format.HTML
    return Format.TEXT


#: Byte-order marks and the codec of the bytes after each; UTF-32 LE's starts with UTF-16 LE's.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_DECLARED = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)|<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""",
    re.IGNORECASE,
)


def decode(data: bytes, name: str) -> str:
    """UTF-8 first, then the encoding the document declares, then a detected one."""
    return decoding(data, name)[0]


@dataclass(frozen=True, slots=True)
class Encoding:
    """How a document's text is written as bytes: a codec, after a byte-order mark if it had one."""

    codec: str
    bom: bytes = b""

    def encode(self, text: str) -> bytes:
        return self.bom + text.encode(self.codec)


def decoding(data: bytes, name: str) -> tuple[str, Encoding]:
    """The text of ``data`` and how it was encoded, so that a rewrite can write it back alike."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(codec), Encoding(codec, bom)
            except UnicodeDecodeError:
                break
    if b"\x00" in data[:8192]:
        raise UnreadableInput(name, "binary file, not a text document; skipped")
    try:
        return data.decode("utf-8"), Encoding("utf-8")
    except UnicodeDecodeError:
        pass
    declared = _DECLARED.search(data[:4096])
    if declared:
        named = text_codec((declared.group(1) or declared.group(2)).decode("ascii"), in_document=True)
        if named is not None:  # not "idna", "zlib" or an unknown name: those are ignored
            try:
                return data.decode(named), Encoding(named)
            except (UnicodeError, LookupError):
                pass
    import charset_normalizer  # only for a document that is not UTF-8 and names no encoding

    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise UnreadableInput(name, "cannot decode as UTF-8 or any detected encoding; skipped")
    return str(best), Encoding(best.encoding)
