"""The feed cache: what the library knows of each feed, and its entries.

Entries are upserted by (feed URL, entry id) and never deleted because they were missing
from the latest fetch (THREATS.md row 13): an empty fetch changes no entries.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tui_reader.core.article import Article
from tui_reader.core.fulltext.policy import is_summary
from tui_reader.core.sanitize import clean_error
from tui_reader.core.store.codecs import (
    decode_key,
    encode_key,
    headings_from,
    iso_or_none,
    json_list,
    json_strings,
    load_json_list,
    now_iso,
    parse_datetime,
    sort_timestamp,
    storable_text,
    storable_text_or_none,
)
from tui_reader.core.store.database import Database
from tui_reader.core.store.search_index import index_rows, write_index


@dataclass(slots=True)
class FeedRecord:
    """What the library knows about one feed (its entries are fetched separately)."""

    url: str
    title: str = ""
    tags: tuple[str, ...] = ()
    etag: str | None = None
    last_modified: str | None = None
    last_checked: datetime | None = None
    last_updated: datetime | None = None
    last_error: str = ""
    entry_count: int = 0


_FEED_COLUMNS = (
    "f.url, f.title, f.tags_json, f.etag, f.last_modified, f.last_checked, f.last_updated,"
    " f.last_error, (SELECT count(*) FROM entries e WHERE e.feed_url = f.url)"
)
_ENTRY_COLUMNS = (
    "feed_url, key, title, link, location, author, date, lastmod, tags_json, summary, body,"
    " words, cjk, headings_json, feed_title, warnings_json,"
    " full_text, full_words, full_cjk, full_headings_json"
)


_ENTRY_NAMES = tuple(name.strip() for name in _ENTRY_COLUMNS.split(","))
_ENTRY_IDENTITY = frozenset({"feed_url", "entry_id", "key"})
_ENTRY_VALUES = (
    "feed_url", "entry_id", "key", "title", "link", "location", "author", "date", "lastmod",
    "tags_json", "summary", "body", "words", "cjk", "headings_json", "feed_title",
    "warnings_json", "content_hash", "updated_at",
)  # fmt: skip
_INSERT_ENTRY = (
    f"INSERT INTO entries ({', '.join(_ENTRY_VALUES)}, first_seen)"
    f" VALUES ({', '.join(':' + c for c in _ENTRY_VALUES)}, :updated_at)"
)
_UPDATE_ENTRY = (
    "UPDATE entries SET "
    + ", ".join(f"{c} = :{c}" for c in _ENTRY_VALUES if c not in _ENTRY_IDENTITY)
    + " WHERE feed_url = :feed_url AND entry_id = :entry_id"
)


def content_hash(article: Article) -> str:
    """A digest of what a reader sees of an entry: a new one means the server changed it."""
    parts = (article.title, article.summary, article.body or "", article.link)
    text = "\0".join(parts).encode("utf-8", "surrogatepass")
    return hashlib.blake2b(text, digest_size=16).hexdigest()


def _changed(before: tuple[str | None, str | None], row: dict[str, Any]) -> bool:
    """An entry saved before whose content hash, or Atom ``updated`` date, moved on.
    An entry saved before hashes were kept is not "changed" by getting its first one."""
    old_hash, old_lastmod = before
    if old_hash is not None and old_hash != row["content_hash"]:
        return True
    new = parse_datetime(row["lastmod"])
    old = parse_datetime(old_lastmod)
    try:
        return old is not None and new is not None and new > old
    except TypeError:  # one with a time zone, one without: not comparable, not news
        return False


def _feed_record(row: sqlite3.Row | tuple[Any, ...]) -> FeedRecord:
    url, title, tags_json, etag, last_modified, checked, updated, error, count = row
    return FeedRecord(
        url=decode_key(url),
        title=title,
        tags=json_strings(tags_json),
        etag=etag,
        last_modified=last_modified,
        last_checked=parse_datetime(checked),
        last_updated=parse_datetime(updated),
        last_error=error,
        entry_count=count,
    )


def _entry_article(row: tuple[Any, ...]) -> Article:
    by_column = dict(zip(_ENTRY_NAMES, row, strict=True))
    if by_column["full_text"] is not None:  # the article fetched from the link, if any
        by_column["body"] = by_column["full_text"]
        by_column["words"] = by_column["full_words"]
        by_column["cjk"] = by_column["full_cjk"]
        by_column["headings_json"] = by_column["full_headings_json"]
        text_from = "full"
    else:
        summary = is_summary(by_column["body"], by_column["words"])
        text_from = "summary" if summary else "feed"
    return Article(
        key=decode_key(by_column["key"]),
        title=by_column["title"],
        kind="feed",
        date=parse_datetime(by_column["date"]),
        lastmod=parse_datetime(by_column["lastmod"]),
        author=by_column["author"],
        tags=json_strings(by_column["tags_json"]),
        summary=by_column["summary"],
        words=by_column["words"],
        cjk=bool(by_column["cjk"]),
        source=decode_key(by_column["feed_url"]),
        location=by_column["location"],
        link=by_column["link"],
        headings=headings_from(load_json_list(by_column["headings_json"])),
        body=by_column["body"],
        feed_title=by_column["feed_title"],
        warnings=json_strings(by_column["warnings_json"]),
        text_from=text_from,
    )


class FeedCache(Database):
    """Feeds and their cached entries."""

    def get_feed(self, url: str) -> FeedRecord | None:
        """The record for ``url``, or None if the feed was never saved."""
        with self._guard("reading a feed") as conn:
            row = conn.execute(
                f"SELECT {_FEED_COLUMNS} FROM feeds f WHERE f.url = ?", (encode_key(url),)
            ).fetchone()
        return None if row is None else _feed_record(row)

    def feeds(self) -> list[FeedRecord]:
        """Every feed the library knows, by title then URL."""
        with self._guard("listing feeds") as conn:
            rows = conn.execute(f"SELECT {_FEED_COLUMNS} FROM feeds f").fetchall()
        records = [_feed_record(row) for row in rows]
        records.sort(key=lambda r: (r.title.casefold(), r.url))
        return records

    def save_feed(
        self,
        url: str,
        *,
        title: str,
        articles: list[Article],
        etag: str | None,
        last_modified: str | None,
        tags: Iterable[str] | None = None,
        search_texts: Iterable[str] | None = None,
    ) -> int:
        """Store a successful fetch of ``url`` and return how many entries were new.

        With ``search_texts`` (the plain text of each article, in order) the entries'
        search rows are written in the same transaction: never entries without them.

        Entries are upserted by (feed, entry id), the part of ``Article.key`` after
        ``feed:<url>::``; ``first_seen`` is kept. Entries missing from this fetch stay,
        and an empty ``articles`` changes no entries. Metadata (title, ETag,
        Last-Modified, last_checked, last_updated) is updated and the last error cleared
        in the same transaction, so a crash leaves either the old or the new feed, and
        the next refresh retries. An empty ``title`` keeps the known one; ``tags=None``
        keeps the known tags. Duplicate ids in one fetch: the first one wins.

        Raises ValueError (before writing anything) if an article's key does not belong
        to this feed: that is a bug in the caller, not a storage problem.
        """
        prefix = f"feed:{url}::"
        unique: dict[str, Article] = {}
        for article in articles:
            if not article.key.startswith(prefix) or len(article.key) == len(prefix):
                raise ValueError(f"article key {article.key!r} is not an entry of {url!r}")
            unique.setdefault(article.key[len(prefix) :], article)
        now = now_iso()
        feed_url = encode_key(url)
        new = 0
        index = (
            None if search_texts is None else index_rows(zip(articles, search_texts, strict=True))
        )
        with self._transaction(f"saving the feed {url}", write=True) as conn:
            conn.execute(
                """
                INSERT INTO feeds (url, title, tags_json, etag, last_modified, last_checked,
                                   last_updated, last_error, added_at)
                VALUES (:url, :title, coalesce(:tags, '[]'), :etag, :lm, :now, :now, '', :now)
                ON CONFLICT (url) DO UPDATE SET
                    title = CASE WHEN excluded.title <> '' THEN excluded.title
                                 ELSE feeds.title END,
                    tags_json = coalesce(:tags, feeds.tags_json),
                    etag = excluded.etag,
                    last_modified = excluded.last_modified,
                    last_checked = excluded.last_checked,
                    last_updated = excluded.last_updated,
                    last_error = ''
                """,
                {
                    "url": feed_url,
                    "title": storable_text(title),
                    "tags": None if tags is None else json_list(storable_text(t) for t in tags),
                    "etag": storable_text_or_none(etag),
                    "lm": storable_text_or_none(last_modified),
                    "now": now,
                },
            )
            rows = [self._entry_values(feed_url, i, a, now) for i, a in unique.items()]
            known = {
                entry_id: (content_hash, lastmod)
                for entry_id, content_hash, lastmod in conn.execute(
                    "SELECT entry_id, content_hash, lastmod FROM entries WHERE feed_url = ?",
                    (feed_url,),
                )
            }
            fresh = [row for row in rows if row["entry_id"] not in known]
            if fresh:
                conn.executemany(_INSERT_ENTRY, fresh)
            if len(fresh) < len(rows):
                kept = [r for r in rows if r["entry_id"] in known]
                conn.executemany(_UPDATE_ENTRY, kept)
                changed = [r for r in kept if _changed(known[r["entry_id"]], r)]
                conn.executemany(
                    "UPDATE entries SET changed_at = :updated_at"
                    " WHERE feed_url = :feed_url AND entry_id = :entry_id",
                    changed,
                )
            new = len(fresh)
            if index:
                # An entry with its full article keeps that article's search row.
                full = {
                    key
                    for (key,) in conn.execute(
                        "SELECT key FROM entries WHERE feed_url = ? AND full_text IS NOT NULL",
                        (feed_url,),
                    )
                }
                write_index(conn, [row for row in index if row[0] not in full] if full else index)
        return new

    @staticmethod
    def _entry_values(
        feed_url: str | bytes, entry_id: str, article: Article, now: str
    ) -> dict[str, Any]:
        return {
            "feed_url": feed_url,
            "entry_id": encode_key(entry_id),
            "key": encode_key(article.key),
            "title": storable_text(article.title),
            "link": storable_text(article.link),
            "location": storable_text(article.location),
            "author": storable_text(article.author),
            "date": iso_or_none(article.date),
            "lastmod": iso_or_none(article.lastmod),
            "tags_json": json_list(article.tags),
            "summary": storable_text(article.summary),
            "body": None if article.body is None else storable_text(article.body),
            "words": int(article.words),
            "cjk": int(bool(article.cjk)),
            "headings_json": json_list(list(heading) for heading in article.headings),
            "feed_title": storable_text(article.feed_title),
            "warnings_json": json_list(article.warnings),
            "content_hash": content_hash(article),
            "updated_at": now,
        }

    def mark_not_modified(self, url: str) -> None:
        """Record a 304 Not Modified: only ``last_checked`` changes."""
        now = now_iso()
        with self._transaction(f"saving the feed {url}", write=True) as conn:
            conn.execute(
                "INSERT INTO feeds (url, last_checked, added_at) VALUES (?, ?, ?)"
                " ON CONFLICT (url) DO UPDATE SET last_checked = excluded.last_checked",
                (encode_key(url), now, now),
            )

    def record_feed_error(self, url: str, message: str) -> None:
        """Record a failed fetch: only ``last_error`` and ``last_checked`` change."""
        now = now_iso()
        with self._transaction(f"saving the feed {url}", write=True) as conn:
            conn.execute(
                "INSERT INTO feeds (url, last_error, last_checked, added_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (url) DO UPDATE SET last_error = excluded.last_error,"
                " last_checked = excluded.last_checked",
                (encode_key(url), clean_error(message), now, now),
            )

    def feed_articles(self, url: str | None = None) -> list[Article]:
        """Cached entries (of one feed, or all), newest first, bodies included."""
        with self._guard("reading feed entries") as conn:
            if url is None:
                rows = conn.execute(f"SELECT {_ENTRY_COLUMNS} FROM entries").fetchall()
            else:
                rows = conn.execute(
                    f"SELECT {_ENTRY_COLUMNS} FROM entries WHERE feed_url = ?", (encode_key(url),)
                ).fetchall()
        articles = [_entry_article(row) for row in rows]
        articles.sort(key=lambda a: (sort_timestamp(a.date), a.key), reverse=True)
        return articles

    def fresh_feed_articles(self, url: str) -> list[Article]:
        """The entries the latest save of ``url`` added or changed: the rest are as the
        reader shows them already, and re-adding them would be work for nothing."""
        with self._guard("reading feed entries") as conn:
            rows = conn.execute(
                f"SELECT {_ENTRY_COLUMNS} FROM entries WHERE feed_url = ?"
                " AND (first_seen = updated_at OR changed_at = updated_at)",
                (encode_key(url),),
            ).fetchall()
        return [_entry_article(row) for row in rows]

    def entry_counts(self) -> dict[str, int]:
        """Number of cached entries per feed URL (feeds without entries are absent)."""
        with self._guard("counting feed entries") as conn:
            rows = conn.execute(
                "SELECT feed_url, count(*) FROM entries GROUP BY feed_url"
            ).fetchall()
        return {decode_key(url): count for url, count in rows}
