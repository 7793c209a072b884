"""Sync against a real Tiny Tiny RSS (tests/ttrss/setup.sh, through tests/ttrss_server.py).

Each test uses the real parts: the tt-rss JSON API over HTTP, a real library file, and
``tui-reader sync`` as a subprocess where the command line is what is tested.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from tests.ttrss_server import PASSWORD, URL, USER, TtrssServer
from tui_reader.core.feeds.fetch import make_client
from tui_reader.core.markdown.text import analyse, plain_text
from tui_reader.core.paths import config_file, database_file
from tui_reader.core.store import Store
from tui_reader.core.sync.engine import SyncReport, sync_round
from tui_reader.core.sync.service import SyncAuthError
from tui_reader.core.sync.ttrss import TtrssService


def write_config(extra: str = "", password: str = PASSWORD) -> Path:
    path = config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    text = f'[sync]\nservice = "ttrss"\nurl = "{URL}"\nuser = "{USER}"\n'
    text += extra or f'password = "{password}"\n'
    path.write_text(text, encoding="utf-8")
    path.chmod(0o600)
    return path


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui_reader", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env=os.environ.copy(),
    )


class Counting:
    """A real client whose requests are counted by API operation (an httpx event hook)."""

    def __init__(self) -> None:
        self.ops: list[dict] = []
        self.client = make_client()
        self.client.event_hooks["request"].append(self._seen)

    async def _seen(self, request: httpx.Request) -> None:
        self.ops.append(json.loads(request.content))


def run_round(store: Store, counting: Counting | None = None, service=None) -> SyncReport:
    async def go() -> SyncReport:
        client = counting.client if counting else make_client()
        async with client:
            used = service or TtrssService(client, URL, USER, PASSWORD)
            used.client = client
            return await sync_round(used, store, analyse=analyse, plain_text=plain_text)

    return asyncio.run(go())


def by_title(store: Store) -> dict[str, str]:
    return {a.title: a.key for a in store.feed_articles()}


def test_first_sync_brings_feeds_with_categories_as_tags_and_their_articles(
    ttrss: TtrssServer,
) -> None:
    tech = ttrss.category("Tech")
    ttrss.subscribe(3, category=tech)
    _, plain_seed = ttrss.subscribe(2)
    write_config()

    done = cli("sync")

    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("synced: 2 feeds, 5 new articles")
    assert PASSWORD not in done.stdout + done.stderr
    with Store(database_file()) as store:
        feeds = {f.title: f for f in store.feeds()}
        articles = store.feed_articles()
    assert len(feeds) == 2
    tagged = [f for f in feeds.values() if f.tags == ("Tech",)]
    assert len(tagged) == 1 and tagged[0].entry_count == 3
    assert feeds[f"Sync feed {plain_seed}"].tags == ()
    assert len(articles) == 5
    first = next(a for a in articles if a.title == f"Entry 1 of {plain_seed}")
    assert "Text number 1" in (first.body or "")
    assert first.link.startswith("http://example.com/")
    # The password reached neither the library nor its log.
    for path in database_file().parent.iterdir():
        assert PASSWORD.encode() + b'"' not in path.read_bytes()


def test_second_sync_with_nothing_new_sends_one_small_request_per_feed(
    ttrss: TtrssServer,
) -> None:
    first_feed, seed = ttrss.subscribe(3)
    ttrss.subscribe(2)
    with Store(database_file()) as store:
        run_round(store)
        counting = Counting()
        report = run_round(store, counting)
        assert report.new_entries == 0
        per_feed = [op for op in counting.ops if op["op"] == "getHeadlines" and op["feed_id"] > 0]
        assert sorted(op["feed_id"] for op in per_feed) == sorted([first_feed, first_feed + 1])
        assert all(op["since_id"] > 0 for op in per_feed)  # from the last id, not the history
        # A new article on the server comes in the next round, and only it.
        ttrss.grow(first_feed, seed, 4)
        report = run_round(store)
        assert report.new_entries == 1
        assert f"Entry 4 of {seed}" in by_title(store)
        assert len(store.feed_articles()) == 6


def test_read_and_star_on_the_server_come_to_the_reader(ttrss: TtrssServer) -> None:
    feed, seed = ttrss.subscribe(3)
    ids = ttrss.ids(feed)
    with Store(database_file()) as store:
        run_round(store)
        keys = by_title(store)
        assert not store.state(keys[f"Entry 1 of {seed}"]).read
        ttrss.call("updateArticle", article_ids=str(ids[f"Entry 1 of {seed}"]), field=2, mode=0)
        ttrss.call("updateArticle", article_ids=str(ids[f"Entry 2 of {seed}"]), field=0, mode=1)
        report = run_round(store)
        assert store.state(keys[f"Entry 1 of {seed}"]).read
        assert store.state(keys[f"Entry 2 of {seed}"]).starred
        assert not store.state(keys[f"Entry 3 of {seed}"]).read
        assert len(report.changed) == 2
        assert store.queued(TtrssService(None, URL, USER, "").name) == []  # type: ignore[arg-type]


def test_star_and_read_in_the_reader_reach_the_server(ttrss: TtrssServer) -> None:
    feed, seed = ttrss.subscribe(3)
    with Store(database_file()) as store:
        run_round(store)
        keys = by_title(store)
        store.set_starred(keys[f"Entry 2 of {seed}"], True)
        store.set_read(keys[f"Entry 3 of {seed}"], True)
        report = run_round(store)
        assert report.delivered == 2
        assert store.queue_length() == 0
    server = ttrss.headlines(feed)
    assert server[f"Entry 2 of {seed}"] == (False, True)
    assert server[f"Entry 3 of {seed}"] == (True, False)
    assert server[f"Entry 1 of {seed}"] == (False, False)


def test_conflict_the_later_change_wins(ttrss: TtrssServer) -> None:
    """tt-rss starred both articles after the last round; the reader unstarred both,
    one before the server's article time and one after it."""
    feed, seed = ttrss.subscribe(3)
    ids = ttrss.ids(feed)
    early, late = f"Entry 1 of {seed}", f"Entry 2 of {seed}"
    with Store(database_file()) as store:
        run_round(store)
        keys = by_title(store)
        ttrss.call("updateArticle", article_ids=f"{ids[early]},{ids[late]}", field=0, mode=1)
        # The feed's articles were last updated on the server on 2025-12-02 and later.
        store.now = lambda: datetime(2025, 1, 1, tzinfo=UTC).isoformat()
        store.set_starred(keys[early], False)
        store.now = lambda: datetime.now(UTC).isoformat()
        store.set_starred(keys[late], False)
        report = run_round(store)
        assert report.overruled == 1 and report.delivered == 1
        assert store.state(keys[early]).starred  # the server's later star won
        assert not store.state(keys[late]).starred  # the reader's later unstar won
    server = ttrss.headlines(feed)
    assert server[early] == (False, True)
    assert server[late] == (False, False)


def test_session_that_expires_mid_sync_is_renewed_and_nothing_is_lost(
    ttrss: TtrssServer,
) -> None:
    feed, seed = ttrss.subscribe(3)
    with Store(database_file()) as store:
        counting = Counting()

        async def expiring() -> None:
            async with counting.client:
                service = TtrssService(counting.client, URL, USER, PASSWORD)
                await sync_round(service, store)
                keys = by_title(store)
                store.set_starred(keys[f"Entry 3 of {seed}"], True)
                await service.feeds()
                # The session ends on the server between two calls, as tt-rss's own
                # expiry ends it: the next call is refused, and logs in again.
                ttrss.sql(f"delete from ttrss_sessions where id = '{service.sid}'")
                await service.star([ttrss.ids(feed)[f"Entry 2 of {seed}"]], True)
                await sync_round(service, store)

        asyncio.run(expiring())
        ops = [op["op"] for op in counting.ops]
        # Round one logs in; the star is refused, logs in again, and is sent again.
        star_calls = [i for i, op in enumerate(ops) if op == "updateArticle"]
        assert ops[star_calls[0] + 1] == "login" and ops[star_calls[0] + 2] == "updateArticle"
        assert len(store.feed_articles()) == 3
        assert store.queue_length() == 0
    server = ttrss.headlines(feed)
    assert server[f"Entry 3 of {seed}"] == (False, True)
    assert server[f"Entry 2 of {seed}"] == (False, True)


def test_a_wrong_password_is_one_line_and_exit_1(ttrss: TtrssServer) -> None:
    ttrss.subscribe(1)
    write_config(password="not-the-password")
    done = cli("sync")
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        f"tui-reader: sync failed: tt-rss at {URL}: wrong user or password"
    ]
    assert "not-the-password" not in done.stderr

    async def attempt() -> None:
        async with make_client() as client:
            await TtrssService(client, URL, USER, "wrong").login()

    with pytest.raises(SyncAuthError):
        asyncio.run(attempt())


def test_password_command_first_line_is_the_password(ttrss: TtrssServer, tmp_path: Path) -> None:
    ttrss.subscribe(2)
    script = tmp_path / "secret.py"
    script.write_text(f"print({PASSWORD!r})\nprint('second line, ignored')\n")
    write_config(f'password_command = ["{sys.executable}", "{script}"]\n')
    done = cli("sync")
    assert done.returncode == 0, done.stderr
    assert "2 new articles" in done.stdout
    assert PASSWORD not in done.stdout + done.stderr


def test_offline_changes_wait_in_the_library_and_go_in_order(ttrss: TtrssServer) -> None:
    feed, seed = ttrss.subscribe(3)
    write_config()
    assert cli("sync").returncode == 0
    ttrss.stop_php()
    with Store(database_file()) as store:
        keys = by_title(store)
        one, two = keys[f"Entry 1 of {seed}"], keys[f"Entry 2 of {seed}"]
        store.set_starred(one, True)
        store.set_starred(two, True)
        store.set_starred(one, False)  # in order: one ends unstarred
        store.set_read(two, True)
    done = cli("sync")
    assert done.returncode == 1
    assert done.stderr.strip() == (f"tui-reader: sync failed: tt-rss at {URL}: connection refused")
    with Store(database_file()) as store:
        assert store.queue_length() == 4  # kept across the failed round and the reopening
        assert store.sync_status().last_error.endswith("connection refused")
        assert len(store.feed_articles()) == 3
    ttrss.start_php()
    done = cli("sync")
    assert done.returncode == 0, done.stderr
    assert "4 changes sent" in done.stdout
    server = ttrss.headlines(feed)
    assert server[f"Entry 1 of {seed}"] == (False, False)
    assert server[f"Entry 2 of {seed}"] == (True, True)


def test_a_server_answering_errors_keeps_the_queue_until_it_answers_again(
    ttrss: TtrssServer,
) -> None:
    feed, seed = ttrss.subscribe(2)
    write_config()
    assert cli("sync").returncode == 0
    with Store(database_file()) as store:
        store.set_read(by_title(store)[f"Entry 1 of {seed}"], True)
    api = "pref_name = 'ENABLE_API_ACCESS' and owner_uid = 1"
    ttrss.sql(f"update ttrss_user_prefs set value = 'false' where {api}")
    try:
        for _ in range(2):  # round after round of error answers
            done = cli("sync")
            assert done.returncode == 1
            assert done.stderr.strip().endswith("the API is disabled for admin")
    finally:
        ttrss.sql(f"update ttrss_user_prefs set value = 'true' where {api}")
    with Store(database_file()) as store:
        assert store.queue_length() == 1
        assert len(store.feed_articles()) == 2
    done = cli("sync")
    assert done.returncode == 0, done.stderr
    assert ttrss.headlines(feed)[f"Entry 1 of {seed}"] == (True, False)


def test_a_feed_both_configured_and_on_the_server_comes_from_the_server_once(
    ttrss: TtrssServer,
) -> None:
    _, seed = ttrss.subscribe(3)
    url = f"http://0.0.0.0/feed.xml?seed={seed}&n=3"
    write_config(f'password = "{PASSWORD}"\n\n[[feeds]]\nurl = "{url}"\ntitle = "Mine"\n')
    assert cli("sync").returncode == 0
    done = cli("refresh")
    assert done.returncode == 0, done.stderr
    assert "skipped   Mine: synced from the server" in done.stdout
    with Store(database_file()) as store:
        assert store.get_feed(url) is None  # not fetched a second time
        assert len(store.feed_articles()) == 3


async def test_in_the_reader_a_local_copy_leaves_the_list_once_the_server_has_the_feed(
    ttrss: TtrssServer,
) -> None:
    """A configured feed fetched before sync was set up: the first round in the reader
    brings the server's copy, and the local one leaves the list at once, not at the next
    start (the feed is shown once, from the server)."""
    from tests.pilot_wait import settle, wait_until
    from tui_reader.core.sources import FeedConfig
    from tui_reader.core.sync.settings import SyncConfig
    from tui_reader.ui.app import ReaderApp

    _, seed = ttrss.subscribe(3)
    url = f"http://0.0.0.0/feed.xml?seed={seed}&n=3"
    path = config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'[[feeds]]\nurl = "{url}"\ntitle = "Mine"\nfull_text = false\n')
    done = cli("refresh")  # the local copy, before any sync
    assert done.returncode == 0, done.stderr
    store = Store(database_file())
    assert len(store.feed_articles(url)) == 3
    sync = SyncConfig("ttrss", URL, USER, password=PASSWORD)
    app = ReaderApp(feeds=[FeedConfig(url, "Mine", full_text="false")], store=store, sync=sync)
    async with app.run_test(size=(160, 48)) as pilot:
        runner = app.sync_runner
        assert runner is not None
        runner.start_after = 0.0
        await wait_until(pilot, lambda: runner.store_urls, tries=3000)
        await wait_until(pilot, lambda: not runner.running, tries=3000)
        await settle(app, pilot)
        titles = [a.title for a in app.library.articles]
        assert len(titles) == 3, titles  # once, not the local copy beside the server's
        assert all(a.source in runner.store_urls for a in app.library.articles)
