"""Every key binding of tui-reader, in one place.

Each binding has an ``id``, so users can remap it from the ``[keys]`` table of the config
file (``toggle_toc = "f2"``), which the app passes to ``App.set_keymap``. The help screen,
the footer, the command palette and the README's keys table are generated from these
lists by :mod:`tui_reader.ui.keys`, so they can never disagree with them.
"""

from __future__ import annotations

from textual.binding import Binding

APP_BINDINGS: list[Binding] = [
    Binding("q", "quit", "Quit", id="quit"),
    Binding("question_mark", "help", "Help", id="help"),
    Binding("tab", "focus_next_pane", "Switch pane", id="next_pane", show=False),
    Binding("shift+tab", "focus_previous_pane", "Previous pane", id="previous_pane", show=False),
    Binding("escape", "back", "Back / clear", id="back", show=False),
    Binding("t", "tags", "Tags", id="tags"),
    Binding("x", "clear_filters", "Clear filters", id="clear_filters"),
    Binding("S", "cycle_sort", "Sort", id="cycle_sort"),
    Binding("T", "toggle_toc", "Contents", id="toggle_toc"),
    Binding("z", "focus_mode", "Focus", id="focus_mode"),
    Binding("l", "links", "Links", id="links"),
    Binding("o", "open_link", "Open in browser", id="open_link", show=False),
    Binding("y", "copy_link", "Copy link", id="copy_link", show=False),
    Binding("r", "refresh_feed", "Refresh feed", id="refresh_feed", show=False),
    Binding("R", "refresh_all", "Refresh all", id="refresh_all", show=False),
    Binding("F", "feeds", "Feeds", id="feeds", show=False),
    Binding("f", "full_article", "Full article", id="full_article", show=False),
    Binding("m", "toggle_read", "Read/unread", id="toggle_read", show=False),
    Binding("s", "toggle_star", "Star", id="toggle_star", show=False),
    Binding("u", "toggle_unread", "Unread only", id="unread_only", show=False),
    Binding("asterisk", "toggle_starred", "Starred only", id="starred_only", show=False),
    Binding("M", "cycle_minutes", "Time budget", id="time_budget", show=False),
    Binding("ctrl+f", "search", "Search all", id="search"),
    Binding("a", "related", "Related", id="related", show=False),
    Binding("alt+left", "history_back", "Back", id="history_back", show=False),
    Binding("alt+right", "history_forward", "Forward", id="history_forward", show=False),
]

LIST_BINDINGS: list[Binding] = [
    Binding("j,down", "cursor_down", "Down", id="list_down", show=False),
    Binding("k,up", "cursor_up", "Up", id="list_up", show=False),
    Binding("g,home", "first", "Top", id="list_top", show=False),
    Binding("G,end", "last", "Bottom", id="list_bottom", show=False),
    Binding("space,pagedown,ctrl+d", "page_down", "Page down", id="list_page_down", show=False),
    Binding("b,pageup,ctrl+u", "page_up", "Page up", id="list_page_up", show=False),
    Binding("enter", "select", "Open", id="list_open"),
    Binding("slash", "screen.filter", "Filter", id="filter"),
]

DOCUMENT_BINDINGS: list[Binding] = [
    Binding("j,down", "line(1)", "Down", id="doc_down", show=False),
    Binding("k,up", "line(-1)", "Up", id="doc_up", show=False),
    Binding("space,pagedown", "page(1)", "Page down", id="doc_page_down", show=False),
    Binding("b,pageup", "page(-1)", "Page up", id="doc_page_up", show=False),
    Binding("ctrl+d", "page(0.5)", "Half page down", id="doc_half_down", show=False),
    Binding("ctrl+u", "page(-0.5)", "Half page up", id="doc_half_up", show=False),
    Binding("g,home", "home", "Top", id="doc_top", show=False),
    Binding("G,end", "end", "Bottom", id="doc_bottom", show=False),
    Binding("right_square_bracket", "heading(1)", "Next heading", id="next_heading"),
    Binding("left_square_bracket", "heading(-1)", "Prev heading", id="previous_heading"),
    Binding("slash", "screen.find", "Find", id="find"),
    Binding("n", "find_step(1)", "Next match", id="next_match", show=False),
    Binding("N", "find_step(-1)", "Prev match", id="previous_match", show=False),
]

# The document view with pictures (ui/widgets/picture_view.py) adds its own key.
PICTURE_BINDINGS: list[Binding] = [
    Binding("i", "toggle_images", "Pictures", id="toggle_images", show=False),
]

TOC_BINDINGS: list[Binding] = [
    Binding("j,down", "cursor_down", "Down", id="toc_down", show=False),
    Binding("k,up", "cursor_up", "Up", id="toc_up", show=False),
    Binding("g,home", "first", "Top", id="toc_top", show=False),
    Binding("G,end", "last", "Bottom", id="toc_bottom", show=False),
    Binding("pagedown", "page_down", "Page down", id="toc_page_down", show=False),
    Binding("pageup", "page_up", "Page up", id="toc_page_up", show=False),
    Binding("enter", "select", "Jump", id="toc_jump"),
]

# The lists of the pop-up screens (tags, links, feeds); the arrows are the widgets' own.
PICKER_BINDINGS: list[Binding] = [
    Binding("j", "cursor_down", "Down", id="picker_down", show=False),
    Binding("k", "cursor_up", "Up", id="picker_up", show=False),
]
# Textual's lists have these keys already; named here, they are listed and can be remapped.
TAG_LIST_BINDINGS: list[Binding] = [
    *PICKER_BINDINGS,
    Binding("space", "select", "Choose", id="tags_choose"),
]
LINK_LIST_BINDINGS: list[Binding] = [
    *PICKER_BINDINGS,
    Binding("enter", "select", "Follow", id="links_follow"),
]

TAG_PICKER_BINDINGS: list[Binding] = [
    Binding("escape", "cancel", "Cancel", id="tags_cancel"),
    Binding("enter", "apply", "Apply", id="tags_apply", priority=True),
    Binding("x", "clear", "Clear", id="tags_clear"),
]
LINK_PICKER_BINDINGS: list[Binding] = [
    Binding("escape", "dismiss(None)", "Close", id="links_close"),
]
CONFIRM_BINDINGS: list[Binding] = [
    Binding("y,enter", "dismiss(True)", "Open", id="confirm_open"),
    Binding("n,escape", "dismiss(False)", "Cancel", id="confirm_cancel"),
]
FEEDS_SCREEN_BINDINGS: list[Binding] = [
    Binding("escape,q,F", "dismiss(None)", "Close", id="feeds_close"),
]
HELP_BINDINGS: list[Binding] = [
    Binding("escape,q,question_mark", "dismiss", "Close", id="help_close"),
    Binding("j,down", "scroll(1)", "Down", id="help_down", show=False),
    Binding("k,up", "scroll(-1)", "Up", id="help_up", show=False),
]

# What each key does, as the help screen, the command palette and the README say it
# (tui_reader.ui.keys builds them all from these lists). Ids on one row share it: their
# keys are shown side by side, "] / [", in the row of the first binding.
HELP_ROWS: dict[tuple[str, ...], str] = {
    ("quit",): "quit",
    ("help",): "this help",
    ("next_pane", "previous_pane"): "switch pane (list, article, contents)",
    ("back",): "back: end the search, leave the article, or clear filters",
    ("tags",): "tag picker (choose several: articles must have all of them)",
    ("clear_filters",): "clear every filter",
    ("cycle_sort",): "sort by date, title or read time",
    ("toggle_toc",): "show or hide the table of contents",
    ("focus_mode",): "focus mode: the article alone, the whole width (again: off)",
    ("links",): "list the links of the article",
    ("open_link", "copy_link"): "open the article's link in the browser (after asking) / copy it",
    ("refresh_feed", "refresh_all"): "refresh this feed / all feeds",
    ("feeds",): "feeds: last update, entries, last error",
    ("full_article",): "fetch (again) the full article of a feed entry",
    ("toggle_read",): "mark read / unread",
    ("toggle_star",): "star / unstar",
    ("unread_only",): "show only unread articles (again: all)",
    ("starred_only",): "show only starred articles (again: all)",
    ("time_budget",): "time budget: at most 5, 10, 20 minutes, or no limit",
    ("search",): "search the full text of every article (ranked)",
    ("related",): "related articles: the most shared tags",
    ("history_back", "history_forward"): "back / forward through followed links",
    ("list_down", "list_up"): "move down / up",
    ("list_top", "list_bottom"): "top / bottom",
    ("list_page_down", "list_page_up"): "page down / up",
    ("list_open",): "open the article",
    ("filter",): "filter by title, tags, author and summary as you type",
    ("doc_down", "doc_up"): "scroll a line down / up",
    ("doc_page_down", "doc_page_up"): "page down / up",
    ("doc_half_down", "doc_half_up"): "half a page down / up",
    ("doc_top", "doc_bottom"): "top / bottom",
    ("next_heading", "previous_heading"): "next / previous heading",
    ("find",): "find in the article (Esc ends the search)",
    ("next_match", "previous_match"): "next / previous match",
    ("toggle_images",): "pictures, or their alt text",
    ("toc_down", "toc_up"): "move down / up",
    ("toc_top", "toc_bottom"): "top / bottom",
    ("toc_page_down", "toc_page_up"): "page down / up",
    ("toc_jump",): "jump to the heading",
    ("picker_down", "picker_up"): "move down / up in the tag, link and feed lists",
    ("tags_choose",): "choose a tag, or drop it",
    ("tags_apply",): "show the articles with every chosen tag",
    ("tags_clear",): "clear the tag filter",
    ("tags_cancel",): "close, changing nothing",
    ("links_follow",): "follow the link",
    ("links_close",): "close",
    ("confirm_open", "confirm_cancel"): "open the link / do not",
    ("feeds_close",): "close",
    ("help_down", "help_up"): "scroll down / up",
    ("help_close",): "close this help",
}
