"""What a scan of local posts reports, in order: batches of articles (:class:`Found`),
:class:`AllListed` once every file is in the list, and :class:`ScanDone` last.

Plain data, light to import: the interface handles these events before it has loaded the
loader (front matter, YAML, feeds), and the scan process pickles them.
"""

from __future__ import annotations

import io
import pickle
from dataclasses import dataclass
from typing import Any, BinaryIO

from tui_reader.core.article import Article
from tui_reader.core.sources import FeedConfig


@dataclass(slots=True)
class Found:
    """Scan event: some articles, and the errors met reading them."""

    articles: list[Article]
    errors: list[str]


@dataclass(slots=True)
class AllListed:
    """Scan event: every file is listed; with ``quick_first``, complete ones follow."""


@dataclass(slots=True)
class ScanDone:
    """Scan event, the last: the feed files found inside the source folders."""

    feeds: list[FeedConfig]


ScanEvent = Found | AllListed | ScanDone


# --- on the wire ---------------------------------------------------------------------
# Events cross from the scan process to the reader, and batches of them are kept in the
# library as scan snapshots, pickled. Pickle runs code named by the data, so the data may
# name only these classes: anything else (a damaged or planted snapshot) is refused.
_ALLOWED = frozenset(
    {
        ("tui_reader.core.local.events", "Found"),
        ("tui_reader.core.local.events", "AllListed"),
        ("tui_reader.core.local.events", "ScanDone"),
        ("tui_reader.core.article", "Article"),
        ("tui_reader.core.article", "Heading"),
        ("tui_reader.core.sources", "FeedConfig"),
        ("datetime", "datetime"),
        ("datetime", "timezone"),
        ("datetime", "timedelta"),
        ("copyreg", "_reconstructor"),
        ("builtins", "object"),
    }
)


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in _ALLOWED:
            raise pickle.UnpicklingError(f"refused to load {module}.{name}")
        return super().find_class(module, name)


def dump_event(event: ScanEvent | object) -> bytes:
    """The event pickled. The articles of a :class:`Found` first have their equal tags,
    authors and sources made one object each (same values): pickle writes each once per
    batch and refers back to it, so the reader builds it once."""
    if isinstance(event, Found):
        share_strings(event.articles)
    return pickle.dumps(event, protocol=pickle.HIGHEST_PROTOCOL)


def share_strings(articles: list[Article]) -> None:
    """Make equal tag, author and source strings of these articles one object each.

    Shared, a batch pickles each distinct string once and refers to it after, so a later
    start unpickles far fewer small strings than one per tag of every article."""
    pool: dict[str, str] = {}
    share = pool.setdefault
    for article in articles:
        if article.tags:
            article.tags = tuple([share(tag, tag) for tag in article.tags])
            article.tags_folded = frozenset([share(tag, tag) for tag in article.tags_folded])
        article.author = share(article.author, article.author)
        article.source = share(article.source, article.source)


def load_event(file: BinaryIO) -> Any:
    """The next pickled object in ``file``; only the classes above may appear in it.

    Raises EOFError at the end, pickle.UnpicklingError (or ValueError, TypeError...) on
    data that is not what we write."""
    return _Unpickler(file).load()


def loads_event(data: bytes) -> Any:
    return load_event(io.BytesIO(data))
