"""The main screen: the list pane and the reading pane side by side, and what joins them.

The panes own their keys; the screen holds the keys that work everywhere
(``APP_BINDINGS``), moves the focus between the panes, lays them out for the terminal's
width, and follows links and the history from one article to another.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.reactive import Reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input, Static

from tui_reader.core.article import Article
from tui_reader.core.history import History, Place
from tui_reader.core.library import Library
from tui_reader.core.markdown.links import resolve
from tui_reader.core.state import ReadingState
from tui_reader.core.store import Store
from tui_reader.ui.bindings import APP_BINDINGS
from tui_reader.ui.feeds import FeedsService
from tui_reader.ui.full_article import FullArticles
from tui_reader.ui.keys import named
from tui_reader.ui.panes.list_pane import ListPane
from tui_reader.ui.panes.reading_pane import ReadingPane
from tui_reader.ui.screens.layout import focus_mode_message, layout_classes
from tui_reader.ui.widgets.article_list import ArticleList
from tui_reader.ui.widgets.document_view import DocumentView
from tui_reader.ui.widgets.key_footer import KeyFooter
from tui_reader.ui.widgets.toc import TocList

PANES = ("list-pane", "reader-pane")  # their border shows which one holds the focus
READ_AFTER_SECONDS = 3.0  # an article open this long counts as read
# Keys bound on the screen, so they work whichever pane holds the focus, whose work one
# pane does: each name here becomes the screen's ``action_<name>``, which calls the
# pane's. A table, as a method apiece would only repeat the name (see the module's end).
FORWARDED_ACTIONS = {
    "list": (
        "filter",
        "search",
        "tags",
        "clear_filters",
        "cycle_sort",
        "toggle_unread",
        "toggle_starred",
        "cycle_minutes",
    ),
    "reading": ("open_link", "copy_link", "toggle_toc"),
}


class MainScreen(Screen[None]):
    """The reader's screen. A focus change repaints the widgets it restyles, not the
    whole screen: Textual's Screen repaints every cell when ``focused`` changes, and on a
    160x48 screen that full repaint is most of a jump from the contents to the text."""

    BINDINGS = APP_BINDINGS
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)

    def __init__(
        self,
        library: Library,
        state: ReadingState,
        store: Callable[[], Store | None],
        feeds: FeedsService,
        focus_for_typing: Callable[[Input], None],
        *,
        measure: int | None = None,
        id: str | None = None,  # noqa: A002 - Textual's name
    ) -> None:
        """``store`` gives the library database, or None (not open, or found damaged);
        ``focus_for_typing`` opens a text field so that keys typed on follow (the app);
        ``measure``: the article text's width at most (the config's)."""
        super().__init__(id=id)
        self.focus_mode = False  # z: the article alone while you read, at any width
        self.feeds = feeds
        self.library = library
        self.state = state
        self.history = History()
        # Articles opened by a link that are not in the library (a page kept out of lists,
        # a note outside the sources): back and forward find them here.
        self._outside: dict[str, Article] = {}
        self._focus_for_typing = focus_for_typing
        self._read_timer: Timer | None = None
        # Made here, so the app can hand articles to the list before it is mounted.
        # The list stands alone until an article opens: classes given here, not added
        # in on_mount, where each one would restyle every widget.
        # It holds the focus at the start, so it is the active pane from the first.
        self.list = ListPane(
            library, state, store, focus_for_typing, id="list-pane", classes="-alone -active"
        )
        self.reading = ReadingPane(
            library, state, self._reading_shown, measure, id="reader-pane", classes="-empty"
        )
        self.full_articles = FullArticles(feeds, self._full_article_fetched)

    def compose(self) -> ComposeResult:
        with Horizontal(id="main"):
            yield self.list
            yield self.reading
        yield Static(id="refresh-status")
        yield Static(id="sync-status")  # shown while sync fails (ui/sync.py)
        yield KeyFooter()

    def on_mount(self) -> None:
        # Textual hides its notification rack once the screen is up, by setting the
        # display its stylesheet already gives it: a change of style that lays out and
        # repaints the whole screen just as the first keys come. Said before the first
        # layout, it costs nothing, and hiding it again changes nothing.
        for rack in self.query("#textual-toastrack"):
            rack.display = False
        self.lay_out_for(self.app.size.width)
        self.list.articles.focus()

    @property
    def article(self) -> Article | None:
        """The article open in the reading pane."""
        return self.reading.article

    # -- layout -----------------------------------------------------------------------
    def on_resize(self, event: events.Resize) -> None:
        self.lay_out_for(event.size.width)

    def lay_out_for(self, width: int) -> None:
        """Side by side, or one pane at a time (layout.py)."""
        for name, wanted in layout_classes(width, self.focus_mode).items():
            self.set_class(wanted, name)

    def action_focus_mode(self) -> None:
        self.focus_mode = not self.focus_mode
        self.lay_out_for(self.app.size.width)
        if self.focus_mode and self.article is not None:
            self.reading.view.focus()
        width, key = self.app.size.width, named(self.app, "focus_mode")
        self.notify(focus_mode_message(self.focus_mode, width, key), timeout=3)

    @on(events.DescendantFocus)
    def _mark_active_pane(self, event: events.DescendantFocus) -> None:
        """Highlight the pane that holds the focus; a move inside a pane changes nothing."""
        pane = next((n for n in event.widget.ancestors_with_self if n.id in PANES), None)
        if pane is None or pane.has_class("-active"):
            return
        # The list gives way while you read, and comes back when it has the focus.
        self.query_one("#main").set_class(pane is self.reading, "-reading")
        for pane_id in PANES:
            self.query_one(f"#{pane_id}").set_class(pane_id == pane.id, "-active")

    def _reading_shown(self, article: Article) -> None:
        self.list.remove_class("-alone")
        self.query_one("#main").add_class("-reading")

    def _panes(self) -> list[Widget]:
        panes: list[Widget] = [self.list.articles]
        if self.article is not None:
            panes.append(self.reading.view)
            if self.reading.toc_shown:
                panes.append(self.query_one(TocList))
        return panes

    def _cycle_pane(self, step: int) -> None:
        panes = self._panes()
        focused = self.focused
        if panes == [focused]:
            self.notify("Only the list is open: Enter opens an article beside it.", timeout=2)
            return
        index = panes.index(focused) if focused in panes else -1
        target = panes[(index + step) % len(panes)]
        self.query_one("#main").set_class(not isinstance(target, ArticleList), "-reading")
        target.focus()

    def action_focus_next_pane(self) -> None:
        self._cycle_pane(1)

    def action_focus_previous_pane(self) -> None:
        self._cycle_pane(-1)

    def action_back(self) -> None:
        focused = self.focused
        if focused is not None and focused.id == "find-input":
            self.reading.close_find()
            self.reading.view.focus()
        elif focused is not None and focused.id == "filter-input":
            self.list.close_filter()
        elif isinstance(focused, (DocumentView, TocList)):
            if self.reading.view.find_text:
                self.reading.close_find()
            else:
                self.query_one("#main").remove_class("-reading")
                self.list.articles.focus()
        elif self.list.filter.active:
            self.list.action_clear_filters()
        else:
            self.notify("Nothing to go back from: no article, search or filter.", timeout=2)

    # -- keys that work everywhere ----------------------------------------------------
    async def action_quit(self) -> None:
        await self.app.action_quit()

    def action_help(self) -> None:
        from tui_reader.ui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen())

    def action_refresh_all(self) -> None:
        self.feeds.refresh_all()

    def action_refresh_feed(self) -> None:
        self.feeds.refresh_feed(self.target_article())

    def action_feeds(self) -> None:
        self.feeds.show_view()

    def action_full_article(self) -> None:
        self.full_articles.fetch(self.target_article())

    def _full_article_fetched(self, article: Article) -> None:
        """Show a fetched article in place of the entry's feed text, if it is open."""
        current = self.article
        if current is not None and current.key == article.key:
            self.open_article(article, position=0.0)

    def action_find(self) -> None:
        self._focus_for_typing(self.reading.find_field())

    # -- reading ----------------------------------------------------------------------
    @on(ArticleList.Selected)
    def _article_chosen(self, event: ArticleList.Selected) -> None:
        self.open_article(event.article)

    def open_article(
        self, article: Article, anchor: str = "", position: float | None = None
    ) -> None:
        """Show an article; it resumes where it was left unless ``position`` is given."""
        self.list.reading = article
        if article.key in self.list.changed:  # seen now: no longer "updated"
            self.list.changed.discard(article.key)
            self.feeds.seen(article.key)
        self.reading.open(article, anchor, position)
        # Open for a moment counts as read. The timer is the screen's: quitting removes
        # the panes first, and an article read that long still counts.
        self._stop_read_timer()
        self._read_timer = self.set_timer(READ_AFTER_SECONDS, lambda: self._mark_read(article))

    def _stop_read_timer(self) -> None:
        if self._read_timer is not None:
            self._read_timer.stop()

    def _mark_read(self, article: Article) -> None:
        current = self.article
        if current is None or current.key != article.key or self.state.is_read(article.key):
            return
        self.state.set_read(article.key, True)
        self.list.refresh_rows()

    @on(ReadingPane.StateChanged)
    def _state_changed(self) -> None:
        self.list.refresh_rows()

    def target_article(self) -> Article | None:
        """The article a key acts on: the one being read, or else the highlighted row."""
        if isinstance(self.focused, ArticleList):
            return self.list.articles.current
        return self.article or self.list.articles.current

    def _article_for(self, doing: str) -> Article | None:
        """The article a key acts on, or None after saying there is none."""
        article = self.target_article()
        if article is None:
            self.notify(f"No article to {doing}: the list is empty and none is open.")
        return article

    def action_toggle_read(self) -> None:
        article = self._article_for("mark")
        if article is not None:
            read = self.state.toggle_read(article.key)
            self._stop_read_timer()  # the user decided; the timer must not undo it
            self.list.refresh_rows()
            self.notify("Marked read" if read else "Marked unread", timeout=2)

    def action_toggle_star(self) -> None:
        article = self._article_for("star")
        if article is not None:
            starred = self.state.toggle_star(article.key)
            self.list.refresh_rows()
            self.notify("Starred" if starred else "Unstarred", timeout=2)

    # -- from one article to another --------------------------------------------------
    def _pick_link(self, links: list[tuple[str, str]], title: str | None = None) -> None:
        def chosen(href: str | None) -> None:
            if href:
                self.follow(href)

        from tui_reader.ui.screens.pickers import LinkPicker

        picker = LinkPicker(links) if title is None else LinkPicker(links, title=title)
        self.app.push_screen(picker, chosen)

    def action_related(self) -> None:
        article = self._article_for("compare")
        if article is None:
            return
        related = self.library.related(article)
        if not related:
            self.notify("No other article shares a tag with this one.")
            return
        links = [(f"{a.title}  ({', '.join(a.tags)})", f"key:{a.key}") for a in related]
        follow, close = named(self.app, "links_follow"), named(self.app, "links_close")
        title = f"Related articles, most shared tags first — {follow} opens, {close} closes"
        self._pick_link(links, title)

    def action_links(self) -> None:
        view = self.reading.view
        if view.document is None:
            self.notify("Open an article first.")
            return
        self._pick_link(view.all_links())

    def _place(self) -> Place | None:
        if self.article is None:
            return None
        return Place(self.article.key, self.reading.view.fraction)

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
        article = self.library.get(place.key) or self._outside.get(place.key)
        if article is None:
            self.notify("That article is no longer in the library.")
            return
        self.open_article(article, position=place.fraction)

    @on(DocumentView.LinkClicked)
    def _link_clicked(self, event: DocumentView.LinkClicked) -> None:
        self.follow(event.href)

    def follow(self, href: str) -> None:
        article = self.article
        base = (article.link or article.location) if article else None
        if article is not None and article.kind == "local":
            base = article.location
        target = resolve(href, base)
        if href.startswith("key:"):
            related = self.library.get(href[4:])
            if related is not None:
                self.history.visit(self._place())
                self.open_article(related)
        elif target.kind == "anchor":
            if not self.reading.view.goto_anchor(target.anchor):
                self.notify(f"No heading '{target.anchor}' in this article", markup=False)
        elif target.kind == "local":
            self.open_path(Path(target.value), target.anchor)
        elif target.kind == "web":
            self.reading.confirm_open(target.value)
        else:
            self.notify(target.value, severity="warning", markup=False)

    def open_path(self, path: Path, anchor: str = "") -> None:
        self.history.visit(self._place())
        for candidate in self.library.articles:
            if candidate.kind == "local" and Path(candidate.location).resolve() == path:
                self.open_article(candidate, anchor)
                return
        from tui_reader.core.local.scan import load_single

        article = load_single(path)
        self._outside[article.key] = article
        self.open_article(article, anchor)


def _forward(pane: str, name: str) -> Callable[[MainScreen], None]:
    """``MainScreen.action_<name>``: the pane's action of that name."""

    def action(self: MainScreen) -> None:
        getattr(getattr(self, pane), f"action_{name}")()

    action.__name__ = f"action_{name}"
    action.__qualname__ = f"MainScreen.action_{name}"
    action.__doc__ = f"The {pane} pane's {name!r}, from wherever the focus is."
    return action


# Textual finds an action with getattr on the screen, so methods set here are found as
# those written in the class are.
for _pane, _names in FORWARDED_ACTIONS.items():
    for _name in _names:
        setattr(MainScreen, f"action_{_name}", _forward(_pane, _name))
