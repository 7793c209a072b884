"""Scheduled refresh: the next fetch on a clock the tests hold, and real servers' asks.

No test waits: the scheduler takes ``clock`` and ``rand``, and the server tests check the
slot a real response leads to.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from feed_samples import RSS, rss_with_items
from pytest_httpserver import HTTPServer

from tui_reader.core.feeds.fetch import Limits, make_client
from tui_reader.core.feeds.refresh import refresh_feed
from tui_reader.core.feeds.schedule import (
    MAX_BACKOFF,
    Scheduler,
    first_slot,
    hints_from,
    next_slot,
)
from tui_reader.core.sources import FeedConfig
from tui_reader.core.store import Store

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)  # a Monday
FAST = Limits(read_timeout=1.0, deadline=2.0, max_bytes=1024 * 1024)


class Clock:
    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "library.db") as s:
        yield s


def wait_of(slot_when: datetime | None, now: datetime = NOW) -> float:
    assert slot_when is not None
    return (slot_when - now).total_seconds()


# --------------------------------------------------------------------- the rules


def test_the_interval_alone_schedules_a_feed() -> None:
    slot = next_slot(NOW, 60)
    assert wait_of(slot.when) == 3600
    assert slot.reason == "every 1 h"


def test_zero_minutes_turns_the_schedule_off() -> None:
    assert next_slot(NOW, 0).when is None
    assert first_slot(NOW, 0, None).when is None


@pytest.mark.parametrize(
    ("headers", "body", "seconds", "why"),
    [
        ({"cache-control": "public, max-age=7200"}, b"", 7200, "Cache-Control max-age"),
        (
            {"expires": format_datetime(NOW + timedelta(hours=3), usegmt=True)},
            b"",
            10800,
            "Expires",
        ),
        ({}, b"<rss><channel><ttl>180</ttl></channel></rss>", 10800, "RSS ttl"),
        (
            {},
            b'<rdf:RDF xmlns:sy="http://purl.org/rss/1.0/modules/syndication/">'
            b"<sy:updatePeriod>daily</sy:updatePeriod>"
            b"<sy:updateFrequency>4</sy:updateFrequency></rdf:RDF>",
            21600,
            "sy:updatePeriod",
        ),
    ],
    ids=["max-age", "expires", "ttl", "sy"],
)
def test_the_server_can_ask_for_longer(
    headers: dict[str, str], body: bytes, seconds: float, why: str
) -> None:
    slot = next_slot(NOW, 60, hints=hints_from(headers, body, NOW))
    assert wait_of(slot.when) == seconds
    assert slot.reason.startswith(why)


def test_the_longest_ask_wins_and_shorter_asks_change_nothing() -> None:
    hints = hints_from(
        {"cache-control": "max-age=60", "retry-after": "0"},
        b"<channel><ttl>300</ttl></channel>",
        NOW,
        retry_after=7200.0,
    )
    slot = next_slot(NOW, 60, hints=hints)
    assert wait_of(slot.when) == 5 * 3600  # ttl 300 min beats Retry-After 2 h and max-age
    short = next_slot(NOW, 60, hints=hints_from({"cache-control": "max-age=60"}, b"", NOW))
    assert wait_of(short.when) == 3600


def test_max_age_wins_over_expires() -> None:
    later = format_datetime(NOW + timedelta(days=2), usegmt=True)
    hints = hints_from({"cache-control": "max-age=7200", "expires": later}, b"", NOW)
    assert wait_of(next_slot(NOW, 60, hints=hints).when) == 7200


def test_skip_hours_and_days_move_the_fetch() -> None:
    body = (
        b"<rss><channel><skipHours><hour>10</hour><hour>11</hour></skipHours>"
        b"<skipDays><day>Tuesday</day></skipDays></channel></rss>"
    )
    slot = next_slot(NOW, 60, hints=hints_from({}, body, NOW))
    assert slot.when == datetime(2026, 3, 2, 12, 0, tzinfo=UTC)  # 10:30 and 11:00 skipped
    assert "skipHours" in slot.reason
    late = NOW.replace(hour=23, minute=30)
    slot = next_slot(late, 60, hints=hints_from({}, body, late))
    assert slot.when == datetime(2026, 3, 4, 0, 0, tzinfo=UTC)  # all of Tuesday skipped


def test_failures_back_off_exponentially_up_to_a_day() -> None:
    scheduler = Scheduler(60, clock=Clock(), rand=lambda: 0.0)
    feed = FeedConfig("https://example.org/feed")
    waits = [wait_of(scheduler.record(feed, True, None).when) for _ in range(8)]
    assert waits == [7200, 14400, 28800, 57600, MAX_BACKOFF, MAX_BACKOFF, MAX_BACKOFF, MAX_BACKOFF]
    assert "failed 8× in a row" in scheduler.slots[feed.url].reason
    slot = scheduler.record(feed, False, None)  # one success: back to the interval
    assert (slot.failures, wait_of(slot.when)) == (0, 3600)


def test_jitter_is_small_and_bounded() -> None:
    assert wait_of(next_slot(NOW, 1, jitter=0.999).when) < 60 * 1.1
    assert wait_of(next_slot(NOW, 600, jitter=0.999).when) <= 600 * 60 + 300


def test_a_bad_server_cannot_silence_a_feed_for_a_year() -> None:
    hints = hints_from({"cache-control": "max-age=99999999"}, b"", NOW)
    assert wait_of(next_slot(NOW, 60, hints=hints).when) == 7 * 24 * 3600


def test_scheduler_finds_due_feeds_on_its_clock() -> None:
    clock = Clock()
    scheduler = Scheduler(10, clock=clock, rand=lambda: 0.0)
    quick = FeedConfig("https://a.example/feed", refresh_minutes=1)
    slow = FeedConfig("https://b.example/feed")
    off = FeedConfig("https://c.example/feed", refresh_minutes=0)
    checked = NOW - timedelta(minutes=3)
    scheduler.load([quick, slow, off], {u.url: (None, "", 0, checked) for u in (quick, slow)})
    assert scheduler.due([quick, slow, off]) == [quick]  # its minute passed
    assert scheduler.due([quick, slow, off], busy={quick.url}) == []
    clock.now = NOW + timedelta(minutes=7)
    assert scheduler.due([quick, slow, off]) == [quick, slow]
    clock.now = NOW + timedelta(days=30)
    assert off not in scheduler.due([quick, slow, off])


# ------------------------------------------------------------------ real servers


async def refresh(store: Store, url: str):
    async with make_client(FAST) as client:
        return await refresh_feed(client, store, FeedConfig(url), limits=FAST)


async def test_cache_control_from_a_real_server_is_obeyed(
    httpserver: HTTPServer, store: Store
) -> None:
    httpserver.expect_request("/feed").respond_with_data(
        RSS, content_type="application/rss+xml", headers={"Cache-Control": "max-age=10800"}
    )
    url = httpserver.url_for("/feed")
    outcome = await refresh(store, url)
    assert outcome.status == "updated"
    scheduler = Scheduler(60, clock=Clock(), rand=lambda: 0.0)
    slot = scheduler.record(FeedConfig(url), False, outcome.hints)
    assert wait_of(slot.when) == 10800
    assert slot.reason == "Cache-Control max-age asks 3 h"


async def test_retry_after_from_a_real_server_is_obeyed(
    httpserver: HTTPServer, store: Store
) -> None:
    httpserver.expect_request("/feed").respond_with_data(
        "busy", status=503, headers={"Retry-After": "600"}
    )
    url = httpserver.url_for("/feed")
    outcome = await refresh(store, url)
    assert outcome.status == "failed"
    scheduler = Scheduler(1, clock=Clock(), rand=lambda: 0.0)
    slot = scheduler.record(FeedConfig(url), True, outcome.hints)
    assert wait_of(slot.when) == 600  # longer than the 2-minute backoff
    assert slot.reason.startswith("Retry-After")
    assert slot.failures == 1


async def test_ttl_and_expires_on_a_304_still_count(httpserver: HTTPServer, store: Store) -> None:
    body = rss_with_items("<title>One</title><guid>1</guid>").replace(
        b"<channel>", b"<channel><ttl>120</ttl>"
    )
    httpserver.expect_ordered_request("/feed").respond_with_data(
        body, content_type="application/rss+xml", headers={"ETag": '"v1"'}
    )
    expires = format_datetime(datetime.now(UTC) + timedelta(hours=4), usegmt=True)
    httpserver.expect_ordered_request("/feed").respond_with_data(
        b"", status=304, headers={"Expires": expires}
    )
    url = httpserver.url_for("/feed")
    first = await refresh(store, url)
    assert first.hints is not None and (7200.0, "RSS ttl") in first.hints.asks
    second = await refresh(store, url)
    assert second.status == "not_modified"
    assert second.hints is not None
    assert [why for _seconds, why in second.hints.asks] == ["Expires"]


async def test_schedule_is_saved_and_read_back(store: Store, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed").respond_with_data(RSS, content_type="application/rss+xml")
    url = httpserver.url_for("/feed")
    await refresh(store, url)
    when = NOW + timedelta(minutes=61)
    store.save_schedule(url, when, "every 1 h", 2)
    saved = store.schedules()[url]
    assert saved[:3] == (when, "every 1 h", 2)


def test_a_check_by_cron_since_the_last_slot_pushes_the_feed_on() -> None:
    clock = Clock()
    scheduler = Scheduler(60, clock=clock, rand=lambda: 0.0)
    feed = FeedConfig("https://example.org/feed")
    saved = {feed.url: (NOW - timedelta(minutes=5), "every 1 h", 0, NOW - timedelta(minutes=2))}
    scheduler.load([feed], saved)
    assert scheduler.due([feed]) == []  # cron refreshed it two minutes ago
    assert scheduler.slots[feed.url].when == NOW + timedelta(minutes=58)
