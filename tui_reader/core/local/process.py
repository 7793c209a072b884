"""The local scan in a child process, so it runs beside the interface instead of sharing
its interpreter lock.

``tui-reader`` starts the child first thing, before it imports Textual, so reading the
scan cache (or, on a first start, every file's front matter) overlaps with the
interface's own start, on another core. A scan thread would take turns with the UI
thread on one interpreter lock; bench/ and the README have the figures.

On Linux the child is a fork of the reader, taken first thing, while the reader has no
thread, lock or open connection to pass on: it needs no interpreter of its own to start
(0.1 s), and the modules imported so far come with it. Elsewhere, or once the reader has
threads, it is a fresh interpreter (``python -m tui_reader.core.local.process``) that
reads ``(sources, database path)`` pickled from its stdin. Either way it writes the
events of :func:`tui_reader.core.local.scan.scan_events` to its stdout, each pickled. Nothing
else in the child writes there, and it never touches the terminal: stdin is the request
pipe or the null device, stderr goes to the null device, and it runs in its own session.
It opens its own
connection to the library (scan cache and search index); SQLite's locking and WAL make
that safe beside the interface's connection.

Pickles only ever come from this child, through a pipe private to the two processes, and
are loaded with an unpickler that accepts only the scan's own classes.
"""

from __future__ import annotations

import os
import pickle
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from tui_reader import tuning

if TYPE_CHECKING:
    from tui_reader.core.local.events import ScanEvent

# The events are classes of another module: in the child this module is __main__, and
# pickles must name classes the parent can import. The loader is imported in the child
# only, so starting the child costs the reader no imports.


class ScanProcess:
    """A scan running in a child process; :meth:`events` yields what it finds."""

    def __init__(
        self, sources: list[str], database: Path | None, *, fork: bool | None = None
    ) -> None:
        """``fork``: None to fork when that is safe (Linux, no other thread), or say."""
        self._queue: queue.SimpleQueue[ScanEvent | None] | None = None
        if fork is None:
            fork = _fork_is_safe()
        self._child: subprocess.Popen[bytes] | _ForkedChild
        if fork:
            try:
                self._child = _ForkedChild(list(sources), database)
                return
            except OSError:
                pass  # no fork now (out of processes, memory): a fresh interpreter may do
        self._child = subprocess.Popen(
            [sys.executable, "-m", "tui_reader.core.local.process"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        assert self._child.stdin is not None
        try:
            self._child.stdin.write(pickle.dumps((list(sources), database)))
            self._child.stdin.close()
        except OSError:
            pass  # the child died at once; events() says so

    def read_ahead(self) -> None:
        """Read and unpickle the child's events from now on, in a thread, so that work
        overlaps with the reader's own start (importing Textual) instead of following
        it. :meth:`events` then takes them from there."""
        if self._queue is not None:
            return
        self._queue = queue.SimpleQueue()

        def pump(into: queue.SimpleQueue[ScanEvent | None]) -> None:
            for event in self._read():
                into.put(event)
            into.put(None)

        threading.Thread(target=pump, args=(self._queue,), name="scan-reader", daemon=True).start()

    def events(self) -> Iterator[ScanEvent]:
        """Each event as the child sends it, except that batches already waiting come
        together as one: a later start's snapshot arrives all at once, and the list is
        sorted and drawn once instead of once per thousand articles. A child that dies
        or garbles its output ends the stream with an error batch and
        :class:`ScanDone`, never an exception."""
        from tui_reader.core.local.events import Found

        self.read_ahead()
        waiting = self._queue
        assert waiting is not None
        taken = object()  # no event in hand
        event: object = waiting.get()
        while event is not None:
            if not isinstance(event, Found):
                yield event  # type: ignore[misc]
                event = waiting.get()
                continue
            gathered = Found(list(event.articles), list(event.errors))
            event = taken
            while not waiting.empty():
                event = waiting.get_nowait()
                if not isinstance(event, Found):
                    break
                gathered.articles += event.articles
                gathered.errors += event.errors
                event = taken
            yield gathered  # and not wait for more: the list shows what there is
            if event is taken:
                event = waiting.get()

    def _read(self) -> Iterator[ScanEvent]:
        from tui_reader.core.local.events import Found, ScanDone, load_event

        out = self._child.stdout
        assert out is not None
        problem = ""
        try:
            while True:
                event = load_event(out)
                yield event
                if isinstance(event, ScanDone):
                    return
        except EOFError:
            problem = "it ended early"
        except (pickle.UnpicklingError, OSError, AttributeError, ImportError, ValueError) as exc:
            problem = f"its output could not be read ({type(exc).__name__})"
        code = self._child.poll()
        if code is not None and code != 0:
            problem += f" (exit status {code})"
        yield Found([], [f"The scan of local posts stopped: {problem}. Restart to try again."])
        yield ScanDone([])

    def stop(self) -> None:
        """End the child and its parse workers if they are still running, and reap it.

        The child leads its own process group (its own session), and its workers are in
        it: one signal to the group ends them all, where killing the child alone left
        the workers waiting for work forever."""
        with suppress(ProcessLookupError, PermissionError):
            os.killpg(self._child.pid, signal.SIGKILL)
        if self._child.poll() is None:
            self._child.kill()
        with suppress(subprocess.TimeoutExpired):  # SIGKILL cannot be ignored
            self._child.wait(timeout=5)
        if self._child.stdout is not None:
            self._child.stdout.close()


_MAX_FD = 65536  # descriptors closed in a forked child: far above what the reader opens


def _fork_is_safe() -> bool:
    # Linux only (elsewhere system libraries may not survive a fork), and no thread: a
    # lock held by another thread at the fork would stay held in the child for ever.
    return sys.platform == "linux" and threading.active_count() == 1


class _ForkedChild:
    """The scan child as a fork of this process, with what ``stop`` and the tests use of
    a ``Popen``: ``pid``, ``stdout``, ``poll``, ``kill`` and ``wait``."""

    def __init__(self, sources: list[str], database: Path | None) -> None:
        read, write = os.pipe()
        for stream in (sys.stdout, sys.stderr):  # or the child would write it out again
            with suppress(Exception):
                stream.flush()
        # Ctrl+C held back over the fork: landing in the child before it has its own
        # session, it would send the child back into the reader's code.
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            pid = os.fork()
        except OSError:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
            os.close(read)
            os.close(write)
            raise
        if pid == 0:  # the child: never returns into the reader's code
            code = 1
            try:
                os.setsid()
                signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
                tuning.in_child()  # the reader's start settings are not the child's
                null = os.open(os.devnull, os.O_RDWR)
                os.dup2(null, 0)
                os.dup2(write, 1)
                os.dup2(null, 2)
                os.closerange(3, _MAX_FD)  # nothing else of the reader's stays open here
                # fd 1, not sys.stdout: that may be anything here (pytest's capture).
                code = _scan(sources, database, os.fdopen(1, "wb"))
            finally:
                os._exit(code)
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        os.close(write)
        self.pid = pid
        self.stdout: BinaryIO | None = os.fdopen(read, "rb")
        self.returncode: int | None = None
        self._reaping = threading.Lock()  # the reading thread and stop() both poll

    def poll(self) -> int | None:
        with self._reaping:
            if self.returncode is None:
                try:
                    pid, status = os.waitpid(self.pid, os.WNOHANG)
                except ChildProcessError:  # reaped elsewhere: gone, how is not known
                    self.returncode = -1
                else:
                    if pid:
                        self.returncode = os.waitstatus_to_exitcode(status)
            return self.returncode

    def kill(self) -> None:
        if self.poll() is None:
            with suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(f"scan process {self.pid}", timeout or 0)
            time.sleep(0.005)
        assert self.returncode is not None
        return self.returncode


def start_scan(sources: list[str], database: Path | None) -> ScanProcess | None:
    """A scan in a child process, or None when no child can be started (the caller then
    scans in a thread)."""
    try:
        return ScanProcess(sources, database)
    except OSError:
        return None


WORKERS_ENV = "TUI_READER_SCAN_WORKERS"  # parse processes; tests set it, users need not


def _workers() -> int:
    """Worker processes for parsing: one per core this process may use, on Linux only
    (the pool forks, which is safe here: the scan process has no threads)."""
    given = os.environ.get(WORKERS_ENV, "")
    if given.isdigit():
        return int(given)
    if sys.platform != "linux" or not hasattr(os, "sched_getaffinity"):
        return 0
    return len(os.sched_getaffinity(0))


def _widen_pipe(fd: int) -> None:
    """Let the pipe hold a whole batch (about 600 KB for 1,000 articles; Linux pipes
    hold 64 KB by default), so the scan goes on while the reader is busy drawing."""
    try:
        import fcntl

        fcntl.fcntl(fd, getattr(fcntl, "F_SETPIPE_SZ", 1031), 1 << 20)
    except (ImportError, OSError):
        pass  # not Linux, or over the system's limit: the default size works, slower


def _child_main() -> int:
    """``python -m tui_reader.core.local.process``: the request comes on stdin."""
    sources, database = pickle.load(sys.stdin.buffer)
    return _scan(sources, database, sys.stdout.buffer)


def _scan(sources: list[str], database: Path | None, out: BinaryIO) -> int:
    """The child's work: scan ``sources``, each event pickled to ``out`` (its stdout)."""
    from tui_reader.core.local.events import Found, ScanDone, dump_event
    from tui_reader.core.local.pool import ParsePool
    from tui_reader.core.local.scan import scan_events
    from tui_reader.core.sanitize import clean_error
    from tui_reader.core.store import Store, StoreError

    _widen_pipe(out.fileno())
    # Nothing but events may reach the pipe: a stray print would garble the stream.
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the process
    store = None
    if database is not None:
        try:
            store = Store(database, check=False)  # the interface checks it
        except StoreError:
            store = None  # the interface says so; the scan works without the cache
    pool = ParsePool(workers) if (workers := _workers()) > 1 else None
    try:
        for event in scan_events(sources, store, quick_first=True, raw=True, pool=pool):
            # Snapshot batches come already pickled, and go on as they are.
            out.write(event if isinstance(event, bytes) else dump_event(event))
            out.flush()
    except BrokenPipeError:
        return 0  # the reader has quit
    except Exception as exc:  # noqa: BLE001 - reported to the reader, whatever it was
        try:
            batch = Found([], [f"The scan of local posts failed: {clean_error(exc)}"])
            out.write(dump_event(batch) + dump_event(ScanDone([])))
            out.flush()
        except OSError:
            pass
        return 1
    finally:
        if pool is not None:
            pool.close()
        if store is not None:
            store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(_child_main())
