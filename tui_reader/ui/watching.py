"""The live library in the app: watched folders put their changes on screen, the feed
schedule starts, refreshed entries are marked, and the title counts what is unread.

The watcher (core/local/watch.py) starts a moment after the first screen and lives in a
thread of its own; each burst of changes is looked at on disk and parsed in that thread
(core/local/live.py), and only the result comes to the interface's thread: articles
into the library, the list refilled around the user's cursor, the open article
reloaded where the reader was.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.app import App

from tui_reader.core.library import Library
from tui_reader.core.state import ReadingState
from tui_reader.core.store import Store
from tui_reader.ui.title import TerminalTitle

if TYPE_CHECKING:
    from tui_reader.core.local.live import LiveChange
    from tui_reader.core.local.watch import FolderWatcher
    from tui_reader.ui.feeds import FeedsService
    from tui_reader.ui.screens.main import MainScreen

# Seconds after the first screen (and the scan) before folders are watched, feeds
# scheduled and the title counted: after the integrity check, away from the first keys.
START_LIVE_AFTER = 1.5


class LiveLibrary:
    """What keeps the app's library live, started once the start is over."""

    def __init__(
        self,
        app: App[None],
        sources: list[str],
        library: Library,
        state: ReadingState,
        store: Callable[[], Store | None],
    ) -> None:
        self.app = app
        self.library = library
        self.watcher = LibraryWatcher(app, sources, library, store, self._main)
        self.title = TerminalTitle(app, library, state)
        self.watching: bool | str = False  # True, False or "poll"
        self._painted = False
        self._scan_over = not sources

    def first_screen(self, feeds: FeedsService) -> None:
        self._painted = True
        self._watch()
        feeds.start_schedule(START_LIVE_AFTER)
        self.app.set_timer(START_LIVE_AFTER, self.title.start)

    def scan_over(self) -> None:
        self._scan_over = True
        self._watch()

    def _watch(self) -> None:
        """Watch once the first screen is out and the scan is over (whichever comes last):
        a watcher started sooner would share the cores with the start."""
        if self.watching and self._painted and self._scan_over:
            self.watcher.poll = self.watching == "poll"
            self.app.set_timer(START_LIVE_AFTER, self.watcher.start)

    def _main(self) -> MainScreen:
        return self.app.main  # type: ignore[attr-defined] # the ReaderApp

    def feed_changes(self, changed: set[str], removed: list[str]) -> None:
        """After a refresh: entries the server changed are marked, pruned ones go."""
        listing = self._main().list
        listing.changed = changed
        if removed:
            self.library.remove(removed)
            listing.refill_in_place()
        else:
            listing.refresh_rows()

    def stop(self) -> None:
        self.watcher.stop()


class LibraryWatcher:
    """Watches the local sources of one app. ``poll``: poll from the start."""

    def __init__(
        self,
        app: App[None],
        sources: list[str],
        library: Library,
        store: Callable[[], Store | None],
        main: Callable[[], MainScreen],
        *,
        poll: bool = False,
    ) -> None:
        self.app = app
        self.sources = sources
        self.library = library
        self._store = store
        self._main = main
        self.poll = poll
        self.watcher: FolderWatcher | None = None
        self.updates = 0  # bursts put on screen (tests wait on it)

    def start(self) -> None:
        """Start watching (once the scan is done: its articles are what changes apply to)."""
        if self.watcher is not None:
            return
        from tui_reader.core.local.live import watched_folders
        from tui_reader.core.local.watch import FolderWatcher

        folders = watched_folders(self.sources)
        if not folders:
            return
        self.watcher = FolderWatcher(
            folders, self._changed, poll=self.poll, on_problem=self._problem
        )
        self.watcher.start()

    def stop(self) -> None:
        if self.watcher is not None:
            self.watcher.stop()

    @property
    def polling(self) -> bool:
        return self.watcher is not None and self.watcher.polling

    def _problem(self, problem: str) -> None:  # in the watcher's thread
        self.app.call_from_thread(
            self.app.notify, f"Folders: {problem}", severity="warning", markup=False
        )

    def _changed(self, paths: set[str]) -> None:
        """A burst of changes, in the watcher's thread: parsed here, shown there."""
        from tui_reader.core.local.live import changes_for

        # list() copies in one step under the interpreter lock: the list may grow meanwhile.
        known = {a.location: a.key for a in list(self.library.articles) if a.kind == "local"}
        change = changes_for(paths, self.sources, known, self._store())
        if change and self.app.is_running:
            self.app.call_from_thread(self.apply, change)

    def apply(self, change: LiveChange) -> None:
        """Put a change on screen (interface thread)."""
        if not self.app.is_running:
            return
        main = self._main()
        self.library.remove(change.removed)
        self.library.add(change.articles)
        for error in change.errors:
            self.app.notify(error, severity="error", markup=False, timeout=10)
        main.list.refill_in_place()
        reading = main.reading.article
        if reading is not None:
            new = next((a for a in change.articles if a.key == reading.key), None)
            if new is not None:
                main.list.reading = new
                main.reading.reload(new)
            elif reading.key in change.removed:
                self.app.notify(
                    f"{reading.title}: deleted on disk (still shown until you leave it)",
                    severity="warning",
                    markup=False,
                )
        self.updates += 1
