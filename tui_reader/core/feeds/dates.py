"""Feed dates: whatever form a feed gives, an aware UTC datetime or None.

A date before 1970 or more than a day ahead is taken for a mistake and dropped, so a
broken clock on the server cannot pin an entry to the top of the list.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def plausible(value: datetime) -> datetime | None:
    """Aware UTC, or None when before 1970 or more than a day in the future."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    try:
        value = value.astimezone(UTC)
    except (OverflowError, ValueError):
        return None
    if value < EPOCH or value > datetime.now(UTC) + timedelta(days=1):
        return None
    return value


def struct_date(value: object) -> datetime | None:
    """A time tuple (feedparser's ``*_parsed`` fields, read as UTC)."""
    if not isinstance(value, (tuple, time.struct_time)) or len(value) < 6:
        return None
    try:
        year, month, day, hour, minute, second = (int(x) for x in value[:6])
        second = min(second, 59)  # leap seconds
        return plausible(datetime(year, month, day, hour, minute, second, tzinfo=UTC))
    except (TypeError, ValueError, OverflowError):
        return None


def iso_date(value: object) -> datetime | None:
    """An ISO 8601 string (JSON Feed), else any form feedparser's date parsers know."""
    if not isinstance(value, str) or not value.strip() or len(value) > 100:
        return None
    text = value.strip()
    try:
        return plausible(datetime.fromisoformat(text))
    except ValueError:
        pass
    import feedparser

    try:
        parsed = feedparser.datetimes._parse_date(text)
    except Exception:
        return None
    return struct_date(parsed)

