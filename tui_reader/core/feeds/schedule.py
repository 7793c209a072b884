"""When to fetch each feed next, and why: the user's interval, what the server asks, backoff.

The next fetch is the latest of everything that asks for one:

* the interval, ``refresh_minutes`` (global or per feed; 0 turns scheduling off);
* the server's headers: ``Cache-Control: max-age``, ``Expires``, ``Retry-After``;
* the feed's own fields: RSS ``ttl``, ``sy:updatePeriod`` / ``sy:updateFrequency``;
* after failures in a row, the interval doubled per failure, up to a day.

``skipHours`` and ``skipDays`` then move it past the hours and days the feed asks to be
left alone. A small random jitter (up to a tenth of the wait, at most five minutes)
keeps 200 feeds from all coming due in the same second. No server can push a feed
further than :data:`SERVER_CAP` away: a bad header must not silence a feed for a year.

Everything takes ``now`` and the jitter as arguments, so tests run on a clock of their
own and never wait.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from tui_reader.core.sources import FeedConfig

DAY = 24 * 3600.0
MAX_BACKOFF = DAY
SERVER_CAP = 7 * DAY
MAX_JITTER = 300.0
HEAD_BYTES = 64 * 1024  # channel-level fields come before the items
_PERIODS = {
    "hourly": 3600.0,
    "daily": DAY,
    "weekly": 7 * DAY,
    "monthly": 30 * DAY,
    "yearly": 365 * DAY,
}
_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MAX_AGE = re.compile(r"(?:^|,)\s*(?:s-)?max-age\s*=\s*\"?(\d{1,10})", re.I)
_NO_STORE = re.compile(r"(?:^|,)\s*no-(?:store|cache)\b", re.I)


def _tag(name: str) -> re.Pattern[bytes]:
    # An element's text, with or without a namespace prefix (sy:updatePeriod).
    return re.compile(rb"<(?:[\w-]+:)?" + name.encode() + rb"\b[^>]*>([^<]{0,2000})<", re.I)


_TTL = _tag("ttl")
_UPDATE_PERIOD = _tag("updatePeriod")
_UPDATE_FREQUENCY = _tag("updateFrequency")
_SKIP_HOURS = re.compile(rb"<skipHours\b[^>]*>(.{0,2000}?)</skipHours>", re.I | re.S)
_SKIP_DAYS = re.compile(rb"<skipDays\b[^>]*>(.{0,2000}?)</skipDays>", re.I | re.S)
_HOUR = re.compile(rb"<hour\b[^>]*>\s*(\d{1,2})\s*<", re.I)
_DAY = re.compile(rb"<day\b[^>]*>\s*([A-Za-z]{3,9})\s*<", re.I)


@dataclass(frozen=True, slots=True)
class ServerHints:
    """What a server and its feed ask about the next fetch, in seconds from the fetch."""

    asks: tuple[tuple[float, str], ...] = ()  # (seconds to wait, why)
    skip_hours: frozenset[int] = field(default_factory=frozenset)  # UTC hours
    skip_days: frozenset[int] = field(default_factory=frozenset)  # 0 = Monday


def hints_from(
    headers: Mapping[str, str],
    body: bytes = b"",
    now: datetime | None = None,
    retry_after: float | None = None,
) -> ServerHints:
    """Read the headers (lower-case names) and the head of the document."""
    now = now or datetime.now(UTC)
    asks: list[tuple[float, str]] = []
    cache = headers.get("cache-control", "")
    found = _MAX_AGE.search(cache)
    if found:
        asks.append((float(found.group(1)), "Cache-Control max-age"))
    elif headers.get("expires") and not _NO_STORE.search(cache):
        # max-age wins over Expires when both are given (RFC 9111 5.3).
        when = _http_date(headers["expires"])
        if when is not None:
            asks.append(((when - now).total_seconds(), "Expires"))
    if retry_after is not None:
        asks.append((retry_after, "Retry-After"))
    head = body[:HEAD_BYTES]
    ttl = _number(_TTL, head)
    if ttl:
        asks.append((ttl * 60.0, "RSS ttl"))
    period = _text(_UPDATE_PERIOD, head).lower()
    if period in _PERIODS:
        frequency = max(1, _number(_UPDATE_FREQUENCY, head) or 1)
        asks.append((_PERIODS[period] / frequency, "sy:updatePeriod"))
    hours: set[int] = set()
    days: set[int] = set()
    block = _SKIP_HOURS.search(head)
    if block:
        hours = {int(h) % 24 for h in _HOUR.findall(block.group(1))}
    block = _SKIP_DAYS.search(head)
    if block:
        names = (d.decode("ascii").lower() for d in _DAY.findall(block.group(1)))
        days = {_DAYS.index(n) for n in names if n in _DAYS}
    return ServerHints(tuple(asks), frozenset(hours), frozenset(days))


def _http_date(value: str) -> datetime | None:
    import email.utils  # here: only a refresh needs it

    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def _text(pattern: re.Pattern[bytes], head: bytes) -> str:
    found = pattern.search(head)
    return found.group(1).decode("ascii", "replace").strip() if found else ""


def _number(pattern: re.Pattern[bytes], head: bytes) -> int:
    text = _text(pattern, head)
    return int(text) if text.isdigit() and len(text) < 8 else 0


@dataclass(frozen=True, slots=True)
class Slot:
    """A feed's next fetch: when (None: not scheduled), why, and failures in a row."""

    when: datetime | None
    reason: str
    failures: int = 0


def _minutes_text(seconds: float) -> str:
    if seconds >= 3600 and seconds % 3600 == 0:
        return f"{int(seconds // 3600)} h"
    if seconds >= 60:
        return f"{round(seconds / 60)} min"
    return f"{round(seconds)} s"


def next_slot(
    now: datetime,
    minutes: int,
    *,
    failed: bool = False,
    failures: int = 0,
    hints: ServerHints | None = None,
    jitter: float = 0.0,
) -> Slot:
    """The next fetch after one that ended at ``now``. ``failures`` counts the failures
    in a row before this fetch; ``jitter`` is a random number in [0, 1)."""
    failures = failures + 1 if failed else 0
    if minutes <= 0:
        return Slot(None, "scheduled refresh off", failures)
    interval = minutes * 60.0
    wait, reason = interval, f"every {_minutes_text(interval)}"
    if failures:
        wait = min(MAX_BACKOFF, interval * 2.0**failures)
        reason = f"failed {failures}× in a row: backing off {_minutes_text(wait)}"
    for seconds, why in hints.asks if hints else ():
        seconds = min(seconds, SERVER_CAP)
        if seconds > wait:
            wait, reason = seconds, f"{why} asks {_minutes_text(seconds)}"
    wait += min(MAX_JITTER, wait / 10) * min(max(jitter, 0.0), 1.0)
    when = now + timedelta(seconds=wait)
    if hints and (hints.skip_hours or hints.skip_days):
        moved = skip(when, hints.skip_hours, hints.skip_days)
        if moved != when:
            when, reason = moved, f"{reason}; skipHours/skipDays"
    return Slot(when, reason, failures)


def skip(when: datetime, hours: frozenset[int], days: frozenset[int]) -> datetime:
    """The first moment from ``when`` on outside the skipped UTC hours and days."""
    moment = when.astimezone(UTC)
    for _ in range(24 * 8):  # a feed that skips every hour of every day: give up
        if moment.hour not in hours and moment.weekday() not in days:
            return moment
        moment = moment.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    return when


def first_slot(
    now: datetime, minutes: int, last_checked: datetime | None, jitter: float = 0.0
) -> Slot:
    """A feed with nothing scheduled yet: due an interval after its last check (now if
    it was never checked, or that moment has passed), spread by the jitter."""
    if minutes <= 0:
        return Slot(None, "scheduled refresh off")
    interval = minutes * 60.0
    when = now if last_checked is None else max(now, last_checked + timedelta(seconds=interval))
    when += timedelta(seconds=min(MAX_JITTER, interval / 10) * jitter)
    return Slot(when, f"every {_minutes_text(interval)}")


class Scheduler:
    """Every feed's :class:`Slot`, on a clock of its own (``clock``, ``rand``: tests
    pass theirs). ``minutes`` is the global ``refresh_minutes``; a feed's own wins."""

    def __init__(
        self,
        minutes: int,
        clock: Callable[[], datetime] | None = None,
        rand: Callable[[], float] | None = None,
    ) -> None:
        self.minutes = minutes
        self.clock = clock or (lambda: datetime.now(UTC))
        self.rand = rand or random.random
        self.slots: dict[str, Slot] = {}

    def minutes_for(self, feed: FeedConfig) -> int:
        return self.minutes if feed.refresh_minutes is None else feed.refresh_minutes

    def load(
        self,
        feeds: Iterable[FeedConfig],
        saved: Mapping[str, tuple[datetime | None, str, int, datetime | None]],
    ) -> None:
        """Slots from the library; a feed never scheduled is due an interval after its
        last check."""
        now = self.clock()
        for feed in feeds:
            minutes = self.minutes_for(feed)
            when, reason, failures, checked = saved.get(feed.url, (None, "", 0, None))
            if minutes <= 0:
                self.slots[feed.url] = Slot(None, "scheduled refresh off", failures)
            elif when is not None:
                # Checked since by another instance or by cron (`tui-reader refresh`):
                # an interval after that check, unless the slot asked for later.
                if checked is not None:
                    when = max(when, checked + timedelta(minutes=minutes))
                self.slots[feed.url] = Slot(when, reason, failures)
            else:
                self.slots[feed.url] = first_slot(now, minutes, checked, self.rand())

    def due(self, feeds: Iterable[FeedConfig], busy: Iterable[str] = ()) -> list[FeedConfig]:
        """The feeds whose time has come, but not those being refreshed now."""
        now = self.clock()
        skip = set(busy)
        return [
            feed
            for feed in feeds
            if feed.url not in skip
            and (slot := self.slots.get(feed.url)) is not None
            and slot.when is not None
            and slot.when <= now
        ]

    def record(self, feed: FeedConfig, failed: bool, hints: ServerHints | None) -> Slot:
        """A fetch of ``feed`` just ended: its next slot."""
        before = self.slots.get(feed.url)
        slot = next_slot(
            self.clock(),
            self.minutes_for(feed),
            failed=failed,
            failures=before.failures if before else 0,
            hints=hints,
            jitter=self.rand(),
        )
        self.slots[feed.url] = slot
        return slot
