"""Keeping a live library: feed schedules, changed entries, retention, files gone, stats.

Retention (``keep_days``, ``max_entries_per_feed``) removes only entries the user is
done with: read, not starred, and without a reading position to come back to. Starred,
unread and started entries are never removed, whatever their age or rank. Entries, their
search rows and nothing else go, in one transaction; reading state stays in its own
table (reading_state.py), so a removed entry that comes back in a feed is read still.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tui_reader.core.store.codecs import decode_key, encode_key, parse_datetime
from tui_reader.core.store.database import Database
from tui_reader.core.store.schema import IN_CHUNK

# A position past this is the end of the article (core/state.py READ_AT_END): nothing
# to resume there.
_AT_END = 0.98

# An entry the user is done with: read, not starred, not started. Anything else (no
# state at all is unread) is kept.
_DONE_WITH = (
    "EXISTS (SELECT 1 FROM state s WHERE s.key = e.key AND s.read = 1 AND s.starred = 0"
    f" AND NOT (s.position > 0 AND s.position < {_AT_END}))"
)


@dataclass(frozen=True, slots=True)
class FeedStats:
    """One feed's line in ``tui-reader list --stats``."""

    url: str
    title: str
    entries: int
    unread: int
    starred: int


class Upkeep(Database):
    """Schedules, changed entries, pruning and statistics."""

    # -- schedules ----------------------------------------------------------------------
    def schedules(self) -> dict[str, tuple[datetime | None, str, int, datetime | None]]:
        """Each feed's next fetch, its reason, its failures in a row and last check."""
        with self._guard("reading feed schedules") as conn:
            rows = conn.execute(
                "SELECT url, next_fetch, next_reason, failures, last_checked FROM feeds"
            ).fetchall()
        return {
            decode_key(url): (parse_datetime(when), reason, failures, parse_datetime(checked))
            for url, when, reason, failures, checked in rows
        }

    def save_schedule(self, url: str, when: datetime | None, reason: str, failures: int) -> None:
        with self._transaction(f"saving the schedule of {url}", write=True) as conn:
            conn.execute(
                "UPDATE feeds SET next_fetch = ?, next_reason = ?, failures = ? WHERE url = ?",
                (when.isoformat() if when else None, reason, failures, encode_key(url)),
            )

    # -- entries changed on the server ----------------------------------------------------
    def changed_keys(self) -> set[str]:
        """Entries the server changed since the user last opened them."""
        with self._guard("reading changed entries") as conn:
            rows = conn.execute("SELECT key FROM entries WHERE changed_at IS NOT NULL")
            return {decode_key(key) for (key,) in rows}

    def clear_changed(self, key: str) -> None:
        with self._transaction("saving an entry as seen", write=True) as conn:
            conn.execute("UPDATE entries SET changed_at = NULL WHERE key = ?", (encode_key(key),))

    # -- removal ----------------------------------------------------------------------------
    def forget_files(self, paths: Iterable[str], keys: Iterable[str]) -> None:
        """Local files that are gone: their scan cache and search rows go too."""
        paths = [encode_key(p) for p in paths]
        keys = [encode_key(k) for k in keys]
        if not paths and not keys:
            return
        with self._transaction("forgetting deleted files", write=True) as conn:
            for start in range(0, len(paths), IN_CHUNK):
                chunk = paths[start : start + IN_CHUNK]
                marks = ",".join("?" * len(chunk))
                conn.execute(f"DELETE FROM scan_cache WHERE path IN ({marks})", chunk)
            _drop_search_rows(conn, keys)

    def prune(
        self,
        keep_days: int | None,
        max_per_feed: int | None,
        now: datetime | None = None,
    ) -> list[str]:
        """Remove entries older than ``keep_days`` (by date, else first seen) and those
        past the newest ``max_per_feed`` of their feed, except those the user may still
        want (see the module's docstring). Returns the keys removed."""
        if not keep_days and not max_per_feed:
            return []
        now = now or datetime.now(UTC)
        doomed: set[str | bytes] = set()
        with self._transaction("removing old entries", write=True) as conn:
            if keep_days:
                cutoff = (now - timedelta(days=keep_days)).isoformat()
                doomed.update(
                    key
                    for (key,) in conn.execute(
                        f"SELECT e.key FROM entries e WHERE {_DONE_WITH}"
                        " AND coalesce(e.date, e.first_seen) < ?",
                        (cutoff,),
                    )
                )
            if max_per_feed:
                doomed.update(
                    key
                    for (key,) in conn.execute(
                        # Ranked among all the feed's entries, newest first: the kept
                        # ones count towards the limit too.
                        "SELECT e.key FROM (SELECT key, row_number() OVER (PARTITION BY"
                        " feed_url ORDER BY coalesce(date, first_seen) DESC, first_seen DESC)"
                        f" AS rank FROM entries) r JOIN entries e ON e.key = r.key"
                        f" WHERE r.rank > ? AND {_DONE_WITH}",
                        (max_per_feed,),
                    )
                )
            keys = list(doomed)
            for start in range(0, len(keys), IN_CHUNK):
                chunk = keys[start : start + IN_CHUNK]
                marks = ",".join("?" * len(chunk))
                conn.execute(f"DELETE FROM entries WHERE key IN ({marks})", chunk)
            _drop_search_rows(conn, keys)
        return [decode_key(key) for key in keys]

    # -- statistics ---------------------------------------------------------------------------
    def feed_stats(self) -> list[FeedStats]:
        """Per-feed entry counts, unread and starred included, by title."""
        with self._guard("counting feed entries") as conn:
            rows = conn.execute(
                "SELECT f.url, f.title, count(e.key),"
                " coalesce(sum(s.read IS NULL OR s.read = 0), 0),"
                " coalesce(sum(s.starred = 1), 0)"
                " FROM feeds f LEFT JOIN entries e ON e.feed_url = f.url"
                " LEFT JOIN state s ON s.key = e.key GROUP BY f.url"
            ).fetchall()
        stats = [
            FeedStats(decode_key(u), t, n, unread, starred) for u, t, n, unread, starred in rows
        ]
        stats.sort(key=lambda s: (s.title.casefold(), s.url))
        return stats

    def scan_cache_count(self) -> int:
        with self._guard("counting the scan cache") as conn:
            return int(conn.execute("SELECT count(*) FROM scan_cache").fetchone()[0])

    def database_size(self) -> int:
        """Bytes on disk: the database and its write-ahead log."""
        total = 0
        for suffix in ("", "-wal"):
            with contextlib.suppress(OSError):
                total += os.path.getsize(f"{self.path}{suffix}")
        return total


def _drop_search_rows(conn: sqlite3.Connection, keys: list[str | bytes]) -> None:
    """Delete the search rows of ``keys`` inside the caller's write transaction."""
    for start in range(0, len(keys), IN_CHUNK):
        chunk = keys[start : start + IN_CHUNK]
        marks = ",".join("?" * len(chunk))
        conn.execute(
            f"DELETE FROM fts WHERE rowid IN (SELECT id FROM fts_rows WHERE key IN ({marks}))",
            chunk,
        )
        conn.execute(f"DELETE FROM fts_rows WHERE key IN ({marks})", chunk)
