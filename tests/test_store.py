"""Tests for the library database (tui_reader.core.store) and its location (core.paths).

Everything runs against real SQLite files under tmp_path: no mocks. The cases follow
THREATS.md rows 13, 16 and 18 — state must survive refreshes, migrations, odd file
names and other programs' files — and lemon24/reader's habit of checking that no raw
sqlite3 error ever escapes.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui_reader.core import paths
from tui_reader.core.article import Article, Heading
from tui_reader.core.store import (
    APPLICATION_ID,
    MIGRATIONS,
    SCHEMA_VERSION,
    ArticleState,
    Store,
    StoreDamaged,
    StoreError,
    StoreLocked,
    fts_query,
)

ROOT = Path(__file__).resolve().parents[1]
FEED = "https://example.org/feed.xml"


def entry(entry_id: str, url: str = FEED, **fields: object) -> Article:
    fields.setdefault("title", f"Entry {entry_id}")
    fields.setdefault("body", f"Body of {entry_id}")
    return Article(key=f"feed:{url}::{entry_id}", kind="feed", source=url, **fields)  # type: ignore[arg-type]


def integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "data" / "library.sqlite3"


@pytest.fixture
def store(db: Path):
    with Store(db) as s:
        yield s


# --- paths ------------------------------------------------------------------------------


def test_paths_follow_environment_overrides(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("TUI_READER_CONFIG_DIR", str(tmp_path / "cfg"))
    monkeypatch.setenv("TUI_READER_DATA_DIR", str(tmp_path / "data"))
    assert paths.config_file() == tmp_path / "cfg" / "config.toml"
    assert paths.database_file() == tmp_path / "data" / "library.sqlite3"
    # Asking where things are creates nothing.
    assert not (tmp_path / "cfg").exists() and not (tmp_path / "data").exists()
    assert paths.ensure_dir(paths.data_dir()).is_dir()


def test_paths_default_to_platformdirs_when_override_is_empty(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TUI_READER_DATA_DIR", "")
    monkeypatch.delenv("TUI_READER_CONFIG_DIR", raising=False)
    assert paths.data_dir().name == "tui-reader"
    assert paths.config_dir().name == "tui-reader"


def test_store_creates_missing_folder_and_private_file(db: Path) -> None:
    Store(db).close()
    assert db.is_file()
    assert db.stat().st_mode & 0o077 == 0


# --- round trip -------------------------------------------------------------------------


def test_feeds_entries_state_and_scan_cache_survive_reopening(db: Path) -> None:
    tokyo = timezone(timedelta(hours=9))
    rich = entry(
        "guid-1",
        title="Ünïcode title",
        date=datetime(2024, 3, 1, 10, 0, tzinfo=tokyo),
        lastmod=datetime(2024, 3, 2, tzinfo=UTC),
        author="Ann",
        tags=("Python", "SQLite"),
        summary="short",
        words=1234,
        cjk=True,
        link="https://example.org/1",
        location="https://example.org/1",
        headings=(Heading(1, "Intro", "intro"), Heading(2, "Détails", "details")),
        body="# Intro\n\nNUL \x00 inside and 漢字\n",
        feed_title="Example",
        warnings=("odd date",),
    )
    local = Article(
        key="local:/notes::post.md",
        title="Local post",
        date=datetime(2023, 1, 1, tzinfo=UTC),
        tags=("a",),
        source="/notes",
        location="/notes/post.md",
        headings=(Heading(1, "Top", "top"),),
        body="not cached",
        mtime=1700000000.123456,
        size=4321,
    )
    with Store(db) as s:
        assert (
            s.save_feed(
                FEED,
                title="Example",
                articles=[rich, entry("guid-2")],
                etag='"abc"',
                last_modified="Wed, 21 Oct 2015 07:28:00 GMT",
                tags=["news", "tech"],
            )
            == 2
        )
        s.set_read(rich.key, True)
        s.set_starred(local.key, True)
        s.save_position(local.key, 0.25)
        s.mark_opened(local.key)
        s.save_scan([local])

    with Store(db) as s:
        record = s.get_feed(FEED)
        assert record is not None
        assert (record.title, record.tags, record.etag, record.entry_count) == (
            "Example",
            ("news", "tech"),
            '"abc"',
            2,
        )
        assert record.last_modified == "Wed, 21 Oct 2015 07:28:00 GMT"
        assert record.last_checked is not None and record.last_checked.tzinfo is not None
        assert record.last_updated == record.last_checked
        assert record.last_error == ""
        assert [f.url for f in s.feeds()] == [FEED]
        assert s.entry_counts() == {FEED: 2}

        restored = {a.key: a for a in s.feed_articles(FEED)}
        assert restored[rich.key] == rich  # every field, offset of the date included
        assert restored[rich.key].date.utcoffset() == timedelta(hours=9)  # type: ignore[union-attr]
        assert s.feed_articles() == s.feed_articles(FEED)
        assert s.feed_articles("https://other.example/") == []

        states = s.states()
        assert states[rich.key] == ArticleState(read=True)
        local_state = s.state(local.key)
        assert local_state.starred and not local_state.read
        assert (local_state.position, local_state.progress) == (0.25, 0.25)
        assert local_state.opened_at is not None
        assert s.state("never-seen") == ArticleState()

        cached = s.cached_scan([(local.location, local.mtime, local.size)])
        expected = Article(**{**_fields(local), "body": None})
        assert cached == {local.location: expected}
    assert integrity(db) == "ok"


def _fields(article: Article) -> dict[str, object]:
    return {
        name: getattr(article, name)
        for name, spec in Article.__dataclass_fields__.items()
        if spec.init
    }


def test_feed_articles_come_newest_first_with_undated_last(store: Store) -> None:
    store.save_feed(
        FEED,
        title="F",
        articles=[
            entry("old", date=datetime(2020, 1, 1, tzinfo=UTC)),
            entry("none"),
            entry("new", date=datetime(2024, 1, 1, tzinfo=UTC)),
        ],
        etag=None,
        last_modified=None,
    )
    assert [a.key.rsplit("::", 1)[1] for a in store.feed_articles()] == ["new", "old", "none"]


def test_scan_cache_misses_when_file_changed(store: Store) -> None:
    article = Article(key="local:/n::a.md", title="A", location="/n/a.md", mtime=10.5, size=3)
    store.save_scan([article])
    assert set(store.cached_scan([("/n/a.md", 10.5, 3)])) == {"/n/a.md"}
    assert store.cached_scan([("/n/a.md", 11.0, 3)]) == {}
    assert store.cached_scan([("/n/a.md", 10.5, 4)]) == {}
    assert store.cached_scan([("/n/other.md", 10.5, 3)]) == {}
    assert store.cached_scan([]) == {}


def test_undecodable_file_names_round_trip_exactly(store: Store) -> None:
    # os.fsdecode(b"caf\xe9.md") == "caf\udce9.md": sqlite3 refuses such strings outright.
    name = "/notes/caf\udce9.md"
    key = "local:/notes::caf\udce9.md"
    similar = "local:/notes::caf\ufffd.md"  # what a lossy replacement would collide with
    article = Article(key=key, title="caf\udce9", location=name, mtime=1.0, size=2)
    store.save_scan([article])
    store.set_read(key, True)
    store.set_starred(similar, True)
    store.index_articles([(article, "body caf\udce9")])

    cached = store.cached_scan([(name, 1.0, 2)])
    assert cached[name].key == key and cached[name].location == name
    assert store.state(key) == ArticleState(read=True)
    assert store.state(similar) == ArticleState(starred=True)
    assert set(store.states()) == {key, similar}
    assert store.search("body") == [key]

    # Display text is made storable (U+FFFD), never refused.
    feed_entry = entry("x\udcff", title="bad \udcff title", body="b\udcff")
    store.save_feed(FEED, title="t\udcff", articles=[feed_entry], etag=None, last_modified=None)
    (restored,) = store.feed_articles()
    assert restored.key == feed_entry.key
    assert restored.title == "bad \ufffd title" and restored.body == "b\ufffd"


def test_position_is_clamped_and_progress_only_grows(store: Store) -> None:
    key = "local:/n::a.md"
    store.save_position(key, 0.6)
    store.save_position(key, 0.2)
    assert (store.state(key).position, store.state(key).progress) == (0.2, 0.6)
    store.save_position(key, 7.0)
    assert (store.state(key).position, store.state(key).progress) == (1.0, 1.0)
    store.save_position(key, float("nan"))
    assert store.state(key).position == 0.0
    store.save_position(key, -3)
    assert store.state(key).position == 0.0 and store.state(key).progress == 1.0


def test_set_read_many_marks_all_in_one_go(store: Store) -> None:
    keys = [f"feed:{FEED}::{i}" for i in range(50)]
    store.set_starred(keys[0], True)
    store.set_read_many(keys, True)
    states = store.states()
    assert all(states[k].read for k in keys)
    assert states[keys[0]].starred  # other state untouched
    store.set_read_many(keys[:10], False)
    assert sum(s.read for s in store.states().values()) == 40


# --- migrations -------------------------------------------------------------------------


def test_migration_from_v1_keeps_user_state_and_content(db: Path) -> None:
    # Build the library the way the first release would have left it.
    db.parent.mkdir(parents=True)
    conn = sqlite3.connect(db, isolation_level=None)
    conn.executescript(MIGRATIONS[0])
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute("PRAGMA user_version = 1")
    conn.execute(
        "INSERT INTO state (key, read, starred, position, progress, updated_at)"
        " VALUES ('local:/n::a.md', 1, 1, 0.5, 0.75, '2024-01-01T00:00:00+00:00')"
    )
    conn.execute("INSERT INTO feeds (url, title, added_at) VALUES (?, 'Old', 'x')", (FEED,))
    conn.execute(
        "INSERT INTO entries (feed_url, entry_id, key, title, body, first_seen, updated_at)"
        " VALUES (?, 'e1', ?, 'Kept', 'body', 'x', 'x')",
        (FEED, f"feed:{FEED}::e1"),
    )
    conn.close()

    with Store(db) as s:
        assert s.state("local:/n::a.md") == ArticleState(True, True, 0.5, 0.75, None)
        assert [a.title for a in s.feed_articles()] == ["Kept"]
        assert s.get_feed(FEED).title == "Old"  # type: ignore[union-attr]
        # The later migrations really ran: opened_at (v3) and the search index (v2).
        s.mark_opened("local:/n::a.md")
        assert s.state("local:/n::a.md").opened_at is not None
        s.index_articles([(Article(key="local:/n::a.md", title="Migrated"), "")])
        assert s.search("migrated") == ["local:/n::a.md"]

    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == len(MIGRATIONS)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
    assert integrity(db) == "ok"


def test_library_from_a_newer_version_is_refused_and_untouched(db: Path) -> None:
    Store(db).close()
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    before = db.read_bytes()
    with pytest.raises(StoreError, match="newer tui-reader"):
        Store(db)
    assert db.read_bytes() == before


# --- other programs' files and damage ---------------------------------------------------


def _foreign_db(path: Path, app_id: int = 0) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    conn.execute("INSERT INTO notes (text) VALUES ('precious')")
    conn.execute(f"PRAGMA application_id = {app_id}")
    conn.commit()
    conn.close()
    return path.read_bytes()


@pytest.mark.parametrize("app_id", [0, 0x12345678])
def test_foreign_sqlite_database_is_reported_and_left_untouched(db: Path, app_id: int) -> None:
    before = _foreign_db(db, app_id)
    with pytest.raises(StoreError) as caught:
        Store(db)
    assert str(caught.value) == f"{db}: not a tui-reader database; left untouched"
    assert caught.value.path == db
    assert db.read_bytes() == before
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # not switched to WAL
    conn.close()


def test_empty_database_of_another_application_is_refused(db: Path) -> None:
    db.parent.mkdir(parents=True)
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA application_id = 42")
    conn.close()
    before = db.read_bytes()
    with pytest.raises(StoreError, match="not a tui-reader database"):
        Store(db)
    assert db.read_bytes() == before


def test_garbage_file_is_reported_as_damaged_and_kept(db: Path) -> None:
    db.parent.mkdir(parents=True)
    garbage = b"this is not a database\n" * 500
    db.write_bytes(garbage)
    with pytest.raises(StoreError) as caught:
        Store(db)
    message = str(caught.value)
    assert message.startswith(f"{db}: database is damaged (")
    assert message.endswith("it was kept, not replaced. Move it away to start fresh.")
    assert "\n" not in message
    assert not isinstance(caught.value, StoreLocked)
    assert db.read_bytes() == garbage


def test_library_with_corrupted_pages_is_reported_and_kept(db: Path) -> None:
    with Store(db) as s:
        s.save_feed(
            FEED,
            title="F",
            articles=[entry(str(i)) for i in range(300)],
            etag=None,
            last_modified=None,
        )
        s.set_read("k", True)
    data = bytearray(db.read_bytes())
    page = 4096
    assert len(data) > 4 * page
    data[2 * page : 4 * page] = b"\xa5" * (2 * page)
    db.write_bytes(bytes(data))
    with pytest.raises(StoreError, match="database is damaged") as caught:
        Store(db)
    assert "Move it away" in str(caught.value)
    assert db.read_bytes() == bytes(data)


def test_unopenable_path_is_a_store_error(tmp_path: Path) -> None:
    folder = tmp_path / "a-folder.sqlite3"
    folder.mkdir()
    with pytest.raises(StoreError, match="a-folder.sqlite3"):
        Store(folder)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="cannot create its folder"):
        Store(blocker / "sub" / "library.sqlite3")


# --- refreshes never lose anything ------------------------------------------------------


def test_refresh_with_fewer_or_no_entries_keeps_cached_entries_and_state(store: Store) -> None:
    first = [entry(str(i), date=datetime(2024, 1, i + 1, tzinfo=UTC)) for i in range(5)]
    assert store.save_feed(FEED, title="F", articles=first, etag="v1", last_modified=None) == 5
    store.set_read(first[0].key, True)
    store.set_starred(first[1].key, True)
    store.save_position(first[2].key, 0.4)

    # The feed now shows only the two newest items, one of them edited.
    edited = entry("4", title="Edited title", body="new body")
    assert (
        store.save_feed(
            FEED, title="F", articles=[entry("3"), edited], etag="v2", last_modified=None
        )
        == 0
    )
    assert store.entry_counts() == {FEED: 5}
    titles = {a.key: a.title for a in store.feed_articles()}
    assert titles[edited.key] == "Edited title" and titles[first[0].key] == "Entry 0"

    # An empty fetch changes no entries.
    assert store.save_feed(FEED, title="", articles=[], etag="v3", last_modified=None) == 0
    assert store.entry_counts() == {FEED: 5}
    assert store.get_feed(FEED).title == "F"  # type: ignore[union-attr]

    store.record_feed_error(FEED, "HTTP 500\x1b[31m boom")
    record = store.get_feed(FEED)
    assert record is not None
    assert record.last_error == "HTTP 500 boom"  # sanitised for display
    assert record.etag == "v3" and record.entry_count == 5

    # A success clears the error; entries and state are still all there.
    store.save_feed(FEED, title="F", articles=[entry("5")], etag="v4", last_modified=None)
    assert store.get_feed(FEED).last_error == ""  # type: ignore[union-attr]
    assert store.entry_counts() == {FEED: 6}
    states = store.states()
    assert states[first[0].key].read and states[first[1].key].starred
    assert states[first[2].key].position == 0.4


def test_not_modified_changes_only_last_checked(store: Store) -> None:
    store.save_feed(FEED, title="F", articles=[entry("1")], etag="e", last_modified="lm")
    store.record_feed_error(FEED, "timeout")
    before = store.get_feed(FEED)
    store.mark_not_modified(FEED)
    after = store.get_feed(FEED)
    assert before is not None and after is not None
    assert after.last_checked is not None and before.last_checked is not None
    assert after.last_checked >= before.last_checked
    after.last_checked = before.last_checked
    assert after == before


def test_errors_and_304_for_unknown_feeds_create_a_record(store: Store) -> None:
    store.record_feed_error("https://new.example/", "DNS failure")
    store.mark_not_modified("https://other.example/")
    records = {f.url: f for f in store.feeds()}
    assert records["https://new.example/"].last_error == "DNS failure"
    assert records["https://new.example/"].entry_count == 0
    assert records["https://other.example/"].last_updated is None


def test_refresh_preserves_read_and_starred_state(store: Store) -> None:
    a = entry("a")
    store.save_feed(FEED, title="F", articles=[a], etag=None, last_modified=None)
    store.set_read(a.key, True)
    store.set_starred(a.key, True)
    for _ in range(3):
        store.save_feed(
            FEED, title="F", articles=[entry("a", title="Again")], etag=None, last_modified=None
        )
    assert store.state(a.key) == ArticleState(read=True, starred=True)


def test_duplicate_ids_in_one_fetch_count_once_and_first_wins(store: Store) -> None:
    items = [entry("same", title="First"), entry("same", title="Second"), entry("other")]
    assert store.save_feed(FEED, title="F", articles=items, etag=None, last_modified=None) == 2
    titles = sorted(a.title for a in store.feed_articles())
    assert titles == ["Entry other", "First"]


def test_first_seen_is_kept_on_update(store: Store, db: Path) -> None:
    store.save_feed(FEED, title="F", articles=[entry("a")], etag=None, last_modified=None)
    conn = sqlite3.connect(db)
    (first,) = conn.execute("SELECT first_seen FROM entries").fetchone()
    store.save_feed(
        FEED, title="F", articles=[entry("a", title="x")], etag=None, last_modified=None
    )
    (again, updated) = conn.execute("SELECT first_seen, updated_at FROM entries").fetchone()
    conn.close()
    assert again == first and updated >= first


def test_entry_key_of_another_feed_is_refused_before_writing(store: Store) -> None:
    with pytest.raises(ValueError):
        store.save_feed(
            FEED,
            title="F",
            articles=[entry("1"), entry("2", url="https://x/")],
            etag=None,
            last_modified=None,
        )
    assert store.get_feed(FEED) is None and store.entry_counts() == {}


def test_failed_save_leaves_the_feed_as_it_was(store: Store) -> None:
    # A refresh that fails half-way must not mark the feed updated (next run retries).
    store.save_feed(FEED, title="F", articles=[entry("1")], etag="old", last_modified=None)
    before = store.get_feed(FEED)
    bad = entry("2")
    bad.words = "lots"  # type: ignore[assignment]  # int() fails inside the transaction
    with pytest.raises(ValueError):
        store.save_feed(FEED, title="G", articles=[entry("3"), bad], etag="new", last_modified=None)
    assert store.get_feed(FEED) == before
    assert store.entry_counts() == {FEED: 1}


# --- search -----------------------------------------------------------------------------


def test_title_match_outranks_tag_author_and_body_matches(store: Store) -> None:
    filler = " ".join(f"word{i}" for i in range(40))
    store.index_articles(
        [
            (Article(key="body", title="Gardening"), f"{filler} rust {filler}"),
            (Article(key="author", title="Cooking", author="Rust Cohle"), filler),
            (Article(key="tag", title="Cars", tags=("rust",)), filler),
            (Article(key="title", title="Rust in practice"), filler),
        ]
    )
    assert store.search("rust") == ["title", "tag", "author", "body"]
    assert store.search("rust", limit=2) == ["title", "tag"]
    assert store.search("rust", limit=0) == []


def test_title_match_outranks_body_mentions_in_a_realistic_library(store: Store) -> None:
    filler = " ".join(f"word{i}" for i in range(150))
    others = [(Article(key=f"other{i}", title=f"Post {i}"), filler) for i in range(20)]
    store.index_articles(
        [
            *others,
            (Article(key="body", title="Gardening"), f"rust {filler} rust, rust again"),
            (Article(key="title", title="Rust in practice"), filler),
        ]
    )
    assert store.search("rust") == ["title", "body"]


def test_search_ands_words_and_prefix_matches_the_last(store: Store) -> None:
    store.index_articles(
        [
            (Article(key="a", title="Python packaging guide"), ""),
            (Article(key="b", title="Python web servers"), ""),
            (Article(key="c", title="Éléphant café"), ""),
        ]
    )
    assert store.search("python pack") == ["a"]
    assert sorted(store.search("pyth")) == ["a", "b"]
    assert store.search("pyt guide") == []  # only the last word is a prefix
    assert store.search("elephant CAFE") == ["c"]  # case and accents folded


def test_reindexing_replaces_the_row(store: Store) -> None:
    store.index_articles([(Article(key="k", title="Old title"), "old body")])
    store.index_articles([(Article(key="k", title="New title"), "new body")])
    assert store.search("old") == []
    assert store.search("new") == ["k"]
    store.index_articles([])


# fmt: off
HOSTILE = [
    "", "   ", '"', '""', "'", "*", "AND", "OR", "NOT", "a AND", "NEAR(", "NEAR(a b, 2)",
    "title:rust", "^rust", "rust*", "(", ")", "{a b}:x", "-rust", "+", "a\x00b", "\x00",
    "\udcff", "a OR OR b", '"unterminated', "a\\", "%", "_", "a" * 5000, "word " * 200,
    "\u202e rust", "漢字", "🙂", ":", "col:", "NOT rust",
]
# fmt: on


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_search_input_never_raises(store: Store, query: str) -> None:
    store.index_articles([(Article(key="k", title="Rust AND near"), "body")])
    assert isinstance(store.search(query), list)


def test_operator_words_are_searched_as_plain_words(store: Store) -> None:
    store.index_articles([(Article(key="k", title="Rock and roll, not jazz"), "")])
    assert store.search("and") == ["k"]
    assert store.search("NOT jazz") == ["k"]
    assert store.search('"rock"') == ["k"]


def test_fts_query_quotes_every_token() -> None:
    assert fts_query('say "hi" NEAR(') == '"say" """hi""" "NEAR("*'
    assert fts_query(" * ( ) ") is None


@pytest.fixture(scope="module")
def search_store(tmp_path_factory: pytest.TempPathFactory):
    with Store(tmp_path_factory.mktemp("search") / "lib.sqlite3") as s:
        s.index_articles([(Article(key="k", title="hello world"), "text")])
        yield s


@settings(max_examples=300, deadline=None)
@given(query=st.text())
def test_any_text_is_a_valid_search(search_store: Store, query: str) -> None:
    assert isinstance(search_store.search(query), list)


# --- errors never leak as raw sqlite3 exceptions ----------------------------------------


def _every_method(s: Store) -> dict[str, object]:
    a = entry("1")
    return {
        "get_feed": lambda: s.get_feed(FEED),
        "feeds": lambda: s.feeds(),
        "save_feed": lambda: s.save_feed(
            FEED, title="F", articles=[a], etag=None, last_modified=None
        ),
        "mark_not_modified": lambda: s.mark_not_modified(FEED),
        "record_feed_error": lambda: s.record_feed_error(FEED, "x"),
        "feed_articles": lambda: s.feed_articles(),
        "entry_counts": lambda: s.entry_counts(),
        "states": lambda: s.states(),
        "state": lambda: s.state("k"),
        "set_read": lambda: s.set_read("k", True),
        "set_read_many": lambda: s.set_read_many(["k"], True),
        "set_starred": lambda: s.set_starred("k", True),
        "mark_opened": lambda: s.mark_opened("k"),
        "save_position": lambda: s.save_position("k", 0.5),
        "index_articles": lambda: s.index_articles([(a, "x")]),
        "search": lambda: s.search("entry"),
        "cached_scan": lambda: s.cached_scan([("/p", 1.0, 1)]),
        "save_scan": lambda: s.save_scan([Article(key="k", title="t", location="/p")]),
    }


METHODS = list(_every_method(None).keys())  # type: ignore[arg-type]


READS = {
    "get_feed",
    "feeds",
    "feed_articles",
    "entry_counts",
    "states",
    "state",
    "search",
    "cached_scan",
}


@pytest.mark.parametrize("method", METHODS)
def test_while_another_program_writes_reads_go_on_and_writes_raise_store_locked(
    db: Path, method: str
) -> None:
    with Store(db, timeout=0.05) as s:
        holder = sqlite3.connect(db, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        holder.execute("INSERT INTO state (key, updated_at) VALUES ('holder', 'x')")
        try:
            if method in READS:
                # WAL: the list and the reading pane never wait for a refresh elsewhere.
                _every_method(s)[method]()  # type: ignore[operator]
            else:
                with pytest.raises(StoreLocked) as caught:
                    _every_method(s)[method]()  # type: ignore[operator]
                assert "locked by another program (waited 0.05 s)" in str(caught.value)
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        _every_method(s)[method]()  # type: ignore[operator]  # works again afterwards


def test_opening_a_locked_library_raises_store_locked(db: Path) -> None:
    Store(db).close()
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("INSERT INTO state (key, updated_at) VALUES ('holder', 'x')")
    try:
        with pytest.raises(StoreLocked):
            Store(db, timeout=0.05)
    finally:
        holder.close()


@pytest.mark.parametrize("method", METHODS)
def test_every_method_on_a_closed_store_raises_store_error(db: Path, method: str) -> None:
    s = Store(db)
    s.close()
    s.close()  # twice is fine
    with pytest.raises(StoreError, match="closed"):
        _every_method(s)[method]()  # type: ignore[operator]


def test_full_disk_is_a_store_error_and_loses_nothing_saved(store: Store) -> None:
    store.set_read("kept", True)
    conn = store._conn
    assert conn is not None
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    # max_page_count makes SQLite answer exactly as it does on a full disk.
    conn.execute(f"PRAGMA max_page_count = {pages}")
    big = [entry(str(i), body="x" * 20000) for i in range(50)]
    with pytest.raises(StoreError, match="disk is full") as caught:
        store.save_feed(FEED, title="F", articles=big, etag=None, last_modified=None)
    assert not isinstance(caught.value, StoreLocked)
    assert store.get_feed(FEED) is None and store.entry_counts() == {}
    assert store.state("kept").read
    conn.execute("PRAGMA max_page_count = 1073741823")
    assert store.save_feed(FEED, title="F", articles=big, etag=None, last_modified=None) == 50


# --- two instances side by side ---------------------------------------------------------

_WRITER = """
import sys
from pathlib import Path
from tui_reader.core.article import Article
from tui_reader.core.store import Store
db, prefix, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
url = "https://shared.example/feed"
with Store(db) as s:
    for i in range(count):
        key = f"{prefix}:{i}"
        s.set_read(key, True)
        s.save_position(key, (i % 100) / 100)
        if i % 10 == 0:
            items = [Article(key=f"feed:{url}::{j}", title=str(j), kind="feed")
                     for j in range(i, i + 20)]
            print(s.save_feed(url, title="Shared", articles=items, etag=None,
                              last_modified=None), flush=True)
"""


def test_two_instances_and_a_subprocess_write_side_by_side(db: Path) -> None:
    count = 150
    Store(db).close()
    env_path = str(ROOT)
    proc = subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(db), "proc", str(count)],
        cwd=env_path,
        stdout=subprocess.PIPE,
        text=True,
    )
    first, second = Store(db), Store(db)
    news: list[int] = []
    errors: list[BaseException] = []

    def write(s: Store, prefix: str) -> None:
        url = "https://shared.example/feed"
        try:
            for i in range(count):
                key = f"{prefix}:{i}"
                s.set_read(key, True)
                s.save_position(key, (i % 100) / 100)
                if i % 10 == 0:
                    items = [entry(str(j), url=url) for j in range(i, i + 20)]
                    news.append(
                        s.save_feed(
                            url, title="Shared", articles=items, etag=None, last_modified=None
                        )
                    )
        except BaseException as exc:  # reported below; a thread cannot fail the test
            errors.append(exc)

    threads = [
        threading.Thread(target=write, args=(first, "a")),
        threading.Thread(target=write, args=(second, "b")),
        threading.Thread(target=write, args=(first, "c")),  # same object, two threads
    ]
    for t in threads:
        t.start()
    # Reads from one instance see the other's commits while writes go on.
    second.set_starred("visible", True)
    assert first.state("visible").starred
    for t in threads:
        t.join()
    out, _ = proc.communicate(timeout=120)
    assert proc.returncode == 0
    assert errors == []
    news += [int(line) for line in out.split()]

    states = first.states()
    for prefix in ("a", "b", "c", "proc"):
        for i in range(count):
            state = states[f"{prefix}:{i}"]
            assert state.read and state.position == (i % 100) / 100
    # Every entry was counted as new exactly once, whoever saved it first.
    total = first.entry_counts()["https://shared.example/feed"]
    assert total == count - 10 + 20
    assert sum(news) == total
    first.close()
    second.close()
    assert integrity(db) == "ok"


def _open_when_released(path: str, barrier, results) -> None:  # type: ignore[no-untyped-def]
    try:
        barrier.wait()
        Store(Path(path)).close()
        results.put("ok")
    except BaseException as exc:  # noqa: BLE001 - reported to the test
        results.put(f"{type(exc).__name__}: {exc}")


@pytest.mark.skipif(not hasattr(os, "fork"), reason="forks the openers")
def test_processes_creating_the_same_new_library_at_once_all_open_it(tmp_path: Path) -> None:
    # The reader and its scan process both open the library as a first start begins;
    # a refresh from cron may join them. Between reading the application id (0: not
    # yet) and the tables (there now) one saw "not a tui-reader database", and the
    # switch to WAL, which SQLite does not wait for, said "locked". Each round here
    # has a few percent of hitting one of those windows, so forty rounds nearly always
    # do when the fix is missing.
    import multiprocessing

    context = multiprocessing.get_context("fork")
    problems = []
    for round_ in range(40):
        path = str(tmp_path / f"r{round_}" / "library.sqlite3")
        barrier, results = context.Barrier(3), context.Queue()
        openers = [
            context.Process(target=_open_when_released, args=(path, barrier, results))
            for _ in range(3)
        ]
        for process in openers:
            process.start()
        for process in openers:
            process.join(timeout=60)
        problems += [r for r in (results.get(timeout=10) for _ in openers) if r != "ok"]
        with Store(Path(path)) as store:  # and what they made is a whole, usable library
            store.set_read("k", True)
            assert store.state("k").read
    assert problems == []


def test_the_entry_statements_name_every_column_an_entry_is_saved_with() -> None:
    from tui_reader.core.store import feed_cache

    values = Store._entry_values("u", "e", entry("e"), "now")
    assert list(values) == list(feed_cache._ENTRY_VALUES)


def test_a_feed_whose_search_rows_fail_is_not_saved_at_all(store: Store) -> None:
    # Entries and their search rows go in one transaction: never entries that search
    # cannot find.
    store._conn.execute(  # type: ignore[union-attr]
        "CREATE TRIGGER refuse BEFORE INSERT ON fts_rows BEGIN SELECT RAISE(ABORT, 'no'); END"
    )
    with pytest.raises(StoreError):
        store.save_feed(
            FEED,
            title="F",
            articles=[entry("1")],
            etag=None,
            last_modified=None,
            search_texts=["Body of 1"],
        )
    assert store.feed_articles(FEED) == []
    assert store.get_feed(FEED) is None


def test_the_check_run_later_finds_damage_and_waits_for_no_writer(db: Path) -> None:
    """quick_check (what the reader runs after its first screen) uses a connection of
    its own: it passes on a sound library while another connection is mid-write, and
    finds the damage a checked opening would have found."""
    with Store(db) as s:
        s.save_feed(
            FEED,
            title="F",
            articles=[entry(str(i), title="x" * 300) for i in range(600)],
            etag=None,
            last_modified=None,
        )
        writer = sqlite3.connect(db, isolation_level=None)
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("UPDATE feeds SET title = 'G'")
        s.quick_check()  # no error, no wait for the writer
        writer.execute("ROLLBACK")
        writer.close()
    data = bytearray(db.read_bytes())
    page = 4096
    assert len(data) > 100 * page
    data[60 * page : 90 * page] = b"\xa5" * (30 * page)
    db.write_bytes(bytes(data))
    unchecked = Store(db, check=False)  # opens: the damage is not where opening looks
    with pytest.raises(StoreDamaged, match="database is damaged") as caught:
        unchecked.quick_check()
    assert "Move it away" in str(caught.value)
    unchecked.disable(caught.value)  # what the reader does then: no use of it at all
    with pytest.raises(StoreDamaged):
        unchecked.set_read("k", True)
    with pytest.raises(StoreDamaged):
        unchecked.states()
    unchecked.close()
    assert db.read_bytes()[60 * page : 90 * page] == b"\xa5" * (30 * page)
