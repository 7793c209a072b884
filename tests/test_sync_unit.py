"""Sync without a server: the tt-rss client's error handling (httpx.MockTransport), the
later-wins rule and the queue with a clock of the test's choosing, and the [sync] table."""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from tui_reader.core.config import load_config
from tui_reader.core.limits import Limits
from tui_reader.core.paths import database_file
from tui_reader.core.store import Store
from tui_reader.core.sync.conflict import Change, later_wins, resolve
from tui_reader.core.sync.engine import sync_round
from tui_reader.core.sync.service import SyncAuthError, SyncError
from tui_reader.core.sync.settings import (
    PasswordError,
    SyncConfig,
    parse_sync,
    resolve_password,
)
from tui_reader.core.sync.ttrss import TtrssService

URL = "https://rss.example.org/tt-rss/"
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


class FakeTtrss:
    """A tt-rss JSON API in memory, for a MockTransport: what a server answers, including
    the broken answers a test asks for."""

    def __init__(self) -> None:
        self.sessions: set[str] = set()
        self.requests: list[dict] = []
        self.broken: dict[str, httpx.Response] = {}  # op -> the answer to give instead
        self.headlines = [
            {
                "id": 11,
                "feed_id": 3,
                "title": "Hello \x1b]0;pwned\x07world",
                "link": "https://example.org/1",
                "author": "Ann",
                "updated": int(T0.timestamp()),
                "content": "<p>Body <b>one</b>\x1b[31m</p>",
                "unread": True,
                "marked": False,
            }
        ]
        self.updates: list[tuple[str, int, int]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        answer = self._handle(request)
        # Streamed, as a network answer is (the client reads bodies a chunk at a time).
        return httpx.Response(
            answer.status_code, headers=answer.headers, stream=httpx.ByteStream(answer.content)
        )

    def _handle(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        self.requests.append(body)
        op = body["op"]
        if op in self.broken:
            return self.broken.pop(op)
        if op == "login":
            if body.get("password") != "secret":
                return self._answer(1, {"error": "LOGIN_ERROR"})
            sid = f"s{len(self.sessions) + 1}"
            self.sessions.add(sid)
            return self._answer(0, {"session_id": sid, "api_level": 15})
        if body.get("sid") not in self.sessions:
            return self._answer(1, {"error": "NOT_LOGGED_IN"})
        if op == "getCategories":
            return self._answer(0, [{"id": 2, "title": "News"}])
        if op == "getFeeds":
            return self._answer(
                0, [{"id": 3, "feed_url": "https://example.org/feed", "title": "Ex", "cat_id": 2}]
            )
        if op == "getHeadlines":
            if body["feed_id"] > 0:
                return self._answer(
                    0, [h for h in self.headlines if h["id"] > body.get("since_id", 0)]
                )
            if body["feed_id"] == -1:
                return self._answer(0, [h for h in self.headlines if h["marked"]])
            return self._answer(0, [h for h in self.headlines if h["unread"]])
        if op == "updateArticle":
            self.updates.append((body["article_ids"], body["field"], body["mode"]))
            return self._answer(0, {"status": "OK", "updated": 1})
        return self._answer(1, {"error": "UNKNOWN_METHOD"})

    @staticmethod
    def _answer(status: int, content: object) -> httpx.Response:
        return httpx.Response(200, json={"seq": 0, "status": status, "content": content})


def service_for(server: FakeTtrss, password: str = "secret", limits: Limits | None = None):
    client = httpx.AsyncClient(transport=httpx.MockTransport(server))
    return TtrssService(client, URL, "alice", password, limits)


def run(coro):
    return asyncio.run(coro)


# -- the client ---------------------------------------------------------------------------
def test_wrong_password_is_an_auth_error_without_the_password() -> None:
    service = service_for(FakeTtrss(), password="hunter2")
    with pytest.raises(SyncAuthError) as caught:
        run(service.login())
    assert caught.value.message == f"tt-rss at {URL[:-1]}/: wrong user or password"
    assert "hunter2" not in caught.value.message + repr(service)


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (httpx.Response(200, content=b"<html>Welcome</html>"), "getFeeds: the answer is not JSON"),
        (httpx.Response(200, json=[1, 2]), "getFeeds: the answer is not tt-rss's API"),
        (httpx.Response(500, content=b"oops"), "HTTP 500 Internal Server Error"),
        (httpx.Response(503, content=b"", headers={"Retry-After": "60"}), "HTTP 503"),
        (httpx.Response(302, headers={"Location": "https://elsewhere/"}), "HTTP 302 Found"),
        (
            httpx.Response(200, json={"status": 0, "content": {"not": "a list"}}),
            "getFeeds: expected a list",
        ),
        (
            httpx.Response(200, json={"status": 1, "content": {"error": "\x1b[2Jbad\nthing"}}),
            "getFeeds: bad thing",
        ),
    ],
)
def test_broken_answers_become_one_clean_line(answer: httpx.Response, expected: str) -> None:
    server = FakeTtrss()
    server.broken["getFeeds"] = answer
    service = service_for(server)
    with pytest.raises(SyncError) as caught:
        run(service.feeds())
    message = caught.value.message
    assert expected in message
    assert "\n" not in message and "\x1b" not in message


def test_a_huge_answer_is_refused_at_the_feeds_size_cap() -> None:
    server = FakeTtrss()
    server.broken["getFeeds"] = httpx.Response(200, content=b"[" + b"1," * 600_000 + b"1]")
    service = service_for(server, limits=Limits(max_bytes=1024 * 1024))
    with pytest.raises(SyncError, match="response larger than 1 MB"):
        run(service.feeds())


def test_an_unreachable_server_says_so() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[Errno 111] Connection refused", request=request)

    client = httpx.AsyncClient(transport=httpx.MockTransport(refuse))  # type: ignore[arg-type]
    with pytest.raises(SyncError, match="connection refused"):
        run(TtrssService(client, URL, "alice", "secret").login())


def test_an_expired_session_logs_in_once_more_and_repeats_the_call() -> None:
    server = FakeTtrss()
    service = service_for(server)
    run(service.login())
    server.sessions.clear()  # the server forgot the session
    feeds = run(service.feeds())
    assert [f.category for f in feeds] == ["News"]
    assert [r["op"] for r in server.requests] == [
        "login", "getCategories", "login", "getCategories", "getFeeds",
    ]  # fmt: skip


def test_api_disabled_is_named() -> None:
    server = FakeTtrss()
    server.broken["getCategories"] = FakeTtrss._answer(1, {"error": "API_DISABLED"})
    service = service_for(server)
    with pytest.raises(SyncAuthError, match="API is disabled for alice"):
        run(service.feeds())


# -- a round against the in-memory API --------------------------------------------------
def test_server_content_is_cleaned_and_a_failed_round_loses_nothing() -> None:
    server = FakeTtrss()
    with Store(database_file()) as store:
        report = run(sync_round(service_for(server), store))
        assert report.new_entries == 1
        article = store.feed_articles()[0]
        assert "\x1b" not in article.title + (article.body or "")
        assert article.tags == ("News",)
        store.set_starred(article.key, True)
        for op in ("login", "getFeeds", "getHeadlines", "updateArticle"):
            server.broken[op] = httpx.Response(500)
            with pytest.raises(SyncError):
                run(sync_round(service_for(server), store))
            server.broken.clear()
            assert len(store.feed_articles()) == 1
            assert store.queue_length() == 1  # a day of errors: the change waits
            assert store.sync_status().last_error.endswith("HTTP 500 Internal Server Error")
        run(sync_round(service_for(server), store))
        assert store.queue_length() == 0
        assert store.sync_status().last_error == ""
    assert server.updates == [("11", 0, 1)]


# -- the rule ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("local_at", "server_at", "winner"),
    [
        (T0 + timedelta(seconds=1), T0, "local"),
        (T0 - timedelta(seconds=1), T0, "server"),
        (T0, T0, "server"),  # a tie: the server's copy is the one every device sees
        (None, T0, "server"),
        (T0, None, "local"),
        (datetime(2026, 3, 1, 13, 0), T0, "local"),  # a naive time is taken as UTC
    ],
)
def test_the_later_change_wins(local_at, server_at, winner) -> None:
    local, server = Change(True, local_at), Change(False, server_at)
    assert later_wins(local, server) == (local if winner == "local" else server)


def test_only_one_side_changed_means_no_conflict() -> None:
    late_server = T0 + timedelta(days=1)
    # The reader changed it, the server did not: the reader's value, however old.
    assert resolve(False, Change(True, T0 - timedelta(days=9)), False, late_server) is True
    # The server changed it, the reader did not: the server's value.
    assert resolve(False, None, True, late_server) is True
    # Both changed: the later one.
    assert resolve(False, Change(False, T0), True, late_server) is True
    assert resolve(False, Change(False, late_server + timedelta(1)), True, late_server) is False


# -- the queue ----------------------------------------------------------------------------
def _synced_store() -> tuple[Store, list[str]]:
    store = Store(database_file())
    store.remember_feed("acct", 3, "https://example.org/feed", "sync:acct#3")
    keys = [f"feed:sync:acct#3::{i}" for i in (1, 2)]
    store.remember_entries("acct", 3, [(keys[0], 1, False, False), (keys[1], 2, False, False)], 2)
    return store, keys


def test_changes_queue_one_row_each_in_order_with_their_times() -> None:
    store, keys = _synced_store()
    times = iter([T0 + timedelta(minutes=i) for i in range(4)])
    store.now = lambda: next(times).isoformat()
    store.set_starred(keys[0], True)
    store.set_read(keys[1], True)
    store.set_starred(keys[0], False)
    store.set_starred("/notes/local.md", True)  # not synced: nothing queued
    queued = store.queued("acct")
    store.close()
    assert [(c.remote_id, c.field, c.value, c.changed_at) for c in queued] == [
        (1, "starred", True, T0),
        (2, "read", True, T0 + timedelta(minutes=1)),
        (1, "starred", False, T0 + timedelta(minutes=2)),
    ]
    with Store(database_file()) as reopened:  # kept across a restart
        assert [c.id for c in reopened.queued("acct")] == [c.id for c in queued]
        reopened.delivered(queued[:2])
        assert [c.id for c in reopened.queued("acct")] == [queued[2].id]
        reopened.overruled(queued[2:])
        assert reopened.queue_length() == 0
        assert reopened.synced_entries("acct")[2] == (keys[1], True, False)


def test_mark_many_read_queues_a_row_per_synced_article() -> None:
    store, keys = _synced_store()
    store.set_read_many([*keys, "/notes/a.md"], True)
    assert [(c.remote_id, c.field) for c in store.queued("acct")] == [(1, "read"), (2, "read")]
    store.close()


# -- the [sync] table ---------------------------------------------------------------------
def _config(tmp_path: Path, text: str, mode: int = 0o600):
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)
    return load_config(path)


BASE = '[sync]\nservice = "ttrss"\nuser = "alice"\n'


@pytest.mark.parametrize(
    ("url", "extra", "accepted"),
    [
        ("https://rss.example.org/", "", True),
        ("http://rss.example.org/", "", False),
        ("http://rss.example.org/", "allow_http = true\n", True),
        ("http://127.0.0.1:8280/", "", True),
        ("http://localhost/tt-rss/", "", True),
        ("ftp://rss.example.org/", "allow_http = true\n", False),
    ],
)
def test_the_url_must_be_https_except_on_this_machine(tmp_path, url, extra, accepted) -> None:
    config = _config(tmp_path, BASE + f'url = "{url}"\npassword = "p"\n' + extra)
    assert (config.sync is not None) == accepted
    if not accepted:
        assert len(config.errors) == 1 and "[sync]" in config.errors[0]


def test_a_password_others_can_read_gets_a_warning_and_is_never_shown(tmp_path) -> None:
    text = BASE + f'url = "{URL}"\npassword = "hunter2"\n'
    config = _config(tmp_path, text, mode=0o644)
    assert config.sync is not None
    assert config.errors == [
        f"{tmp_path / 'config.toml'} holds the sync password and other users can read it;"
        " chmod 600 it, or use password_command"
    ]
    assert "hunter2" not in repr(config)
    assert _config(tmp_path, text, mode=0o600).errors == []


def test_password_command_runs_without_a_shell_and_gives_its_first_line(tmp_path) -> None:
    script = "import sys; print('first $HOME'); print('second')"
    argv = (sys.executable, "-c", script)
    config = SyncConfig("ttrss", URL, "alice", password_command=argv)
    assert resolve_password(config) == "first $HOME"  # no shell expanded $HOME
    failing = SyncConfig(
        "ttrss",
        URL,
        "alice",
        password_command=(sys.executable, "-c", "print('s3cret'); raise SystemExit(3)"),
    )
    with pytest.raises(PasswordError) as caught:
        resolve_password(failing)
    assert "exit status 3" in str(caught.value) and "s3cret" not in str(caught.value)
    missing = SyncConfig("ttrss", URL, "alice", password_command=("no-such-command-xyz",))
    with pytest.raises(PasswordError, match="command not found"):
        resolve_password(missing)


def test_password_or_command_one_of_them(tmp_path) -> None:
    sync, problems = parse_sync({"url": URL, "user": "a"}, tmp_path / "c.toml")
    assert sync is None and "either password or password_command" in problems[0]
    sync, problems = parse_sync(
        {"url": URL, "user": "a", "password_command": "pass show tt-rss"}, tmp_path / "c.toml"
    )
    assert sync is not None and sync.password_command == ("pass", "show", "tt-rss")
    assert problems == []
