"""Where a downloaded feed is parsed and saved during a refresh: worker processes, or a thread.

The bytes go in and a line of figures comes out: each worker saves what it parsed
through its own connection to the library file, so neither the articles nor the saving
come back to the refreshing process.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui_reader.core.feeds.model import FeedError, ParsedFeed
from tui_reader.core.feeds.parse import parse_feed
from tui_reader.core.sanitize import CleanError, clean_error, clean_line
from tui_reader.core.sources import FeedConfig

if TYPE_CHECKING:
    from tui_reader.core.store import Store


@dataclass(frozen=True, slots=True)
class Download:
    """A feed's bytes and what the server said of them."""

    body: bytes
    headers: dict[str, str]
    final_url: str
    etag: str | None = None
    last_modified: str | None = None


class SaveFailed(CleanError):
    """A parsed feed that could not be saved; the message is one clean line."""



@dataclass(frozen=True, slots=True)
class Saved:
    """What a parse and save gives back: the title, the entries cached, warnings."""

    title: str
    total: int
    message: str


def _parse_and_save(
    library: Store | str, feed: FeedConfig, download: Download, kwargs: dict[str, Any]
) -> Saved:
    """Parse a downloaded feed and save it: in a thread to the reader's ``Store``, or in a
    worker process through its own connection to the library file at that path.

    Raises :class:`FeedError` or :class:`SaveFailed`, both one clean line.
    """
    parsed = parse_feed(download.body, **kwargs)
    title = clean_line(feed.title) or parsed.title
    if feed.title:
        for article in parsed.articles:
            article.feed_title = title
    try:
        store = _worker_store(library) if isinstance(library, str) else library
        saved = _save(store, feed, parsed.title or title, parsed, download)
    except Exception as exc:  # noqa: BLE001 - StoreError, or worse: this feed's failure
        raise SaveFailed(clean_error(exc)) from None
    total = saved.entry_count if saved else len(parsed.articles)
    message = "; ".join(parsed.warnings[:2])
    return Saved(title or clean_line(feed.url), total, message)


def _save(
    store: Store, feed: FeedConfig, title: str, parsed: ParsedFeed, download: Download
) -> Any:
    """Save a fetched feed with its entries' search rows, in one transaction; its record."""
    from tui_reader.core.markdown.text import plain_text

    store.save_feed(
        feed.url,
        title=title,
        articles=parsed.articles,
        etag=download.etag,
        last_modified=download.last_modified,
        tags=feed.tags,
        search_texts=[plain_text(a.body or "") for a in parsed.articles],
    )
    return store.get_feed(feed.url)



MIN_FEEDS_FOR_PROCESSES = 4  # below this, starting processes costs more than it saves


class FeedParsers:
    """Where a downloaded feed is parsed and saved during a refresh: worker processes,
    or a thread.

    Parsing is pure Python and holds the GIL, so threads parse one feed at a time and
    slow the event loop down; a refresh of ``feeds`` (at least
    :data:`MIN_FEEDS_FOR_PROCESSES`) on a machine with several cores works in up to one
    process per core instead. Each worker also saves what it parsed, through its own
    connection to the library file (SQLite serialises the writers), so neither the
    articles nor the saving come back to this process: the bytes go in, and a line of
    figures comes out. The processes come from a "forkserver" (else "spawn"), never a
    bare fork of this threaded process. If they cannot start or break, the work goes on
    in a thread and the result is the same.
    """

    def __init__(self, feeds: int = 0, spare_cores: int = 0) -> None:
        """``spare_cores``: cores left to the rest of the program (the reader's keys)."""
        self.pool: Any = None
        cores = os.cpu_count() or 1
        workers = min(max(1, cores - spare_cores), feeds)
        if feeds >= MIN_FEEDS_FOR_PROCESSES and (workers >= 2 or cores > workers):
            # Niced only beside the reader: from cron nothing of ours waits for a core,
            # and a niced worker would lose it to every other program.
            self.pool = _process_pool(workers, nice=True) if spare_cores else _process_pool(workers)

    async def parse_and_save(
        self, store: Store, feed: FeedConfig, download: Download, **kwargs: Any
    ) -> Saved:
        """Parse a download (:func:`parse_feed`'s arguments) and save it to ``store``,
        off the event loop: in a worker, which writes to the same library file through
        its own connection, or else in a thread."""
        pool = self.pool
        if pool is not None:
            from tui_reader.core.store import StoreError  # loaded already: ``store`` is one

            try:  # the workers open the file by path: a disabled store would not stop them
                store.raise_if_disabled()
            except StoreError as exc:
                raise SaveFailed(str(exc)) from None
            path = os.fspath(store.path)
            try:
                # From a thread: a submit may start a worker, and the first one waits for
                # the forkserver to start (about 0.2 s) while the reader's keys wait.
                future = await asyncio.to_thread(
                    pool.submit, _parse_and_save, path, feed, download, kwargs
                )
                result: Saved = await asyncio.wrap_future(future)
                return result
            except (FeedError, SaveFailed):
                raise
            except Exception:  # noqa: BLE001 - a broken pool or an argument that won't pickle
                self.close()
        return await asyncio.to_thread(_parse_and_save, store, feed, download, kwargs)

    async def call(self, function: Any, *args: Any) -> Any:
        """``function(*args)`` off the event loop: in a worker when there are workers (a
        page's extraction during a refresh), else in a thread. A module-level function,
        with arguments that pickle."""
        pool = self.pool
        if pool is not None:
            try:
                future = await asyncio.to_thread(pool.submit, function, *args)
                return await asyncio.wrap_future(future)
            except Exception as exc:  # noqa: BLE001 - the function's own errors pass on
                if not _broken_pool(exc):
                    raise
                self.close()
        return await asyncio.to_thread(function, *args)

    def close(self) -> None:
        """Stop the processes, at once. A feed a worker was still saving is not saved
        (its save is one transaction: whole or not at all), and a feed not started is
        not started. A refresh ends with this too, when every feed is done; a refresh
        cancelled (the reader quits) must not wait for saves that may wait minutes for
        the write lock, and neither may the interpreter's exit."""
        pool, self.pool = self.pool, None
        if pool is not None:
            processes = list((getattr(pool, "_processes", None) or {}).values())
            pool.shutdown(wait=False, cancel_futures=True)
            for process in processes:
                with contextlib.suppress(OSError, ValueError):
                    process.terminate()


IN_THREAD = FeedParsers()


def _broken_pool(exc: BaseException) -> bool:
    from concurrent.futures.process import BrokenProcessPool

    return isinstance(exc, (BrokenProcessPool, RuntimeError))


_WORKER_STORES: dict[str, Store] = {}


WORKER_SAVE_WAIT = 120.0  # seconds a worker's save may wait for the others' (busy timeout)


def _worker_store(path: str) -> Store:
    """A worker's connection to the library, opened at its first save, closed as it ends.

    The reader opened the file before the refresh began and checks it itself: it is not
    checked here, and never created (a library moved away meanwhile makes the save fail, not a
    new empty one). The workers' saves take turns on SQLite's write lock, so each may
    wait long: a feed of 10,000 entries takes seconds to save, and five seconds (the
    reader's own busy timeout) made some of several such saves fail as "locked".
    """
    store = _WORKER_STORES.get(path)
    if store is None:
        from multiprocessing.util import Finalize

        from tui_reader.core.store import Store

        store = _WORKER_STORES[path] = Store(
            Path(path), check=False, create=False, timeout=WORKER_SAVE_WAIT
        )
        Finalize(None, store.close, exitpriority=10)  # run as a worker process exits
    return store


def _process_pool(workers: int, nice: bool = False) -> Any:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    try:
        methods = multiprocessing.get_all_start_methods()
        method = "forkserver" if "forkserver" in methods else "spawn"
        context = multiprocessing.get_context(method)
        if method == "forkserver":
            # Imported once in the server, so each worker starts ready to parse.
            # (BeautifulSoup and markdownify load in a worker only if it needs them.)
            context.set_forkserver_preload(
                ["__main__", "tui_reader.core.feeds.workers", "tui_reader.core.feeds.fastrss"]
            )
        _start_resource_tracker()
        return ProcessPoolExecutor(
            workers,
            mp_context=context,
            initializer=_worker_start,
            initargs=(_lifeline(), nice),
        )
    except (OSError, ValueError, ImportError, NotImplementedError):
        return None  # no semaphores or processes here (some sandboxes): use a thread


def _start_resource_tracker() -> None:
    """Start multiprocessing's resource tracker, which every pool needs, if it would not
    start by itself: it passes on the descriptor of ``sys.stderr``, and in the reader
    that is Textual's stand-in for it, whose ``fileno()`` is -1. (The tracker writes to
    the descriptor 2 it inherits in any case.)"""
    try:
        if sys.stderr.fileno() >= 0:
            return  # the pool starts it
    except (AttributeError, ValueError, OSError):
        pass
    from multiprocessing import resource_tracker

    with open(os.devnull, "w") as null, contextlib.redirect_stderr(null):
        resource_tracker.ensure_running()


_LIFELINE: Any = None  # (read end, write end) of a pipe that only this process holds open


def _lifeline() -> Any:
    """The read end of a pipe whose write end stays in this process alone (descriptors
    are not inherited, and the workers come from a forkserver or a fresh interpreter):
    each worker sees it end when this process ends, however it ends, even by SIGKILL.
    Then the forkserver and the resource tracker, which live as long as any worker
    does, end too. Nothing is ever written to it."""
    global _LIFELINE
    if _LIFELINE is None:
        import multiprocessing

        _LIFELINE = multiprocessing.Pipe(duplex=False)
    return _LIFELINE[0]


def _worker_start(lifeline: Any = None, nice: bool = False) -> None:
    """A parse worker: Ctrl+C is for the parent, warnings never reach the terminal, with
    ``nice`` it gives way to the reader, and it ends as soon as the refreshing process
    has gone (:func:`_lifeline`)."""
    import signal
    import threading
    import warnings

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    warnings.simplefilter("ignore")
    if nice:
        with contextlib.suppress(OSError, AttributeError):
            # A refresh in the reader: when the keys want a core, they win (as over the
            # scan's parse workers, core/local/pool.py).
            os.nice(5)
    if lifeline is not None:
        threading.Thread(target=_end_with_parent, args=(lifeline,), daemon=True).start()


def _end_with_parent(lifeline: Any) -> None:
    """Wait for the lifeline to end, then end this worker at once, whatever it is doing:
    a save in progress is one transaction, and is rolled back."""
    with contextlib.suppress(EOFError, OSError):
        lifeline.recv_bytes()
    os._exit(1)
