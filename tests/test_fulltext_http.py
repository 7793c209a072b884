"""Full articles and feed discovery against a real server on 127.0.0.1: a refresh with
``full_text = "auto"`` fetches the article of summary-only entries and the entry's words,
search row and text follow; discovery finds one, three or no feeds; hostile pages end
with a message and keep the entry's feed text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from feed_samples import rss_with_items
from pytest_httpserver import HTTPServer
from test_feeds_http import RawServer, raw_server, trickle_body  # noqa: F401 (a fixture)
from werkzeug import Request, Response

from tui_reader.core.feeds.fetch import make_client
from tui_reader.core.feeds.refresh import refresh_all
from tui_reader.core.fulltext.discover import DiscoveryError, FoundFeed, discover
from tui_reader.core.fulltext.entries import fetch_full_text
from tui_reader.core.fulltext.extract import ExtractError
from tui_reader.core.limits import FetchError, Limits
from tui_reader.core.markdown.text import analyse
from tui_reader.core.sources import FeedConfig
from tui_reader.core.store import Store

PAGES = Path(__file__).parent / "pages"
FAST = Limits(read_timeout=1.0, deadline=2.0)
HTML = "text/html; charset=utf-8"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "library.sqlite3") as s:
        yield s


def summary_feed(server: HTTPServer, *paths: str) -> bytes:
    items = "".join(
        f"<title>Post {path}</title><link>{server.url_for(path)}</link><guid>{path}</guid>"
        "<description>A short teaser of the post, and then…</description></item><item>"
        for path in paths
    )
    return rss_with_items(items.removesuffix("</item><item>"))


async def refreshed(store: Store, *feeds: FeedConfig, limits: Limits = FAST):
    async with make_client(limits) as client:
        return await refresh_all(client, store, list(feeds), limits=limits, analyse=analyse)


async def test_auto_fetches_summary_entries_articles_and_sets_their_words(
    httpserver: HTTPServer, store: Store
) -> None:
    httpserver.expect_request("/post").respond_with_data(
        (PAGES / "blog-post.html").read_bytes(), content_type=HTML
    )
    httpserver.expect_request("/feed.xml").respond_with_data(
        summary_feed(httpserver, "/post"), content_type="application/rss+xml"
    )
    url = httpserver.url_for("/feed.xml")
    (outcome,) = await refreshed(store, FeedConfig(url))
    assert (outcome.status, outcome.articles, outcome.articles_failed) == ("updated", 1, 0)
    (entry,) = store.feed_articles(url)
    assert entry.text_from == "full"
    assert entry.words > 150  # the teaser had ten
    assert "## What goes in it" in (entry.body or "")
    assert [text for _, text, _ in entry.headings][:2] == [
        "Why I Keep a Paper Notebook Beside the Terminal",
        "What goes in it",
    ]
    assert store.search("notebook squared") == [entry.key]  # the article is searched

    # A second refresh keeps the article (the feed's text is rewritten, not the article),
    # and asks for no page again.
    before = len(httpserver.log)
    (again,) = await refreshed(store, FeedConfig(url))
    assert again.articles == 0
    assert [r.path for r, _ in httpserver.log[before:]] == ["/feed.xml"]
    (entry,) = store.feed_articles(url)
    assert entry.text_from == "full" and entry.words > 150
    assert store.search("notebook squared") == [entry.key]


async def test_full_text_false_fetches_no_page_and_marks_the_summary(
    httpserver: HTTPServer, store: Store
) -> None:
    httpserver.expect_request("/feed.xml").respond_with_data(
        summary_feed(httpserver, "/post"), content_type="application/rss+xml"
    )
    url = httpserver.url_for("/feed.xml")
    await refreshed(store, FeedConfig(url, full_text="false"))
    assert [r.path for r, _ in httpserver.log] == ["/feed.xml"]
    (entry,) = store.feed_articles(url)
    assert entry.text_from == "summary"


async def test_long_entries_are_not_fetched_under_auto(
    httpserver: HTTPServer, store: Store
) -> None:
    body = "<p>" + " ".join(["word"] * 200) + "</p>"
    item = (
        f"<title>Long</title><link>{httpserver.url_for('/long')}</link><guid>long</guid>"
        f"<description><![CDATA[{body}]]></description>"
    )
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss_with_items(item), content_type="application/rss+xml"
    )
    url = httpserver.url_for("/feed.xml")
    await refreshed(store, FeedConfig(url))
    assert [r.path for r, _ in httpserver.log] == ["/feed.xml"]
    (entry,) = store.feed_articles(url)
    assert entry.text_from == "feed"


def hostile_routes(server: HTTPServer) -> dict[str, str]:
    """Pages that must each end with a message: path -> the message."""
    server.expect_request("/pdf").respond_with_data(
        b"%PDF-1.7\n...", content_type="application/pdf"
    )
    server.expect_request("/png").respond_with_data(
        b"\x89PNG\r\n\x1a\n...", content_type="image/png"
    )
    server.expect_request("/to-file").respond_with_data(
        b"", status=302, headers={"Location": "file:///etc/passwd"}
    )
    server.expect_request("/huge").respond_with_data(
        b"<p>" + b"x" * (11 * 1024 * 1024), content_type=HTML
    )

    def endless(request: Request) -> Response:
        return Response((b"<p>more and more</p>" * 4096 for _ in range(100_000)), content_type=HTML)

    server.expect_request("/endless").respond_with_handler(endless)
    server.expect_request("/nested").respond_with_data(
        "<html><body>" + "<div>" * 200_000 + "deep" + "</div>" * 200_000, content_type=HTML
    )
    return {
        "/pdf": "not a web page: a PDF document",
        "/png": "not a web page: a PNG image",
        "/to-file": "redirect to unsupported scheme",
        "/huge": "response larger than 10 MB",
        "/endless": "response larger than 10 MB",
        "/nested": "no article text found on the page",
    }


async def test_hostile_pages_end_with_a_message_and_keep_the_feed_text(
    httpserver: HTTPServer,
    store: Store,
    raw_server: Callable[..., RawServer],  # noqa: F811 (the fixture)
) -> None:
    expected = hostile_routes(httpserver)
    slow = raw_server(trickle_body)
    links = {path: httpserver.url_for(path) for path in expected}
    links["/slow"] = slow.url
    expected["/slow"] = "timed out after 2 s"
    items = "</item><item>".join(
        f"<title>{path}</title><link>{link}</link><guid>{path}</guid>"
        "<description>Teaser…</description>"
        for path, link in links.items()
    )
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss_with_items(items), content_type="application/rss+xml"
    )
    url = httpserver.url_for("/feed.xml")
    limits = Limits(read_timeout=1.0, deadline=2.0)
    await refreshed(store, FeedConfig(url), limits=limits)
    entries = {a.title: a for a in store.feed_articles(url)}
    assert set(entries) == set(expected)
    for path, message in expected.items():
        assert entries[path].text_from == "summary"
        assert entries[path].body == "Teaser…"
        with pytest.raises((FetchError, ExtractError)) as caught:  # `f` asks again
            async with make_client(limits) as client:
                await fetch_full_text(client, store, entries[path].key, links[path], limits)
        assert caught.value.message == message, path


def page_with_links(*links: str) -> str:
    return f"<html><head><title>Site</title>{''.join(links)}</head><body><p>Hi</p></body></html>"


async def found(url: str) -> list[FoundFeed]:
    async with make_client(FAST) as client:
        return await discover(client, url, FAST)


async def test_discovery_finds_the_one_feed_a_page_names_by_a_relative_href(
    httpserver: HTTPServer,
) -> None:
    link = '<link rel="alternate" type="application/atom+xml" title="Posts" href="feeds/all.atom">'
    httpserver.expect_request("/blog/").respond_with_data(page_with_links(link), content_type=HTML)
    assert await found(httpserver.url_for("/blog/")) == [
        FoundFeed(httpserver.url_for("/blog/feeds/all.atom"), "Posts", "Atom")
    ]


async def test_discovery_lists_every_feed_when_a_page_names_three(httpserver: HTTPServer) -> None:
    links = [
        '<link rel="alternate" type="application/rss+xml" title="All posts" href="/rss.xml">',
        '<link rel="alternate" type="application/atom+xml" title="Comments" href="/comments.atom">',
        '<link rel="alternate" type="application/feed+json" title="JSON" href="/feed.json">',
        '<link rel="stylesheet" href="/style.css">',
        '<link rel="alternate" hreflang="fr" href="/fr/">',
    ]
    httpserver.expect_request("/").respond_with_data(page_with_links(*links), content_type=HTML)
    feeds = await found(httpserver.url_for("/"))
    assert [(f.url, f.title, f.kind) for f in feeds] == [
        (httpserver.url_for("/rss.xml"), "All posts", "RSS"),
        (httpserver.url_for("/comments.atom"), "Comments", "Atom"),
        (httpserver.url_for("/feed.json"), "JSON", "JSON Feed"),
    ]


async def test_discovery_tries_the_common_paths_when_the_page_names_none(
    httpserver: HTTPServer,
) -> None:
    httpserver.expect_request("/").respond_with_data(page_with_links(), content_type=HTML)
    httpserver.expect_request("/index.xml").respond_with_data(
        rss_with_items("<title>x</title>"), content_type="application/rss+xml"
    )
    assert await found(httpserver.url_for("/")) == [
        FoundFeed(httpserver.url_for("/index.xml"), "", "RSS")
    ]
    asked = [r.path for r, _ in httpserver.log]
    assert asked == ["/", "/feed", "/rss.xml", "/atom.xml", "/index.xml"]


async def test_discovery_with_no_feed_anywhere_says_so(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/").respond_with_data(page_with_links(), content_type=HTML)
    with pytest.raises(DiscoveryError, match="no feed found"):
        await found(httpserver.url_for("/"))


async def test_a_feed_address_is_its_own_feed(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed").respond_with_data(
        rss_with_items("<title>x</title>"), content_type="application/rss+xml"
    )
    assert await found(httpserver.url_for("/feed")) == [
        FoundFeed(httpserver.url_for("/feed"), "", "RSS")
    ]


async def test_articles_past_the_per_refresh_limit_come_with_the_next_refresh_even_a_304(
    httpserver: HTTPServer, store: Store
) -> None:
    paths = [f"/post/{n}" for n in range(12)]
    for path in paths:
        httpserver.expect_request(path).respond_with_data(
            (PAGES / "docs-page.html").read_bytes(), content_type=HTML
        )
    feed = summary_feed(httpserver, *paths)

    def answer(request: Request) -> Response:
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304)
        return Response(feed, content_type="application/rss+xml", headers={"ETag": '"v1"'})

    httpserver.expect_request("/feed.xml").respond_with_handler(answer)
    url = httpserver.url_for("/feed.xml")
    (first,) = await refreshed(store, FeedConfig(url))
    assert (first.status, first.articles) == ("updated", 10)
    (second,) = await refreshed(store, FeedConfig(url))
    assert (second.status, second.articles) == ("not_modified", 2)
    assert all(entry.text_from == "full" for entry in store.feed_articles(url))
