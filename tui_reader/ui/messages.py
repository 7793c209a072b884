"""Messages that worker threads post to the app.

``post_message`` is safe from any thread and does not wait, so a scan thread never stalls
on the UI (``call_from_thread`` waits for each call to finish), and messages are handled
in the order they were posted, so the "finished" message comes after every batch.
"""

from __future__ import annotations

from textual.message import Message

from tui_reader.core.article import Article
from tui_reader.core.sources import FeedConfig


class ScanBatch(Message):
    """Some articles from the local scan, and the errors met reading them."""

    def __init__(self, articles: list[Article], errors: list[str]) -> None:
        super().__init__()
        self.articles = articles
        self.errors = errors


class ScanListed(Message):
    """Every local file is in the list; their read times may still be coming."""


class ScanFinished(Message):
    """The local scan is over: the feed files found in the sources, and file problems."""

    def __init__(self, feeds: list[FeedConfig], problems: list[str]) -> None:
        super().__init__()
        self.feeds = feeds
        self.problems = problems
