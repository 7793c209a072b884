"""The in-memory library: every article, its tags, and the filters and sort orders.

Filtering 10,000 articles is a pass per condition over plain objects, with what each
sort order needs kept beside it (where each tag's articles stand, every article's folded
search text), so each keystroke in the filter costs a few milliseconds.
"""

from __future__ import annotations

import operator
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from itertools import compress
from typing import Literal

from tui_reader.core.article import Article
from tui_reader.core.markdown.readtime import read_minutes

SortKey = Literal["date", "title", "time"]
SORT_KEYS: tuple[SortKey, ...] = ("date", "title", "time")


@dataclass
class Filter:
    """What the user asked to see. Empty fields mean "no limit"."""

    tags: frozenset[str] = frozenset()  # casefolded; an article must have all of them
    text: str = ""
    unread_only: bool = False
    starred_only: bool = False
    max_minutes: int | None = None
    keys: frozenset[str] | None = None  # the result of a full-text search, if any
    search: str = ""  # the full-text query that gave ``keys``

    @property
    def active(self) -> bool:
        return bool(
            self.tags
            or self.text
            or self.unread_only
            or self.starred_only
            or self.max_minutes
            or self.keys is not None
        )


RECENT_SELECTS = 8  # results kept for going back and typing on (see Library._recent)
PREPARE_PAUSE_EVERY = 500  # articles folded between calls of prepare_search's pause


@dataclass
class Library:
    """All articles from every source, with tag counts."""

    articles: list[Article] = field(default_factory=list)
    wpm: int = 212
    _by_key: dict[str, Article] = field(default_factory=dict)
    _position: dict[str, int] = field(default_factory=dict)
    _spelling: dict[str, str] = field(default_factory=dict)
    # Every article in each sort order asked for, so a filter keystroke only filters.
    _ordered: dict[tuple[str, int], list[Article]] = field(default_factory=dict)
    # Each article's searchable text, folded once: rebuilding it for every article at
    # each keystroke would be most of a filter's cost. Built by the first text filter or by
    # prepare_search, not by add: the start does not wait for it.
    _haystacks: dict[str, str] = field(default_factory=dict)
    # The haystacks of each sort order in _ordered, in that order.
    _ordered_texts: dict[tuple[str, int], list[str]] = field(default_factory=dict)
    # For each sort order in _ordered: tag -> where its articles stand, in order.
    _tag_positions: dict[tuple[str, int], dict[str, list[int]]] = field(default_factory=dict)
    # Recent selects, newest last: ((sort, wpm), query, result), for the sort orders now
    # kept. The same query again (a backspace) is answered from here, and a query that
    # only narrows one's text filters its result: a full pass over 10,000 posts costs
    # tens of milliseconds, a keystroke's whole budget. Reading-state filters are never
    # kept (the state changes under them).
    _recent: list[tuple[tuple[str, int], Filter, list[Article]]] = field(default_factory=list)

    def add(self, articles: Iterable[Article]) -> None:
        """Add articles, or replace those with the same key (a second pass of the scan, a
        refreshed feed) where they stand."""
        self._forget_orders()
        # A page kept out of Hugo's lists is not listed here either (links still open it).
        batch = [article for article in articles if article.listed]
        keys = [article.key for article in batch]
        position = self._position
        if position.keys().isdisjoint(keys) and len(set(keys)) == len(keys):
            # All new, as when a scan lists a library: in bulk, about three times as
            # fast as one article at a time.
            start = len(self.articles)
            position.update(zip(keys, range(start, start + len(keys)), strict=True))
            self.articles.extend(batch)
        else:
            for key, article in zip(keys, batch, strict=True):
                at = position.get(key)
                if at is not None:
                    self.articles[at] = article
                else:
                    position[key] = len(self.articles)
                    self.articles.append(article)
        self._by_key.update(zip(keys, batch, strict=True))
        if self._haystacks:
            for key in keys:
                self._haystacks.pop(key, None)  # built again by the next text filter
        self._learn_spellings(batch)

    def _forget_orders(self) -> None:
        """The library changed: every kept order and result is out of date."""
        self._ordered.clear()
        self._ordered_texts.clear()
        self._tag_positions.clear()
        self._recent.clear()

    def remove(self, keys: Iterable[str]) -> None:
        """Take articles out (files deleted, entries pruned); unknown keys are ignored."""
        gone = {key for key in keys if key in self._by_key}
        if not gone:
            return
        self._forget_orders()
        self.articles = [a for a in self.articles if a.key not in gone]
        self._position = {a.key: i for i, a in enumerate(self.articles)}
        for key in gone:
            self._by_key.pop(key, None)
            self._haystacks.pop(key, None)

    def _learn_spellings(self, batch: list[Article]) -> None:
        """Remember the first spelling of each new tag (in library order)."""
        spelling = self._spelling
        new: dict[str, list[str]] = {}
        for tag in set().union(*(article.tags for article in batch)):
            folded = tag.casefold()
            if folded not in spelling:
                new.setdefault(folded, []).append(tag)
        for folded, spellings in new.items():
            if len(spellings) > 1:  # "Rust" and "rust" both new here: the first one met
                spellings = [t for a in batch for t in a.tags if t.casefold() == folded]
            spelling[folded] = spellings[0]

    def prepare_search(self, pause: Callable[[], None] | None = None) -> None:
        """Fold every article's searchable text now (for a worker thread, once the list is
        shown), so the first filter keystroke does not. ``pause`` is called every few
        hundred articles: it may wait, to leave the interpreter to keys."""
        haystacks = self._haystacks
        for number, article in enumerate(list(self.articles)):
            if pause is not None and number % PREPARE_PAUSE_EVERY == 0:
                pause()
            # Not for an article replaced meanwhile (add runs on another thread): its
            # text would stand for the new one's.
            if article.key not in haystacks and self._by_key.get(article.key) is article:
                haystacks[article.key] = _haystack(article)

    def get(self, key: str) -> Article | None:
        return self._by_key.get(key)

    def __len__(self) -> int:
        return len(self.articles)

    def minutes(self, article: Article) -> int:
        return read_minutes(article.words, article.cjk, self.wpm)

    def spelling(self, folded: str) -> str:
        """The first spelling seen of a tag."""
        return self._spelling.get(folded, folded)

    def tag_counts(
        self,
        articles: Iterable[Article] | None = None,
        unread: Callable[[Article], bool] | None = None,
    ) -> list[tuple[str, int, int]]:
        """(first spelling, articles, unread articles) for every tag, most used first."""
        counts: Counter[str] = Counter()
        unread_counts: Counter[str] = Counter()
        for article in self.articles if articles is None else articles:
            counts.update(article.tags_folded)
            if unread is not None and unread(article):
                unread_counts.update(article.tags_folded)
        return sorted(
            ((self.spelling(t), n, unread_counts[t]) for t, n in counts.items()),
            key=lambda item: (-item[1], item[0].casefold()),
        )

    def related(self, article: Article, limit: int = 10) -> list[Article]:
        """Articles sharing the most tags with ``article``, newest first among equals."""
        if not article.tags_folded:
            return []
        scored = [
            (len(article.tags_folded & other.tags_folded), other)
            for other in self.articles
            if other.key != article.key and article.tags_folded & other.tags_folded
        ]
        scored.sort(key=lambda item: (-item[0], -(item[1].date.timestamp() if item[1].date else 0)))
        return [other for _, other in scored[:limit]]

    def select(
        self,
        query: Filter,
        sort: SortKey = "date",
        *,
        is_read: Callable[[str], bool] | None = None,
        is_starred: Callable[[str], bool] | None = None,
    ) -> list[Article]:
        """The articles matching ``query``, in the given order."""
        ordered = self.ordered(sort)
        if not query.active and query.max_minutes is None:
            return list(ordered)
        words = query.text.casefold().split()
        keep = not query.unread_only and not query.starred_only
        order = (sort, self.wpm)
        candidates = ordered
        if keep:
            for known_order, known, rows in reversed(self._recent):
                if known_order != order:
                    continue
                if known == query:
                    return list(rows)
                # Typing on: a query that only narrows a recent one's text looks at its
                # result.
                if replace(known, text="") == replace(query, text="") and all(
                    any(old in new for new in words) for old in known.text.casefold().split()
                ):
                    candidates = rows
                    break
        # One pass per condition, each over what is left. Over every article, the tags
        # and the texts are looked up in what is kept for the sort order.
        result = candidates
        if query.tags:
            if result is ordered:
                result = self._tagged(order, ordered, query.tags)
            else:
                tags = query.tags
                result = [a for a in result if tags <= a.tags_folded]
        if words:
            texts = self._texts(order, ordered) if result is ordered else None
            result = self._with_words(result, words, texts)
        if query.keys is not None:
            found = query.keys
            result = [a for a in result if a.key in found]
        if query.max_minutes is not None:
            limit, minutes = query.max_minutes, self.minutes
            # Not yet measured: left out until its read time is known.
            result = [a for a in result if not a.pending and minutes(a) <= limit]
        if query.unread_only and is_read is not None:
            result = [a for a in result if not is_read(a.key)]
        if query.starred_only:
            starred = is_starred
            result = [a for a in result if starred is not None and starred(a.key)]
        if keep:
            self._recent = [*self._recent[-(RECENT_SELECTS - 1) :], (order, query, result)]
        return list(result)

    def _with_words(
        self, articles: list[Article], words: list[str], texts: list[str] | None = None
    ) -> list[Article]:
        """Those of ``articles`` whose searchable text holds every word.

        One comprehension per word over the texts, kept in step with the articles: a
        few times quicker than one loop asking every condition of every article."""
        haystacks = texts if texts is not None else self._fold_all(articles)
        for word in words:
            found = [word in haystack for haystack in haystacks]
            articles = list(compress(articles, found))
            haystacks = list(compress(haystacks, found))
        return articles

    def _texts(self, order: tuple[str, int], ordered: list[Article]) -> list[str]:
        """The searchable texts of a sort order's articles, in that order (kept until the
        next :meth:`add`): a keystroke then looks at no article it need not keep."""
        texts = self._ordered_texts.get(order)
        if texts is None:
            texts = self._ordered_texts[order] = self._fold_all(ordered)
        return texts

    def _tagged(
        self, order: tuple[str, int], ordered: list[Article], tags: frozenset[str]
    ) -> list[Article]:
        """The articles of a sort order that have every one of ``tags``, in that order,
        from an index of where each tag's articles stand in it (kept until the next
        :meth:`add`): the articles without the tags are never looked at."""
        index = self._tag_positions.get(order)
        if index is None:
            index = self._tag_positions[order] = {}
            for number, article in enumerate(ordered):
                for tag in article.tags_folded:
                    index.setdefault(tag, []).append(number)
        lists = sorted((index.get(tag, []) for tag in tags), key=len)
        if len(lists) == 1:
            return [ordered[number] for number in lists[0]]
        common = set(lists[0]).intersection(*lists[1:])
        return [ordered[number] for number in lists[0] if number in common]

    def _fold_all(self, articles: list[Article]) -> list[str]:
        get, fold = self._haystacks.get, self._fold
        return [get(a.key) or fold(a) for a in articles]

    def _fold(self, article: Article) -> str:
        haystack = self._haystacks[article.key] = _haystack(article)
        return haystack

    def ordered(self, sort: SortKey = "date") -> list[Article]:
        """All articles in one sort order; kept until the next :meth:`add`."""
        key = (sort, self.wpm)
        if key not in self._ordered:
            self._ordered[key] = sort_articles(self.articles, sort, self.wpm)
        return self._ordered[key]


def in_rank_order(articles: list[Article], ranking: list[str]) -> list[Article]:
    """``articles`` in the order of ``ranking`` (keys, best first, as a full-text search
    gives them); articles it does not hold go last, in their order."""
    rank = {key: number for number, key in enumerate(ranking)}
    return sorted(articles, key=lambda a: rank.get(a.key, len(rank)))


def _haystack(article: Article) -> str:
    return " ".join(
        (article.title, " ".join(article.tags), article.author, article.summary, article.feed_title)
    ).casefold()


def sort_articles(articles: list[Article], sort: SortKey, wpm: int = 212) -> list[Article]:
    """Newest first, title A-Z, or shortest read first. Unknown dates go last."""
    if sort == "title":
        return sorted(articles, key=lambda a: (a.title.casefold(), a.key))
    if sort == "time":
        return sorted(
            articles, key=lambda a: (read_minutes(a.words, a.cjk, wpm), a.title.casefold())
        )
    # Two stable sorts (title, then date) compare plain strings and floats, not tuples:
    # same-day articles stay in title order.
    by_title = sorted(articles, key=_TITLE)
    return sorted(by_title, key=_STAMP, reverse=True)


_TITLE = operator.attrgetter("title")
_STAMP = operator.attrgetter("stamp")
