"""Watch source folders for changes, off the interface's thread.

``watchfiles`` (Rust's notify: inotify on Linux, FSEvents, ReadDirectoryChangesW) is
imported only when a watcher starts, after the first screen, so it costs the start
nothing. Where the native watcher cannot start (no inotify, its limits used up, a
network drive that never sends events when ``poll`` is asked for), the folders are
polled instead.

Editors save in bursts: a temporary file written, renamed over the post, its mode set.
watchfiles groups the events of a burst (``STEP_MS`` of quiet ends a group, a group is
never longer than ``DEBOUNCE_MS``), and :func:`wanted` drops every path that is not a
Markdown file or a folder, so a burst arrives as one set of post paths.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable
from contextlib import suppress

from tui_reader.core.sanitize import clean_error
from tui_reader.core.sources import MARKDOWN_SUFFIXES

# A change shows within a second: a burst ends after STEP_MS without events, and is cut
# at DEBOUNCE_MS however long it goes on; the rest of the second is for parsing it.
STEP_MS = 100
DEBOUNCE_MS = 500
POLL_MS = 500  # how often a polled folder is listed again
# How often the Rust side gives the thread back to check for a stop: rarely, as an idle
# reader must cost nothing.
RUST_TIMEOUT_MS = 5000

OnChange = Callable[[set[str]], None]
OnProblem = Callable[[str], None]


def wanted(path: str) -> bool:
    """A path whose change can matter to the library: a Markdown file, or a folder
    (moved in or out; a deleted one is known by having no suffix). Hidden names never
    count: editors keep their swap and backup files there."""
    name = os.path.basename(path)
    if not name or name.startswith("."):
        return False
    lowered = name.lower()
    return lowered.endswith(MARKDOWN_SUFFIXES) or "." not in lowered or os.path.isdir(path)


class FolderWatcher:
    """One thread watching every folder given; ``on_change`` gets each burst's paths
    (in that thread). ``poll`` polls from the start (``watch = "poll"`` in the config)."""

    def __init__(
        self,
        folders: Iterable[str],
        on_change: OnChange,
        *,
        poll: bool = False,
        on_problem: OnProblem | None = None,
    ) -> None:
        self.folders = [os.path.abspath(os.path.expanduser(f)) for f in folders]
        self.on_change = on_change
        self.on_problem = on_problem
        self.polling = poll
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None and self.folders:
            self._thread = threading.Thread(target=self._run, name="watch", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _run(self) -> None:
        try:
            self._watch(self.polling)
        except Exception as exc:  # noqa: BLE001 - the native watcher refused: poll
            if self.polling or self._stop.is_set():
                self._say(f"watching stopped: {clean_error(exc)}")
                return
            self.polling = True
            try:
                self._watch(True)
            except Exception as again:  # noqa: BLE001 - nothing more to try
                self._say(f"watching stopped: {clean_error(again)}")

    def _say(self, problem: str) -> None:
        if self.on_problem is not None:
            with suppress(Exception):
                self.on_problem(problem)

    def _watch(self, poll: bool) -> None:
        from watchfiles import watch  # loaded with the watcher, after the first screen

        for changes in watch(
            *self.folders,
            watch_filter=lambda _change, path: wanted(path),
            debounce=DEBOUNCE_MS,
            step=STEP_MS,
            stop_event=self._stop,
            rust_timeout=RUST_TIMEOUT_MS,
            force_polling=poll,
            poll_delay_ms=POLL_MS,
            raise_interrupt=False,
            ignore_permission_denied=True,
        ):
            paths = {path for _change, path in changes}
            if paths and not self._stop.is_set():
                try:
                    self.on_change(paths)
                except Exception as exc:  # noqa: BLE001 - one bad burst must not end watching
                    self._say(f"a change could not be shown: {clean_error(exc)}")
