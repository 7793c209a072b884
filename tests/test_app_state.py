"""Reading state and feeds through the real app: a real SQLite file and a real HTTP server.

Resume, stars, the unread filter and link history are checked across app restarts on the
same database file; the refresh test shows the list and the reading pane answering keys
while a slow server on 127.0.0.1 is still sending a feed.
"""

from __future__ import annotations

import time
from pathlib import Path

from pilot_wait import wait_until
from pytest_httpserver import HTTPServer
from werkzeug.wrappers import Request, Response

from tui_reader.core.feeds.fetch import Limits
from tui_reader.core.sources import FeedConfig
from tui_reader.core.store import Store
from tui_reader.ui.app import ReaderApp
from tui_reader.ui.widgets.article_list import ArticleList
from tui_reader.ui.widgets.document_view import DocumentView


def make_app(sources: list[str], db: Path, **kwargs) -> tuple[ReaderApp, Store]:
    store = Store(db)
    return ReaderApp(sources, store=store, **kwargs), store


async def loaded(app: ReaderApp, pilot) -> None:
    """Wait for the scan and the feed files of the source folder."""
    await wait_until(pilot, lambda: not app.loading and not app.refreshing)
    await app.workers.wait_for_complete()
    await pilot.pause()


async def open_row(app: ReaderApp, pilot, title_part: str) -> None:
    articles = app.query_one(ArticleList)
    await loaded(app, pilot)
    index = next(i for i, a in enumerate(articles.articles) if title_part in a.title)
    articles.cursor = index
    articles.focus()
    await pilot.press("enter")
    view = app.query_one(DocumentView)
    await wait_until(
        pilot, lambda: view.document is not None and app.main.article.title.count(title_part)
    )


async def test_reopening_an_article_resumes_where_reading_stopped(
    sample_content: Path, tmp_path: Path
) -> None:
    db = tmp_path / "library.sqlite3"
    app, store = make_app([str(sample_content)], db)
    async with app.run_test(size=(140, 40)) as pilot:
        await open_row(app, pilot, "Field Guide")
        view = app.query_one(DocumentView)
        for _ in range(6):
            await pilot.press("space")
        await pilot.pause()
        left_at = view.fraction
        assert left_at > 0.1
    store.close()

    app, store = make_app([str(sample_content)], db)
    async with app.run_test(size=(140, 40), notifications=True) as pilot:
        await open_row(app, pilot, "Field Guide")
        view = app.query_one(DocumentView)
        await wait_until(pilot, lambda: view.fraction > 0.05)
        assert abs(view.fraction - left_at) < 0.02
        status = str(app.query_one("#reader-status").render())
        # The status line counts through the scrollable range, which ends before the text.
        assert f"{int(view.progress * 100)}%" in status
        assert view.progress >= view.fraction
    store.close()


async def test_star_survives_a_restart_and_the_starred_filter_keeps_only_it(
    sample_content: Path, tmp_path: Path
) -> None:
    db = tmp_path / "library.sqlite3"
    app, store = make_app([str(sample_content)], db)
    async with app.run_test(size=(140, 40)) as pilot:
        articles = app.query_one(ArticleList)
        await loaded(app, pilot)
        articles.focus()
        await pilot.press("j", "j", "s")
        starred_key = articles.current.key
    store.close()

    app, store = make_app([str(sample_content)], db)
    async with app.run_test(size=(140, 40)) as pilot:
        articles = app.query_one(ArticleList)
        await loaded(app, pilot)
        articles.focus()
        await pilot.press("asterisk")
        assert [a.key for a in articles.articles] == [starred_key]
        assert "starred" in str(app.query_one("#filter-bar").render())
        await pilot.press("asterisk")
        assert len(articles.articles) > 3
    store.close()


async def test_unread_filter_hides_articles_marked_read(
    sample_content: Path, tmp_path: Path
) -> None:
    app, store = make_app([str(sample_content)], tmp_path / "library.sqlite3")
    async with app.run_test(size=(140, 40)) as pilot:
        articles = app.query_one(ArticleList)
        await loaded(app, pilot)
        total = len(articles.articles)
        articles.focus()
        read_key = articles.current.key
        await pilot.press("m")  # mark the first row read
        await pilot.press("u")
        keys = [a.key for a in articles.articles]
        assert read_key not in keys
        assert len(keys) == total - 1
        await pilot.press("u")
        assert len(articles.articles) == total
    store.close()


async def test_following_a_link_keeps_a_history_for_back_and_forward(
    sample_content: Path, tmp_path: Path
) -> None:
    app, store = make_app([str(sample_content)], tmp_path / "library.sqlite3")
    async with app.run_test(size=(140, 40)) as pilot:
        await open_row(app, pilot, "Profiling a Terminal UI")
        first = app.main.article.key
        links = [
            h
            for _, h in app.query_one(DocumentView).all_links()
            if h.endswith(".md") or ".md#" in h
        ]
        assert links, "the sample article links to another article"
        app.main.follow(links[0])
        await wait_until(pilot, lambda: app.main.article.key != first)
        second = app.main.article.key
        await pilot.press("alt+left")
        await wait_until(pilot, lambda: app.main.article.key == first)
        await pilot.press("alt+right")
        await wait_until(pilot, lambda: app.main.article.key == second)
    store.close()


RSS = """<?xml version="1.0"?><rss version="2.0"><channel><title>Slow Feed</title>
<link>http://127.0.0.1/</link><description>d</description>
<item><title>Arrived late</title><link>http://127.0.0.1/late</link><guid>late-1</guid>
<description>&lt;p&gt;Worth the wait.&lt;/p&gt;</description></item>
</channel></rss>"""


async def test_refresh_all_with_a_slow_server_keeps_the_list_and_reader_answering(
    sample_content: Path, tmp_path: Path, httpserver: HTTPServer
) -> None:
    def slow(request: Request) -> Response:
        time.sleep(2.5)
        return Response(RSS, content_type="application/rss+xml")

    httpserver.expect_request("/slow.xml").respond_with_handler(slow)
    url = httpserver.url_for("/slow.xml")
    guide = str(sample_content / "guides" / "field-guide.md")
    app, store = make_app(
        [guide],
        tmp_path / "library.sqlite3",
        feeds=[FeedConfig(url, "Slow Feed")],
        limits=Limits(deadline=20, read_timeout=10),
    )
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_until(pilot, lambda: url not in app.refreshing and store.get_feed(url))
        await open_row(app, pilot, "Field Guide")
        view = app.query_one(DocumentView)
        await pilot.press("R")
        await wait_until(pilot, lambda: url in app.refreshing)
        # While the server sleeps, the reading pane scrolls and the list moves.
        before = view.scroll_y
        await pilot.press("space")
        await pilot.pause()
        assert view.scroll_y > before
        assert url in app.refreshing
        articles = app.query_one(ArticleList)
        articles.focus()
        cursor = articles.cursor
        await pilot.press("j" if cursor == 0 else "k")
        assert articles.cursor != cursor
        assert url in app.refreshing
        await wait_until(pilot, lambda: url not in app.refreshing, tries=600)
        status = str(app.query_one("#refresh-status").render())
        assert "1/1" in status
        assert any(a.title == "Arrived late" for a in app.library.articles)
    store.close()
