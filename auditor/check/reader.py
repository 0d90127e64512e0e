"""Where the weekly audit reads its pages' facts (title, own date, main-text fingerprint).

Reading a page (lxml, htmldate, trafilatura) is CPU work that holds the GIL: about 2 ms
a page, as much as checking it. Run in the event loop's process it competes with the
loop, and several threads doing it at once starve the loop (every wake-up waits behind
all of them), slowing every request in flight. So:

- the first :data:`PROCESS_AFTER` pages of a run are read in ONE worker thread (a small
  audit pays for no process);
- past them, on a machine with more than one CPU, in :data:`PROCESSES` worker process(es),
  so that reading pages runs beside the checks instead of between them. They are started
  on first need (``spawn``: the run's threads are not forked), ignore Ctrl-C (the run
  stops them), and go when the run ends. Should they fail to start or die, the thread
  reads on. Only when the program is auditor's own command (its console script or
  ``python -m auditor``): a spawned process imports the program's main module, and a
  library caller's script that runs an audit at import (no ``if __name__ ==
  "__main__"``) would run it again there. A caller opts in with ``processes=True``.

Pages go to the process in batches: whatever has queued up while the previous batch was
read (at most :data:`BATCH` pages; two batches in flight, so the process never waits for
the next). One page per call cost the run's process a wake-up of the pool's manager thread
each way, which waits for the GIL behind the busy event loop: the process sat idle, and a
20,000-page run took twice as long as its checks.

Either way the facts are :func:`auditor.check.freshness.page_facts`'s.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from concurrent.futures import Executor, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from auditor.check import freshness
from auditor.check.page import Page
from auditor.verdict import PageFacts

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

#: Pages read in the thread before a worker process is worth its start (about half a second).
PROCESS_AFTER = 300
#: Worker processes (each holds its own lxml and trafilatura: some 70 MB). Two on two
#: CPUs measured no faster than one (1.85x and 2.32x `check` against 1.77x and 2.06x on a
#: shared machine) and took 15 % more CPU.
PROCESSES = 1
#: At most this many pages in one batch sent to the worker process.
BATCH = 64
#: Batches in flight at once: one being read, one waiting (so the process never waits).
IN_FLIGHT = 2
#: The headers page_facts reads (the rest are not sent to the worker process).
_HEADERS = ("content-type", "etag", "last-modified")


class PageReader:
    """One run's reader of pages' facts; :meth:`close` when the run ends."""

    def __init__(
        self, *, process_after: int = PROCESS_AFTER, cpus: int | None = None, processes: bool | None = None
    ) -> None:
        self._process_after = process_after
        self._cpus = _cpus() if cpus is None else cpus
        self._processes = _main_is_auditor() if processes is None else processes
        self._thread: ThreadPoolExecutor | None = None
        self._process: ProcessPoolExecutor | None = None
        self._process_failed = False
        self._queue: asyncio.Queue[tuple[Page, asyncio.Future[PageFacts]]] | None = None
        self._senders: list[asyncio.Task[None]] = []
        self.read = 0  # pages read so far this run
        self.in_process = 0  # of which in a worker process
        self.batches = 0  # batches sent to the worker process

    async def facts(self, page: Page) -> PageFacts:
        """:func:`freshness.page_facts` of ``page``, off the event loop."""
        loop = asyncio.get_running_loop()
        self.read += 1
        if self._worker_process() is not None:
            facts = await self._in_process(page)
            if facts is not None:
                self.in_process += 1
                return facts
        if self._thread is None:
            self._thread = ThreadPoolExecutor(1, thread_name_prefix="page-facts")
        return await loop.run_in_executor(self._thread, freshness.page_facts, page)

    async def _in_process(self, page: Page) -> PageFacts | None:
        """The facts read in the worker process, in a batch; None when it failed (the thread reads)."""
        if self._queue is None:
            self._queue = asyncio.Queue()
            self._senders = [asyncio.ensure_future(self._send()) for _ in range(IN_FLIGHT)]
        slim = Page(page.url, page.status, _headers(page), page.body, page.text, page.title)
        done: asyncio.Future[PageFacts] = asyncio.get_running_loop().create_future()
        await self._queue.put((slim, done))
        try:
            return await done
        except _ProcessFailed:
            return None

    async def _send(self) -> None:
        """Send what has queued up, as one batch, until the run ends or the process fails."""
        assert self._queue is not None
        loop = asyncio.get_running_loop()
        while True:
            batch = [await self._queue.get()]
            while len(batch) < BATCH and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            process = self._process
            try:
                if process is None:
                    raise _ProcessFailed
                self.batches += 1
                read = await loop.run_in_executor(process, _read_all, [page for page, _ in batch])
            except Exception:  # it died, did not start or could not pickle the work: the thread reads
                self._process_failed = True
                self._close_process()
                for _, done in batch:
                    if not done.done():
                        done.set_exception(_ProcessFailed())
                continue
            for (_, done), facts in zip(batch, read, strict=True):
                if not done.done():
                    done.set_result(facts)

    def close(self) -> None:
        for sender in self._senders:
            sender.cancel()
        self._senders = []
        if self._queue is not None:
            while not self._queue.empty():
                _, done = self._queue.get_nowait()
                done.cancel()
            self._queue = None
        if self._thread is not None:
            self._thread.shutdown(wait=False, cancel_futures=True)
            self._thread = None
        self._close_process()

    def _worker_process(self) -> Executor | None:
        if self._process is not None:
            return self._process
        if not self._processes or self._process_failed or self._cpus < 2 or self.read <= self._process_after:
            return None
        import multiprocessing  # here: `auditor check` and small audits never start a process
        from concurrent.futures import ProcessPoolExecutor

        try:
            self._process = ProcessPoolExecutor(
                min(self._cpus, PROCESSES),
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_ignore_interrupts,
            )
        except (OSError, ValueError, ImportError):  # no semaphores in this sandbox, …
            self._process_failed = True
        return self._process

    def _close_process(self) -> None:
        if self._process is not None:
            self._process.shutdown(wait=False, cancel_futures=True)
            self._process = None


class _ProcessFailed(Exception):
    """The worker process could not read a batch: its pages are read in the thread."""


def _read_all(pages: list[Page]) -> list[PageFacts]:
    """In the worker process: each page's facts, in order."""
    return [freshness.page_facts(page) for page in pages]


def _headers(page: Page) -> dict[str, str]:
    return {name: page.headers[name] for name in _HEADERS if name in page.headers}


def _main_is_auditor() -> bool:
    """Is this program auditor's own command, whose main module a spawned process may import (it runs nothing)?"""
    main = sys.modules.get("__main__")
    spec = getattr(main, "__spec__", None)
    if spec is not None:
        return bool(spec.name == "auditor.__main__")
    path = getattr(main, "__file__", None)
    return path is not None and Path(path).name == "auditor"  # the console script


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _ignore_interrupts() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the run's to handle: it closes the reader
