"""A web page's bytes, fetched with every limit a feed fetch has, or read from a file.

The fetch is :func:`tui_reader.core.feeds.fetch.fetch` itself, asked for HTML: the same
timeouts and deadline, size cap (counted after decompression), hand-followed redirects
(http and https only, so a redirect to ``file:`` is refused) and sanitised errors.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tui_reader.core.fulltext.extract import Extracted, ExtractError, extract
from tui_reader.core.limits import FetchError, Limits

if TYPE_CHECKING:
    import httpx

PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"


@dataclass(frozen=True, slots=True)
class Page:
    """A fetched page: its bytes, its type, and where it was after redirects."""

    body: bytes
    content_type: str
    url: str


async def fetch_page(
    client: httpx.AsyncClient, url: str, limits: Limits, accept: str = PAGE_ACCEPT
) -> Page:
    """GET a page within ``limits``. Raises :class:`FetchError`."""
    from tui_reader.core.feeds.fetch import fetch  # httpx loads with the first fetch

    result = await fetch(client, url, limits=limits, accept=accept)
    if result.status != "ok":  # no validators were sent, so a 304 is the server's error
        raise FetchError("server said not modified to a plain request")
    return Page(result.body, result.headers.get("content-type", ""), result.final_url or url)


async def fetch_article(client: httpx.AsyncClient, url: str, limits: Limits) -> Extracted:
    """A page's article, fetched and then extracted in a thread (off the event loop).
    Raises :class:`FetchError` or :class:`ExtractError`, both one clean line."""
    page = await fetch_page(client, url, limits)
    return await asyncio.to_thread(extract, page.body, page.url, page.content_type)


def read_file(path: str, limits: Limits) -> bytes:
    """A local page's bytes: a regular file, at most the size a fetch may bring."""
    from tui_reader.core.feeds.localfiles import read_local_feed
    from tui_reader.core.feeds.model import FeedError

    try:
        return read_local_feed(path, limits.max_bytes, what="file")
    except FeedError as exc:
        raise ExtractError(exc.message) from None
