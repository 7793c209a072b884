"""The reading pane's pictures: which are loaded, which are coming, and the threads that
load them.

The renderer asks :meth:`PictureShelf.block` for each image of a section as the section
comes near the screen. A picture already scaled for the current size is drawn at once;
otherwise the alt text stands in ("loading…") and the image is queued. Loading, decoding
and scaling run in daemon threads: one for decoding (so only one image is in memory
undecoded at a time, whatever the article holds) and a few for fetching (so a URL that
hangs holds up only its own thread, until the fetch deadline). The newest request is
served first: it is the one nearest the screen. When a picture is ready the sections
that asked for it are told (on the interface's thread) and drawn again.
"""

from __future__ import annotations

import itertools
import random
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from contextlib import suppress
from typing import TYPE_CHECKING

from rich.console import RenderableType

from tui_reader.core.images.kitty import MAX_CELLS
from tui_reader.core.images.sources import ImageRef, Unresolved, resolve
from tui_reader.ui.pictures.graphics import Drawn, GraphicsOutput

if TYPE_CHECKING:
    from tui_reader.core.article import Article
    from tui_reader.core.images.load import ImageLoader

KEEP_PICTURES = 256  # pictures kept drawn (each a few thousand cells)
FETCH_THREADS = 3
QUIET = 0.03  # seconds without a new request before a picture job starts
CELL = (10, 20)  # a cell's pixels when the terminal does not say


class _Workers:
    """Daemon threads serving jobs nearest the screen first; they never hold up an exit.

    A job is queued with the section that wants it; a free thread takes the one whose
    section is nearest ``near`` (the section at the top of the view), so the pictures
    on screen come before those a page below, whatever order they were asked in.
    Jobs start once no new one has come for :data:`QUIET` seconds: they are asked for
    while a screen is drawn, and a thread decoding then would take the interpreter lock
    from the key that is being answered.
    """

    def __init__(self, count: int, name: str, near: Callable[[], int]) -> None:
        self._jobs: list[tuple[int, int, Callable[[], None]]] = []
        self._order = 0
        self._last = 0.0  # time.monotonic() of the last request
        self._ready = threading.Condition()
        self._near = near
        for number in range(count):
            threading.Thread(target=self._serve, name=f"{name}-{number}", daemon=True).start()

    def put(self, section: int, job: Callable[[], None]) -> None:
        with self._ready:
            self._order += 1
            self._jobs.append((section, self._order, job))
            self._last = time.monotonic()
            self._ready.notify()

    def _take(self) -> Callable[[], None]:
        with self._ready:
            while not self._jobs or (wait := self._last + QUIET - time.monotonic()) > 0:
                self._ready.wait(None if not self._jobs else wait)
            near = self._near()
            best = min(self._jobs, key=lambda item: (abs(item[0] - near), item[0], item[1]))
            self._jobs.remove(best)
            return best[2]

    def _serve(self) -> None:
        while True:
            job = self._take()
            with suppress(Exception):  # a job reports its own failures; the thread goes on
                job()


class PictureShelf:
    """Pictures for one reading pane. When pictures some sections wait for are loaded
    (or failed), ``wake()`` is called from a worker thread, once until the interface's
    thread takes them with :meth:`arrived`; it must not wait for that thread (Textual's
    ``post_message`` does not)."""

    def __init__(
        self,
        wake: Callable[[], None],
        mode: str = "off",
        cache_limit: int | None = None,
    ) -> None:
        self.mode = mode  # "kitty", "sixel", "halfblock" or "off"
        self.shown = True  # the i key: pictures, or their alt text
        self.base = ""  # the article's file or link, to resolve relative sources
        self.cover: tuple[str, str] | None = None  # (source, caption)
        self.feed_labels = False  # a feed entry: its [image: alt](src) links are images
        self.columns = 60
        self.lines = 12
        self.loader: ImageLoader | None = None
        self.cache_limit = cache_limit  # bytes of fetched pictures on disk (None: default)
        self.cell = CELL  # a cell's (width, height) in pixels, for kitty and sixel
        self.output: GraphicsOutput | None = None  # sends kitty images to the terminal
        # kitty image ids: 24 bits, from a random start so that two readers in one
        # terminal do not take each other's
        self._ids = itertools.count(random.randrange(1, 1 << 23))
        self._wake = wake
        self._arrived: list[tuple[tuple[str, int, int], Drawn | None, str]] = []
        self.near = 0  # the section at the top of the view: the loaders start there
        self._drawn: OrderedDict[tuple[str, int, int], Drawn] = OrderedDict()
        self._failed: dict[str, str] = {}
        self._waiting: dict[tuple[str, int, int], set[int]] = {}
        self._lock = threading.Lock()
        self._decoders: _Workers | None = None
        self._fetchers: _Workers | None = None

    @property
    def active(self) -> bool:
        """Pictures are drawn (not turned off in the config, and not hidden by ``i``)."""
        return self.mode != "off" and self.shown

    @property
    def busy(self) -> bool:
        """Some section waits for a picture still loading."""
        with self._lock:
            return bool(self._waiting)

    def open_article(self, article: Article, cover: tuple[str, str] | None) -> None:
        """Resolve the next document's images against this article; forget the waiters
        of the last one (their sections mean nothing in the new document)."""
        self.base = article.location if article.kind == "local" else article.link
        self.feed_labels = article.kind == "feed"
        self.cover = cover
        with self._lock:
            self._waiting.clear()

    def resize(self, columns: int, lines: int) -> None:
        self.columns, self.lines = max(4, columns), max(4, lines)
        if self.mode == "kitty":  # a placement has at most this many rows and columns
            self.columns = min(self.columns, MAX_CELLS)
            self.lines = min(self.lines, MAX_CELLS)

    # -- the renderer's side ----------------------------------------------------------
    def block(self, src: str, alt: str, section: int) -> RenderableType | None:
        """What to show for one image: None when pictures are off (the caller keeps its
        text label), else the picture, or the alt text with why or "loading…"."""
        from tui_reader.ui.pictures.draw import PictureBlock, alt_text

        if not self.active:
            return None
        try:
            ref = resolve(src, self.base)
        except Unresolved as exc:
            return alt_text(alt, str(exc))
        if ref.key in self._failed:
            return alt_text(alt, self._failed[ref.key])
        key = (ref.key, self.columns, self.lines)
        drawn = self._drawn.get(key)
        if drawn is not None:
            self._drawn.move_to_end(key)
            if self.output is not None:
                self.output.send(drawn)  # kitty: once, before the frame that shows it
            return PictureBlock(drawn.lines, drawn.width, alt)
        self._request(ref, key, section)
        return alt_text(alt, "loading…")

    def cover_block(self) -> RenderableType | None:
        """The cover, drawn or (after ``i``) as its alt text; None without one, or with
        pictures off in the config."""
        if self.cover is None or self.mode == "off":
            return None
        if not self.shown:
            from tui_reader.ui.pictures.draw import alt_text

            return alt_text(self.cover[1])
        return self.block(*self.cover, 0)

    # -- loading ----------------------------------------------------------------------
    def _request(self, ref: ImageRef, key: tuple[str, int, int], section: int) -> None:
        with self._lock:
            waiting = self._waiting.get(key)
            if waiting is not None:
                waiting.add(section)
                return
            self._waiting[key] = {section}
        if self._decoders is None:
            self._decoders = _Workers(1, "picture-decode", lambda: self.near)
            self._fetchers = _Workers(FETCH_THREADS, "picture-fetch", lambda: self.near)
        if ref.kind == "url":
            assert self._fetchers is not None
            self._fetchers.put(section, lambda: self._fetch(ref, key, section))
        else:
            self._decoders.put(section, lambda: self._decode(ref, key, None))

    def _get_loader(self) -> ImageLoader:
        if self.loader is None:
            from tui_reader.core.images.cache import DEFAULT_LIMIT, ImageCache
            from tui_reader.core.images.load import ImageLoader

            limit = DEFAULT_LIMIT if self.cache_limit is None else self.cache_limit
            self.loader = ImageLoader(ImageCache(limit=limit))
        return self.loader

    def _fetch(self, ref: ImageRef, key: tuple[str, int, int], section: int) -> None:
        from tui_reader.core.images.decode import BadImage

        try:
            data = self._get_loader().read(ref)
        except BadImage as exc:
            self._finish(key, None, str(exc))
            return
        assert self._decoders is not None
        self._decoders.put(section, lambda: self._decode(ref, key, data))

    def _decode(self, ref: ImageRef, key: tuple[str, int, int], data: bytes | None) -> None:
        from tui_reader.core.images.decode import BadImage, decode, decode_pixels
        from tui_reader.ui.pictures.draw import halfblock_lines
        from tui_reader.ui.pictures.graphics import kitty_drawn, sixel_drawn

        _ref_key, columns, lines = key
        try:
            loaded = data if data is not None else self._get_loader().read(ref)
            if self.mode in ("kitty", "sixel"):
                graphic = decode_pixels(loaded, columns, lines, self.cell)
            else:
                picture = decode(loaded, columns, lines)
        except BadImage as exc:
            self._finish(key, None, str(exc))
            return
        if self.mode == "kitty":
            drawn = kitty_drawn(graphic, next(self._ids) & 0xFFFFFF or 1)
        elif self.mode == "sixel":
            drawn = sixel_drawn(graphic)
        else:
            drawn = Drawn(halfblock_lines(picture), picture.width)
        self._finish(key, drawn, "")

    def _finish(self, key: tuple[str, int, int], drawn: Drawn | None, reason: str) -> None:
        with self._lock:
            first = not self._arrived
            self._arrived.append((key, drawn, reason))
        if first:
            with suppress(RuntimeError):  # the app has closed
                self._wake()

    def arrived(self) -> set[int]:
        """Keep the pictures that came since the last call; the sections that wait for
        them (on the interface's thread)."""
        with self._lock:
            arrived, self._arrived = self._arrived, []
            sections: set[int] = set()
            for key, _drawn, _reason in arrived:
                sections |= self._waiting.pop(key, set())
        for key, drawn, reason in arrived:
            if drawn is not None:
                self._drawn[key] = drawn
            else:
                self._failed[key[0]] = reason
        while len(self._drawn) > KEEP_PICTURES:
            _key, dropped = self._drawn.popitem(last=False)
            if self.output is not None:
                self.output.forget(dropped)
        return sections
