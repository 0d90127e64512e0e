"""Text we did not write — a web page's title and sentences, a document's lines, a file
name from a pull request — made safe to quote, in one place.

- :func:`without_controls`: no C0 or C1 control character (ESC starts the terminal
  sequences that recolour, retitle or fake a clickable link; 0x9B is CSI on its own),
  no DEL, no bidirectional override or isolate (which reorder what a reader sees),
  no lone surrogate. Line breaks and tabs are kept when ``keep_lines`` is true.
- :func:`quoted`: for quoting remote text into a reason, a finding or the history —
  controls removed, white space collapsed, cut to ``limit`` characters with "…".

Escaping for a format (HTML, Markdown, XML, JSON) is still each report's job; this
removes what no format should carry.
"""

from __future__ import annotations

import re

from auditor.defaults import QUOTE_LIMIT

_CONTROLS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff"
_CONTROL = re.compile(f"[{_CONTROLS}]")
_CONTROL_OR_LINE = re.compile(f"[{_CONTROLS}\t\n\r]")
_SPACE = re.compile(r"\s+")


def without_controls(text: str, *, keep_lines: bool = False) -> str:
    """``text`` without control, bidi-override and surrogate characters (tabs and line
    breaks kept only with ``keep_lines``; a CR is always dropped)."""
    if keep_lines:
        return _CONTROL.sub("", text.replace("\r", ""))
    return _CONTROL_OR_LINE.sub("", text)


def quoted(text: str, limit: int = QUOTE_LIMIT) -> str:
    """Remote text fit to quote in a reason or the history: controls removed, white space
    collapsed to single spaces, at most ``limit`` characters (the last one "…" if cut)."""
    text = _SPACE.sub(" ", _CONTROL.sub("", text)).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def safe(line: str) -> str:
    """One line for the terminal: whatever a document or a page put in it, no escape
    sequence, control character or line break reaches the screen."""
    return without_controls(line)
