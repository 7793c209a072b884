"""What the feed adapters share: the entry they fill, the error they raise, their limits.

Each adapter (:mod:`.parse` for XML through feedparser or :mod:`.fastrss`,
:mod:`.jsonfeed` for JSON Feed) turns a document into :class:`Entry` objects;
:mod:`.build` turns those into clean :class:`~tui_reader.core.article.Article` objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urljoin

from tui_reader.core.article import Article
from tui_reader.core.sanitize import CleanError

MAX_ENTRIES = 10_000


class FeedError(CleanError):
    """A document that cannot be read as a feed; the message is one clean line."""



@dataclass(slots=True)
class ParsedFeed:
    """The result of :func:`parse_feed`."""

    title: str
    articles: list[Article]
    warnings: list[str] = field(default_factory=list)



@dataclass(slots=True)
class Entry:
    """One entry as either adapter sees it, before it is cleaned into an Article."""

    id: str | None = None
    link: str | None = None
    title: str = ""  # plain text
    author: str = ""
    date: datetime | None = None
    tags: list[object] = field(default_factory=list)
    contents: list[tuple[str, str]] = field(default_factory=list)  # (mime type, value)
    summary: tuple[str, str] | None = None
    base: str = ""  # what relative URLs in the content resolve against ("": the link)



def join_url(base: str, link: str) -> str:
    """``link`` resolved against ``base``; as it is when it cannot be."""
    try:
        return urljoin(base, link.strip())
    except ValueError:
        return link

