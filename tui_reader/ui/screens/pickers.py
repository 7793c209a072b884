"""Pickers: tags (several at once), links of an article, and the URL confirmation."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, SelectionList, Static
from textual.widgets.option_list import Option

from tui_reader.ui.bindings import PICKER_BINDINGS


class TagList(SelectionList[str]):
    BINDINGS = PICKER_BINDINGS


class TagPicker(ModalScreen[frozenset[str] | None]):
    """Choose tags with space; Enter applies them, Esc cancels, x clears."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="tags_cancel"),
        Binding("enter", "apply", "Apply", id="tags_apply", priority=True),
        Binding("x", "clear", "Clear", id="tags_clear"),
    ]

    def __init__(self, tags: list[tuple[str, int, int]], chosen: frozenset[str]) -> None:
        super().__init__()
        self.tags = tags
        self.chosen = chosen

    def compose(self) -> ComposeResult:
        selections = []
        for spelling, count, unread in self.tags:
            label = Text(spelling, style=Style(bold=True))
            label.append(f"  {count}", style=Style(dim=True))
            if unread:
                label.append(f" ({unread} unread)", style=Style(color="cyan"))
            folded = spelling.casefold()
            selections.append((label, folded, folded in self.chosen))
        with Vertical(id="picker-box"):
            yield Label("Tags — space chooses, Enter applies, x clears, Esc cancels", id="picker-title")
            yield TagList(*selections, id="tag-list")

    def on_mount(self) -> None:
        # Focus and a highlighted row from the start: a space pressed the moment the
        # picker appears must choose the first tag, not fall through.
        tags = self.query_one(TagList)
        tags.focus()
        if tags.option_count and tags.highlighted is None:
            tags.highlighted = 0

    def action_apply(self) -> None:
        self.dismiss(frozenset(self.query_one(TagList).selected))

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_clear(self) -> None:
        self.dismiss(frozenset())


class LinkPicker(ModalScreen[str | None]):
    """The links of the article; Enter follows one."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Close", id="links_close")]

    def __init__(self, links: list[tuple[str, str]], title: str = "") -> None:
        super().__init__()
        self.links = links
        self.title_text = title

    def compose(self) -> ComposeResult:
        options = []
        for number, (text, href) in enumerate(self.links):
            prompt = Text(text, style=Style(bold=True))
            if not href.startswith("key:"):
                prompt.append("\n  " + href, style=Style(dim=True))
            options.append(Option(prompt, id=str(number)))
        with Vertical(id="picker-box"):
            title = self.title_text or (
                "Links — Enter follows, Esc closes" if self.links else "This article has no links"
            )
            yield Label(title, id="picker-title")
            yield PickerOptions(*options, id="link-list")

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.links[int(event.option.id or 0)][1])


class PickerOptions(OptionList):
    BINDINGS = PICKER_BINDINGS


class ConfirmOpen(ModalScreen[bool]):
    """Shows the full URL before anything leaves the program."""

    BINDINGS = [
        Binding("y,enter", "dismiss(True)", "Open", id="confirm_open"),
        Binding("n,escape", "dismiss(False)", "Cancel", id="confirm_cancel"),
    ]

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Label("Open this link in your browser?", id="picker-title")
            yield Static(Text(self.url, style=Style(bold=True, color="cyan")), id="confirm-url")
            yield Label("y / Enter opens it, n / Esc cancels")
