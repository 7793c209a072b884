"""``tui-reader read URL|FILE [--json]``: the main text of a web page (or of a local
``.html`` file) as Markdown on standard output.

A Markdown file passes through as it is (its body, front matter taken out), and so does a
feed entry cached in the library whose link is the URL, when it has its full article or
the feed's own full text (a summary-only entry's page is fetched). Every problem is one
line naming the URL or file, with exit status 1.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from pathlib import Path

from tui_reader.commands.common import error, open_store
from tui_reader.core.fulltext.extract import Extracted, ExtractError
from tui_reader.core.limits import Limits
from tui_reader.core.markdown.readtime import read_minutes
from tui_reader.core.paths import database_file
from tui_reader.core.sanitize import CleanError, clean_line, clean_text
from tui_reader.core.sources import MARKDOWN_SUFFIXES


def read_command(args: argparse.Namespace, wpm: int) -> int:
    target: str = args.target
    shown = clean_line(target)
    try:
        extracted = _read(target)
    except CleanError as exc:
        error(f"{shown}: {exc.message}")
        return 1
    from tui_reader.core.markdown.text import analyse

    words, cjk, _headings = analyse(extracted.markdown)
    if args.json:
        record = {
            "title": extracted.title,
            "author": extracted.author,
            "date": extracted.date or None,
            "words": words,
            "minutes": read_minutes(words, cjk, wpm),
            "markdown": extracted.markdown,
        }
        print(json.dumps(record, ensure_ascii=False))
    else:
        print(extracted.markdown, end="" if extracted.markdown.endswith("\n") else "\n")
    return 0


def _read(target: str) -> Extracted:
    if target.lower().startswith(("http://", "https://")):
        return _cached_entry(target) or asyncio.run(_fetch(target))
    if "://" in target:
        raise ExtractError("only http and https addresses, or a file, can be read")
    path = Path(target).expanduser()
    if path.suffix.lower() in MARKDOWN_SUFFIXES:
        return _markdown(path)
    from tui_reader.core.fulltext.page import read_file

    body = read_file(str(path), Limits())
    from tui_reader.core.fulltext.discover import feed_kind
    from tui_reader.core.fulltext.extract import extract

    if feed_kind(body):
        raise ExtractError("a feed, not a page: list it with tui-reader list FILE")
    return extract(body, path.resolve().as_uri())


async def _fetch(url: str) -> Extracted:
    from tui_reader.core.feeds.fetch import make_client
    from tui_reader.core.fulltext.discover import feed_kind
    from tui_reader.core.fulltext.extract import extract
    from tui_reader.core.fulltext.page import fetch_page

    limits = Limits()
    async with make_client(limits) as client:
        page = await fetch_page(client, url, limits)
    if feed_kind(page.body, page.content_type):
        raise ExtractError("a feed, not a page: open it with tui-reader URL, or list URL")
    return await asyncio.to_thread(extract, page.body, page.url, page.content_type)


def _cached_entry(url: str) -> Extracted | None:
    """A cached feed entry with this link, when its text is more than a summary."""
    if not database_file().exists():
        return None  # no library to look in, and reading a page makes none
    store, _problem = open_store(check=False)
    if store is None:
        return None
    try:
        entry = store.entry_by_link(url)
    except Exception:  # noqa: BLE001 - StoreError: then the page is fetched
        return None
    finally:
        store.close()
    if entry is None or entry.text_from == "summary" or not entry.body:
        return None
    date = entry.date.isoformat() if entry.date else ""
    return Extracted(entry.body, entry.title, entry.author, date)


def _markdown(path: Path) -> Extracted:
    """A Markdown file as it is: its body, and its title, author and date as the list
    shows them."""
    from tui_reader.core.local.frontmatter import split_front_matter
    from tui_reader.core.local.posts import load_article
    from tui_reader.core.local.textio import NotReadable, read_text_file

    try:
        text, _notes = read_text_file(path)
    except (NotReadable, OSError) as exc:
        raise ExtractError(str(exc)) from None
    _data, body, _format, _problem = split_front_matter(text)
    article = load_article(path, source=str(path.parent), root=path.parent)
    date = article.date.isoformat() if article.date else ""
    return Extracted(clean_text(body), article.title, article.author, date)
