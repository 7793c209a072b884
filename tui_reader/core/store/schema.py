"""The library's schema: the SQL that builds it, one migration per version.

The file is marked with :data:`APPLICATION_ID` so that no other program's database is
ever migrated; ``PRAGMA user_version`` is the number of migrations applied.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

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
    # v4: scan snapshots (core/local/snapshot.py): a source folder's articles in one blob, so a
    # later start of a big library reads one row instead of one per file.
    """
    CREATE TABLE scan_snapshot (
        root   TEXT NOT NULL,
        source TEXT NOT NULL,
        data   BLOB NOT NULL,
        PRIMARY KEY (root, source)
    );
    """,
    # Full articles (issue 16): the article fetched from an entry's link, kept beside the
    # feed's own text (a refresh rewrites that, never this), with its words and
    # headings; or why it could not be had, so a refresh does not ask again (`f` does).
    """
    ALTER TABLE entries ADD COLUMN full_text TEXT;
    ALTER TABLE entries ADD COLUMN full_words INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE entries ADD COLUMN full_cjk INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE entries ADD COLUMN full_headings_json TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE entries ADD COLUMN full_error TEXT;
    ALTER TABLE entries ADD COLUMN full_at TEXT;
    """,
    # Sync with a feed server (core/sync/, issue 18): the server's feeds and articles by
    # their ids on the server, the server's read/star values at the last round (to tell
    # who changed what), the queue of changes made in the reader, one row per change, and
    # each account's last outcome.
    """
    CREATE TABLE sync_feeds (
        account   TEXT NOT NULL,
        remote_id INTEGER NOT NULL,
        url       TEXT NOT NULL,
        store_url TEXT NOT NULL,
        last_id   INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (account, remote_id)
    );
    CREATE TABLE sync_entries (
        key            TEXT PRIMARY KEY NOT NULL,
        account        TEXT NOT NULL,
        remote_id      INTEGER NOT NULL,
        remote_read    INTEGER NOT NULL DEFAULT 0,
        remote_starred INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX sync_entries_remote ON sync_entries (account, remote_id);
    CREATE TABLE sync_queue (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        key        TEXT NOT NULL,
        field      TEXT NOT NULL,
        value      INTEGER NOT NULL,
        changed_at TEXT NOT NULL
    );
    CREATE TABLE sync_status (
        account    TEXT PRIMARY KEY NOT NULL,
        last_try   TEXT NOT NULL,
        last_ok    TEXT,
        last_error TEXT NOT NULL DEFAULT ''
    );
    """,
    # A live library (issue 21): each feed's next scheduled fetch, why then, and its
    # failures in a row; each entry's content hash and when the server last changed it.
    """
    ALTER TABLE feeds ADD COLUMN next_fetch TEXT;
    ALTER TABLE feeds ADD COLUMN next_reason TEXT NOT NULL DEFAULT '';
    ALTER TABLE feeds ADD COLUMN failures INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE entries ADD COLUMN content_hash TEXT;
    ALTER TABLE entries ADD COLUMN changed_at TEXT;
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)

# Parameters per "IN (...)" query; old SQLite builds allow 999.
IN_CHUNK = 500


def statements(script: str) -> Iterator[str]:
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
