"""The list pane: the filter bar, the filter field, the column header and the article list.

It owns what the list shows (filter, sort, search ranking) and the keys that change it;
the articles themselves are the library's, which the app fills.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from functools import partial

from rich.style import Style
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.timer import Timer
from textual.widgets import Input, Static

from tui_reader.core.article import Article
from tui_reader.core.library import SORT_KEYS, Filter, Library, SortKey, in_rank_order
from tui_reader.core.state import READ_AT_END, ReadingState
from tui_reader.core.store import Store, StoreError
from tui_reader.ui.keys import named
from tui_reader.ui.texts import empty_list, filter_bar
from tui_reader.ui.widgets.article_list import ArticleList

FILL_EVERY = 0.25  # seconds: how often a scan or refresh in progress rebuilds the list
UNREAD_STYLE = Style(bold=True)
READ_STYLE = Style(dim=True)


class ListPane(Vertical):
    """The articles, narrowed by the filter and ordered by the sort."""

    def __init__(
        self,
        library: Library,
        state: ReadingState,
        store: Callable[[], Store | None],
        focus_for_typing: Callable[[Input], None],
        *,
        id: str | None = None,  # noqa: A002 - Textual's name
        classes: str | None = None,
    ) -> None:
        """``store`` gives the library database (None once it is found damaged);
        ``focus_for_typing`` shows and focuses a field opened by a key (the app
        forwards the keys typed in the same burst to it)."""
        super().__init__(id=id, classes=classes)
        self.library = library
        self.state = state
        self._store = store
        self._focus_for_typing = focus_for_typing
        self.filter = Filter()
        self.sort: SortKey = "date"
        # The scan is still listing files. Not ``loading``: that is Textual's own
        # reactive, which covers a widget with a loading indicator.
        self.listing = False
        self.measuring = False  # read times are still coming
        self.reading: Article | None = None  # the article open in the reading pane
        self.changed: set[str] = set()  # entries changed on the server since last opened
        self._ranking: list[str] = []
        self._search_mode = False
        self._filter_watched = False  # the filter field's value is watched (_open_filter)
        self._last_fill = 0.0
        self._fill_timer: Timer | None = None  # a list update owed to articles just added
        self._ready = False  # mounted: articles the app adds can be shown

    def compose(self) -> ComposeResult:
        header = Static(id="list-header")
        articles = ArticleList(id="articles")
        # Given before the list is mounted: its first resize (and the header it draws)
        # may come before this pane's Mount event is handled.
        articles.minutes = self.library.minutes
        articles.decorate = self._decorate
        articles.explain_empty = self._explain_empty
        # One line whatever it says: no layout (a layout repaints the whole screen).
        articles.show_header = partial(header.update, layout=False)
        yield Static(id="filter-bar")
        # select_on_focus=False: letters typed in the same burst as "/" are in the
        # field before it has focus, and selecting them then let the next backspace
        # clear them all.
        yield Input(
            placeholder="filter: title, tags, author, summary",
            id="filter-input",
            select_on_focus=False,
        )
        yield header
        yield articles

    def on_mount(self) -> None:
        self._ready = True
        if len(self.library):
            self.apply_filter()  # articles came before the list was mounted
        else:
            self.update_filter_bar()

    @property
    def articles(self) -> ArticleList:
        return self.query_one(ArticleList)

    def _decorate(self, article: Article) -> tuple[str, Style | None, str]:
        """Marker, title style and progress text of a row."""
        state = self.state.get(article.key)
        progress = ""
        if article.key in self.changed:
            progress = "updated"
        elif 0.02 < state.progress < READ_AT_END:
            progress = f"{int(state.progress * 100)}%"
        if state.starred:
            marker = "★"
        elif not state.read:
            marker = "•"
        else:
            marker = " "
        return marker, (UNREAD_STYLE if not state.read else READ_STYLE), progress

    def _explain_empty(self) -> Text | None:
        """Why the list is empty; nothing while the scan may still bring articles."""
        if self.listing and not self.filter.active:
            return None
        spelled = [self.library.spelling(tag) for tag in sorted(self.filter.tags)]
        return empty_list(self.filter, spelled, named(self.app, "clear_filters"))

    def refresh_rows(self) -> None:
        """Redraw the markers. Timers and late messages can call this while the app is
        shutting down and the list is already gone, so it may find no list."""
        for articles in self.query(ArticleList):
            articles.refresh_rows()

    # -- filling ----------------------------------------------------------------------
    def articles_added(self) -> None:
        """The library has grown. A big scan or refresh adds batch after batch: the list
        is rebuilt at most every FILL_EVERY seconds, and once more after the last batch
        (the timer), so the last articles added never wait for some other key to show."""
        if not self._ready:
            return  # the list is filled as it is mounted
        waited = time.monotonic() - self._last_fill
        # Once the scan is over, what comes (a refresh, a saved post) does not move the
        # cursor the user left somewhere.
        fill = self.apply_filter if self.listing or self.measuring else self.refill_in_place
        if waited > FILL_EVERY or len(self.library) < 500:
            fill()
        elif self._fill_timer is None:
            self._fill_timer = self.set_timer(FILL_EVERY - waited, fill)

    def refill_in_place(self) -> None:
        """Articles came or went while the user reads: the cursor stays on its article,
        at the same line of the screen, whatever was added above it."""
        if not self._ready:
            return
        articles = self.articles
        # A cursor the user never moved stays on the first row: the newest come on top.
        current = articles.current if articles.placed else None
        line = articles.cursor - round(articles.scroll_y)
        self.apply_filter(current.key if current is not None else None)
        moved = articles.current
        if current is not None and moved is not None and moved.key == current.key:
            articles.scroll_to(y=max(0, articles.cursor - line), animate=False, immediate=True)

    def apply_filter(self, keep: str | None = None) -> None:
        """Select the rows again; the cursor stays on article ``keep`` if given, else on
        the one the user moved to, else on the one being read."""
        if not self._ready:
            return  # the list is filled as it is mounted
        self._last_fill = time.monotonic()
        if self._fill_timer is not None:  # this brings the list up to date already
            self._fill_timer.stop()
            self._fill_timer = None
        articles = self.query_one(ArticleList)
        # Batches come in any order, newer ones above older: an untouched cursor stays
        # on the first row, the user's on their article, else the one being read.
        if keep is None:
            keep = self.reading.key if self.reading is not None else None
            if articles.placed and articles.current is not None:
                keep = articles.current.key
        rows = self.library.select(
            self.filter,
            self.sort,
            is_read=self.state.is_read,
            is_starred=self.state.is_starred,
        )
        if self._ranking:
            rows = in_rank_order(rows, self._ranking)
        articles.set_articles(rows, keep)
        self.update_filter_bar()

    def update_filter_bar(self) -> None:
        spelled = [self.library.spelling(tag) for tag in sorted(self.filter.tags)]
        shown = len(self.query_one(ArticleList).articles)
        bar = filter_bar(
            self.filter, spelled, shown, len(self.library), self.sort, self.listing, self.measuring
        )
        # Its size is set in the CSS (one line, the pane's width): no layout pass.
        self.query_one("#filter-bar", Static).update(bar, layout=False)

    # -- the filter field -----------------------------------------------------------
    def action_filter(self) -> None:
        self._open_filter(search=False)

    def action_search(self) -> None:
        if self._store() is None:
            self.notify("Full-text search needs the library database, which is not open.")
            return
        self._open_filter(search=True)

    def _open_filter(self, search: bool) -> None:
        self._search_mode = search
        field = self.query_one("#filter-input", Input)
        field.placeholder = (
            "search everything: title, tags, author and full text (ranked)"
            if search
            else "filter: title, tags, author, summary"
        )
        if not self._filter_watched:
            # Apply each keystroke as the field changes, inside the key's own handling:
            # the typed text and the new list then reach the screen in one frame. The
            # Input.Changed message comes later, after a frame showing only the text.
            self._filter_watched = True
            self.watch(field, "value", self._filter_text_changed, init=False)
        field.value = self._search_text if search else self.filter.text
        self._focus_for_typing(field)

    @property
    def _search_text(self) -> str:
        return self.filter.search if self.filter.keys is not None else ""

    @on(Input.Changed, "#filter-input")
    def _filter_changed(self, event: Input.Changed) -> None:
        if not self._filter_watched:  # else the watcher has applied it already
            self._filter_text_changed(event.value)

    def _filter_text_changed(self, value: str) -> None:
        if self._search_mode:
            self._run_search(value)
        else:
            self.filter = replace(self.filter, text=value)
        self.apply_filter()

    def _run_search(self, text: str) -> None:
        """Full-text search (SQLite FTS5); results are ranked, best first."""
        store = self._store()
        if not text.strip() or store is None:
            self._ranking = []
            self.filter = replace(self.filter, keys=None, search="")
            return
        try:
            self._ranking = store.search(text, limit=5000)
        except StoreError as exc:
            self.notify(str(exc), severity="error", markup=False)
            self._ranking = []
        self.filter = replace(self.filter, keys=frozenset(self._ranking), search=text)

    @on(Input.Submitted, "#filter-input")
    def _filter_done(self) -> None:
        self.query_one(ArticleList).focus()
        if not self.filter.text:
            self.query_one("#filter-input").remove_class("-shown")

    def close_filter(self) -> None:
        """Esc in the filter field: the text goes, the field closes, the list has focus."""
        self.filter = replace(self.filter, text="")
        field = self.query_one("#filter-input", Input)
        field.value = ""
        field.remove_class("-shown")
        self.apply_filter()
        self.query_one(ArticleList).focus()

    # -- filters and sort -------------------------------------------------------------
    def action_tags(self) -> None:
        counts = self.library.tag_counts(unread=lambda a: not self.state.is_read(a.key))
        if not counts:
            self.notify("No article has tags.")
            return

        def chosen(tags: frozenset[str] | None) -> None:
            if tags is not None:
                self.filter = replace(self.filter, tags=tags)
                self.apply_filter()

        # The modal screens load on first use, or with the warm-up.
        from tui_reader.ui.screens.pickers import TagPicker

        self.app.push_screen(TagPicker(counts, self.filter.tags), chosen)

    def action_toggle_unread(self) -> None:
        self.filter = replace(self.filter, unread_only=not self.filter.unread_only)
        self.apply_filter()

    def action_toggle_starred(self) -> None:
        self.filter = replace(self.filter, starred_only=not self.filter.starred_only)
        self.apply_filter()

    def action_cycle_minutes(self) -> None:
        """No limit → at most 5 → 10 → 20 minutes → no limit."""
        steps = [None, 5, 10, 20]
        current = steps.index(self.filter.max_minutes) if self.filter.max_minutes in steps else 0
        self.filter = replace(self.filter, max_minutes=steps[(current + 1) % len(steps)])
        self.apply_filter()

    def action_clear_filters(self) -> None:
        if not self.filter.active:
            self.notify("No filter to clear: every article is listed.", timeout=2)
        self._ranking = []
        self.filter = Filter()
        field = self.query_one("#filter-input", Input)
        field.value = ""
        field.remove_class("-shown")
        self.apply_filter()

    def action_cycle_sort(self) -> None:
        self.sort = SORT_KEYS[(SORT_KEYS.index(self.sort) + 1) % len(SORT_KEYS)]
        self.apply_filter()
        if self._ranking:
            self.notify(f"The search ranks the list; by {self.sort} once it ends.", timeout=3)
        else:
            self.notify(f"Sorted by {self.sort}", timeout=2)
