"""Which codec a declared charset names, and decoding a page's bytes whatever it declares.

A page's ``charset`` (in its Content-Type or a ``<meta>``) is written by its author, or by
a stranger: it may name no codec (``undefined-charset``), a Python codec that is no text
encoding at all (``zlib``, ``base64``, ``rot13``, ``hex``), or one no browser reads a page
in (``idna``, ``punycode``, ``utf-7``, ``unicode-escape``, Python's ``undefined``, which
fails on every byte). Those are ignored, as the Encoding Standard ignores labels it does
not know: the bytes are read as UTF-8, else in the encoding detected (charset_normalizer),
else as UTF-8 with replacement characters. Declaring a charset never makes a page an error.
"""

from __future__ import annotations

import codecs

#: Python text codecs that are no encoding a web page or a document is written in.
REFUSED = frozenset({"idna", "punycode", "utf-7", "undefined", "unicode-escape", "raw-unicode-escape"})
#: Detection reads this much of the bytes at most (it is slow on large inputs).
DETECT_BYTES = 256 * 1024


def text_codec(label: str | None, *, in_document: bool = False) -> str | None:
    """The Python codec ``label`` names, when it is a text encoding pages are written in; else None.

    ``in_document``: the label was read from the bytes themselves (a ``<meta>``), which
    a UTF-16 or UTF-32 document cannot be (its ASCII would not be readable): UTF-8 then,
    as the Encoding Standard says.
    """
    if not label:
        return None
    try:
        info = codecs.lookup(label.strip().strip("\"'"))
    except (LookupError, ValueError):  # ValueError: a NUL in the label
        return None
    name = info.name
    if not getattr(info, "_is_text_encoding", True) or name in REFUSED:
        return None
    if in_document and name.startswith(("utf-16", "utf-32")):
        return "utf-8"
    return name


def decode_page(data: bytes, label: str | None, *, in_document: bool = False) -> str:
    """The text of ``data``: in the codec ``label`` names, else UTF-8, else detected; never an error."""
    codec = text_codec(label, in_document=in_document)
    if codec is not None:
        try:
            return data.decode(codec, errors="replace")
        except (UnicodeError, LookupError):  # a codec that refuses "replace" (or breaks on these bytes)
            pass
    if label is None:
        return data.decode("utf-8", errors="replace")
    return detected(data) or data.decode("utf-8", errors="replace")


def detected(data: bytes) -> str | None:
    """``data`` as UTF-8 when it is valid UTF-8, else in the encoding charset_normalizer detects; None if none."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    import charset_normalizer  # only for bytes that are not UTF-8

    best = charset_normalizer.from_bytes(data[:DETECT_BYTES]).best()
    if best is None or best.encoding is None:
        return None
    try:
        return data.decode(best.encoding, errors="replace")
    except (UnicodeError, LookupError):
        return None
