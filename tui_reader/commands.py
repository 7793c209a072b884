"""What each command line does. The reader itself lives in :mod:`tui_reader.ui`."""

from __future__ import annotations

import argparse
import gc
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from tui_reader.core.config import Config, load_config
from tui_reader.core.paths import config_file, database_file
from tui_reader.core.sources import FeedConfig, is_feed_source

if TYPE_CHECKING:
    from tui_reader.core.store import Store

GC_THRESHOLDS = (10_000, 50, 100)  # Python's defaults are (700, 10, 10)
SWITCH_INTERVAL = 0.0005  # seconds a thread keeps the interpreter lock; Python's is 0.005

NO_SOURCE = """\
tui-reader: no source given, and no sources in the config file ({path})

Give a folder or a file of Markdown posts, or a feed, for example:
    tui-reader ~/blog/content
    tui-reader sample_content
    tui-reader https://example.org/feed.xml

or list them in {path}:
    sources = ["~/blog/content"]

    [[feeds]]
    url = "https://example.org/feed.xml"
"""


def error(message: str) -> None:
    print(f"tui-reader: {message}", file=sys.stderr)


def run(command: str | None, args: argparse.Namespace) -> int:
    config = load_config(config_file())
    for problem in config.errors:
        error(problem)
    wpm = getattr(args, "wpm", None) or config.wpm
    if not 20 <= wpm <= 5000:
        error("--wpm must be between 20 and 5000")
        return 2
    if command in ("refresh", "import-opml", "export-opml"):
        from tui_reader import scripts

        if command == "refresh":
            return scripts.refresh_command(config)
        if command == "import-opml":
            return scripts.import_opml(config, Path(args.file))
        return scripts.export_opml(config)
    sources, feeds = resolve_sources(args.sources, config)
    if not sources and not feeds:
        print(NO_SOURCE.format(path=config_file()), file=sys.stderr)
        return 2
    if command == "list":
        from tui_reader.scripts import list_command

        return list_command(sources, feeds, args, wpm)
    return open_reader(sources, feeds, config, wpm)


def resolve_sources(given: list[str], config: Config) -> tuple[list[str], list[FeedConfig]]:
    """Markdown sources and feeds: from the command line, else from the config."""
    if not given:
        return list(config.sources), list(config.feeds)
    known = {feed.url: feed for feed in config.feeds}
    feeds = [known.get(s) or FeedConfig(s) for s in given if is_feed_source(s)]
    return [s for s in given if not is_feed_source(s)], feeds


def open_store(check: bool = True) -> tuple[Store | None, str]:
    """The library database, or (None, the reason it cannot be used); a library opened
    read-only comes with the reason. ``check=False`` leaves out ``PRAGMA quick_check``:
    the reader runs it after its first screen."""
    from tui_reader.core.store import Store, StoreError, describe

    try:
        store = Store(database_file(), check=check)
    except StoreError as exc:
        return None, describe(exc)
    return store, "" if store.read_only is None else str(store.read_only)


def open_reader(sources: list[str], feeds: list[FeedConfig], config: Config, wpm: int) -> int:
    # The scan starts first, in a child process: it reads the scan cache (or the files)
    # on another core while this process imports Textual and builds the interface.
    # Python's full collections walk every object: with 10,000 articles or a 5 MB
    # article's model in memory each took 90-145 ms, and landed on keystrokes. Young
    # collections come ten times less often, full ones much less; cycles are still
    # collected, later. During the start the collector is off altogether: importing
    # Textual and unpickling 10,000 articles make objects by the hundred thousand and
    # cycles hardly at all, and collecting them doubled the unpickling. The app turns it
    # back on once its first screen is out (ReaderApp.on_ready).
    gc.set_threshold(*GC_THRESHOLDS)
    gc.disable()
    # Threads here (the scan reader, the store opening, later the warm-up and feed
    # refreshes) hold the interpreter lock for up to 5 ms before the interface's thread
    # gets it back, and importing Textual gives it up at every file it opens: a shorter
    # turn made the later start of 10,000 posts about a tenth quicker.
    sys.setswitchinterval(SWITCH_INTERVAL)
    from tui_reader.core.local.process import start_scan

    local = [source for source in sources if not is_feed_source(source)]
    scan = start_scan(local, database_file()) if local else None
    if scan is not None:
        scan.read_ahead()  # unpickling overlaps with importing the interface

    # The library is opened in a thread too; SQLite lets go of the interpreter lock
    # while it works. Its check (PRAGMA quick_check: it reads the whole file, 50-170 ms
    # on a big one) comes a second after the first screen (ReaderApp._check_store):
    # done here, on the two cores the scan and the interface need, it made a later
    # start of 10,000 posts 80 ms slower.
    with ThreadPoolExecutor(1, thread_name_prefix="open-store") as pool:
        opening = pool.submit(open_store, False)
        from tui_reader.ui.app import ReaderApp

        store, problem = opening.result()
    messages = list(config.errors)
    if problem:  # a library opened read-only says so itself
        from tui_reader.core.store import not_saved_notice

        messages.append(problem if store is not None else not_saved_notice(problem))
    try:
        app = ReaderApp(
            sources,
            wpm=wpm,
            keymap=config.keys,
            messages=messages,
            store=store,
            feeds=feeds,
            scan=scan,
            check_store=True,
        )
        app.run()
    finally:
        # The app stops the scan when it closes. Should it never start, the child ends
        # at its next write, when this process has exited and the pipe is closed.
        if store is not None:
            store.close()
    return app.return_code or 0
