"""The bytes the app would write to a terminal for its whole screen, for the tests that
check nothing from content reaches the terminal raw."""

from __future__ import annotations

from rich.console import Console
from textual.app import App


def terminal_bytes(app: App[object]) -> str:
    """The whole screen as escape sequences and text, as a terminal would receive it.

    Textual 8.2.8 has no public way to get these: ``App.export_screenshot`` gives SVG,
    where control characters no longer show as they would in a terminal. So this reads
    the screen's private compositor, as ``export_screenshot`` itself does.
    """
    console = Console(
        force_terminal=True, color_system="truecolor", width=140, legacy_windows=False
    )
    return app.screen._compositor.render_full_update().render_segments(console)
