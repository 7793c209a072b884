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
    from tui_reader.core.feeds.schedule import Scheduler
    from tui_reader.ui.sync import SyncRunner

TICK = 10.0  # seconds between looks at the schedule: an idle reader wakes up rarely
SHOW_EVERY = 0.5  # seconds: how often a refresh's saved entries go into the list


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
        *,
        refresh_minutes: int = 0,
        retention: tuple[int | None, int | None] = (None, None),
        show_changes: Callable[[set[str], list[str]], None] | None = None,
    ) -> None:
        """``refresh_minutes``: the global schedule (0: refresh only on a key; a feed's
        own ``refresh_minutes`` still counts); ``retention``: ``keep_days`` and
        ``max_entries_per_feed``; ``show_changes(changed, removed)``: entries the server
        changed, and keys the retention removed, after each refresh."""
        self.app = app
        self.feeds = feeds
        self.limits = limits
        self._store = store
        self._add = add_articles
        self._progress = progress
        self.refreshing: set[str] = set()  # URLs being refreshed now
        self.sync: SyncRunner | None = None  # the sync account, when one is configured
        self.retention = retention
        self._show_changes = show_changes
        self.refresh_minutes = refresh_minutes
        self._scheduler: Scheduler | None = None
        self._ticking = False
        self._saved = SavedFeeds(app, store, add_articles)

    @property
    def scheduler(self) -> Scheduler:
        """Each feed's next fetch. Made on first use: its module is not for the start."""
        if self._scheduler is None:
            from tui_reader.core.feeds.schedule import Scheduler

            self._scheduler = Scheduler(self.refresh_minutes)
        return self._scheduler

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

    def refresh_feeds(
        self, feeds: list[FeedConfig], quiet: bool = False, scheduled: bool = False
    ) -> None:
        """Refresh feeds in the background; the rest of the app keeps answering keys."""
        self.app.run_worker(self._refresh_feeds(feeds, quiet, scheduled), group="feeds")

    # -- the schedule -------------------------------------------------------------------
    def start_schedule(self, delay: float) -> None:
        """Load each feed's next fetch, then look every TICK seconds for feeds due."""
        if self.feeds and not self._ticking:
            self._ticking = True
            self.app.set_timer(delay, lambda: self.app.run_worker(self._load_schedule()))

    async def _load_schedule(self) -> None:
        store = self.store
        saved = {}
        if store is not None:
            try:
                saved = await asyncio.to_thread(store.schedules)
                self._show_changed(await asyncio.to_thread(store.changed_keys), [])
            except StoreError:
                saved = {}
        self.scheduler.load(self.feeds, saved)
        self.app.set_interval(TICK, self.check_schedule)

    def check_schedule(self) -> None:
        """Refresh, quietly, the feeds whose time has come."""
        due = self.scheduler.due(self.feeds, self.refreshing)
        if due:
            self.refresh_feeds(due, quiet=True, scheduled=True)

    def seen(self, key: str) -> None:
        """An entry marked "updated" was opened: the mark goes, in the library too."""
        store = self.store
        if store is not None and store.writable:
            self.app.run_worker(lambda: store.clear_changed(key), thread=True, exit_on_error=False)

    def leave_to_server(self, server_urls: set[str]) -> None:
        """Configured feeds the sync server has too are shown once, from the server:
        their local copies leave the list (their cache stays, should sync be dropped)."""
        local = {feed.url for feed in self.feeds if feed.url in server_urls}
        if not local:
            return
        self.feeds = [feed for feed in self.feeds if feed.url not in local]
        keys = [a.key for a in self.app.library.articles if a.source in local]
        self._show_changed(set(), keys)

    def _show_changed(self, changed: set[str], removed: list[str]) -> None:
        if self._show_changes is not None and (changed or removed):
            self._show_changes(changed, removed)

    async def _after_refresh(self, store: Store, outcomes: list[FeedOutcome]) -> None:
        """Save the feeds' next slots, prune, and show what changed."""
        by_url = {feed.url: feed for feed in self.feeds}
        slots = []
        for outcome in outcomes:
            feed = by_url.get(outcome.url) or FeedConfig(outcome.url)
            slot = self.scheduler.record(feed, outcome.status == "failed", outcome.hints)
            slots.append((outcome.url, slot))

        def save() -> tuple[set[str], list[str]]:
            for url, slot in slots:
                store.save_schedule(url, slot.when, slot.reason, slot.failures)
            removed = store.prune(*self.retention) if any(self.retention) else []
            return store.changed_keys(), removed

        try:
            changed, removed = await asyncio.to_thread(save)
        except StoreError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self._show_changed(changed, removed)

    async def _refresh_feeds(self, feeds: list[FeedConfig], quiet: bool, scheduled: bool) -> None:
        """``quiet`` (used at start-up for local feed files) shows failures but no progress;
        ``scheduled`` (in the background, on the schedule) shows neither: the feeds view
        says what failed and when it is tried again."""
        if self.store is None:
            self.notify("Feeds need the library database, which could not be opened.")
            return
        if self.store.read_only is not None:  # what it holds is shown; nothing saves
            if not quiet:
                self.notify("Feeds cannot be refreshed: the library cannot be written to.")
            return
        feeds = [feed for feed in feeds if feed.url not in self.refreshing]
        if not feeds:
            if not scheduled:
                self.notify("Those feeds are being refreshed already.", timeout=3)
            return
        self.refreshing.update(feed.url for feed in feeds)
        try:
            outcomes = await self._refresh(feeds, quiet or scheduled, scheduled)
            self._saved.list_now()  # the last feeds saved: listed now, not after the timer
            store = self.store  # None if found damaged meanwhile: nothing more to save
            if store is not None:
                await self._after_refresh(store, outcomes)
        finally:
            self.refreshing.difference_update(feed.url for feed in feeds)
        if self.sync is not None and not quiet and not self.sync.running:
            self.sync.sync_now()  # after a refresh, the server's side too

    async def _refresh(
        self, feeds: list[FeedConfig], quiet: bool, silent: bool = False
    ) -> list[FeedOutcome]:
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
            if outcome.status == "failed" and not silent:
                self.notify(
                    f"{outcome.title}: {outcome.message}", severity="error", markup=False, timeout=8
                )
            progress.update(Text(_progress_text(done, total, totals["new"], totals["failed"])))
            if outcome.status == "updated" or outcome.articles:  # new entries or articles
                # Articles fetched for entries saved before are not "fresh": list the
                # whole feed then.
                self._saved.saved(outcome.url, whole=outcome.status != "updated")

        progress.update(Text(_progress_text(0, len(feeds), 0, 0)))
        outcomes = await self._in_own_loop(store, feeds, on_progress)
        progress.update(
            Text(_progress_text(len(feeds), len(feeds), totals["new"], totals["failed"]))
        )
        self.app.set_timer(4, lambda: progress.remove_class("-shown"))
        return outcomes

    async def _in_own_loop(
        self,
        store: Store,
        feeds: list[FeedConfig],
        on_progress: Callable[[int, int, FeedOutcome], None],
    ) -> list[FeedOutcome]:
        """The refresh, in a thread with an event loop of its own. On the interface's
        loop, every chunk of 200 downloads was a callback the keys queued behind
        (list keys took twice as long while R ran); now only its progress comes here."""
        from tui_reader.core.feeds.fetch import make_client  # httpx loads with the first refresh
        from tui_reader.core.feeds.refresh import refresh_all
        from tui_reader.core.markdown.text import analyse

        here = asyncio.get_running_loop()
        running: dict[str, object] = {}

        def report(done: int, total: int, outcome: FeedOutcome) -> None:
            here.call_soon_threadsafe(on_progress, done, total, outcome)

        async def refresh() -> list[FeedOutcome]:
            running["loop"], running["task"] = asyncio.get_running_loop(), asyncio.current_task()
            async with make_client(self.limits) as client:
                return await refresh_all(
                    client,
                    store,
                    feeds,
                    limits=self.limits,
                    analyse=analyse,
                    on_progress=report,
                    spare_cores=1,
                )

        try:
            return await asyncio.to_thread(asyncio.run, refresh())
        except asyncio.CancelledError:  # the reader quits: end the refresh's loop too
            loop, task = running.get("loop"), running.get("task")
            if isinstance(loop, asyncio.AbstractEventLoop) and isinstance(task, asyncio.Task):
                loop.call_soon_threadsafe(task.cancel)
            raise

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

        # The schedule as the reader keeps it; before it is loaded, as the library has it.
        slots = {url: (slot.when, slot.reason) for url, slot in self.scheduler.slots.items()}
        if not slots:
            try:
                saved = self.store.schedules()
            except StoreError:
                saved = {}
            slots = {url: (when, reason) for url, (when, reason, _f, _c) in saved.items()}
        shown = [r for r in records if r.url in configured] or records
        self.app.push_screen(FeedsScreen(shown, slots, note))


class SavedFeeds:
    """Feeds a refresh saved, their entries put into the list in batches: each step
    re-sorts the library, and a step per feed (200 of them) would take the keys' time."""

    def __init__(
        self,
        app: App[None],
        store: Callable[[], Store | None],
        add_articles: Callable[[list[Article]], None],
    ) -> None:
        self.app = app
        self._store = store
        self._add = add_articles
        self._urls: set[str] = set()  # feeds saved, their entries not yet listed
        self._whole: set[str] = set()  # ... of which all entries are to be listed
        self._waits = False  # feeds saved now wait for the SHOW_EVERY timer

    def saved(self, url: str, whole: bool = False) -> None:
        """A feed was saved: its new and changed entries (``whole``: all of them) go into
        the list with those of the other feeds saved within SHOW_EVERY, in one step."""
        self._urls.add(url)
        if whole:
            self._whole.add(url)
        if not self._waits:  # the first feed saved for a while shows at once
            self.list_now()

    def list_now(self) -> None:
        """List the feeds saved so far, and wait SHOW_EVERY before listing more."""
        self._waits = False
        if not self._urls:
            return
        urls, self._urls = sorted(self._urls), set()
        whole, self._whole = self._whole, set()
        self.app.run_worker(self._show_feeds(urls, whole), group="feed-show")
        self._waits = True
        self.app.set_timer(SHOW_EVERY, self.list_now)

    async def _show_feeds(self, urls: list[str], whole: set[str]) -> None:
        """Put refreshed feeds' new and changed entries into the list (the refresh
        indexed them)."""
        store = self._store()
        if store is None:
            return

        def load() -> list[Article]:
            return [
                article
                for url in urls
                for article in (
                    store.feed_articles(url) if url in whole else store.fresh_feed_articles(url)
                )
            ]

        try:
            articles = await asyncio.to_thread(load)
        except StoreError as exc:
            self.app.notify(str(exc), severity="error", markup=False)
            return
        if articles:
            self._add(articles)


def _progress_text(done: int, total: int, new: int, failed: int) -> str:
    text = f"Feeds {done}/{total} · {new} new"
    if failed:
        text += f" · {failed} failed"
    if done < total:
        text = "Refreshing… " + text
    return text
