"""The table of contents: every heading, indented by level, one line each."""

from __future__ import annotations

from collections.abc import Hashable

from rich.style import Style
from rich.text import Text

from tui_reader.core.article import Heading
from tui_reader.ui.bindings import TOC_BINDINGS
from tui_reader.ui.widgets.row_list import RowList

LEVEL_STYLES = {1: Style(bold=True), 2: Style(bold=True), 3: Style(), 4: Style(dim=True)}


class TocList(RowList):
    """Headings of the open article; the app keeps the cursor on the one being read."""

    BINDINGS = TOC_BINDINGS

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.headings: list[Heading] = []

    def set_headings(self, headings: list[Heading]) -> None:
        self.headings = headings
        self.set_row_count(len(headings), 0, announce=False)
        self.scroll_to(y=0, animate=False, immediate=True)

    @property
    def option_count(self) -> int:
        return len(self.headings)

    def row_key(self, index: int) -> Hashable:
        # Every focus change and scroll redraws the whole list: reuse drawn rows.
        heading = self.headings[index]
        return heading.level, heading.text

    def render_row(self, index: int, width: int) -> Text:
        heading = self.headings[index]
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        text.append("  " * (heading.level - 1) + " ")
        text.append(
            heading.text or "(untitled)", style=LEVEL_STYLES.get(heading.level, Style(dim=True))
        )
        text.truncate(width, overflow="ellipsis")
        return text
