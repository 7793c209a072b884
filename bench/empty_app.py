"""The bound for "later starts": an empty Textual app showing one label.

Launched the same way as tui-reader (typed at the same shell prompt in the same tmux
window, with the same Python), so the difference is what tui-reader itself costs.
"""

from textual.app import App, ComposeResult
from textual.widgets import Label

TEXT = "empty-textual-app-ready"


class EmptyApp(App[None]):
    BINDINGS = [("q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Label(TEXT)


if __name__ == "__main__":
    EmptyApp().run()
