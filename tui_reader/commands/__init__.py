"""What each command line does, once :mod:`tui_reader.cli` has parsed it.

:func:`run` picks the command. Opening the reader (:mod:`.reader`) imports as little as
it can before it starts the scan child; ``list`` (:mod:`.listing`) and the feed commands
(:mod:`.feeds`) bring in what only they need (httpx, the feed parser, the filter). Their
shared helpers are in :mod:`.common`, so no command module imports another.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tui_reader.commands.common import error
from tui_reader.core.config import Config, load_config
from tui_reader.core.paths import config_file
from tui_reader.core.sources import NO_SUCH_SOURCE, FeedConfig, is_feed_source, is_missing

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


def run(command: str | None, args: argparse.Namespace) -> int:
    config = load_config(config_file())
    for problem in config.errors:
        error(problem)
    wpm = getattr(args, "wpm", None) or config.wpm
    if not 20 <= wpm <= 5000:
        error("--wpm must be between 20 and 5000")
        return 2
    if command == "sync":
        from tui_reader.commands.sync import sync_command

        return sync_command(config)
    if command == "read":
        from tui_reader.commands.read import read_command

        return read_command(args, wpm)
    if command in ("refresh", "import", "import-opml", "export-opml"):
        from tui_reader.commands.feeds import (
            export_opml,
            import_opml,
            import_source,
            refresh_command,
        )

        if command == "refresh":
            return refresh_command(config)
        if command == "import":
            return import_source(config, args.target, args.pick)
        if command == "import-opml":
            return import_opml(config, Path(args.file))
        return export_opml(config)
    if command == "list" and args.stats:
        from tui_reader.commands.listing import stats_command

        return stats_command()
    sources, feeds = resolve_sources(args.sources, config)
    if not sources and not feeds and (command == "list" or config.sync is None):
        print(NO_SOURCE.format(path=config_file()), file=sys.stderr)
        return 2
    if command == "list":
        from tui_reader.commands.listing import list_command

        return list_command(sources, feeds, args, wpm)
    from tui_reader.commands.reader import open_reader

    if getattr(args, "no_images", False):
        config.images = "off"
    if getattr(args, "no_watch", False):
        config.watch = False
    missing = [s for s in [*sources, *(feed.url for feed in feeds)] if is_missing(s)]
    if not missing:
        return open_reader(sources, feeds, config, wpm)
    from tui_reader.core.sanitize import clean_line

    notes = [f"{clean_line(source)}: {NO_SUCH_SOURCE}" for source in dict.fromkeys(missing)]
    if len(missing) == len(sources) + len(feeds):  # nothing to show: say so, as list does
        for note in notes:
            error(note)
        return 1
    # The reader opens on the rest and names the missing ones once, among its start-up
    # messages (the scan would name them too, in a toast of its own).
    gone = set(missing)
    sources = [source for source in sources if source not in gone]
    feeds = [feed for feed in feeds if feed.url not in gone]
    return open_reader(sources, feeds, config, wpm, notes)


def resolve_sources(given: list[str], config: Config) -> tuple[list[str], list[FeedConfig]]:
    """Markdown sources and feeds: from the command line, else from the config."""
    if not given:
        return list(config.sources), list(config.feeds)
    known = {feed.url: feed for feed in config.feeds}
    feeds = [known.get(s) or FeedConfig(s) for s in given if is_feed_source(s)]
    return [s for s in given if not is_feed_source(s)], feeds
