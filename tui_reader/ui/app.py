"""The tui-reader application: one screen with the article list and the reading pane."""

from __future__ import annotations

import gc
import time
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import replace
from functools import partial
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING

from rich.style import Style
from textual import events, on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.containers import Horizontal, Vertical
from textual.reactive import Reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input, Static
from textual.widgets.input import Selection
from textual.worker import get_current_worker

from tui_reader.core.article import Article
from tui_reader.core.history import History, Place
from tui_reader.core.library import SORT_KEYS, Filter, Library, SortKey
from tui_reader.core.limits import Limits
from tui_reader.core.local.events import AllListed, Found, ScanDone
from tui_reader.core.local.process import ScanProcess
from tui_reader.core.markdown.links import resolve
from tui_reader.core.sanitize import clean_error, clean_line
from tui_reader.core.sources import FeedConfig
from tui_reader.core.state import READ_AT_END, ReadingState
from tui_reader.core.store.store import Store, StoreDamaged, StoreError
from tui_reader.ui.bindings import APP_BINDINGS
from tui_reader.ui.feeds import FeedsMixin
from tui_reader.ui.messages import ScanBatch, ScanFinished, ScanListed
from tui_reader.ui.texts import article_header, filter_bar, reading_status
from tui_reader.ui.widgets.article_list import ArticleList
from tui_reader.ui.widgets.document_view import DocumentView
from tui_reader.ui.widgets.key_footer import KeyFooter
from tui_reader.ui.widgets.toc import TocList

if TYPE_CHECKING:
    from tui_reader.core.local.scan import LoadedBody
    from tui_reader.core.markdown.document import Document

PANES = ("list-pane", "reader-pane")  # their border shows which one holds the focus
NARROW = 100  # below this width the panes take turns instead of sharing the screen
WARM_UP_AFTER = 0.5  # seconds after the warm-up starts before the search text is folded
KEY_QUIET = 0.15  # seconds without a key before the warm-up goes on
# Seconds after the first screen before the library's integrity check: run as the list
# appeared, it shared the two cores with the first keys (G took 60 ms longer).
STORE_CHECK_AFTER = 1.0
# What the warm-up imports, in this order: the modules that open an article (their big
# dependencies in parts of 5-20 ms, so a key pressed meanwhile waits for one part at
# most), then the screens that open on a key. A name that is not there is skipped: its
# package imports it anyway.
WARM_UP_MODULES = (
    "yaml",
    "tui_reader.core.local.frontmatter",
    "markdown_it.rules_inline",
    "markdown_it.rules_block",
    "markdown_it",
    "tui_reader.core.markdown.text",
    "tui_reader.core.markdown.document",
    "tui_reader.core.local.scan",
    "pygments.lexers",
    "rich.syntax",
    "tui_reader.ui.render",
    "tui_reader.ui.screens.help",
    "tui_reader.ui.screens.pickers",
    "tui_reader.ui.screens.feeds",
)
READ_AFTER_SECONDS = 3.0  # an article open this long counts as read
REPEAT_ERROR_AFTER = 30.0  # seconds before the same state error is shown again
MAX_LISTED_PROBLEMS = 10  # files named in the "could not be read fully" toast
FILL_EVERY = 0.25  # seconds: how often a scan or refresh in progress rebuilds the list
TOC_PREPARE_AFTER = 0.05  # seconds the contents cursor rests before its heading is rendered
UNREAD_STYLE = Style(bold=True)
READ_STYLE = Style(dim=True)


def file_problem(article: Article) -> str:
    """ "path/in/source.md: what went wrong", one clean line, for a local article."""
    location = Path(article.location)
    try:
        shown = location.relative_to(Path(article.source).expanduser()).as_posix()
    except ValueError:
        shown = location.name
    if shown in ("", "."):
        shown = location.name
    return clean_line(f"{shown}: {'; '.join(article.warnings)}", 300)


class ReaderScreen(Screen[None]):
    """The reader's one screen. A focus change repaints the widgets it restyles, not the
    whole screen: Textual's Screen repaints every cell when ``focused`` changes, and on a
    160x48 screen that full repaint was most of a jump from the contents to the text."""

    focused: Reactive[Widget | None] = Reactive(None, repaint=False)

    def on_mount(self) -> None:
        # Textual hides its notification rack once the screen is up, by setting the
        # display its stylesheet already gives it: a change of style that laid out and
        # repainted the whole screen (25 ms) just as the first keys came. Said before
        # the first layout, it costs nothing, and hiding it again changes nothing.
        for rack in self.query("#textual-toastrack"):
            rack.display = False


class ReaderApp(FeedsMixin, App[None]):
    """A keyboard-driven reader for Markdown posts and feeds."""

    CSS_PATH = "tui_reader.tcss"
    TITLE = "tui-reader"
    BINDINGS = APP_BINDINGS

    def __init__(
        self,
        sources: Iterable[str] = (),
        *,
        wpm: int = 212,
        keymap: dict[str, str] | None = None,
        messages: Iterable[str] = (),
        store: Store | None = None,
        feeds: Iterable[FeedConfig] = (),
        limits: Limits | None = None,
        scan: ScanProcess | None = None,
        check_store: bool = False,
    ) -> None:
        """``scan``: the scan of ``sources`` already started in a child process (the
        command line starts it before importing Textual); without it the app scans in a
        thread. ``check_store``: the store was opened without its integrity check, which
        the app runs a moment after its first screen (:meth:`_check_store`)."""
        super().__init__()
        self._scan_process = scan
        self.sources = list(sources)
        self.feeds = list(feeds)
        self.limits = limits or Limits()
        self.refreshing: set[str] = set()
        self.store = store
        self.state = ReadingState(store)
        self.history = History()
        self._read_timer: Timer | None = None
        self.library = Library(wpm=wpm)
        self.filter = Filter()
        self.sort: SortKey = "date"
        self.loading = False
        self.measuring = False
        self._type_ahead: Input | None = None  # a field just opened by a key
        self.article: Article | None = None
        self.document: Document | None = None
        self._keymap = keymap or {}
        self._startup_messages = list(messages)
        self._last_fill = 0.0
        self._fill_timer: Timer | None = None  # a list update owed to articles just added
        self._ranking: list[str] = []
        self._search_mode = False
        self._errors_shown: dict[str, float] = {}
        self._painted = False  # the first screen is out (Textual's Ready event)
        self._warm_up_waits = False  # the scan ended before the first screen was out
        self._last_key = 0.0  # time.monotonic() of the last key: the warm-up gives way
        self._store_unchecked = check_store and store is not None

    # -- layout ---------------------------------------------------------------------
    def get_default_screen(self) -> Screen:
        return ReaderScreen(id="_default")

    def compose(self) -> ComposeResult:
        with Horizontal(id="main"):
            # The list stands alone until an article opens: classes given here, not added
            # in on_mount, where each one restyled every widget (60 ms on a big screen).
            # It holds the focus at the start, so it is the active pane from the first.
            with Vertical(id="list-pane", classes="-alone -active"):
                yield Static(id="filter-bar")
                # select_on_focus=False: letters typed in the same burst as "/" are in the
                # field before it has focus, and selecting them then let the next
                # backspace clear them all.
                yield Input(
                    placeholder="filter: title, tags, author, summary",
                    id="filter-input",
                    select_on_focus=False,
                )
                yield Static(id="list-header")
                yield ArticleList(id="articles")
            with Vertical(id="reader-pane", classes="-empty"):
                yield Static(id="article-header")
                with Horizontal(id="reader-body"):
                    yield DocumentView(id="document")
                    yield TocList(id="toc")
                yield Input(placeholder="find in article", id="find-input", select_on_focus=False)
                yield Static(id="reader-status")
        yield Static(id="refresh-status")
        yield KeyFooter()

    def on_mount(self) -> None:
        if self._keymap:
            self.set_keymap(self._keymap)
        articles = self.query_one(ArticleList)
        articles.minutes = self.library.minutes
        articles.decorate = self._decorate
        header = self.query_one("#list-header", Static)
        # One line whatever it says: no layout (a layout repaints the whole screen).
        articles.show_header = partial(header.update, layout=False)
        articles.focus()
        self.set_interval(1.0, self._flush_state)
        self._layout_for(self.size.width)
        for message in self._startup_messages:
            self.notify(message, severity="warning", markup=False, timeout=10)
        self._update_filter_bar()
        if self.sources:
            self.loading = True
            self.scan(self.sources)
        else:
            self._warm_up()  # no scan to wait for
        if self.feeds:
            self.load_cached_feeds(list(self.feeds))

    def on_ready(self) -> None:
        """The first screen is out."""
        self._painted = True
        if not gc.isenabled():
            # The command line turned the collector off for the start
            # (commands.open_reader); from now on it runs. What the start made
            # (Textual's classes, the articles so far) stays: frozen, later collections
            # do not walk it. (An app run any other way, as in tests, is left alone.)
            gc.freeze()
            gc.enable()
        if self._warm_up_waits:
            self._warm_up()
        if self._store_unchecked:
            self._store_unchecked = False
            self.set_timer(STORE_CHECK_AFTER, self._check_store)

    @work(thread=True, group="check-store", exit_on_error=False)
    def _check_store(self) -> None:
        """The library's integrity check, off the interface's thread and its connection.
        A damaged library is left alone from then on, as if it had failed to open."""
        self._give_way()  # not while keys come: it reads the whole file
        store = self.store
        if store is None or not self.is_running:
            return
        try:
            store.quick_check()
        except StoreDamaged as exc:
            self.call_from_thread(self._store_damaged, store, exc)
        except StoreError:
            pass  # could not check now (locked, say): the library itself is not at fault

    def _store_damaged(self, store: Store, problem: StoreDamaged) -> None:
        # Disabled on this thread, in the same step as the reader drops its references,
        # so no write of the reader's falls between the two.
        store.disable(problem)  # a feed refresh holding it writes no more either
        if self.store is not store:
            return
        self.store = None
        self.state.store = None  # reading state lives on in memory
        self.notify(
            f"{problem} Reading state will not be saved in this session.",
            severity="error",
            markup=False,
            timeout=20,
        )

    @on(events.DescendantFocus)
    def _mark_active_pane(self, event: events.DescendantFocus) -> None:
        """Highlight the pane that holds the focus; a move inside a pane changes nothing."""
        pane = next((n for n in event.widget.ancestors_with_self if n.id in PANES), None)
        if pane is None or pane.has_class("-active"):
            return
        for pane_id in PANES:
            self.query_one(f"#{pane_id}").set_class(pane_id == pane.id, "-active")

    def on_resize(self, event: events.Resize) -> None:
        # The event's size: this handler runs before Textual's own, so self.size is
        # still the size before this resize.
        self._layout_for(event.size.width)

    def _layout_for(self, width: int) -> None:
        self.screen.set_class(width < NARROW, "-narrow")

    # -- loading --------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="scan")
    def scan(self, sources: list[str]) -> None:
        """Read every source off the UI thread, handing articles over in batches."""
        worker = get_current_worker()
        problems: dict[str, str] = {}  # by key: new files come twice (see below)
        # New files come twice: front matter first (the list fills at once), then whole.
        if self._scan_process is not None:
            scanned = self._scan_process.events()
        else:
            from tui_reader.core.local.scan import scan_events

            scanned = scan_events(sources, self.store, quick_first=True)
        for event in scanned:
            if worker.is_cancelled:
                return
            if isinstance(event, Found):
                for article in event.articles:
                    if article.kind == "local" and article.warnings:
                        problems[article.key] = file_problem(article)
                self.post_message(ScanBatch(event.articles, event.errors))
            elif isinstance(event, AllListed):
                self.post_message(ScanListed())
            elif isinstance(event, ScanDone):
                self.post_message(ScanFinished(event.feeds, list(problems.values())))

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key):
            self._last_key = time.monotonic()  # the warm-up gives way (_give_way)
        # "/post" typed in one burst: the letters behind "/" reach the focused widget
        # before the field it opened has focus, and come back unhandled. Type them into
        # that field instead of dropping them (see _focus_for_typing).
        field = self._type_ahead
        if (
            field is not None
            and isinstance(event, events.Key)
            and event.is_forwarded
            and event.is_printable
            and event.character
            and field.has_class("-shown")
        ):
            field.insert_text_at_cursor(event.character)
            return
        await super().on_event(event)

    def _focus_for_typing(self, field: Input) -> None:
        """Show and focus a text field opened by a key; keys already on their way follow."""
        field.add_class("-shown")
        # What the field holds is selected now, so the first key typed replaces it (as
        # Textual's select-on-focus did); letters of the same burst then follow it.
        field.selection = Selection(0, len(field.value))
        self.screen.set_focus(field)
        self._type_ahead = field

    @on(Input.Blurred)
    def _typing_done(self, event: Input.Blurred) -> None:
        if event.input is self._type_ahead:
            self._type_ahead = None

    def on_scan_batch(self, message: ScanBatch) -> None:
        if not self.is_running:
            return  # shutting down: the widgets may be gone already
        self.add_articles(message.articles, message.errors)

    def on_scan_listed(self, message: ScanListed) -> None:
        if not self.is_running:
            return
        self.loading = False
        self.measuring = any(article.pending for article in self.library.articles)
        self.apply_filter()

    def on_scan_finished(self, message: ScanFinished) -> None:
        if not self.is_running:
            return
        self._scan_finished(message.feeds, message.problems)

    def add_articles(self, articles: list[Article], errors: list[str] = ()) -> None:
        self.library.add(articles)
        for error in errors:
            self.notify(error, severity="error", markup=False, timeout=10)
        # A big scan or refresh adds batch after batch: the list is rebuilt at most every
        # FILL_EVERY seconds, and once more after the last batch (the timer), so the
        # last articles added never wait for some other key to show.
        waited = time.monotonic() - self._last_fill
        if waited > FILL_EVERY or len(self.library) < 500:
            self.apply_filter()
        elif self._fill_timer is None:
            self._fill_timer = self.set_timer(FILL_EVERY - waited, self.apply_filter)

    def _scan_finished(self, feeds: list[FeedConfig] = (), problems: list[str] = ()) -> None:
        if problems:
            # One toast naming every file that could not be read fully (broken front
            # matter, not text, too large, guessed encoding...): each is still listed.
            count = len(problems)
            lines = [f"{count} file{'' if count == 1 else 's'} could not be read fully:"]
            lines += problems[:MAX_LISTED_PROBLEMS]
            if count > MAX_LISTED_PROBLEMS:
                lines.append(f"… and {count - MAX_LISTED_PROBLEMS} more (open one for details)")
            self.notify("\n".join(lines), severity="warning", markup=False, timeout=20)
        known = {feed.url for feed in self.feeds}
        found = [feed for feed in feeds if feed.url not in known]
        if found:
            self.feeds.extend(found)
            self.load_cached_feeds(found)
        self.loading = self.measuring = False
        self.apply_filter()
        self._warm_up()
        if not self.library.articles:
            self.notify("No articles found in the given sources.", severity="warning")

    def _warm_up(self) -> None:
        """Once the scan is done and the list is on screen, prepare off the UI thread
        what the next keys need. Neither the start nor the first article waits for it.

        A thread still shares the interpreter lock: started before the first paint, this
        work doubled the time to the first screen of a 10,000-post library. So it waits
        for the first screen, and comes in two parts: at once, the modules that open an
        article (WARM_UP_MODULES: markdown-it, the document model, the renderer; about
        0.15 s, done well before a user presses Enter); a moment later (WARM_UP_AFTER),
        the folded search text of every article (0.1-0.2 s on 10,000 posts). Both give
        way to keys (_give_way): a key pressed as the list came in took half as long
        again while the imports went on."""
        self._warm_up_waits = not self._painted
        if self._warm_up_waits:
            return

        def load() -> None:
            for name in WARM_UP_MODULES:
                self._give_way()
                with suppress(ImportError):  # moved inside its package: imported with it
                    import_module(name)

        self.run_worker(
            load, name="warm up", description="import the reader's modules", thread=True
        )
        # A description, or Textual describes the worker with repr(Library): 0.8 s on
        # 10,000 posts.
        self.set_timer(
            WARM_UP_AFTER,
            lambda: self.run_worker(
                partial(self.library.prepare_search, pause=self._give_way),
                name="prepare search",
                description="fold the search text of every article",
                thread=True,
            ),
        )

    def _give_way(self) -> None:
        """In a warm-up thread: wait while keys come, so that answering them does not
        share the interpreter lock with work nobody is waiting for."""
        while self.is_running and time.monotonic() - self._last_key < KEY_QUIET:
            time.sleep(KEY_QUIET / 3)

    # -- list and filters -----------------------------------------------------------
    def apply_filter(self) -> None:
        self._last_fill = time.monotonic()
        if self._fill_timer is not None:  # this brings the list up to date already
            self._fill_timer.stop()
            self._fill_timer = None
        articles = self.query_one(ArticleList)
        # Batches come in any order, newer ones above older: an untouched cursor stays
        # on the first row, the user's on their article, else the one being read.
        keep = self.article.key if self.article is not None else None
        if articles.placed and articles.current is not None:
            keep = articles.current.key
        rows = self.library.select(
            self.filter,
            self.sort,
            is_read=self.state.is_read,
            is_starred=self.state.is_starred,
        )
        if self._ranking:
            rank = {key: number for number, key in enumerate(self._ranking)}
            rows.sort(key=lambda a: rank.get(a.key, len(rank)))
        articles.set_articles(rows, keep)
        self._update_filter_bar()

    def _update_filter_bar(self) -> None:
        spelled = [self.library.spelling(tag) for tag in sorted(self.filter.tags)]
        shown = len(self.query_one(ArticleList).articles)
        bar = filter_bar(
            self.filter, spelled, shown, len(self.library), self.sort, self.loading, self.measuring
        )
        # Its size is set in the CSS (one line, the pane's width): no layout pass.
        self.query_one("#filter-bar", Static).update(bar, layout=False)

    def action_filter(self) -> None:
        self._open_filter_input(search=False)

    def action_search(self) -> None:
        if self.store is None:
            self.notify("Full-text search needs the library database, which is not open.")
            return
        self._open_filter_input(search=True)

    def _open_filter_input(self, search: bool) -> None:
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

    _filter_watched = False  # the filter field's value is watched (see _open_filter_input)

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
        if not text.strip() or self.store is None:
            self._ranking = []
            self.filter = replace(self.filter, keys=None, search="")
            return
        try:
            self._ranking = self.store.search(text, limit=5000)
        except StoreError as exc:
            self.notify(str(exc), severity="error", markup=False)
            self._ranking = []
        self.filter = replace(self.filter, keys=frozenset(self._ranking), search=text)

    @on(Input.Submitted, "#filter-input")
    def _filter_done(self) -> None:
        self.query_one(ArticleList).focus()
        if not self.filter.text:
            self.query_one("#filter-input").remove_class("-shown")

    def action_tags(self) -> None:
        counts = self.library.tag_counts(unread=lambda a: not self.state.is_read(a.key))
        if not counts:
            self.notify("No article has tags.")
            return

        def chosen(tags: frozenset[str] | None) -> None:
            if tags is not None:
                self.filter = replace(self.filter, tags=tags)
                self.apply_filter()

        # The modal screens load on first use, or with the warm-up (_warm_up).
        from tui_reader.ui.screens.pickers import TagPicker

        self.push_screen(TagPicker(counts, self.filter.tags), chosen)

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
        self._ranking = []
        self.filter = Filter()
        field = self.query_one("#filter-input", Input)
        field.value = ""
        field.remove_class("-shown")
        self.apply_filter()

    def action_cycle_sort(self) -> None:
        self.sort = SORT_KEYS[(SORT_KEYS.index(self.sort) + 1) % len(SORT_KEYS)]
        self.apply_filter()
        self.notify(f"Sorted by {self.sort}", timeout=2)

    # -- reading --------------------------------------------------------------------
    @on(ArticleList.Selected)
    def _article_chosen(self, event: ArticleList.Selected) -> None:
        self.open_article(event.article)

    def open_article(
        self, article: Article, anchor: str = "", position: float | None = None
    ) -> None:
        """Show an article; it resumes where it was left unless ``position`` is given."""
        self._save_position()
        self.article = article
        self.state.opened(article.key)
        if self._read_timer is not None:
            self._read_timer.stop()
        # Open for a moment counts as read.
        self._read_timer = self.set_timer(READ_AFTER_SECONDS, lambda: self._mark_read(article))
        self._load_document(article, anchor, position)

    def _refresh_rows(self) -> None:
        """Redraw the list's markers. Timers and late messages can call this while the app
        is shutting down and the list is already gone, so it may find no list."""
        for articles in self.query(ArticleList):
            articles.refresh_rows()

    def _mark_read(self, article: Article) -> None:
        if self.article is not None and self.article.key == article.key:
            if not self.state.is_read(article.key):
                self.state.set_read(article.key, True)
                self._refresh_rows()

    @work(thread=True, exclusive=True, group="open")
    def _load_document(self, article: Article, anchor: str, position: float | None) -> None:
        # Here, not at the top: markdown-it and the loader load with the first article.
        from tui_reader.core.local.scan import load_body
        from tui_reader.core.markdown.document import Document

        loaded = load_body(article)

        document = Document(loaded.body)
        if not get_current_worker().is_cancelled:
            self.call_from_thread(self._show_document, article, loaded, document, anchor, position)

    def _show_document(
        self,
        article: Article,
        loaded: LoadedBody,
        document: Document,
        anchor: str,
        position: float | None,
    ) -> None:
        if self.article is None or article.key != self.article.key or not self.is_running:
            return  # the user has opened something else meanwhile, or quit
        self.document = document
        # The pane changes here, with the document, not when Enter is pressed: one
        # layout pass instead of two (each is a full-screen render, ~0.1 s on 5 MB).
        self.query_one("#article-header", Static).update(
            article_header(article, self.library.minutes(article))
        )
        self.query_one("#reader-pane").remove_class("-empty")
        self.query_one("#list-pane").remove_class("-alone")
        self.query_one("#main").add_class("-reading")
        if loaded.error:
            self.notify(loaded.error, severity="error", markup=False)
        view = self.query_one(DocumentView)
        resume = self.state.get(article.key).position if position is None else position
        if anchor or not 0.0 < resume < READ_AT_END:
            resume = 0.0
        view.load(document, resume, anchor)
        self._fill_toc(document)
        if resume and position is None:
            self.notify(f"Resumed at {int(resume * 100)}%", timeout=3)
        view.focus()
        self._update_status()

    def _save_position(self) -> None:
        view = self.query_one(DocumentView)
        if self.article is not None and view.document is not None:
            self.state.set_position(self.article.key, view.fraction)

    def _flush_state(self) -> None:
        self.state.flush()
        now = time.monotonic()
        # A full disk fails every write; say so once in a while, not every second.
        for error in dict.fromkeys(self.state.take_errors()):
            if now - self._errors_shown.get(error, -REPEAT_ERROR_AFTER) < REPEAT_ERROR_AFTER:
                continue
            self._errors_shown[error] = now
            self.notify(error, severity="error", markup=False, timeout=10)

    def on_unmount(self) -> None:
        if self._scan_process is not None:
            self._scan_process.stop()
        self.state.flush()  # positions are recorded on every move; write the last ones

    def _decorate(self, article: Article) -> tuple[str, Style | None, str]:
        """Marker, title style and progress text of a row."""
        state = self.state.get(article.key)
        progress = ""
        if 0.02 < state.progress < READ_AT_END:
            progress = f"{int(state.progress * 100)}%"
        if state.starred:
            marker = "★"
        elif not state.read:
            marker = "•"
        else:
            marker = " "
        return marker, (UNREAD_STYLE if not state.read else READ_STYLE), progress

    def action_toggle_read(self) -> None:
        article = self._target_article()
        if article is not None:
            read = self.state.toggle_read(article.key)
            if self._read_timer is not None:
                self._read_timer.stop()  # the user decided; do not override it
            self._refresh_rows()
            self.notify("Marked read" if read else "Marked unread", timeout=2)

    def action_toggle_star(self) -> None:
        article = self._target_article()
        if article is not None:
            starred = self.state.toggle_star(article.key)
            self._refresh_rows()
            self.notify("Starred" if starred else "Unstarred", timeout=2)

    def _target_article(self) -> Article | None:
        """The article a key acts on: the one being read, or else the highlighted row."""
        if isinstance(self.focused, ArticleList):
            return self.query_one(ArticleList).current
        return self.article or self.query_one(ArticleList).current

    def action_related(self) -> None:
        article = self._target_article()
        if article is None:
            return
        related = self.library.related(article)
        if not related:
            self.notify("No other article shares a tag with this one.")
            return
        links = [(f"{a.title}  ({', '.join(a.tags)})", f"key:{a.key}") for a in related]

        def chosen(href: str | None) -> None:
            if href:
                self.follow(href)

        from tui_reader.ui.screens.pickers import LinkPicker

        self.push_screen(
            LinkPicker(links, title="Related articles — most shared tags first"), chosen
        )

    def _place(self) -> Place | None:
        if self.article is None:
            return None
        return Place(self.article.key, self.query_one(DocumentView).fraction)

    def action_history_back(self) -> None:
        current = self._place()
        place = self.history.go_back(current) if current else None
        self._go_to_place(place, "No earlier article in the history.")

    def action_history_forward(self) -> None:
        current = self._place()
        place = self.history.go_forward(current) if current else None
        self._go_to_place(place, "No later article in the history.")

    def _go_to_place(self, place: Place | None, empty: str) -> None:
        if place is None:
            self.notify(empty, timeout=2)
            return
        article = self.library.get(place.key)
        if article is None:
            self.notify("That article is no longer in the library.")
            return
        self.open_article(article, position=place.fraction)

    def _fill_toc(self, document: Document) -> None:
        self.query_one(TocList).set_headings(document.headings)
        self.query_one("#reader-body").set_class(bool(document.headings), "-has-toc")

    _toc_prepare: Timer | None = None  # renders ahead the heading the contents cursor is on

    @on(TocList.Highlighted, "#toc")
    def _toc_highlighted(self, event: TocList.Highlighted) -> None:
        # Once the cursor rests (not while a key repeats), render what Enter would show.
        if self._toc_prepare is not None:
            self._toc_prepare.stop()
        view = self.query_one(DocumentView)
        self._toc_prepare = self.set_timer(
            TOC_PREPARE_AFTER, lambda: view.prepare_heading(event.index)
        )

    @on(TocList.Chosen, "#toc")
    def _toc_chosen(self, event: TocList.Chosen) -> None:
        view = self.query_one(DocumentView)
        view.goto_heading(event.index)
        # The text first, the focus a frame later: moving the focus restyles both
        # widgets and redraws the whole contents list, and drawn in the same frame
        # that held the jump's text back by about 10 ms. (The screen runs this as soon
        # as it is idle: a key queued right behind Enter still reaches the article.)
        self.call_after_refresh(view.focus)

    @on(DocumentView.AnchorMissing)
    def _anchor_missing(self, event: DocumentView.AnchorMissing) -> None:
        self.notify(f"No heading '{event.anchor}' in this article", markup=False)

    @on(DocumentView.Moved)
    def _document_moved(self, event: DocumentView.Moved) -> None:
        if self.article is not None:
            self.state.set_position(self.article.key, event.fraction)
            if event.at_end and event.fraction > 0 and not self.state.is_read(self.article.key):
                self.state.set_read(self.article.key, True)  # scrolled through
                self._refresh_rows()
        if not self.is_running:
            return  # quitting: the position is kept, the widgets may be gone
        if event.heading is not None:
            self.query_one(TocList).move_cursor(event.heading)
        self._update_status()

    def _update_status(self) -> None:
        view = self.query_one(DocumentView)
        if self.article is None or view.document is None:
            return
        find = ""
        if view.find_text:
            total = len(view.matches)
            find = (
                f"“{view.find_text}” {view.match_index + 1 if view.match_index >= 0 else 0}/{total}"
            )
            if not total:
                find = f"“{view.find_text}” not found"
        minutes = self.library.minutes(self.article)
        status = reading_status(view.fraction, minutes, view.at_end, find)
        # Its size is set in the CSS (one line, the pane's width): no layout pass.
        self.query_one("#reader-status", Static).update(status, layout=False)

    def action_toggle_toc(self) -> None:
        self.query_one("#reader-body").toggle_class("-toc-hidden")

    # -- find in article --------------------------------------------------------------
    def action_find(self) -> None:
        field = self.query_one("#find-input", Input)
        field.value = self.query_one(DocumentView).find_text
        self._focus_for_typing(field)

    @on(Input.Changed, "#find-input")
    def _find_changed(self, event: Input.Changed) -> None:
        view = self.query_one(DocumentView)
        view.find_text = event.value
        if view.matches:
            view.find_step(1)
        self._update_status()

    @on(Input.Submitted, "#find-input")
    def _find_done(self) -> None:
        self.query_one(DocumentView).focus()
        self._update_status()

    def _close_find(self) -> None:
        field = self.query_one("#find-input", Input)
        field.remove_class("-shown")
        field.value = ""
        self.query_one(DocumentView).find_text = ""
        self._update_status()

    # -- links ----------------------------------------------------------------------
    def action_links(self) -> None:
        view = self.query_one(DocumentView)
        if view.document is None:
            self.notify("Open an article first.")
            return

        def chosen(href: str | None) -> None:
            if href:
                self.follow(href)

        from tui_reader.ui.screens.pickers import LinkPicker

        self.push_screen(LinkPicker(view.all_links()), chosen)

    @on(DocumentView.LinkClicked)
    def _link_clicked(self, event: DocumentView.LinkClicked) -> None:
        self.follow(event.href)

    def follow(self, href: str) -> None:
        article = self.article
        base = (article.link or article.location) if article else None
        if article is not None and article.kind == "local":
            base = article.location
        target = resolve(href, base)
        view = self.query_one(DocumentView)
        if href.startswith("key:"):
            related = self.library.get(href[4:])
            if related is not None:
                self.history.visit(self._place())
                self.open_article(related)
        elif target.kind == "anchor":
            if not view.goto_anchor(target.anchor):
                self.notify(f"No heading '{target.anchor}' in this article", markup=False)
        elif target.kind == "local":
            self.open_path(Path(target.value), target.anchor)
        elif target.kind == "web":
            self.confirm_open(target.value)
        else:
            self.notify(target.value, severity="warning", markup=False)

    def open_path(self, path: Path, anchor: str = "") -> None:
        self.history.visit(self._place())
        for candidate in self.library.articles:
            if candidate.kind == "local" and Path(candidate.location).resolve() == path:
                self.open_article(candidate, anchor)
                return
        from tui_reader.core.local.scan import load_single

        self.open_article(load_single(path), anchor)

    def confirm_open(self, url: str) -> None:
        def answered(yes: bool | None) -> None:
            if yes:
                self._open_browser(url)

        from tui_reader.ui.screens.pickers import ConfirmOpen

        self.push_screen(ConfirmOpen(url), answered)

    @work(thread=True, group="browser")
    def _open_browser(self, url: str) -> None:
        import webbrowser  # 50 ms of imports (shlex, subprocess) kept off the start

        try:
            webbrowser.open(url)  # the URL is an argument, never part of a shell command
        except Exception as exc:  # noqa: BLE001 - any browser failure is just reported
            self.call_from_thread(self.notify, clean_error(exc), severity="error", markup=False)

    def action_open_link(self) -> None:
        if self.article is None or not self.article.link:
            self.notify("This article has no web link.")
            return
        self.confirm_open(self.article.link)

    def action_copy_link(self) -> None:
        if self.article is None or not self.article.link:
            self.notify("This article has no web link.")
            return
        self.copy_to_clipboard(self.article.link)
        self.notify(f"Copied {self.article.link}", markup=False)

    # -- navigation -----------------------------------------------------------------
    def _panes(self) -> list:
        panes = [self.query_one(ArticleList)]
        if self.article is not None:
            panes.append(self.query_one(DocumentView))
            if "-toc-hidden" not in self.query_one("#reader-body").classes:
                toc = self.query_one(TocList)
                if toc.option_count:
                    panes.append(toc)
        return panes

    def _cycle_pane(self, step: int) -> None:
        panes = self._panes()
        focused = self.focused
        index = panes.index(focused) if focused in panes else -1
        target = panes[(index + step) % len(panes)]
        if isinstance(target, ArticleList):
            self.query_one("#main").remove_class("-reading")
        else:
            self.query_one("#main").add_class("-reading")
        target.focus()

    def action_focus_next_pane(self) -> None:
        self._cycle_pane(1)

    def action_focus_previous_pane(self) -> None:
        self._cycle_pane(-1)

    def action_back(self) -> None:
        focused = self.focused
        if focused is not None and focused.id == "find-input":
            self._close_find()
            self.query_one(DocumentView).focus()
        elif focused is not None and focused.id == "filter-input":
            self.filter = replace(self.filter, text="")
            self.query_one("#filter-input", Input).value = ""
            self.query_one("#filter-input").remove_class("-shown")
            self.apply_filter()
            self.query_one(ArticleList).focus()
        elif isinstance(focused, (DocumentView, TocList)):
            if self.query_one(DocumentView).find_text:
                self._close_find()
            else:
                self.query_one("#main").remove_class("-reading")
                self.query_one(ArticleList).focus()
        elif self.filter.active:
            self.action_clear_filters()

    def action_help(self) -> None:
        from tui_reader.ui.screens.help import HelpScreen

        self.push_screen(HelpScreen())

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for binding in APP_BINDINGS:
            if binding.action in ("quit", "help", "back"):
                continue
            yield SystemCommand(
                binding.description,
                f"key: {binding.key}",
                lambda a=binding.action: self.run_action(a),
            )
        yield SystemCommand("Filter the list", "key: /", self.action_filter)
        yield SystemCommand("Find in the article", "key: / in the reading pane", self.action_find)
