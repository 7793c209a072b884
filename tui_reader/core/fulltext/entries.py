"""Feed entries' full articles: fetched during a refresh (``full_text``), or on demand.

Pages are fetched with the feed fetch's limits, at most :data:`PER_HOST` at once from one
host and ``limits.concurrency`` in all; each page is extracted and measured off the event
loop (in the refresh's worker processes when it has them, else a thread) and kept with
its entry. A page that fails leaves the entry's feed text as it was, and the failure is
kept so that later refreshes do not ask again (``f`` does).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from tui_reader.core.article import Heading
from tui_reader.core.fulltext.discover import feed_kind
from tui_reader.core.fulltext.extract import Extracted, ExtractError, check_page, extract
from tui_reader.core.fulltext.policy import MAX_PER_FEED
from tui_reader.core.limits import FetchError, Limits
from tui_reader.core.sanitize import clean_error
from tui_reader.core.sources import FeedConfig

if TYPE_CHECKING:
    import httpx

    from tui_reader.core.store import Store

PER_HOST = 2  # pages fetched at once from one host
Call = Callable[..., Awaitable[Any]]  # runs a function off the event loop


@dataclass(frozen=True, slots=True)
class Measured:
    """An extracted article with what the entry needs from it: words, headings, plain text."""

    extracted: Extracted
    words: int
    cjk: bool
    headings: tuple[Heading, ...]
    plain: str


def extract_measured(body: bytes, url: str, content_type: str) -> Measured:
    """Extract a page's article and measure it (run in a worker or a thread)."""
    from tui_reader.core.markdown.text import analyse_plain, plain_text

    extracted = extract(body, url, content_type, metadata=False)  # the entry has its own
    plain = plain_text(extracted.markdown)
    words, cjk, headings = analyse_plain(extracted.markdown, plain)
    return Measured(extracted, words, cjk, headings, plain)


class Slots:
    """How many pages may be fetched at once: in all, and from one host."""

    def __init__(self, limits: Limits) -> None:
        self.all = asyncio.Semaphore(max(1, limits.concurrency))
        self.hosts: dict[str, asyncio.Semaphore] = {}

    def host(self, url: str) -> asyncio.Semaphore:
        name = (urlsplit(url).hostname or "").lower()
        return self.hosts.setdefault(name, asyncio.Semaphore(PER_HOST))


async def _to_thread(function: Callable[..., Any], *args: Any) -> Any:
    return await asyncio.to_thread(function, *args)


async def fetch_full_text(
    client: httpx.AsyncClient,
    store: Store,
    key: str,
    link: str,
    limits: Limits,
    *,
    slots: Slots | None = None,
    call: Call = _to_thread,
) -> Measured:
    """Fetch, extract and keep one entry's article. Raises :class:`FetchError` or
    :class:`ExtractError` (the failure is kept with the entry first, its text untouched)."""
    from tui_reader.core.fulltext.page import fetch_page

    slots = slots or Slots(limits)
    try:
        async with slots.all, slots.host(link):
            page = await fetch_page(client, link, limits)
        # The cheap refusals here, before a worker is asked to extract anything.
        check_page(page.body, page.content_type)
        if feed_kind(page.body, page.content_type):
            raise ExtractError("the link leads to a feed, not an article")
        measured: Measured = await call(extract_measured, page.body, page.url, page.content_type)
    except (FetchError, ExtractError) as exc:
        await asyncio.to_thread(store.record_full_text_error, key, exc.message)
        raise
    except Exception as exc:  # noqa: BLE001 - a broken worker or page: this entry's failure
        message = f"could not extract the article: {clean_error(exc)}"
        await asyncio.to_thread(store.record_full_text_error, key, message)
        raise ExtractError(message) from None
    await asyncio.to_thread(
        store.save_full_text,
        key,
        measured.extracted.markdown,
        words=measured.words,
        cjk=measured.cjk,
        headings=measured.headings,
        plain=measured.plain,
    )
    return measured


async def fill_feed(
    client: httpx.AsyncClient,
    store: Store,
    feed: FeedConfig,
    limits: Limits,
    slots: Slots,
    call: Call = _to_thread,
) -> tuple[int, int]:
    """Fetch the articles the feed's entries want under its ``full_text`` setting (at most
    :data:`MAX_PER_FEED`, newest first). Returns (fetched, failed)."""
    if feed.full_text == "false":
        return 0, 0
    try:
        wanted = await asyncio.to_thread(
            store.wanting_full_text, feed.url, feed.full_text, MAX_PER_FEED
        )
    except Exception:  # noqa: BLE001 - StoreError: the feed was saved; its articles wait
        return 0, 0
    if not wanted:
        return 0, 0

    async def one(key: str, link: str) -> bool:
        try:
            await fetch_full_text(client, store, key, link, limits, slots=slots, call=call)
        except Exception:  # noqa: BLE001 - one page (or its save) fails, not the refresh
            return False
        return True

    results = await asyncio.gather(*(one(w.key, w.link) for w in wanted))
    fetched = sum(results)
    return fetched, len(results) - fetched
