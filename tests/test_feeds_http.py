"""Feed refresh against real HTTP servers on 127.0.0.1 and a real SQLite store.

pytest-httpserver covers well-behaved and hostile-but-fast servers; a raw socket server
covers the ones that hang or drip one byte at a time, which werkzeug would not let us
write. Limits are small so the slow cases end in seconds; the time assertions are
generous bounds that prove "bounded", not speed.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from feed_samples import ATOM, RSS, gzip_bomb, gzip_bytes, json_feed
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tui_reader.core.feeds.fetch import Limits, make_client
from tui_reader.core.feeds.refresh import FeedConfig, FeedOutcome, refresh_all, refresh_feed
from tui_reader.core.store import Store

FAST = Limits(read_timeout=1.0, deadline=2.0, max_bytes=1024 * 1024)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "library.db") as s:
        yield s


async def refresh(store: Store, url: str, limits: Limits = FAST, **config: object) -> FeedOutcome:
    async with make_client(limits) as client:
        return await refresh_feed(client, store, FeedConfig(url, **config), limits=limits)


# ------------------------------------------------------------------------- formats


@pytest.mark.parametrize(
    ("body", "content_type", "titles"),
    [
        (RSS, "application/rss+xml", {"First post", "Second post"}),
        (ATOM, "application/atom+xml", {"An Atom entry"}),
        (json_feed(), "application/feed+json", {"JSON one", "(untitled)"}),
    ],
    ids=["rss", "atom", "json"],
)
async def test_each_format_is_fetched_parsed_and_saved(
    httpserver: HTTPServer, store: Store, body: bytes, content_type: str, titles: set[str]
) -> None:
    httpserver.expect_request("/feed").respond_with_data(body, content_type=content_type)
    url = httpserver.url_for("/feed")
    outcome = await refresh(store, url, tags=("subscribed",))
    assert outcome.status == "updated", outcome.message
    assert outcome.new_count == outcome.total == len(titles)
    articles = store.feed_articles(url)
    assert {a.title for a in articles} == titles
    assert all(a.key.startswith(f"feed:{url}::") for a in articles)
    assert all("subscribed" in a.tags for a in articles)
    assert store.get_feed(url).last_error == ""


async def test_gzip_body_is_decoded(httpserver: HTTPServer, store: Store) -> None:
    httpserver.expect_request("/feed").respond_with_data(
        gzip_bytes(RSS), headers={"Content-Encoding": "gzip"}, content_type="application/xml"
    )
    outcome = await refresh(store, httpserver.url_for("/feed"))
    assert (outcome.status, outcome.total) == ("updated", 2)


# ------------------------------------------------------------------------- caching


async def test_conditional_get_round_trip(httpserver: HTTPServer, store: Store) -> None:
    etag = '"abc123"'
    modified = "Wed, 03 Jan 2024 10:00:00 GMT"
    received: list[dict[str, str]] = []

    def handler(request: Request) -> Response:
        received.append(dict(request.headers))
        if request.headers.get("If-None-Match") == etag:
            return Response(status=304)
        return Response(
            RSS, content_type="application/rss+xml",
            headers={"ETag": etag, "Last-Modified": modified},
        )  # fmt: skip

    httpserver.expect_request("/feed").respond_with_handler(handler)
    url = httpserver.url_for("/feed")
    first = await refresh(store, url)
    before = [(a.key, a.title, a.body) for a in store.feed_articles(url)]
    second = await refresh(store, url)
    assert first.status == "updated"
    assert second.status == "not_modified"
    assert second.total == 2
    assert "If-None-Match" not in received[0]
    assert received[0]["User-Agent"].startswith("tui-reader/")
    assert received[0]["Accept-Encoding"] == "gzip, deflate"
    assert received[1]["If-None-Match"] == etag
    assert received[1]["If-Modified-Since"] == modified
    assert [(a.key, a.title, a.body) for a in store.feed_articles(url)] == before
    record = store.get_feed(url)
    assert (record.etag, record.last_modified) == (etag, modified)


# ------------------------------------------------------------------------- failures


@pytest.mark.parametrize(
    ("status", "message"), [(404, "HTTP 404 Not Found"), (500, "HTTP 500 Internal Server Error")]
)
async def test_http_errors_fail_cleanly(
    httpserver: HTTPServer, store: Store, status: int, message: str
) -> None:
    httpserver.expect_request("/feed").respond_with_data("nope", status=status)
    url = httpserver.url_for("/feed")
    outcome = await refresh(store, url)
    assert (outcome.status, outcome.message) == ("failed", message)
    assert store.get_feed(url).last_error == message


async def test_failed_refresh_keeps_cached_entries(httpserver: HTTPServer, store: Store) -> None:
    url = httpserver.url_for("/feed")
    httpserver.expect_ordered_request("/feed").respond_with_data(
        RSS, content_type="application/rss+xml"
    )
    httpserver.expect_ordered_request("/feed").respond_with_data("down", status=503)
    httpserver.expect_ordered_request("/feed").respond_with_data("<html>login</html>")
    ok = await refresh(store, url)
    down = await refresh(store, url)
    junk = await refresh(store, url)
    assert ok.total == 2
    assert (down.status, down.total) == ("failed", 2)
    assert (junk.status, junk.total, junk.message) == ("failed", 2, "not a feed")
    assert len(store.feed_articles(url)) == 2
    assert store.get_feed(url).entry_count == 2
    assert store.get_feed(url).last_error == "not a feed"


async def test_redirect_is_followed(httpserver: HTTPServer, store: Store) -> None:
    httpserver.expect_request("/old").respond_with_data(
        "", status=301, headers={"Location": "/new"}
    )
    httpserver.expect_request("/new").respond_with_data(RSS, content_type="application/xml")
    url = httpserver.url_for("/old")
    outcome = await refresh(store, url)
    assert outcome.status == "updated"
    assert all(a.key.startswith(f"feed:{url}::") for a in store.feed_articles(url))


@pytest.mark.parametrize(
    ("location", "message"),
    [
        ("/loop", "too many redirects"),
        ("file:///etc/passwd", "redirect to unsupported scheme"),
    ],
)
async def test_bad_redirects_fail(
    httpserver: HTTPServer, store: Store, location: str, message: str
) -> None:
    httpserver.expect_request("/loop").respond_with_data(
        "", status=302, headers={"Location": location}
    )
    outcome = await refresh(store, httpserver.url_for("/loop"))
    assert outcome.status == "failed"
    assert outcome.message.startswith(message)


async def test_oversized_body_is_refused(httpserver: HTTPServer, store: Store) -> None:
    httpserver.expect_request("/big").respond_with_data(b"<rss>" + b" " * 2_000_000)
    outcome = await refresh(store, httpserver.url_for("/big"))
    assert outcome.message == "response larger than 1 MB"


async def test_oversized_body_without_length_is_cut_off(
    httpserver: HTTPServer, store: Store
) -> None:
    def endless(request: Request) -> Response:
        return Response((b" " * 65536 for _ in range(1000)), content_type="application/xml")

    httpserver.expect_request("/endless").respond_with_handler(endless)
    outcome = await refresh(store, httpserver.url_for("/endless"))
    assert outcome.message == "response larger than 1 MB"


async def test_gzip_bomb_ends_quickly(httpserver: HTTPServer, store: Store) -> None:
    bomb = gzip_bomb()  # about 1 MB on the wire, 1 GiB decoded
    assert len(bomb) < 2 * 1024 * 1024
    httpserver.expect_request("/bomb").respond_with_data(
        bomb, headers={"Content-Encoding": "gzip"}, content_type="application/xml"
    )
    limits = Limits(read_timeout=5, deadline=10)  # the default 10 MB cap
    start = time.monotonic()
    outcome = await refresh(store, httpserver.url_for("/bomb"), limits)
    assert outcome.message == "response larger than 10 MB"
    assert time.monotonic() - start < 10


async def test_stacked_encoding_is_refused(httpserver: HTTPServer, store: Store) -> None:
    httpserver.expect_request("/stacked").respond_with_data(
        gzip_bytes(gzip_bytes(RSS)), headers={"Content-Encoding": "gzip, gzip"}
    )
    outcome = await refresh(store, httpserver.url_for("/stacked"))
    assert outcome.message == "unsupported content encoding: gzip, gzip"


async def test_connection_refused(store: Store) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    outcome = await refresh(store, f"http://127.0.0.1:{port}/feed")
    assert (outcome.status, outcome.message) == ("failed", "connection refused")


# ------------------------------------------------------------------------- slow servers


class RawServer:
    """A TCP server on 127.0.0.1 whose every connection runs ``behaviour(conn, stop)``."""

    def __init__(self, behaviour: Callable[[socket.socket, threading.Event], None]) -> None:
        self.behaviour = behaviour
        self.stop = threading.Event()
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/feed"
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        with conn:
            try:
                conn.recv(65536)  # the request; its content does not matter here
                self.behaviour(conn, self.stop)
            except OSError:
                pass

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=2)
        self.sock.close()


@pytest.fixture
def raw_server() -> Iterator[Callable[..., RawServer]]:
    servers: list[RawServer] = []

    def start(behaviour: Callable[[socket.socket, threading.Event], None]) -> RawServer:
        servers.append(RawServer(behaviour))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def hang(conn: socket.socket, stop: threading.Event) -> None:
    stop.wait(10)


def trickle_body(conn: socket.socket, stop: threading.Event) -> None:
    conn.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: 100000\r\n\r\n"
    )
    while not stop.wait(0.3):  # one byte every 0.3 s: never idle for a whole read timeout
        conn.sendall(b" ")


def trickle_headers(conn: socket.socket, stop: threading.Event) -> None:
    for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 1000:
        if stop.wait(0.3):
            return
        conn.sendall(bytes([byte]))


@pytest.mark.parametrize(
    ("behaviour", "message"),
    [
        (hang, "timed out: no data for 1 s"),
        (trickle_body, "timed out after 2 s"),
        (trickle_headers, "timed out after 2 s"),
    ],
    ids=["hang", "trickle-body", "trickle-headers"],
)
async def test_slow_servers_time_out(
    raw_server: Callable[..., RawServer], store: Store, behaviour: Callable, message: str
) -> None:
    server = raw_server(behaviour)
    start = time.monotonic()
    outcome = await refresh(store, server.url)
    assert (outcome.status, outcome.message) == ("failed", message)
    assert time.monotonic() - start < 10


async def test_one_slow_feed_does_not_hold_up_the_others(
    raw_server: Callable[..., RawServer], httpserver: HTTPServer, store: Store
) -> None:
    slow = raw_server(trickle_body)
    httpserver.expect_request("/feed").respond_with_data(RSS, content_type="application/xml")
    feeds = [FeedConfig(slow.url), FeedConfig(httpserver.url_for("/feed"))]
    finished: list[tuple[float, str]] = []
    start = time.monotonic()
    async with make_client(FAST) as client:
        outcomes = await refresh_all(
            client,
            store,
            feeds,
            limits=FAST,
            on_progress=lambda d, t, o: finished.append((time.monotonic() - start, o.status)),
        )
    assert [o.status for o in outcomes] == ["failed", "updated"]
    assert finished[0][1] == "updated" and finished[0][0] < 1.5
