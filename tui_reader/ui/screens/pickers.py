"""Pickers: tags (several at once), links of an article, and the URL confirmation."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, SelectionList, Static
from textual.widgets.option_list import Option

from tui_reader.ui.bindings import (
    CONFIRM_BINDINGS,
    LINK_LIST_BINDINGS,
    LINK_PICKER_BINDINGS,
    TAG_LIST_BINDINGS,
    TAG_PICKER_BINDINGS,
)
from tui_reader.ui.keys import named
from tui_reader.ui.widgets.key_footer import KeyFooter


class TagList(SelectionList[str]):
    BINDINGS = TAG_LIST_BINDINGS


class TagPicker(ModalScreen[frozenset[str] | None]):
    """Choose tags with space; Enter applies them, Esc cancels, x clears."""

    BINDINGS = TAG_PICKER_BINDINGS

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
            choose, apply, clear, cancel = (
                named(self.app, name)
                for name in ("tags_choose", "tags_apply", "tags_clear", "tags_cancel")
            )
            title = f"Tags — {choose} chooses, {apply} applies, {clear} clears, {cancel} cancels"
            yield Label(title, id="picker-title", markup=False)  # keys may be "[" or "]"
            yield TagList(*selections, id="tag-list")
        yield KeyFooter()  # the picker's own keys, not the main screen's

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
    """The links of the article; Enter (``links_follow``) follows one."""

    BINDINGS = LINK_PICKER_BINDINGS

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
            follow, close = named(self.app, "links_follow"), named(self.app, "links_close")
            title = self.title_text or (
                f"Links — {follow} follows, {close} closes"
                if self.links
                else "This article has no links"
            )
            yield Label(title, id="picker-title", markup=False)
            yield PickerOptions(*options, id="link-list")
        yield KeyFooter()

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.links[int(event.option.id or 0)][1])


class PickerOptions(OptionList):
    BINDINGS = LINK_LIST_BINDINGS


class ConfirmOpen(ModalScreen[bool]):
    """Shows the full URL before anything leaves the program."""

    BINDINGS = CONFIRM_BINDINGS

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Label("Open this link in your browser?", id="picker-title")
            yield Static(Text(self.url, style=Style(bold=True, color="cyan")), id="confirm-url")
            yes, no = named(self.app, "confirm_open"), named(self.app, "confirm_cancel")
            yield Label(f"{yes} opens it, {no} cancels", markup=False)
        yield KeyFooter()
