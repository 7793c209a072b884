"""Full articles of feed entries: which entries want one, and saving one or its failure.

The article is kept in its own columns beside the feed's text, so a refresh that rewrites
the entry keeps it; it replaces the entry's search row (the body searched is the
article's) and its words and headings, and so its read time.
"""

from __future__ import annotations

from dataclasses import dataclass

from tui_reader.core.article import Article, Heading
from tui_reader.core.fulltext.policy import SHORT_WORDS, wants_article
from tui_reader.core.sanitize import clean_error
from tui_reader.core.store.codecs import (
    decode_key,
    encode_key,
    json_list,
    json_strings,
    now_iso,
    storable_text,
)
from tui_reader.core.store.database import Database
from tui_reader.core.store.search_index import write_index


@dataclass(frozen=True, slots=True)
class Wanted:
    """An entry whose article a refresh should fetch."""

    key: str
    link: str


class FullTextTable(Database):
    """The full-article columns of feed entries."""

    def wanting_full_text(self, url: str, mode: str, limit: int) -> list[Wanted]:
        """Entries of the feed ``url`` that want their article under ``mode`` (``"auto"``
        or ``"true"``), newest first, at most ``limit``: never tried before (a failure is
        kept, and only ``f`` asks again), with an http(s) link."""
        if mode == "false" or limit <= 0:
            return []
        short = "" if mode == "true" else f" AND words < {SHORT_WORDS}"
        with self._guard("reading feed entries") as conn:
            rows = conn.execute(
                "SELECT key, link, body, words FROM entries WHERE feed_url = ?"
                " AND full_text IS NULL AND full_error IS NULL"
                " AND (link LIKE 'http://%' OR link LIKE 'https://%')" + short
                + " ORDER BY date DESC",
                (encode_key(url),),
            ).fetchall()
        wanted = [
            Wanted(decode_key(key), link)
            for key, link, body, words in rows
            if wants_article(mode, link, body, words)
        ]
        return wanted[:limit]

    def save_full_text(
        self,
        key: str,
        markdown: str,
        *,
        words: int,
        cjk: bool,
        headings: tuple[Heading, ...],
        plain: str,
    ) -> bool:
        """Keep an entry's article and make it the entry's search row; False if the entry
        is not in the library."""
        stored = encode_key(key)
        with self._transaction("saving a full article", write=True) as conn:
            row = conn.execute(
                "SELECT title, tags_json, author FROM entries WHERE key = ?", (stored,)
            ).fetchone()
            if row is None:
                return False
            conn.execute(
                "UPDATE entries SET full_text = ?, full_words = ?, full_cjk = ?,"
                " full_headings_json = ?, full_error = NULL, full_at = ? WHERE key = ?",
                (
                    storable_text(markdown),
                    int(words),
                    int(cjk),
                    json_list(list(h) for h in headings),
                    now_iso(),
                    stored,
                ),
            )
            title, tags_json, author = row
            tags = " ".join(json_strings(tags_json))
            write_index(conn, [(stored, title, storable_text(tags), author, storable_text(plain))])
        return True

    def record_full_text_error(self, key: str, message: str) -> None:
        """Keep why an entry's article could not be had; its feed text stays."""
        with self._transaction("saving a full article", write=True) as conn:
            conn.execute(
                "UPDATE entries SET full_error = ?, full_at = ? WHERE key = ?",
                (clean_error(message), now_iso(), encode_key(key)),
            )

    def entry_by_link(self, link: str) -> Article | None:
        """A cached feed entry whose link is ``link`` (the newest, if several), else None."""
        with self._guard("reading feed entries") as conn:
            row = conn.execute(
                "SELECT key, feed_url FROM entries WHERE link = ? ORDER BY date DESC LIMIT 1",
                (storable_text(link),),
            ).fetchone()
        if row is None:
            return None
        key = decode_key(row[0])
        # feed_articles is FeedCache's: the Store is both.
        articles = self.feed_articles(decode_key(row[1]))  # type: ignore[attr-defined]
        return next((a for a in articles if a.key == key), None)
