"""What a sync service must do, and what it hands back: the protocol behind the engine.

A service speaks to one account on one server. It returns plain, typed objects; turning
their content into clean articles, and every write to the library, is the engine's job,
so a second service (Miniflux, FreshRSS, the Google Reader API) is one new module.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from tui_reader.core.sanitize import CleanError


class SyncError(CleanError):
    """A round that failed; ``message`` is one clean line naming the server and the problem."""


class SyncAuthError(SyncError):
    """The server refused the user and password (retrying will not help)."""


@dataclass(frozen=True, slots=True)
class RemoteFeed:
    """A subscription on the server."""

    id: int
    url: str
    title: str
    category: str  # "" when the feed has none


@dataclass(frozen=True, slots=True)
class RemoteEntry:
    """One article as the server has it; ``content`` is HTML, not yet cleaned."""

    id: int
    feed_id: int
    title: str
    link: str
    author: str
    updated: datetime | None  # the server's last update of the article
    content: str
    read: bool
    starred: bool


@dataclass(frozen=True, slots=True)
class RemoteStates:
    """Which articles are unread and which starred on the server, with their update times.

    ``complete`` is false when the lists were cut at a page limit: then an article
    missing from ``unread`` is not known to be read.
    """

    unread: frozenset[int]
    starred: frozenset[int]
    updated: dict[int, datetime]
    complete: bool = True


class SyncService(Protocol):
    """One account on one server. Every method raises :class:`SyncError` on failure."""

    name: str  # names the account in the library ("ttrss https://host/ alice")
    label: str  # names the server in messages ("tt-rss at https://host/")

    async def login(self) -> None: ...

    async def feeds(self) -> list[RemoteFeed]: ...

    async def entries_since(self, feed_id: int, since_id: int) -> list[RemoteEntry]:
        """The feed's articles with an id above ``since_id``, content included."""
        ...

    async def states(self) -> RemoteStates: ...

    async def mark_read(self, ids: Iterable[int], read: bool) -> None: ...

    async def star(self, ids: Iterable[int], starred: bool) -> None: ...
