"""The help screen: the keys table of :mod:`tui_reader.ui.keys`, with the user's remaps."""

from __future__ import annotations

from collections.abc import Mapping

from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui_reader.ui.bindings import HELP_BINDINGS
from tui_reader.ui.keys import keymap_of, keys_of, table
from tui_reader.ui.widgets.key_footer import KeyFooter


def help_text(keymap: Mapping[str, str] | None = None) -> Table:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(no_wrap=True)
    grid.add_column()
    for title, rows in table(keymap):
        grid.add_row(Text(title, style=Style(bold=True, underline=True)), "")
        for row in rows:
            grid.add_row(Text(row.shown, style=Style(bold=True, color="cyan")), Text(row.text))
        grid.add_row("", "")
    close = ", ".join(keys_of(HELP_BINDINGS[0], keymap or {}))
    grid.add_row("", Text(f"{close} closes this help.", style=Style(dim=True)))
    return grid


class HelpScreen(ModalScreen[None]):
    """Every key, by pane and pop-up."""

    BINDINGS = HELP_BINDINGS

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(Text("tui-reader keys\n", style=Style(bold=True)), id="help-title")
            yield Static(help_text(keymap_of(self.app)), id="help-text")
        yield KeyFooter()  # the help's own keys, not the main screen's

    def action_scroll(self, lines: int) -> None:
        self.query_one("#help-box", VerticalScroll).scroll_relative(y=lines, animate=False)
