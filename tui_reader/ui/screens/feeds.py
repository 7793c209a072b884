"""The feeds view: every feed with its last update, entry count, last error, and when it
is tried next and why (its interval, what the server asked, or a backoff)."""

from __future__ import annotations

from datetime import datetime

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label

from tui_reader.core.sanitize import clean_line
from tui_reader.core.store import FeedRecord
from tui_reader.ui.bindings import FEEDS_SCREEN_BINDINGS, PICKER_BINDINGS
from tui_reader.ui.keys import named
from tui_reader.ui.widgets.key_footer import KeyFooter


def _when(moment: datetime | None) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M") if moment else "never"


class FeedTable(DataTable):
    BINDINGS = PICKER_BINDINGS


class FeedsScreen(ModalScreen[None]):
    """A table of feeds. Cells are Rich Text, so nothing a feed says is read as markup."""

    BINDINGS = FEEDS_SCREEN_BINDINGS

    def __init__(
        self,
        records: list[FeedRecord],
        slots: dict[str, tuple[datetime | None, str]] | None = None,
        note: str = "",
    ) -> None:
        """``slots``: each feed's next try and why; ``note``: a line above the table
        (sync failing), "" for none."""
        super().__init__()
        self.records = records
        self.slots = slots or {}
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical(id="feeds-box"):
            close = named(self.app, "feeds_close")
            title = f"Feeds ({len(self.records)}) — {close} closes"
            yield Label(title, id="picker-title", markup=False)
            if self.note:
                yield Label(clean_line(self.note, 500), id="feeds-note", markup=False)
            yield FeedTable(id="feeds-table", cursor_type="row", zebra_stripes=True)
        yield KeyFooter()  # the view's own keys, not the main screen's

    def on_mount(self) -> None:
        table = self.query_one(FeedTable)
        table.add_columns(
            "Feed", "Last update", "Checked", "Entries", "Next try", "Why", "Last error"
        )
        for record in self.records:
            # Stored text is clean, but a feed's URL may be a file name from a scanned
            # folder, which nobody cleaned: sanitise at the last moment as well.
            last_error = clean_line(record.last_error, 500)
            error = Text(last_error or "—", style=Style(color="red") if last_error else "")
            when, why = self.slots.get(record.url, (None, ""))
            table.add_row(
                Text(clean_line(record.title) or clean_line(record.url, 500)),
                Text(_when(record.last_updated)),
                Text(_when(record.last_checked)),
                Text(str(record.entry_count), justify="right"),
                Text(_when(when) if when else "—"),
                Text(clean_line(why, 200) or "—"),
                error,
            )
        table.focus()
