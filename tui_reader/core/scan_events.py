"""What a scan of local posts reports, in order: batches of articles (:class:`Found`),
:class:`AllListed` once every file is in the list, and :class:`ScanDone` last.

Plain data, light to import: the interface handles these events before it has loaded the
loader (front matter, YAML, feeds), and the scan process pickles them.
"""

from __future__ import annotations

from dataclasses import dataclass

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
