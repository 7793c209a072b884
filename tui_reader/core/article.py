"""The data model shared by every part of tui-reader: articles and their headings.

Everything here is plain data. Strings in these objects have already been through
:mod:`tui_reader.core.sanitize`, so the UI may show them (never as markup, though).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from operator import attrgetter
from typing import Literal, NamedTuple

Kind = Literal["local", "feed"]
SUMMARY_LIMIT = 300  # characters of a summary, given or taken from the body


class Heading(NamedTuple):
    """One heading of an article, as listed in the table of contents.

    A named tuple, not a frozen dataclass: a later start unpickles one or more per
    article, and a frozen dataclass's __init__ (one object.__setattr__ per field) would
    be a large part of that, all of it on the interface's interpreter lock."""

    level: int
    text: str
    anchor: str = ""


@dataclass(slots=True)
class Article:
    """One readable item: a local Markdown post or a feed entry.

    ``key`` is the stable identity used for reading state:
    ``local:<source folder>::<path relative to it>`` or ``feed:<feed url>::<entry id>``.
    """

    key: str
    title: str
    kind: Kind = "local"
    date: datetime | None = None  # timezone-aware, or None when unknown
    lastmod: datetime | None = None
    author: str = ""
    tags: tuple[str, ...] = ()
    summary: str = ""
    draft: bool = False
    words: int = 0
    cjk: bool = False
    source: str = ""  # what the user gave (folder, file or feed URL)
    location: str = ""  # file path, or the entry's link
    link: str = ""  # http(s) link for feed entries ("" for local files)
    # (level, text, anchor) each: Heading named tuples when made, plain tuples when
    # loaded from a scan (see __reduce__); read them by unpacking, not by name.
    headings: tuple[tuple[int, str, str], ...] = ()
    body: str | None = None  # Markdown; None means "read it from ``location``"
    feed_title: str = ""
    warnings: tuple[str, ...] = ()  # problems found while loading, shown to the user
    mtime: float = 0.0
    size: int = 0
    # False for a page Hugo keeps out of its lists (build options, cascade, headless
    # bundles): not listed, but a link to it still opens it.
    listed: bool = True
    # Metadata only, so far: words, headings and summary come in a second pass of the scan.
    pending: bool = False
    tags_folded: frozenset[str] = field(default=frozenset(), compare=False)
    # Which text of a feed entry ``body`` is: "full" (the article, fetched from its link),
    # "summary" (the feed's text, only a summary) or "feed" (the feed's own full text);
    # "" for local posts.
    text_from: str = field(default="", compare=False)
    # The date as a number for sorting (-inf when unknown): comparing aware datetimes
    # made sorting 10,000 articles slow enough to feel.
    stamp: float = field(default=0.0, init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        self.stamp = self.date.timestamp() if self.date is not None else float("-inf")
        if not self.tags_folded:
            self.tags_folded = frozenset(t.casefold() for t in self.tags)

    def __reduce__(self) -> tuple[type[Article], tuple[object, ...]]:
        # Pickled as a constructor call with the fields in order: unpickling then sets
        # them in C, not one setattr per field by name.
        # Headings go as plain tuples: a named tuple is rebuilt through its Python
        # __new__, which is costly when thousands of posts are unpickled.
        values = _init_fields(self)
        if self.headings and type(self.headings[0]) is not tuple:
            plain = tuple(map(tuple, self.headings))
            values = (*values[:_HEADINGS], plain, *values[_HEADINGS + 1 :])
        return (Article, values)


_INIT_NAMES = [f.name for f in fields(Article) if f.init]
_init_fields = attrgetter(*_INIT_NAMES)
_HEADINGS = _INIT_NAMES.index("headings")


def shown_date(when: datetime | None, unknown: str = "unknown") -> str:
    """The day a date falls on where the reader sits: a date with a time zone is moved to
    the local one (20:00 UTC is the next day in Tokyo); one without (a bare front-matter
    date) is the day it says."""
    if when is None:
        return unknown
    return (when.astimezone() if when.tzinfo is not None else when).strftime("%Y-%m-%d")
