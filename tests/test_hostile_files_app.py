"""A hostile notes folder in the real app: it starts, lists what it can, and says what it can't.

The folder holds a symlink loop, a link to itself, a FIFO named ``pipe.md``, a binary
``.md``, a latin-1 file, a file with broken front matter, a file over the 5 MB cap and a
file whose name is not valid UTF-8, next to one ordinary post. The app runs with Pilot
on a real SQLite library (scan cache and search index included), and the test checks
what the user sees: the rows, one warning naming each bad file, the reading pane and its
header, and the bytes the terminal would receive.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest
from pilot_wait import wait_until
from screen_output import terminal_bytes
from textual.pilot import Pilot
from textual.widgets import Static

from tui_reader.core.local.textio import MAX_BYTES
from tui_reader.core.store import Store
from tui_reader.ui.app import ReaderApp
from tui_reader.ui.widgets.article_list import ArticleList
from tui_reader.ui.widgets.document_view import DocumentView

pytestmark = pytest.mark.skipif(
    sys.platform in ("win32", "darwin") or not hasattr(os, "mkfifo"),
    reason="needs FIFOs, symlinks and byte file names",
)

HANG_GUARD = 60  # seconds; only a hang trips it, nothing here is timed


def hostile_folder(root: Path) -> Path:
    folder = root / "notes"
    (folder / "sub").mkdir(parents=True)
    (folder / "good.md").write_text("---\ntitle: Good post\ntags: [ok]\n---\nA normal body.\n")
    (folder / "broken.md").write_text(
        "---\ntitle: [oops\n---\n# Broken Header Post\n\nThe body is still shown.\n"
    )
    (folder / "binary.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200))
    (folder / "latin.md").write_bytes(
        "---\ntitle: Café au lait\n---\nÉté à Paris, naïve façade.\n".encode("latin-1")
    )
    with open(folder / "huge.md", "wb") as handle:
        handle.write(b"# Huge\n\n" + b"word " * (MAX_BYTES // 5 + 1))
    os.mkfifo(folder / "pipe.md")
    (folder / "sub" / "back").symlink_to(folder, target_is_directory=True)  # a loop
    (folder / "self.md").symlink_to(folder / "self.md")  # ELOOP on every stat
    raw_name = os.path.join(os.fsencode(folder), b"bad\xffname.md")
    with open(raw_name, "wb") as handle:
        handle.write(b"Some body text only.\n")
    return folder



async def open_titled(app: ReaderApp, pilot: Pilot, title: str) -> list[str]:
    """Open the article with this title; return the lines the reading pane shows."""
    articles = app.query_one(ArticleList)
    articles.cursor = next(i for i, a in enumerate(articles.articles) if a.title == title)
    articles.focus()
    await pilot.press("enter")
    view = app.query_one(DocumentView)
    await wait_until(
        pilot,
        lambda: app.main.article is not None
        and app.main.article.title == title
        and view.rendered_sections,
    )
    await app.workers.wait_for_complete()
    await pilot.pause()
    return [view.render_line(y).text for y in range(view.scrollable_content_region.height)]


def header(app: ReaderApp) -> str:
    return app.query_one("#article-header", Static).content.plain  # type: ignore[union-attr]


async def test_hostile_folder_lists_good_files_and_names_each_bad_one(tmp_path: Path) -> None:
    folder = hostile_folder(tmp_path)
    store = Store(tmp_path / "library.sqlite3")
    app = ReaderApp([str(folder)], store=store)

    async def scenario() -> None:
        async with app.run_test(size=(140, 40), notifications=True) as pilot:
            await wait_until(pilot, lambda: not app.loading)
            await app.workers.wait_for_complete()
            await pilot.pause()
            titles = {a.title for a in app.query_one(ArticleList).articles}
            # The FIFO and the looping link are skipped; every regular file is listed,
            # the unreadable ones under their file names.
            assert titles == {
                "Good post",
                "Broken Header Post",
                "Café au lait",
                "binary",
                "huge",
                "bad\ufffdname",
            }

            toasts = "\n".join(toast.render().plain for toast in app.screen.query("Toast"))
            assert "4 files could not be read fully" in toasts
            assert "binary.md: not a text file" in toasts
            assert "broken.md: YAML front matter:" in toasts
            assert "huge.md: file larger than 5 MB" in toasts
            assert "latin.md: encoding guessed as cp1252" in toasts
            assert "good.md" not in toasts and "pipe.md" not in toasts

            shown = await open_titled(app, pilot, "Broken Header Post")
            assert any("The body is still shown." in line for line in shown)
            assert "⚠ YAML front matter:" in header(app)

            shown = await open_titled(app, pilot, "Café au lait")
            assert any("Été à Paris, naïve façade." in line for line in shown)
            assert "⚠ encoding guessed as cp1252" in header(app)

            shown = await open_titled(app, pilot, "binary")
            assert any("could not be read: not a text file" in line for line in shown)

            shown = await open_titled(app, pilot, "huge")
            assert any("could not be read: file larger than 5 MB" in line for line in shown)

            shown = await open_titled(app, pilot, "bad\ufffdname")
            assert any("Some body text only." in line for line in shown)

            output = terminal_bytes(app)
            assert "\x00" not in output and "\x89PNG" not in output
            assert not any("\ud800" <= char <= "\udfff" for char in output)
            assert app.is_running

    try:
        await asyncio.wait_for(scenario(), HANG_GUARD)
    finally:
        store.close()
    # The odd name was stored (scan cache) and its state can be found again.
    with Store(tmp_path / "library.sqlite3") as again:
        assert any(key.endswith("bad\\xffname.md") for key in again.states())
