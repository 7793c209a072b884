"""Feeds: bytes in, :class:`Article` objects out, and the refresh that ties fetch to store.

Parsing is separate from fetching (lemon24/reader's split). :func:`parse_feed` takes the
raw body and the response headers and returns clean articles:

* Plain RSS 2.0 is read by :mod:`.feedxml` (ElementTree, feedparser's rules, many times
  faster); other XML goes to feedparser as bytes in a ``BytesIO`` with the final URL as
  ``content-location`` (never a ``str``, never a URL). Before that, a document that
  declares XML entities is refused: feedparser's own stripping misses a one-line
  DOCTYPE and expands a "safe" entity quadratically (THREATS.md rows 3-5).
* JSON Feed 1.0/1.1 has its own small adapter; feedparser 6 has none.
* Every field from the document passes through :mod:`tui_reader.core.sanitize`; HTML
  becomes Markdown with an http/https/mailto-only link policy (:mod:`.feedhtml`), and
  bodies are cleaned *after* conversion because ``&#27;`` decodes into ESC.
* One bad entry is skipped with a warning; duplicate ids keep the first entry.

:func:`refresh_feed` and :func:`refresh_all` fetch, then parse, save and index (in worker
processes for a big refresh, else in a thread: :class:`FeedParsers`). A failure records the
error in the store and never touches cached entries (row 10).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import io
import json
import os
import re
import stat
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urljoin, urlsplit
from urllib.request import url2pathname

from tui_reader.core.article import SUMMARY_LIMIT, Article, Heading
from tui_reader.core.feeds.html import escape_markdown, html_to_markdown, html_to_text
from tui_reader.core.limits import FetchError, Limits, format_size
from tui_reader.core.sanitize import (
    HTTP_SCHEMES,
    clean_error,
    clean_line,
    clean_tags,
    clean_text,
    safe_url,
)
from tui_reader.core.sources import FeedConfig

if TYPE_CHECKING:
    import httpx

    from tui_reader.core.store import Store

Analyse = Callable[[str], tuple[int, bool, tuple[Heading, ...]]]
ProgressCallback = Callable[[int, int, "FeedOutcome"], None]

MAX_ENTRIES = 10_000
MAX_ENTRY_CHARS = 5_000_000  # one entry's content; the rest is cut
# markdownify needs about 8 s per MB: content past these sizes is shown as plain text, so
# one feed's conversion stays within seconds (html.parser alone is several times faster).
MAX_FORMATTED = 1_000_000  # characters of one entry converted to Markdown
FORMAT_BUDGET = 2_000_000  # characters of one feed converted to Markdown
MAX_ID = 512
MAX_WARNINGS = 5
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

_ENTITY = re.compile(rb"<!\s*ENTITY", re.IGNORECASE)
_CDATA = re.compile(rb"<!\[CDATA\[.*?\]\]>", re.DOTALL)
_FIRST_ELEMENT = re.compile(rb"<\w")


class FeedError(Exception):
    """A document that cannot be read as a feed; the message is one clean line."""

    def __init__(self, message: str) -> None:
        self.message = clean_error(message)
        super().__init__(self.message)


@dataclass(slots=True)
class ParsedFeed:
    """The result of :func:`parse_feed`."""

    title: str
    articles: list[Article]
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class FeedOutcome:
    """What happened to one feed during a refresh; ``message`` is one clean line."""

    url: str
    title: str
    status: Literal["updated", "not_modified", "failed"]
    new_count: int = 0
    total: int = 0
    message: str = ""
    retry_after: float | None = None


@dataclass(slots=True)
class _Entry:
    """One entry as either adapter sees it, before it is cleaned into an Article."""

    id: str | None = None
    link: str | None = None
    title: str = ""  # plain text
    author: str = ""
    date: datetime | None = None
    tags: list[object] = field(default_factory=list)
    contents: list[tuple[str, str]] = field(default_factory=list)  # (mime type, value)
    summary: tuple[str, str] | None = None
    base: str = ""  # what relative URLs in the content resolve against ("": the link)


# --------------------------------------------------------------------------- parsing


def parse_feed(
    body: bytes,
    *,
    url: str,
    headers: dict[str, str] | None = None,
    feed_tags: Sequence[str] = (),
    source: str = "",
    analyse: Analyse | None = None,
    final_url: str | None = None,
) -> ParsedFeed:
    """Parse a feed document into clean articles.

    ``url`` is the subscribed URL (it makes the article keys); ``final_url`` is where the
    document came from after redirects (it resolves relative links). Raises only
    :class:`FeedError`.
    """
    try:
        return _parse_feed(body, url, headers or {}, feed_tags, source, analyse, final_url)
    except FeedError:
        raise
    except RecursionError:
        raise FeedError("not a feed: the document is nested too deeply") from None
    except Exception as exc:  # a parser bug must not take the refresh down
        raise FeedError(f"could not parse the feed: {clean_error(exc)}") from exc


def _parse_feed(
    body: bytes,
    url: str,
    headers: dict[str, str],
    feed_tags: Sequence[str],
    source: str,
    analyse: Analyse | None,
    final_url: str | None,
) -> ParsedFeed:
    base = final_url or url
    stripped = body.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not stripped:
        raise FeedError("not a feed: the response is empty")
    warnings: list[str] = []
    if stripped.startswith(b"{"):
        title, entries = _read_json_feed(stripped, base)
    else:
        title, entries = _read_xml_feed(body, base, headers, warnings)
    builder = _ArticleBuilder(url, base, title, clean_tags(list(feed_tags)), source, analyse)
    articles = builder.build_all(entries)
    warnings.extend(builder.warnings)
    return ParsedFeed(title=title, articles=articles, warnings=warnings)


def declares_entities(body: bytes, headers: dict[str, str] | None = None) -> bool:
    """True when an XML document declares entities that a parser would expand.

    Checked on the raw bytes and on the UTF-8 text feedparser will actually parse (so a
    UTF-16 document cannot hide its declarations). In the prolog (before the first
    element, as feedparser splits it) any ``<!ENTITY`` counts; after it, text inside
    CDATA sections is ignored, so an article quoting XML in CDATA is still accepted.
    """
    import feedparser  # here, not at the top: a start without feeds need not load it

    candidates = [body]
    try:
        converted = feedparser.encodings.convert_to_utf8(dict(headers or {}), body, {})
        if converted != body:
            candidates.append(converted)
    except Exception:  # noqa: S110 - the raw bytes are still checked
        pass
    for data in candidates:
        if _ENTITY.search(data) is None:
            continue
        first = _FIRST_ELEMENT.search(data)
        if first is None or _ENTITY.search(data, 0, first.start()):
            return True
        if _ENTITY.search(_CDATA.sub(b"", data[first.start() :])):
            return True
    return False


def _read_xml_feed(
    body: bytes, base: str, headers: dict[str, str], warnings: list[str]
) -> tuple[str, list[_Entry]]:
    import feedparser

    response_headers = {k.lower(): v for k, v in headers.items() if isinstance(v, str)}
    response_headers["content-location"] = base
    if declares_entities(body, response_headers):
        raise FeedError("feed refused: declares XML entities")
    try:
        from tui_reader.core.feeds.fastrss import read_rss
    except ImportError:  # it uses feedparser internals; a feedparser without them is fine
        fast = None
    else:
        fast = read_rss(body, response_headers)
    if fast is not None:
        feed, raw_entries = fast
        return _feed_title(feed), _from_raw(raw_entries, warnings)
    # Our converter (feedhtml) applies its own link policy, drops active content and
    # resolves URLs against the content's base, so feedparser's sanitising and URL
    # rewriting (a third of its time) would only be done twice.
    result = feedparser.parse(
        io.BytesIO(body),
        response_headers=response_headers,
        sanitize_html=False,
        resolve_relative_uris=False,
    )
    raw_entries = result.get("entries") or []
    problem = result.get("bozo_exception") if result.get("bozo") else None
    # A feed served as text/html is common and harmless; a broken one is worth a word.
    if isinstance(problem, feedparser.NonXMLContentType):
        problem = None
    if not raw_entries and (problem is not None or not result.get("version")):
        raise FeedError("not a feed")  # bozo with no entries, HTML, an empty 200...
    if problem is not None:
        warnings.append(f"the feed is malformed: {clean_error(problem)}")
    return _feed_title(result.get("feed") or {}), _from_raw(raw_entries, warnings)


def _feed_title(feed: Any) -> str:
    return _detail_text(feed.get("title"), feed.get("title_detail"))


def _from_raw(raw_entries: list[Any], warnings: list[str]) -> list[_Entry]:
    """Entries from feedparser's result (or :mod:`.feedxml`'s, shaped the same)."""
    if len(raw_entries) > MAX_ENTRIES:
        warnings.append(
            f"the feed has {len(raw_entries):,} entries; read the first {MAX_ENTRIES:,}"
        )
        raw_entries = raw_entries[:MAX_ENTRIES]
    return [_from_feedparser(e) for e in raw_entries]


def _detail_text(value: object, detail: object) -> str:
    """A title-like field as one clean line; HTML types lose their tags."""
    if not isinstance(value, str):
        return ""
    kind = detail.get("type", "") if isinstance(detail, dict) else ""
    if "html" in str(kind):
        value = html_to_text(value)
    return clean_line(value)


def _from_feedparser(raw: Any) -> _Entry:
    entry = _Entry()
    entry.id = raw.get("id") if isinstance(raw.get("id"), str) else None
    entry.link = raw.get("link") if isinstance(raw.get("link"), str) else None
    entry.title = _detail_text(raw.get("title"), raw.get("title_detail"))
    author = raw.get("author")
    if not isinstance(author, str):
        detail = raw.get("author_detail")
        author = detail.get("name") if isinstance(detail, dict) else ""
    entry.author = author if isinstance(author, str) else ""
    # dict.get: FeedParserDict maps a missing "updated" to "published" with a warning.
    entry.date = _struct_date(dict.get(raw, "published_parsed")) or _struct_date(
        dict.get(raw, "updated_parsed")
    )
    for tag in raw.get("tags") or ():
        if isinstance(tag, dict):
            entry.tags.append(tag.get("term") or tag.get("label"))
    bases = []
    for content in raw.get("content") or ():
        if isinstance(content, dict) and isinstance(content.get("value"), str):
            entry.contents.append((str(content.get("type") or "text/html"), content["value"]))
            bases.append(content.get("base"))
    summary = raw.get("summary")
    detail = raw.get("summary_detail")
    if isinstance(summary, str) and summary:
        kind = detail.get("type") if isinstance(detail, dict) else None
        entry.summary = (str(kind or "text/html"), summary)
    bases.append(detail.get("base") if isinstance(detail, dict) else None)
    # The xml:base in force (the document's URL by default), as a browser would resolve
    # against; only an http(s) one, so a local file's path never becomes a link's base.
    base = next((b for b in bases if isinstance(b, str) and b), "")
    if base and safe_url(base, HTTP_SCHEMES):
        entry.base = base
    return entry


def _read_json_feed(body: bytes, base: str) -> tuple[str, list[_Entry]]:
    try:
        doc = json.loads(body)
    except (ValueError, RecursionError):
        raise FeedError("not a feed: invalid JSON") from None
    version = doc.get("version") if isinstance(doc, dict) else None
    if not isinstance(version, str) or "jsonfeed.org/version/1" not in version:
        raise FeedError("not a feed: JSON without a JSON Feed version")
    items = doc.get("items")
    if not isinstance(items, list):
        raise FeedError("not a feed: JSON Feed without items")
    title = clean_line(_str(doc.get("title")))
    feed_authors = _json_authors(doc)
    entries = []
    for item in items[:MAX_ENTRIES]:
        if isinstance(item, dict):
            entries.append(_from_json_item(item, base, feed_authors))
    return title, entries


def _str(value: object) -> str:
    return value if isinstance(value, str) else ""


def _json_authors(obj: dict[str, Any]) -> str:
    authors = obj.get("authors")
    if not isinstance(authors, list):
        authors = [obj.get("author")]
    names = [_str(a.get("name")) for a in authors if isinstance(a, dict)]
    return ", ".join(n for n in names if n)


def _from_json_item(item: dict[str, Any], base: str, feed_authors: str) -> _Entry:
    entry = _Entry()
    raw_id = item.get("id")
    if isinstance(raw_id, (str, int)) and not isinstance(raw_id, bool):
        entry.id = str(raw_id)
    link = _str(item.get("url")) or _str(item.get("external_url"))
    entry.link = _join(base, link) if link else None
    entry.title = clean_line(_str(item.get("title")))
    entry.author = _json_authors(item) or feed_authors
    entry.date = _iso_date(item.get("date_published")) or _iso_date(item.get("date_modified"))
    tags = item.get("tags")
    if isinstance(tags, list):
        entry.tags = [t for t in tags if isinstance(t, str)]
    if _str(item.get("content_html")):
        entry.contents.append(("text/html", item["content_html"]))
    if _str(item.get("content_text")):
        entry.contents.append(("text/plain", item["content_text"]))
    if _str(item.get("summary")):
        entry.summary = ("text/plain", item["summary"])
    return entry


def _join(base: str, link: str) -> str:
    try:
        return urljoin(base, link.strip())
    except ValueError:
        return link


# --------------------------------------------------------------------------- dates


def _plausible(value: datetime) -> datetime | None:
    """Aware UTC, or None when before 1970 or more than a day in the future."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    try:
        value = value.astimezone(UTC)
    except (OverflowError, ValueError):
        return None
    if value < EPOCH or value > datetime.now(UTC) + timedelta(days=1):
        return None
    return value


def _struct_date(value: object) -> datetime | None:
    if not isinstance(value, (tuple, time.struct_time)) or len(value) < 6:
        return None
    try:
        year, month, day, hour, minute, second = (int(x) for x in value[:6])
        second = min(second, 59)  # leap seconds
        return _plausible(datetime(year, month, day, hour, minute, second, tzinfo=UTC))
    except (TypeError, ValueError, OverflowError):
        return None


def _iso_date(value: object) -> datetime | None:
    if not isinstance(value, str) or not value.strip() or len(value) > 100:
        return None
    text = value.strip()
    try:
        return _plausible(datetime.fromisoformat(text))
    except ValueError:
        pass
    import feedparser

    try:
        parsed = feedparser.datetimes._parse_date(text)
    except Exception:
        return None
    return _struct_date(parsed)


# --------------------------------------------------------------------------- articles


class _ArticleBuilder:
    """Turns adapter entries into clean, de-duplicated articles, collecting warnings."""

    def __init__(
        self,
        url: str,
        base: str,
        feed_title: str,
        feed_tags: tuple[str, ...],
        source: str,
        analyse: Analyse | None,
    ) -> None:
        self.url = url
        self.base = base
        self.feed_title = feed_title
        self.feed_tags = feed_tags
        self.source = clean_line(source, 4096)
        self.analyse = analyse
        self.warnings: list[str] = []
        self.seen: set[str] = set()
        self.skipped: list[str] = []
        self.duplicates = 0
        self.format_budget = FORMAT_BUDGET

    def build_all(self, entries: Iterable[_Entry]) -> list[Article]:
        articles = []
        for entry in entries:
            try:
                article = self.build(entry)
            except Exception as exc:  # one bad entry must not lose the feed
                self.skipped.append(clean_error(exc))
                continue
            if article is not None:
                articles.append(article)
        if self.duplicates:
            self.warnings.append(
                f"{_count(self.duplicates, 'entry', 'entries')} repeated an id; kept the first"
            )
        if self.skipped:
            shown = "; ".join(self.skipped[:MAX_WARNINGS])
            bad = _count(len(self.skipped), "bad entry", "bad entries")
            self.warnings.append(f"skipped {bad}: {shown}")
        return articles

    def build(self, entry: _Entry) -> Article | None:
        link = safe_url(_join(self.base, entry.link), HTTP_SCHEMES) if entry.link else None
        body_kind, body_value = _fullest(entry)
        entry_id = self._entry_id(entry, body_value)
        if entry_id in self.seen:
            self.duplicates += 1
            return None
        self.seen.add(entry_id)
        warnings: list[str] = []
        if len(body_value) > MAX_ENTRY_CHARS:
            body_value = body_value[:MAX_ENTRY_CHARS]
            warnings.append(f"content cut to {MAX_ENTRY_CHARS:,} characters")
        body = self._body(body_kind, body_value, entry.base or link or self.base, warnings)
        article = Article(
            key=f"feed:{self.url}::{entry_id}",
            title=entry.title or "(untitled)",
            kind="feed",
            date=entry.date,
            author=clean_line(entry.author, 200),
            tags=clean_tags([*entry.tags, *self.feed_tags]),
            summary=self._summary(entry, body_kind, body_value),
            source=self.source,
            location=link or "",
            link=link or "",
            body=body,
            feed_title=self.feed_title,
            warnings=tuple(warnings),
            size=len(body.encode("utf-8", "replace")),
        )
        if self.analyse is not None:
            article.words, article.cjk, article.headings = self.analyse(body)
        return article

    def _body(self, kind: str, value: str, base: str, warnings: list[str]) -> str:
        """The entry's content as clean Markdown (plain text when too large to format)."""
        if not value:
            return ""
        if not _is_html(kind):
            return clean_text(escape_markdown(clean_text(value)))
        if len(value) > MAX_FORMATTED or len(value) > self.format_budget:
            warnings.append("content too large to format; shown as plain text")
            text = clean_text(html_to_text(value, keep_lines=True))
            return clean_text(escape_markdown(text))
        self.format_budget -= len(value)
        return clean_text(html_to_markdown(value, base))

    def _entry_id(self, entry: _Entry, body: str) -> str:
        for candidate in (entry.id, entry.link):
            if candidate and len(candidate) > MAX_ID:
                return _sha1(candidate)  # a long id stays unique, and keys stay short
            value = clean_line(candidate, MAX_ID) if candidate else ""
            if value:
                return value
        return _sha1(f"{entry.title}\n{body}")

    def _summary(self, entry: _Entry, body_kind: str, body_value: str) -> str:
        kind, value = entry.summary or (body_kind, body_value)
        value = value[: SUMMARY_LIMIT * 40]
        text = html_to_text(value) if _is_html(kind) else value
        return clean_line(text, SUMMARY_LIMIT)


def _sha1(text: str) -> str:
    return "sha1:" + hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _is_html(kind: str) -> bool:
    return "html" in kind.lower()


def _fullest(entry: _Entry) -> tuple[str, str]:
    if entry.contents:
        return max(entry.contents, key=lambda c: len(c[1]))
    return entry.summary or ("text/plain", "")


# --------------------------------------------------------------------------- refresh


@dataclass(frozen=True, slots=True)
class _Download:
    body: bytes
    headers: dict[str, str]
    final_url: str
    etag: str | None = None
    last_modified: str | None = None


async def refresh_feed(
    client: httpx.AsyncClient,
    store: Store,
    feed: FeedConfig,
    *,
    limits: Limits | None = None,
    analyse: Analyse | None = None,
    parsers: FeedParsers | None = None,
) -> FeedOutcome:
    """Fetch, parse and save one feed. Never raises for a feed problem: returns ``failed``.

    The document is parsed and saved by ``parsers`` (default: in a thread).
    """
    limits = limits or Limits()
    url = feed.url
    try:
        # In a thread: a save in progress holds the store, and the loop must not wait on it.
        record = await asyncio.to_thread(store.get_feed, url)
    except Exception as exc:  # StoreError: the library is unusable, not this feed
        message = f"could not read the library: {clean_error(exc)}"
        return FeedOutcome(url, clean_line(feed.title or url), "failed", message=message)
    try:
        download = await _download(client, feed, record, limits)
    except FetchError as exc:
        return await _failed(store, feed, record, exc.message, exc.retry_after)
    except FeedError as exc:
        return await _failed(store, feed, record, exc.message)
    if download is None:  # 304 Not Modified
        if record is None or (record.entry_count == 0 and record.last_updated is None):
            nothing = "server said not modified, but nothing is cached"
            return await _failed(store, feed, record, nothing)
        try:
            await asyncio.to_thread(store.mark_not_modified, url)
        except Exception as exc:
            return await _failed(store, feed, record, f"could not save: {clean_error(exc)}")
        title = clean_line(feed.title or record.title or url)
        return FeedOutcome(url, title, "not_modified", 0, record.entry_count)
    try:
        saved = await (parsers or _IN_THREAD).parse_and_save(
            store,
            feed,
            download,
            url=url,
            headers=download.headers,
            feed_tags=feed.tags,
            source=url,
            analyse=analyse,
            final_url=download.final_url,
        )
    except FeedError as exc:
        return await _failed(store, feed, record, exc.message)
    except SaveFailed as exc:  # StoreError, or worse: report it as this feed's failure
        return await _failed(store, feed, record, f"could not save: {exc.message}")
    # New entries counted against what was cached before, not as the save counted them:
    # when a worker's process breaks, the feed is saved again in a thread, and a worker
    # may have saved it already. (Entries are never deleted, and a refresh asks for
    # each feed once; another instance refreshing the same feed at the same moment
    # could make this count off, never the entries.)
    new_count = max(0, saved.total - (record.entry_count if record else 0))
    return FeedOutcome(url, saved.title, "updated", new_count, saved.total, saved.message)


class SaveFailed(Exception):
    """A parsed feed that could not be saved; the message is one clean line."""

    def __init__(self, message: str) -> None:
        self.message = clean_error(message)
        super().__init__(self.message)


@dataclass(frozen=True, slots=True)
class _Saved:
    title: str
    total: int
    message: str


def _parse_and_save(
    library: Store | str, feed: FeedConfig, download: _Download, kwargs: dict[str, Any]
) -> _Saved:
    """Parse a downloaded feed and save it: in a thread to the reader's ``Store``, or in a
    worker process through its own connection to the library file at that path.

    Raises :class:`FeedError` or :class:`SaveFailed`, both one clean line.
    """
    parsed = parse_feed(download.body, **kwargs)
    title = clean_line(feed.title) or parsed.title
    if feed.title:
        for article in parsed.articles:
            article.feed_title = title
    try:
        store = _worker_store(library) if isinstance(library, str) else library
        saved = _save(store, feed, parsed.title or title, parsed, download)
    except Exception as exc:  # noqa: BLE001 - StoreError, or worse: this feed's failure
        raise SaveFailed(clean_error(exc)) from None
    total = saved.entry_count if saved else len(parsed.articles)
    message = "; ".join(parsed.warnings[:2])
    return _Saved(title or clean_line(feed.url), total, message)


def _save(
    store: Store, feed: FeedConfig, title: str, parsed: ParsedFeed, download: _Download
) -> Any:
    """Save a fetched feed with its entries' search rows, in one transaction; its record."""
    from tui_reader.core.markdown.text import plain_text

    store.save_feed(
        feed.url,
        title=title,
        articles=parsed.articles,
        etag=download.etag,
        last_modified=download.last_modified,
        tags=feed.tags,
        search_texts=[plain_text(a.body or "") for a in parsed.articles],
    )
    return store.get_feed(feed.url)


async def _download(
    client: httpx.AsyncClient, feed: FeedConfig, record: Any, limits: Limits
) -> _Download | None:
    """The feed's bytes from the network or a local file; None for "not modified"."""
    local = local_path(feed.url)
    if local is not None:
        body = await asyncio.to_thread(read_local_feed, local, limits.max_bytes)
        # A file has no headers: say XML so feedparser uses the document's own encoding.
        return _Download(body, {"content-type": "application/xml"}, feed.url)
    if urlsplit(feed.url).scheme.lower() not in HTTP_SCHEMES:
        raise FeedError("unsupported scheme (only http, https or a file)")
    from tui_reader.core.feeds.fetch import fetch  # httpx loads with the first refresh

    result = await fetch(
        client,
        feed.url,
        etag=record.etag if record else None,
        last_modified=record.last_modified if record else None,
        limits=limits,
    )
    if result.status == "not_modified":
        return None
    return _Download(
        result.body, result.headers, result.final_url, result.etag, result.last_modified
    )


async def _failed(
    store: Store,
    feed: FeedConfig,
    record: Any,
    message: str,
    retry_after: float | None = None,
) -> FeedOutcome:
    message = clean_error(message)
    try:
        # In a thread, as every write of a refresh: a worker saving a big feed holds the
        # library's write lock for seconds, and the event loop must not wait for it.
        await asyncio.to_thread(store.record_feed_error, feed.url, message)
    except Exception as exc:  # the refresh result still reaches the user
        reason = clean_error(exc)
        if reason not in message:  # a save that failed for the same reason: said once
            message = f"{message} (and the error could not be saved: {reason})"
    title = clean_line(feed.title or (record.title if record else "") or feed.url)
    total = record.entry_count if record else 0
    return FeedOutcome(feed.url, title, "failed", 0, total, message, retry_after)


async def refresh_all(
    client: httpx.AsyncClient,
    store: Store,
    feeds: Iterable[FeedConfig],
    *,
    limits: Limits | None = None,
    analyse: Analyse | None = None,
    on_progress: ProgressCallback | None = None,
) -> list[FeedOutcome]:
    """Refresh feeds, at most ``limits.concurrency`` at once, in the order given.

    A URL listed twice is refreshed once. ``on_progress(done, total, outcome)`` is
    called after each feed finishes.
    """
    limits = limits or Limits()
    unique: list[FeedConfig] = []
    seen: set[str] = set()
    for feed in feeds:
        if feed.url not in seen:
            seen.add(feed.url)
            unique.append(feed)
    semaphore = asyncio.Semaphore(max(1, limits.concurrency))
    done = 0
    parsers = FeedParsers(len(unique))

    async def one(feed: FeedConfig) -> FeedOutcome:
        nonlocal done
        async with semaphore:
            try:
                outcome = await refresh_feed(
                    client, store, feed, limits=limits, analyse=analyse, parsers=parsers
                )
            except Exception as exc:  # a bug in one feed's refresh must not stop the others
                message = f"refresh failed: {clean_error(exc)}"
                outcome = FeedOutcome(
                    feed.url, clean_line(feed.title or feed.url), "failed", message=message
                )
        done += 1
        if on_progress is not None:
            on_progress(done, len(unique), outcome)
        return outcome

    try:
        return list(await asyncio.gather(*(one(f) for f in unique)))
    finally:
        parsers.close()


# --------------------------------------------------------------------------- parsers

MIN_FEEDS_FOR_PROCESSES = 4  # below this, starting processes costs more than it saves


class FeedParsers:
    """Where a downloaded feed is parsed and saved during a refresh: worker processes,
    or a thread.

    Parsing is pure Python and holds the GIL, so threads parse one feed at a time and
    slow the event loop down; a refresh of ``feeds`` (at least
    :data:`MIN_FEEDS_FOR_PROCESSES`) on a machine with several cores works in up to one
    process per core instead. Each worker also saves what it parsed, through its own
    connection to the library file (SQLite serialises the writers), so neither the
    articles nor the saving come back to this process: the bytes go in, and a line of
    figures comes out. The processes come from a "forkserver" (else "spawn"), never a
    bare fork of this threaded process. If they cannot start or break, the work goes on
    in a thread and the result is the same.
    """

    def __init__(self, feeds: int = 0) -> None:
        self.pool: Any = None
        workers = min(os.cpu_count() or 1, feeds)
        if workers >= 2 and feeds >= MIN_FEEDS_FOR_PROCESSES:
            self.pool = _process_pool(workers)

    async def parse_and_save(
        self, store: Store, feed: FeedConfig, download: _Download, **kwargs: Any
    ) -> _Saved:
        """Parse a download (:func:`parse_feed`'s arguments) and save it to ``store``,
        off the event loop: in a worker, which writes to the same library file through
        its own connection, or else in a thread."""
        if self.pool is not None:
            from tui_reader.core.store import StoreError  # loaded already: ``store`` is one

            try:  # the workers open the file by path: a disabled store would not stop them
                store.raise_if_disabled()
            except StoreError as exc:
                raise SaveFailed(str(exc)) from None
            path = os.fspath(store.path)
            try:
                future = self.pool.submit(_parse_and_save, path, feed, download, kwargs)
                result: _Saved = await asyncio.wrap_future(future)
                return result
            except (FeedError, SaveFailed):
                raise
            except Exception:  # noqa: BLE001 - a broken pool or an argument that won't pickle
                self.close()
        return await asyncio.to_thread(_parse_and_save, store, feed, download, kwargs)

    def close(self) -> None:
        """Stop the processes, at once. A feed a worker was still saving is not saved
        (its save is one transaction: whole or not at all), and a feed not started is
        not started. A refresh ends with this too, when every feed is done; a refresh
        cancelled (the reader quits) must not wait for saves that may wait minutes for
        the write lock, and neither may the interpreter's exit."""
        pool, self.pool = self.pool, None
        if pool is not None:
            processes = list((getattr(pool, "_processes", None) or {}).values())
            pool.shutdown(wait=False, cancel_futures=True)
            for process in processes:
                with contextlib.suppress(OSError, ValueError):
                    process.terminate()


_IN_THREAD = FeedParsers()


_WORKER_STORES: dict[str, Store] = {}


WORKER_SAVE_WAIT = 120.0  # seconds a worker's save may wait for the others' (busy timeout)


def _worker_store(path: str) -> Store:
    """A worker's connection to the library, opened at its first save, closed as it ends.

    The reader opened the file before the refresh began and checks it itself: it is not
    checked here, and never created (a library moved away meanwhile makes the save fail, not a
    new empty one). The workers' saves take turns on SQLite's write lock, so each may
    wait long: a feed of 10,000 entries takes seconds to save, and five seconds (the
    reader's own busy timeout) made some of several such saves fail as "locked".
    """
    store = _WORKER_STORES.get(path)
    if store is None:
        from multiprocessing.util import Finalize

        from tui_reader.core.store import Store

        store = _WORKER_STORES[path] = Store(
            Path(path), check=False, create=False, timeout=WORKER_SAVE_WAIT
        )
        Finalize(None, store.close, exitpriority=10)  # run as a worker process exits
    return store


def _process_pool(workers: int) -> Any:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    try:
        methods = multiprocessing.get_all_start_methods()
        method = "forkserver" if "forkserver" in methods else "spawn"
        context = multiprocessing.get_context(method)
        if method == "forkserver":
            # Imported once in the server, so each worker starts ready to parse.
            # (BeautifulSoup and markdownify load in a worker only if it needs them.)
            context.set_forkserver_preload(
                ["__main__", "tui_reader.core.feeds.refresh", "tui_reader.core.feeds.fastrss"]
            )
        return ProcessPoolExecutor(workers, mp_context=context, initializer=_worker_start)
    except (OSError, ValueError, ImportError, NotImplementedError):
        return None  # no semaphores or processes here (some sandboxes): use a thread


def _worker_start() -> None:
    """A parse worker: Ctrl+C is for the parent, and warnings never reach the terminal."""
    import signal
    import warnings

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    warnings.simplefilter("ignore")


# --------------------------------------------------------------------------- local files


def local_path(url: str) -> str | None:
    """The file path of a local feed (a plain path or a ``file:`` URL), else None."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "file":
        return url2pathname(parts.path)
    if scheme == "" or (len(scheme) == 1 and os.name == "nt"):
        return os.path.expanduser(url)
    return None


def read_local_feed(path: str, max_bytes: int) -> bytes:
    """Read a feed file: regular files only (a FIFO never blocks us), at most ``max_bytes``."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise FeedError(f"cannot open the feed file: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise FeedError("not a regular file")
        if info.st_size > max_bytes:
            raise FeedError(f"file larger than {format_size(max_bytes)}")
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise FeedError(f"cannot read the feed file: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    if len(data) > max_bytes:
        raise FeedError(f"file larger than {format_size(max_bytes)}")
    return data
