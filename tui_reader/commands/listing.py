"""``tui-reader list``: print the matching articles without opening the interface."""

from __future__ import annotations

import argparse
import json
from contextlib import suppress
from dataclasses import replace

from tui_reader.commands.common import PICK_EXIT, error, fetch_once, find_feed, open_store
from tui_reader.core.article import Article, shown_date
from tui_reader.core.feeds.localfiles import local_path
from tui_reader.core.library import Filter, Library, in_rank_order
from tui_reader.core.limits import format_size
from tui_reader.core.local.scan import discover_feeds, parse_local_feed, scan_sources
from tui_reader.core.markdown.text import plain_text
from tui_reader.core.paths import config_file
from tui_reader.core.sanitize import clean_line
from tui_reader.core.sources import FeedConfig
from tui_reader.core.state import ReadingState
from tui_reader.core.store import Store, StoreError

SEARCH_EVERYTHING = 1 << 30  # every match: a script wants them all, not a screenful


def list_command(
    sources: list[str], feeds: list[FeedConfig], args: argparse.Namespace, wpm: int
) -> int:
    store, problem = open_store()
    if problem:
        error(problem)
    state = ReadingState(store)
    library = Library(wpm=wpm)
    failed = False
    choose = False  # a site's address named several feeds, and --pick chose none
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
                if args.search and articles:
                    _index(store, articles)
            elif store is None:
                articles = []
                message = f"{clean_line(feed.url)}: not listed, the library database is not open"
            else:
                articles = store.feed_articles(feed.url)
                if not articles and store.writable and store.get_feed(feed.url) is None:
                    articles, message, status = _fetch_first(store, feed, args.pick)
                    failed = failed or status != 0
                    choose = choose or status == PICK_EXIT
                else:
                    message = "" if articles else not_fetched(feed.url)
            if message:
                failed = True
                error(message)
            library.add(articles)
        ranking = _search(store, args.search) if args.search else None
        query = Filter(
            tags=frozenset(t.casefold() for t in args.tag),
            # Without the database there is no full-text index: the text filter of `/`.
            text=args.search if args.search and ranking is None else "",
            unread_only=args.unread,
            starred_only=args.starred,
            max_minutes=args.max_minutes,
            keys=None if ranking is None else frozenset(ranking),
        )
        selected = library.select(
            query, args.sort or "date", is_read=state.is_read, is_starred=state.is_starred
        )
        if ranking is not None and args.sort is None:
            selected = in_rank_order(selected, ranking)
    finally:
        if store is not None:
            store.close()
    for article in selected:
        for warning in article.warnings:  # a bad date, a broken header: named with its file
            error(f"{clean_line(article.location)}: {warning}")
        if args.json:
            print(json.dumps(article_json(article, library.minutes(article)), ensure_ascii=False))
        else:
            date = shown_date(article.date, "unknown   ")
            tags = ", ".join(article.tags)
            print(f"{date}  {library.minutes(article):>3} min  {article.title}  [{tags}]")
    if choose:
        return PICK_EXIT
    return 1 if failed and not library.articles else 0


def _fetch_first(
    store: Store, feed: FeedConfig, pick: int | None
) -> tuple[list[Article], str, int]:
    """A feed (or a site's address) never fetched: found and fetched once, then listed.
    Returns the articles, a message still to say, and the exit status it calls for."""
    found, status = find_feed(feed.url, pick)
    if found is None:
        return [], "", status  # said already
    if found.url != feed.url:
        error(f"{clean_line(feed.url)}: listing the feed found there, {clean_line(found.url)}")
        feed = replace(feed, url=found.url)
    problem = fetch_once(store, feed)
    if problem:
        return [], f"{clean_line(feed.url)}: {problem}", 1
    return store.feed_articles(feed.url), "", 0


def stats_command() -> int:
    """``list --stats``: each feed's entries (unread, starred) and the database's size."""
    store, problem = open_store()
    if store is None:
        error(problem)
        return 1
    try:
        stats = store.feed_stats()
        size = store.database_size()
        local = store.scan_cache_count()
    except StoreError as exc:
        error(str(exc))
        return 1
    finally:
        store.close()
    width = max([len("entries"), *(len(str(s.entries)) for s in stats)])
    print(f"{'entries':>{width}}  {'unread':>6}  {'starred':>7}  feed")
    for line in stats:
        name = clean_line(line.title) or clean_line(line.url, 500)
        print(f"{line.entries:>{width}}  {line.unread:>6}  {line.starred:>7}  {name}")
    total = sum(s.entries for s in stats)
    print(f"{total} entries in {len(stats)} feeds; {local} local files in the scan cache")
    print(f"database: {store.path} ({format_size(size - size % 1024)}, {size} bytes)")
    return 0


def not_fetched(url: str) -> str:
    """What to do about a feed URL with nothing in the cache."""
    shown = clean_line(url)
    return (
        f"{shown}: nothing cached yet; open it in the reader to fetch it (tui-reader {shown}),"
        f" or run tui-reader refresh with it under [[feeds]] in {clean_line(str(config_file()))}"
    )


def _search(store: Store | None, text: str) -> list[str] | None:
    """The keys matching ``text`` in the full-text index, best first (as ``ctrl+f``
    ranks them), or None when there is no index to ask."""
    if store is not None:
        try:
            return store.search(text, limit=SEARCH_EVERYTHING)
        except StoreError as exc:
            error(str(exc))
    error(
        "--search looked only at titles, tags, authors and summaries: the full text is"
        " searched in the library database, which is not open"
    )
    return None


def _index(store: Store | None, articles: list[Article]) -> None:
    """Put a feed file's entries in the search index, as the reader's refresh does."""
    if store is None or not store.writable:
        return
    with suppress(StoreError):  # then they are not found by --search, and that is all
        store.index_articles((a, plain_text(a.body or "")) for a in articles)


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
