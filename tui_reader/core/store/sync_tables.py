"""What the library keeps for sync: the server's feeds and article ids, the queue of the
reader's own read/star changes, and each account's last outcome.

The queue is filled by :mod:`.reading_state`, in the same transaction as the change
itself, so it survives restarts and ``kill -9``; rows leave it only when the server has
taken them (:meth:`SyncTables.delivered`) or a later server change won
(:meth:`SyncTables.overruled`). Server values written here never queue anything.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import NamedTuple

from tui_reader.core.sanitize import clean_error
from tui_reader.core.store.codecs import decode_key, encode_key, now_iso, parse_datetime
from tui_reader.core.store.database import Database
from tui_reader.core.store.schema import IN_CHUNK

FIELDS = ("read", "starred")

# Records are NamedTuples: this module loads with the store at every start, and a frozen
# dataclass costs several times as much to define.


class SyncedFeed(NamedTuple):
    """A server feed as the library maps it: ``store_url`` holds its entries."""

    remote_id: int
    url: str
    store_url: str
    last_id: int


class QueuedChange(NamedTuple):
    """One change made in the reader, waiting for the server."""

    id: int
    key: str
    remote_id: int
    field: str  # "read" or "starred"
    value: bool
    changed_at: datetime | None


class SyncStatus(NamedTuple):
    """An account's last round: when tried, when it last worked, what went wrong."""

    last_try: datetime | None
    last_ok: datetime | None
    last_error: str


class SyncTables(Database):
    """The sync tables of the library."""

    now = staticmethod(now_iso)  # as ReadingStateTable.now: one clock for a store

    def synced_feeds(self, account: str) -> list[SyncedFeed]:
        with self._guard("reading synced feeds") as conn:
            rows = conn.execute(
                "SELECT remote_id, url, store_url, last_id FROM sync_feeds WHERE account = ?",
                (account,),
            ).fetchall()
        return [SyncedFeed(r, decode_key(u), decode_key(s), last) for r, u, s, last in rows]

    def synced_store_urls(self) -> dict[str, str]:
        """Every synced feed's store URL, by the feed's own URL on its server."""
        with self._guard("reading synced feeds") as conn:
            rows = conn.execute("SELECT url, store_url FROM sync_feeds").fetchall()
        return {decode_key(url): decode_key(store) for url, store in rows}

    def remember_feed(self, account: str, remote_id: int, url: str, store_url: str) -> None:
        with self._transaction("saving a synced feed", write=True) as conn:
            conn.execute(
                "INSERT INTO sync_feeds (account, remote_id, url, store_url) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (account, remote_id) DO UPDATE SET url = excluded.url",
                (account, remote_id, encode_key(url), encode_key(store_url)),
            )

    def remember_entries(
        self,
        account: str,
        remote_feed: int,
        entries: Iterable[tuple[str, int, bool, bool]],
        last_id: int,
    ) -> None:
        """Map new articles (key, server id, read, starred) and take their server state
        as the reader's, without queueing; then move the feed's ``last_id`` on."""
        rows = [(encode_key(k), account, rid, int(r), int(s)) for k, rid, r, s in entries]
        now = self.now()
        with self._transaction("saving synced articles", write=True) as conn:
            conn.executemany(
                "INSERT INTO sync_entries (key, account, remote_id, remote_read, remote_starred)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING",
                rows,
            )
            conn.executemany(
                "INSERT INTO state (key, read, starred, updated_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (key) DO NOTHING",
                [(key, read, starred, now) for key, _, _, read, starred in rows],
            )
            conn.execute(
                "UPDATE sync_feeds SET last_id = max(last_id, ?)"
                " WHERE account = ? AND remote_id = ?",
                (last_id, account, remote_feed),
            )

    def synced_entries(self, account: str) -> dict[int, tuple[str, bool, bool]]:
        """Server id -> (key, server's read, server's starred) as of the last round."""
        with self._guard("reading synced articles") as conn:
            rows = conn.execute(
                "SELECT remote_id, key, remote_read, remote_starred FROM sync_entries"
                " WHERE account = ?",
                (account,),
            ).fetchall()
        return {rid: (decode_key(key), bool(r), bool(s)) for rid, key, r, s in rows}

    def queued(self, account: str) -> list[QueuedChange]:
        """The account's waiting changes, oldest first."""
        with self._guard("reading the sync queue") as conn:
            rows = conn.execute(
                "SELECT q.id, q.key, e.remote_id, q.field, q.value, q.changed_at"
                " FROM sync_queue q JOIN sync_entries e ON e.key = q.key"
                " WHERE e.account = ? ORDER BY q.id",
                (account,),
            ).fetchall()
        return [
            QueuedChange(i, decode_key(k), rid, f, bool(v), parse_datetime(at))
            for i, k, rid, f, v, at in rows
            if f in FIELDS
        ]

    def take_server_values(self, values: Iterable[tuple[str, str, bool]]) -> None:
        """(key, field, value) from the server: the reader's state and the base both
        become it, with nothing queued."""
        rows = [(f, int(v), encode_key(k)) for k, f, v in values if f in FIELDS]
        now = self.now()
        with self._transaction("saving synced state", write=True) as conn:
            for field, value, key in rows:  # field is one of FIELDS, never content
                conn.execute(
                    f"INSERT INTO state (key, {field}, updated_at) VALUES (?, ?, ?)"
                    f" ON CONFLICT (key) DO UPDATE SET {field} = excluded.{field},"
                    " updated_at = excluded.updated_at",
                    (key, value, now),
                )
                conn.execute(
                    f"UPDATE sync_entries SET remote_{field} = ? WHERE key = ?", (value, key)
                )

    def delivered(self, changes: Iterable[QueuedChange]) -> None:
        """The server took these changes: they leave the queue and become the base."""
        changes = list(changes)
        with self._transaction("saving the sync queue", write=True) as conn:
            for change in changes:
                conn.execute(
                    f"UPDATE sync_entries SET remote_{change.field} = ? WHERE key = ?",
                    (int(change.value), encode_key(change.key)),
                )
            self._unqueue(conn, [change.id for change in changes])

    def overruled(self, changes: Iterable[QueuedChange]) -> None:
        """A later server change won over these: they leave the queue undelivered."""
        with self._transaction("saving the sync queue", write=True) as conn:
            self._unqueue(conn, [change.id for change in changes])

    @staticmethod
    def _unqueue(conn: object, ids: list[int]) -> None:
        for start in range(0, len(ids), IN_CHUNK):
            chunk = ids[start : start + IN_CHUNK]
            marks = ",".join("?" * len(chunk))
            conn.execute(f"DELETE FROM sync_queue WHERE id IN ({marks})", chunk)  # type: ignore[attr-defined]

    def record_sync(self, account: str, error: str = "") -> None:
        """Note a round's outcome: ``error`` "" for success."""
        now = self.now()
        with self._transaction("saving the sync status", write=True) as conn:
            conn.execute(
                "INSERT INTO sync_status (account, last_try, last_ok, last_error)"
                " VALUES (:a, :now, CASE WHEN :e = '' THEN :now END, :e)"
                " ON CONFLICT (account) DO UPDATE SET last_try = :now, last_error = :e,"
                " last_ok = CASE WHEN :e = '' THEN :now ELSE sync_status.last_ok END",
                {"a": account, "now": now, "e": clean_error(error) if error else ""},
            )

    def sync_status(self, account: str | None = None) -> SyncStatus | None:
        """The account's last outcome (the latest tried, without ``account``)."""
        with self._guard("reading the sync status") as conn:
            if account is None:
                row = conn.execute(
                    "SELECT last_try, last_ok, last_error FROM sync_status"
                    " ORDER BY last_try DESC LIMIT 1"
                ).fetchone()
            else:
                row = conn.execute(
                    "SELECT last_try, last_ok, last_error FROM sync_status WHERE account = ?",
                    (account,),
                ).fetchone()
        if row is None:
            return None
        return SyncStatus(parse_datetime(row[0]), parse_datetime(row[1]), row[2])

    def queue_length(self) -> int:
        with self._guard("reading the sync queue") as conn:
            return int(conn.execute("SELECT count(*) FROM sync_queue").fetchone()[0])
