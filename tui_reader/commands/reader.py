"""Open the reader: start the scan child, then import and run the Textual app."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from tui_reader import tuning
from tui_reader.commands.common import open_store
from tui_reader.core.config import Config
from tui_reader.core.paths import database_file
from tui_reader.core.sources import FeedConfig, is_feed_source


def open_reader(
    sources: list[str],
    feeds: list[FeedConfig],
    config: Config,
    wpm: int,
    notes: list[str] | None = None,
) -> int:
    """Run the reader; ``notes`` are shown first among its start-up messages."""
    # The scan starts first, in a child process: it reads the scan cache (or the files)
    # on another core while this process imports Textual and builds the interface.
    # The collector is off and threads give the lock back sooner until the app's first
    # screen is out (tuning.after_first_screen, from ReaderApp.on_ready).
    tuning.for_start()
    from tui_reader.core.local.process import start_scan

    local = [source for source in sources if not is_feed_source(source)]
    scan = start_scan(local, database_file()) if local else None
    if scan is not None:
        scan.read_ahead()  # unpickling overlaps with importing the interface

    # The library is opened in a thread too; SQLite lets go of the interpreter lock
    # while it works. Its check (PRAGMA quick_check reads the whole file) comes a second
    # after the first screen (ReaderApp._check_store): done here, it would share the two
    # cores the scan and the interface need.
    with ThreadPoolExecutor(1, thread_name_prefix="open-store") as pool:
        opening = pool.submit(open_store, False)
        from tui_reader.ui.app import ReaderApp
        from tui_reader.ui.keys import keymap_warning

        store, problem = opening.result()
    messages = [*(notes or ()), *config.errors]
    images = picture_protocol(config.images)
    unknown_keys = keymap_warning(config.keys, str(config.path or ""))
    if unknown_keys:
        messages.append(unknown_keys)
    if problem:  # a library opened read-only says so itself
        from tui_reader.core.store import not_saved_notice

        messages.append(problem if store is not None else not_saved_notice(problem))
    try:
        app = ReaderApp(
            sources,
            wpm=wpm,
            measure=config.measure,
            keymap=config.keys,
            messages=messages,
            store=store,
            feeds=feeds,
            scan=scan,
            check_store=True,
            images=images,
            image_cache_bytes=config.image_cache_mb * 1024 * 1024,
            sync=config.sync,
            watch=config.watch,
            refresh_minutes=config.refresh_minutes,
            retention=(config.keep_days, config.max_entries_per_feed),
        )
        app.run()
    finally:
        # The app stops the scan when it closes. Should it never start, the child ends
        # at its next write, when this process has exited and the pipe is closed.
        if store is not None:
            store.close()
    return app.return_code or 0


def picture_protocol(setting: str) -> str:
    """How pictures are drawn in this terminal. The terminal is asked (kitty and sixel
    queries) only when the setting is auto and the environment does not say: here,
    before Textual reads the keyboard, which would swallow the answers."""
    import os

    from tui_reader.core.images.protocol import ask_terminal, choose, needs_asking

    answers = ask_terminal() if needs_asking(setting, os.environ) else None
    return choose(setting, os.environ, answers)
