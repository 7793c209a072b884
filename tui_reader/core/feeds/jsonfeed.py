"""JSON Feed 1.0 and 1.1 (feedparser 6 has no reader for it): a document to entries."""

from __future__ import annotations

import json
from typing import Any

from tui_reader.core.feeds.dates import iso_date
from tui_reader.core.feeds.model import MAX_ENTRIES, Entry, FeedError, join_url
from tui_reader.core.sanitize import clean_line


def read_json_feed(body: bytes, base: str) -> tuple[str, list[Entry]]:
    """``(title, entries)`` of a JSON Feed; links resolve against ``base``."""
    try:
        doc = json.loads(body)
    except (ValueError, RecursionError):
        raise FeedError("not a feed: invalid JSON") from None
    version = doc.get("version") if isinstance(doc, dict) else None
    if not isinstance(version, str) or "jsonfeed.org/version/1" not in version:
        raise FeedError("not a feed: JSON without a JSON Feed version")
    items = doc.get("items")
    if not isinstance(items, list):
        raise FeedError("not a feed: JSON Feed without items")
    title = clean_line(_string_or_empty(doc.get("title")))
    feed_authors = _json_authors(doc)
    entries = []
    for item in items[:MAX_ENTRIES]:
        if isinstance(item, dict):
            entries.append(_from_json_item(item, base, feed_authors))
    return title, entries


def _string_or_empty(value: object) -> str:
    return value if isinstance(value, str) else ""


def _json_authors(obj: dict[str, Any]) -> str:
    authors = obj.get("authors")
    if not isinstance(authors, list):
        authors = [obj.get("author")]
    names = [_string_or_empty(a.get("name")) for a in authors if isinstance(a, dict)]
    return ", ".join(n for n in names if n)


def _from_json_item(item: dict[str, Any], base: str, feed_authors: str) -> Entry:
    entry = Entry()
    raw_id = item.get("id")
    if isinstance(raw_id, (str, int)) and not isinstance(raw_id, bool):
        entry.id = str(raw_id)
    link = _string_or_empty(item.get("url")) or _string_or_empty(item.get("external_url"))
    entry.link = join_url(base, link) if link else None
    entry.title = clean_line(_string_or_empty(item.get("title")))
    entry.author = _json_authors(item) or feed_authors
    entry.date = iso_date(item.get("date_published")) or iso_date(item.get("date_modified"))
    tags = item.get("tags")
    if isinstance(tags, list):
        entry.tags = [t for t in tags if isinstance(t, str)]
    if _string_or_empty(item.get("content_html")):
        entry.contents.append(("text/html", item["content_html"]))
    if _string_or_empty(item.get("content_text")):
        entry.contents.append(("text/plain", item["content_text"]))
    if _string_or_empty(item.get("summary")):
        entry.summary = ("text/plain", item["summary"])
    return entry

