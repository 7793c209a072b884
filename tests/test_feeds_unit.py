"""Unit tests for feed parsing (bytes in, articles out) and fetching with MockTransport."""

from __future__ import annotations

import asyncio
import os
import time
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from feed_samples import (
    ATOM,
    RSS,
    article_strings,
    billion_laughs,
    gzip_bytes,
    has_control,
    json_feed,
    quadratic_blowup,
    rss_with_items,
)

from tui_reader.core.article import Heading
from tui_reader.core.feeds import refresh as feeds_module
from tui_reader.core.feeds.fetch import USER_AGENT, FetchError, Limits, fetch, parse_retry_after
from tui_reader.core.feeds.refresh import (
    FeedConfig,
    FeedError,
    parse_feed,
    refresh_all,
    refresh_feed,
)
from tui_reader.core.store import Store

URL = "https://example.org/feed.xml"
XML = {"content-type": "application/rss+xml"}
ESCAPES = "\x1b]0;pwned\x07\x1b[2J\x1b]52;c;ZXZpbA==\x1b\\\x9b6n\x9d8;;file:///\x9c\x00\x7f"


def parse(body: bytes, **kwargs: object):
    kwargs.setdefault("url", URL)
    kwargs.setdefault("headers", XML)
    return parse_feed(body, **kwargs)  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- parsing


def test_rss_entries_become_clean_articles() -> None:
    parsed = parse(RSS, feed_tags=("News", "FEEDS"), source=URL)
    assert parsed.title == "Example RSS"
    first, second = parsed.articles
    assert first.key == f"feed:{URL}::https://example.org/posts/1"
    assert first.kind == "feed"
    assert first.title == "First post"
    assert first.link == first.location == "https://example.org/posts/1"
    assert first.date == datetime(2024, 1, 2, 8, 0, tzinfo=UTC)
    assert first.date.tzinfo is UTC
    assert first.author == "alice@example.org (Alice)"
    assert first.tags == ("Python", "Feeds", "News")  # case-insensitive dedupe, entry first
    assert first.summary == "Hello world. About"
    assert first.body == "Hello **world**. [About](https://example.org/about)"
    assert first.feed_title == "Example RSS"
    assert first.source == URL
    assert second.key == f"feed:{URL}::post-2"


def test_atom_entry_uses_fullest_content_and_strips_html_title() -> None:
    (entry,) = parse(ATOM, headers={"content-type": "application/atom+xml"}).articles
    assert entry.title == "An Atom entry"
    assert entry.key == f"feed:{URL}::urn:example:atom:1"
    assert entry.author == "Bob"
    assert entry.tags == ("atom",)
    assert entry.summary == "Short summary"
    assert entry.body.startswith("## Heading")
    assert "Long body" in entry.body
    assert entry.date == datetime(2024, 2, 1, 12, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    "version", ["https://jsonfeed.org/version/1", "https://jsonfeed.org/version/1.1"]
)
def test_json_feed_versions(version: str) -> None:
    parsed = parse(json_feed(version), headers={"content-type": "application/feed+json"})
    assert parsed.title == "Example JSON"
    one, two = parsed.articles
    assert one.key == f"feed:{URL}::j1"
    assert one.link == "https://example.org/json/1"
    assert one.body == "JSON [body](https://example.org/x)"
    assert one.summary == "JSON summary"
    assert one.author == "Carol"
    assert one.tags == ("json", "Feeds")
    assert one.date == datetime(2024, 3, 1, 7, 0, tzinfo=UTC)
    assert two.key == f"feed:{URL}::2"
    assert two.title == "(untitled)"
    assert two.link == "https://elsewhere.example/2"
    assert two.author == "Dave"
    assert two.date == datetime(2024, 3, 2, 8, 0, tzinfo=UTC)
    # content_text is text: Markdown characters in it are escaped, not rendered.
    assert two.body == r"Plain \*text\* \[not\](a link)"


def test_json_feed_with_leading_bom_and_whitespace() -> None:
    parsed = parse(b"\xef\xbb\xbf \n" + json_feed(), headers={})
    assert len(parsed.articles) == 2


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "not a feed"),
        (b"   \n", "not a feed"),
        (b"<html><body><p>Just a page</p></body></html>", "not a feed"),
        (b"plain text, nothing else", "not a feed"),
        (b'{"title": "no version", "items": []}', "not a feed"),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": "nope"}', "not a feed"),
        (b"{not json", "not a feed"),
        (b"[" * 100_000 + b"]" * 100_000, "not a feed"),
        (b"{" + b'"a":[' * 50_000, "not a feed"),
    ],
)
def test_not_a_feed(body: bytes, message: str) -> None:
    with pytest.raises(FeedError, match=message):
        parse(body)


@pytest.mark.parametrize(
    "body",
    [billion_laughs(), billion_laughs(one_line=True), quadratic_blowup()],
    ids=["billion-laughs", "billion-laughs-one-line", "quadratic-blowup"],
)
def test_entity_bombs_are_refused_quickly(body: bytes) -> None:
    start = time.monotonic()
    with pytest.raises(FeedError, match="feed refused: declares XML entities"):
        parse(body)
    assert time.monotonic() - start < 3


def test_entity_bomb_in_utf16_is_refused() -> None:
    text = quadratic_blowup().decode().replace("?>", ' encoding="utf-16"?>', 1)
    with pytest.raises(FeedError, match="declares XML entities"):
        parse(text.encode("utf-16"))


def test_entity_declaration_quoted_in_cdata_is_not_refused() -> None:
    body = rss_with_items(
        "<title>About XXE</title><guid>x</guid>"
        '<description><![CDATA[<pre>&lt;!ENTITY xxe SYSTEM "file:///etc/passwd"&gt; '
        '<!ENTITY lol "lol"></pre>]]></description>'
    )
    (entry,) = parse(body).articles
    assert entry.title == "About XXE"
    assert "ENTITY lol" in entry.body


@pytest.mark.parametrize("one_line", [False, True])
def test_xxe_never_reveals_a_local_file(tmp_path: Path, one_line: bool) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    sep = "" if one_line else "\n"
    body = sep.join(
        [
            '<?xml version="1.0"?>',
            f'<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{secret}">]>',
            '<rss version="2.0"><channel><title>&xxe;</title>',
            "<item><title>&xxe;</title><description>&xxe;</description></item>",
            "</channel></rss>",
        ]
    ).encode()
    with pytest.raises(FeedError, match="declares XML entities") as info:
        parse(body)
    assert "TOP-SECRET" not in str(info.value)


def test_external_dtd_is_not_loaded(tmp_path: Path) -> None:
    dtd = tmp_path / "evil.dtd"
    dtd.write_text('<!ENTITY title "TOP-SECRET-CONTENT">')
    body = (
        f'<?xml version="1.0"?><!DOCTYPE rss SYSTEM "file://{dtd}">'
        '<rss version="2.0"><channel><title>t</title>'
        "<item><title>x &title; y</title><guid>1</guid></item></channel></rss>"
    ).encode()
    try:
        parsed = parse(body)
    except FeedError:
        return
    for article in parsed.articles:
        assert "TOP-SECRET" not in repr(article)


def test_control_characters_and_escape_sequences_are_removed() -> None:
    payload = ESCAPES
    item = (
        f"<title><![CDATA[Ti{payload}tle]]></title>"
        f"<author><![CDATA[Mal{payload}lory]]></author>"
        f"<category><![CDATA[ta{payload}g]]></category>"
        f"<link><![CDATA[https://example.org/{payload}x]]></link>"
        "<guid>ctl</guid>"
        "<description><![CDATA[<p>Body &#27;]0;title&#7; and &#x1b;[31mred "
        f"{payload}</p>]]></description>"
    )
    body = rss_with_items(item, title=f"<![CDATA[Feed{payload}]]>")
    parsed = parse(body, headers={})
    (entry,) = parsed.articles
    for name, value in {**article_strings(entry), "feed": parsed.title}.items():
        assert not has_control(value), name
        assert "\u202e" not in value
    assert not has_control(entry.body or "", allow="\n\t")
    for value in (entry.title, entry.author, entry.body, *entry.tags):
        assert "pwned" not in value
        assert "ZXZpbA" not in value
    # feedparser turns some C1 bytes into cp1252 letters, and a cut-off OSC string runs
    # to the end of the line, so only the start of each field is certain.
    assert entry.title.startswith("Ti")
    assert entry.author.startswith("Mal")
    assert entry.tags[0].startswith("ta")
    assert entry.body.startswith("Body")
    assert "[31m" not in entry.body


def test_entity_encoded_escape_in_html_body_is_removed_after_conversion() -> None:
    body = json_feed(
        items=[{"id": "e", "content_html": "<p>a&#27;[2Jb&#x9b;6n&#7;c</p>", "title": "t"}]
    )
    (entry,) = parse(body).articles
    assert entry.body == "ab6nc" or not has_control(entry.body or "", allow="\n\t")


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        "java&#x09;script:alert(1)",
        "JaVaScRiPt:alert(1)",
        "file:///etc/passwd",
        "ssh://attacker.example/",
        "data:text/html;base64,PHNjcmlwdD4=",
        "vbscript:msgbox",
        "custom-scheme:$(touch%20x)",
    ],
)
def test_unsafe_links_are_dropped(href: str) -> None:
    item = (
        f"<title>t</title><guid>u</guid><link>{href}</link>"
        f'<description>&lt;a href="{href}"&gt;click&lt;/a&gt; '
        f'&lt;img src="{href}" alt="pic"&gt;</description>'
    )
    (entry,) = parse(rss_with_items(item)).articles
    assert entry.link == ""
    assert entry.location == ""
    assert "click" in entry.body
    assert "](" not in entry.body
    for scheme in ("javascript", "file:", "ssh:", "data:", "vbscript", "custom-scheme"):
        assert scheme not in entry.body.lower()


def test_html_body_policy_images_dropped_tags_and_relative_links() -> None:
    html = (
        "<p>Hi <a href='/rel?a=(1)'>rel</a> <a href='mailto:a@example.org'>mail</a></p>"
        "<img src='/pic.png' alt='A [pic]'>"
        "<script>alert('x')</script><style>p{}</style>"
        "<iframe src='https://evil.example/'>frame text</iframe>"
        "<form action='javascript:x'><input value='v'>form text</form>"
        "<pre><code>``` fence\ncode</code></pre>"
    )
    body = json_feed(
        items=[{"id": "h", "url": "https://example.org/posts/9/", "content_html": html}]
    )
    (entry,) = parse(body).articles
    text = entry.body or ""
    assert "[rel](https://example.org/rel?a=%281%29)" in text
    assert "[mail](mailto:a@example.org)" in text
    assert r"[image: A \[pic\]](https://example.org/pic.png)" in text
    for gone in ("alert", "frame text", "form text", "p{}", "javascript"):
        assert gone not in text
    assert "````\n``` fence\ncode\n````" in text


def test_relative_links_resolve_against_final_url() -> None:
    item = (
        '<title>rel</title><guid isPermaLink="false">r</guid><link>/posts/rel</link>'
        '<description>&lt;a href="../other"&gt;other&lt;/a&gt;</description>'
    )
    (entry,) = parse(rss_with_items(item), final_url="https://moved.example/blog/feed.xml").articles
    assert entry.link == "https://moved.example/posts/rel"
    # feedparser resolves content links against the document (xml:base) as a browser would
    assert "[other](https://moved.example/other)" in (entry.body or "")
    assert entry.key == f"feed:{URL}::r"  # the key keeps the subscribed URL


def test_duplicate_guids_keep_the_first_entry() -> None:
    items = [f"<title>Copy {i}</title><guid>same</guid>" for i in range(3)]
    items.append("<title>Other</title><guid>  same  </guid>")
    parsed = parse(rss_with_items(*items))
    assert [a.title for a in parsed.articles] == ["Copy 0"]
    assert any("repeated an id" in w for w in parsed.warnings)


def test_missing_ids_fall_back_to_link_then_hash() -> None:
    items = [
        "<title>Linked</title><link>https://example.org/l</link>",
        "<title>Bare</title><description>text</description>",
        "<title>Bare</title><description>other text</description>",
    ]
    first = parse(rss_with_items(*items)).articles
    again = parse(rss_with_items(*items)).articles
    assert first[0].key == f"feed:{URL}::https://example.org/l"
    assert first[1].key.startswith(f"feed:{URL}::sha1:")
    assert first[1].key != first[2].key
    assert [a.key for a in first] == [a.key for a in again]


def test_missing_title_becomes_untitled() -> None:
    (entry,) = parse(rss_with_items("<guid>n</guid><description>d</description>")).articles
    assert entry.title == "(untitled)"


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        ("Tue, 02 Jan 2024 10:00:00 +0200", datetime(2024, 1, 2, 8, 0, tzinfo=UTC)),
        ("not a date at all", None),
        ("Mon, 01 Jan 1960 00:00:00 GMT", None),
        ("Sat, 01 Jan 0001 00:00:00 GMT", None),
        ("Fri, 31 Dec 9999 23:59:59 +9999", None),
        ("1700000000", None),
    ],
)
def test_dates_become_aware_utc_or_none(date: str, expected: datetime | None) -> None:
    item = f"<title>d</title><guid>d</guid><pubDate>{date}</pubDate>"
    (entry,) = parse(rss_with_items(item)).articles
    assert entry.date == expected


def test_future_dates_are_unknown_but_near_future_kept() -> None:
    soon = datetime.now(UTC) + timedelta(hours=2)
    later = datetime.now(UTC) + timedelta(days=3)
    items = [
        {"id": "soon", "date_published": soon.isoformat()},
        {"id": "later", "date_published": later.isoformat()},
        {"id": "naive", "date_published": "2024-05-01T10:00:00"},
        {"id": "junk", "date_published": 12345},
    ]
    soon_a, later_a, naive_a, junk_a = parse(json_feed(items=items)).articles
    assert soon_a.date is not None and abs(soon_a.date - soon) < timedelta(seconds=1)
    assert later_a.date is None
    assert naive_a.date == datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
    assert junk_a.date is None


def test_json_feed_tolerates_wrong_types() -> None:
    items = [
        {
            "id": {"x": 1},
            "title": ["t"],
            "url": 5,
            "tags": "notalist",
            "authors": "x",
            "content_text": "one",
        },
        "not an item",
        {"id": True, "content_html": None, "content_text": 7, "summary": {"a": 1}},
    ]
    parsed = parse(json_feed(items=items, title=None))
    assert parsed.title == ""
    assert len(parsed.articles) == 2
    assert all(a.title == "(untitled)" for a in parsed.articles)


def test_text_plain_content_is_escaped_not_rendered() -> None:
    atom = b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">
    <title>t</title><entry><id>p</id><title>p</title>
    <content type="text">[click](ssh://evil.example) &lt;b&gt;not bold&lt;/b&gt;</content>
    </entry></feed>"""
    (entry,) = parse(atom).articles
    assert entry.body == r"\[click\](ssh://evil.example) \<b\>not bold\</b\>"


def test_one_bad_entry_is_skipped_with_a_warning() -> None:
    def analyse(body: str) -> tuple[int, bool, tuple[Heading, ...]]:
        if "boom" in body:
            raise ValueError("analyser broke")
        return len(body.split()), False, (Heading(1, "h"),)

    items = [
        "<title>ok</title><guid>1</guid><description>fine words</description>",
        "<title>bad</title><guid>2</guid><description>boom</description>",
    ]
    parsed = parse(rss_with_items(*items), analyse=analyse)
    assert [a.title for a in parsed.articles] == ["ok"]
    assert parsed.articles[0].words == 2
    assert parsed.articles[0].headings == (Heading(1, "h"),)
    assert any("skipped 1 bad entry" in w and "analyser broke" in w for w in parsed.warnings)


def test_entries_are_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(feeds_module, "MAX_ENTRIES", 3)
    items = [f"<title>{i}</title><guid>{i}</guid>" for i in range(5)]
    parsed = parse(rss_with_items(*items))
    assert len(parsed.articles) == 3
    assert any("read the first 3" in w for w in parsed.warnings)


def test_malformed_feed_with_entries_is_accepted_with_warning() -> None:
    body = rss_with_items("<title>One & two</title><guid>1</guid>", "<title>Three</title>")
    parsed = parse(body[:-20])
    assert parsed.articles
    assert any("malformed" in w for w in parsed.warnings)


# ----------------------------------------------------------------------------- fetching


class ChunkStream(httpx.AsyncByteStream):
    """A body that arrives in chunks, like a network response (not pre-read by httpx)."""

    def __init__(self, data: bytes, size: int = 65536) -> None:
        self.data = data
        self.size = size

    async def __aiter__(self):
        for start in range(0, len(self.data), self.size):
            yield self.data[start : start + self.size]


def streamed(status: int, content: bytes = b"", headers: dict[str, str] | None = None):
    return httpx.Response(status, headers=headers, stream=ChunkStream(content))


def client_for(handler) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.MockTransport(handler), follow_redirects=False)


async def test_fetch_sends_our_headers_and_validators() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return streamed(200, content=RSS, headers={"ETag": '"v2"', "Last-Modified": "x"})

    async with client_for(handler) as client:
        result = await fetch(client, URL, etag='"v1"', last_modified="Mon, 01 Jan 2024")
    request = seen[0]
    assert request.headers["user-agent"] == USER_AGENT
    assert USER_AGENT.startswith("tui-reader/")
    assert request.headers["accept-encoding"] == "gzip, deflate"
    assert request.headers["if-none-match"] == '"v1"'
    assert request.headers["if-modified-since"] == "Mon, 01 Jan 2024"
    assert result.status == "ok"
    assert result.body == RSS
    assert result.etag == '"v2"'
    assert result.last_modified == "x"


async def test_fetch_304_is_not_modified_without_body() -> None:
    async with client_for(lambda r: httpx.Response(304, content=b"ignored")) as client:
        result = await fetch(client, URL, etag='"v1"')
    assert result.status == "not_modified"
    assert result.body == b""


async def test_fetch_follows_relative_redirects() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/old":
            return httpx.Response(301, headers={"Location": "/new"})
        return streamed(200, content=RSS)

    async with client_for(handler) as client:
        result = await fetch(client, "https://example.org/old")
    assert result.final_url == "https://example.org/new"


@pytest.mark.parametrize(
    ("location", "message"),
    [
        (None, "redirect without a Location"),
        ("file:///etc/passwd", "redirect to unsupported scheme"),
        ("javascript:alert(1)", "redirect to an invalid URL or unsupported scheme"),
        ("ssh://host/x", "redirect to unsupported scheme"),
        ("/loop", "too many redirects"),
    ],
)
async def test_fetch_redirect_errors(location: str | None, message: str) -> None:
    headers = {"Location": location} if location else {}
    async with client_for(lambda r: httpx.Response(302, headers=headers)) as client:
        with pytest.raises(FetchError, match=message):
            await fetch(client, "https://example.org/loop")


async def test_fetch_status_error_has_sanitised_reason() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404, extensions={"reason_phrase": b"Not \x1b]0;x\x07Found\x1b[2J"})

    async with client_for(handler) as client:
        with pytest.raises(FetchError) as info:
            await fetch(client, URL)
    assert info.value.message == "HTTP 404 Not Found"
    assert info.value.status == 404


async def test_fetch_retry_after_is_capped() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(503, headers={"Retry-After": "999999999"})

    async with client_for(handler) as client:
        with pytest.raises(FetchError) as info:
            await fetch(client, URL)
    assert info.value.retry_after == 24 * 3600
    assert info.value.message.startswith("HTTP 503 Service Unavailable")


def test_retry_after_http_date() -> None:
    future = (datetime.now(UTC) + timedelta(minutes=10)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    value = parse_retry_after(future)
    assert value is not None and 500 < value <= 600
    assert parse_retry_after("garbage") is None


@pytest.mark.parametrize("encoding", ["gzip, gzip", "br", "gzip, br", "compress"])
async def test_fetch_refuses_stacked_or_unknown_encodings(encoding: str) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return streamed(200, content=b"x", headers={"Content-Encoding": encoding})

    async with client_for(handler) as client:
        with pytest.raises(FetchError, match="unsupported content encoding"):
            await fetch(client, URL)


@pytest.mark.parametrize("kind", ["gzip", "deflate-zlib", "deflate-raw"])
async def test_fetch_decodes_gzip_and_both_deflates(kind: str) -> None:
    if kind == "gzip":
        data, header = gzip_bytes(RSS), "gzip"
    else:
        wbits = zlib.MAX_WBITS if kind == "deflate-zlib" else -zlib.MAX_WBITS
        c = zlib.compressobj(6, zlib.DEFLATED, wbits)
        data, header = c.compress(RSS) + c.flush(), "deflate"

    def handler(request: httpx.Request) -> httpx.Response:
        return streamed(200, content=data, headers={"Content-Encoding": header})

    async with client_for(handler) as client:
        result = await fetch(client, URL)
    assert result.body == RSS


async def test_fetch_decoded_size_is_capped() -> None:
    data = gzip_bytes(bytes(5_000_000))

    def handler(request: httpx.Request) -> httpx.Response:
        return streamed(200, content=data, headers={"Content-Encoding": "gzip"})

    async with client_for(handler) as client:
        with pytest.raises(FetchError, match="response larger than 1 MB"):
            await fetch(client, URL, limits=Limits(max_bytes=1024 * 1024))


async def test_fetch_checks_content_length_early() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return streamed(200, content=b"x" * 10, headers={"Content-Length": "99999999"})

    async with client_for(handler) as client:
        with pytest.raises(FetchError, match="response larger than 10 MB"):
            await fetch(client, URL)


@pytest.mark.parametrize("url", ["ftp://example.org/f", "file:///etc/passwd", "exec:ls", "|cmd"])
async def test_fetch_refuses_other_schemes(url: str) -> None:
    async with client_for(lambda r: httpx.Response(200)) as client:
        with pytest.raises(FetchError, match="unsupported scheme"):
            await fetch(client, url)


@pytest.mark.parametrize(
    ("exc", "message"),
    [
        (httpx.ConnectError("[Errno 111] Connection refused"), "connection refused"),
        (httpx.ReadTimeout("read"), "timed out"),
        (httpx.ConnectTimeout("connect"), "timed out connecting"),
        (httpx.RemoteProtocolError("bad \x1b[2J"), "broke the HTTP protocol"),
    ],
)
async def test_fetch_network_errors_become_one_line(exc: Exception, message: str) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc

    async with client_for(handler) as client:
        with pytest.raises(FetchError, match=message) as info:
            await fetch(client, URL)
    assert not has_control(info.value.message)


async def test_fetch_deadline_covers_slow_handlers() -> None:
    async def handler(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(5)
        return httpx.Response(200)

    start = time.monotonic()
    async with client_for(handler) as client:
        with pytest.raises(FetchError, match="timed out after 0.2 s"):
            await fetch(client, URL, limits=Limits(deadline=0.2))
    assert time.monotonic() - start < 3


# ----------------------------------------------------------------------------- refresh


@pytest.fixture
def store(tmp_path: Path):
    with Store(tmp_path / "library.db") as s:
        yield s


async def test_refresh_updates_then_not_modified(store: Store) -> None:
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        if request.headers.get("if-none-match") == '"v1"':
            return httpx.Response(304)
        return streamed(200, content=RSS, headers={"ETag": '"v1"'})

    feed = FeedConfig(URL, title="My title", tags=("mine",))
    async with client_for(handler) as client:
        first = await refresh_feed(client, store, feed)
        second = await refresh_feed(client, store, feed)
    assert (first.status, first.new_count, first.total) == ("updated", 2, 2)
    assert first.title == "My title"
    assert (second.status, second.total) == ("not_modified", 2)
    articles = store.feed_articles(URL)
    assert {a.feed_title for a in articles} == {"My title"}
    assert all("mine" in a.tags for a in articles)


async def test_304_without_cache_is_an_error(store: Store) -> None:
    async with client_for(lambda r: httpx.Response(304)) as client:
        outcome = await refresh_feed(client, store, FeedConfig(URL))
    assert outcome.status == "failed"
    assert outcome.message == "server said not modified, but nothing is cached"
    assert store.get_feed(URL).last_error == outcome.message


async def test_failed_refresh_keeps_cached_entries(store: Store) -> None:
    responses = iter(
        [
            streamed(200, content=RSS),
            httpx.Response(500),
            streamed(200, content=b"<html>not a feed</html>"),
            streamed(200, content=b""),
        ]
    )
    async with client_for(lambda r: next(responses)) as client:
        ok = await refresh_feed(client, store, FeedConfig(URL))
        outcomes = [await refresh_feed(client, store, FeedConfig(URL)) for _ in range(3)]
    assert ok.total == 2
    assert [o.status for o in outcomes] == ["failed"] * 3
    assert [o.total for o in outcomes] == [2, 2, 2]
    assert outcomes[0].message == "HTTP 500 Internal Server Error"
    assert outcomes[1].message.startswith("not a feed")
    assert len(store.feed_articles(URL)) == 2
    assert store.get_feed(URL).entry_count == 2


async def test_refresh_all_caps_concurrency_and_reports_progress(store: Store) -> None:
    active = 0
    peak = 0

    async def handler(request: httpx.Request) -> httpx.Response:
        nonlocal active, peak
        active += 1
        peak = max(peak, active)
        await asyncio.sleep(0.05)
        active -= 1
        if request.url.path == "/bad":
            return httpx.Response(404)
        return streamed(200, content=RSS)

    feeds = [FeedConfig(f"https://example.org/{i}") for i in range(7)]
    feeds += [FeedConfig("https://example.org/bad"), FeedConfig("https://example.org/0")]
    progress: list[tuple[int, int]] = []
    async with client_for(handler) as client:
        outcomes = await refresh_all(
            client,
            store,
            feeds,
            limits=Limits(concurrency=3),
            on_progress=lambda done, total, outcome: progress.append((done, total)),
        )
    assert peak == 3
    assert [o.url for o in outcomes] == [f.url for f in feeds[:8]]
    assert [o.status for o in outcomes] == ["updated"] * 7 + ["failed"]
    assert progress == [(i, 8) for i in range(1, 9)]


async def test_local_feed_file_is_read_and_saved(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "feed.xml"
    path.write_bytes(ATOM)
    async with client_for(lambda r: httpx.Response(500)) as client:
        outcome = await refresh_feed(client, store, FeedConfig(str(path)))
        by_uri = await refresh_feed(client, store, FeedConfig(path.as_uri()))
    assert (outcome.status, outcome.new_count) == ("updated", 1)
    assert by_uri.status == "updated"
    (article,) = store.feed_articles(str(path))
    assert article.key == f"feed:{path}::urn:example:atom:1"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
async def test_local_fifo_is_refused_without_blocking(store: Store, tmp_path: Path) -> None:
    fifo = tmp_path / "feed.xml"
    os.mkfifo(fifo)
    async with client_for(lambda r: httpx.Response(500)) as client:
        outcome = await asyncio.wait_for(
            refresh_feed(client, store, FeedConfig(str(fifo))), timeout=5
        )
    assert outcome.status == "failed"
    assert outcome.message == "not a regular file"


async def test_local_file_too_large_and_missing(store: Store, tmp_path: Path) -> None:
    big = tmp_path / "big.xml"
    big.write_bytes(b" " * 2048)
    async with client_for(lambda r: httpx.Response(500)) as client:
        large = await refresh_feed(
            client, store, FeedConfig(str(big)), limits=Limits(max_bytes=1024)
        )
        missing = await refresh_feed(client, store, FeedConfig(str(tmp_path / "nope.xml")))
    assert large.message == "file larger than 1 KB"
    assert missing.message.startswith("cannot open the feed file")


@pytest.mark.parametrize("url", ["exec:rm -rf", "ftp://example.org/feed"])
async def test_refresh_refuses_other_schemes(store: Store, url: str) -> None:
    async with client_for(lambda r: streamed(200, content=RSS)) as client:
        outcome = await refresh_feed(client, store, FeedConfig(url))
    assert outcome.status == "failed"
    assert "unsupported scheme" in outcome.message


def test_valid_empty_feed_served_as_html_is_not_an_error() -> None:
    body = b'<?xml version="1.0"?><rss version="2.0"><channel><title>Quiet</title></channel></rss>'
    parsed = parse(body, headers={"content-type": "text/html"})
    assert (parsed.title, parsed.articles, parsed.warnings) == ("Quiet", [], [])


def test_long_ids_are_hashed_and_stay_distinct() -> None:
    items = [f"<title>{i}</title><guid isPermaLink='false'>{'x' * 5000}{i}</guid>" for i in "ab"]
    first, second = parse(rss_with_items(*items)).articles
    assert first.key.startswith(f"feed:{URL}::sha1:") and first.key != second.key
