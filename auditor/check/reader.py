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
  reads on.

Either way the facts are :func:`auditor.check.freshness.page_facts`'s.
"""

from __future__ import annotations

import asyncio
import os
import signal
from concurrent.futures import Executor, ThreadPoolExecutor
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
#: The headers page_facts reads (the rest are not sent to the worker process).
_HEADERS = ("content-type", "etag", "last-modified")


class PageReader:
    """One run's reader of pages' facts; :meth:`close` when the run ends."""

    def __init__(self, *, process_after: int = PROCESS_AFTER, cpus: int | None = None) -> None:
        self._process_after = process_after
        self._cpus = _cpus() if cpus is None else cpus
        self._thread: ThreadPoolExecutor | None = None
        self._process: ProcessPoolExecutor | None = None
        self._process_failed = False
        self.read = 0  # pages read so far this run
        self.in_process = 0  # of which in a worker process

    async def facts(self, page: Page) -> PageFacts:
        """:func:`freshness.page_facts` of ``page``, off the event loop."""
        loop = asyncio.get_running_loop()
        self.read += 1
        process = self._worker_process()
        if process is not None:
            slim = Page(page.url, page.status, _headers(page), page.body, page.text, page.title)
            try:
                facts = await loop.run_in_executor(process, freshness.page_facts, slim)
            except Exception:  # it died, did not start or could not pickle the work: the thread reads
                self._process_failed = True
                self._close_process()
            else:
                self.in_process += 1
                return facts
        if self._thread is None:
            self._thread = ThreadPoolExecutor(1, thread_name_prefix="page-facts")
        return await loop.run_in_executor(self._thread, freshness.page_facts, page)

    def close(self) -> None:
        if self._thread is not None:
            self._thread.shutdown(wait=False, cancel_futures=True)
            self._thread = None
        self._close_process()

    def _worker_process(self) -> Executor | None:
        if self._process is not None:
            return self._process
        if self._process_failed or self._cpus < 2 or self.read <= self._process_after:
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


def _headers(page: Page) -> dict[str, str]:
    return {name: page.headers[name] for name in _HEADERS if name in page.headers}


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _ignore_interrupts() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the run's to handle: it closes the reader
