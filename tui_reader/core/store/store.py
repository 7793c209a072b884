"""The library database: cached feed entries, reading state, search index, scan cache.

One SQLite file (stdlib :mod:`sqlite3`), opened in WAL mode so a second tui-reader (or the
scan process, or a refresh's worker processes, each with its own connection) can read
while another writes. Every write is one short ``BEGIN IMMEDIATE`` transaction: a crash
or ``kill -9`` loses at most the write in flight, never anything already committed
(THREATS.md row 18).

Design rules, each answering a way state gets lost elsewhere:

* User state (``state``: read, starred, position) lives in its own table keyed by
  ``Article.key``. Nothing that touches cached content ever deletes from it, so no
  refresh, rescan or schema migration can clear it.
* Feed entries are upserted by (feed URL, entry id) and never deleted because they were
  missing from the latest fetch (row 13). An empty fetch changes no entries.
* A file that is not ours (another program's SQLite database, garbage, a damaged
  library) is reported with :class:`StoreError` and left exactly as it was: no reset,
  no "repair", no WAL switch before the identity checks.
* No raw :mod:`sqlite3` exception reaches the caller; each becomes a one-line
  :class:`StoreError` naming the file and the problem (locked, disk full, damaged...).
* Keys and paths may hold lone surrogates (undecodable file names, row 16). Those are
  stored as UTF-8 BLOBs with ``surrogatepass`` so they round-trip exactly; other keys
  stay readable TEXT. Display text has surrogates replaced by U+FFFD.

The connection is shared by threads (Textual workers) behind a lock.
"""

from __future__ import annotations

import json
import math
import os
import re
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tui_reader.core.article import Article, Heading
from tui_reader.core.paths import ensure_dir
from tui_reader.core.sanitize import clean_error, clean_line

__all__ = [
    "APPLICATION_ID",
    "MIGRATIONS",
    "ArticleState",
    "FeedRecord",
    "Store",
    "StoreError",
    "StoreLocked",
    "fts_query",
]

# "TUIR": marks the file as ours so we never migrate someone else's database.
APPLICATION_ID = 0x54554952

# One SQL script per schema version; MIGRATIONS[n] turns version n into n + 1. Append
# only: a released script is never edited, or existing libraries would drift.
MIGRATIONS: list[str] = [
    # v1: the base tables. Cached content (feeds, entries, scan_cache) is kept apart
    # from user state (state) so that rewriting content can never clear state.
    """
    CREATE TABLE feeds (
        url           TEXT PRIMARY KEY NOT NULL,
        title         TEXT NOT NULL DEFAULT '',
        tags_json     TEXT NOT NULL DEFAULT '[]',
        etag          TEXT,
        last_modified TEXT,
        last_checked  TEXT,
        last_updated  TEXT,
        last_error    TEXT NOT NULL DEFAULT '',
        added_at      TEXT NOT NULL
    );
    CREATE TABLE entries (
        feed_url      TEXT NOT NULL REFERENCES feeds(url),
        entry_id      TEXT NOT NULL,
        key           TEXT NOT NULL UNIQUE,
        title         TEXT NOT NULL DEFAULT '',
        link          TEXT NOT NULL DEFAULT '',
        location      TEXT NOT NULL DEFAULT '',
        author        TEXT NOT NULL DEFAULT '',
        date          TEXT,
        lastmod       TEXT,
        tags_json     TEXT NOT NULL DEFAULT '[]',
        summary       TEXT NOT NULL DEFAULT '',
        body          TEXT,
        words         INTEGER NOT NULL DEFAULT 0,
        cjk           INTEGER NOT NULL DEFAULT 0,
        headings_json TEXT NOT NULL DEFAULT '[]',
        feed_title    TEXT NOT NULL DEFAULT '',
        warnings_json TEXT NOT NULL DEFAULT '[]',
        first_seen    TEXT NOT NULL,
        updated_at    TEXT NOT NULL,
        PRIMARY KEY (feed_url, entry_id)
    );
    CREATE TABLE state (
        key        TEXT PRIMARY KEY NOT NULL,
        read       INTEGER NOT NULL DEFAULT 0,
        starred    INTEGER NOT NULL DEFAULT 0,
        position   REAL NOT NULL DEFAULT 0,
        progress   REAL NOT NULL DEFAULT 0,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE scan_cache (
        path         TEXT PRIMARY KEY NOT NULL,
        mtime        REAL NOT NULL,
        size         INTEGER NOT NULL,
        article_json TEXT NOT NULL
    );
    """,
    # v2: full-text search over the whole library. fts_rows maps a key to a stable
    # rowid, so replacing one article's row is a rowid delete, not a scan of the index.
    """
    CREATE VIRTUAL TABLE fts USING fts5(
        key UNINDEXED, title, tags, author, body,
        tokenize = 'unicode61 remove_diacritics 2'
    );
    CREATE TABLE fts_rows (
        id  INTEGER PRIMARY KEY,
        key TEXT NOT NULL UNIQUE
    );
    """,
    # v3: when the user last opened an article (for "recently read").
    """
    ALTER TABLE state ADD COLUMN opened_at TEXT;
    """,
    # v4: scan snapshots (core/snapshot.py): a source folder's articles in one blob, so a
    # later start of a big library reads one row instead of one per file.
    """
    CREATE TABLE scan_snapshot (
        root   TEXT NOT NULL,
        source TEXT NOT NULL,
        data   BLOB NOT NULL,
        PRIMARY KEY (root, source)
    );
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)

# bm25 weights per fts column: key (unindexed), title, tags, author, body.
_BM25 = "bm25(fts, 0.0, 10.0, 5.0, 3.0, 1.0)"
_SCAN_FORMAT = 1  # bump when the scan-cache JSON changes; old rows then miss
_SURROGATES = re.compile(r"[\ud800-\udfff]")
_QUERY_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_MAX_QUERY_TOKENS = 32


class StoreError(Exception):
    """The library database could not be used. The message is one line, fit to show."""

    def __init__(self, message: str, path: Path | None = None) -> None:
        super().__init__(clean_line(message, 2000))
        self.path = path


class StoreLocked(StoreError):
    """Another program held the database locked for longer than the busy timeout."""


class StoreDamaged(StoreError):
    """The file is damaged (SQLite finds it malformed): it is kept, not written to."""


@dataclass(slots=True)
class FeedRecord:
    """What the library knows about one feed (its entries are fetched separately)."""

    url: str
    title: str = ""
    tags: tuple[str, ...] = ()
    etag: str | None = None
    last_modified: str | None = None
    last_checked: datetime | None = None
    last_updated: datetime | None = None
    last_error: str = ""
    entry_count: int = 0


@dataclass(slots=True)
class ArticleState:
    """The user's state for one article.

    ``position`` is the fraction (0..1) of the article at the top of the view when last
    saved; ``progress`` is the furthest fraction ever reached.
    """

    read: bool = False
    starred: bool = False
    position: float = 0.0
    progress: float = 0.0
    opened_at: datetime | None = None


# --- value conversion -------------------------------------------------------------------


def _k(value: str) -> str | bytes:
    """A key or path as stored: TEXT normally, a UTF-8 BLOB if it holds lone surrogates.

    The mapping is a function of the string, so lookups bind the same value that was
    stored; TEXT and BLOB never compare equal, so no two keys collide.
    """
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return value.encode("utf-8", "surrogatepass")
    return value


def _unk(value: str | bytes) -> str:
    return value.decode("utf-8", "surrogatepass") if isinstance(value, bytes) else value


def _t(value: str | None) -> str:
    """Display text made storable: sqlite3 refuses lone surrogates, so they become U+FFFD."""
    if not value:
        return ""
    return _SURROGATES.sub("\ufffd", value) if _SURROGATES.search(value) else value


def _opt(value: str | None) -> str | None:
    return None if value is None else _t(value)


def _iso(value: datetime | None) -> str | None:
    # Kept as given (offset included) so a cached article equals a freshly parsed one.
    return None if value is None else value.isoformat()


def _dt(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _dump(values: Iterable[Any]) -> str:
    # ensure_ascii (the default) escapes lone surrogates as \udcxx, so the JSON is pure
    # ASCII, always storable, and json.loads gives the exact strings back.
    return json.dumps(list(values))


def _load_list(text: object) -> list[Any]:
    if not isinstance(text, str):
        return []
    try:
        value = json.loads(text)
    except ValueError:
        return []
    return value if isinstance(value, list) else []


def _strings(text: object) -> tuple[str, ...]:
    return tuple(item for item in _load_list(text) if isinstance(item, str))


def _headings(items: Iterable[Any]) -> tuple[Heading, ...]:
    out: list[Heading] = []
    for item in items:
        if isinstance(item, list) and len(item) == 3:
            level, text, anchor = item
            if isinstance(level, int) and isinstance(text, str) and isinstance(anchor, str):
                out.append(Heading(level, text, anchor))
    return tuple(out)


def _fraction(value: float) -> float:
    value = float(value)
    if not math.isfinite(value):
        return 0.0
    return min(1.0, max(0.0, value))


def _sort_time(value: datetime | None) -> float:
    if value is None:
        return float("-inf")
    if value.tzinfo is None:  # naive and aware datetimes cannot be compared directly
        value = value.replace(tzinfo=UTC)
    return value.timestamp()


_IN_CHUNK = 500  # parameters per "IN (...)" query; old SQLite builds allow 999


def _scan_json(article: Article) -> str:
    """Everything needed to rebuild a local article without reading its file.

    The body is left out on purpose: ``body=None`` means "read it from ``location``",
    and the file, not the cache, is the truth for content.
    """
    return json.dumps(
        {
            "v": _SCAN_FORMAT,
            "key": article.key,
            "title": article.title,
            "kind": article.kind,
            "date": _iso(article.date),
            "lastmod": _iso(article.lastmod),
            "author": article.author,
            "tags": list(article.tags),
            "summary": article.summary,
            "draft": article.draft,
            "words": article.words,
            "cjk": article.cjk,
            "source": article.source,
            "location": article.location,
            "link": article.link,
            "headings": [list(heading) for heading in article.headings],
            "feed_title": article.feed_title,
            "warnings": list(article.warnings),
            "mtime": article.mtime,
            "size": article.size,
        }
    )


def _scan_article(text: str) -> Article | None:
    """Rebuild an article from :func:`_scan_json`; anything unexpected is a cache miss."""
    try:
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("v") != _SCAN_FORMAT:
            return None
        kind = data["kind"] if data["kind"] in ("local", "feed") else "local"
        return Article(
            key=str(data["key"]),
            title=str(data["title"]),
            kind=kind,
            date=_dt(data["date"]),
            lastmod=_dt(data["lastmod"]),
            author=str(data["author"]),
            tags=tuple(str(t) for t in data["tags"]),
            summary=str(data["summary"]),
            draft=bool(data["draft"]),
            words=int(data["words"]),
            cjk=bool(data["cjk"]),
            source=str(data["source"]),
            location=str(data["location"]),
            link=str(data["link"]),
            headings=_headings(data["headings"]),
            feed_title=str(data["feed_title"]),
            warnings=tuple(str(w) for w in data["warnings"]),
            mtime=float(data["mtime"]),
            size=int(data["size"]),
        )
    except (ValueError, KeyError, TypeError):
        return None


def _statements(script: str) -> Iterator[str]:
    """Split a migration script into statements.

    ``executescript`` would COMMIT first, breaking the one-transaction-per-migration rule,
    so statements are run one by one inside our own transaction.
    """
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            yield buffer.strip()
            buffer = ""
    if buffer.strip():
        yield buffer.strip()


IndexRow = tuple[str | bytes, str, str, str, str]  # key, title, tags, author, body


def _index_rows(items: Iterable[tuple[Article, str]]) -> list[IndexRow]:
    """Search rows of (article, plain body text) pairs; the last row of a key wins, as
    if written one after another."""
    rows = [
        (_k(a.key), _t(a.title), _t(" ".join(a.tags)), _t(a.author), _t(text)) for a, text in items
    ]
    return list({row[0]: row for row in rows}.values())


def _write_index(conn: sqlite3.Connection, rows: list[IndexRow]) -> None:
    """Add or replace these search rows, inside the caller's write transaction.

    A few statements per batch rather than four per article: on a first scan of 10,000
    posts the per-statement cost was most of the indexing."""
    keys = [row[0] for row in rows]
    conn.executemany(
        "INSERT INTO fts_rows (key) VALUES (?) ON CONFLICT (key) DO NOTHING",
        [(key,) for key in keys],
    )
    ids: dict[str | bytes, int] = {}
    for start in range(0, len(keys), _IN_CHUNK):
        chunk = keys[start : start + _IN_CHUNK]
        ids.update(
            conn.execute(
                f"SELECT key, id FROM fts_rows WHERE key IN ({','.join('?' * len(chunk))})",
                chunk,
            ).fetchall()
        )
    conn.executemany("DELETE FROM fts WHERE rowid = ?", [(ids[key],) for key in keys])
    conn.executemany(
        "INSERT INTO fts (rowid, key, title, tags, author, body) VALUES (?, ?, ?, ?, ?, ?)",
        [(ids[row[0]], *row) for row in rows],
    )


def fts_query(text: str) -> str | None:
    """Turn free text into a safe FTS5 query, or None if nothing is searchable.

    Every token is quoted (inner quotes doubled), so operators and punctuation such as
    ``AND``, ``*``, ``NEAR(`` or a stray ``"`` are plain words. Tokens are ANDed; the
    last one is a prefix so results appear while the user types. Control characters
    are dropped because FTS5 stops reading a query at NUL ("unterminated string").
    """
    text = _QUERY_CONTROLS.sub(" ", _t(text[:2000]))
    tokens = [tok for tok in text.split() if any(ch.isalnum() for ch in tok)]
    if not tokens:
        return None
    parts = ['"' + tok.replace('"', '""') + '"' for tok in tokens[:_MAX_QUERY_TOKENS]]
    parts[-1] += "*"
    return " ".join(parts)


_FEED_COLUMNS = (
    "f.url, f.title, f.tags_json, f.etag, f.last_modified, f.last_checked, f.last_updated,"
    " f.last_error, (SELECT count(*) FROM entries e WHERE e.feed_url = f.url)"
)
_ENTRY_COLUMNS = (
    "feed_url, key, title, link, location, author, date, lastmod, tags_json, summary, body,"
    " words, cjk, headings_json, feed_title, warnings_json"
)


_ENTRY_NAMES = tuple(name.strip() for name in _ENTRY_COLUMNS.split(","))
_ENTRY_IDENTITY = frozenset({"feed_url", "entry_id", "key"})
_ENTRY_VALUES = (
    "feed_url", "entry_id", "key", "title", "link", "location", "author", "date", "lastmod",
    "tags_json", "summary", "body", "words", "cjk", "headings_json", "feed_title",
    "warnings_json", "updated_at",
)  # fmt: skip
_INSERT_ENTRY = (
    f"INSERT INTO entries ({', '.join(_ENTRY_VALUES)}, first_seen)"
    f" VALUES ({', '.join(':' + c for c in _ENTRY_VALUES)}, :updated_at)"
)
_UPDATE_ENTRY = (
    "UPDATE entries SET "
    + ", ".join(f"{c} = :{c}" for c in _ENTRY_VALUES if c not in _ENTRY_IDENTITY)
    + " WHERE feed_url = :feed_url AND entry_id = :entry_id"
)


def _feed_record(row: sqlite3.Row | tuple[Any, ...]) -> FeedRecord:
    url, title, tags_json, etag, last_modified, checked, updated, error, count = row
    return FeedRecord(
        url=_unk(url),
        title=title,
        tags=_strings(tags_json),
        etag=etag,
        last_modified=last_modified,
        last_checked=_dt(checked),
        last_updated=_dt(updated),
        last_error=error,
        entry_count=count,
    )


def _entry_article(row: tuple[Any, ...]) -> Article:
    r = dict(zip(_ENTRY_NAMES, row, strict=True))
    return Article(
        key=_unk(r["key"]),
        title=r["title"],
        kind="feed",
        date=_dt(r["date"]),
        lastmod=_dt(r["lastmod"]),
        author=r["author"],
        tags=_strings(r["tags_json"]),
        summary=r["summary"],
        words=r["words"],
        cjk=bool(r["cjk"]),
        source=_unk(r["feed_url"]),
        location=r["location"],
        link=r["link"],
        headings=_headings(_load_list(r["headings_json"])),
        body=r["body"],
        feed_title=r["feed_title"],
        warnings=_strings(r["warnings_json"]),
    )


# --- the store --------------------------------------------------------------------------


class Store:
    """The library database at ``path``. Use as a context manager, or call :meth:`close`.

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
            self._create_private()
        try:
            # isolation_level=None: we issue BEGIN/COMMIT ourselves, so no write ever
            # sits in an implicit transaction. check_same_thread=False: workers share
            # the connection, serialised by self._lock. Without ``create``, a URI in
            # read-write mode: a library gone since is an error, not a new empty file.
            target = self.path if create else self._uri("rw")
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
            self._open(conn, check)
        except BaseException:
            self._conn = None
            with suppress(sqlite3.Error):
                conn.close()
            raise

    # -- opening ----------------------------------------------------------------------

    def _create_private(self) -> None:
        # The library records what the user reads: create it readable by the user only.
        # SQLite gives the -wal and -shm files the same permissions.
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return
        except OSError as exc:
            raise StoreError(f"{self._name}: cannot create: {clean_error(exc)}", self.path) from exc
        os.close(fd)

    def _identity(self, conn: sqlite3.Connection) -> tuple[int, int, bool]:
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

    def _check_identity(self, app_id: int, version: int, has_schema: bool) -> None:
        if app_id != APPLICATION_ID and (app_id != 0 or has_schema):
            raise StoreError(f"{self._name}: not a tui-reader database; left untouched", self.path)
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self._name}: made by a newer tui-reader (schema {version}, this version "
                f"knows {SCHEMA_VERSION}); left untouched",
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
            conn = sqlite3.connect(self._uri("ro"), uri=True, timeout=self._timeout)
            self._raise_if_damaged(conn)
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

    def _uri(self, mode: str) -> str:
        """The library as an SQLite URI: ``mode`` "rw" never creates it, "ro" never writes."""
        return f"{self.path.absolute().as_uri()}?mode={mode}"

    def _raise_if_damaged(self, conn: sqlite3.Connection) -> None:
        problems = conn.execute("PRAGMA quick_check").fetchall()
        if problems != [("ok",)]:
            raise self._damaged(str(problems[0][0]) if problems else "no answer")

    def _damaged(self, detail: str) -> StoreError:
        return StoreDamaged(
            f"{self._name}: database is damaged ({clean_line(detail, 200)}); it was kept, "
            "not replaced. Move it away to start fresh.",
            self.path,
        )

    def _open(self, conn: sqlite3.Connection, check: bool) -> None:
        with self._guard("opening the library"):
            # Identity first, with reads only: switching to WAL rewrites the file header,
            # which must not happen to a file that is not ours.
            app_id, version, has_schema = self._identity(conn)
            self._check_identity(app_id, version, has_schema)
            # Unchecked (the reader checks after its first screen), a file is still
            # checked before a migration writes to it.
            if has_schema and (check or version < SCHEMA_VERSION):
                self._raise_if_damaged(conn)
            # Persistent once set; a no-op afterwards. Where WAL is impossible (some
            # network filesystems) SQLite keeps its rollback journal, which is still safe.
            self._use_wal(conn)
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            while version < SCHEMA_VERSION:
                version = self._migrate_one(conn)

    def _use_wal(self, conn: sqlite3.Connection) -> None:
        """Switch a new library to WAL. The switch needs the file to itself and SQLite
        does not wait for that (no busy timeout), so when another instance is creating
        the same new library at this moment, try again for up to the busy timeout."""
        deadline = time.monotonic() + self._timeout
        while conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
            try:
                conn.execute("PRAGMA journal_mode = WAL").fetchone()
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc).lower() or time.monotonic() > deadline:
                    raise
                time.sleep(0.01)

    def _migrate_one(self, conn: sqlite3.Connection) -> int:
        """Apply the next migration in its own transaction; return the new version.

        The version is read again under the write lock: another instance may have
        migrated the file since we looked.
        """
        conn.execute("BEGIN IMMEDIATE")
        try:
            app_id, version, has_schema = self._identity(conn)
            self._check_identity(app_id, version, has_schema)
            if version < SCHEMA_VERSION:
                for statement in _statements(MIGRATIONS[version]):
                    conn.execute(statement)
                version += 1
                conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                conn.execute(f"PRAGMA user_version = {version}")
                if conn.execute("PRAGMA foreign_key_check").fetchone() is not None:
                    raise StoreError(
                        f"{self._name}: upgrading to schema {version} broke a reference; "
                        "nothing was changed",
                        self.path,
                    )
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                with suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
            raise
        return version

    # -- plumbing -----------------------------------------------------------------------

    def _error(self, action: str, exc: sqlite3.Error) -> StoreError:
        """Turn a sqlite3 exception into a one-line StoreError saying what went wrong."""
        code = getattr(exc, "sqlite_errorname", None) or ""
        text = str(exc)
        lowered = text.lower()
        if code.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "database is locked" in lowered:
            return StoreLocked(
                f"{self._name}: {action}: the database is locked by another program "
                f"(waited {self._timeout:g} s); try again",
                self.path,
            )
        if code.startswith("SQLITE_FULL") or "disk is full" in lowered:
            return StoreError(
                f"{self._name}: {action}: the disk is full; the change was not saved",
                self.path,
            )
        if (
            code.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB"))
            or "not a database" in lowered
            or "malformed" in lowered
        ):
            return self._damaged(text)
        if code.startswith("SQLITE_READONLY"):
            return StoreError(f"{self._name}: {action}: the database is read-only", self.path)
        if code.startswith("SQLITE_CANTOPEN"):
            return StoreError(f"{self._name}: {action}: cannot open the file", self.path)
        if code.startswith("SQLITE_IOERR"):
            return StoreError(
                f"{self._name}: {action}: disk I/O error ({clean_error(exc)})", self.path
            )
        return StoreError(f"{self._name}: {action}: {clean_error(exc)}", self.path)

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
        """One transaction. Writes take the lock up front (BEGIN IMMEDIATE) so they wait
        on the busy timeout instead of failing when upgrading a read to a write."""
        with self._guard(action) as conn:
            conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                # SQLite may already have rolled back (e.g. after SQLITE_FULL).
                if conn.in_transaction:
                    with suppress(sqlite3.Error):
                        conn.execute("ROLLBACK")
                raise

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

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- feeds --------------------------------------------------------------------------

    def get_feed(self, url: str) -> FeedRecord | None:
        """The record for ``url``, or None if the feed was never saved."""
        with self._guard("reading a feed") as conn:
            row = conn.execute(
                f"SELECT {_FEED_COLUMNS} FROM feeds f WHERE f.url = ?", (_k(url),)
            ).fetchone()
        return None if row is None else _feed_record(row)

    def feeds(self) -> list[FeedRecord]:
        """Every feed the library knows, by title then URL."""
        with self._guard("listing feeds") as conn:
            rows = conn.execute(f"SELECT {_FEED_COLUMNS} FROM feeds f").fetchall()
        records = [_feed_record(row) for row in rows]
        records.sort(key=lambda r: (r.title.casefold(), r.url))
        return records

    def save_feed(
        self,
        url: str,
        *,
        title: str,
        articles: list[Article],
        etag: str | None,
        last_modified: str | None,
        tags: Iterable[str] | None = None,
        search_texts: Iterable[str] | None = None,
    ) -> int:
        """Store a successful fetch of ``url`` and return how many entries were new.

        With ``search_texts`` (the plain text of each article, in order) the entries'
        search rows are written in the same transaction: never entries without them.

        Entries are upserted by (feed, entry id), the part of ``Article.key`` after
        ``feed:<url>::``; ``first_seen`` is kept. Entries missing from this fetch stay,
        and an empty ``articles`` changes no entries. Metadata (title, ETag,
        Last-Modified, last_checked, last_updated) is updated and the last error cleared
        in the same transaction, so a crash leaves either the old or the new feed, and
        the next refresh retries. An empty ``title`` keeps the known one; ``tags=None``
        keeps the known tags. Duplicate ids in one fetch: the first one wins.

        Raises ValueError (before writing anything) if an article's key does not belong
        to this feed: that is a bug in the caller, not a storage problem.
        """
        prefix = f"feed:{url}::"
        unique: dict[str, Article] = {}
        for article in articles:
            if not article.key.startswith(prefix) or len(article.key) == len(prefix):
                raise ValueError(f"article key {article.key!r} is not an entry of {url!r}")
            unique.setdefault(article.key[len(prefix) :], article)
        now = _now()
        feed_url = _k(url)
        new = 0
        index = (
            None if search_texts is None else _index_rows(zip(articles, search_texts, strict=True))
        )
        with self._transaction(f"saving the feed {url}", write=True) as conn:
            conn.execute(
                """
                INSERT INTO feeds (url, title, tags_json, etag, last_modified, last_checked,
                                   last_updated, last_error, added_at)
                VALUES (:url, :title, coalesce(:tags, '[]'), :etag, :lm, :now, :now, '', :now)
                ON CONFLICT (url) DO UPDATE SET
                    title = CASE WHEN excluded.title <> '' THEN excluded.title
                                 ELSE feeds.title END,
                    tags_json = coalesce(:tags, feeds.tags_json),
                    etag = excluded.etag,
                    last_modified = excluded.last_modified,
                    last_checked = excluded.last_checked,
                    last_updated = excluded.last_updated,
                    last_error = ''
                """,
                {
                    "url": feed_url,
                    "title": _t(title),
                    "tags": None if tags is None else _dump(_t(t) for t in tags),
                    "etag": _opt(etag),
                    "lm": _opt(last_modified),
                    "now": now,
                },
            )
            rows = [self._entry_values(feed_url, i, a, now) for i, a in unique.items()]
            known = {
                entry_id
                for (entry_id,) in conn.execute(
                    "SELECT entry_id FROM entries WHERE feed_url = ?", (feed_url,)
                )
            }
            fresh = [row for row in rows if row["entry_id"] not in known]
            if fresh:
                conn.executemany(_INSERT_ENTRY, fresh)
            if len(fresh) < len(rows):
                conn.executemany(_UPDATE_ENTRY, [r for r in rows if r["entry_id"] in known])
            new = len(fresh)
            if index:
                _write_index(conn, index)
        return new

    @staticmethod
    def _entry_values(
        feed_url: str | bytes, entry_id: str, article: Article, now: str
    ) -> dict[str, Any]:
        return {
            "feed_url": feed_url,
            "entry_id": _k(entry_id),
            "key": _k(article.key),
            "title": _t(article.title),
            "link": _t(article.link),
            "location": _t(article.location),
            "author": _t(article.author),
            "date": _iso(article.date),
            "lastmod": _iso(article.lastmod),
            "tags_json": _dump(article.tags),
            "summary": _t(article.summary),
            "body": None if article.body is None else _t(article.body),
            "words": int(article.words),
            "cjk": int(bool(article.cjk)),
            "headings_json": _dump(list(heading) for heading in article.headings),
            "feed_title": _t(article.feed_title),
            "warnings_json": _dump(article.warnings),
            "updated_at": now,
        }

    def mark_not_modified(self, url: str) -> None:
        """Record a 304 Not Modified: only ``last_checked`` changes."""
        now = _now()
        with self._transaction(f"saving the feed {url}", write=True) as conn:
            conn.execute(
                "INSERT INTO feeds (url, last_checked, added_at) VALUES (?, ?, ?)"
                " ON CONFLICT (url) DO UPDATE SET last_checked = excluded.last_checked",
                (_k(url), now, now),
            )

    def record_feed_error(self, url: str, message: str) -> None:
        """Record a failed fetch: only ``last_error`` and ``last_checked`` change."""
        now = _now()
        with self._transaction(f"saving the feed {url}", write=True) as conn:
            conn.execute(
                "INSERT INTO feeds (url, last_error, last_checked, added_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (url) DO UPDATE SET last_error = excluded.last_error,"
                " last_checked = excluded.last_checked",
                (_k(url), clean_error(message), now, now),
            )

    def feed_articles(self, url: str | None = None) -> list[Article]:
        """Cached entries (of one feed, or all), newest first, bodies included."""
        with self._guard("reading feed entries") as conn:
            if url is None:
                rows = conn.execute(f"SELECT {_ENTRY_COLUMNS} FROM entries").fetchall()
            else:
                rows = conn.execute(
                    f"SELECT {_ENTRY_COLUMNS} FROM entries WHERE feed_url = ?", (_k(url),)
                ).fetchall()
        articles = [_entry_article(row) for row in rows]
        articles.sort(key=lambda a: (_sort_time(a.date), a.key), reverse=True)
        return articles

    def entry_counts(self) -> dict[str, int]:
        """Number of cached entries per feed URL (feeds without entries are absent)."""
        with self._guard("counting feed entries") as conn:
            rows = conn.execute(
                "SELECT feed_url, count(*) FROM entries GROUP BY feed_url"
            ).fetchall()
        return {_unk(url): count for url, count in rows}

    # -- user state ---------------------------------------------------------------------

    def states(self) -> dict[str, ArticleState]:
        """The state of every article the user ever touched, by key."""
        with self._guard("reading reading state") as conn:
            rows = conn.execute(
                "SELECT key, read, starred, position, progress, opened_at FROM state"
            ).fetchall()
        return {
            _unk(key): ArticleState(bool(read), bool(starred), position, progress, _dt(opened))
            for key, read, starred, position, progress, opened in rows
        }

    def state(self, key: str) -> ArticleState:
        """The state of one article (defaults if never touched)."""
        with self._guard("reading reading state") as conn:
            row = conn.execute(
                "SELECT read, starred, position, progress, opened_at FROM state WHERE key = ?",
                (_k(key),),
            ).fetchone()
        if row is None:
            return ArticleState()
        read, starred, position, progress, opened = row
        return ArticleState(bool(read), bool(starred), position, progress, _dt(opened))

    def _set(self, key: str, column: str, value: object) -> None:
        # column is one of our own names, never user input.
        with self._transaction("saving reading state", write=True) as conn:
            conn.execute(
                f"INSERT INTO state (key, {column}, updated_at) VALUES (?, ?, ?)"
                f" ON CONFLICT (key) DO UPDATE SET {column} = excluded.{column},"
                " updated_at = excluded.updated_at",
                (_k(key), value, _now()),
            )

    def set_read(self, key: str, read: bool) -> None:
        """Mark one article read or unread."""
        self._set(key, "read", int(bool(read)))

    def set_read_many(self, keys: Iterable[str], read: bool) -> None:
        """Mark many articles read or unread in one transaction ("mark all read")."""
        now = _now()
        rows = [(_k(key), int(bool(read)), now) for key in keys]
        with self._transaction("saving reading state", write=True) as conn:
            conn.executemany(
                "INSERT INTO state (key, read, updated_at) VALUES (?, ?, ?)"
                " ON CONFLICT (key) DO UPDATE SET read = excluded.read,"
                " updated_at = excluded.updated_at",
                rows,
            )

    def set_starred(self, key: str, starred: bool) -> None:
        """Star or unstar one article."""
        self._set(key, "starred", int(bool(starred)))

    def mark_opened(self, key: str) -> None:
        """Record that the user opened the article now (``opened_at``)."""
        self._set(key, "opened_at", _now())

    def save_position(self, key: str, position: float) -> None:
        """Save the reading position (0..1) and raise ``progress`` to at least it.

        The max is taken in SQL, so two instances saving at once cannot lower progress.
        """
        position = _fraction(position)
        with self._transaction("saving the reading position", write=True) as conn:
            conn.execute(
                "INSERT INTO state (key, position, progress, updated_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (key) DO UPDATE SET position = excluded.position,"
                " progress = max(state.progress, excluded.position),"
                " updated_at = excluded.updated_at",
                (_k(key), position, position, _now()),
            )

    # -- search -------------------------------------------------------------------------

    def index_articles(self, items: Iterable[tuple[Article, str]]) -> None:
        """Add or replace the search rows of these articles (article, plain body text)."""
        # Build every row before taking the write lock: ``items`` may be a generator
        # doing slow work, and other instances must not wait on it.
        rows = _index_rows(items)
        if not rows:
            return
        with self._transaction("updating the search index", write=True) as conn:
            _write_index(conn, rows)

    def search(self, query: str, limit: int = 200) -> list[str]:
        """Keys of articles matching every word of ``query``, best first (bm25).

        Weights: title 10, tags 5, author 3, body 1. Any string is accepted; one that
        holds no searchable word gives no results.
        """
        match = fts_query(query)
        if match is None or limit <= 0:
            return []
        with self._guard("searching") as conn:
            try:
                rows = conn.execute(
                    f"SELECT key FROM fts WHERE fts MATCH ? ORDER BY {_BM25} LIMIT ?",
                    (match, int(limit)),
                ).fetchall()
            except sqlite3.OperationalError as exc:
                # fts_query should make this impossible; if FTS5 still finds the query
                # malformed, "no results" is the honest answer, not a crash.
                message = str(exc)
                if "fts5" in message or "unterminated" in message or "syntax" in message:
                    return []
                raise
        return [_unk(key) for (key,) in rows]

    # -- scan cache ---------------------------------------------------------------------

    def cached_scan(self, paths_with_stat: Iterable[tuple[str, float, int]]) -> dict[str, Article]:
        """Cached articles for the files whose (mtime, size) still match, by path.

        A file that changed, or was never cached, is simply absent: parse it again and
        pass the result to :meth:`save_scan`.
        """
        wanted = list(paths_with_stat)
        found: dict[str, Article] = {}
        if not wanted:
            return found
        stats = {_k(path): (path, mtime, size) for path, mtime, size in wanted}
        keys = list(stats)
        with self._transaction("reading the scan cache", write=False) as conn:
            for start in range(0, len(keys), _IN_CHUNK):  # one query per chunk, not per file
                chunk = keys[start : start + _IN_CHUNK]
                rows = conn.execute(
                    "SELECT path, mtime, size, article_json FROM scan_cache"
                    f" WHERE path IN ({','.join('?' * len(chunk))})",
                    chunk,
                ).fetchall()
                for key, mtime, size, text in rows:
                    path, want_mtime, want_size = stats[key]
                    if mtime != want_mtime or size != want_size:
                        continue
                    article = _scan_article(text)
                    if article is not None:
                        found[path] = article
        return found

    def scan_snapshot(self, root: str, source: str) -> bytes | None:
        """The snapshot saved for a source folder (its absolute path, and the source as
        the user gave it), or None."""
        with self._transaction("reading the scan snapshot", write=False) as conn:
            row = conn.execute(
                "SELECT data FROM scan_snapshot WHERE root = ? AND source = ?",
                (_k(root), _k(source)),
            ).fetchone()
        return bytes(row[0]) if row is not None else None

    def save_scan_snapshot(self, root: str, source: str, data: bytes) -> None:
        with self._transaction("saving the scan snapshot", write=True) as conn:
            conn.execute(
                "INSERT INTO scan_snapshot (root, source, data) VALUES (?, ?, ?)"
                " ON CONFLICT (root, source) DO UPDATE SET data = excluded.data",
                (_k(root), _k(source), data),
            )

    def save_scan(self, articles: Iterable[Article]) -> None:
        """Remember these local articles, keyed by ``location`` with their mtime and size."""
        rows = [(_k(a.location), float(a.mtime), int(a.size), _scan_json(a)) for a in articles]
        if not rows:
            return
        with self._transaction("saving the scan cache", write=True) as conn:
            conn.executemany(
                "INSERT INTO scan_cache (path, mtime, size, article_json) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (path) DO UPDATE SET mtime = excluded.mtime,"
                " size = excluded.size, article_json = excluded.article_json",
                rows,
            )
