"""The reading pane: the article's header, its text, its contents list, the find field
and the status line. It loads the article it is given and keeps its reading state."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input, Static
from textual.worker import get_current_worker

from tui_reader import tuning
from tui_reader.core.article import Article
from tui_reader.core.library import Library
from tui_reader.core.sanitize import clean_error
from tui_reader.core.state import READ_AT_END, ReadingState
from tui_reader.ui.keys import named
from tui_reader.ui.texts import article_header, reading_status, shown_percent
from tui_reader.ui.widgets.document_view import DocumentView
from tui_reader.ui.widgets.page import MEASURE
from tui_reader.ui.widgets.picture_view import PictureView
from tui_reader.ui.widgets.toc import TocList

if TYPE_CHECKING:
    from tui_reader.core.local.scan import LoadedBody
    from tui_reader.core.markdown.document import Document

TOC_PREPARE_AFTER = 0.05  # seconds the contents cursor rests before its heading is rendered


class ReadingPane(Vertical):
    """One article at a time; it resumes where it was left."""

    class StateChanged(Message):
        """The pane marked an article read: it was scrolled through."""

        def __init__(self, article: Article) -> None:
            super().__init__()
            self.article = article

    def __init__(
        self,
        library: Library,
        state: ReadingState,
        shown: Callable[[Article], None],
        measure: int | None = None,
        *,
        id: str | None = None,  # noqa: A002 - Textual's name
        classes: str | None = None,
    ) -> None:
        """``shown`` is called in the same step as a document appears, so the screen
        rearranges the panes in the same layout pass (a message would come a frame
        later, and each layout is a full-screen render: about 0.1 s on 5 MB). ``measure``:
        the text's width at most (None: the default)."""
        super().__init__(id=id, classes=classes)
        self._measure = measure or MEASURE
        self.library = library
        self.state = state
        self._shown = shown
        self.article: Article | None = None
        self.document: Document | None = None
        self._toc_prepare: Timer | None = None  # renders ahead the heading under the cursor
        self._say_resumed = False  # once the view stands where it resumed, say so

    def compose(self) -> ComposeResult:
        yield Static(id="article-header")
        with Horizontal(id="reader-body"):
            yield PictureView(id="document", measure=self._measure)
            yield TocList(id="toc")
        yield Input(placeholder="find in article", id="find-input", select_on_focus=False)
        yield Static(id="reader-status")

    @property
    def view(self) -> DocumentView:
        return self.query_one(DocumentView)

    @property
    def toc_shown(self) -> bool:
        """The contents list is on screen (the article has headings, and T did not hide it)."""
        body = self.query_one("#reader-body")
        return "-toc-hidden" not in body.classes and self.query_one(TocList).option_count > 0

    # -- opening ----------------------------------------------------------------------
    def open(self, article: Article, anchor: str = "", position: float | None = None) -> None:
        """Show an article; it resumes where it was left unless ``position`` is given."""
        self.save_position()
        self.article = article
        self.state.opened(article.key)
        self._load_document(article, anchor, position)

    def reload(self, article: Article) -> None:
        """The open article changed on disk: show the new text where the reader was, in
        the heading they were in and as far into it, without moving focus or panes."""
        view = self.view
        document = view.document
        place: tuple[str, int, float] = ("", 0, view.fraction if document else 0.0)
        if document is not None:
            heading = document.heading_for_section(view.top_section)
            if heading is not None:
                section = document.heading_sections[heading]
                line = round(view.scroll_y) - view.section_heights.offsets[section]
                place = (document.headings[heading].anchor, max(0, line), place[2])
        self.article = article
        self._load_document(article, "", None, place)

    @work(thread=True, exclusive=True, group="open")
    def _load_document(
        self,
        article: Article,
        anchor: str,
        position: float | None,
        reload_at: tuple[str, int, float] | None = None,
    ) -> None:
        # Here, not at the top: markdown-it and the loader load with the first article,
        # taking turns with the warm-up's imports (tuning.IMPORTS says why).
        with tuning.IMPORTS:
            from tui_reader.core.local.scan import load_body
            from tui_reader.core.markdown.document import Document

        loaded = load_body(article)
        document = Document(loaded.body)
        if get_current_worker().is_cancelled:
            return
        if reload_at is not None:
            self.app.call_from_thread(self._show_reloaded, article, document, reload_at)
        else:
            self.app.call_from_thread(
                self._show_document, article, loaded, document, anchor, position
            )

    def _show_reloaded(
        self, article: Article, document: Document, place: tuple[str, int, float]
    ) -> None:
        if self.article is None or article.key != self.article.key or not self.app.is_running:
            return
        anchor, line, fraction = place
        self.document = document
        self.query_one("#article-header", Static).update(
            article_header(article, self.library.minutes(article))
        )
        view = self.view
        view.load(document, fraction)
        self.query_one(TocList).set_headings(document.headings)
        self.query_one("#reader-body").set_class(bool(document.headings), "-has-toc")
        section = document.anchor_section(anchor) if anchor else None
        if section is not None:
            # After the load's own placing (also after a refresh): the heading wins.
            self.call_after_refresh(lambda: view.goto_section(section, line))
        self.notify(f"updated: {article.title}", timeout=2, markup=False)
        self.update_status()

    def _show_document(
        self,
        article: Article,
        loaded: LoadedBody,
        document: Document,
        anchor: str,
        position: float | None,
    ) -> None:
        if self.article is None or article.key != self.article.key or not self.app.is_running:
            return  # the user has opened something else meanwhile, or quit
        self.document = document
        # The pane changes here, with the document, not when Enter is pressed: one
        # layout pass instead of two (each is a full-screen render, ~0.1 s on 5 MB).
        self.query_one("#article-header", Static).update(
            article_header(article, self.library.minutes(article))
        )
        self.remove_class("-empty")
        self._shown(article)
        if loaded.error:
            self.notify(loaded.error, severity="error", markup=False)
        view = self.view
        resume = self.state.get(article.key).position if position is None else position
        if anchor or not 0.0 < resume < READ_AT_END:
            resume = 0.0
        if isinstance(view, PictureView):
            view.open_article(article, loaded.cover)
        view.load(document, resume, anchor)
        self.query_one(TocList).set_headings(document.headings)
        self.query_one("#reader-body").set_class(bool(document.headings), "-has-toc")
        self._say_resumed = bool(resume and position is None)
        view.focus()
        self.update_status()

    def save_position(self) -> None:
        view = self.view
        if self.article is not None and view.document is not None:
            self.state.set_position(self.article.key, view.fraction)

    # -- contents ---------------------------------------------------------------------
    def action_toggle_toc(self) -> None:
        if self.document is None:
            self.notify("Open an article first: the contents list is its headings.", timeout=3)
        elif not self.document.headings:
            self.notify("This article has no headings, so no contents list.", timeout=3)
        else:
            self.query_one("#reader-body").toggle_class("-toc-hidden")

    @on(TocList.Highlighted, "#toc")
    def _toc_highlighted(self, event: TocList.Highlighted) -> None:
        # Once the cursor rests (not while a key repeats), render what Enter would show.
        if self._toc_prepare is not None:
            self._toc_prepare.stop()
        view = self.view
        self._toc_prepare = self.set_timer(
            TOC_PREPARE_AFTER, lambda: view.prepare_heading(event.index)
        )

    @on(TocList.Chosen, "#toc")
    def _toc_chosen(self, event: TocList.Chosen) -> None:
        view = self.view
        view.goto_heading(event.index)
        # The text first, the focus a frame later: moving the focus restyles both
        # widgets and redraws the whole contents list, which in the same frame would
        # hold the jump's text back. (The screen runs this as soon
        # as it is idle: a key queued right behind Enter still reaches the article.)
        self.call_after_refresh(view.focus)

    @on(DocumentView.AnchorMissing)
    def _anchor_missing(self, event: DocumentView.AnchorMissing) -> None:
        self.notify(f"No heading '{event.anchor}' in this article", markup=False)

    @on(DocumentView.Moved)
    def _document_moved(self, event: DocumentView.Moved) -> None:
        article = self.article
        if article is not None:
            self.state.set_position(article.key, event.fraction)
            if event.at_end and event.fraction > 0 and not self.state.is_read(article.key):
                self.state.set_read(article.key, True)  # scrolled through
                self.post_message(self.StateChanged(article))
        if not self.app.is_running:
            return  # quitting: the position is kept, the widgets may be gone
        if event.heading is not None:
            self.query_one(TocList).move_cursor(event.heading)
        self.update_status()
        view = self.view
        if self._say_resumed and view.placed:
            # The percentage the status line shows, where the view stands now.
            self._say_resumed = False
            self.notify(f"Resumed at {shown_percent(view.progress, view.at_end)}%", timeout=3)

    def update_status(self) -> None:
        view = self.view
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
        status = reading_status(view.progress, minutes, view.at_end, find)
        # Its size is set in the CSS (one line, the pane's width): no layout pass.
        self.query_one("#reader-status", Static).update(status, layout=False)

    # -- find in the article ----------------------------------------------------------
    def find_field(self) -> Input:
        """The find field, holding the current search: for the screen to open."""
        field = self.query_one("#find-input", Input)
        field.value = self.view.find_text
        return field

    @on(Input.Changed, "#find-input")
    def _find_changed(self, event: Input.Changed) -> None:
        view = self.view
        view.find_text = event.value
        if view.matches:
            view.action_find_step(1)
        self.update_status()

    @on(Input.Submitted, "#find-input")
    def _find_done(self) -> None:
        self.view.focus()
        self.update_status()

    def close_find(self) -> None:
        field = self.query_one("#find-input", Input)
        field.remove_class("-shown")
        field.value = ""
        self.view.find_text = ""
        self.update_status()

    # -- the article's web link -------------------------------------------------------
    def confirm_open(self, url: str) -> None:
        def answered(yes: bool | None) -> None:
            if yes:
                self._open_browser(url)

        from tui_reader.ui.screens.pickers import ConfirmOpen

        self.app.push_screen(ConfirmOpen(url), answered)

    @work(thread=True, group="browser")
    def _open_browser(self, url: str) -> None:
        import webbrowser  # 50 ms of imports (shlex, subprocess) kept off the start

        try:
            # The URL is an argument, never part of a shell command. False: no browser.
            if webbrowser.open(url) is not False:
                return
            problem = "No browser found"
        except webbrowser.Error:  # raised on a machine without any browser registered
            problem = "No browser found"
        except Exception as exc:  # noqa: BLE001 - any browser failure is just reported
            problem = f"The browser did not open: {clean_error(exc)}"
        copy = named(self.app, "copy_link")
        self.app.call_from_thread(
            self.notify, f"{problem}. Press {copy} to copy the link instead.", markup=False
        )

    def _web_link(self) -> str | None:
        """The open article's web link, or None after saying why there is none."""
        if self.article is None:
            self.notify("Open an article first: its web link is what this key uses.")
        elif not self.article.link:
            self.notify("This article has no web link.")
        return self.article.link if self.article is not None else None

    def action_open_link(self) -> None:
        link = self._web_link()
        if link:
            self.confirm_open(link)

    def action_copy_link(self) -> None:
        link = self._web_link()
        if link:
            self.app.copy_to_clipboard(link)
            self.notify(f"Copied {link}", markup=False)
