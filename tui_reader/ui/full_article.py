"""``f``: fetch (or fetch again) a feed entry's full article, in the background.

The page is fetched on the app's loop (httpx, with the feed fetch's limits) and
extracted in a thread, so keys keep working; the line under the panes says what is being
fetched. The article is kept in the library with its entry, the list row and, when it is
open, the reading pane show it; a failure is one message, and the entry keeps its text.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from rich.text import Text

from tui_reader.core.article import Article
from tui_reader.core.sanitize import CleanError, clean_line
from tui_reader.ui.feeds import FeedsService


class FullArticles:
    """Fetches entries' articles for the screen; ``shown(article)`` gets each one fetched."""

    def __init__(self, feeds: FeedsService, shown: Callable[[Article], None]) -> None:
        self.feeds = feeds
        self.shown = shown
        self.fetching: set[str] = set()  # keys of the entries being fetched now

    def fetch(self, article: Article | None) -> None:
        feeds = self.feeds
        if article is None:
            feeds.notify("No article to fetch: the list is empty and none is open.")
            return
        if article.kind != "feed":
            feeds.notify("f fetches the full article of a feed entry; this is a local post.")
            return
        if not article.link.lower().startswith(("http://", "https://")):
            feeds.notify("This entry has no web link to fetch its article from.")
            return
        store = feeds.store
        if store is None or store.read_only is not None:
            feeds.notify("Full articles are kept in the library, which cannot be written to.")
            return
        if article.key in self.fetching:
            feeds.notify("That article is being fetched already.", timeout=3)
            return
        self.fetching.add(article.key)
        feeds.app.run_worker(self._fetch(article), group="full-article")

    async def _fetch(self, article: Article) -> None:
        from tui_reader.core.feeds.fetch import make_client  # httpx loads with the first fetch
        from tui_reader.core.fulltext.entries import fetch_full_text

        feeds = self.feeds
        store = feeds.store
        progress = feeds.progress()
        title = clean_line(article.title, 60)
        progress.update(Text(f"Fetching the full article of “{title}”…"))
        progress.add_class("-shown")
        try:
            async with make_client(feeds.limits) as client:
                measured = await fetch_full_text(
                    client, store, article.key, article.link, feeds.limits
                )
            articles = await asyncio.to_thread(store.feed_articles, article.source)
        except CleanError as exc:
            progress.update(Text(f"Full article of “{title}”: failed"))
            feeds.notify(
                f"Full article of “{title}”: {exc.message}. The feed's text stays.",
                severity="error",
                markup=False,
                timeout=8,
            )
            return
        except Exception as exc:  # noqa: BLE001 - StoreError: said, and the entry stays
            feeds.notify(str(exc), severity="error", markup=False, timeout=8)
            return
        finally:
            self.fetching.discard(article.key)
            feeds.app.set_timer(4, lambda: progress.remove_class("-shown"))
        fetched = next((a for a in articles if a.key == article.key), None)
        if fetched is None:
            return
        words = measured.words
        progress.update(Text(f"Full article of “{title}”: {words:,} words"))
        feeds.add(articles)
        self.shown(fetched)
