"""The tui-reader application: it starts things and routes.

It holds the library, the reading state and the store, runs the scan and the feeds
service, and gives the main screen (``screens/main.py``) what it shows; the screen and
its panes do the rest. Start-up tuning lives here: the collector, when the warm-up
(``warmup.py``) starts, the integrity check a moment after the first screen.
"""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import Callable, Iterable
from contextlib import suppress
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events, on, work
from textual.app import App, SystemCommand
from textual.screen import Screen
from textual.widgets import Input, Static
from textual.widgets.input import Selection
from textual.worker import get_current_worker

from tui_reader import tuning
from tui_reader.core.article import Article
from tui_reader.core.library import Library
from tui_reader.core.limits import Limits
from tui_reader.core.local.events import AllListed, Found, ScanDone
from tui_reader.core.local.process import ScanProcess
from tui_reader.core.sanitize import clean_line
from tui_reader.core.sources import MARKDOWN_SUFFIXES, FeedConfig
from tui_reader.core.state import ReadingState
from tui_reader.core.store import Store, StoreDamaged, StoreError, describe, not_saved_notice
from tui_reader.ui.feeds import FeedsService
from tui_reader.ui.messages import ScanBatch, ScanFinished, ScanListed
from tui_reader.ui.screens.main import MainScreen
from tui_reader.ui.warmup import WarmUp
from tui_reader.ui.watching import LiveLibrary

if TYPE_CHECKING:
    from tui_reader.core.sync.settings import SyncConfig
    from tui_reader.ui.sync import SyncRunner

# Seconds after the first screen before the library's integrity check: run as the list
# appears, it would share the two cores with the first keys and slow them down.
STORE_CHECK_AFTER = 1.0
REPEAT_ERROR_AFTER = 30.0  # seconds before the same state error is shown again
MAX_LISTED_PROBLEMS = 10  # files named in the "could not be read fully" toast


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


class ReaderApp(App[None]):
    """A keyboard-driven reader for Markdown posts and feeds."""

    CSS_PATH = "tui_reader.tcss"
    TITLE = "tui-reader"

    def __init__(
        self,
        sources: Iterable[str] = (),
        *,
        wpm: int = 212,
        measure: int | None = None,
        keymap: dict[str, str] | None = None,
        messages: Iterable[str] = (),
        store: Store | None = None,
        feeds: Iterable[FeedConfig] = (),
        limits: Limits | None = None,
        scan: ScanProcess | None = None,
        check_store: bool = False,
        images: str = "off",
        image_cache_bytes: int | None = None,
        sync: SyncConfig | None = None,
        watch: bool | str = False,
        refresh_minutes: int = 0,
        retention: tuple[int | None, int | None] = (None, None),
    ) -> None:
        """``scan``: the scan of ``sources`` already started in a child process (the
        command line starts it before importing Textual); without it the app scans in a
        thread. ``check_store``: the store was opened without its integrity check, which
        the app runs a moment after its first screen (:meth:`_check_store`). The rest
        are the config's ``watch``, ``refresh_minutes``, ``keep_days`` and so on."""
        super().__init__()
        self.images = images  # the picture protocol: kitty, sixel, halfblock or off
        self.image_cache_bytes = image_cache_bytes
        self.after_frame: list[Callable[[], None]] = []  # painters of sixel pictures
        self._scan_process = scan
        self.sources = list(sources)
        self.store = store
        self.state = ReadingState(store)
        self.library = Library(wpm=wpm)
        self.feeds_service = FeedsService(
            self,
            list(feeds),
            limits or Limits(),
            store=lambda: self.store,
            add_articles=self.add_articles,
            progress=lambda: self.main.query_one("#refresh-status", Static),
            refresh_minutes=refresh_minutes,
            retention=retention,
            show_changes=lambda changed, removed: self.live.feed_changes(changed, removed),
        )
        self.sync_runner: SyncRunner | None = None
        if sync is not None:
            from tui_reader.ui.sync import SyncRunner  # only for those who sync

            self.sync_runner = SyncRunner.for_app(self, sync, limits or Limits())
        self.live = LiveLibrary(self, self.sources, self.library, self.state, lambda: self.store)
        self.live.watching = watch
        self._type_ahead: Input | None = None  # a field just opened by a key
        self._keymap = keymap or {}
        self._measure = measure  # the article text's width at most (None: the default)
        self._startup_messages = list(messages)
        self._errors_shown: dict[str, float] = {}
        self._painted = False  # the first screen is out (Textual's Ready event)
        self.warm_up = WarmUp(self, self.library, pictures=images != "off")
        self._store_unchecked = check_store and store is not None
        self._main: MainScreen | None = None
        # ``tui-reader post.md``: one Markdown file opens straight into its article.
        single = self.sources[0] if len(self.sources) == 1 else ""
        self._open_on_arrival = single if single.lower().endswith(MARKDOWN_SUFFIXES) else None

    @property
    def loading(self) -> bool:
        """The scan is still listing files."""
        return self._main is not None and self._main.list.listing

    @property
    def measuring(self) -> bool:
        """Every file is listed; read times are still coming."""
        return self._main is not None and self._main.list.measuring

    @property
    def refreshing(self) -> set[str]:
        """The feed URLs being refreshed now."""
        return self.feeds_service.refreshing

    @property
    def main(self) -> MainScreen:
        """The main screen (whatever modal screen is above it)."""
        assert self._main is not None, "the app has not started"
        return self._main

    def post_display_hook(self) -> None:
        """After each frame is written: graphics painted over it (sixel pictures)."""
        for paint in self.after_frame:
            paint()

    # -- start ------------------------------------------------------------------------
    def get_default_screen(self) -> Screen:
        self._main = MainScreen(
            self.library,
            self.state,
            store=lambda: self.store,
            feeds=self.feeds_service,
            focus_for_typing=self.focus_for_typing,
            measure=self._measure,
            id="_default",
        )
        return self._main

    def on_mount(self) -> None:
        if self._keymap:
            self.set_keymap(self._keymap)
        self.set_interval(1.0, self._flush_state)
        for message in self._startup_messages:
            self.notify(message, severity="warning", markup=False, timeout=10)
        if self.sources:
            self._set_progress(loading=True)
            self.scan(self.sources)
        else:
            self.warm_up.start()  # no scan to wait for
        if self.feeds_service.feeds:
            self.feeds_service.load_cached(list(self.feeds_service.feeds))
        self._exit_on_hangup()

    def _exit_on_hangup(self) -> None:
        """A closed terminal window (SIGHUP) or a polite kill (SIGTERM) ends the reader
        the way ``q`` does, so the position read since the last save is written."""
        if self.is_headless:  # tests: the signals belong to the test runner
            return
        loop = asyncio.get_running_loop()
        for name in ("SIGHUP", "SIGTERM"):  # Windows has neither
            number = getattr(signal, name, None)
            if number is not None:
                with suppress(NotImplementedError, RuntimeError, ValueError):
                    loop.add_signal_handler(number, self.exit)

    def on_ready(self) -> None:
        """The first screen is out."""
        self._painted = True
        tuning.after_first_screen()
        self._open_single_file()
        self.warm_up.first_screen()
        if self._store_unchecked:
            self._store_unchecked = False
            self.set_timer(STORE_CHECK_AFTER, self._check_store)
        if self.sync_runner is not None:
            self.set_timer(self.sync_runner.start_after, self.sync_runner.start)
        self.live.first_screen(self.feeds_service)

    @work(thread=True, group="check-store", exit_on_error=False)
    def _check_store(self) -> None:
        """The library's integrity check, off the interface's thread and its connection.
        A damaged library is left alone from then on, as if it had failed to open."""
        self.warm_up.give_way()  # not while keys come: it reads the whole file
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
        self.notify(not_saved_notice(describe(problem)), severity="error", markup=False, timeout=20)

    # -- the scan -----------------------------------------------------------------------
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

    def on_scan_batch(self, message: ScanBatch) -> None:
        if not self.is_running:
            return  # shutting down: the widgets may be gone already
        self.add_articles(message.articles, message.errors)

    def _open_single_file(self) -> None:
        """Once the list is complete and on screen (whichever comes last), open the one
        file given, if it was found."""
        if self._open_on_arrival is None or self.loading or not self._painted:
            return
        name = Path(self._open_on_arrival).name
        self._open_on_arrival = None
        local = (a for a in self.library.articles if a.kind == "local")
        found = next((a for a in local if Path(a.location).name == name), None)
        if found is not None:
            self.main.open_article(found)

    def on_scan_listed(self, message: ScanListed) -> None:
        if not self.is_running:
            return
        pending = any(article.pending for article in self.library.articles)
        self._set_progress(loading=False, measuring=pending)
        self.main.list.apply_filter()
        self._open_single_file()

    def on_scan_finished(self, message: ScanFinished) -> None:
        if not self.is_running:
            return
        if message.problems:
            # One toast naming every file that could not be read fully (broken front
            # matter, not text, too large, guessed encoding...): each is still listed.
            count = len(message.problems)
            lines = [f"{count} file{'' if count == 1 else 's'} could not be read fully:"]
            lines += message.problems[:MAX_LISTED_PROBLEMS]
            if count > MAX_LISTED_PROBLEMS:
                lines.append(f"… and {count - MAX_LISTED_PROBLEMS} more (open one for details)")
            self.notify("\n".join(lines), severity="warning", markup=False, timeout=20)
        known = {feed.url for feed in self.feeds_service.feeds}
        found = [feed for feed in message.feeds if feed.url not in known]
        if found:
            self.feeds_service.feeds.extend(found)
            self.feeds_service.load_cached(found)
        self._set_progress(loading=False, measuring=False)
        self.main.list.apply_filter()
        self._open_single_file()
        self.warm_up.start()
        self.live.scan_over()
        if not self.library.articles:
            self.notify("No articles found in the given sources.", severity="warning")

    def _set_progress(self, loading: bool, measuring: bool = False) -> None:
        self.main.list.listing = loading
        self.main.list.measuring = measuring

    def add_articles(self, articles: list[Article], errors: Iterable[str] = ()) -> None:
        """New articles, from the scan or a feed: into the library, and onto the list."""
        self.library.add(articles)
        for error in errors:
            self.notify(error, severity="error", markup=False, timeout=10)
        self.main.list.articles_added()

    # -- keys ---------------------------------------------------------------------------
    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key):
            self.warm_up.key()  # background work gives way to keys
        # "/post" typed in one burst: the letters behind "/" reach the focused widget
        # before the field it opened has focus, and come back unhandled. Type them into
        # that field instead of dropping them (see focus_for_typing).
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

    def focus_for_typing(self, field: Input) -> None:
        """Show and focus a text field opened by a key; keys already on their way follow."""
        field.add_class("-shown")
        # What the field holds is selected now, so the first key typed replaces it (as
        # Textual's select-on-focus did); letters of the same burst then follow it.
        field.selection = Selection(0, len(field.value))
        field.screen.set_focus(field)
        self._type_ahead = field

    @on(Input.Blurred)
    def _typing_done(self, event: Input.Blurred) -> None:
        if event.input is self._type_ahead:
            self._type_ahead = None

    # -- reading state ------------------------------------------------------------------
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
        self.live.stop()
        if self._scan_process is not None:
            self._scan_process.stop()
        self.state.flush()  # positions are recorded on every move; write the last ones

    # -- routing ------------------------------------------------------------------------
    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        from tui_reader.ui.keys import keymap_of, palette_keys

        yield from super().get_system_commands(screen)
        main = self.main  # the keys act on the main screen, whatever is above it
        for title, help_text, action in palette_keys(keymap_of(self)):
            yield SystemCommand(title, help_text, partial(self.run_action, action, main))
