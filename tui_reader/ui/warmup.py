"""The warm-up: what the next keys need, prepared off the UI thread once the start is
over, and the pause by which that work (and the library's integrity check) gives way to
keys.

A thread still shares the interpreter lock: started before the first paint, this work
would hold back the first screen of a big library. So it waits for the first screen
and the end of the scan, and comes in two parts: at once, the modules that open an
article (WARM_UP_MODULES: markdown-it, the document model, the renderer; about 0.15 s,
done well before a user presses Enter); a moment later (WARM_UP_AFTER), the folded
search text of every article (0.1-0.2 s on 10,000 posts). Both give way to keys
(:meth:`WarmUp.give_way`), so a key pressed meanwhile is not held up by them.
"""

from __future__ import annotations

import time
from contextlib import suppress
from functools import partial
from importlib import import_module

from textual.app import App

from tui_reader import tuning
from tui_reader.core.library import Library

WARM_UP_AFTER = 0.5  # seconds after the warm-up starts before the search text is folded
KEY_QUIET = 0.15  # seconds without a key before the warm-up goes on
# What the warm-up imports, in this order: the modules that open an article (their big
# dependencies in parts of 5-20 ms, so a key pressed meanwhile waits for one part at
# most), then the screens that open on a key. A name that is not there is skipped: its
# package imports it anyway.
WARM_UP_MODULES = (
    "yaml",
    "tui_reader.core.local.frontmatter",
    "markdown_it.rules_inline",
    "markdown_it.rules_block",
    "markdown_it",
    "tui_reader.core.markdown.text",
    "tui_reader.core.markdown.document",
    "tui_reader.core.local.scan",
    "pygments.lexers",
    "rich.syntax",
    "tui_reader.ui.render",
    "tui_reader.ui.screens.help",
    "tui_reader.ui.screens.pickers",
    "tui_reader.ui.screens.feeds",
)
# With pictures on, the warm-up imports Pillow and the picture drawing too.
PICTURE_MODULES = ("PIL.Image", "tui_reader.ui.pictures.draw", "tui_reader.core.images.load")


class WarmUp:
    """One app's warm-up. ``pictures``: pictures are shown, so their modules warm too."""

    def __init__(self, app: App[None], library: Library, *, pictures: bool) -> None:
        self.app = app
        self.library = library
        self.pictures = pictures
        self.last_key = 0.0  # time.monotonic() of the last key: the warm-up gives way
        self._painted = False  # the first screen is out
        self._waits = False  # the scan ended before the first screen was out

    def key(self) -> None:
        """A key came: background work waits a moment (:meth:`give_way`)."""
        self.last_key = time.monotonic()

    def first_screen(self) -> None:
        self._painted = True
        if self._waits:
            self.start()

    def start(self) -> None:
        """Warm up now, or once the first screen is out (the scan is over either way)."""
        self._waits = not self._painted
        if self._waits:
            return
        pictures = PICTURE_MODULES if self.pictures else ()

        def load() -> None:
            for name in (*WARM_UP_MODULES, *pictures):
                self.give_way()
                # ImportError: moved inside its package, so imported with it.
                with tuning.IMPORTS, suppress(ImportError):
                    import_module(name)

        self.app.run_worker(
            load, name="warm up", description="import the reader's modules", thread=True
        )
        # A description, or Textual describes the worker with repr(Library): 0.8 s on
        # 10,000 posts.
        self.app.set_timer(
            WARM_UP_AFTER,
            lambda: self.app.run_worker(
                partial(self.library.prepare_search, pause=self.give_way),
                name="prepare search",
                description="fold the search text of every article",
                thread=True,
            ),
        )

    def give_way(self) -> None:
        """In a background thread: wait while keys come, so that answering them does not
        share the interpreter lock with work nobody is waiting for."""
        while self.app.is_running and time.monotonic() - self.last_key < KEY_QUIET:
            time.sleep(KEY_QUIET / 3)
