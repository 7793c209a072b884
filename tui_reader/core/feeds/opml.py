"""OPML import and export of the feed list.

Import is as careful as feed parsing: an OPML file comes from somewhere else too.

* Any DTD is refused, at the parser (expat's DOCTYPE and entity handlers raise), so
  entity bombs and external entities never start; the ``<!ENTITY`` / ``<!DOCTYPE`` byte
  check before it only gives the clearer message sooner.
* Only http and https feed URLs are kept. newsboat's OPML import once turned ``|cmd`` and
  ``filtercmd`` outlines into feeds run by a shell (THREATS.md row 3); such outlines,
  like ``exec:``, ``file:`` and relative URLs, are dropped and counted.
* Tags come from the ``category`` attribute (comma-separated, slash-delimited paths,
  OPML 2.0) and from the text of enclosing folder outlines.

Export writes OPML 2.0 with every attribute escaped. Because ``,`` and ``/`` separate
categories, a tag containing either comes back as several tags.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from xml.parsers import expat
from xml.sax.saxutils import quoteattr

from tui_reader.core.sanitize import (
    HTTP_SCHEMES,
    CleanError,
    clean_line,
    clean_tags,
    safe_url,
)
from tui_reader.core.sources import FeedConfig

MAX_OPML_BYTES = 5 * 1024 * 1024
MAX_OUTLINES = 10_000
MAX_DEPTH = 64
_DECLARATION = re.compile(rb"<!\s*(ENTITY|DOCTYPE)", re.IGNORECASE)


class OpmlError(CleanError):
    """The OPML document cannot be imported; the message is one clean line."""



@dataclass(slots=True)
class OpmlImport:
    """Feeds read from an OPML document, and how many outlines were dropped."""

    feeds: list[FeedConfig] = field(default_factory=list)
    dropped: int = 0


class _Refused(Exception):
    pass


def parse_opml(data: bytes) -> list[FeedConfig]:
    """The feeds in an OPML document (http/https only). Raises :class:`OpmlError`."""
    return read_opml(data).feeds


def read_opml(data: bytes) -> OpmlImport:
    """Like :func:`parse_opml`, also counting the outlines that were dropped."""
    if len(data) > MAX_OPML_BYTES:
        raise OpmlError("OPML file larger than 5 MB")
    if _DECLARATION.search(data):
        raise OpmlError("OPML refused: declares a DTD or XML entities")
    reader = _OutlineReader()
    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = reader.refuse_doctype
    parser.EntityDeclHandler = reader.refuse_entity
    parser.ExternalEntityRefHandler = reader.refuse_external
    parser.StartElementHandler = reader.start
    parser.EndElementHandler = reader.end
    try:
        parser.Parse(data, True)
    except _Refused:
        raise OpmlError("OPML refused: declares a DTD or XML entities") from None
    except expat.ExpatError as exc:
        raise OpmlError(f"not an OPML file: {expat.ErrorString(exc.code)}") from None
    except RecursionError:
        raise OpmlError("not an OPML file: nested too deeply") from None
    if not reader.seen_opml:
        raise OpmlError("not an OPML file")
    return OpmlImport(reader.feeds, reader.dropped)


class _OutlineReader:
    """expat callbacks: collect feed outlines, with folder names as tags."""

    def __init__(self) -> None:
        self.feeds: list[FeedConfig] = []
        self.dropped = 0
        self.seen_opml = False
        self.urls: set[str] = set()
        self.folders: list[str | None] = []  # one per open outline; None if not a folder
        self.count = 0

    # expat calls these before any declaration takes effect; raising stops the parse.
    def refuse_doctype(self, *args: Any) -> None:
        raise _Refused

    def refuse_entity(self, *args: Any) -> None:
        raise _Refused

    def refuse_external(self, *args: Any) -> int:
        raise _Refused

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name.lower() == "opml":
            self.seen_opml = True
        if name.lower() != "outline":
            return
        self.count += 1
        if self.count > MAX_OUTLINES:
            raise OpmlError(f"OPML file has more than {MAX_OUTLINES:,} outlines")
        lowered = {k.lower(): v for k, v in attrs.items()}
        text = clean_line(lowered.get("title") or lowered.get("text") or "")
        raw_url = lowered.get("xmlurl")
        if raw_url is None:
            self.folders.append(text or None)
            return
        self.folders.append(None)
        url = safe_url(raw_url.strip(), HTTP_SCHEMES)
        if url is None or url in self.urls:
            self.dropped += 1
            return
        self.urls.add(url)
        folders = [f for f in self.folders[:MAX_DEPTH] if f]
        tags = clean_tags([*folders, *_categories(lowered.get("category", ""))])
        self.feeds.append(FeedConfig(url=url, title=text, tags=tags))

    def end(self, name: str) -> None:
        if name.lower() == "outline" and self.folders:
            self.folders.pop()


def _categories(value: str) -> list[str]:
    """OPML 2.0 categories: ``/Boston/Weather,Tech`` -> Boston, Weather, Tech."""
    return [part for item in value.split(",") for part in item.split("/") if part.strip()]


def to_opml(feeds: list[FeedConfig], title: str = "tui-reader feeds") -> str:
    """An OPML 2.0 document listing ``feeds``, tags in the ``category`` attribute."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<opml version="2.0">',
        "  <head>",
        f"    <title>{_escape_text(clean_line(title))}</title>",
        "  </head>",
        "  <body>",
    ]
    for feed in feeds:
        name = clean_line(feed.title) or clean_line(feed.url, 4096)
        attrs = [
            ("type", "rss"),
            ("text", name),
            ("title", name),
            ("xmlUrl", clean_line(feed.url, 4096)),
        ]
        tags = clean_tags(list(feed.tags))
        if tags:
            attrs.append(("category", ",".join(tags)))
        rendered = " ".join(f"{key}={quoteattr(value)}" for key, value in attrs)
        lines.append(f"    <outline {rendered}/>")
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines)


def _escape_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
