"""Opening a library file: creating it privately, making sure it is ours, switching it
to WAL, and migrating it one version at a time.

Every step that writes comes after the identity check: a file that is not ours (another
program's database, garbage, a library from a newer tui-reader) is left exactly as it
was, with no WAL switch and no migration.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from tui_reader.core.sanitize import clean_error
from tui_reader.core.store.errors import StoreError, damaged
from tui_reader.core.store.schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION, statements


@contextmanager
def transaction(conn: sqlite3.Connection, *, write: bool) -> Iterator[None]:
    """One transaction, committed if the block ends well and rolled back if not. Writes
    take the lock up front (BEGIN IMMEDIATE) so they wait on the busy timeout instead of
    failing when upgrading a read to a write."""
    conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
    try:
        yield
        conn.execute("COMMIT")
    except BaseException:
        # SQLite may already have rolled back (e.g. after SQLITE_FULL).
        if conn.in_transaction:
            with suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
        raise


def library_uri(path: Path, mode: str, *, immutable: bool = False) -> str:
    """The library as an SQLite URI: ``mode`` "rw" never creates it, "ro" never writes;
    ``immutable`` reads the file alone, with no locks and no -wal or -shm file."""
    return f"{path.absolute().as_uri()}?mode={mode}" + ("&immutable=1" if immutable else "")


def create_private(path: Path, name: str) -> None:
    """Create an empty library file readable by the user only (it records what the
    user reads); SQLite gives the -wal and -shm files the same permissions."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    except OSError as exc:
        raise StoreError(f"{name}: cannot create: {clean_error(exc)}", path) from exc
    os.close(fd)


def read_identity(conn: sqlite3.Connection) -> tuple[int, int, bool]:
    """(application id, schema version, whether any table exists)."""
    # In one read transaction: read one by one, another instance creating the file
    # could commit in between, and an id of 0 (not yet) with tables (now) made a
    # new library look like another program's database.
    own = not conn.in_transaction
    if own:
        conn.execute("BEGIN")
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        has_schema = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0
    except BaseException:
        if own:
            with suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
        raise
    if own:
        conn.execute("COMMIT")
    return app_id, version, has_schema


def check_identity(name: str, path: Path, identity: tuple[int, int, bool]) -> None:
    """Refuse a file that is not ours, or that a newer tui-reader made."""
    app_id, version, has_schema = identity
    if app_id != APPLICATION_ID and (app_id != 0 or has_schema):
        raise StoreError(f"{name}: not a tui-reader database; left untouched", path)
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{name}: made by a newer tui-reader (schema {version}, this version "
            f"knows {SCHEMA_VERSION}); left untouched",
            path,
        )


def raise_if_damaged(conn: sqlite3.Connection, name: str, path: Path) -> None:
    problems = conn.execute("PRAGMA quick_check").fetchall()
    if problems != [("ok",)]:
        raise damaged(name, path, str(problems[0][0]) if problems else "no answer")


def use_wal(conn: sqlite3.Connection, timeout: float) -> None:
    """Switch a new library to WAL. The switch needs the file to itself and SQLite
    does not wait for that (no busy timeout), so when another instance is creating
    the same new library at this moment, try again for up to the busy timeout."""
    deadline = time.monotonic() + timeout
    while conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
        try:
            conn.execute("PRAGMA journal_mode = WAL").fetchone()
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc).lower() or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def migrate_one(conn: sqlite3.Connection, name: str, path: Path) -> int:
    """Apply the next migration in its own transaction; return the new version.

    The version is read again under the write lock: another instance may have
    migrated the file since we looked.
    """
    with transaction(conn, write=True):
        identity = read_identity(conn)
        check_identity(name, path, identity)
        version = identity[1]
        if version < SCHEMA_VERSION:
            for statement in statements(MIGRATIONS[version]):
                conn.execute(statement)
            version += 1
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute(f"PRAGMA user_version = {version}")
            if conn.execute("PRAGMA foreign_key_check").fetchone() is not None:
                raise StoreError(
                    f"{name}: upgrading to schema {version} broke a reference; nothing was changed",
                    path,
                )
    return version


def prepare(
    conn: sqlite3.Connection, name: str, path: Path, *, check: bool, timeout: float
) -> None:
    """Make an open connection ready: ours, sound (if ``check``), in WAL, migrated."""
    # Identity first, with reads only: switching to WAL rewrites the file header,
    # which must not happen to a file that is not ours.
    identity = read_identity(conn)
    check_identity(name, path, identity)
    _app_id, version, has_schema = identity
    # Unchecked (the reader checks after its first screen), a file is still
    # checked before a migration writes to it.
    if has_schema and (check or version < SCHEMA_VERSION):
        raise_if_damaged(conn, name, path)
    # Persistent once set; a no-op afterwards. Where WAL is impossible (some
    # network filesystems) SQLite keeps its rollback journal, which is still safe.
    use_wal(conn, timeout)
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = ON")
    while version < SCHEMA_VERSION:
        version = migrate_one(conn, name, path)


def prepare_read_only(conn: sqlite3.Connection, name: str, path: Path, *, check: bool) -> None:
    """Make a read-only connection ready: ours, sound (if ``check``), and of this schema,
    since it cannot be migrated."""
    identity = read_identity(conn)
    check_identity(name, path, identity)
    _app_id, version, has_schema = identity
    if version < SCHEMA_VERSION:
        raise StoreError(
            f"{name}: cannot be written to, and made by an older tui-reader (schema "
            f"{version}): it cannot be upgraded here",
            path,
        )
    if has_schema and check:
        raise_if_damaged(conn, name, path)
