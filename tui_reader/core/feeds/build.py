"""Feed entries to clean articles: ids, bodies as Markdown, summaries, warnings.

One bad entry is skipped with a warning instead of losing the feed, and an entry that
repeats an id is dropped (the first one is kept). Every field is cleaned by
:mod:`tui_reader.core.sanitize`; bodies are cleaned *after* the HTML is converted,
because ``&#27;`` decodes into ESC.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable

from tui_reader.core.article import SUMMARY_LIMIT, Article, Heading
from tui_reader.core.feeds.html import html_to_markdown
from tui_reader.core.feeds.htmltext import escape_markdown, html_blocks, html_to_text
from tui_reader.core.feeds.model import Entry, join_url
from tui_reader.core.sanitize import (
    HTTP_SCHEMES,
    clean_blocks,
    clean_error,
    clean_line,
    clean_tags,
    clean_text,
    safe_url,
)

Analyse = Callable[[str], tuple[int, bool, tuple[Heading, ...]]]

MAX_ENTRY_CHARS = 5_000_000  # one entry's content; the rest is cut
# markdownify needs about 8 s per MB: content past these sizes is shown as plain text, so
# one feed's conversion stays within seconds (html.parser alone is several times faster).
MAX_FORMATTED = 1_000_000  # characters of one entry converted to Markdown
FORMAT_BUDGET = 2_000_000  # characters of one feed converted to Markdown
MAX_ID = 512
MAX_WARNINGS = 5


class ArticleBuilder:
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

    def build_all(self, entries: Iterable[Entry]) -> list[Article]:
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

    def build(self, entry: Entry) -> Article | None:
        link = safe_url(join_url(self.base, entry.link), HTTP_SCHEMES) if entry.link else None
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

    def _entry_id(self, entry: Entry, body: str) -> str:
        for candidate in (entry.id, entry.link):
            if candidate and len(candidate) > MAX_ID:
                return _sha1(candidate)  # a long id stays unique, and keys stay short
            value = clean_line(candidate, MAX_ID) if candidate else ""
            if value:
                return value
        return _sha1(f"{entry.title}\n{body}")

    def _summary(self, entry: Entry, body_kind: str, body_value: str) -> str:
        kind, value = entry.summary or (body_kind, body_value)
        value = value[: SUMMARY_LIMIT * 40]
        return clean_blocks(html_blocks(value, _is_html(kind)), SUMMARY_LIMIT)


def _sha1(text: str) -> str:
    return "sha1:" + hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _is_html(kind: str) -> bool:
    return "html" in kind.lower()


def _fullest(entry: Entry) -> tuple[str, str]:
    if entry.contents:
        return max(entry.contents, key=lambda c: len(c[1]))
    return entry.summary or ("text/plain", "")

