"""Turn the sources a user gives into articles, in batches, and read bodies on demand.

This is the one place that knows what kinds of source exist (folders, Markdown files,
feed files, feed URLs). The UI calls it from worker threads.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tui_reader.core.article import Article
from tui_reader.core.frontmatter import split_front_matter
from tui_reader.core.local import iter_markdown_files, load_article
from tui_reader.core.sanitize import clean_error, clean_line
from tui_reader.core.text import analyse
from tui_reader.core.textio import NotReadable, read_text_file

BATCH = 250
MARKDOWN_SUFFIXES = (".md", ".markdown")
FEED_SUFFIXES = (".xml", ".rss", ".atom", ".json")

Batch = tuple[list[Article], list[str]]


def is_feed_source(source: str) -> bool:
    """A URL, or a file with a feed suffix."""
    lowered = source.lower()
    return lowered.startswith(("http://", "https://")) or lowered.endswith(FEED_SUFFIXES)


def scan_sources(sources: list[str]) -> Iterator[Batch]:
    """Yield ``(articles, errors)`` batches for local Markdown sources, as they are read."""
    for source in sources:
        if is_feed_source(source):
            continue
        yield from scan_markdown(source)


def scan_markdown(source: str) -> Iterator[Batch]:
    path = Path(source).expanduser()
    shown = clean_line(source)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        yield [], [f"{shown}: no such file or folder"]
        return
    except OSError as exc:
        yield [], [f"{shown}: {clean_error(exc.strerror or exc)}"]
        return
    if stat.S_ISREG(info.st_mode):
        yield [load_article(path, source=source, root=path.parent, analyse=analyse)], []
        return
    if not stat.S_ISDIR(info.st_mode):
        yield [], [f"{shown}: not a regular file or folder"]
        return
    batch: list[Article] = []
    found = 0
    for file in iter_markdown_files(path):
        batch.append(load_article(file, source=source, root=path, analyse=analyse))
        found += 1
        if len(batch) >= BATCH:
            yield batch, []
            batch = []
    errors = [] if found else [f"{shown}: no Markdown files found"]
    yield batch, errors


def load_single(path: Path) -> Article:
    """An article for a Markdown file reached by a link, outside the scanned sources."""
    return load_article(path, source=str(path), root=path.parent, analyse=analyse)


@dataclass(frozen=True)
class LoadedBody:
    body: str
    error: str = ""


def load_body(article: Article) -> LoadedBody:
    """The Markdown body of an article: stored for feeds, read from disk for local files."""
    if article.body is not None:
        return LoadedBody(article.body)
    try:
        text, _notes = read_text_file(Path(article.location))
    except (NotReadable, OSError) as exc:
        message = f"{clean_line(article.location)}: {clean_error(exc)}"
        return LoadedBody(f"*This article could not be read: {clean_error(exc)}*", message)
    _data, body, _fmt, _error = split_front_matter(text)
    return LoadedBody(body)
