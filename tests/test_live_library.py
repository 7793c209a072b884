"""Watched folders: real files in a temporary folder change while a Pilot app runs.

Each test waits for the app's state with a polling loop (wait_until), never a fixed
sleep, and checks what the user would see: rows in the list, the cursor's article, the
text in the reading pane.
"""

from __future__ import annotations

import os
from pathlib import Path

from pilot_wait import settle, wait_until
from textual.pilot import Pilot

from tui_reader.core.local.posts import article_key
from tui_reader.core.local.scan import scan_sources
from tui_reader.core.store import Store
from tui_reader.ui.app import ReaderApp

SIZE = (160, 48)


def post(folder: Path, name: str, title: str, date: str, body: str = "Some words.") -> Path:
    path = folder / name
    path.write_text(f"---\ntitle: {title}\ndate: {date}\n---\n\n{body}\n", encoding="utf-8")
    return path


def titles(app: ReaderApp) -> list[str]:
    return [article.title for article in app.main.list.articles.articles]


async def watching(pilot: Pilot, app: ReaderApp, folder: Path) -> None:
    """Wait until the watcher sees changes: a probe file is saved until it is listed,
    then removed until it is gone (the native watcher takes a moment to arm)."""
    await wait_until(pilot, lambda: app.live.watcher.watcher is not None, tries=2000)
    probe = folder / "zz-probe.md"
    for _attempt in range(100):
        post(folder, probe.name, "Probe", "2000-01-01")
        try:
            await wait_until(pilot, lambda: "Probe" in titles(app), tries=25)
            break
        except AssertionError:
            continue
    probe.unlink()
    await wait_until(pilot, lambda: "Probe" not in titles(app))


def posts(tmp_path: Path, count: int = 3) -> Path:
    folder = tmp_path / "posts"
    folder.mkdir()
    for number in range(count):
        post(folder, f"p{number}.md", f"Post {number}", f"2024-01-{10 + number:02d}")
    return folder


async def test_new_changed_and_deleted_posts_show_without_a_key(tmp_path: Path) -> None:
    folder = posts(tmp_path)
    app = ReaderApp([str(folder)], watch=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await watching(pilot, app, folder)
        post(folder, "new.md", "A new post", "2024-02-01")
        await wait_until(pilot, lambda: "A new post" in titles(app))
        post(folder, "p1.md", "Post one, retitled", "2024-01-11")
        await wait_until(pilot, lambda: "Post one, retitled" in titles(app))
        assert "Post 1" not in titles(app)
        (folder / "p0.md").unlink()
        await wait_until(pilot, lambda: "Post 0" not in titles(app))
        (folder / "p2.md").rename(folder / "renamed.md")
        renamed = [str(folder / "renamed.md")]

        def locations() -> list[str]:
            return [a.location for a in app.library.articles if a.title == "Post 2"]

        await wait_until(pilot, lambda: locations() == renamed)
        assert titles(app).count("Post 2") == 1
        assert len(app.library) == 3


async def test_editor_style_save_is_one_update_and_the_cursor_stays(tmp_path: Path) -> None:
    folder = posts(tmp_path, 5)
    for number in range(80):  # older ones: the list is longer than the screen
        post(folder, f"old{number:02d}.md", f"Old {number}", f"2020-01-{1 + number % 28:02d}")
    app = ReaderApp([str(folder)], watch=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await watching(pilot, app, folder)
        await pilot.press("j", "j")  # on "Post 2" (newest first: 4, 3, 2)
        assert app.main.list.articles.current.title == "Post 2"
        await pilot.press("space", "space", "k")  # scrolled: cursor mid-list
        target = app.main.list.articles.current.title
        assert round(app.main.list.articles.scroll_y) > 0
        line = app.main.list.articles.cursor - round(app.main.list.articles.scroll_y)
        before = app.live.watcher.updates
        # What vim and many editors do: write a temporary file, rename it over the post,
        # set its mode; plus a swap file that must not count.
        (folder / ".p3.md.swp").write_text("swap", encoding="utf-8")
        temporary = folder / "p3.md.tmp"
        temporary.write_text("---\ntitle: Post 3 edited\ndate: 2024-01-13\n---\n\nNew.\n")
        os.replace(temporary, folder / "p3.md")
        os.chmod(folder / "p3.md", 0o644)
        (folder / ".p3.md.swp").unlink()
        # A new post dated first: it comes above the cursor, which stays on its article.
        post(folder, "top.md", "Newest of all", "2030-01-01")
        await wait_until(pilot, lambda: "Post 3 edited" in titles(app))
        await wait_until(pilot, lambda: "Newest of all" in titles(app))
        assert app.live.watcher.updates - before <= 2  # one burst (or two, cut by timing)
        articles = app.main.list.articles
        assert articles.current.title == target
        assert articles.cursor - round(articles.scroll_y) == line
        assert "Post 3" not in titles(app)


async def test_a_burst_of_100_files_and_the_filter_stays(tmp_path: Path) -> None:
    folder = posts(tmp_path, 2)
    app = ReaderApp([str(folder)], watch=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await watching(pilot, app, folder)
        await pilot.press("u")  # unread only: a filter that must survive the updates
        assert app.main.list.filter.unread_only
        for number in range(100):
            post(folder, f"burst{number:03d}.md", f"Burst {number}", "2024-03-01")
        await wait_until(pilot, lambda: len(titles(app)) == 102, tries=3000)
        assert app.main.list.filter.unread_only
        assert app.live.watcher.updates < 100  # coalesced, not one update per file


async def test_the_open_article_reloads_at_its_heading(tmp_path: Path) -> None:
    folder = tmp_path / "posts"
    folder.mkdir()
    sections = "\n\n".join(
        f"## Part {n}\n\n" + "\n\n".join(f"Paragraph {n}.{k} " + "word " * 30 for k in range(8))
        for n in range(12)
    )
    path = post(folder, "long.md", "Long", "2024-01-01", sections)
    app = ReaderApp([str(folder)], watch=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await watching(pilot, app, folder)
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.main.reading.view.document is not None)
        view = app.main.reading.view
        for _ in range(7):
            await pilot.press("]")
        await pilot.pause()
        document = view.document
        heading = document.heading_for_section(view.top_section)
        name = document.headings[heading][1]
        assert name in ("Part 6", "Part 7")
        # A paragraph is inserted near the top: the text under the reader moves down.
        edited = sections.replace("## Part 1\n", "Inserted " + "text " * 400 + "\n\n## Part 1\n")
        post(folder, "long.md", "Long", "2024-01-01", edited)
        await wait_until(pilot, lambda: view.document is not document)
        await wait_until(pilot, lambda: "Inserted" in view.document.body)
        await pilot.pause()
        await pilot.pause()
        now = view.document.heading_for_section(view.top_section)
        assert view.document.headings[now][1] == name
        assert app.focused is view  # focus stayed in the article
        assert path.exists()


async def test_no_watch_leaves_the_list_as_it_was(tmp_path: Path) -> None:
    folder = posts(tmp_path)
    app = ReaderApp([str(folder)], watch=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.pause(2.0)  # past the moment a watcher would start
        assert app.live.watcher.watcher is None


async def test_polling_watches_too(tmp_path: Path) -> None:
    folder = posts(tmp_path, 1)
    app = ReaderApp([str(folder)], watch="poll")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await watching(pilot, app, folder)
        assert app.live.watcher.polling
        post(folder, "polled.md", "Seen by polling", "2024-05-01")
        await wait_until(pilot, lambda: "Seen by polling" in titles(app))


async def test_scan_cache_and_snapshot_agree_after_changes(tmp_path: Path) -> None:
    folder = posts(tmp_path, 3)
    db = tmp_path / "library.sqlite3"
    store = Store(db)
    app = ReaderApp([str(folder)], store=store, watch=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await watching(pilot, app, folder)
        post(folder, "p1.md", "Changed on disk", "2024-01-11")
        (folder / "p2.md").unlink()
        post(folder, "p9.md", "Added", "2024-01-19")
        expected = ["Added", "Changed on disk", "Post 0"]
        await wait_until(pilot, lambda: sorted(titles(app)) == expected)
        gone_key = article_key(folder, folder / "p2.md")
        # The deleted file left the search index and the scan cache with its article.
        assert gone_key not in store.search("Post")
        assert not store.cached_scan([(str(folder / "p2.md"), 0.0, 0)])
        assert store.scan_cache_count() == 3
    store.close()
    # A later start (snapshot, then per-file cache) lists what is on disk now.
    with Store(db) as again:
        listed = [a for batch, _errors in scan_sources([str(folder)], again) for a in batch]
        assert sorted(a.title for a in listed) == expected
        assert again.search("Changed") == [article_key(folder, folder / "p1.md")]
