"""Which feed entries are only a summary, and which of them get their article fetched.

Light on purpose (no imports beyond the standard library): the list pane asks it for
every feed row it marks, and the store for every entry it loads.
"""

from __future__ import annotations

import re
from typing import Literal

FullTextMode = Literal["auto", "true", "false"]
SHORT_WORDS = 150  # "under about 150 words": a feed text shorter than this may be a teaser
MAX_PER_FEED = 10  # articles fetched per feed and refresh, newest first (the rest next time)

# How a teaser ends: an ellipsis (with or without brackets), or a "read more" link's words.
_TRUNCATED = re.compile(
    r"(?:…|\.\.\.|\[(?:…|\.\.\.)\]|read more|continue reading|read the rest|more\s*»)"
    r"(?:\]\([^)\s]*\))?"  # the words may be a link's: [Read more](https://...)
    r"[\s\\\]\)*_»›>.]*$",  # then only closing marks (escaped, as feed text is)
    re.IGNORECASE,
)
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def parse_mode(value: object) -> FullTextMode | None:
    """A feed's ``full_text`` setting: ``true``, ``false`` or ``"auto"``; None if invalid."""
    if value is True or value == "true":
        return "true"
    if value is False or value == "false":
        return "false"
    if value == "auto":
        return "auto"
    return None


def is_summary(body: str | None, words: int) -> bool:
    """A feed text that is only a summary of an article: under :data:`SHORT_WORDS` words,
    and one paragraph or cut short with an ellipsis or a "read more".

    A short text of several paragraphs is taken for a short post, complete as it is:
    fetching every one of them would make each refresh fetch pages it does not need
    (``full_text = true`` fetches them all)."""
    if words >= SHORT_WORDS:
        return False
    text = (body or "").strip()
    if not text:
        return True
    return len(_BLANK_LINE.split(text)) <= 1 or _TRUNCATED.search(text[-200:]) is not None


def wants_article(mode: str, link: str, body: str | None, words: int) -> bool:
    """Whether a refresh fetches this entry's article, under the feed's ``mode``."""
    if mode == "false" or not link.lower().startswith(("http://", "https://")):
        return False
    return mode == "true" or is_summary(body, words)
