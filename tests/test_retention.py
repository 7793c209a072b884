"""A bounded cache on a real SQLite file: keep_days, max_entries_per_feed, what survives,
entries that change on the server, and ``tui-reader list --stats``."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tui_reader.core.article import Article
from tui_reader.core.store import Store

FEED = "https://example.org/feed.xml"
OTHER = "https://example.org/other.xml"
NOW = datetime(2026, 6, 1, tzinfo=UTC)


def entry(number: int, url: str = FEED, days_old: int = 0, **fields: object) -> Article:
    fields.setdefault("title", f"Entry {number}")
    fields.setdefault("body", f"Body text of entry {number}, word{number}")
    return Article(
        key=f"feed:{url}::{number}",
        kind="feed",
        source=url,
        date=NOW - timedelta(days=days_old),
        **fields,  # type: ignore[arg-type]
    )


def save(store: Store, url: str, articles: list[Article]) -> None:
    texts = [a.body or "" for a in articles]
    store.save_feed(
        url, title=url, articles=articles, etag=None, last_modified=None, search_texts=texts
    )


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "library.sqlite3") as s:
        yield s


def keys(store: Store) -> set[str]:
    return {a.key for a in store.feed_articles()}


def test_keep_days_removes_only_old_entries_the_user_is_done_with(store: Store) -> None:
    old = [entry(n, days_old=100) for n in range(5)]
    save(store, FEED, [*old, entry(9, days_old=1)])
    done, starred, unread, started, read_at_end = (a.key for a in old)
    store.set_read(done, True)
    store.set_read(starred, True)
    store.set_starred(starred, True)
    # `unread` is never touched: no state at all is unread.
    store.set_read(started, True)
    store.save_position(started, 0.4)
    store.set_read(read_at_end, True)
    store.save_position(read_at_end, 1.0)  # read to the end: nothing to resume
    removed = store.prune(keep_days=30, max_per_feed=None, now=NOW)
    assert sorted(removed) == sorted([done, read_at_end])
    assert keys(store) == {starred, unread, started, entry(9).key}
    # Reading state stays: an entry the feed sends again is still read.
    assert store.state(done).read


def test_max_entries_per_feed_counts_every_entry_but_removes_only_read_ones(
    store: Store,
) -> None:
    articles = [entry(n, days_old=n) for n in range(6)]  # 0 newest .. 5 oldest
    save(store, FEED, articles)
    save(store, OTHER, [entry(n, OTHER, days_old=n) for n in range(3)])
    for article in articles:
        store.set_read(article.key, True)
    store.set_read(articles[4].key, False)  # unread: stays past the limit
    removed = store.prune(keep_days=None, max_per_feed=3, now=NOW)
    assert sorted(removed) == sorted([articles[3].key, articles[5].key])
    assert {k for k in keys(store) if FEED in k} == {a.key for a in articles[:3]} | {
        articles[4].key
    }
    assert len([k for k in keys(store) if OTHER in k]) == 3  # unread, under the limit


def test_removal_shrinks_the_search_index_in_one_transaction(store: Store, tmp_path: Path) -> None:
    save(store, FEED, [entry(n, days_old=400) for n in range(50)])
    for n in range(50):
        store.set_read(f"feed:{FEED}::{n}", True)
    assert store.search("word7") == [f"feed:{FEED}::7"]
    statements: list[str] = []
    store._conn.set_trace_callback(statements.append)  # noqa: SLF001 - count transactions
    removed = store.prune(keep_days=365, max_per_feed=None, now=NOW)
    store._conn.set_trace_callback(None)  # noqa: SLF001
    assert len(removed) == 50
    assert sum(1 for s in statements if s.startswith("BEGIN")) == 1
    assert store.search("word7") == []
    conn = sqlite3.connect(tmp_path / "library.sqlite3")
    try:
        assert conn.execute("SELECT count(*) FROM fts_rows").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM entries").fetchone()[0] == 0
    finally:
        conn.close()


def test_nothing_is_removed_without_a_limit(store: Store) -> None:
    save(store, FEED, [entry(n, days_old=5000) for n in range(3)])
    for n in range(3):
        store.set_read(f"feed:{FEED}::{n}", True)
    assert store.prune(None, None, now=NOW) == []
    assert len(keys(store)) == 3


def test_an_entry_changed_on_the_server_is_updated_in_place_and_marked(store: Store) -> None:
    save(store, FEED, [entry(1), entry(2)])
    store.set_read(entry(1).key, True)
    store.save_position(entry(1).key, 0.5)
    assert store.changed_keys() == set()
    save(store, FEED, [entry(1, body="A corrected body"), entry(2)])
    assert store.changed_keys() == {entry(1).key}
    (saved,) = [a for a in store.feed_articles() if a.key == entry(1).key]
    assert saved.body == "A corrected body"
    state = store.state(entry(1).key)
    assert state.read and state.position == 0.5
    store.clear_changed(entry(1).key)
    assert store.changed_keys() == set()
    # A newer Atom <updated> alone marks it too.
    later = NOW + timedelta(hours=1)
    save(store, FEED, [entry(1, body="A corrected body", lastmod=NOW), entry(2)])
    store.clear_changed(entry(1).key)
    save(store, FEED, [entry(1, body="A corrected body", lastmod=later), entry(2)])
    assert store.changed_keys() == {entry(1).key}


def test_list_stats_prints_counts_per_feed_and_the_database_size(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir(exist_ok=True)
    with Store(data / "library.sqlite3") as store:
        save(store, FEED, [entry(n) for n in range(4)])
        save(store, OTHER, [entry(n, OTHER) for n in range(2)])
        store.set_read(entry(0).key, True)
        store.set_starred(entry(1).key, True)
    env = {**os.environ, "TUI_READER_DATA_DIR": str(data)}
    env["TUI_READER_CONFIG_DIR"] = str(tmp_path / "config")
    done = subprocess.run(
        [sys.executable, "-m", "tui_reader", "list", "--stats"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["entries", "unread", "starred", "feed"]
    assert lines[1].split() == ["4", "3", "1", FEED]
    assert lines[2].split() == ["2", "2", "0", OTHER]
    assert "6 entries in 2 feeds" in done.stdout
    assert f"database: {data / 'library.sqlite3'}" in done.stdout
    assert "bytes)" in lines[-1]
