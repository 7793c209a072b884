"""The scan cache: what a local file held when it had this mtime and size, and each
source folder's scan snapshot (core/local/snapshot.py), so that a later start reads no
file that did not change.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from tui_reader.core.article import Article
from tui_reader.core.store.codecs import encode_key, headings_from, iso_or_none, parse_datetime
from tui_reader.core.store.database import Database
from tui_reader.core.store.schema import IN_CHUNK

_SCAN_FORMAT = 2  # bump when the scan-cache JSON changes; old rows then miss


def _scan_json(article: Article) -> str:
    """Everything needed to rebuild a local article without reading its file.

    The body is left out on purpose: ``body=None`` means "read it from ``location``",
    and the file, not the cache, is the truth for content.
    """
    return json.dumps(
        {
            "v": _SCAN_FORMAT,
            "key": article.key,
            "title": article.title,
            "kind": article.kind,
            "date": iso_or_none(article.date),
            "lastmod": iso_or_none(article.lastmod),
            "author": article.author,
            "tags": list(article.tags),
            "summary": article.summary,
            "draft": article.draft,
            "words": article.words,
            "cjk": article.cjk,
            "source": article.source,
            "location": article.location,
            "link": article.link,
            "headings": [list(heading) for heading in article.headings],
            "feed_title": article.feed_title,
            "warnings": list(article.warnings),
            "mtime": article.mtime,
            "size": article.size,
            "listed": article.listed,
        }
    )


def _scan_article(text: str) -> Article | None:
    """Rebuild an article from :func:`_scan_json`; anything unexpected is a cache miss."""
    try:
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("v") != _SCAN_FORMAT:
            return None
        kind = data["kind"] if data["kind"] in ("local", "feed") else "local"
        return Article(
            key=str(data["key"]),
            title=str(data["title"]),
            kind=kind,
            date=parse_datetime(data["date"]),
            lastmod=parse_datetime(data["lastmod"]),
            author=str(data["author"]),
            tags=tuple(str(t) for t in data["tags"]),
            summary=str(data["summary"]),
            draft=bool(data["draft"]),
            words=int(data["words"]),
            cjk=bool(data["cjk"]),
            source=str(data["source"]),
            location=str(data["location"]),
            link=str(data["link"]),
            headings=headings_from(data["headings"]),
            feed_title=str(data["feed_title"]),
            warnings=tuple(str(w) for w in data["warnings"]),
            mtime=float(data["mtime"]),
            size=int(data["size"]),
            listed=bool(data["listed"]),
        )
    except (ValueError, KeyError, TypeError):
        return None


class ScanCache(Database):
    """Per-file scan results and per-folder snapshots."""

    def cached_scan(self, paths_with_stat: Iterable[tuple[str, float, int]]) -> dict[str, Article]:
        """Cached articles for the files whose (mtime, size) still match, by path.

        A file that changed, or was never cached, is simply absent: parse it again and
        pass the result to :meth:`save_scan`.
        """
        wanted = list(paths_with_stat)
        found: dict[str, Article] = {}
        if not wanted:
            return found
        stats = {encode_key(path): (path, mtime, size) for path, mtime, size in wanted}
        keys = list(stats)
        with self._transaction("reading the scan cache", write=False) as conn:
            for start in range(0, len(keys), IN_CHUNK):  # one query per chunk, not per file
                chunk = keys[start : start + IN_CHUNK]
                rows = conn.execute(
                    "SELECT path, mtime, size, article_json FROM scan_cache"
                    f" WHERE path IN ({','.join('?' * len(chunk))})",
                    chunk,
                ).fetchall()
                for key, mtime, size, text in rows:
                    path, want_mtime, want_size = stats[key]
                    if mtime != want_mtime or size != want_size:
                        continue
                    article = _scan_article(text)
                    if article is not None:
                        found[path] = article
        return found

    def scan_snapshot(self, root: str, source: str) -> bytes | None:
        """The snapshot saved for a source folder (its absolute path, and the source as
        the user gave it), or None."""
        with self._transaction("reading the scan snapshot", write=False) as conn:
            row = conn.execute(
                "SELECT data FROM scan_snapshot WHERE root = ? AND source = ?",
                (encode_key(root), encode_key(source)),
            ).fetchone()
        return bytes(row[0]) if row is not None else None

    def save_scan_snapshot(self, root: str, source: str, data: bytes) -> None:
        with self._transaction("saving the scan snapshot", write=True) as conn:
            conn.execute(
                "INSERT INTO scan_snapshot (root, source, data) VALUES (?, ?, ?)"
                " ON CONFLICT (root, source) DO UPDATE SET data = excluded.data",
                (encode_key(root), encode_key(source), data),
            )

    def save_scan(self, articles: Iterable[Article]) -> None:
        """Remember these local articles, keyed by ``location`` with their mtime and size."""
        rows = [
            (encode_key(a.location), float(a.mtime), int(a.size), _scan_json(a)) for a in articles
        ]
        if not rows:
            return
        with self._transaction("saving the scan cache", write=True) as conn:
            conn.executemany(
                "INSERT INTO scan_cache (path, mtime, size, article_json) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (path) DO UPDATE SET mtime = excluded.mtime,"
                " size = excluded.size, article_json = excluded.article_json",
                rows,
            )
