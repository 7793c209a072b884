"""What a post's file name and text say when its front matter does not: Jekyll's
``_posts/YYYY-MM-DD-title.md`` names, note vaults' inline ``#tags``, and a plain note's
modification time as its date.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from tui_reader.core.markdown.lines import code_and_prose

_JEKYLL_NAME = re.compile(r"(\d{4})-(\d{2})-(\d{2})-(.+)")
# "#tag" or "#area/sub-tag" after white space: not a heading ("# Title"), not a number
# ("#1"), not an anchor in a URL or an entity ("&#39;").
_INLINE_TAG = re.compile(r"(?<!\S)#([^\W\d_][\w/-]*)")
_TAG_START = re.compile(r"#[^\W\d_]")  # starts with a literal: a fast scan
_CODE_SPAN = re.compile(r"`+[^`\n]*`+")


def jekyll_name(path: Path) -> tuple[datetime | None, str]:
    """The date and title a Jekyll post's name gives (``_posts/2024-05-01-my-trip.md``
    is 1 May 2024, "My Trip"); (None, "") for any other file."""
    if "_posts" not in str(path) or "_posts" not in path.parts:  # the string test is cheap
        return None, ""
    match = _JEKYLL_NAME.fullmatch(path.stem)
    if match is None:
        return None, ""
    year, month, day, slug = match.groups()
    try:
        when = datetime(int(year), int(month), int(day), tzinfo=UTC)
    except ValueError:
        return None, ""
    return when, " ".join(word.capitalize() for word in re.split(r"[-_ ]+", slug) if word)


def inline_tags(body: str) -> list[str]:
    """The ``#tags`` written in a note's text, outside code, in order of first use."""
    if _TAG_START.search(body) is None:  # headings ("# Title") alone: no more work
        return []
    found: dict[str, None] = {}
    for code, run in code_and_prose(body):
        if code or "#" not in run:
            continue
        run = _CODE_SPAN.sub("", run) if "`" in run else run
        for tag in _INLINE_TAG.findall(run):
            found.setdefault(tag.rstrip("/-"), None)
    return list(found)


def modified_date(mtime: float) -> datetime | None:
    """A note's date when nothing else gives one: when its file was last changed."""
    return datetime.fromtimestamp(mtime, UTC) if mtime > 0 else None
