"""What the commands share: reporting a problem, and opening the library database."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from tui_reader.core.paths import database_file
from tui_reader.core.sanitize import clean_line
from tui_reader.core.sources import FeedConfig

if TYPE_CHECKING:
    from tui_reader.core.fulltext.discover import FoundFeed
    from tui_reader.core.store import Store


def error(message: str) -> None:
    print(f"tui-reader: {message}", file=sys.stderr)


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


PICK_EXIT = 2  # several feeds found and none picked: the user has to choose


def find_feed(url: str, pick: int | None) -> tuple[FoundFeed | None, int]:
    """The feed of a site's address (discovery), or None and an exit status: 1 when none
    is found (said in one line), :data:`PICK_EXIT` when several are and ``pick`` (1 for
    the first) chose none of them (they are printed, numbered, on standard error)."""
    from tui_reader.core.fulltext.discover import discover_now
    from tui_reader.core.sanitize import CleanError

    try:
        found = discover_now(url)
    except CleanError as exc:
        message = exc.message
        error(message if message.startswith(clean_line(url)) else f"{clean_line(url)}: {message}")
        return None, 1
    if len(found) == 1:
        return found[0], 0
    if pick is not None and 1 <= pick <= len(found):
        return found[pick - 1], 0
    error(f"{clean_line(url)} names {len(found)} feeds; choose one with --pick N:")
    for number, feed in enumerate(found, 1):
        print(f"  {number}. {feed.label()}", file=sys.stderr)
    return None, PICK_EXIT


def fetch_once(store: Store, feed: FeedConfig) -> str:
    """Refresh one feed into the library (``list`` of a feed never fetched); "" when it
    was saved, else the one-line reason."""
    import asyncio

    from tui_reader.core.feeds.fetch import Limits, make_client
    from tui_reader.core.feeds.refresh import refresh_all
    from tui_reader.core.markdown.text import analyse

    limits = Limits()

    async def run() -> str:
        async with make_client(limits) as client:
            (outcome,) = await refresh_all(client, store, [feed], limits=limits, analyse=analyse)
        return outcome.message if outcome.status == "failed" else ""

    return asyncio.run(run())
