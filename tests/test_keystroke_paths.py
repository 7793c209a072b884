"""The shortcuts taken to answer keys sooner show the same thing as the long way.

Filter keystrokes are applied as the field changes and reuse recent results; the
contents list draws rows from a cache and renders a heading's text ahead of a jump; a
cursor move redraws two rows. Each test compares with what a fresh computation shows.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from textual.geometry import Region
from textual.pilot import Pilot
from textual.widgets import Input

from tests.pilot_wait import settle
from tui_reader.core.article import Heading
from tui_reader.core.library import Filter
from tui_reader.ui.app import ReaderApp
from tui_reader.ui.widgets.article_list import ArticleList
from tui_reader.ui.widgets.document_view import DocumentView
from tui_reader.ui.widgets.toc import TocList


def write_posts(root: Path, count: int = 60) -> Path:
    posts = root / "posts"
    posts.mkdir()
    for i in range(count):
        (posts / f"post{i}.md").write_text(
            f"---\ntitle: Post {i}\ndate: 2024-01-{i % 28 + 1:02d}\n"
            f"tags: [{'odd' if i % 2 else 'even'}, t{i % 3}]\n---\n\nBody {i}.\n",
            encoding="utf-8",
        )
    return posts


def write_long_article(root: Path, headings: int = 80) -> Path:
    folder = root / "long"
    folder.mkdir()
    parts = ["---\ntitle: Long\n---\n"]
    for n in range(1, headings + 1):
        paragraph = " ".join(f"word{n}x{k}" for k in range(60))
        parts.append(f"## Section {n:03d}\n\n{paragraph}\n\n{paragraph}\n")
    (folder / "long.md").write_text("\n".join(parts), encoding="utf-8")
    return folder


@asynccontextmanager
async def running(
    source: Path, size: tuple[int, int] = (120, 30)
) -> AsyncIterator[tuple[ReaderApp, Pilot]]:
    app = ReaderApp([str(source)])
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        yield app, pilot


def listed(app: ReaderApp) -> list[str]:
    return [article.key for article in app.query_one(ArticleList).articles]


def fresh(app: ReaderApp) -> list[str]:
    """What the library selects for the current filter, computed now."""
    rows = app.library.select(
        app.main.list.filter,
        app.main.list.sort,
        is_read=app.state.is_read,
        is_starred=app.state.is_starred,
    )
    return [article.key for article in rows]


def drawn(widget: TocList | ArticleList | DocumentView) -> list[str]:
    """What the widget draws now (its cached lines where nothing asked for a redraw)."""
    width, height = widget.size
    return [strip.text for strip in widget.render_lines(Region(0, 0, width, height))]


async def test_typing_and_backspace_show_the_library_selection(tmp_path: Path) -> None:
    async with running(write_posts(tmp_path)) as (app, pilot):
        await pilot.press("slash")
        for _ in range(50):
            if isinstance(app.focused, Input):
                break
            await pilot.pause()
        for key in ["1", "2", "backspace", "3", "backspace", "backspace", "1"]:
            await pilot.press(key)
            await pilot.pause()
            assert app.main.list.filter.text == app.query_one("#filter-input", Input).value
            assert listed(app) == fresh(app)
        bar = str(app.query_one("#filter-bar").content)
        assert f"{len(listed(app))} of 60" in bar


async def test_a_remembered_selection_is_not_used_after_the_library_changes(
    tmp_path: Path,
) -> None:
    async with running(write_posts(tmp_path)) as (app, pilot):
        app.main.list.filter = Filter(text="post 1")
        app.main.list.apply_filter()
        before = listed(app)
        app.main.list.filter = Filter()
        app.main.list.apply_filter()
        extra = app.library.get(before[0])
        assert extra is not None
        from dataclasses import replace

        app.add_articles([replace(extra, key="new-key", title="Post 1 again")])
        app.main.list.filter = Filter(text="post 1")
        app.main.list.apply_filter()
        assert "new-key" in listed(app)
        assert listed(app) == fresh(app)


async def test_unread_filter_follows_the_reading_state(tmp_path: Path) -> None:
    async with running(write_posts(tmp_path)) as (app, pilot):
        app.main.list.filter = Filter(unread_only=True)
        app.main.list.apply_filter()
        first = listed(app)[0]
        app.state.set_read(first, True)
        app.main.list.apply_filter()
        assert first not in listed(app)
        assert listed(app) == fresh(app)


async def test_cursor_moves_redraw_the_rows_they_touch(tmp_path: Path) -> None:
    async with running(write_posts(tmp_path)) as (app, pilot):
        widget = app.query_one(ArticleList)
        await pilot.press("g", "j", "j")
        await pilot.pause()
        after = drawn(widget)
        widget.refresh()  # everything drawn anew
        assert drawn(widget) == after
        strips = widget.render_lines(Region(0, 0, *widget.size))
        reversed_rows = [
            y for y, strip in enumerate(strips) if any(s.style and s.style.reverse for s in strip)
        ]
        assert reversed_rows == [2]


async def test_contents_rows_follow_new_headings(tmp_path: Path) -> None:
    async with running(write_long_article(tmp_path)) as (app, pilot):
        await pilot.press("enter")
        await settle(app, pilot)
        toc = app.query_one(TocList)
        assert "Section 001" in drawn(toc)[0]
        toc.set_headings([Heading(2, f"Other {n}") for n in range(5)])
        await pilot.pause()
        assert "Other 0" in drawn(toc)[0]


async def test_a_prepared_jump_shows_what_an_unprepared_one_shows(tmp_path: Path) -> None:
    source = write_long_article(tmp_path)
    screens = []
    for prepare in (False, True):
        async with running(source) as (app, pilot):
            await pilot.press("enter")
            await settle(app, pilot)
            view = app.query_one(DocumentView)
            await pilot.press("pagedown", "pagedown")
            await pilot.pause()
            shown = drawn(view)
            if prepare:
                view.prepare_heading(40)
                view.prepare_heading(1)  # above the screen: the text on it stays put
                await pilot.pause()
                assert drawn(view) == shown
            view.goto_heading(40)
            await pilot.pause()
            screens.append((drawn(view), view.top_section))
    assert screens[0] == screens[1]
    assert any("Section 041" in line for line in screens[0][0])


async def test_contents_cursor_rest_prepares_the_jump(tmp_path: Path) -> None:
    async with running(write_long_article(tmp_path), size=(140, 30)) as (app, pilot):
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("tab")  # from the reading pane to the contents list
        assert isinstance(app.focused, TocList)
        await pilot.press("pagedown")
        await pilot.pause(0.2)  # the cursor rests: its heading is rendered ahead
        view = app.query_one(DocumentView)
        target = view.document.heading_sections[app.query_one(TocList).cursor]
        assert target in view.rendered_sections
        await pilot.press("enter")
        await pilot.pause()
        assert view.top_section == target
        assert isinstance(app.focused, DocumentView)


async def test_a_resized_terminal_redraws_the_list_header_and_keeps_the_list_whole(
    tmp_path: Path,
) -> None:
    """The list's header and scroll limits follow a resize without a screen layout of
    their own (the header is one line, the list is never scrolled sideways)."""
    async with running(write_posts(tmp_path), size=(60, 20)) as (app, pilot):
        widget = app.query_one(ArticleList)
        header = app.query_one("#list-header")

        def header_width() -> int:
            return len(str(header.render()).rstrip())

        narrow = header_width()
        assert narrow <= widget.size.width
        await pilot.resize_terminal(150, 30)
        await settle(app, pilot)
        # The columns are laid out for the new width, as a header made now would be.
        assert narrow < header_width()
        assert str(header.render()) == str(widget.header_text())
        await pilot.press("G")
        await pilot.pause()
        rows = drawn(widget)
        last = widget.articles[-1].title
        assert any(f"{last} " in row for row in rows), rows
        assert widget.max_scroll_x == 0
        assert widget.max_scroll_y == len(widget.articles) - widget.scrollable_content_region.height
