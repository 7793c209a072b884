"""A list of one-line rows that draws only what is on screen.

``OptionList`` measures every option up front (its wrapping needs each height), which
takes 0.4 s for the 2,000 headings of a 5 MB article; ``DataTable`` takes 1.3 s to refill
10,000 rows. Rows here are one line each, so a row's position is its index and nothing
is measured: filling the list costs what building the Python list costs.

Subclasses say how a row looks: :meth:`RowList.render_row` as Rich ``Text``, or
:meth:`RowList.render_row_segments` as segments built directly (quicker).
"""

from __future__ import annotations

from collections.abc import Hashable

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui_reader.ui.widgets.virtual_size import set_virtual_size

FOCUSED_CURSOR = Style(reverse=True)
UNFOCUSED_CURSOR = Style(bgcolor="grey30")


class RowList(ScrollView, can_focus=True):
    """Cursor movement, scrolling, mouse and messages for a list of rows."""

    DEFAULT_CSS = """
    RowList { height: 1fr; }
    """

    cursor: reactive[int] = reactive(0, init=False)
    """Index of the highlighted row."""

    class RowMessage(Message):
        """About one row of a list."""

        def __init__(self, row_list: RowList, index: int) -> None:
            super().__init__()
            self.row_list = row_list
            self.index = index

        @property
        def control(self) -> RowList:
            return self.row_list

    class Highlighted(RowMessage):
        """The cursor moved to another row."""

    class Chosen(RowMessage):
        """A row was chosen with Enter or a click."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.row_count = 0
        # Drawn rows by content: a filter keystroke moves rows around, and a row costs
        # 0.1-0.2 ms to draw again.
        self._strips: LRUCache[Hashable, Strip] = LRUCache(1024)
        # Looked up once per render pass, not once a line: the widget's style walks the
        # DOM, the width asks the layout, the focus asks the screen.
        self._pass: tuple[int, Style, Style] | None = None  # width, row style, cursor style

    # -- subclasses -----------------------------------------------------------------
    def render_row(self, index: int, width: int) -> Text:
        raise NotImplementedError

    def render_row_segments(self, index: int, width: int) -> list[Segment]:
        """Row ``index`` as unstyled-by-the-list segments. By default, :meth:`render_row`
        rendered by Rich; a subclass may build the segments itself, which is quicker."""
        return list(self.render_row(index, width).render(self.app.console))

    def render_blank(self, y: int, width: int, style: Style) -> Strip:
        """Line ``y`` of the view, below the last row (or of an empty list)."""
        return Strip.blank(width, style)

    def row_key(self, index: int) -> Hashable | None:
        """Everything row ``index`` is drawn from, or None to draw it every time."""
        return None

    # -- data -----------------------------------------------------------------------
    def set_row_count(self, count: int, cursor: int = 0, announce: bool = True) -> None:
        self.row_count = count
        # Width 0: rows are cut to the view, never scrolled sideways; and a width that
        # never changes lets a resize or a new count skip laying out the whole screen.
        set_virtual_size(self, Size(0, count))
        self.set_reactive(RowList.cursor, max(0, min(cursor, count - 1)))
        self._scroll_cursor_into_view()
        self.refresh()
        if announce:
            self.post_message(RowList.Highlighted(self, self.cursor))

    def move_cursor(self, index: int, announce: bool = False) -> None:
        """Move the cursor without announcing it (scroll-spy uses this)."""
        if 0 <= index < self.row_count and index != self.cursor:
            old = self.cursor
            self.set_reactive(RowList.cursor, index)
            self._redraw_cursor(old, center=True)
            if announce:
                self.post_message(RowList.Highlighted(self, index))

    def _redraw_cursor(self, old: int, center: bool = False) -> None:
        """Show the cursor's move: scrolling redraws every row, else two rows change."""
        top = round(self.scroll_y)
        self._scroll_cursor_into_view(center=center)
        if round(self.scroll_y) != top:
            self.refresh()
        else:
            self.refresh_line(old)
            self.refresh_line(self.cursor)

    # -- rendering ------------------------------------------------------------------
    @property
    def row_width(self) -> int:
        """The width rows are drawn at."""
        return self._pass[0] if self._pass is not None else self.scrollable_content_region.width

    def _render_pass(self) -> tuple[int, Style, Style]:
        style = self.rich_style
        cursor = FOCUSED_CURSOR if self.has_focus else UNFOCUSED_CURSOR
        return self.scrollable_content_region.width, style, style + cursor

    def render_lines(self, crop: Region) -> list[Strip]:
        self._pass = self._render_pass()
        try:
            return super().render_lines(crop)
        finally:
            self._pass = None

    def render_line(self, y: int) -> Strip:
        width, row_style, cursor_style = self._pass or self._render_pass()
        index = round(self.scroll_y) + y
        if index >= self.row_count:
            return self.render_blank(y, width, row_style)
        style = cursor_style if index == self.cursor else row_style
        key = self.row_key(index)
        if key is not None:
            key = (key, width, style)
            cached = self._strips.get(key)
            if cached is not None:
                return cached
        # One Strip, padded or cut here: each Strip made sets up caches of its own.
        segments = list(Segment.apply_style(self.render_row_segments(index, width), style))
        length = Segment.get_line_length(segments)
        if length < width:
            segments.append(Segment(" " * (width - length), style))
        strip = Strip(segments, width) if length <= width else Strip(segments).crop(0, width)
        if key is not None:
            self._strips[key] = strip
        return strip

    def watch_cursor(self, old: int, new: int) -> None:
        self._redraw_cursor(old)
        self.post_message(RowList.Highlighted(self, new))

    def _scroll_cursor_into_view(self, center: bool = False) -> None:
        height = max(1, self.scrollable_content_region.height)
        top = round(self.scroll_y)
        if top <= self.cursor < top + height:
            return
        target = (
            self.cursor - height // 2
            if center
            else (self.cursor if self.cursor < top else self.cursor - height + 1)
        )
        self.scroll_to(y=max(0, target), animate=False, immediate=True)

    # -- keys and mouse -------------------------------------------------------------
    def _move(self, index: int) -> None:
        if self.row_count:
            self.cursor = max(0, min(index, self.row_count - 1))

    def action_cursor_down(self) -> None:
        self._move(self.cursor + 1)

    def action_cursor_up(self) -> None:
        self._move(self.cursor - 1)

    def action_page_down(self) -> None:
        self._move(self.cursor + max(1, self.scrollable_content_region.height - 1))

    def action_page_up(self) -> None:
        self._move(self.cursor - max(1, self.scrollable_content_region.height - 1))

    def action_first(self) -> None:
        self._move(0)

    def action_last(self) -> None:
        self._move(self.row_count - 1)

    def action_select(self) -> None:
        if 0 <= self.cursor < self.row_count:
            self.post_message(RowList.Chosen(self, self.cursor))

    def on_focus(self) -> None:
        self.refresh_line(self.cursor)  # only the cursor row looks different

    def on_blur(self) -> None:
        self.refresh_line(self.cursor)

    def on_click(self, event: events.Click) -> None:
        index = round(self.scroll_y) + event.y
        if 0 <= index < self.row_count:
            # The first click highlights a row; a click on the highlighted row opens it.
            if index == self.cursor:
                self.action_select()
            self.cursor = index
