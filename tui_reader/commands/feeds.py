"""The feed commands for scripts and cron: ``refresh``, ``import``, ``import-opml``,
``export-opml``."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tui_reader.commands.common import error, find_feed, open_store
from tui_reader.core.config import Config, append_feeds
from tui_reader.core.feeds.fetch import Limits, make_client
from tui_reader.core.feeds.opml import OpmlError, parse_opml, to_opml
from tui_reader.core.feeds.refresh import refresh_all
from tui_reader.core.markdown.text import analyse
from tui_reader.core.paths import config_file
from tui_reader.core.sanitize import clean_error, clean_line
from tui_reader.core.sources import FeedConfig
from tui_reader.core.store import Store, StoreError


def refresh_command(config: Config) -> int:
    """One line per feed and a summary; non-zero only when every feed failed."""
    if not config.feeds:
        error(f"no feeds in {config_file()}; add [[feeds]] entries or use import-opml")
        return 2
    store, problem = open_store()
    if store is None or store.read_only is not None:  # one line, not one per feed
        error(problem if store is None else f"{problem} No feed was refreshed.")
        if store is not None:
            store.close()
        return 1
    limits = Limits()
    feeds = _not_synced(store, config.feeds)

    def report(done: int, total: int, outcome) -> None:
        status = {"updated": "ok", "not_modified": "unchanged", "failed": "FAILED"}[outcome.status]
        detail = f"{outcome.new_count} new, {outcome.total} cached"
        if outcome.articles or outcome.articles_failed:
            plural = "" if outcome.articles == 1 else "s"
            detail += f", {outcome.articles} full article{plural}"
            if outcome.articles_failed:
                detail += f" ({outcome.articles_failed} could not be fetched)"
        if outcome.message:
            detail += f" — {outcome.message}"
        print(f"[{done}/{total}] {status:9} {outcome.title}: {detail}", flush=True)

    async def go():
        async with make_client(limits) as client:
            return await refresh_all(
                client, store, feeds, limits=limits, analyse=analyse, on_progress=report
            )

    try:
        outcomes = asyncio.run(go())  # each updated feed is saved and indexed as it comes
        _prune(store, config)
    finally:
        store.close()
    failed = sum(1 for o in outcomes if o.status == "failed")
    new = sum(o.new_count for o in outcomes)
    print(f"{len(outcomes)} feeds: {len(outcomes) - failed} ok, {failed} failed, {new} new entries")
    return 1 if outcomes and failed == len(outcomes) else 0


def _not_synced(store, feeds: list[FeedConfig]) -> list[FeedConfig]:
    """The configured feeds the sync server does not have: a feed it has comes from it
    (`tui-reader sync`), so it is shown once, and not fetched here as well."""
    try:
        synced = store.synced_store_urls()
    except StoreError:
        return feeds
    for feed in feeds:
        if feed.url in synced:
            print(f"skipped   {clean_line(feed.title or feed.url)}: synced from the server")
    return [feed for feed in feeds if feed.url not in synced]


def _prune(store: Store, config: Config) -> None:
    """The retention settings apply after a refresh from cron as in the reader."""
    if not (config.keep_days or config.max_entries_per_feed):
        return
    try:
        removed = store.prune(config.keep_days, config.max_entries_per_feed)
    except StoreError as exc:
        error(str(exc))
        return
    if removed:
        print(f"removed {len(removed)} old read entries (keep_days, max_entries_per_feed)")


def import_opml(config: Config, path: Path) -> int:
    """Add an OPML file's feeds to the config file, keeping titles and tags."""
    try:
        feeds = parse_opml(path.read_bytes())
    except (OSError, OpmlError) as exc:
        error(f"{clean_line(str(path))}: {clean_error(exc)}")
        return 1
    if config.errors:
        error("the config file has errors; fix it before importing, so nothing is lost")
        return 1
    known = {feed.url for feed in config.feeds}
    added = [feed for feed in feeds if feed.url not in known]
    append_feeds(config_file(), added)
    print(f"added {len(added)} feeds ({len(feeds) - len(added)} already there) to {config_file()}")
    return 0


def import_source(config: Config, target: str, pick: int | None) -> int:
    """``import``: a feed's or a site's address (its feed found by discovery), or an OPML
    file. Several feeds found and none picked: numbered on standard error, exit 2."""
    if not target.lower().startswith(("http://", "https://")):
        return import_opml(config, Path(target))
    if config.errors:
        error("the config file has errors; fix it before importing, so nothing is lost")
        return 1
    found, status = find_feed(target, pick)
    if found is None:
        return status
    if any(feed.url == found.url for feed in config.feeds):
        print(f"{found.url} is in {config_file()} already")
        return 0
    append_feeds(config_file(), [FeedConfig(found.url, title=found.title)])
    print(f"added {found.label()} to {config_file()}")
    return 0


def export_opml(config: Config) -> int:
    print(to_opml(config.feeds))
    return 0
