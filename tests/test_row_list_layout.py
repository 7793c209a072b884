"""The row list's length changes without extra layouts, and its scrollbar is right.

A list that grows past its view gets a vertical scrollbar. Textual finds that out while
laying the screen out, and then lays it out a second time with the bar, drawing every
row again one column pair narrower. ``set_virtual_size`` says so before the layout; these
tests check that what it says is what Textual itself decides, in every case, and that
it is known before the layout that shows the rows.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult

from tui_reader.ui.widgets.row_list import RowList


class Rows(RowList):
    def __init__(self, id: str) -> None:
        super().__init__(id=id)
        self.widths: list[int] = []  # the width of every row drawn

    def render_row(self, index: int, width: int) -> Text:
        self.widths.append(width)
        return Text(f"row {index}")


class ListApp(App[None]):
    def __init__(self, rows: int) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        yield Rows(id="rows")

    def on_mount(self) -> None:
        self.query_one(Rows).set_row_count(self.rows)  # before the first layout


async def _settled_bar(rows: int, grow_to: int | None = None) -> tuple[bool, bool]:
    """(bar shown, bar Textual would show) once everything settled."""
    app = ListApp(rows)
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        rows_list = app.query_one(Rows)
        if grow_to is not None:
            rows_list.set_row_count(grow_to)
            await pilot.pause()
        await pilot.pause()
        shown = rows_list.show_vertical_scrollbar
        rows_list._refresh_scrollbars()  # Textual's own decision, from the sizes laid out
        return shown, rows_list.show_vertical_scrollbar


async def test_the_scrollbar_is_what_textual_decides_for_every_length() -> None:
    for rows, grow_to in [
        (0, None),
        (5, None),
        (20, None),
        (21, None),
        (500, None),
        (0, 5),
        (0, 500),
        (5, 500),
        (500, 5),
        (500, 0),
        (19, 21),
    ]:
        shown, decided = await _settled_bar(rows, grow_to)
        assert shown == decided, (rows, grow_to)
        final = rows if grow_to is None else grow_to
        assert shown == (final > 20), (rows, grow_to)


async def test_the_bar_is_known_before_the_layout_that_shows_the_rows() -> None:
    """Rows set before the first layout, or after it: the bar is already decided when
    the layout that shows them runs, so that layout places it; Textual never has to
    find it there and lay the screen out (and draw the list) again."""
    for before_layout in (True, False):
        app = ListApp(0 if not before_layout else 10_000)
        async with app.run_test(size=(60, 20)) as pilot:
            rows_list = app.query_one(Rows)
            if before_layout:  # set in on_mount: no layout has run yet
                assert rows_list.show_vertical_scrollbar
            await pilot.pause()
            if not before_layout:
                assert not rows_list.show_vertical_scrollbar
                rows_list.set_row_count(10_000)
                assert rows_list.show_vertical_scrollbar  # before the layout runs
            await pilot.pause()
            await pilot.pause()
            assert rows_list.show_vertical_scrollbar
            narrower = 60 - rows_list.styles.scrollbar_size_vertical
            assert rows_list.scrollable_content_region.width == narrower
            assert set(rows_list.widths) == {narrower}
