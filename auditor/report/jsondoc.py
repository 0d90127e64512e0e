"""Every JSON document auditor writes goes through here: indented, UTF-8 kept as is.

orjson rather than the standard library: with ``indent`` the standard encoder falls
back to pure Python, which takes longer than checking a few hundred links (0.2 s for
5,000 references against orjson's 0.01 s).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import orjson


def dumps(document: Any) -> str:
    return orjson.dumps(document, option=orjson.OPT_INDENT_2).decode("utf-8") + "\n"


_HOLE = "\x00items\x00"  # stands for the streamed list while the rest is encoded


def stream(document: dict[str, Any], key: str) -> Iterator[str]:
    """``dumps(document)`` in pieces: ``document[key]`` (an iterable of JSON values, a
    top-level key) is encoded one item at a time, so that the whole is never in memory."""
    items: Iterable[Any] = document[key]
    head, _, tail = dumps({**document, key: _HOLE}).partition(orjson.dumps(_HOLE).decode("utf-8"))
    yield head
    first = True
    for item in items:
        text = orjson.dumps(item, option=orjson.OPT_INDENT_2).decode("utf-8").replace("\n", "\n    ")
        yield ("[\n    " if first else ",\n    ") + text
        first = False
    yield "[]" if first else "\n  ]"
    yield tail
