"""A site's address given as a feed: the feeds its page names are found, and used.

When a feed URL never fetched turns out to be a web page ("not a feed"), the page's
``<link rel="alternate">`` feeds (else the common paths) are looked for in the
background. One feed is used at once; several are offered in a picker, and the one
chosen is used. The address keeps its place among the feeds, as the feed found.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any, Protocol

from tui_reader.core.limits import Limits
from tui_reader.core.sanitize import CleanError, clean_line
from tui_reader.core.sources import FeedConfig

if TYPE_CHECKING:
    from tui_reader.core.feeds.refresh import FeedOutcome
    from tui_reader.core.fulltext.discover import FoundFeed


class FeedsService(Protocol):
    """What discovery needs of :class:`tui_reader.ui.feeds.FeedsService` (named so, not
    imported: that module imports this one)."""

    app: Any
    feeds: list[FeedConfig]
    limits: Limits

    def notify(self, message: str, **options: object) -> None: ...

    def refresh_feeds(self, feeds: list[FeedConfig], quiet: bool = False) -> None: ...


def wants_discovery(outcome: FeedOutcome) -> bool:
    """A failed refresh of an http(s) address never fetched, which was not a feed."""
    return (
        outcome.status == "failed"
        and outcome.total == 0
        and outcome.message.startswith("not a feed")
        and outcome.url.lower().startswith(("http://", "https://"))
    )


def start(service: FeedsService, url: str) -> None:
    """Look for the feeds of ``url`` in the background."""
    service.app.run_worker(_discover(service, url), group="feed-discovery")


async def _discover(service: FeedsService, url: str) -> None:
    from tui_reader.core.feeds.fetch import make_client
    from tui_reader.core.fulltext.discover import discover

    try:
        async with make_client(service.limits) as client:
            found = await discover(client, url, service.limits)
    except CleanError as exc:
        shown = clean_line(url)
        message = exc.message if exc.message.startswith(shown) else f"{shown}: {exc.message}"
        service.notify(message, severity="error", markup=False, timeout=8)
        return
    found = [feed for feed in found if feed.url != url]
    if not found:
        service.notify(f"{clean_line(url)}: not a feed", severity="error", markup=False)
    elif len(found) == 1:
        _use(service, url, found[0])
    else:
        _choose(service, url, found)


def _choose(service: FeedsService, url: str, found: list[FoundFeed]) -> None:
    from tui_reader.ui.screens.pickers import LinkPicker

    def chosen(feed_url: str | None) -> None:
        feed = next((f for f in found if f.url == feed_url), None)
        if feed is None:
            service.notify("No feed chosen; the address was left out.", timeout=4)
        else:
            _use(service, url, feed)

    title = f"{clean_line(url, 60)} names {len(found)} feeds: Enter chooses one, Esc closes"
    links = [(f"{feed.title or feed.url} ({feed.kind})", feed.url) for feed in found]
    service.app.push_screen(LinkPicker(links, title), chosen)


def _use(service: FeedsService, url: str, found: FoundFeed) -> None:
    """Put the feed found in the address's place, and fetch it."""
    old = next((f for f in service.feeds if f.url == url), FeedConfig(url))
    feed = replace(old, url=found.url, title=old.title or found.title)
    service.feeds[:] = [feed if f.url == url else f for f in service.feeds]
    if feed not in service.feeds:
        service.feeds.append(feed)
    service.notify(f"Found the feed {found.label()}", timeout=5, markup=False)
    service.refresh_feeds([feed])
