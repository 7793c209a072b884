"""The full-text search index (FTS5) over every article, local and feed.

``fts_rows`` gives each key a stable rowid, so replacing one article's row is a rowid
delete, not a scan of the index.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable

from tui_reader.core.article import Article
from tui_reader.core.store.codecs import decode_key, encode_key, storable_text
from tui_reader.core.store.database import Database
from tui_reader.core.store.schema import IN_CHUNK

# bm25 weights per fts column: key (unindexed), title, tags, author, body.
_BM25 = "bm25(fts, 0.0, 10.0, 5.0, 3.0, 1.0)"
_QUERY_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_MAX_QUERY_TOKENS = 32


IndexRow = tuple[str | bytes, str, str, str, str]  # key, title, tags, author, body


def index_rows(items: Iterable[tuple[Article, str]]) -> list[IndexRow]:
    """Search rows of (article, plain body text) pairs; the last row of a key wins, as
    if written one after another."""
    rows = [
        (
            encode_key(a.key),
            storable_text(a.title),
            storable_text(" ".join(a.tags)),
            storable_text(a.author),
            storable_text(text),
        )
        for a, text in items
    ]
    return list({row[0]: row for row in rows}.values())


def write_index(conn: sqlite3.Connection, rows: list[IndexRow]) -> None:
    """Add or replace these search rows, inside the caller's write transaction.

    A few statements per batch rather than four per article: on a first scan of a big
    library the per-statement cost would be most of the indexing."""
    keys = [row[0] for row in rows]
    conn.executemany(
        "INSERT INTO fts_rows (key) VALUES (?) ON CONFLICT (key) DO NOTHING",
        [(key,) for key in keys],
    )
    ids: dict[str | bytes, int] = {}
    for start in range(0, len(keys), IN_CHUNK):
        chunk = keys[start : start + IN_CHUNK]
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
    text = _QUERY_CONTROLS.sub(" ", storable_text(text[:2000]))
    tokens = [tok for tok in text.split() if any(ch.isalnum() for ch in tok)]
    if not tokens:
        return None
    parts = ['"' + tok.replace('"', '""') + '"' for tok in tokens[:_MAX_QUERY_TOKENS]]
    parts[-1] += "*"
    return " ".join(parts)


class SearchIndex(Database):
    """Search rows and ranked search."""

    def index_articles(self, items: Iterable[tuple[Article, str]]) -> None:
        """Add or replace the search rows of these articles (article, plain body text)."""
        # Build every row before taking the write lock: ``items`` may be a generator
        # doing slow work, and other instances must not wait on it.
        rows = index_rows(items)
        if not rows:
            return
        with self._transaction("updating the search index", write=True) as conn:
            write_index(conn, rows)

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
        return [decode_key(key) for (key,) in rows]
