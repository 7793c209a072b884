"""Hostile text in the real app: check the bytes the app would write to the terminal.

The app is run with Pilot; the compositor's full update (what Textual writes to the
terminal on a repaint) is rendered to a string, and no payload sequence may appear in it.
Markup in titles must show literally and never crash the app or run an action.
"""

from __future__ import annotations

from pathlib import Path

from screen_output import terminal_bytes

from tui_reader.ui.app import ReaderApp
from tui_reader.ui.widgets.article_list import ArticleList
from tui_reader.ui.widgets.document_view import DocumentView

ESC = "\x1b"
PAYLOADS = [
    f"{ESC}]0;pwned-title\x07",  # OSC 0: set the window title (BEL)
    f"{ESC}]52;c;cHduZWQ={ESC}\\",  # OSC 52: write the clipboard (ST)
    f"{ESC}]8;;file:///etc/passwd{ESC}\\",  # OSC 8: hyperlink to a local file
    f"{ESC}[2J",  # CSI: clear the screen
    f"{ESC}[6n",  # CSI: ask for a cursor report (the terminal types into the app)
    f"{ESC}c",  # RIS: reset the terminal
    f"{ESC}[?1049l",  # leave the alternate screen
    f"{ESC}_apc-payload{ESC}\\",  # APC
    "\x9b31m",  # 8-bit CSI
    "\x9d0;c1-title\x9c",  # 8-bit OSC
]
SIGNATURES = ["]0;pwned", "]52;", "]8;;file:", "[2J", "[6n", "[?1049l", "_apc-payload", "\x9b", "\x9d"]


def hostile_folder(root: Path) -> Path:
    joined = "".join(PAYLOADS)
    (root / "evil.md").write_text(
        "---\n"
        f'title: "[/] [@click=app.quit]Click me[/] {joined}"\n'
        f'author: "[bold]Mallory {joined}"\n'
        f'tags: ["[/]", "t{joined}ag"]\n'
        "---\n\n"
        f"# Heading {joined} [/]\n\nBody text {joined} and [@click=app.quit]more[/].\n\n"
        f"```\ncode {joined}\n```\n",
        encoding="utf-8",
    )
    return root



def assert_clean(output: str) -> None:
    for signature in SIGNATURES:
        assert signature not in output, f"payload {signature!r} reached the terminal"
    assert "\x07" not in output
    assert "\x00" not in output


async def test_hostile_title_tags_author_and_body_never_reach_the_terminal(tmp_path: Path) -> None:
    app = ReaderApp([str(hostile_folder(tmp_path))])
    async with app.run_test(size=(140, 40)) as pilot:
        for _ in range(200):
            if not app.loading and app.query_one(ArticleList).articles:
                break
            await pilot.pause(0.02)
        list_output = terminal_bytes(app)
        assert_clean(list_output)
        assert "[/] [@click=app.quit]Click me[/]" in app.query_one(ArticleList).articles[0].title
        await pilot.press("enter")
        view = app.query_one(DocumentView)
        for _ in range(200):
            if view.document is not None and view.rendered_sections:
                break
            await pilot.pause(0.02)
        await pilot.pause()
        reader_output = terminal_bytes(app)
        assert_clean(reader_output)
        # The markup is shown as text, and the app is still running.
        assert "Click me" in reader_output and "[/]" in reader_output
        assert app.is_running


async def test_clicking_a_markup_title_runs_no_action(tmp_path: Path) -> None:
    app = ReaderApp([str(hostile_folder(tmp_path))])
    async with app.run_test(size=(140, 40)) as pilot:
        for _ in range(200):
            if not app.loading and app.query_one(ArticleList).articles:
                break
            await pilot.pause(0.02)
        await pilot.click(ArticleList, offset=(12, 0))
        await pilot.pause()
        assert app.is_running  # "[@click=app.quit]" did not quit
