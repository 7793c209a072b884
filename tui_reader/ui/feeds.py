"""Feeds in the app: cached entries at start, background refresh, progress and the feeds view.

The UI never waits on the network: a refresh is an async worker on the app's loop, with
HTTP in httpx, parsing in worker processes (or a thread) and saving in a thread. The
article being read is never reloaded by a refresh, so the view does not move.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import App
from textual.widgets import Static

from tui_reader.core.article import Article
from tui_reader.core.limits import Limits
from tui_reader.core.sources import FeedConfig
from tui_reader.core.store import Store, StoreError
from tui_reader.ui import discovery
from tui_reader.ui.discovery import wants_discovery

if TYPE_CHECKING:
    from tui_reader.core.feeds.refresh import FeedOutcome
    from tui_reader.ui.sync import SyncRunner


class FeedsService:
    """The configured feeds: what the cache holds, refreshes, and the feeds view.

    Given what it needs: the app (its workers, timers and toasts), the store (through a
    function, as a damaged library is dropped while the app runs), where new articles
    go, and the line that shows a refresh's progress."""

    def __init__(
        self,
        app: App[None],
        feeds: list[FeedConfig],
        limits: Limits,
        store: Callable[[], Store | None],
        add_articles: Callable[[list[Article]], None],
        progress: Callable[[], Static],
    ) -> None:
        self.app = app
        self.feeds = feeds
        self.limits = limits
        self._store = store
        self._add = add_articles
        self._progress = progress
        self.refreshing: set[str] = set()  # URLs being refreshed now
        self.sync: SyncRunner | None = None  # the sync account, when one is configured

    @property
    def store(self) -> Store | None:
        return self._store()

    def add(self, articles: list[Article]) -> None:
        """Put articles into the list (new ones, or new versions of ones it has)."""
        self._add(articles)

    def progress(self) -> Static:
        """The line under the panes that says what is being fetched."""
        return self._progress()

    def notify(self, message: str, **options: object) -> None:
        self.app.notify(message, **options)  # type: ignore[arg-type]

    def load_cached(self, feeds: list[FeedConfig]) -> None:
        """Show what the cache holds for these feeds, in the background."""
        self.app.run_worker(self._load_cached(feeds), group="feeds-cache")

    async def _load_cached(self, feeds: list[FeedConfig]) -> None:
        """Show what the cache holds for these feeds: instant, and no network needed.

        Local feed files are read again every time (they are on disk, and cheap); feed
        URLs that were never fetched are fetched in the background.
        """
        if not feeds:
            return
        # The feed code loads here, with the first feed, not with the interface.
        from tui_reader.core.feeds.localfiles import local_path
        from tui_reader.core.local.scan import parse_local_feed

        if self.store is None:
            # No database: local feed files can still be read, into memory only.
            for feed in feeds:
                articles, error = await asyncio.to_thread(parse_local_feed, feed)
                if error:
                    self.notify(error, severity="error", markup=False)
                self._add(articles)
            return
        store = self.store
        if self.sync is not None:  # a feed the server has too is shown once: its copy
            try:
                synced = set(await asyncio.to_thread(store.synced_store_urls))
            except StoreError:
                synced = set()
            feeds = [feed for feed in feeds if feed.url not in synced]
            self.feeds = [feed for feed in self.feeds if feed.url not in synced]
        for feed in feeds:
            try:
                articles = await asyncio.to_thread(store.feed_articles, feed.url)
            except StoreError as exc:
                self.notify(str(exc), severity="error", markup=False)
                return
            if articles:
                self._add(articles)
        stale = [f for f in feeds if local_path(f.url) or store.get_feed(f.url) is None]
        if stale:
            self.refresh_feeds(stale, quiet=True)

    def refresh_all(self) -> None:
        if not self.feeds and self.sync is not None:
            self.sync.sync_now()
            return
        if not self.feeds:
            self.notify("No feeds are configured. Give a feed URL or file as a source.")
            return
        self.refresh_feeds(list(self.feeds))

    def refresh_feed(self, article: Article | None) -> None:
        if article is None or article.kind != "feed":
            self.notify("Highlight an article from a feed to refresh its feed (R: all feeds).")
            return
        if self.sync is not None and article.source in self.sync.store_urls:
            self.sync.sync_now()  # the server refreshes its feeds: a round brings them
            return
        feed = next((f for f in self.feeds if f.url == article.source), None)
        self.refresh_feeds([feed or FeedConfig(article.source)])

    def refresh_feeds(self, feeds: list[FeedConfig], quiet: bool = False) -> None:
        """Refresh feeds in the background; the rest of the app keeps answering keys."""
        self.app.run_worker(self._refresh_feeds(feeds, quiet), group="feeds")

    async def _refresh_feeds(self, feeds: list[FeedConfig], quiet: bool) -> None:
        """``quiet`` (used at start-up for local feed files) shows failures but no progress."""
        if self.store is None:
            self.notify("Feeds need the library database, which could not be opened.")
            return
        if self.store.read_only is not None:  # what it holds is shown; nothing saves
            if not quiet:
                self.notify("Feeds cannot be refreshed: the library cannot be written to.")
            return
        feeds = [feed for feed in feeds if feed.url not in self.refreshing]
        if not feeds:
            self.notify("Those feeds are being refreshed already.", timeout=3)
            return
        self.refreshing.update(feed.url for feed in feeds)
        try:
            await self._refresh(feeds, quiet)
        finally:
            self.refreshing.difference_update(feed.url for feed in feeds)
        if self.sync is not None and not quiet and not self.sync.running:
            self.sync.sync_now()  # after a refresh, the server's side too

    async def _refresh(self, feeds: list[FeedConfig], quiet: bool) -> None:
        store = self.store
        assert store is not None
        progress = self._progress()
        progress.set_class(not quiet, "-shown")
        totals = {"new": 0, "failed": 0}

        def on_progress(done: int, total: int, outcome: FeedOutcome) -> None:
            totals["new"] += outcome.new_count
            if wants_discovery(outcome):  # a site's address: its feeds are looked for
                discovery.start(self, outcome.url)
            elif outcome.status == "failed":
                totals["failed"] += 1
                self.notify(
                    f"{outcome.title}: {outcome.message}", severity="error", markup=False, timeout=8
                )
            progress.update(Text(_progress_text(done, total, totals["new"], totals["failed"])))
            if outcome.status == "updated" or outcome.articles:  # new entries or articles
                self.app.run_worker(self._show_feed(outcome.url), group="feed-show")

        progress.update(Text(_progress_text(0, len(feeds), 0, 0)))
        from tui_reader.core.feeds.fetch import make_client  # httpx loads with the first refresh
        from tui_reader.core.feeds.refresh import refresh_all
        from tui_reader.core.markdown.text import analyse

        async with make_client(self.limits) as client:
            await refresh_all(
                client, store, feeds, limits=self.limits, analyse=analyse, on_progress=on_progress
            )
        progress.update(
            Text(_progress_text(len(feeds), len(feeds), totals["new"], totals["failed"]))
        )
        self.app.set_timer(4, lambda: progress.remove_class("-shown"))

    async def _show_feed(self, url: str) -> None:
        """Put a refreshed feed's entries into the list (the refresh indexed them)."""
        store = self.store
        if store is None:
            return
        try:
            articles = await asyncio.to_thread(store.feed_articles, url)
        except StoreError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self._add(articles)

    def show_view(self) -> None:
        if self.store is None:
            self.notify("The feeds view needs the library database, which is not open.")
            return
        try:
            records = self.store.feeds()
        except StoreError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        configured = {feed.url for feed in self.feeds}
        note = ""
        if self.sync is not None:
            configured |= self.sync.store_urls
            note = self.sync.failing and f"Sync failing: {self.sync.failing}"
        from tui_reader.ui.screens.feeds import FeedsScreen  # loaded on use (DataTable)

        shown = [r for r in records if r.url in configured] or records
        self.app.push_screen(FeedsScreen(shown, note))


def _progress_text(done: int, total: int, new: int, failed: int) -> str:
    text = f"Feeds {done}/{total} · {new} new"
    if failed:
        text += f" · {failed} failed"
    if done < total:
        text = "Refreshing… " + text
    return text
