"""One sync round: the server's feeds and new articles into the library, then read and
star state both ways, the reader's queued changes delivered in order.

A round reads the server first and writes the library feed by feed, so a failure half way
keeps what was saved and the next round carries on from each feed's last article id.
Nothing already in the library is deleted. Every failure is one :class:`SyncError` line,
and the account's status (``store.sync_status``) says what happened.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime

from tui_reader.core.article import Article
from tui_reader.core.feeds.build import Analyse, ArticleBuilder
from tui_reader.core.feeds.model import Entry
from tui_reader.core.sanitize import clean_error
from tui_reader.core.store import Store, StoreError
from tui_reader.core.store.sync_tables import QueuedChange, SyncedFeed
from tui_reader.core.sync.conflict import Change, resolve
from tui_reader.core.sync.service import (
    RemoteEntry,
    RemoteFeed,
    RemoteStates,
    SyncError,
    SyncService,
)

PlainText = Callable[[str], str]


@dataclass
class SyncReport:
    """What a round did. ``changed`` lists (key, field, value) the server set here."""

    feeds: int = 0
    new_entries: int = 0
    delivered: int = 0
    overruled: int = 0
    changed: list[tuple[str, str, bool]] = field(default_factory=list)
    updated_feeds: list[str] = field(default_factory=list)  # store URLs with new articles
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = (
            f"{self.feeds} feeds, {self.new_entries} new articles, {self.delivered} changes"
            f" sent, {len(self.changed)} changes received"
        )
        if self.overruled:
            text += f", {self.overruled} overruled by later server changes"
        return text


def store_url(account: str, remote_id: int) -> str:
    """Where a server feed's articles live in the library: apart from any feed fetched
    directly, so the same feed configured locally never mixes into it."""
    return f"sync:{account}#{remote_id}"


async def sync_round(
    service: SyncService,
    store: Store,
    *,
    analyse: Analyse | None = None,
    plain_text: PlainText | None = None,
) -> SyncReport:
    """Run one round. Raises :class:`SyncError` (already recorded as the status)."""
    try:
        report = await _round(service, store, analyse, plain_text)
    except SyncError as exc:
        await _record(store, service.name, exc.message)
        raise
    except StoreError as exc:
        message = f"{service.label}: could not save: {clean_error(exc)}"
        await _record(store, service.name, message)
        raise SyncError(message) from None
    await _record(store, service.name, "")
    return report


async def _record(store: Store, account: str, error: str) -> None:
    with suppress(StoreError):  # the round's own outcome is what the caller reports
        await asyncio.to_thread(store.record_sync, account, error)


async def _round(
    service: SyncService, store: Store, analyse: Analyse | None, plain_text: PlainText | None
) -> SyncReport:
    report = SyncReport()
    account = service.name
    await service.login()
    remote_feeds = await service.feeds()
    known = {f.remote_id: f for f in await asyncio.to_thread(store.synced_feeds, account)}
    for remote in remote_feeds:
        mapped = known.get(remote.id) or SyncedFeed(
            remote.id, remote.url, store_url(account, remote.id), 0
        )
        entries = await service.entries_since(remote.id, mapped.last_id)
        await asyncio.to_thread(
            _save_feed, store, account, remote, mapped, entries, analyse, plain_text, report
        )
    report.feeds = len(remote_feeds)
    states = await service.states()
    base = await asyncio.to_thread(store.synced_entries, account)
    queue = await asyncio.to_thread(store.queued, account)
    deliver, overruled, take = _merge(base, queue, states)
    if overruled:
        await asyncio.to_thread(store.overruled, overruled)
        report.overruled = len(overruled)
    if take:
        await asyncio.to_thread(store.take_server_values, take)
        report.changed.extend(take)
    for group in _runs(deliver):
        ids = [change.remote_id for change in group]
        if group[0].field == "read":
            await service.mark_read(ids, group[0].value)
        else:
            await service.star(ids, group[0].value)
        await asyncio.to_thread(store.delivered, group)
        report.delivered += len(group)
    return report


def _save_feed(
    store: Store,
    account: str,
    remote: RemoteFeed,
    mapped: SyncedFeed,
    entries: list[RemoteEntry],
    analyse: Analyse | None,
    plain_text: PlainText | None,
    report: SyncReport,
) -> None:
    """One feed's new articles into the library, cleaned as a fetched feed's are."""
    tags = (remote.category,) if remote.category else ()
    builder = ArticleBuilder(
        mapped.store_url, remote.url, remote.title, tags, mapped.store_url, analyse
    )
    by_id = {entry.id: entry for entry in entries}
    articles: list[Article] = builder.build_all(_as_entry(entry) for entry in entries)
    texts = [plain_text(a.body or "") for a in articles] if plain_text else None
    store.remember_feed(account, remote.id, remote.url, mapped.store_url)
    store.save_feed(
        mapped.store_url,
        title=remote.title,
        articles=articles,
        etag=None,
        last_modified=None,
        tags=tags,
        search_texts=texts,
    )
    prefix = f"feed:{mapped.store_url}::"
    rows = []
    for article in articles:
        entry = by_id[int(article.key[len(prefix) :])]
        rows.append((article.key, entry.id, entry.read, entry.starred))
        report.changed.extend(
            (article.key, name, True)
            for name, value in (("read", entry.read), ("starred", entry.starred))
            if value
        )
    last_id = max((entry.id for entry in entries), default=mapped.last_id)
    store.remember_entries(account, remote.id, rows, last_id)
    report.warnings.extend(f"{remote.title}: {w}" for w in builder.warnings)
    if articles:
        report.new_entries += len(articles)
        report.updated_feeds.append(mapped.store_url)


def _as_entry(remote: RemoteEntry) -> Entry:
    return Entry(
        id=str(remote.id),
        link=remote.link or None,
        title=remote.title,
        author=remote.author,
        date=remote.updated,
        contents=[("text/html", remote.content)] if remote.content else [],
    )


def _merge(
    base: dict[int, tuple[str, bool, bool]], queue: list[QueuedChange], states: RemoteStates
) -> tuple[list[QueuedChange], list[QueuedChange], list[tuple[str, str, bool]]]:
    """Split the queue into changes to deliver and changes a later server change overruled,
    and list the server's own changes to take (key, field, value)."""
    latest: dict[tuple[int, str], QueuedChange] = {}
    for change in queue:
        latest[change.remote_id, change.field] = change
    deliver_keys: set[tuple[int, str]] = set()
    overruled_keys: set[tuple[int, str]] = set()
    take: list[tuple[str, str, bool]] = []
    for remote_id, (key, base_read, base_starred) in base.items():
        server_at: datetime | None = states.updated.get(remote_id)
        for name, was in (("read", base_read), ("starred", base_starred)):
            server = _server_value(states, remote_id, name, was)
            local = latest.get((remote_id, name))
            value = resolve(was, _change(local), server, server_at)
            if local is not None and value == local.value:
                deliver_keys.add((remote_id, name))
            elif local is not None:
                overruled_keys.add((remote_id, name))
                take.append((key, name, server))
            elif server != was:
                take.append((key, name, server))
    deliver = [c for c in queue if (c.remote_id, c.field) in deliver_keys]
    overruled = [c for c in queue if (c.remote_id, c.field) in overruled_keys]
    return deliver, overruled, take


def _change(queued: QueuedChange | None) -> Change | None:
    return None if queued is None else Change(queued.value, queued.changed_at)


def _server_value(states: RemoteStates, remote_id: int, name: str, was: bool) -> bool:
    if name == "read":
        if remote_id in states.unread:
            return False
        return True if states.complete else was  # a cut list cannot say "read"
    if remote_id in states.starred:
        return True
    return False if states.complete else was


def _runs(changes: list[QueuedChange]) -> list[list[QueuedChange]]:
    """Consecutive changes of the same field and value, in queue order: one call each."""
    runs: list[list[QueuedChange]] = []
    for change in changes:
        last = runs[-1][0] if runs else None
        if last is not None and (last.field, last.value) == (change.field, change.value):
            runs[-1].append(change)
        else:
            runs.append([change])
    return runs
