"""Every key binding of tui-reader, in one place.

Each binding has an ``id``, so users can remap it from the ``[keys]`` table of the config
file (``toggle_toc = "f2"``), which the app passes to ``App.set_keymap``. The help screen
is generated from these lists, so it can never disagree with them.
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
    Binding("l", "links", "Links", id="links"),
    Binding("o", "open_link", "Open in browser", id="open_link", show=False),
    Binding("y", "copy_link", "Copy link", id="copy_link", show=False),
    Binding("r", "refresh_feed", "Refresh feed", id="refresh_feed", show=False),
    Binding("R", "refresh_all", "Refresh all", id="refresh_all", show=False),
    Binding("F", "feeds", "Feeds", id="feeds", show=False),
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

TOC_BINDINGS: list[Binding] = [
    Binding("j,down", "cursor_down", "Down", id="toc_down", show=False),
    Binding("k,up", "cursor_up", "Up", id="toc_up", show=False),
    Binding("g,home", "first", "Top", id="toc_top", show=False),
    Binding("G,end", "last", "Bottom", id="toc_bottom", show=False),
    Binding("pagedown", "page_down", "Page down", id="toc_page_down", show=False),
    Binding("pageup", "page_up", "Page up", id="toc_page_up", show=False),
    Binding("enter", "select", "Jump", id="toc_jump"),
]

PICKER_BINDINGS: list[Binding] = [
    Binding("j", "cursor_down", "Down", id="picker_down", show=False),
    Binding("k", "cursor_up", "Up", id="picker_up", show=False),
]

# What the help screen shows, in reading order: (keys, what they do).
HELP_SECTIONS: list[tuple[str, list[tuple[str, str]]]] = [
    (
        "Everywhere",
        [
            ("Tab / Shift+Tab", "switch pane"),
            ("Esc", "back: close the search, the article, or clear filters"),
            ("t", "tag picker (choose several: articles must have all of them)"),
            ("x", "clear every filter"),
            ("S", "sort by date, title or read time"),
            ("T", "show or hide the table of contents"),
            ("l", "list the links of the article, Enter follows one"),
            ("o / y", "open the article's link in the browser / copy it"),
            ("m", "mark read / unread"),
            ("s", "star / unstar"),
            ("u", "show only unread articles (again: all)"),
            ("*", "show only starred articles (again: all)"),
            ("M", "time budget: at most 5, 10, 20 minutes, or no limit"),
            ("ctrl+f", "search the full text of every article (ranked)"),
            ("a", "related articles: the most shared tags"),
            ("alt+← alt+→", "back / forward through followed links"),
            ("r / R", "refresh this feed / all feeds"),
            ("F", "feeds: last update, entries, last error"),
            ("ctrl+p", "command palette"),
            ("?", "this help"),
            ("q", "quit"),
        ],
    ),
    (
        "Article list",
        [
            ("j k / ↑ ↓", "move"),
            ("g G / Home End", "top / bottom"),
            ("space b / PgDn PgUp", "page down / up"),
            ("Enter", "open the article"),
            ("/", "filter by title, tags, author and summary as you type"),
        ],
    ),
    (
        "Reading pane",
        [
            ("j k / ↑ ↓", "scroll a line"),
            ("space b / PgDn PgUp", "page down / up"),
            ("ctrl+d ctrl+u", "half a page down / up"),
            ("g G / Home End", "top / bottom"),
            ("] [", "next / previous heading"),
            ("/", "find in the article; n N next / previous match; Esc ends"),
        ],
    ),
    (
        "Table of contents",
        [("j k / ↑ ↓", "move"), ("Enter", "jump to the heading")],
    ),
]
