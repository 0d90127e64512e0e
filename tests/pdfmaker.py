"""A tiny PDF writer for tests: pages of Helvetica text, link annotations, an info dict.

Only the standard library is used, so the PDFs the tests read are built from
nothing but what the test says. The output is a plain PDF 1.4 file with one
content stream per page and a classic cross-reference table::

    make_pdf(
        ["Page one\\nSecond line", "Page two"],
        links=[["https://example.org/"], []],
        info={"/ModDate": "D:20150314120000Z"},
    )
"""

from __future__ import annotations

__all__ = ["make_pdf", "pdf_string"]

PAGE_WIDTH = 612  # US Letter, in points
PAGE_HEIGHT = 792
MARGIN = 72
FONT_SIZE = 11
LEADING = 14  # distance between baselines


def pdf_string(value: str) -> bytes:
    """``value`` as a PDF literal string: ``(...)`` with ``\\``, ``(`` and ``)`` escaped.

    Text is encoded as Windows-1252 (what ``/WinAnsiEncoding`` draws); characters
    outside it become ``?``. Control characters are written as octal escapes.
    """
    out = bytearray(b"(")
    for byte in value.encode("cp1252", errors="replace"):
        if byte in b"\\()":
            out += b"\\" + bytes([byte])
        elif byte < 0x20 or byte == 0x7F:
            out += b"\\%03o" % byte
        else:
            out.append(byte)
    out += b")"
    return bytes(out)


def _content(text: str) -> bytes:
    """A content stream drawing ``text`` one line under another from the top left."""
    ops = [b"BT", b"/F1 %d Tf" % FONT_SIZE, b"%d %d Td" % (MARGIN, PAGE_HEIGHT - MARGIN)]
    for number, line in enumerate(text.split("\n")):
        if number:
            ops.append(b"0 %d Td" % -LEADING)
        ops.append(pdf_string(line) + b" Tj")
    ops.append(b"ET")
    return b"\n".join(ops) + b"\n"


def _link(uri: str, number: int) -> bytes:
    """A link annotation whose action opens ``uri``; stacked down the left margin."""
    top = PAGE_HEIGHT - MARGIN - number * LEADING
    rect = b"[%d %d %d %d]" % (MARGIN, top - 3, MARGIN + 200, top + FONT_SIZE)
    return (
        b"<< /Type /Annot /Subtype /Link /Rect " + rect + b" /Border [0 0 0]"
        b" /A << /Type /Action /S /URI /URI " + pdf_string(uri) + b" >> >>"
    )


def make_pdf(
    pages: list[str],
    links: list[list[str]] | None = None,
    info: dict[str, str] | None = None,
) -> bytes:
    """A PDF with one page per string in ``pages`` (lines split on ``"\\n"``).

    ``links[i]`` are the URIs of link annotations on page ``i + 1`` (a shorter list
    leaves later pages without links). ``info`` is the document information
    dictionary, keys with their leading slash: ``{"/ModDate": "D:20150314120000Z"}``.
    """
    if not pages:
        raise ValueError("a PDF needs at least one page")
    links = links or []
    if len(links) > len(pages):
        raise ValueError("more link lists than pages")

    objects: list[bytes] = []  # objects[n - 1] is object number n

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    def reserve() -> int:
        return add(b"")

    catalog = reserve()
    page_tree = reserve()
    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")

    kids: list[int] = []
    for index, text in enumerate(pages):
        stream = _content(text)
        contents = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"endstream")
        annots = [add(_link(uri, n)) for n, uri in enumerate(links[index] if index < len(links) else [])]
        page = b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %d %d]" % (
            page_tree,
            PAGE_WIDTH,
            PAGE_HEIGHT,
        ) + b" /Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R" % (font, contents)
        if annots:
            page += b" /Annots [" + b" ".join(b"%d 0 R" % a for a in annots) + b"]"
        kids.append(add(page + b" >>"))

    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % page_tree
    objects[page_tree - 1] = (
        b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % k for k in kids) + b"] /Count %d >>" % len(kids)
    )
    info_ref = None
    if info:
        entries = b" ".join(
            (key if key.startswith("/") else "/" + key).encode("ascii") + b" " + pdf_string(value)
            for key, value in info.items()
        )
        info_ref = add(b"<< " + entries + b" >>")

    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")  # the binary comment marks the file as binary
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"

    xref = len(out)
    out += b"xref\n0 %d\n" % (len(objects) + 1)
    out += b"0000000000 65535 f \n"  # each entry is exactly 20 bytes, end of line included
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    trailer = b"<< /Size %d /Root %d 0 R" % (len(objects) + 1, catalog)
    if info_ref is not None:
        trailer += b" /Info %d 0 R" % info_ref
    out += b"trailer\n" + trailer + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)
