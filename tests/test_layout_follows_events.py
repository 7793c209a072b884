"""The screen the user ends up with depends on what happened, not on the order it came in.

Two faults of issue 19: a resize laid the panes out for the size before it (the app read
its old size while handling the event that carried the new one), and a later start could
open with the list scrolled to the middle, depending on which scan batch arrived first.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import LoadingIndicator

from tests.pilot_wait import settle, wait_until
from tui_reader.core.article import Article
from tui_reader.core.local.events import AllListed, Found, ScanDone
from tui_reader.ui.app import ReaderApp
from tui_reader.ui.widgets.article_list import ArticleList

WIDE = (160, 48)
NARROW = (80, 24)


def shown(app: ReaderApp, selector: str) -> bool:
    widget = app.query_one(selector)
    return bool(widget.display) and widget.region.width > 0 and widget.region.height > 0


def article_list(app: ReaderApp) -> ArticleList:
    return app.query_one("#articles", ArticleList)


def first_row_on_screen(app: ReaderApp) -> str:
    return article_list(app).render_line(0).text


async def open_first_article(app: ReaderApp, pilot: Pilot) -> None:
    await pilot.press("enter")
    await settle(app, pilot)
    await wait_until(pilot, lambda: shown(app, "#reader-pane"))


def assert_reading_layout(app: ReaderApp, width: int) -> None:
    """Narrow: the article alone, the whole width. Wide: the list and the article."""
    reader = app.query_one("#reader-pane")
    if width < 100:
        assert not shown(app, "#list-pane")
        assert shown(app, "#reader-pane")
        assert reader.region.width == width
    else:
        assert shown(app, "#list-pane")
        assert shown(app, "#reader-pane")
        assert reader.region.width < width - 40


# --- the layout follows the terminal's new size ----------------------------------------


async def test_one_resize_to_narrow_shows_the_article_alone(sample_content: Path) -> None:
    app = ReaderApp([str(sample_content)])
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        await open_first_article(app, pilot)
        assert_reading_layout(app, WIDE[0])
        await pilot.resize_terminal(*NARROW)
        await settle(app, pilot)
        assert_reading_layout(app, NARROW[0])
        await pilot.resize_terminal(*WIDE)
        await settle(app, pilot)
        assert_reading_layout(app, WIDE[0])


@pytest.mark.parametrize("last", [NARROW, WIDE], ids=["ends-narrow", "ends-wide"])
async def test_a_storm_of_resizes_leaves_the_layout_of_the_last_size(
    sample_content: Path, last: tuple[int, int]
) -> None:
    other = WIDE if last == NARROW else NARROW
    app = ReaderApp([str(sample_content)])
    async with app.run_test(size=other) as pilot:
        await settle(app, pilot)
        await open_first_article(app, pilot)
        for width, height in [last if n % 2 else other for n in range(20)]:
            await pilot.resize_terminal(width, height)
        await settle(app, pilot)
        assert app.size == last
        assert_reading_layout(app, last[0])


# --- a start opens at the top of the list, whatever the order of the batches -----------


def _posts(root: Path, count: int) -> list[Article]:
    """``count`` posts, one a day, the newest last."""
    start = datetime(2020, 1, 1, tzinfo=UTC)
    return [
        Article(
            key=f"local:{root}::post-{n:04}.md",
            title=f"Post number {n:04}",
            date=start + timedelta(days=n),
            words=300,
            source=str(root),
            location=str(root / f"post-{n:04}.md"),
        )
        for n in range(count)
    ]


def _batches(articles: list[Article], count: int) -> list[list[Article]]:
    size = len(articles) // count
    return [articles[i * size : (i + 1) * size] for i in range(count)]


class PlayedScan:
    """A scan process that plays back given batches (what a later start's snapshot sends)."""

    def __init__(self, batches: list[list[Article]]) -> None:
        self.batches = batches

    def events(self) -> Iterator[Found | AllListed | ScanDone]:
        for batch in self.batches:
            yield Found(list(batch), [])
        yield AllListed()
        yield ScanDone([])

    def stop(self) -> None:
        pass


NEWEST = "Post number 0899"
ORDERS = list(itertools.permutations(range(3)))


@pytest.mark.parametrize("order", ORDERS, ids=["-".join(map(str, o)) for o in ORDERS])
async def test_a_start_shows_the_newest_first_whatever_order_the_batches_come_in(
    tmp_path: Path, order: tuple[int, ...]
) -> None:
    batches = _batches(_posts(tmp_path, 900), 3)
    scan = PlayedScan([batches[n] for n in order])
    app = ReaderApp([str(tmp_path)], scan=scan)  # type: ignore[arg-type]
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        listed = article_list(app)
        assert len(listed.articles) == 900
        assert listed.cursor == 0
        assert listed.current is not None and listed.current.title == NEWEST
        assert NEWEST in first_row_on_screen(app)


@pytest.mark.parametrize(
    "order", list(itertools.permutations(range(4))), ids=lambda o: "-".join(map(str, o))
)
async def test_articles_added_later_in_any_order_leave_the_newest_on_top(
    tmp_path: Path, order: tuple[int, ...]
) -> None:
    # Feeds read from the cache, or refreshed, add their entries after the start: an
    # untouched list still shows its first rows.
    batches = _batches(_posts(tmp_path, 800), 4)
    app = ReaderApp()
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        for number in order:
            app.add_articles(batches[number])
        await wait_until(pilot, lambda: len(article_list(app).articles) == 800)
        await pilot.pause()
        assert article_list(app).cursor == 0
        assert "Post number 0799" in first_row_on_screen(app)


@pytest.mark.parametrize("user", ["opened-an-article", "moved-the-cursor"])
async def test_the_users_article_keeps_its_row_in_view_as_batches_come(
    tmp_path: Path, user: str
) -> None:
    batches = _batches(_posts(tmp_path, 800), 4)
    app = ReaderApp()
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        app.add_articles(batches[0])
        await wait_until(pilot, lambda: len(article_list(app).articles) == 200)
        listed = article_list(app)
        if user == "opened-an-article":
            kept = app.library.articles[0]  # the oldest: not the row under the cursor
            app.main.open_article(kept)
        else:
            await pilot.press("j", "j")
            assert listed.current is not None
            kept = listed.current
        for batch in batches[1:]:
            app.add_articles(batch)
        await wait_until(pilot, lambda: len(listed.articles) == 800)
        await pilot.pause()
        assert listed.current is not None and listed.current.key == kept.key
        visible = [listed.render_line(y).text for y in range(listed.size.height)]
        assert any(kept.title in row for row in visible)


async def test_a_resize_behind_a_dialog_lays_out_the_screen_beneath(sample_content: Path) -> None:
    # The help screen is open while the terminal shrinks: once it closes, the reader
    # must show the narrow layout, not the one from before the dialog.
    app = ReaderApp([str(sample_content)])
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        await open_first_article(app, pilot)
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "HelpScreen")
        await pilot.resize_terminal(*NARROW)
        await settle(app, pilot)
        await pilot.press("escape")
        await wait_until(pilot, lambda: type(app.screen).__name__ != "HelpScreen")
        await settle(app, pilot)
        assert_reading_layout(app, NARROW[0])


class HeldScan(PlayedScan):
    """Sends its first batch, then waits (a first start still listing files)."""

    def __init__(self, batches: list[list[Article]]) -> None:
        super().__init__(batches)
        self.go_on = threading.Event()

    def events(self) -> Iterator[Found | AllListed | ScanDone]:
        first, *rest = self.batches
        yield Found(list(first), [])
        self.go_on.wait(timeout=30)
        for batch in rest:
            yield Found(list(batch), [])
        yield AllListed()
        yield ScanDone([])


async def test_the_articles_listed_so_far_are_shown_while_the_scan_goes_on(
    tmp_path: Path,
) -> None:
    # A first start on a big folder shows the first files as soon as they are read. A
    # pane attribute named ``loading`` once switched on Textual's own loading indicator,
    # which covered the whole list until the scan had listed every file.
    batches = _batches(_posts(tmp_path, 900), 3)
    scan = HeldScan(batches)
    app = ReaderApp([str(tmp_path)], scan=scan)  # type: ignore[arg-type]
    async with app.run_test(size=WIDE) as pilot:
        try:
            await wait_until(pilot, lambda: len(article_list(app).articles) == 300)
            await pilot.pause()
            assert app.loading  # the scan is still listing
            assert not app.screen.query(LoadingIndicator)
            assert "loading" in str(app.screen.query_one("#filter-bar").render())
            assert "Post number" in first_row_on_screen(app)
        finally:
            scan.go_on.set()
        await settle(app, pilot)
        assert len(article_list(app).articles) == 900
