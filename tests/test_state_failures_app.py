"""State the reader cannot save, in the real app on a real SQLite file.

A full disk, a second instance holding the write lock, and a library file the reader
cannot use: in each case the app keeps working, says that state is not being saved, and
nothing that was saved before is lost or changed.

The full disk is real SQLite behaviour, not a mock: ``PRAGMA max_page_count`` stops the
file growing, and the state table is filled until SQLite answers ``SQLITE_FULL``, exactly
as it does when the disk has no room for a new page.
"""

from __future__ import annotations

import argparse
import sqlite3
from pathlib import Path

import pytest
from pilot_wait import wait_until
from textual.pilot import Pilot

from tui_reader import commands
from tui_reader.core.local.posts import article_key
from tui_reader.core.paths import database_file
from tui_reader.core.store import Store, StoreError
from tui_reader.ui.app import ReaderApp
from tui_reader.ui.widgets.article_list import ArticleList


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "notes"
    root.mkdir()
    for name in ("alpha", "beta", "gamma"):
        (root / f"{name}.md").write_text(f"---\ntitle: {name.title()}\n---\nText of {name}.\n")
    return root


def key(folder: Path, name: str) -> str:
    return article_key(folder, folder / f"{name}.md")


async def loaded(app: ReaderApp, pilot: Pilot) -> ArticleList:
    await wait_until(pilot, lambda: not app.loading)
    await app.workers.wait_for_complete()
    await pilot.pause()
    articles = app.query_one(ArticleList)
    articles.focus()
    return articles


async def press_on(app: ReaderApp, pilot: Pilot, title: str, *keys: str) -> None:
    articles = app.query_one(ArticleList)
    articles.cursor = next(i for i, a in enumerate(articles.articles) if a.title == title)
    await pilot.press(*keys)


def toasts(app: ReaderApp) -> list[str]:
    return [toast.render().plain for toast in app.screen.query("Toast")]


def fill_the_disk(store: Store) -> None:
    """Let the file grow no more, and fill the state table's pages to the brim."""
    conn = store._conn
    assert conn is not None
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(StoreError, match="disk is full"):
        for n in range(100_000):
            store.set_read(f"zzzz:filler:{n:06d}", True)


def free_the_disk(store: Store) -> None:
    assert store._conn is not None
    store._conn.execute("PRAGMA max_page_count = 1073741823")


def integrity(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]


async def test_full_disk_the_app_goes_on_says_so_once_and_keeps_what_was_saved(
    folder: Path, tmp_path: Path
) -> None:
    db = tmp_path / "library.sqlite3"
    store = Store(db)
    store.set_read(key(folder, "alpha"), True)
    store.set_starred(key(folder, "alpha"), True)
    app = ReaderApp([str(folder)], store=store)
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await loaded(app, pilot)
        assert app.state.is_starred(key(folder, "alpha"))  # saved state was read back

        fill_the_disk(store)
        await press_on(app, pilot, "Beta", "s", "m")
        await wait_until(pilot, lambda: any("disk is full" in t for t in toasts(app)))
        message = next(t for t in toasts(app) if "disk is full" in t)
        assert "the change was not saved" in message
        # The app goes on: the star shows for this session, the list still moves.
        assert app.state.is_starred(key(folder, "beta"))
        await press_on(app, pilot, "Beta", "s", "s", "j")
        await pilot.pause(1.2)  # the next state flush
        assert sum("disk is full" in t for t in toasts(app)) == 1  # said once, not every second
        assert app.is_running

        free_the_disk(store)
        await press_on(app, pilot, "Gamma", "s")
    store.close()

    assert integrity(db) == "ok"
    with Store(db) as again:
        assert again.state(key(folder, "alpha")).read
        assert again.state(key(folder, "alpha")).starred
        assert again.state(key(folder, "gamma")).starred  # saved once there was room
        assert not again.state(key(folder, "beta")).starred  # as the app said: not saved


async def test_second_instance_writing_and_holding_the_lock(folder: Path, tmp_path: Path) -> None:
    db = tmp_path / "library.sqlite3"
    store = Store(db, timeout=0.2)
    other = Store(db)  # the second instance
    other.set_starred(key(folder, "alpha"), True)
    app = ReaderApp([str(folder)], store=store)
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await loaded(app, pilot)
        assert app.state.is_starred(key(folder, "alpha"))

        # Both instances write at the same time: both are kept.
        await press_on(app, pilot, "Beta", "s")
        other.set_read(key(folder, "gamma"), True)

        # The other instance holds the write lock for longer than this one waits.
        holder = sqlite3.connect(db, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        holder.execute("UPDATE state SET position = 0.5 WHERE key = ?", (key(folder, "alpha"),))
        try:
            await press_on(app, pilot, "Gamma", "s")
            await wait_until(
                pilot, lambda: any("locked by another program" in t for t in toasts(app))
            )
            assert app.is_running
        finally:
            holder.execute("COMMIT")
            holder.close()
        await press_on(app, pilot, "Gamma", "s", "s")  # unstar, star: works again
    store.close()

    assert integrity(db) == "ok"
    states = other.states()
    other.close()
    assert states[key(folder, "alpha")].starred and states[key(folder, "alpha")].position == 0.5
    assert states[key(folder, "beta")].starred
    assert states[key(folder, "gamma")].read and states[key(folder, "gamma")].starred


async def test_unusable_library_is_reported_kept_and_the_reader_still_works(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = database_file()
    db.parent.mkdir(parents=True, exist_ok=True)
    garbage = b"this is not a database, but it is somebody's file\n" * 100
    db.write_bytes(garbage)
    started: list[ReaderApp] = []
    monkeypatch.setattr(ReaderApp, "run", lambda self, *a, **k: started.append(self))
    args = argparse.Namespace(sources=[str(folder)], wpm=None)
    assert commands.run(None, args) == 0  # what `tui-reader FOLDER` does, minus the terminal

    (app,) = started
    assert app.store is None
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await loaded(app, pilot)
        said = "\n".join(toasts(app))
        assert "database is damaged" in said and "it was kept, not replaced" in said
        assert "Reading state will not be saved in this session." in said
        await press_on(app, pilot, "Beta", "s")
        assert app.state.is_starred(key(folder, "beta"))  # in memory, as promised
        assert len(app.query_one(ArticleList).articles) == 3
    assert db.read_bytes() == garbage


async def test_damage_found_after_the_first_screen_stops_saving_and_says_so(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reader opens its library without the integrity check and runs it once the
    list is on screen. Damage found then is reported like damage found at opening: the
    reader stops writing to the file, keeps state in memory, and the file is kept."""
    from tui_reader.core.article import Article

    feed = "https://example.org/feed.xml"
    db = database_file()
    with Store(db) as store:
        store.set_read(key(folder, "gamma"), True)
        store.save_feed(
            feed,
            title="F",
            articles=[
                Article(key=f"feed:{feed}::{i}", title=f"Entry {i} " + "x" * 300, kind="feed")
                for i in range(600)
            ],
            etag=None,
            last_modified=None,
        )
    data = bytearray(db.read_bytes())
    page = 4096
    assert len(data) > 100 * page
    data[60 * page : 90 * page] = b"\xa5" * (30 * page)  # feed entries' pages only
    db.write_bytes(bytes(data))

    started: list[ReaderApp] = []
    monkeypatch.setattr(ReaderApp, "run", lambda self, *a, **k: started.append(self))
    args = argparse.Namespace(sources=[str(folder)], wpm=None)
    assert commands.run(None, args) == 0

    (app,) = started
    assert app.store is not None  # opened, not yet checked
    opened = app.store
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await loaded(app, pilot)
        await wait_until(pilot, lambda: any("database is damaged" in t for t in toasts(app)))
        assert app.store is None
        said = "\n".join(toasts(app))
        assert "database is damaged" in said and "it was kept, not replaced" in said
        assert "Reading state will not be saved in this session." in said
        assert app.state.is_read(key(folder, "gamma"))  # what was read before, still known
        await press_on(app, pilot, "Beta", "s")
        assert app.state.is_starred(key(folder, "beta"))  # in memory
        assert len(app.query_one(ArticleList).articles) == 3
        # Whoever still holds the library (a feed refresh under way) cannot write to it.
        with pytest.raises(StoreError, match="database is damaged"):
            opened.set_read(key(folder, "alpha"), True)
    assert db.read_bytes()[60 * page : 90 * page] == b"\xa5" * (30 * page)
