"""What a source is: a feed (a URL or a feed file) or Markdown (a file or a folder).

Kept apart and light (no feed parser, no YAML, no httpx) because the command line needs
it before it starts the scan, and everything it imports first delays the reader's start.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

FEED_SUFFIXES = (".xml", ".rss", ".atom", ".json")
MARKDOWN_SUFFIXES = (".md", ".markdown")


@dataclass(frozen=True, slots=True)
class FeedConfig:
    """One subscribed feed: an http(s) URL or a local file path, with optional title/tags.

    ``full_text``: "auto" fetches the article of entries that are only a summary, "true"
    of every entry, "false" of none (``f`` in the reader fetches one on demand)."""

    url: str
    title: str = ""
    tags: tuple[str, ...] = ()
    full_text: str = "auto"
    refresh_minutes: int | None = None  # this feed's schedule; None: the global one


def is_feed_source(source: str) -> bool:
    """A URL, or a file with a feed suffix."""
    lowered = source.lower()
    return lowered.startswith(("http://", "https://")) or lowered.endswith(FEED_SUFFIXES)


NO_SUCH_SOURCE = "no such file or folder"


def is_missing(source: str) -> bool:
    """A local source (not a URL) whose path does not exist. A path that exists but cannot
    be read is not missing: the scan names its own problem."""
    if "://" in source:
        return False
    try:
        os.stat(os.path.expanduser(source))
    except (FileNotFoundError, NotADirectoryError):
        return True
    except (OSError, ValueError):
        return False
    return False
