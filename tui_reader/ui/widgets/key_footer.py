"""The footer: the keys that work here, drawn as one line by one widget.

Textual's Footer mounts one widget per key, and mounts them all again whenever the keys
change. On a big screen each of those rounds costs 100-200 ms: once after the first
screen (where it lands on the first key pressed) and at every focus change that changes
the keys (opening an article, a TOC jump, closing the tag picker). This footer keeps
Textual's look (the theme's footer colours, key then description, the command palette
key at the right) and its click-to-press, and redraws one line only when the keys it
shows change. Not kept: the stock footer's tooltips.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual import events
from textual.screen import Screen
from textual.widget import Widget

from tui_reader.ui.keys import binding_display

# (key, key as shown, description, enabled) for each key shown
Shown = tuple[tuple[str, str, str, bool], ...]
DISABLED = Style(dim=True)


class KeyFooter(Widget):
    COMPONENT_CLASSES = {"key-footer--key", "key-footer--description", "key-footer--palette"}
    DEFAULT_CSS = """
    KeyFooter {
        dock: bottom;
        height: 1;
        background: $footer-background;
        color: $footer-foreground;
        .key-footer--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .key-footer--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        .key-footer--palette {
            color: $foreground 20%;
        }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self._shown: Shown = ()
        self._palette: tuple[str, str, str, bool] | None = None
        self._spans: list[tuple[int, int, str]] = []  # cells of each key: (start, end, key)

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._bindings_changed(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen) -> None:
        app = self.app
        active = screen.active_bindings
        actions: set[str] = set()
        items = []
        for _node, binding, enabled, _tooltip in active.values():
            # One key per action, as Textual's footer shows ("f,slash" shows f only).
            if binding.show and binding.action not in actions:
                actions.add(binding.action)
                items.append((binding.key, binding_display(binding), binding.description, enabled))
        shown = tuple(items)
        palette = None
        if app.ENABLE_COMMAND_PALETTE and app.COMMAND_PALETTE_BINDING in active:
            _node, binding, enabled, _tooltip = active[app.COMMAND_PALETTE_BINDING]
            palette = (binding.key, binding_display(binding), binding.description, enabled)
        if (shown, palette) != (self._shown, self._palette):
            self._shown, self._palette = shown, palette
            self.refresh()

    @property
    def shown_keys(self) -> list[str]:
        """The keys on the footer, in order (the command palette's last)."""
        keys = [key for key, _display, _description, _enabled in self._shown]
        return keys + ([self._palette[0]] if self._palette else [])

    def render(self) -> Text:
        key_style = self.get_component_rich_style("key-footer--key")
        description_style = self.get_component_rich_style("key-footer--description")
        text = Text(no_wrap=True, overflow="crop", end="")
        spans: list[tuple[int, int, str]] = []

        def add(key: str, display: str, description: str, enabled: bool) -> None:
            start = text.cell_len
            dim = Style() if enabled else DISABLED
            text.append(f" {display} ", key_style + dim)
            text.append(f"{description} ", description_style + dim)
            spans.append((start, text.cell_len, key))

        palette_width = 0
        if self._palette is not None:
            _key, display, description, _enabled = self._palette
            palette_width = len(f" {display} {description} ") + 1  # with the bar
        room = self.size.width - palette_width
        for item in self._shown:
            if text.cell_len + len(f" {item[1]} {item[2]} ") > room:
                break  # the palette key stays in sight, as in Textual's footer
            add(*item)
        if self._palette is not None:
            key, display, description, enabled = self._palette
            text.append(" " * max(0, room - text.cell_len))
            text.append("▏", self.get_component_rich_style("key-footer--palette"))
            add(key, display, description, enabled)
        self._spans = spans
        return text

    def on_click(self, event: events.Click) -> None:
        """A click on a key presses it."""
        for start, end, key in self._spans:
            if start <= event.x < end:
                event.stop()
                self.app.simulate_key(key)
                return
