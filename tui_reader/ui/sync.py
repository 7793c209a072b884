"""Sync in the app: a round in the background a moment after the first screen and after
each refresh, the server's changes shown as they arrive, and a line that says when sync
is failing while the reader goes on from its cache.

Nothing here waits on the network on the interface's thread: a round is an async worker
(HTTP in httpx), the library is read and written in threads, and the password command
runs in a thread too. httpx and the sync code load with the first round, not at start.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextlib import suppress
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import App
from textual.widgets import Static

from tui_reader.core.article import Article
from tui_reader.core.limits import Limits
from tui_reader.core.sanitize import clean_line
from tui_reader.core.state import ReadingState
from tui_reader.core.store import Store, StoreError
from tui_reader.core.sync.settings import SyncConfig

if TYPE_CHECKING:
    from tui_reader.core.sync.engine import SyncReport

# Seconds after the first screen before the first round: the start belongs to the list.
SYNC_AFTER = 1.5


class SyncRunner:
    """The configured sync account, as the app runs it."""

    def __init__(
        self,
        app: App[Any],
        config: SyncConfig,
        limits: Limits,
        store: Callable[[], Store | None],
        state: ReadingState,
        add_articles: Callable[[list[Article]], None],
        status_line: Callable[[], Static],
        redraw: Callable[[], None],
        leave_to_server: Callable[[set[str]], None] | None = None,
    ) -> None:
        """``leave_to_server(urls)``: configured feeds at these URLs are the server's
        now, and their local copies leave the list."""
        self.app = app
        self.config = config
        self.limits = limits
        self._store = store
        self._state = state
        self._add = add_articles
        self._line = status_line
        self._redraw = redraw
        self._leave_to_server = leave_to_server
        self.start_after = SYNC_AFTER
        self.running = False
        self.failing = ""  # the last round's failure, "" while sync works
        self.store_urls: set[str] = set()  # the library's URLs of synced feeds
        self.server_urls: set[str] = set()  # their own URLs: a local copy is not shown
        self._service: Any = None
        self._client: Any = None

    @classmethod
    def for_app(cls, app: Any, config: SyncConfig, limits: Limits) -> SyncRunner:
        """The runner of the reader's account, wired to ``app``, the ReaderApp (typed
        loosely: naming it here would import app.py, which imports this module): its
        library (through a function, as a damaged one is dropped while the app runs),
        its list and status line, and its feeds service, whose refreshes sync after them."""
        runner = cls(
            app,
            config,
            limits,
            store=lambda: app.store,
            state=app.state,
            add_articles=app.add_articles,
            status_line=lambda: app.main.query_one("#sync-status", Static),
            redraw=lambda: app.main.list.refresh_rows(),
            leave_to_server=app.feeds_service.leave_to_server,
        )
        app.feeds_service.sync = runner
        return runner

    def start(self) -> None:
        """Show what earlier rounds saved, then sync (called after the first screen)."""
        self.app.run_worker(self._start(), group="sync", description="sync")

    def sync_now(self) -> None:
        if self.running:
            self.app.notify("A sync is running already.", timeout=3)
            return
        self.app.run_worker(self._round(), group="sync", description="sync")

    async def _start(self) -> None:
        store = self._store()
        if store is None:
            return
        try:
            urls = await asyncio.to_thread(store.synced_store_urls)
            status = await asyncio.to_thread(store.sync_status)
            for url in urls.values():
                self._add(await asyncio.to_thread(store.feed_articles, url))
        except StoreError as exc:
            self.app.notify(str(exc), severity="error", markup=False)
            return
        self.server_urls, self.store_urls = set(urls), set(urls.values())
        self._hand_over()
        if status is not None and status.last_error:
            self._show_failing(status.last_error)
        await self._round()

    async def _round(self) -> None:
        store = self._store()
        if store is None or store.read_only is not None:
            return
        self.running = True
        from tui_reader.core.markdown.text import analyse, plain_text
        from tui_reader.core.sync.client import make_service, sync_client
        from tui_reader.core.sync.engine import sync_round
        from tui_reader.core.sync.service import SyncError

        try:
            if self._service is None:
                if self._client is None:
                    self._client = sync_client(self.limits)
                self._service = await asyncio.to_thread(make_service, self.config, self._client)
            report = await sync_round(
                self._service, store, analyse=analyse, plain_text=plain_text
            )
        except SyncError as exc:
            self._show_failing(exc.message)
            return
        finally:
            self.running = False
        await self._show(store, report)

    async def _show(self, store: Store, report: SyncReport) -> None:
        self._state.take_synced(report.changed)
        for url in report.updated_feeds:
            self.store_urls.add(url)
            try:
                self._add(await asyncio.to_thread(store.feed_articles, url))
            except StoreError as exc:
                self.app.notify(str(exc), severity="error", markup=False)
        if report.updated_feeds:  # perhaps a feed that is configured here too
            with suppress(StoreError):  # then it is handed over at the next round
                self.server_urls = set(await asyncio.to_thread(store.synced_store_urls))
                self._hand_over()
        self._redraw()
        if self.failing:
            self.app.notify("Sync works again.", timeout=4)
        self.failing = ""
        self._line().remove_class("-shown")

    def _hand_over(self) -> None:
        if self._leave_to_server is not None:
            self._leave_to_server(self.server_urls)

    def _show_failing(self, message: str) -> None:
        self.failing = clean_line(message, 300)
        store = self._store()
        waiting = 0
        if store is not None:
            with suppress(StoreError):  # the line says what it can
                waiting = store.queue_length()
        self._line().update(Text(failing_line(self.failing, waiting)))
        self._line().add_class("-shown")


def failing_line(message: str, waiting: int) -> str:
    """The status line while sync fails: what went wrong, and that nothing is lost."""
    queued = f" · {waiting} change{'s' if waiting != 1 else ''} waiting" if waiting else ""
    return f"Sync failing: {message}{queued} · reading from the cache"
