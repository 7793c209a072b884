"""``tui-reader list``: print the matching articles without opening the interface."""

from __future__ import annotations

import argparse
import json

from tui_reader.commands.common import error, open_store
from tui_reader.core.article import Article
from tui_reader.core.feeds.refresh import local_path
from tui_reader.core.library import Filter, Library
from tui_reader.core.local.scan import discover_feeds, parse_local_feed, scan_sources
from tui_reader.core.sanitize import clean_line
from tui_reader.core.sources import FeedConfig
from tui_reader.core.state import ReadingState


def list_command(
    sources: list[str], feeds: list[FeedConfig], args: argparse.Namespace, wpm: int
) -> int:
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
