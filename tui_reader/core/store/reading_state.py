"""The user's reading state: read, starred, position, progress, last opened.

It lives in its own table keyed by ``Article.key``. Nothing that touches cached content
ever deletes from it, so no refresh, rescan or schema migration can clear it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from tui_reader.core.store.codecs import (
    clamp_fraction,
    decode_key,
    encode_key,
    now_iso,
    parse_datetime,
)
from tui_reader.core.store.database import Database


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


# A read or star change to an article that came from a sync server is queued for it in
# the same transaction (one row per change), so no crash can keep one without the other.
# One indexed lookup: articles that are not synced add nothing else.
_QUEUE_CHANGE = (
    "INSERT INTO sync_queue (key, field, value, changed_at)"
    " SELECT key, ?, ?, ? FROM sync_entries WHERE key = ?"
)


class ReadingStateTable(Database):
    """Reading state by article key."""

    # The clock change times come from; tests of the sync conflict rule set their own.
    now = staticmethod(now_iso)

    def states(self) -> dict[str, ArticleState]:
        """The state of every article the user ever touched, by key."""
        with self._guard("reading reading state") as conn:
            rows = conn.execute(
                "SELECT key, read, starred, position, progress, opened_at FROM state"
            ).fetchall()
        return {
            decode_key(key): ArticleState(
                bool(read), bool(starred), position, progress, parse_datetime(opened)
            )
            for key, read, starred, position, progress, opened in rows
        }

    def state(self, key: str) -> ArticleState:
        """The state of one article (defaults if never touched)."""
        with self._guard("reading reading state") as conn:
            row = conn.execute(
                "SELECT read, starred, position, progress, opened_at FROM state WHERE key = ?",
                (encode_key(key),),
            ).fetchone()
        if row is None:
            return ArticleState()
        read, starred, position, progress, opened = row
        return ArticleState(bool(read), bool(starred), position, progress, parse_datetime(opened))

    def _set(self, key: str, column: str, value: object, *, queue: bool = False) -> None:
        # column is one of our own names, never user input.
        now = self.now()
        with self._transaction("saving reading state", write=True) as conn:
            conn.execute(
                f"INSERT INTO state (key, {column}, updated_at) VALUES (?, ?, ?)"
                f" ON CONFLICT (key) DO UPDATE SET {column} = excluded.{column},"
                " updated_at = excluded.updated_at",
                (encode_key(key), value, now),
            )
            if queue:
                conn.execute(_QUEUE_CHANGE, (column, value, now, encode_key(key)))

    def set_read(self, key: str, read: bool) -> None:
        """Mark one article read or unread (queued for the sync server if it is synced)."""
        self._set(key, "read", int(bool(read)), queue=True)

    def set_read_many(self, keys: Iterable[str], read: bool) -> None:
        """Mark many articles read or unread in one transaction ("mark all read")."""
        now = self.now()
        rows = [(encode_key(key), int(bool(read)), now) for key in keys]
        with self._transaction("saving reading state", write=True) as conn:
            conn.executemany(
                "INSERT INTO state (key, read, updated_at) VALUES (?, ?, ?)"
                " ON CONFLICT (key) DO UPDATE SET read = excluded.read,"
                " updated_at = excluded.updated_at",
                rows,
            )
            conn.executemany(_QUEUE_CHANGE, [("read", v, at, k) for k, v, at in rows])

    def set_starred(self, key: str, starred: bool) -> None:
        """Star or unstar one article (queued for the sync server if it is synced)."""
        self._set(key, "starred", int(bool(starred)), queue=True)

    def mark_opened(self, key: str) -> None:
        """Record that the user opened the article now (``opened_at``)."""
        self._set(key, "opened_at", now_iso())

    def save_position(self, key: str, position: float) -> None:
        """Save the reading position (0..1) and raise ``progress`` to at least it.

        The max is taken in SQL, so two instances saving at once cannot lower progress.
        """
        position = clamp_fraction(position)
        with self._transaction("saving the reading position", write=True) as conn:
            conn.execute(
                "INSERT INTO state (key, position, progress, updated_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (key) DO UPDATE SET position = excluded.position,"
                " progress = max(state.progress, excluded.position),"
                " updated_at = excluded.updated_at",
                (encode_key(key), position, position, now_iso()),
            )
