"""Scheduled refresh in the app: a real server on 127.0.0.1, a real library, and the
schedule's clock in the test's hand, so "a minute later" takes no minute."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from feed_samples import rss_with_items
from pilot_wait import settle, wait_until
from pytest_httpserver import HTTPServer

from tui_reader.core.sources import FeedConfig
from tui_reader.core.store import Store
from tui_reader.ui.app import ReaderApp
from tui_reader.ui.title import title_for


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


def item(number: int, body: str = "") -> str:
    return (
        f"<title>Item {number}</title><guid>item-{number}</guid>"
        f"<pubDate>Mon, 0{number} Jun 2026 10:00:00 GMT</pubDate>"
        f"<description>{body or f'Body {number}'}</description>"
    )


def titles(app: ReaderApp) -> list[str]:
    return [article.title for article in app.main.list.articles.articles]


async def test_a_due_feed_refreshes_itself_and_the_cursor_stays(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    feed = httpserver.url_for("/feed")
    httpserver.expect_ordered_request("/feed").respond_with_data(
        rss_with_items(item(1), item(2)), content_type="application/rss+xml"
    )
    # The second fetch: a new entry, and item 1 corrected on the server.
    httpserver.expect_ordered_request("/feed").respond_with_data(
        rss_with_items(item(1, "Corrected body"), item(2), item(3)),
        content_type="application/rss+xml",
        headers={"Cache-Control": "max-age=7200"},
    )
    store = Store(tmp_path / "library.sqlite3")
    app = ReaderApp(feeds=[FeedConfig(feed, refresh_minutes=1, full_text="false")], store=store, refresh_minutes=60)
    clock = Clock()
    app.feeds_service.scheduler.clock = clock
    app.feeds_service.scheduler.rand = lambda: 0.0
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_until(pilot, lambda: len(titles(app)) == 2, tries=3000)
        await settle(app, pilot)
        await wait_until(pilot, lambda: app.feeds_service.scheduler.slots, tries=3000)
        await pilot.press("j")  # the user's cursor on "Item 1" (newest first: 2, 1)
        assert app.main.list.articles.current.title == "Item 1"
        key = app.main.list.articles.current.key
        app.state.set_read(key, True)
        app.feeds_service.check_schedule()  # nothing is due yet: no request
        await settle(app, pilot)
        assert len(httpserver.log) == 1
        clock.now += timedelta(minutes=2)
        app.feeds_service.check_schedule()
        await wait_until(pilot, lambda: "Item 3" in titles(app), tries=3000)
        await wait_until(pilot, lambda: key in app.main.list.changed, tries=3000)
        assert app.main.list.articles.current.title == "Item 1"  # the cursor stayed
        assert app.state.is_read(key)  # updated in place, reading state kept
        await wait_until(pilot, lambda: app.live.title.text == title_for(2), tries=3000)
        slot = app.feeds_service.scheduler.slots[feed]
        assert slot.reason == "Cache-Control max-age asks 2 h"
        assert slot.when == clock.now + timedelta(hours=2)
        # The feeds view says when it is tried next and why.
        await pilot.press("F")
        await wait_until(pilot, lambda: app.screen.__class__.__name__ == "FeedsScreen")
        table = app.screen.query_one("#feeds-table")
        row = [str(cell) for cell in table.get_row_at(0)]
        assert "Cache-Control max-age asks 2 h" in row
        await pilot.press("escape")
    store.close()


async def test_failing_feeds_are_refreshed_without_toasts_and_back_off(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    httpserver.expect_request("/feed").respond_with_data("gone", status=500)
    feed = httpserver.url_for("/feed")
    store = Store(tmp_path / "library.sqlite3")
    app = ReaderApp(feeds=[FeedConfig(feed, full_text="false")], store=store, refresh_minutes=5)
    clock = Clock()
    app.feeds_service.scheduler.clock = clock
    app.feeds_service.scheduler.rand = lambda: 0.0
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)  # the first fetch (never fetched: at once) fails
        slots = app.feeds_service.scheduler.slots
        await wait_until(pilot, lambda: feed in slots and slots[feed].failures == 1, tries=3000)
        shown = len(app._notifications)  # noqa: SLF001
        for failures in (2, 3):
            clock.now = app.feeds_service.scheduler.slots[feed].when + timedelta(seconds=1)
            app.feeds_service.check_schedule()
            await wait_until(pilot, lambda f=failures: slots[feed].failures == f)
        slot = app.feeds_service.scheduler.slots[feed]
        assert slot.when == clock.now + timedelta(minutes=5 * 2**3)
        assert "failed 3× in a row" in slot.reason
        assert len(app._notifications) == shown  # noqa: SLF001 - scheduled: no toast
        assert store.schedules()[feed][2] == 3
    store.close()
