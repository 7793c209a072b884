"""The connection every part of the store shares: opening, one lock, transactions,
errors made one line, the later integrity check, and closing.

The connection is shared by threads (Textual workers) behind a lock. Every write is one
short ``BEGIN IMMEDIATE`` transaction: a crash or ``kill -9`` loses at most the write in
flight, never anything already committed (THREATS.md row 18).
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from tui_reader.core.paths import ensure_dir
from tui_reader.core.sanitize import clean_error, clean_line
from tui_reader.core.store.errors import StoreDamaged, StoreError, StoreReadOnly, translate
from tui_reader.core.store.opening import (
    create_private,
    library_uri,
    prepare,
    prepare_read_only,
    raise_if_damaged,
    transaction,
)


class Database:
    """The library file at ``path`` and the one connection the store's parts share.

    Raises :class:`StoreError` if the file cannot be used: it belongs to another program,
    it is damaged, it comes from a newer tui-reader, or the disk refuses. The file is
    never deleted, replaced or "repaired".
    """

    def __init__(
        self, path: Path, *, timeout: float = 5.0, check: bool = True, create: bool = True
    ) -> None:
        """Open (creating if needed, unless ``create`` is false) and migrate the library.

        ``timeout`` is how long a write waits for another instance's transaction (the
        SQLite busy timeout). ``check`` runs ``PRAGMA quick_check`` on an existing file.
        """
        self.path = Path(path)
        self._name = clean_line(os.fsdecode(self.path), 1000)
        self._timeout = timeout
        self._lock = threading.RLock()
        self._disabled: StoreError | None = None  # set by disable(): raised by every use
        self._conn: sqlite3.Connection | None = None
        if create:
            try:
                ensure_dir(self.path.parent)
            except OSError as exc:
                raise StoreError(
                    f"{self._name}: cannot create its folder: {clean_error(exc)}", self.path
                ) from exc
            create_private(self.path, self._name)
        # Why the library was opened read-only (its folder or file cannot be written
        # to), or None: then what it holds is read, and nothing is written.
        self.read_only: StoreReadOnly | None = None
        self._check_uri = library_uri(self.path, "ro")  # what quick_check opens
        # isolation_level=None: we issue BEGIN/COMMIT ourselves, so no write ever sits
        # in an implicit transaction. Without ``create``, a URI in read-write mode: a
        # library gone since is an error, not a new empty file.
        target = self.path if create else library_uri(self.path, "rw")
        conn = self._connect(target, uri=not create)
        try:
            with self._guard("opening the library"):
                prepare(conn, self._name, self.path, check=check, timeout=timeout)
        except StoreReadOnly:
            self._drop(conn)
            self._open_read_only(check)
        except BaseException as exc:
            self._drop(conn, leave_file_as_is=isinstance(exc, StoreDamaged))
            raise

    def _connect(self, target: str | Path, *, uri: bool) -> sqlite3.Connection:
        # check_same_thread=False: workers share the connection, serialised by the lock.
        try:
            self._conn = sqlite3.connect(
                target,
                timeout=self._timeout,
                isolation_level=None,
                check_same_thread=False,
                uri=uri,
            )
        except sqlite3.Error as exc:
            raise self._error("opening the library", exc) from exc
        return self._conn

    def _open_read_only(self, check: bool) -> None:
        """Open a library SQLite may not write, to show what it holds. Read-only WAL
        needs its -shm file, which a read-only folder may not let SQLite create: then
        the file is opened as immutable (nobody can write it there either)."""
        for immutable in (False, True):
            self._check_uri = library_uri(self.path, "ro", immutable=immutable)
            conn = self._connect(self._check_uri, uri=True)
            try:
                with self._guard("opening the library read-only"):
                    prepare_read_only(conn, self._name, self.path, check=check)
                break
            except BaseException as exc:
                self._drop(conn, leave_file_as_is=isinstance(exc, StoreDamaged))
                if immutable or not isinstance(exc, StoreReadOnly):
                    raise
        self.read_only = StoreReadOnly(
            f"{self._name}: the library's folder or file cannot be written to, so it was "
            "opened read-only: what it holds is shown, but reading state and feeds will "
            "not be saved in this session.",
            self.path,
        )

    def quick_check(self) -> None:
        """Run ``PRAGMA quick_check`` on a connection of its own, read-only, so the
        library stays usable meanwhile (50-170 ms on a 10,000-post library); raise the
        :class:`StoreDamaged` if it finds a problem (another StoreError if it cannot
        check). The reader opens the library with ``check=False`` and calls this a
        moment after its first screen; on damage it calls :meth:`disable`."""
        conn = None
        try:
            conn = sqlite3.connect(self._check_uri, uri=True, timeout=self._timeout)
            raise_if_damaged(conn, self._name, self.path)
        except sqlite3.Error as exc:  # "malformed" and the like say damaged (_error)
            raise self._error("checking the library", exc) from exc
        finally:
            if conn is not None:
                conn.close()

    def disable(self, reason: StoreError) -> None:
        """Refuse every further use (each raises ``reason``): for a library found damaged
        while open, so that no part of the reader, even one holding this object, writes
        to it again. Worker processes open the file by path: ask :meth:`raise_if_disabled`
        before handing them work."""
        with self._lock:
            self._disabled = reason

    @property
    def disabled(self) -> StoreError | None:
        """What every use raises since :meth:`disable` or since damage was found."""
        return self._disabled

    @property
    def writable(self) -> bool:
        """Whether a write may be tried at all: not read-only, not disabled."""
        return self.read_only is None and self._disabled is None

    def raise_if_disabled(self) -> None:
        if self._disabled is not None:
            raise self._disabled

    def _error(self, action: str, exc: sqlite3.Error) -> StoreError:
        return translate(exc, name=self._name, path=self.path, action=action, timeout=self._timeout)

    @contextmanager
    def _guard(self, action: str) -> Iterator[sqlite3.Connection]:
        """Hold the connection for one operation; sqlite3 errors become StoreError."""
        with self._lock:
            self.raise_if_disabled()
            conn = self._conn
            if conn is None:
                raise StoreError(f"{self._name}: {action}: the library is closed", self.path)
            try:
                yield conn
            except sqlite3.Error as exc:
                error = self._error(action, exc)
                if isinstance(error, StoreDamaged):
                    self._disabled = error  # found damaged: never written to again
                raise error from exc

    @contextmanager
    def _transaction(self, action: str, *, write: bool) -> Iterator[sqlite3.Connection]:
        """One transaction (:func:`~tui_reader.core.store.opening.transaction`) under the
        lock; sqlite3 errors become StoreError."""
        with self._guard(action) as conn, transaction(conn, write=write):
            yield conn

    def close(self) -> None:
        """Close the database. Safe to call twice. A library found damaged is closed
        without ``PRAGMA optimize`` and without the checkpoint SQLite makes on closing."""
        with self._lock:
            conn, self._conn = self._conn, None
            if conn is None:
                return
            if isinstance(self._disabled, StoreDamaged):
                self._close_leaving_file_as_is(conn)
                return
            if self.read_only is None:  # it may analyse, which writes
                with suppress(sqlite3.Error):
                    conn.execute("PRAGMA optimize")
            try:
                conn.close()
            except sqlite3.Error as exc:
                raise self._error("closing the library", exc) from exc

    def _drop(self, conn: sqlite3.Connection, *, leave_file_as_is: bool = False) -> None:
        """Let go of a connection that failed to open the library."""
        self._conn = None
        if leave_file_as_is:
            self._close_leaving_file_as_is(conn)
        else:
            with suppress(sqlite3.Error):
                conn.close()

    def _close_leaving_file_as_is(self, conn: sqlite3.Connection) -> None:
        """Close ``conn`` so that the file and its write-ahead log keep every byte.

        The last connection to close a WAL database copies the log into the file and
        deletes it, which would write the log's pages into a damaged file. It is only
        the last one if it can lock the file for itself: a read-only connection that
        has read holds a shared lock until it closes, so ``conn`` closes without that
        step; the read-only one then cannot write the file, so it leaves the log too.
        (Python 3.11's sqlite3 cannot set SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE.)"""
        holder = None
        with suppress(sqlite3.Error):
            holder = sqlite3.connect(library_uri(self.path, "ro"), uri=True)
            holder.execute("PRAGMA schema_version").fetchone()
        try:
            with suppress(sqlite3.Error):
                conn.close()
        finally:
            if holder is not None:
                holder.close()
