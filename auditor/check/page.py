"""What the detectors look at: one answer, its headers and the start of its body."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Page:
    """An HTTP answer as the detectors see it.

    ``headers`` has lower-case names. ``body`` is at most the first few megabytes;
    ``text`` is it decoded (charset from the headers or the markup, else UTF-8 with
    replacement), and ``title`` the page's ``<title>`` with white space collapsed.
    """

    url: str
    status: int
    headers: Mapping[str, str]
    body: bytes
    text: str
    title: str
