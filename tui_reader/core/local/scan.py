"""Turn the sources a user gives into articles, in batches, and read bodies on demand.

This is the one place that knows what kinds of source exist (folders, Markdown files,
feed files, feed URLs). The UI calls it from worker threads.
"""

from __future__ import annotations

import os
import stat
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass, replace
from itertools import groupby
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from tui_reader.core.article import Article
from tui_reader.core.local.events import (
    AllListed,
    Found,
    ScanDone,
    ScanEvent,
    loads_event,
)
from tui_reader.core.local.parse import parse_files
from tui_reader.core.local.posts import KeyMaker, iter_markdown_paths, load_article
from tui_reader.core.local.snapshot import Snapshot, storable
from tui_reader.core.local.textio import NotReadable, read_text_file
from tui_reader.core.markdown.text import analyse
from tui_reader.core.sanitize import clean_error, clean_line
from tui_reader.core.sources import FEED_SUFFIXES, NO_SUCH_SOURCE, FeedConfig, is_feed_source
from tui_reader.core.store import Store, StoreError

if TYPE_CHECKING:
    from tui_reader.core.local.pool import ParsePool

FIRST_BATCH = 100
BATCH = 1000

Batch = tuple[list[Article], list[str]]


def scan_events(
    sources: list[str],
    store: Store | None = None,
    *,
    quick_first: bool = False,
    find_feeds: bool = True,
    raw: bool = False,
    pool: ParsePool | None = None,
) -> Iterator[ScanEvent | bytes]:
    """The scan of local Markdown sources, as events: batches of articles as they are
    read, :class:`AllListed` once every file is in, and :class:`ScanDone` at the end.

    With a store, files whose path, mtime and size match the scan cache are not parsed
    again, and the files that were parsed are added to the cache and the search index.
    A folder's articles are also kept as a scan snapshot (core/snapshot.py): batches of
    it whose files are unchanged come as they are, and with ``raw`` as the pickled
    bytes of their :class:`Found` event, for the scan process to send on untouched.

    With ``quick_first``, files not in the cache first come as ``pending`` articles with
    their front matter only (about the cost of reading them and parsing that), so a new
    library of 10,000 posts is listed at once; after :class:`AllListed` a second pass
    yields the same articles complete (words, headings, summary), which replace the
    pending ones by key. With a ``pool``, files are parsed in its worker processes.
    """
    later: list[tuple[list[str], str, Path]] | None = [] if quick_first else None
    snapshots: list[_NewSnapshot] = []
    for source in sources:
        if is_feed_source(source):
            continue
        for item in scan_markdown(source, store, later, snapshots, raw, pool):
            if isinstance(item, bytes):
                yield item if raw else loads_event(item)
                continue
            if isinstance(item, Found):
                yield item
                continue
            _NewSnapshot.take_for(snapshots, source, item[0])
            yield Found(*item)
    yield AllListed()
    # One run of chunks per folder, so a pool parses several chunks at once.
    for (source, root), queued in groupby(later or (), key=lambda item: (item[1], item[2])):
        chunks = (files for files, _source, _root in queued)
        for batch in _load_batches(chunks, source, root, store, pool=pool):
            assert not isinstance(batch, bytes)  # only quick listings come pickled
            _NewSnapshot.take_for(snapshots, source, batch[0])
            yield Found(*batch)
    if store is not None:
        for new in snapshots:
            new.save(store)
    yield ScanDone(discover_feeds(sources) if find_feeds else [])


class _NewSnapshot:
    """The snapshot a folder's scan will leave: the batches kept, and what was scanned."""

    def __init__(self, source: str, root: Path, kept: Snapshot) -> None:
        self.source = source
        self.root = root
        self.snapshot = kept
        self.scanned: dict[str, Article] = {}
        self.changed = False

    @staticmethod
    def take_for(snapshots: list[_NewSnapshot], source: str, articles: list[Article]) -> None:
        for new in snapshots:
            if new.source == source:
                new.take(articles)

    def take(self, articles: list[Article]) -> None:
        self.changed = True
        for article in articles:
            self.scanned[article.location] = article

    def save(self, store: Store) -> None:
        if not self.changed:
            return
        self.snapshot.add(a for a in self.scanned.values() if storable(a))
        with suppress(StoreError):  # a cache: the per-file cache serves the next start
            store.save_scan_snapshot(
                os.path.abspath(self.root), self.source, self.snapshot.encode()
            )


def scan_sources(
    sources: list[str],
    store: Store | None = None,
    *,
    quick_first: bool = False,
    on_listed: Callable[[], None] | None = None,
) -> Iterator[Batch]:
    """:func:`scan_events` as ``(articles, errors)`` batches; ``on_listed`` is called at
    :class:`AllListed`."""
    for event in scan_events(sources, store, quick_first=quick_first, find_feeds=False):
        if isinstance(event, Found):
            yield event.articles, event.errors
        elif isinstance(event, AllListed) and on_listed is not None:
            on_listed()


def scan_markdown(
    source: str,
    store: Store | None = None,
    later: list[tuple[list[str], str, Path]] | None = None,
    snapshots: list[_NewSnapshot] | None = None,
    raw: bool = False,
    pool: ParsePool | None = None,
) -> Iterator[Batch | bytes | Found]:
    """One source's articles, in batches. With ``snapshots`` (which then receives the
    snapshot this scan will leave), batches from the old snapshot come as
    :class:`Found` events, or with ``raw`` as their pickled bytes."""
    path = Path(source).expanduser()
    shown = clean_line(source)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        yield [], [f"{shown}: {NO_SUCH_SOURCE}"]
        return
    except OSError as exc:
        yield [], [f"{shown}: {clean_error(exc.strerror or exc)}"]
        return
    if stat.S_ISREG(info.st_mode):
        yield _single_file(path, source, store)
        return
    if not stat.S_ISDIR(info.st_mode):
        yield [], [f"{shown}: not a regular file or folder"]
        return
    old = None
    if store is not None and snapshots is not None:
        try:
            old = Snapshot.decode(store.scan_snapshot(os.path.abspath(path), source))
        except StoreError:
            old = None
    if old is not None:
        yield from _scan_with_snapshot(source, path, store, later, old, snapshots, raw, pool)
        return
    if snapshots is not None and store is not None:
        snapshots.append(_NewSnapshot(source, path, Snapshot()))
    found = 0
    chunks = _chunks(iter_markdown_paths(path))
    for batch in _load_batches(chunks, source, path, store, later, pool):
        found += 1 if isinstance(batch, bytes) else len(batch[0])
        yield batch
    if not found:
        yield [], [f"{shown}: no Markdown files found"]


def _single_file(path: Path, source: str, store: Store | None) -> Batch:
    """A file given as a source. It is indexed like a folder's files (it is read whole
    anyway), so full-text search finds it too."""
    ((article, plain),) = parse_files([str(path)], source, str(path.parent), quick=False)
    errors: list[str] = []
    if store is not None and store.writable and article.mtime:
        try:
            store.index_articles([(article, plain)])
        except StoreError as exc:
            errors.append(str(exc))
    return [article], errors


def _chunks(files: Iterator[str]) -> Iterator[list[str]]:
    """Files in batches as they are found: a small first batch puts rows on screen at
    once; then bigger ones cost the UI fewer refills."""
    chunk: list[str] = []
    size = FIRST_BATCH
    for file in files:
        chunk.append(file)
        if len(chunk) >= size:
            yield chunk
            chunk, size = [], BATCH
    if chunk:
        yield chunk


def _scan_with_snapshot(
    source: str,
    path: Path,
    store: Store | None,
    later: list[tuple[list[str], str, Path]] | None,
    old: Snapshot,
    snapshots: list[_NewSnapshot],
    raw: bool,
    pool: ParsePool | None,
) -> Iterator[Batch | bytes | Found]:
    """A folder with a snapshot: every file is listed and stat'ed first; the snapshot's
    batches that are still right come as they are, and the other files are scanned."""
    files = list(iter_markdown_paths(path))
    stats: dict[str, tuple[float, int]] = {}
    for file in files:
        try:
            info = os.stat(file)
        except OSError:
            continue
        stats[file] = (info.st_mtime, info.st_size)
    kept = Snapshot()
    covered: set[str] = set()
    for number in old.valid_batches(stats):
        batch = old.batches[number]
        if not raw:
            try:
                loaded = loads_event(batch)
            except Exception:  # noqa: BLE001 - whatever is wrong, scan those files again
                continue
            if not isinstance(loaded, Found):
                continue
        kept.keep(old, number)
        covered.update(location for location, _mtime, _size in old.index[number])
        yield batch if raw else loaded
    new = _NewSnapshot(source, path, kept)
    new.changed = len(kept.batches) != len(old.batches)
    snapshots.append(new)
    rest = [file for file in files if file not in covered]
    chunks = [rest[i : i + BATCH] for i in range(0, len(rest), BATCH)]
    yield from _load_batches(chunks, source, path, store, later, pool)
    if not files:
        yield [], [f"{clean_line(source)}: no Markdown files found"]


def _load_batches(
    chunks: Iterable[list[str]],
    source: str,
    root: Path,
    store: Store | None,
    later: list[tuple[list[str], str, Path]] | None = None,
    pool: ParsePool | None = None,
) -> Iterator[Batch | bytes]:
    """Articles for each chunk of files, in order: from the scan cache where unchanged,
    else parsed. With ``later``, parsed files come quick (pending) and are queued there
    for a full load. With a pool, the files to parse go to its worker processes, a few
    chunks ahead of the one being handed over."""
    quick = later is not None
    ahead: deque[tuple[list[str], dict[str, Article], list[str], list[str], Parsed]] = deque()
    for files in chunks:
        hits, misses, errors = _cached(files, source, root, store)
        if pool is not None and misses and quick and not hits and not errors:
            # A chunk listed from front matter alone: the worker pickles the event
            # itself, and it goes to the reader untouched (bytes).
            parsed: Parsed = pool.submit_listing(misses, source, str(root))
        elif pool is not None and misses:
            parsed = pool.submit(misses, source, str(root), quick)
        else:
            parsed = _Ready(parse_files(misses, source, str(root), quick))
        ahead.append((files, hits, misses, errors, parsed))
        if len(ahead) > (pool.depth if pool is not None else 0):
            yield _assemble(*ahead.popleft(), source, root, store, later)
    while ahead:
        yield _assemble(*ahead.popleft(), source, root, store, later)


def _cached(
    files: list[str], source: str, root: Path, store: Store | None
) -> tuple[dict[str, Article], list[str], list[str]]:
    """The files' articles found in the scan cache by path, the files to parse, errors."""
    errors: list[str] = []
    cached: dict[str, Article] = {}
    if store is not None and store.disabled is None:  # damage is reported once, not per batch
        stats: list[tuple[str, float, int]] = []
        for file in files:
            try:
                info = os.stat(file)
            except OSError:
                continue
            stats.append((file, info.st_mtime, info.st_size))
        try:
            cached = store.cached_scan(stats)
        except StoreError as exc:
            errors.append(str(exc))
    key_of = KeyMaker(root)
    hits: dict[str, Article] = {}
    misses: list[str] = []
    for file in files:
        hit = cached.get(file)
        if hit is None:
            misses.append(file)
            continue
        # The same file may be reached from another source folder (or the same one from
        # another directory): re-key it. The key is the folder's absolute path and the
        # file's path inside it, so a matching prefix is enough to know it is right, and
        # saves a fifth of a cached scan.
        if hit.source != source or not hit.key.startswith(key_of.prefix):
            hit = replace(hit, key=key_of(file), source=source)
        hits[file] = hit
    return hits, misses, errors


def _assemble(
    files: list[str],
    hits: dict[str, Article],
    misses: list[str],
    errors: list[str],
    parsed: Parsed,
    source: str,
    root: Path,
    store: Store | None,
    later: list[tuple[list[str], str, Path]] | None,
) -> Batch | bytes:
    results = parsed.result()
    if isinstance(results, bytes):  # a pickled listing, see submit_listing
        assert later is not None
        later.append((misses, source, root))
        return results
    by_file = {file: result for file, result in zip(misses, results, strict=True)}
    articles = [hits[file] if file in hits else by_file[file][0] for file in files]
    if later is not None:
        if misses:
            later.append((misses, source, root))  # parsed quick: whole in the second pass
    elif store is not None and store.writable:  # read-only or damaged: it keeps none
        fresh = [(article, plain) for article, plain in results if article.mtime]
        if fresh:
            try:
                store.save_scan(article for article, _plain in fresh)
                store.index_articles(fresh)
            except StoreError as exc:
                errors.append(str(exc))
    return articles, errors


class Parsed(Protocol):
    """Parsed files, now (:class:`_Ready`) or from a worker (``parse_pool.Pending``)."""

    def result(self) -> list[tuple[Article, str]] | bytes: ...


class _Ready:
    def __init__(self, value: list[tuple[Article, str]]) -> None:
        self._value = value

    def result(self) -> list[tuple[Article, str]]:
        return self._value


_FEED_SNIFF = (b"<rss", b"<feed", b"<rdf:rdf", b"jsonfeed.org/version")


def discover_feeds(sources: list[str]) -> list[FeedConfig]:
    """Feed files inside the given folders: ``.rss`` and ``.atom`` files, and ``.xml`` or
    ``.json`` files whose first kilobytes show a feed (so Hugo data files are not taken)."""
    found: list[FeedConfig] = []
    for source in sources:
        root = Path(source).expanduser()
        if not root.is_dir():
            continue
        for folder, dirs, files in os.walk(root):  # never follows directory links
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "node_modules")
            for name in sorted(files):
                if name.lower().endswith(FEED_SUFFIXES) and _looks_like_feed(Path(folder, name)):
                    found.append(FeedConfig(str(Path(folder, name))))
    return found


def _looks_like_feed(path: Path) -> bool:
    if path.suffix.lower() in (".rss", ".atom"):
        return True
    # O_NONBLOCK + fstat, as textio does: a FIFO named like a feed, even one swapped in
    # after a check, never blocks the scan.
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return False
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return False
        head = os.read(fd, 4096).lower()
    except OSError:
        return False
    finally:
        os.close(fd)
    return any(marker in head for marker in _FEED_SNIFF)


def load_single(path: Path) -> Article:
    """An article for a Markdown file reached by a link, outside the scanned sources."""
    return load_article(path, source=str(path), root=path.parent, analyse=analyse)


@dataclass(frozen=True)
class LoadedBody:
    body: str
    error: str = ""
    cover: tuple[str, str] | None = None  # the front matter's cover: (source, caption)


def load_body(article: Article) -> LoadedBody:
    """The Markdown body of an article: stored for feeds, read from disk for local files."""
    if article.body is not None:
        return LoadedBody(article.body)
    try:
        text, _notes = read_text_file(Path(article.location))
    except (NotReadable, OSError) as exc:
        message = f"{clean_line(article.location)}: {clean_error(exc)}"
        return LoadedBody(f"*This article could not be read: {clean_error(exc)}*", message)
    from tui_reader.core.local.frontmatter import split_front_matter

    data, body, _fmt, _error = split_front_matter(text)
    from tui_reader.core.images.sources import cover_caption, cover_of

    cover = cover_of(data)
    return LoadedBody(body, cover=(cover, cover_caption(data) or "cover") if cover else None)


def parse_local_feed(feed: FeedConfig, max_bytes: int = 10 * 1024 * 1024) -> tuple[list[Article], str]:
    """Articles of a local feed file, read without the cache: ``(articles, error)``."""
    # The feed code loads with the first feed file: a scan of posts does not need it.
    from tui_reader.core.feeds.localfiles import local_path, read_local_feed
    from tui_reader.core.feeds.model import FeedError
    from tui_reader.core.feeds.parse import parse_feed

    shown = feed.title or clean_line(feed.url)
    path = local_path(feed.url)
    if path is None:
        return [], f"{shown}: feed URLs need the library database to be fetched"
    try:
        body = read_local_feed(path, max_bytes)
        parsed = parse_feed(
            body,
            url=feed.url,
            headers={"content-type": "application/xml"},
            feed_tags=feed.tags,
            source=feed.url,
            analyse=analyse,
        )
    except FeedError as exc:
        return [], f"{shown}: {exc.message}"
    return parsed.articles, ""
