"""A real Tiny Tiny RSS for the sync tests, started from ``tests/ttrss/setup.sh``.

The session fixture installs (if needed) and starts PostgreSQL, tt-rss under ``php -S``
and the test feed server, and stops at the end what it started. Each test gets the
server with no subscriptions and no categories (``ttrss``), and fresh feed seeds, so
tests never see each other's articles.

Where the server cannot be had (not root, no apt-get, no network to the package
archive), the tests skip with the reason, unless ``TUI_READER_TTRSS=required`` (set by
``.ci/run``): then the fixture fails loudly, so CI never skips them by accident.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

SETUP = Path(__file__).resolve().parent / "ttrss" / "setup.sh"
PORT = int(os.environ.get("TTRSS_PORT", "8280"))
URL = f"http://127.0.0.1:{PORT}/"
USER, PASSWORD = "admin", "password"
REQUIRED = os.environ.get("TUI_READER_TTRSS", "") == "required"
SETUP_TIMEOUT = 900  # seconds: the first install downloads PostgreSQL, PHP and tt-rss
# The server's database and processes belong to root: through sudo when not root.
AS_ROOT = [] if os.geteuid() == 0 else ["sudo", "-n"]


class TtrssServer:
    """The running server, seen through its API, its database and its php process."""

    def __init__(self) -> None:
        self.sid = ""

    def call(self, op: str, **params: object) -> object:
        """One API call as another device would make it; fails the test on an error."""
        if op != "login" and not self.sid:
            self.sid = str(self.call("login", user=USER, password=PASSWORD)["session_id"])
        body = json.dumps({"op": op, "sid": self.sid, **params}).encode()
        request = urllib.request.Request(URL + "api/", data=body)
        with urllib.request.urlopen(request, timeout=60) as answer:
            reply = json.loads(answer.read())
        if reply.get("status") != 0:
            if reply.get("content", {}).get("error") == "NOT_LOGGED_IN" and op != "login":
                self.sid = ""
                return self.call(op, **params)
            raise AssertionError(f"tt-rss {op} failed: {reply}")
        return reply["content"]

    def sql(self, statement: str) -> str:
        done = subprocess.run(
            [
                *AS_ROOT,
                "su",
                "postgres",
                "-c",
                f"psql -v ON_ERROR_STOP=1 -qAt -d ttrss -c {_quote(statement)}",
            ],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        return done.stdout.strip()

    def reset(self) -> None:
        """No subscriptions and no categories, as a new account."""
        for feed in self.call("getFeeds", cat_id=-3):
            self.call("unsubscribeFeed", feed_id=feed["id"])
        self.sql("delete from ttrss_feed_categories where owner_uid = 1")

    def category(self, title: str) -> int:
        return int(
            self.sql(
                "insert into ttrss_feed_categories (owner_uid, title)"
                f" values (1, '{title}') returning id"
            ).splitlines()[0]
        )

    def subscribe(self, count: int = 3, category: int = 0) -> tuple[int, str]:
        """A new feed of ``count`` articles, fetched by tt-rss now: (feed id, seed)."""
        seed = uuid.uuid4().hex[:10]
        status = self.call(
            "subscribeToFeed",
            feed_url=f"http://0.0.0.0/feed.xml?seed={seed}&n={count}",
            category_id=category,
        )["status"]
        assert status["code"] == 1, status
        self.update(status["feed_id"])
        return status["feed_id"], seed

    def update(self, feed_id: int) -> None:
        assert self.call("updateFeed", feed_id=feed_id)["status"] == "OK"

    def grow(self, feed_id: int, seed: str, count: int) -> None:
        """The feed now has ``count`` articles; tt-rss fetches it again."""
        self.sql(
            f"update ttrss_feeds set feed_url = 'http://0.0.0.0/feed.xml?seed={seed}&n={count}',"
            f" last_updated = null, last_modified = '' where id = {int(feed_id)}"
        )
        self.update(feed_id)

    def headlines(self, feed_id: int) -> dict[str, tuple[bool, bool]]:
        """Title -> (read, starred) on the server."""
        items = self.call("getHeadlines", feed_id=feed_id, limit=200)
        return {h["title"]: (not h["unread"], h["marked"]) for h in items}

    def ids(self, feed_id: int) -> dict[str, int]:
        items = self.call("getHeadlines", feed_id=feed_id, limit=200)
        return {h["title"]: h["id"] for h in items}

    def stop_php(self) -> None:
        subprocess.run([*AS_ROOT, "sh", str(SETUP), "php-stop"], check=True, timeout=60)

    def start_php(self) -> None:
        subprocess.run(
            [*AS_ROOT, "sh", str(SETUP), "php-start"], check=True, timeout=120, capture_output=True
        )

    def answering(self) -> bool:
        try:
            urllib.request.urlopen(
                urllib.request.Request(URL + "api/", data=b'{"op":"getApiLevel"}'), timeout=5
            ).read()
        except (OSError, urllib.error.URLError):
            return False
        return True


def _quote(text: str) -> str:
    return "'" + text.replace("'", "'\"'\"'") + "'"


def _cannot(reason: str) -> None:
    if REQUIRED:
        pytest.fail(f"TUI_READER_TTRSS=required, but the tt-rss server cannot start: {reason}")
    pytest.skip(f"no tt-rss server for the sync tests: {reason}")


@pytest.fixture(scope="session")
def ttrss_session() -> Iterator[TtrssServer]:
    server = TtrssServer()
    already = server.answering()
    if not already:
        if AS_ROOT and subprocess.run([*AS_ROOT, "true"], capture_output=True).returncode:
            _cannot("tests/ttrss/setup.sh needs root or sudo (apt-get, PostgreSQL, port 80)")
        if shutil.which("apt-get") is None or shutil.which("dpkg") is None:
            _cannot("tests/ttrss/setup.sh needs Debian's apt-get (tt-rss comes from Debian 12)")
        try:
            done = subprocess.run(
                [*AS_ROOT, "sh", str(SETUP), "start"],
                capture_output=True,
                text=True,
                timeout=SETUP_TIMEOUT,
            )
        except subprocess.TimeoutExpired:
            _cannot(f"setup.sh did not finish in {SETUP_TIMEOUT} s")
        if done.returncode != 0:
            _cannot(f"setup.sh failed: {(done.stderr or done.stdout).strip()[-500:]}")
    try:
        yield server
    finally:
        if not already:
            subprocess.run([*AS_ROOT, "sh", str(SETUP), "stop"], capture_output=True, timeout=120)


@pytest.fixture
def ttrss(ttrss_session: TtrssServer) -> Iterator[TtrssServer]:
    """The server, empty, answering; left answering for the next test."""
    if not ttrss_session.answering():
        ttrss_session.start_php()
    ttrss_session.reset()
    yield ttrss_session
    if not ttrss_session.answering():
        ttrss_session.start_php()
