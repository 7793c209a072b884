"""The terminal's title shows how many articles are unread: ``tui-reader (12)``.

Counted every EVERY seconds, and written only when it changed, so a window in the
task bar or a tmux status line says when new entries came without the reader in view.
The count is one dictionary look-up per article (about a millisecond for 10,000), so an
idle reader spends a twentieth of a percent of a core on it.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.app import App

from tui_reader.core.library import Library
from tui_reader.core.state import ReadingState

EVERY = 2.0
NAME = "tui-reader"


def title_for(unread: int) -> str:
    return f"{NAME} ({unread})" if unread else NAME


class TerminalTitle:
    """Keeps the terminal's title (OSC 2) in step with the unread count."""

    def __init__(self, app: App[None], library: Library, state: ReadingState) -> None:
        self.app = app
        self.library = library
        self.state = state
        self.text = ""  # what the title says now ("" before the first count)

    def start(self) -> None:
        self.update()
        self.app.set_interval(EVERY, self.update)

    def update(self) -> None:
        is_read: Callable[[str], bool] = self.state.is_read
        unread = sum(1 for article in self.library.articles if not is_read(article.key))
        text = title_for(unread)
        if text == self.text:
            return
        self.text = text
        driver = self.app._driver  # noqa: SLF001 - Textual has no public way to it
        if driver is not None and not self.app.is_headless:
            # Our own text (a name and a number): nothing from content reaches it.
            driver.write(f"\x1b]2;{text}\x07")
