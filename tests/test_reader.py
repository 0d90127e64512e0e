"""Where pages' facts are read: a thread for a small audit, a worker process past a few hundred pages."""

from __future__ import annotations

import asyncio

import pytest

from auditor.check.freshness import page_facts
from auditor.check.page import Page
from auditor.check.reader import PageReader

HEADERS = {"content-type": "text/html", "etag": '"v1"', "set-cookie": "a=b"}


def pages(n: int) -> list[Page]:
    def markup(i: int) -> str:
        return (
            f"<html><head><title>Page {i}</title></head><body><nav>Home About</nav><main>"
            + f"<p>Sarcoma page {i}: what it is, how it is treated, who to call.</p>" * 5
            + f"<p>Last reviewed: {i % 28 + 1} March 2011</p></main></body></html>"
        )

    return [
        Page(f"https://www.example.org/{i}", 200, HEADERS, markup(i).encode(), markup(i), f"Page {i}") for i in range(n)
    ]


# (id, process_after, cpus, pages read in the worker process of 6)
CASES = [
    ("a small audit: the thread only", 10, 2, 0),
    ("past the threshold: a process", 2, 2, 4),
    ("one CPU: never a process", 2, 1, 0),
]


@pytest.mark.parametrize(("process_after", "cpus", "in_process"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_the_facts_are_page_facts_wherever_they_are_read(process_after: int, cpus: int, in_process: int) -> None:
    async def read_all() -> tuple[list[object], int]:
        reader = PageReader(process_after=process_after, cpus=cpus, processes=True)
        try:
            facts = [await reader.facts(p) for p in pages(6)]
        finally:
            reader.close()
        return facts, reader.in_process

    facts, counted = asyncio.run(read_all())
    assert facts == [page_facts(p) for p in pages(6)]
    assert counted == in_process


def test_work_the_process_cannot_take_is_read_in_the_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    from auditor.check import reader

    def local(batch: list[Page]) -> object:  # a function defined here cannot be sent to a process
        return [page_facts(page) for page in batch]

    monkeypatch.setattr(reader, "_read_all", local)

    async def read_all() -> tuple[list[object], int]:
        reader = PageReader(process_after=0, cpus=2, processes=True)
        try:
            facts = [await reader.facts(p) for p in pages(3)]
        finally:
            reader.close()
        return facts, reader.in_process

    facts, counted = asyncio.run(read_all())
    assert facts == [page_facts(p) for p in pages(3)]
    assert counted == 0


def test_pages_waiting_together_go_to_the_process_in_batches() -> None:
    async def read_all() -> tuple[list[object], PageReader]:
        reader = PageReader(process_after=0, cpus=2, processes=True)
        try:
            facts = list(await asyncio.gather(*(reader.facts(p) for p in pages(130))))
        finally:
            reader.close()
        return facts, reader

    facts, reader = asyncio.run(read_all())
    assert facts == [page_facts(p) for p in pages(130)]
    assert reader.in_process == 130
    assert reader.batches < 130 / 2  # not a call per page


def test_a_library_callers_program_gets_no_worker_process_unless_it_asks() -> None:
    """A spawned process imports the program's main module: a script that runs an audit at import
    would run it again there. Under pytest (not auditor's command) the reader keeps to its thread."""

    async def read_all() -> int:
        reader = PageReader(process_after=0, cpus=2)
        try:
            for p in pages(3):
                await reader.facts(p)
        finally:
            reader.close()
        return reader.in_process

    assert asyncio.run(read_all()) == 0
