"""A refresh: each feed fetched (or read from its file), then parsed and saved.

:func:`refresh_feed` and :func:`refresh_all` fetch, then hand the bytes to
:class:`~.workers.FeedParsers` (worker processes for a big refresh, else a thread), which
parse, save and index them. A failure records the error in the store and never touches
cached entries (THREATS.md row 10).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit

from tui_reader.core.feeds.build import Analyse
from tui_reader.core.feeds.localfiles import local_path, read_local_feed
from tui_reader.core.feeds.model import FeedError
from tui_reader.core.feeds.schedule import ServerHints, hints_from
from tui_reader.core.feeds.workers import IN_THREAD, Download, FeedParsers, SaveFailed
from tui_reader.core.fulltext.entries import Slots, fill_feed
from tui_reader.core.limits import FetchError, Limits
from tui_reader.core.sanitize import HTTP_SCHEMES, clean_error, clean_line
from tui_reader.core.sources import FeedConfig

if TYPE_CHECKING:
    import httpx

    from tui_reader.core.store import Store

ProgressCallback = Callable[[int, int, "FeedOutcome"], None]


@dataclass(frozen=True, slots=True)
class FeedOutcome:
    """What happened to one feed during a refresh; ``message`` is one clean line."""

    url: str
    title: str
    status: Literal["updated", "not_modified", "failed"]
    new_count: int = 0
    total: int = 0
    message: str = ""
    retry_after: float | None = None
    articles: int = 0  # full articles fetched for its entries (core/fulltext)
    articles_failed: int = 0  # ... and not: each entry keeps its feed text and the reason
    # What the server and the feed asked about the next fetch (core/feeds/schedule.py).
    hints: ServerHints | None = None


async def refresh_feed(
    client: httpx.AsyncClient,
    store: Store,
    feed: FeedConfig,
    *,
    limits: Limits | None = None,
    analyse: Analyse | None = None,
    parsers: FeedParsers | None = None,
) -> FeedOutcome:
    """Fetch, parse and save one feed. Never raises for a feed problem: returns ``failed``.

    The document is parsed and saved by ``parsers`` (default: in a thread).
    """
    limits = limits or Limits()
    url = feed.url
    try:
        # In a thread: a save in progress holds the store, and the loop must not wait on it.
        record = await asyncio.to_thread(store.get_feed, url)
    except Exception as exc:  # StoreError: the library is unusable, not this feed
        message = f"could not read the library: {clean_error(exc)}"
        return FeedOutcome(url, clean_line(feed.title or url), "failed", message=message)
    try:
        download, headers = await _download(client, feed, record, limits)
    except FetchError as exc:
        return await _failed(store, feed, record, exc.message, exc.retry_after)
    except FeedError as exc:
        return await _failed(store, feed, record, exc.message)
    if download is None:  # 304 Not Modified
        if record is None or (record.entry_count == 0 and record.last_updated is None):
            nothing = "server said not modified, but nothing is cached"
            return await _failed(store, feed, record, nothing)
        try:
            await asyncio.to_thread(store.mark_not_modified, url)
        except Exception as exc:
            return await _failed(store, feed, record, f"could not save: {clean_error(exc)}")
        title = clean_line(feed.title or record.title or url)
        hints = hints_from(headers, retry_after=_retry_after(headers, limits))
        return FeedOutcome(url, title, "not_modified", 0, record.entry_count, hints=hints)
    try:
        saved = await (parsers or IN_THREAD).parse_and_save(
            store,
            feed,
            download,
            url=url,
            headers=download.headers,
            feed_tags=feed.tags,
            source=url,
            analyse=analyse,
            final_url=download.final_url,
        )
    except FeedError as exc:
        return await _failed(store, feed, record, exc.message)
    except SaveFailed as exc:  # StoreError, or worse: report it as this feed's failure
        return await _failed(store, feed, record, f"could not save: {exc.message}")
    # New entries counted against what was cached before, not as the save counted them:
    # when a worker's process breaks, the feed is saved again in a thread, and a worker
    # may have saved it already. (Entries are never deleted, and a refresh asks for
    # each feed once; another instance refreshing the same feed at the same moment
    # could make this count off, never the entries.)
    new_count = max(0, saved.total - (record.entry_count if record else 0))
    hints = hints_from(headers, download.body, retry_after=_retry_after(headers, limits))
    return FeedOutcome(
        url, saved.title, "updated", new_count, saved.total, saved.message, hints=hints
    )


def _retry_after(headers: dict[str, str], limits: Limits) -> float | None:
    if not headers.get("retry-after"):
        return None
    from tui_reader.core.feeds.fetch import parse_retry_after

    return parse_retry_after(headers["retry-after"], limits)


async def _download(
    client: httpx.AsyncClient, feed: FeedConfig, record: Any, limits: Limits
) -> tuple[Download | None, dict[str, str]]:
    """The feed's bytes from the network or a local file (None for "not modified"), and
    the response's headers."""
    local = local_path(feed.url)
    if local is not None:
        body = await asyncio.to_thread(read_local_feed, local, limits.max_bytes)
        # A file has no headers: say XML so feedparser uses the document's own encoding.
        headers = {"content-type": "application/xml"}
        return Download(body, headers, feed.url), headers
    if urlsplit(feed.url).scheme.lower() not in HTTP_SCHEMES:
        raise FeedError("unsupported scheme (only http, https or a file)")
    from tui_reader.core.feeds.fetch import fetch  # httpx loads with the first refresh

    result = await fetch(
        client,
        feed.url,
        etag=record.etag if record else None,
        last_modified=record.last_modified if record else None,
        limits=limits,
    )
    if result.status == "not_modified":
        return None, result.headers
    download = Download(
        result.body, result.headers, result.final_url, result.etag, result.last_modified
    )
    return download, result.headers


async def _failed(
    store: Store,
    feed: FeedConfig,
    record: Any,
    message: str,
    retry_after: float | None = None,
) -> FeedOutcome:
    message = clean_error(message)
    try:
        # In a thread, as every write of a refresh: a worker saving a big feed holds the
        # library's write lock for seconds, and the event loop must not wait for it.
        await asyncio.to_thread(store.record_feed_error, feed.url, message)
    except Exception as exc:  # the refresh result still reaches the user
        reason = clean_error(exc)
        if reason not in message:  # a save that failed for the same reason: said once
            message = f"{message} (and the error could not be saved: {reason})"
    title = clean_line(feed.title or (record.title if record else "") or feed.url)
    total = record.entry_count if record else 0
    hints = hints_from({}, retry_after=retry_after)
    return FeedOutcome(
        feed.url, title, "failed", 0, total, message, retry_after, hints=hints
    )


async def _fill(
    client: httpx.AsyncClient,
    store: Store,
    feed: FeedConfig,
    limits: Limits,
    slots: Slots,
    parsers: FeedParsers,
    outcome: FeedOutcome,
) -> FeedOutcome:
    """Fetch the full articles a refreshed feed's entries want (``full_text``)."""
    fetched, failed = await fill_feed(client, store, feed, limits, slots, parsers.call)
    if not fetched and not failed:
        return outcome
    return replace(outcome, articles=fetched, articles_failed=failed)


async def refresh_all(
    client: httpx.AsyncClient,
    store: Store,
    feeds: Iterable[FeedConfig],
    *,
    limits: Limits | None = None,
    analyse: Analyse | None = None,
    on_progress: ProgressCallback | None = None,
    spare_cores: int = 0,
) -> list[FeedOutcome]:
    """Refresh feeds, at most ``limits.concurrency`` at once, in the order given.

    A URL listed twice is refreshed once. ``on_progress(done, total, outcome)`` is
    called after each feed finishes. ``spare_cores``: cores the parse workers leave
    free (the reader's keys need one).
    """
    limits = limits or Limits()
    unique: list[FeedConfig] = []
    seen: set[str] = set()
    for feed in feeds:
        if feed.url not in seen:
            seen.add(feed.url)
            unique.append(feed)
    slots = Slots(limits)
    semaphore = slots.all  # feeds and pages: at most ``limits.concurrency`` fetches at once
    done = 0
    # Feed files are read again at every start of the reader: worker processes for them
    # would start with the reader, on its cores. Processes are for fetched feeds.
    parsers = FeedParsers(sum(1 for feed in unique if local_path(feed.url) is None), spare_cores)

    async def one(feed: FeedConfig) -> FeedOutcome:
        nonlocal done
        async with semaphore:
            try:
                outcome = await refresh_feed(
                    client, store, feed, limits=limits, analyse=analyse, parsers=parsers
                )
            except Exception as exc:  # a bug in one feed's refresh must not stop the others
                message = f"refresh failed: {clean_error(exc)}"
                outcome = FeedOutcome(
                    feed.url, clean_line(feed.title or feed.url), "failed", message=message
                )
        if outcome.status != "failed" and local_path(feed.url) is None:
            # After the feed's slot is given back: each page takes one of its own.
            outcome = await _fill(client, store, feed, limits, slots, parsers, outcome)
        done += 1
        if on_progress is not None:
            on_progress(done, len(unique), outcome)
        return outcome

    try:
        return list(await asyncio.gather(*(one(f) for f in unique)))
    finally:
        parsers.close()

