"""Worker processes that parse files for the scan process
(:func:`tui_reader.core.local.parse.parse_files`).

A first scan of a big library is bound by reading and parsing each file; one worker per
core spreads that over every core. The workers are forked from the scan
process, which has no threads of its own when the pool starts (the executor forks them
all before its manager thread starts), and they only parse: the cache, the search index
and the snapshot are written by the scan process alone.

A pool that cannot start (no semaphores in some sandboxes) or that breaks (a worker
killed) is not an error: the files are then parsed in the scan process itself.
"""

from __future__ import annotations

import os
import signal
from concurrent.futures import Executor, Future
from contextlib import suppress

from tui_reader.core.article import Article
from tui_reader.core.local.events import Found, dump_event
from tui_reader.core.local.parse import parse_files

Parsed = list[tuple[Article, str]]


class ParsePool:
    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.depth = workers + 1  # chunks parsed ahead of the one handed over
        self._executor: Executor | None = None
        self._broken = False

    def submit(self, files: list[str], source: str, root: str, quick: bool) -> Pending:
        """:func:`parse_files` in a worker."""
        return self._submit(parse_files, files, source, root, quick)

    def submit_listing(self, files: list[str], source: str, root: str) -> Pending:
        """Quick-parse files into a :class:`Found` event, pickled by the worker: it goes
        to the reader as these bytes."""
        return self._submit(listing, files, source, root)

    def _submit(self, work, *args) -> Pending:  # type: ignore[no-untyped-def]
        executor = self._started()
        if executor is not None:
            try:
                return Pending(work, args, executor.submit(work, *args))
            except RuntimeError:  # the pool broke (BrokenProcessPool is one)
                self._broken = True
        return Pending(work, args, None)

    def _started(self) -> Executor | None:
        if self._executor is None and not self._broken:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            # Imported before the fork, so no worker imports them again.
            import tui_reader.core.local.frontmatter  # noqa: F401

            try:
                self._executor = ProcessPoolExecutor(
                    self.workers,
                    mp_context=multiprocessing.get_context("fork"),
                    initializer=_worker_setup,
                )
            except (OSError, ValueError, ImportError, NotImplementedError):
                self._broken = True
        return None if self._broken else self._executor

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)


class Pending:
    """A parse handed to a worker; :meth:`result` parses here if the worker could not."""

    def __init__(self, work, args: tuple[object, ...], future: Future | None) -> None:  # type: ignore[no-untyped-def]
        self._work = work
        self._args = args
        self._future = future

    def result(self) -> Parsed | bytes:
        if self._future is not None:
            try:
                return self._future.result()
            except (RuntimeError, OSError):  # a worker died (BrokenProcessPool)
                pass
        return self._work(*self._args)


def listing(files: list[str], source: str, root: str) -> bytes:
    articles = [article for article, _plain in parse_files(files, source, root, True)]
    return dump_event(Found(articles, []))


def _worker_setup() -> None:
    """In each parse worker: niced, killed with the scan process (on Linux), so a scan
    process that dies, however it dies, leaves no worker behind, and not holding the
    scan's output pipe: only the scan process writes there, and the reader sees the
    pipe close when it ends."""
    with suppress(OSError):
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.close(null)
    with suppress(OSError, AttributeError):
        os.nice(5)  # when the reader and the workers want the same core, keys win
    with suppress(OSError, AttributeError, ImportError):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
        if os.getppid() == 1:  # the scan process died before prctl took effect
            os._exit(1)
