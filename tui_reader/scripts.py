"""The commands for scripts and cron: ``list``, ``refresh``, ``import-opml``.

Apart from :mod:`tui_reader.commands` so that opening the reader does not import what
only these need (httpx, the feed parser, the filter).
"""

from __future__ import annotations

import argparse
import asyncio
import json
from pathlib import Path

from tui_reader.commands import error, open_store
from tui_reader.core.article import Article
from tui_reader.core.config import Config, append_feeds
from tui_reader.core.feeds.fetch import Limits, make_client
from tui_reader.core.feeds.localfiles import local_path
from tui_reader.core.feeds.opml import OpmlError, parse_opml, to_opml
from tui_reader.core.feeds.refresh import refresh_all
from tui_reader.core.library import Filter, Library
from tui_reader.core.local.scan import discover_feeds, parse_local_feed, scan_sources
from tui_reader.core.markdown.text import analyse
from tui_reader.core.paths import config_file
from tui_reader.core.sanitize import clean_error, clean_line
from tui_reader.core.sources import FeedConfig
from tui_reader.core.state import ReadingState


def list_command(sources: list[str], feeds: list[FeedConfig], args: argparse.Namespace, wpm: int) -> int:
    store, problem = open_store()
    if problem:
        error(problem)
    state = ReadingState(store)
    library = Library(wpm=wpm)
    failed = False
    try:
        for batch, errors in scan_sources(sources, store):
            library.add(batch)
            for message in errors:
                failed = True
                error(message)
        for feed in feeds + discover_feeds(sources):
            # Feed files are read as they are now; feed URLs come from the cache (`refresh`).
            if local_path(feed.url):
                articles, message = parse_local_feed(feed)
            else:
                articles = store.feed_articles(feed.url) if store is not None else []
                message = "" if articles else f"{clean_line(feed.url)}: nothing cached yet"
            if message:
                failed = True
                error(message)
            library.add(articles)
        query = Filter(
            tags=frozenset(t.casefold() for t in args.tag),
            text=args.search,
            unread_only=args.unread,
            starred_only=args.starred,
            max_minutes=args.max_minutes,
        )
        selected = library.select(query, is_read=state.is_read, is_starred=state.is_starred)
    finally:
        if store is not None:
            store.close()
    for article in selected:
        if args.json:
            print(json.dumps(article_json(article, library.minutes(article)), ensure_ascii=False))
        else:
            date = article.date.strftime("%Y-%m-%d") if article.date else "unknown   "
            tags = ", ".join(article.tags)
            print(f"{date}  {library.minutes(article):>3} min  {article.title}  [{tags}]")
    return 1 if failed and not library.articles else 0


def article_json(article: Article, minutes: int) -> dict[str, object]:
    """The ``list --json`` record of one article."""
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
        "headings": [{"level": level, "text": text} for level, text, _ in article.headings],
    }


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

    def report(done: int, total: int, outcome) -> None:
        status = {"updated": "ok", "not_modified": "unchanged", "failed": "FAILED"}[outcome.status]
        detail = f"{outcome.new_count} new, {outcome.total} cached"
        if outcome.message:
            detail += f" — {outcome.message}"
        print(f"[{done}/{total}] {status:9} {outcome.title}: {detail}", flush=True)

    async def go():
        async with make_client(limits) as client:
            return await refresh_all(
                client, store, config.feeds, limits=limits, analyse=analyse, on_progress=report
            )

    try:
        outcomes = asyncio.run(go())  # each updated feed is saved and indexed as it comes
    finally:
        store.close()
    failed = sum(1 for o in outcomes if o.status == "failed")
    new = sum(o.new_count for o in outcomes)
    print(f"{len(outcomes)} feeds: {len(outcomes) - failed} ok, {failed} failed, {new} new entries")
    return 1 if outcomes and failed == len(outcomes) else 0


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


def export_opml(config: Config) -> int:
    print(to_opml(config.feeds))
    return 0
