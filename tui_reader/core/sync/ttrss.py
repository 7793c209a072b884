"""Tiny Tiny RSS's JSON API (level 15, Debian 12's package) as a :class:`SyncService`.

Every call is one POST of JSON to ``<url>/api/`` through :func:`~tui_reader.core.feeds.fetch.post`,
so answers get the same deadline, size cap and decompression limits as feeds. An answer
that is not the API's JSON, or says an error, becomes one :class:`SyncError` line; a
session that expired (``NOT_LOGGED_IN``) is renewed once, and the call repeated.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import httpx

from tui_reader.core.feeds.fetch import post
from tui_reader.core.limits import FetchError, Limits
from tui_reader.core.sanitize import clean_line
from tui_reader.core.sync.service import (
    RemoteEntry,
    RemoteFeed,
    RemoteStates,
    SyncAuthError,
    SyncError,
)

PAGE = 200  # the most getHeadlines returns at once
CONTENT_PAGE = 50  # with content: 50 long articles stay far below the 10 MB answer cap
MAX_PAGES = 50  # per list in one round: 10,000 articles
UNCATEGORIZED = 0
ALL_ARTICLES, STARRED = -4, -1  # tt-rss's virtual feeds
FIELD_STARRED, FIELD_UNREAD = 0, 2  # updateArticle's fields


class TtrssService:
    """One tt-rss account. ``client`` is passed in (a MockTransport in unit tests)."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        url: str,
        user: str,
        password: str,
        limits: Limits | None = None,
    ) -> None:
        self.client = client
        base = url.rstrip("/")
        self.api = base if base.endswith("/api") else base + "/api/"
        if not self.api.endswith("/"):
            self.api += "/"
        self.user = user
        self._password = password
        self.limits = limits or Limits()
        self.sid: str | None = None
        self.name = f"ttrss {base}/ {user}"
        self.label = f"tt-rss at {clean_line(base, 200)}/"

    def __repr__(self) -> str:  # no password, no session id
        return f"TtrssService({self.label!r}, user={self.user!r})"

    async def login(self) -> None:
        self.sid = None
        try:
            content = await self._call("login", user=self.user, password=self._password)
        except SyncError as exc:
            if "LOGIN_ERROR" in exc.message:
                raise SyncAuthError(f"{self.label}: wrong user or password") from None
            raise
        sid = content.get("session_id") if isinstance(content, dict) else None
        if not isinstance(sid, str) or not sid:
            raise SyncError(f"{self.label}: login answered without a session")
        self.sid = sid

    async def feeds(self) -> list[RemoteFeed]:
        categories = await self.call("getCategories", include_empty=True)
        titles = {
            _int(c.get("id")): clean_line(c.get("title", ""), 200)
            for c in _objects(categories, "getCategories")
        }
        feeds = []
        for item in _objects(await self.call("getFeeds", cat_id=-3), "getFeeds"):
            feed_id, category = _int(item.get("id")), _int(item.get("cat_id"))
            url = item.get("feed_url")
            if feed_id <= 0 or not isinstance(url, str) or not url:
                continue  # not a real subscription: skipped, not fatal
            feeds.append(
                RemoteFeed(
                    id=feed_id,
                    url=clean_line(url, 4096),
                    title=clean_line(item.get("title", ""), 500),
                    category="" if category == UNCATEGORIZED else titles.get(category, ""),
                )
            )
        return feeds

    async def entries_since(self, feed_id: int, since_id: int) -> list[RemoteEntry]:
        entries: list[RemoteEntry] = []
        for page in range(MAX_PAGES):
            items = await self.call(
                "getHeadlines",
                feed_id=feed_id,
                since_id=since_id,
                show_content=True,
                limit=CONTENT_PAGE,
                skip=page * CONTENT_PAGE,
                order_by="date_reverse",
            )
            batch = _objects(items, "getHeadlines")
            entries.extend(e for e in map(_entry, batch) if e is not None)
            if len(batch) < CONTENT_PAGE:
                break
        return entries

    async def states(self) -> RemoteStates:
        unread, complete_unread, updated = await self._ids(ALL_ARTICLES, view_mode="unread")
        starred, complete_starred, more = await self._ids(STARRED)
        updated.update(more)
        return RemoteStates(unread, starred, updated, complete_unread and complete_starred)

    async def _ids(self, feed_id: int, **params: object) -> tuple[frozenset[int], bool, dict]:
        ids: set[int] = set()
        updated: dict[int, datetime] = {}
        for page in range(MAX_PAGES):
            items = await self.call(
                "getHeadlines", feed_id=feed_id, limit=PAGE, skip=page * PAGE, **params
            )
            batch = _objects(items, "getHeadlines")
            for item in batch:
                if (article := _int(item.get("id"))) > 0:
                    ids.add(article)
                    if (when := _time(item.get("updated"))) is not None:
                        updated[article] = when
            if len(batch) < PAGE:
                return frozenset(ids), True, updated
        return frozenset(ids), False, updated

    async def mark_read(self, ids: Iterable[int], read: bool) -> None:
        await self._update(ids, FIELD_UNREAD, 0 if read else 1)

    async def star(self, ids: Iterable[int], starred: bool) -> None:
        await self._update(ids, FIELD_STARRED, 1 if starred else 0)

    async def _update(self, ids: Iterable[int], field: int, mode: int) -> None:
        joined = ",".join(str(int(i)) for i in ids)
        if joined:
            await self.call("updateArticle", article_ids=joined, field=field, mode=mode)

    async def call(self, op: str, **params: object) -> Any:
        """One API call with the session, logging in first or again when it expired."""
        if self.sid is None:
            await self.login()
        try:
            return await self._call(op, sid=self.sid, **params)
        except SyncError as exc:
            if "NOT_LOGGED_IN" not in exc.message:
                raise
        await self.login()  # the session expired mid-sync: once more, with a new one
        return await self._call(op, sid=self.sid, **params)

    async def _call(self, op: str, **params: object) -> Any:
        body = json.dumps({"op": op, **params}).encode()
        try:
            answer = json.loads(await post(self.client, self.api, body, limits=self.limits))
        except FetchError as exc:
            raise SyncError(f"{self.label}: {exc.message}") from None
        except (ValueError, RecursionError):
            raise SyncError(f"{self.label}: {op}: the answer is not JSON") from None
        if not isinstance(answer, dict) or "status" not in answer or "content" not in answer:
            raise SyncError(f"{self.label}: {op}: the answer is not tt-rss's API")
        content = answer["content"]
        if answer["status"] != 0:
            error = content.get("error") if isinstance(content, dict) else None
            if error == "API_DISABLED":
                raise SyncAuthError(f"{self.label}: the API is disabled for {self.user}")
            raise SyncError(f"{self.label}: {op}: {clean_line(error or 'error', 100)}")
        return content


def _objects(value: object, op: str) -> list[dict]:
    if not isinstance(value, list):
        raise SyncError(f"tt-rss: {op}: expected a list in the answer")
    return [item for item in value if isinstance(item, dict)]


def _int(value: object) -> int:
    if isinstance(value, bool):
        return -(10**9)
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.lstrip("-").isdigit() and len(value) < 19:
        return int(value)
    return -(10**9)  # never a valid id


def _time(value: object) -> datetime | None:
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**33:
        return datetime.fromtimestamp(value, UTC)
    return None


def _text(value: object, limit: int) -> str:
    return clean_line(value, limit) if isinstance(value, str) else ""


def _entry(item: dict) -> RemoteEntry | None:
    """A headline as a typed entry; one that lacks an id or a feed is skipped."""
    article, feed = _int(item.get("id")), _int(item.get("feed_id"))
    if article <= 0 or feed <= 0:
        return None
    content = item.get("content")
    return RemoteEntry(
        id=article,
        feed_id=feed,
        title=_text(item.get("title"), 1000),
        link=_text(item.get("link"), 4096),
        author=_text(item.get("author"), 200),
        updated=_time(item.get("updated")),
        content=content if isinstance(content, str) else "",
        read=item.get("unread") is False,
        starred=item.get("marked") is True,
    )
