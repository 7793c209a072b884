"""Feed documents to clean articles: which reader takes a document, and feedparser's adapter.

:func:`parse_feed` takes the raw body and the response headers (parsing is apart from
fetching, as in lemon24/reader) and returns clean articles:

* Plain RSS 2.0 is read by :mod:`.fastrss` (ElementTree, feedparser's rules, many times
  faster); other XML goes to feedparser as bytes in a ``BytesIO`` with the final URL as
  ``content-location`` (never a ``str``, never a URL). Before that, a document that
  declares XML entities is refused: feedparser's own stripping misses a one-line
  DOCTYPE and expands a "safe" entity quadratically (THREATS.md rows 3-5).
* JSON Feed 1.0/1.1 has its own small adapter (:mod:`.jsonfeed`); feedparser 6 has none.
* Entries become articles in :mod:`.build`: every field passes through
  :mod:`tui_reader.core.sanitize`, HTML becomes Markdown under a link policy, one bad
  entry is skipped with a warning, and duplicate ids keep the first entry.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import Any

from tui_reader.core.feeds.build import Analyse, ArticleBuilder
from tui_reader.core.feeds.dates import struct_date
from tui_reader.core.feeds.htmltext import html_to_text
from tui_reader.core.feeds.jsonfeed import read_json_feed
from tui_reader.core.feeds.model import MAX_ENTRIES, Entry, FeedError, ParsedFeed
from tui_reader.core.sanitize import HTTP_SCHEMES, clean_error, clean_line, clean_tags, safe_url

_ENTITY = re.compile(rb"<!\s*ENTITY", re.IGNORECASE)
_CDATA = re.compile(rb"<!\[CDATA\[.*?\]\]>", re.DOTALL)
_FIRST_ELEMENT = re.compile(rb"<\w")


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
        title, entries = read_json_feed(stripped, base)
    else:
        title, entries = _read_xml_feed(body, base, headers, warnings)
    builder = ArticleBuilder(url, base, title, clean_tags(list(feed_tags)), source, analyse)
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
) -> tuple[str, list[Entry]]:
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
    # Our converter (:mod:`.html`) applies its own link policy, drops active content and
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


def _from_raw(raw_entries: list[Any], warnings: list[str]) -> list[Entry]:
    """Entries from feedparser's result (or :mod:`.fastrss`'s, shaped the same)."""
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


def _from_feedparser(raw: Any) -> Entry:
    entry = Entry()
    entry.id = raw.get("id") if isinstance(raw.get("id"), str) else None
    entry.link = raw.get("link") if isinstance(raw.get("link"), str) else None
    entry.title = _detail_text(raw.get("title"), raw.get("title_detail"))
    author = raw.get("author")
    if not isinstance(author, str):
        detail = raw.get("author_detail")
        author = detail.get("name") if isinstance(detail, dict) else ""
    entry.author = author if isinstance(author, str) else ""
    # dict.get: FeedParserDict maps a missing "updated" to "published" with a warning.
    entry.date = struct_date(dict.get(raw, "published_parsed")) or struct_date(
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
