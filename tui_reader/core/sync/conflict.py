"""Which change wins when the reader and the server both changed an article's read or star.

The rule is the issue's: the later change wins. The reader knows when each of its own
changes was made (the queue row's time). tt-rss's API says nothing of when a read or a
star was given on the server; the one time it gives for an article is its ``updated``
time, its last update on the server, so that is the server's side of the comparison. A
tie goes to the server: it is the copy every other device sees.

Pure functions of their arguments, so tests give them any clock they like.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass(frozen=True, slots=True)
class Change:
    """A value of one flag (read or starred) and when it was set; ``at`` None: unknown."""

    value: bool
    at: datetime | None


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def later_wins(local: Change, server: Change) -> Change:
    """The change to keep. A side whose time is unknown loses to one whose time is known;
    two unknown times keep the server's value."""
    if local.at is None:
        return server
    if server.at is None:
        return local
    return local if _utc(local.at) > _utc(server.at) else server


def resolve(base: bool, local: Change | None, server: bool, server_at: datetime | None) -> bool:
    """The value a flag should have on both sides after a round.

    ``base`` is the server's value at the last round, ``local`` the reader's latest
    queued change (None if it made none), ``server`` the server's value now. Only one
    side changed: that side wins. Both changed: :func:`later_wins`.
    """
    if local is None:
        return server
    if server == base:  # only the reader changed it (or nobody did)
        return local.value
    return later_wins(local, Change(server, server_at)).value
