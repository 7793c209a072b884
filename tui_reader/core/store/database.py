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
from tui_reader.core.store.errors import StoreError, translate
from tui_reader.core.store.opening import (
    create_private,
    library_uri,
    prepare,
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
        try:
            # isolation_level=None: we issue BEGIN/COMMIT ourselves, so no write ever
            # sits in an implicit transaction. check_same_thread=False: workers share
            # the connection, serialised by self._lock. Without ``create``, a URI in
            # read-write mode: a library gone since is an error, not a new empty file.
            target = self.path if create else library_uri(self.path, "rw")
            conn = sqlite3.connect(
                target,
                timeout=timeout,
                isolation_level=None,
                check_same_thread=False,
                uri=not create,
            )
        except sqlite3.Error as exc:
            raise self._error("opening the library", exc) from exc
        self._conn = conn
        try:
            with self._guard("opening the library"):
                prepare(conn, self._name, self.path, check=check, timeout=timeout)
        except BaseException:
            self._conn = None
            with suppress(sqlite3.Error):
                conn.close()
            raise

    def quick_check(self) -> None:
        """Run ``PRAGMA quick_check`` on a connection of its own, read-only, so the
        library stays usable meanwhile (50-170 ms on a 10,000-post library); raise the
        :class:`StoreDamaged` if it finds a problem (another StoreError if it cannot
        check). The reader opens the library with ``check=False`` and calls this a
        moment after its first screen; on damage it calls :meth:`disable`."""
        conn = None
        try:
            conn = sqlite3.connect(library_uri(self.path, "ro"), uri=True, timeout=self._timeout)
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
                raise self._error(action, exc) from exc

    @contextmanager
    def _transaction(self, action: str, *, write: bool) -> Iterator[sqlite3.Connection]:
        """One transaction (:func:`~tui_reader.core.store.opening.transaction`) under the
        lock; sqlite3 errors become StoreError."""
        with self._guard(action) as conn, transaction(conn, write=write):
            yield conn

    def close(self) -> None:
        """Close the database. Safe to call twice."""
        with self._lock:
            conn, self._conn = self._conn, None
            if conn is None:
                return
            with suppress(sqlite3.Error):
                conn.execute("PRAGMA optimize")
            try:
                conn.close()
            except sqlite3.Error as exc:
                raise self._error("closing the library", exc) from exc
