"""Load one image's bytes and decode it: the work a picture worker thread does.

Files are read with a size cap; URLs are fetched by the feeds' own fetcher
(:func:`tui_reader.core.feeds.fetch.fetch`: timeouts, a deadline, the size cap, http(s)
only, redirects by hand) and kept in the :class:`~tui_reader.core.images.cache.ImageCache`.
Every failure becomes :class:`BadImage` with a short reason.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from tui_reader.core.limits import MB, FetchError, Limits

if TYPE_CHECKING:
    import httpx

    from tui_reader.core.images.cache import ImageCache
    from tui_reader.core.images.decode import Picture
    from tui_reader.core.images.sources import ImageRef

# The feeds' limits, with a smaller deadline: a picture is not worth half a minute.
IMAGE_LIMITS = Limits(max_bytes=10 * MB, read_timeout=10.0, deadline=20.0, concurrency=2)


class ImageLoader:
    """Gets image bytes and pictures; ``transport`` lets tests hand httpx a mock."""

    def __init__(
        self,
        cache: ImageCache | None,
        limits: Limits = IMAGE_LIMITS,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.cache = cache
        self.limits = limits
        self.transport = transport

    def read(self, ref: ImageRef) -> bytes:
        """The image's bytes, or :class:`BadImage` saying why there are none."""
        if ref.kind == "file":
            return read_file(ref.location, self.limits.max_bytes)
        if self.cache is not None and (data := self.cache.get(ref.location)) is not None:
            return data
        data = asyncio.run(self._fetch(ref.location))
        if self.cache is not None:
            self.cache.put(ref.location, data)
        return data

    async def _fetch(self, url: str) -> bytes:
        from tui_reader.core.feeds.fetch import fetch, make_client
        from tui_reader.core.images.decode import BadImage

        client = make_client(self.limits)
        if self.transport is not None:
            import httpx

            await client.aclose()
            client = httpx.AsyncClient(transport=self.transport, follow_redirects=False)
        async with client:
            try:
                result = await fetch(client, url, limits=self.limits)
            except FetchError as exc:
                raise BadImage(exc.message) from None
        return result.body

    def picture(self, ref: ImageRef, columns: int, lines: int) -> Picture:
        """The image scaled to at most ``columns`` x ``lines`` cells."""
        from tui_reader.core.images.decode import decode

        return decode(self.read(ref), columns, lines)


def read_file(path: str, max_bytes: int) -> bytes:
    """A regular file's bytes, at most ``max_bytes``; :class:`BadImage` otherwise."""
    from tui_reader.core.images.decode import BadImage
    from tui_reader.core.local.textio import NotReadable, read_bytes

    try:
        return read_bytes(path, max_bytes)
    except NotReadable as exc:
        reason = str(exc)
        raise BadImage("file not found" if "No such file" in reason else reason) from None
