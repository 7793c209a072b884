"""Outside text in the app's dialogs and messages: shown literally, never as markup.

``test_hostile_screen.py`` covers the list and the reading pane. Here: the tag picker,
the link list, the URL confirmation, the feeds view and the one-line refresh failure,
each fed markup (``[/]`` crashes a markup parser, ``[@click=...]`` runs an action) and
escape sequences, with the bytes the terminal would receive checked.
"""

from __future__ import annotations

import webbrowser
from pathlib import Path

import pytest
from pilot_wait import wait_until
from pytest_httpserver import HTTPServer
from screen_output import terminal_bytes

from tui_reader.core.article import Article
from tui_reader.core.feeds.fetch import Limits
from tui_reader.core.sources import FeedConfig
from tui_reader.core.store import Store
from tui_reader.ui.app import ReaderApp
from tui_reader.ui.screens.feeds import FeedsScreen
from tui_reader.ui.screens.pickers import ConfirmOpen, LinkPicker, TagPicker
from tui_reader.ui.widgets.article_list import ArticleList
from tui_reader.ui.widgets.document_view import DocumentView

ESC = "\x1b"
MARKUP = "[/] [@click=app.quit]quit[/] [link=file:///etc/passwd]x[/link] [bold"
PAYLOAD = f"{ESC}]0;pwned\x07{ESC}[2J\x9b6n"
URL = "https://example.org/[/]?q=[@click=app.quit]"



def assert_clean(output: str) -> None:
    for bad in ("]0;pwned", "[2J", "\x9b", "\x07", "]8;;file:"):
        assert bad not in output, f"{bad!r} reached the terminal"


def toasts(app: ReaderApp) -> list[str]:
    return [toast.render().plain for toast in app.screen.query("Toast")]


async def test_tag_picker_link_list_and_url_confirmation_show_markup_literally(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    monkeypatch.setattr(webbrowser, "open", lambda url, *a, **k: opened.append(url))
    (tmp_path / "post.md").write_text(
        "---\ntitle: Post\n"
        f'tags: ["[/]", "[@click=app.quit]", "[link=file:///etc/passwd]x", "t{PAYLOAD}"]\n'
        f"---\n\nSee [{MARKUP}]({URL}) now.\n",
        encoding="utf-8",
    )
    app = ReaderApp([str(tmp_path)])
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_until(pilot, lambda: not app.loading and app.query_one(ArticleList).articles)

        await pilot.press("t")
        await wait_until(pilot, lambda: isinstance(app.screen, TagPicker))
        await pilot.pause()
        output = terminal_bytes(app)
        assert_clean(output)
        assert "[@click=app.quit]" in output and "[link=file:///etc/passwd]x" in output
        await pilot.click("#tag-list", offset=(4, 1))  # a click on a tag only toggles it
        await pilot.press("escape")
        assert app.is_running

        await pilot.press("enter")
        view = app.query_one(DocumentView)
        await wait_until(pilot, lambda: view.document is not None and view.rendered_sections)
        await pilot.press("l")
        await wait_until(pilot, lambda: isinstance(app.screen, LinkPicker))
        await pilot.pause()
        output = terminal_bytes(app)
        assert_clean(output)
        assert "[@click=app.quit]quit[/]" in output and URL in output
        await pilot.press("enter")  # follow it: the full URL is shown first
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmOpen))
        await pilot.pause()
        output = terminal_bytes(app)
        assert URL in output
        assert_clean(output)
        await pilot.press("n")
        await pilot.pause()
        assert opened == [] and app.is_running


async def test_feeds_view_shows_hostile_titles_urls_and_errors_literally(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:9/feed?{MARKUP}"
    # A feed file found in a scanned folder is named by its path: outside text too.
    untitled = str(tmp_path / f"evil{PAYLOAD}.xml")
    store = Store(tmp_path / "library.sqlite3")
    entry = Article(key=f"feed:{url}::1", title="Entry", kind="feed", body="Body", source=url)
    store.save_feed(url, title=MARKUP, articles=[entry], etag=None, last_modified=None)
    store.record_feed_error(url, f"HTTP 500 {MARKUP} {PAYLOAD}")
    store.record_feed_error(untitled, "not a feed")
    app = ReaderApp([], store=store, feeds=[FeedConfig(url), FeedConfig(untitled)])
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_until(pilot, lambda: app.query_one(ArticleList).articles)
        await pilot.press("F")
        await wait_until(pilot, lambda: isinstance(app.screen, FeedsScreen))
        await pilot.pause()
        output = terminal_bytes(app)
        assert_clean(output)
        assert "[@click=app.quit]quit[/]" in output and "evil" in output
        await pilot.click("#feeds-table", offset=(5, 1))
        await pilot.press("escape")
        assert app.is_running
    store.close()


RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Good</title>
<item><title>Fresh entry</title><guid>fresh-1</guid><description>New.</description></item>
</channel></rss>"""


async def test_a_failing_feed_is_one_line_naming_it_and_the_others_still_update(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/good").respond_with_data(RSS, content_type="application/rss+xml")
    httpserver.expect_request("/bad").respond_with_data("gone", status=404)
    good, bad = httpserver.url_for("/good"), httpserver.url_for("/bad")
    store = Store(tmp_path / "library.sqlite3")
    cached = Article(
        key=f"feed:{bad}::1", title="Cached entry", kind="feed", body="Old.", source=bad
    )
    store.save_feed(bad, title="Bad Feed", articles=[cached], etag=None, last_modified=None)
    feeds = [FeedConfig(bad, title=f"Bad {MARKUP}"), FeedConfig(good, title="Good Feed")]
    app = ReaderApp([], store=store, feeds=feeds, limits=Limits(read_timeout=5, deadline=10))
    async with app.run_test(size=(140, 40), notifications=True) as pilot:
        titles = lambda: {a.title for a in app.query_one(ArticleList).articles}  # noqa: E731
        await wait_until(pilot, lambda: {"Cached entry", "Fresh entry"} <= titles())
        await pilot.press("R")
        await wait_until(pilot, lambda: any("HTTP 404" in t for t in toasts(app)))
        await wait_until(pilot, lambda: not app.refreshing)
        failure = next(t for t in toasts(app) if "HTTP 404" in t)
        assert failure == f"Bad {MARKUP}: HTTP 404 Not Found"
        assert {"Cached entry", "Fresh entry"} <= titles()
        assert_clean(terminal_bytes(app))
    store.close()


async def test_a_link_full_of_shell_syntax_reaches_the_browser_as_one_argument(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple] = []
    monkeypatch.setattr(webbrowser, "open", lambda *a, **k: calls.append(a))
    href = "https://example.org/a;$(touch%20pwned)`id`|sh&x=1"
    (tmp_path / "post.md").write_text(f"# Post\n\n[harmless looking]({href})\n")
    app = ReaderApp([str(tmp_path)])
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_until(pilot, lambda: not app.loading and app.query_one(ArticleList).articles)
        await pilot.press("enter")
        view = app.query_one(DocumentView)
        await wait_until(pilot, lambda: view.document is not None and view.rendered_sections)
        app.main.follow(href)
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmOpen))
        await pilot.pause()
        assert href in terminal_bytes(app)  # the whole URL, before anything opens
        await pilot.press("y")
        await wait_until(pilot, lambda: bool(calls))
    assert calls == [(href,)]  # one argument to webbrowser.open: no shell, no splitting
    assert not (tmp_path / "pwned").exists()
