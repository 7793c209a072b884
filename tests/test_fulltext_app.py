"""The ``f`` key and the marks of summary-only entries, through the real app with a real
SQLite file and a real server on 127.0.0.1."""

from __future__ import annotations

import threading
from pathlib import Path

from feed_samples import rss_with_items
from pilot_wait import wait_until
from pytest_httpserver import HTTPServer
from test_app import plain, widget_text
from werkzeug.wrappers import Request, Response

from tui_reader.core.limits import Limits
from tui_reader.core.sources import FeedConfig
from tui_reader.core.store import Store
from tui_reader.ui.app import ReaderApp
from tui_reader.ui.widgets.article_list import ArticleList
from tui_reader.ui.widgets.document_view import DocumentView

PAGES = Path(__file__).parent / "pages"


def header(app: ReaderApp) -> str:
    return plain(app.query_one("#article-header").content)


def toasts(app: ReaderApp) -> list[str]:
    return [plain(toast.render()) for toast in app.screen.query("Toast")]


async def test_f_fetches_the_full_article_while_keys_keep_working(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    release = threading.Event()

    def slow_page(request: Request) -> Response:
        release.wait(20)  # held until the test has pressed keys meanwhile
        return Response((PAGES / "blog-post.html").read_bytes(), content_type="text/html")

    httpserver.expect_request("/post").respond_with_handler(slow_page)
    httpserver.expect_request("/gone").respond_with_data("gone", status=404)
    items = "</item><item>".join(
        f"<title>{title}</title><link>{httpserver.url_for(path)}</link><guid>{path}</guid>"
        f"<pubDate>Tue, 0{day} Jan 2025 10:00:00 GMT</pubDate>"
        "<description>A teaser of the post…</description>"
        for title, path, day in [("Notebook", "/post", 2), ("Vanished", "/gone", 1)]
    )
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss_with_items(items), content_type="application/rss+xml"
    )
    url = httpserver.url_for("/feed.xml")
    store = Store(tmp_path / "library.sqlite3")
    # full_text = false: no article is fetched by the refresh, only by f.
    feed = FeedConfig(url, "Workshop", full_text="false")
    app = ReaderApp([], store=store, feeds=[feed], limits=Limits(read_timeout=5, deadline=20))
    async with app.run_test(size=(140, 40), notifications=True) as pilot:
        rows = app.query_one(ArticleList)
        await wait_until(pilot, lambda: len(rows.articles) == 2)
        await pilot.pause()
        lines = widget_text(rows).splitlines()
        assert all(line.rstrip().endswith("summary") for line in lines if "Notebook" in line)
        rows.cursor = next(i for i, a in enumerate(rows.articles) if a.title == "Notebook")
        rows.focus()
        await pilot.press("enter")
        view = app.query_one(DocumentView)
        await wait_until(pilot, lambda: "feed summary" in header(app))

        await pilot.press("f")
        status = app.query_one("#refresh-status")
        await wait_until(pilot, lambda: "Fetching the full article" in plain(status.content))
        # The page is not there yet; the list still answers.
        rows.focus()
        cursor = rows.cursor
        await pilot.press("j" if cursor == 0 else "k")
        assert rows.cursor != cursor
        await pilot.press("k" if cursor == 0 else "j")
        assert rows.cursor == cursor
        assert "feed summary" in header(app)
        await pilot.press("f")  # the same entry again: said, not fetched twice
        release.set()

        await wait_until(pilot, lambda: "full article" in header(app), tries=1500)
        assert "full article" in header(app) and "feed summary" not in header(app)
        await wait_until(pilot, lambda: view.document is not None)
        assert "What goes in it" in widget_text(view) or any(
            text == "What goes in it" for _, text, _ in app.main.article.headings
        )
        notebook = next(a for a in rows.articles if a.title == "Notebook")
        assert notebook.text_from == "full" and notebook.words > 150
        assert "1 min" in next(
            line for line in widget_text(rows).splitlines() if "Notebook" in line
        )
        assert any("being fetched already" in toast for toast in toasts(app))
        assert [r.path for r, _ in httpserver.log].count("/post") == 1

        # A page that fails: one message, and the entry keeps its feed text.
        rows.cursor = next(i for i, a in enumerate(rows.articles) if a.title == "Vanished")
        rows.focus()
        await pilot.press("f")
        await wait_until(pilot, lambda: any("HTTP 404" in t for t in toasts(app)), tries=1500)
        message = next(t for t in toasts(app) if "HTTP 404" in t)
        assert "Vanished" in message and "The feed's text stays" in message
        vanished = next(a for a in store.feed_articles(url) if a.title == "Vanished")
        assert (vanished.text_from, vanished.body) == ("summary", "A teaser of the post…")
    store.close()


def site_with_feeds(server: HTTPServer, names: list[str]) -> str:
    links = "".join(
        f'<link rel="alternate" type="application/rss+xml" title="{name}" href="/{name}.xml">'
        for name in names
    )
    for name in names:
        item = (
            f"<title>{name} first post</title><guid>{name}-1</guid><description>Hi.</description>"
        )
        server.expect_request(f"/{name}.xml").respond_with_data(
            rss_with_items(item, title=name), content_type="application/rss+xml"
        )
    page = f"<html><head><title>Site</title>{links}</head><body><p>Welcome</p></body></html>"
    server.expect_request("/").respond_with_data(page, content_type="text/html")
    return server.url_for("/")


async def test_a_site_address_with_one_feed_shows_that_feed(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    site = site_with_feeds(httpserver, ["Journal"])
    store = Store(tmp_path / "library.sqlite3")
    app = ReaderApp([], store=store, feeds=[FeedConfig(site)])
    async with app.run_test(size=(140, 40), notifications=True) as pilot:
        rows = app.query_one(ArticleList)
        await wait_until(pilot, lambda: [a.title for a in rows.articles] == ["Journal first post"])
        assert any("Found the feed Journal" in toast for toast in toasts(app))
        assert [f.url for f in app.feeds_service.feeds] == [httpserver.url_for("/Journal.xml")]
    store.close()


async def test_a_site_address_with_three_feeds_lets_the_user_choose(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    from tui_reader.ui.screens.pickers import LinkPicker

    site = site_with_feeds(httpserver, ["Posts", "Comments", "Links"])
    store = Store(tmp_path / "library.sqlite3")
    app = ReaderApp([], store=store, feeds=[FeedConfig(site)])
    async with app.run_test(size=(140, 40), notifications=True) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, LinkPicker))
        assert "names 3 feeds" in plain(app.screen.query_one("#picker-title").render())
        await pilot.press("down", "enter")
        rows = app.query_one(ArticleList)
        await wait_until(pilot, lambda: [a.title for a in rows.articles] == ["Comments first post"])
        asked = {r.path for r, _ in httpserver.log}
        assert "/Comments.xml" in asked and "/Posts.xml" not in asked
    store.close()
