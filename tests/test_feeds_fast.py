"""The quick paths of feed parsing give what the full ones give.

* RSS 2.0 read with ElementTree (:mod:`tui_reader.core.feeds.fastrss`) against feedparser;
* simple HTML written as Markdown without BeautifulSoup and markdownify, and as text
  without the HTML parser;
* feeds parsed in worker processes against feeds parsed in a thread.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import httpx
import pytest
from feed_samples import ATOM, RSS, has_control, rss_with_items
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui_reader.core.article import Heading
from tui_reader.core.feeds import fastrss as feedxml
from tui_reader.core.feeds.html import _TextExtractor, html_to_text, simple_markdown
from tui_reader.core.feeds.htmlmd import convert
from tui_reader.core.feeds.refresh import (
    FeedConfig,
    FeedOutcome,
    FeedParsers,
    _Download,
    parse_feed,
    refresh_all,
)
from tui_reader.core.markdown.text import analyse
from tui_reader.core.store import Store

URL = "https://example.org/blog/feed.xml"
XML = {"content-type": "application/rss+xml; charset=utf-8"}
NS = (
    'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:atom="http://www.w3.org/2005/Atom"'
)


def rss(*items: str, channel: str = "<title>Feed</title>") -> bytes:
    body = "".join(f"<item>{item}</item>" for item in items)
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0" {NS}><channel>'
        f"{channel}{body}</channel></rss>"
    ).encode()


def both_ways(body: bytes, monkeypatch: pytest.MonkeyPatch, **kwargs: object):
    """(fast result, feedparser result) of parse_feed on the same document."""
    kwargs.setdefault("url", URL)
    kwargs.setdefault("headers", XML)
    kwargs.setdefault("analyse", analyse)
    fast = parse_feed(body, **kwargs)  # type: ignore[arg-type]
    with monkeypatch.context() as patch:
        patch.setattr(feedxml, "read_rss", lambda body, headers: None)
        slow = parse_feed(body, **kwargs)  # type: ignore[arg-type]
    return fast, slow


def headers_for(url: str = URL) -> dict[str, str]:
    return {**XML, "content-location": url}


TRICKY_ITEMS = [
    # a permalink guid is the link, resolved against the document
    "<title>guid only</title><guid>/posts/1</guid><description>a</description>",
    '<title>not a link</title><guid isPermaLink="false">/posts/2</guid>',
    '<title>True is not true</title><guid isPermaLink="True">/posts/3</guid>',
    "<guid>https://example.org/g</guid><link>/posts/4?a=1&amp;amp;b=2</link><title>order</title>",
    "<link>../up</link><guid>https://example.org/g5</guid>",
    "<link></link><guid>https://example.org/g6</guid>",
    # titles that look like HTML, or don't
    "<title>An &lt;em&gt;HTML&lt;/em&gt; title</title><guid>t1</guid>",
    "<title>a &lt; b and c &gt; d</title><guid>t2</guid>",
    "<title>R&amp;D &amp;amp; more</title><guid>t3</guid>",
    "<title>  spaced\n  out  </title><guid>t4</guid>",
    # text repairs feedparser makes: UTF-8 read as Latin-1, cp1252 in C1
    "<title>cafÃ© \u0080 \u0093quoted\u0094</title><guid>r1</guid>",
    # content and summary in both orders, empty ones
    "<guid>c1</guid><description>short</description><content:encoded>&lt;p&gt;long "
    "&lt;a href='/x'&gt;link&lt;/a&gt;&lt;/p&gt;</content:encoded>",
    "<guid>c2</guid><content:encoded><![CDATA[<p>long <b>body</b></p>]]></content:encoded>"
    "<description>short</description>",
    "<guid>c3</guid><content:encoded><![CDATA[<p>only content</p>]]></content:encoded>",
    "<guid>c4</guid><content:encoded></content:encoded><description>text</description>",
    "<guid>c5</guid><description></description>",
    "<guid>c6</guid><description>Plain text *not* [markdown](x)</description>",
    # authors, dates, categories
    "<guid>a1</guid><author>alice@example.org (Alice)</author>",
    "<guid>a2</guid><dc:creator>Bob</dc:creator><dc:date>2024-01-02T03:04:05Z</dc:date>",
    "<guid>d1</guid><pubDate>Tue, 02 Jan 2024 10:00:00 +0200</pubDate>"
    "<dc:date>2024-02-02T00:00:00Z</dc:date>",
    "<guid>d2</guid><pubDate>not a date</pubDate>",
    '<guid>k1</guid><category domain="d">One</category><category>two</category>'
    '<category domain="e"></category><category>Three</category><category>One</category>',
    "<guid>k2</guid><category></category><category>  x  </category>",
    # elements feedparser keeps elsewhere
    '<guid>i1</guid><comments>https://example.org/c</comments><enclosure url="/a.mp3"/>',
    # hostile text (raw C0 controls are not XML: such a document goes to feedparser)
    "<guid>h1</guid><title>Ti\x9b6n\x9d8;;x\x9ctle</title><description>&lt;p&gt;a&amp;#27;[2Jb"
    "&lt;script&gt;alert(1)&lt;/script&gt;&lt;a href='javascript:x'&gt;js&lt;/a&gt;"
    "&lt;/p&gt;</description>",
    "<title>no id at all</title><description>hash me</description>",
]


@pytest.mark.parametrize("item", TRICKY_ITEMS)
def test_fast_rss_gives_feedparsers_articles(item: str, monkeypatch: pytest.MonkeyPatch) -> None:
    body = rss(item)
    assert feedxml.read_rss(body, headers_for()) is not None  # the quick path was taken
    fast, slow = both_ways(body, monkeypatch, final_url="https://example.org/blog/feed.xml")
    assert fast.articles == slow.articles
    assert (fast.title, fast.warnings) == (slow.title, slow.warnings)


@pytest.mark.parametrize(
    "channel",
    [
        "<title>Feed</title>",
        "<title></title>",
        "",
        "<title>A &lt;b&gt;bold&lt;/b&gt; feed</title><atom:link rel='self' href='x'/>",
        "<image><title>Logo</title><url>https://example.org/l.png</url></image><title>F</title>",
        "<description>about</description><title>Last</title>",
    ],
)
def test_fast_rss_gives_feedparsers_feed_title(
    channel: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = rss("<guid>1</guid><title>one</title>", channel=channel)
    assert feedxml.read_rss(body, headers_for()) is not None
    fast, slow = both_ways(body, monkeypatch)
    assert fast.title == slow.title
    assert fast.articles == slow.articles


def test_sample_feeds_read_the_same_both_ways(monkeypatch: pytest.MonkeyPatch) -> None:
    for body in (RSS, rss_with_items("<title>x</title><guid>1</guid>")):
        fast, slow = both_ways(body, monkeypatch)
        assert fast.articles == slow.articles and fast.title == slow.title


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        (ATOM, XML),  # Atom is left to feedparser
        (rss("<guid>1</guid>").replace(b'version="2.0"', b'version="0.91"'), XML),
        (b'<?xml version="1.0"?><!DOCTYPE rss SYSTEM "x.dtd">' + rss("<guid>1</guid>")[38:], XML),
        (rss('<guid xml:base="https://elsewhere.example/">1</guid>'), XML),
        (
            rss(
                "<guid>1</guid><itunes:summary xmlns:itunes='http://www.itunes.com/dtds/"
                "podcast-1.0.dtd'>s</itunes:summary>"
            ),
            XML,
        ),
        (rss("<guid>1</guid><title>a</title><title>b</title>"), XML),
        (rss("<guid>1</guid><author>a</author><dc:creator>b</dc:creator>"), XML),
        (rss("<guid>1</guid><description><p>markup</p></description>"), XML),
        (rss('<guid>1</guid><description type="text">t</description>'), XML),
        (rss("<guid>1</guid><atom:link href='https://example.org/a'/>"), XML),
        (rss("<guid>1</guid><pubdate>Tue, 02 Jan 2024 10:00:00 GMT</pubdate>"), XML),
        (rss("<guid>1</guid>", channel="<title>a</title><dc:title>b</dc:title>"), XML),
        (rss("<guid>1</guid>", channel="<foo><entry>x</entry></foo>"), XML),
        (rss("<guid>1</guid>"), {"content-type": "text/html"}),  # feedparser flags it
        (rss("<guid>1</guid>") + b"<junk>", XML),  # not well-formed
    ],
)
def test_fast_rss_leaves_other_documents_to_feedparser(
    body: bytes, headers: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert feedxml.read_rss(body, {**headers, "content-location": URL}) is None
    fast, slow = both_ways(body, monkeypatch, headers=headers)
    assert fast.articles == slow.articles


_TEXT = st.lists(
    st.sampled_from([*"ab -#.)1*_[]<>&\n\t é\u00a0\u0092", "&amp;", "&lt;", "Ã©", "/x"]),
    max_size=12,
).map("".join)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    fields=st.lists(
        st.tuples(
            st.sampled_from(
                ["title", "link", "guid", "description", "content:encoded", "author",
                 "pubDate", "dc:date", "category", "comments"]
            ),
            _TEXT,
        ),
        max_size=6,
    ),
    permalink=st.sampled_from(["", ' isPermaLink="false"', ' isPermaLink="true"']),
)  # fmt: skip
def test_fast_rss_matches_feedparser_on_generated_items(
    fields: list[tuple[str, str]], permalink: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    parts = []
    for name, text in fields:
        value = text.replace("&", "&amp;").replace("<", "&lt;") if "&" not in text else text
        value = value.replace("<", "&lt;")
        attrs = permalink if name == "guid" else ""
        parts.append(f"<{name}{attrs}>{value}</{name}>")
    body = rss("".join(parts))
    fast, slow = both_ways(body, monkeypatch)
    assert fast.articles == slow.articles
    assert fast.title == slow.title


# ------------------------------------------------------------------- simple HTML

_WORDS = st.text(st.sampled_from(list("ab -#.)1*_[]>=+|~`\\\n\t é\u00a0")), max_size=10)
_INLINE = st.builds(
    lambda tag, text, href: (
        f'<a href="{href}">{text}</a>' if tag == "a" else f"<{tag}>{text}</{tag}>"
    ),
    st.sampled_from(["a", "em", "i", "strong", "b"]),
    _WORDS,
    st.sampled_from(["/x", "https://example.org/(a) b", "javascript:x", "", " /y\n"]),
)
_PARAGRAPH = st.lists(st.one_of(_WORDS, _INLINE), max_size=5).map(
    lambda parts: "<p>" + "".join(parts) + "</p>"
)
_SIMPLE_HTML = st.lists(
    st.one_of(_PARAGRAPH, st.sampled_from(["", " ", "\n", "\n \t"])), max_size=5
).map("".join)


@settings(max_examples=300, deadline=None)
@given(_SIMPLE_HTML)
def test_simple_html_shortcut_gives_the_converters_markdown(html: str) -> None:
    fast = simple_markdown(html, "https://example.org/posts/1")
    assert fast is not None
    assert fast == convert(html, "https://example.org/posts/1")


@settings(max_examples=200, deadline=None)
@given(_SIMPLE_HTML)
def test_simple_html_shortcut_gives_the_parsers_text(html: str) -> None:
    extractor = _TextExtractor()
    extractor.feed(html)
    extractor.close()
    text = "".join(extractor.parts)
    assert html_to_text(html) == " ".join(text.split())


@pytest.mark.parametrize(
    "html",
    [
        "text outside",
        "<p>a<br>b</p>",
        "<p>a &amp; b</p>",
        "<p>x &#27;[2J</p>",
        "<p><em><b>nested</b></em></p>",
        "<p><p>nested</p></p>",
        "<p>unclosed",
        "<P>upper</P>",
        '<p><a href="x" title="t">a</a></p>',
        "<p>a < b</p>",
        "<p>a</p><!-- c -->",
        "<p>\x1b]0;x\x07</p>",
        "<div>other</div>",
    ],
)
def test_other_html_takes_the_full_converter(html: str) -> None:
    assert simple_markdown(html) is None


def test_quoted_declarations_show_and_processing_instructions_do_not() -> None:
    text = convert('<p>a <!ENTITY x "y"> b <?php echo 1 ?> c <!DOCTYPE html> d</p>')
    assert "ENTITY x" in text
    assert "php" not in text and "DOCTYPE" not in text


# ------------------------------------------------------------------- processes

HOSTILE = rss(
    "<guid>h</guid><title>Ti\x1b]0;pwned\x07tle</title>"
    "<link>javascript:alert(1)</link>"
    "<description>&lt;p&gt;Body &amp;#27;]0;x&amp;#7; &lt;a href='javascript:alert(1)'&gt;"
    "click&lt;/a&gt; &lt;img src='data:image/png;base64,AAAA' alt='pic'&gt;"
    "&lt;script&gt;alert(2)&lt;/script&gt;&lt;/p&gt;</description>",
    "<guid>ok</guid><title>Fine</title><description>&lt;p&gt;Hello &lt;a href='/x'&gt;"
    "there&lt;/a&gt;&lt;/p&gt;</description>",
)


def _save_each(
    parsers: FeedParsers, store: Store, bodies: list[bytes], **kwargs: object
) -> tuple[list[object], bool]:
    """parse_and_save each body as feed N of ``store``: what it returned or the error, and
    whether ``parsers`` still had its processes at the end (no fallback to a thread)."""

    async def go() -> tuple[list[object], bool]:
        results: list[object] = []
        try:
            for n, body in enumerate(bodies):
                url = f"{URL}?n={n}"
                download = _Download(body, XML, url)
                try:
                    results.append(
                        await parsers.parse_and_save(
                            store, FeedConfig(url), download, url=url, headers=XML, **kwargs
                        )
                    )
                except Exception as exc:  # noqa: BLE001 - compared by the callers
                    results.append(repr(exc))
            return results, parsers.pool is not None
        finally:
            parsers.close()

    return asyncio.run(go())


def test_worker_processes_save_exactly_as_a_thread(tmp_path: Path) -> None:
    bodies = [RSS, ATOM, HOSTILE, b"not a feed", rss_with_items("<title>x</title>")]
    with Store(tmp_path / "a.sqlite3") as in_workers, Store(tmp_path / "b.sqlite3") as in_thread:
        workers = FeedParsers(len(bodies))
        assert workers.pool is not None
        from_workers, kept_processes = _save_each(workers, in_workers, bodies, analyse=analyse)
        assert kept_processes
        from_thread, _ = _save_each(FeedParsers(), in_thread, bodies, analyse=analyse)
        assert from_workers == from_thread
        assert "not a feed" in str(from_workers[3])
        # What the workers wrote through their own connections, the reader's store reads.
        for n in range(len(bodies)):
            url = f"{URL}?n={n}"
            assert in_workers.feed_articles(url) == in_thread.feed_articles(url)
        assert len(in_workers.feed_articles(f"{URL}?n=0")) == 2
        assert in_workers.search("First post") == in_thread.search("First post") != []


def test_hostile_feed_is_still_sanitised_in_a_worker(tmp_path: Path) -> None:
    with Store(tmp_path / "library.sqlite3") as store:
        assert _save_each(FeedParsers(8), store, [HOSTILE])[1]
        saved = store.feed_articles(f"{URL}?n=0")
    assert len(saved) == 2
    entry = next(a for a in saved if a.key.endswith("/h"))
    assert entry.title.startswith("Ti") and "pwned" not in entry.title
    assert entry.link == ""
    body = entry.body or ""
    assert not has_control(body, allow="\n\t")
    assert "click" in body and "](" not in body
    for gone in ("javascript", "data:", "alert"):
        assert gone not in body


def test_an_argument_that_cannot_go_to_a_process_falls_back_to_a_thread(tmp_path: Path) -> None:
    def local_analyse(body: str) -> tuple[int, bool, tuple[Heading, ...]]:
        return 7, False, ()

    with Store(tmp_path / "library.sqlite3") as store:
        assert not _save_each(FeedParsers(8), store, [RSS], analyse=local_analyse)[1]
        assert [a.words for a in store.feed_articles(f"{URL}?n=0")] == [7, 7]


@pytest.fixture
def to_workers(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the functions refresh_all handed to worker processes: a test of the
    processes path fails if the work quietly went to a thread instead."""
    from tui_reader.core.feeds import refresh as feeds_module

    handed: list[str] = []
    real = feeds_module._process_pool

    def counting(workers: int):  # type: ignore[no-untyped-def]
        pool = real(workers)
        if pool is None:
            pytest.skip("no worker processes here (no semaphores in this sandbox)")
        submit = pool.submit

        def counted(fn, *args, **kwargs):  # type: ignore[no-untyped-def]
            handed.append(fn.__name__)
            return submit(fn, *args, **kwargs)

        pool.submit = counted
        return pool

    monkeypatch.setattr(feeds_module, "_process_pool", counting)
    return handed


def _items(request: httpx.Request) -> httpx.Response:
    n = request.url.path.strip("/")
    item = f"<title>Post {n}</title><guid>p{n}</guid><description>word{n}x</description>"
    return httpx.Response(200, stream=_Body(rss_with_items(item)), headers=XML)


async def _refresh(store: Store, count: int = 6) -> list[FeedOutcome]:
    """Refresh feeds https://example.org/0 .. count-1, one item each (word<n>x)."""
    feeds = [FeedConfig(f"https://example.org/{n}") for n in range(count)]
    async with httpx.AsyncClient(transport=httpx.MockTransport(_items)) as client:
        return await refresh_all(client, store, feeds, analyse=analyse)


@pytest.mark.parametrize("feeds", [1, 6], ids=["thread", "processes"])
async def test_a_failed_save_is_reported_and_keeps_the_cache(
    tmp_path: Path, feeds: int, to_workers: list[str]
) -> None:
    urls = [f"https://example.org/{n}" for n in range(feeds)]
    with Store(tmp_path / "library.sqlite3") as store:
        for url in urls:
            cached = parse_feed(rss_with_items("<title>Old</title><guid>old</guid>"), url=url)
            store.save_feed(
                url, title="Old", articles=cached.articles, etag=None, last_modified=None
            )
        # The disk refuses new entries (a real SQLite error, in whichever process saves).
        store._conn.execute(  # type: ignore[union-attr]
            "CREATE TRIGGER refuse BEFORE INSERT ON entries"
            " BEGIN SELECT RAISE(ABORT, 'disk says no'); END"
        )
        outcomes = await _refresh(store, feeds)
        for outcome in outcomes:
            assert outcome.status == "failed"
            assert outcome.message.startswith("could not save:")
            assert "disk says no" in outcome.message
        for url in urls:
            assert [a.title for a in store.feed_articles(url)] == ["Old"]
            assert store.get_feed(url).last_error.startswith("could not save")  # type: ignore[union-attr]
    assert len(to_workers) == (feeds if feeds >= 4 else 0)


async def test_worker_saves_wait_their_turn_longer_than_the_readers_timeout(
    tmp_path: Path, to_workers: list[str]
) -> None:
    # Workers take turns on SQLite's write lock; a big feed holds it for seconds. Here
    # another program holds it for six seconds, more than the reader's own five: the
    # workers' saves wait for it and succeed.
    import sqlite3

    path = tmp_path / "library.sqlite3"
    with Store(path) as store:
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        asyncio.get_running_loop().call_later(6.0, holder.execute, "COMMIT")
        outcomes = await _refresh(store)
        holder.close()
        assert [(o.status, o.new_count, o.message) for o in outcomes] == [("updated", 1, "")] * 6
        assert store.search("word5x") != []
    assert to_workers == ["_parse_and_save"] * 6


async def test_a_library_moved_away_during_a_refresh_is_not_made_again(
    tmp_path: Path, to_workers: list[str]
) -> None:
    path = tmp_path / "library.sqlite3"
    with Store(path) as store:
        path.rename(tmp_path / "moved.sqlite3")  # the reader's connection goes with it
        outcomes = await _refresh(store)
        assert {o.status for o in outcomes} == {"failed"}
        assert all("could not save" in o.message for o in outcomes)
    assert not path.exists()  # no new, empty library where the old one was
    assert to_workers == ["_parse_and_save"] * 6


def test_small_refreshes_and_single_cores_use_a_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    assert FeedParsers(1).pool is None
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    assert FeedParsers(100).pool is None


class _Body(httpx.AsyncByteStream):
    def __init__(self, data: bytes) -> None:
        self.data = data

    async def __aiter__(self):
        yield self.data


async def test_refresh_all_with_processes_saves_and_indexes(
    tmp_path: Path, to_workers: list[str]
) -> None:
    with Store(tmp_path / "library.sqlite3") as store:
        outcomes = await _refresh(store)
        assert [(o.status, o.message) for o in outcomes] == [("updated", "")] * 6
        for n in range(6):
            key = f"feed:https://example.org/{n}::https://example.org/p{n}"  # guid as link
            assert store.search(f"word{n}x") == [key]
    assert to_workers == ["_parse_and_save"] * 6  # saved by the workers, not a thread


async def test_a_refresh_writes_errors_and_not_modified_off_the_event_loop(tmp_path: Path) -> None:
    # A worker saving a big feed holds the library's write lock for seconds; the
    # reader's own writes during a refresh (an error, a 304) must not make the event
    # loop, which is the interface's, wait for it.
    import threading

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/gone":
            return httpx.Response(404)
        return httpx.Response(304)

    with Store(tmp_path / "library.sqlite3") as store:
        cached = parse_feed(RSS, url="https://example.org/same")
        store.save_feed(
            "https://example.org/same",
            title="S",
            articles=cached.articles,
            etag=None,
            last_modified=None,
        )
        writers: list[str] = []
        for name in ("record_feed_error", "mark_not_modified"):
            real = getattr(store, name)

            def spy(*args, _real=real, _name=name):  # type: ignore[no-untyped-def]
                writers.append(f"{_name} {threading.current_thread() is threading.main_thread()}")
                return _real(*args)

            setattr(store, name, spy)
        feeds = [FeedConfig("https://example.org/gone"), FeedConfig("https://example.org/same")]
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
            outcomes = await refresh_all(client, store, feeds)
        assert [o.status for o in outcomes] == ["failed", "not_modified"]
    assert sorted(writers) == ["mark_not_modified False", "record_feed_error False"]


async def test_a_cancelled_refresh_leaves_no_worker_waiting_for_the_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The reader quits in the middle of a refresh while another program holds the write
    # lock: the workers, which would wait minutes for it, are stopped, not waited for.
    import sqlite3
    import time

    from tui_reader.core.feeds import refresh as feeds_module

    pools = []
    real = feeds_module._process_pool

    def keeping(workers: int):  # type: ignore[no-untyped-def]
        pool = real(workers)
        if pool is None:
            pytest.skip("no worker processes here")
        pools.append(pool)
        return pool

    monkeypatch.setattr(feeds_module, "_process_pool", keeping)
    path = tmp_path / "library.sqlite3"
    with Store(path) as store:
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        refresh = asyncio.create_task(_refresh(store))
        await wait_for_workers(pools)
        workers = list(pools[0]._processes.values())
        await asyncio.sleep(0.5)  # they are saving, that is waiting for the lock, by now
        refresh.cancel()
        with pytest.raises(asyncio.CancelledError):
            await refresh
        deadline = time.monotonic() + 10
        while any(w.is_alive() for w in workers) and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        assert workers and not any(w.is_alive() for w in workers)
        holder.execute("ROLLBACK")
        holder.close()
        assert store.feed_articles("https://example.org/0") == []  # nothing half-saved


async def wait_for_workers(pools: list) -> None:  # type: ignore[type-arg]
    for _ in range(500):
        if pools and len(pools[0]._processes) >= 2:
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the worker processes never started")


def test_worker_processes_never_write_to_a_library_found_damaged(tmp_path: Path) -> None:
    """Workers open the library by path; once the reader has found it damaged and
    disabled it, a refresh saves nothing there, in workers or in a thread."""
    from tui_reader.core.store import StoreDamaged

    with Store(tmp_path / "library.sqlite3") as store:
        store.disable(StoreDamaged("library.sqlite3: database is damaged (test)"))
        workers = FeedParsers(6)
        assert workers.pool is not None
        for parsers in (workers, FeedParsers()):
            results, _ = _save_each(parsers, store, [RSS, ATOM], analyse=analyse)
            assert all("SaveFailed" in str(r) and "damaged" in str(r) for r in results), results
    with Store(tmp_path / "library.sqlite3") as reopened:
        assert reopened.feeds() == []
