"""The help screen, generated from :mod:`tui_reader.ui.bindings`."""

from __future__ import annotations

from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui_reader.ui.bindings import HELP_SECTIONS


def help_text() -> Table:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(no_wrap=True)
    grid.add_column()
    for title, rows in HELP_SECTIONS:
        grid.add_row(Text(title, style=Style(bold=True, underline=True)), "")
        for keys, what in rows:
            grid.add_row(Text(keys, style=Style(bold=True, color="cyan")), Text(what))
        grid.add_row("", "")
    grid.add_row(Text("Esc, q or ? closes this help.", style=Style(dim=True)), "")
    return grid


class HelpScreen(ModalScreen[None]):
    """Every key, by pane."""

    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close", id="help_close"),
        Binding("j,down", "scroll(1)", "Down", show=False),
        Binding("k,up", "scroll(-1)", "Up", show=False),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(Text("tui-reader keys\n", style=Style(bold=True)), id="help-title")
            yield Static(help_text(), id="help-text")

    def action_scroll(self, lines: int) -> None:
        self.query_one("#help-box", VerticalScroll).scroll_relative(y=lines, animate=False)
