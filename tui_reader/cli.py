"""The command line: open the reader, or print the library for scripts."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from tui_reader import __version__
from tui_reader.core.loader import is_feed_source

NO_SOURCE = """\
tui-reader: no source given, and no config file at {path}

Give a folder or a file of Markdown posts (or a feed), for example:
    tui-reader ~/blog/content
    tui-reader sample_content

or list your sources in {path}:
    sources = ["~/blog/content"]
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tui-reader", description="A keyboard-driven reader for Markdown posts and feeds."
    )
    parser.add_argument("--version", action="version", version=f"tui-reader {__version__}")
    parser.add_argument("--wpm", type=int, help="reading speed in words per minute (default 212)")
    sub = parser.add_subparsers(dest="command")
    lister = sub.add_parser("list", help="print the matching articles without the interface")
    lister.add_argument("sources", nargs="*", metavar="SOURCE")
    lister.add_argument("--tag", action="append", default=[], help="only articles with this tag")
    lister.add_argument("--search", default="", help="only articles matching this text")
    lister.add_argument("--json", action="store_true", help="one JSON object per line")
    lister.add_argument("--unread", action="store_true", help="only unread articles")
    lister.add_argument("--starred", action="store_true", help="only starred articles")
    lister.add_argument("--max-minutes", type=int, metavar="N", help="only articles of at most N minutes")
    lister.add_argument("--wpm", type=int, dest="list_wpm", help=argparse.SUPPRESS)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return run(argv)
    except BrokenPipeError:  # `tui-reader list | head`
        sys.stderr.close()
        return 0


def run(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    commands = {"list"}
    if argv and argv[0] in commands or any(a in ("-h", "--help", "--version") for a in argv[:1]):
        args = parser.parse_args(argv)
        sources: list[str] = getattr(args, "sources", [])
    else:
        # `tui-reader [--wpm N] SOURCE ...`: sources may look like anything but a command.
        opener = argparse.ArgumentParser(prog="tui-reader", parents=[], add_help=False)
        opener.add_argument("--wpm", type=int)
        args, sources = opener.parse_known_args(argv)
        args.command = None
    from tui_reader.core.config import load_config
    from tui_reader.core.paths import config_file

    config = load_config(config_file())
    wpm = getattr(args, "list_wpm", None) or args.wpm or config.wpm
    if wpm is not None and not 20 <= wpm <= 5000:
        print("tui-reader: --wpm must be between 20 and 5000", file=sys.stderr)
        return 2
    feeds = split_feeds(sources, config) if sources else list(config.feeds)
    if not sources:
        sources = list(config.sources)
    sources = [s for s in sources if not is_feed_source(s)]
    if args.command == "list":
        return list_command(sources, feeds, args, wpm)
    if not sources and not feeds:
        print(NO_SOURCE.format(path=config_file()), file=sys.stderr)
        return 2
    from tui_reader.ui.app import ReaderApp

    store, problem = open_store()
    messages = list(config.errors)
    if problem:
        messages.append(f"{problem} Reading state will not be saved in this session.")
    try:
        ReaderApp(
            sources, wpm=wpm, keymap=config.keys, messages=messages, store=store, feeds=feeds
        ).run()
    finally:
        if store is not None:
            store.close()
    return 0


def split_feeds(sources: list[str], config) -> list:
    """The feed sources among ``sources``, with title and tags from the config if listed."""
    from tui_reader.core.feeds import FeedConfig

    known = {feed.url: feed for feed in config.feeds}
    return [known.get(s) or FeedConfig(s) for s in sources if is_feed_source(s)]


def open_store():
    """The library database, or (None, the reason it cannot be used)."""
    from tui_reader.core.paths import database_file
    from tui_reader.core.store import Store, StoreError

    try:
        return Store(database_file()), ""
    except StoreError as exc:
        return None, str(exc)


def list_command(sources: list[str], feeds: list, args: argparse.Namespace, wpm: int) -> int:
    from tui_reader.core.library import Filter, Library
    from tui_reader.core.feeds import local_path
    from tui_reader.core.loader import parse_local_feed, scan_sources
    from tui_reader.core.state import ReadingState

    if not sources and not feeds:
        print(NO_SOURCE.format(path="the config file"), file=sys.stderr)
        return 2
    store, problem = open_store()
    if problem:
        print(f"tui-reader: {problem}", file=sys.stderr)
    state = ReadingState(store)
    library = Library(wpm=wpm)
    failed = False
    for batch, errors in scan_sources(sources, store):
        library.add(batch)
        for error in errors:
            failed = True
            print(f"tui-reader: {error}", file=sys.stderr)
    for feed in feeds:
        # Feed files are read as they are now; feed URLs come from the cache (see `refresh`).
        cached = store.feed_articles(feed.url) if store is not None else []
        articles, error = parse_local_feed(feed) if local_path(feed.url) else (cached, "")
        if error:
            failed = True
            print(f"tui-reader: {error}", file=sys.stderr)
        library.add(articles)
    query = Filter(
        tags=frozenset(t.casefold() for t in args.tag),
        text=args.search,
        unread_only=args.unread,
        starred_only=args.starred,
        max_minutes=args.max_minutes,
    )
    as_json = args.json
    selected = library.select(query, is_read=state.is_read, is_starred=state.is_starred)
    if store is not None:
        store.close()
    for article in selected:
        if as_json:
            print(json.dumps(article_json(article, library.minutes(article)), ensure_ascii=False))
        else:
            date = article.date.strftime("%Y-%m-%d") if article.date else "unknown   "
            tags_text = ", ".join(article.tags)
            print(f"{date}  {library.minutes(article):>3} min  {article.title}  [{tags_text}]")
    return 1 if failed and not library.articles else 0


def article_json(article, minutes: int) -> dict:
    return {
        "title": article.title,
        "date": article.date.isoformat() if article.date else None,
        "author": article.author,
        "tags": list(article.tags),
        "words": article.words,
        "minutes": minutes,
        "summary": article.summary,
        "draft": article.draft,
        "source": article.source,
        "location": article.location,
        "headings": [{"level": h.level, "text": h.text} for h in article.headings],
    }
