"""The in-memory library: tag filters, text filter, tag counts and sort orders."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta, timezone

import pytest

from tui_reader.core.article import Article
from tui_reader.core.library import Filter, Library, sort_articles


def article(
    key: str,
    title: str = "",
    *,
    tags: tuple[str, ...] = (),
    author: str = "",
    summary: str = "",
    date: datetime | None = None,
    words: int = 100,
    cjk: bool = False,
) -> Article:
    return Article(
        key=key,
        title=title or key,
        tags=tags,
        author=author,
        summary=summary,
        date=date,
        words=words,
        cjk=cjk,
    )


def day(n: int) -> datetime:
    return datetime(2024, 1, 1, tzinfo=UTC) + timedelta(days=n)


def keys(articles: list[Article]) -> list[str]:
    return [a.key for a in articles]


@pytest.fixture
def library() -> Library:
    lib = Library()
    lib.add(
        [
            article("kyoto", "Slow Mornings in Kyoto", tags=("travel", "Japan"), date=day(3)),
            article("ramen", "Weeknight Ramen", tags=("cooking", "japan"), date=day(5)),
            article("miso", "Miso Soup", tags=("cooking", "JAPAN", "quick"), date=day(1)),
            article("train", "The Night Train", tags=("travel",), date=day(4)),
            article("rust", "Rust Tools", tags=("rust", "tools"), author="Priya Raman"),
            article(
                "feeds",
                "Feeds Without Algorithms",
                tags=("feeds",),
                summary="Why a plain reader beats a timeline.",
                date=day(2),
            ),
        ]
    )
    return lib


# --- tags ---------------------------------------------------------------------------------


def test_tag_filter_keeps_only_tagged_articles(library: Library) -> None:
    chosen = library.select(Filter(tags=frozenset({"travel"})))
    assert sorted(keys(chosen)) == ["kyoto", "train"]


def test_tag_filter_ignores_the_case_of_tags(library: Library) -> None:
    # "Japan", "japan" and "JAPAN" are one tag.
    chosen = library.select(Filter(tags=frozenset({"japan"})))
    assert sorted(keys(chosen)) == ["kyoto", "miso", "ramen"]


def test_several_tags_keep_articles_with_all_of_them(library: Library) -> None:
    both = library.select(Filter(tags=frozenset({"japan", "cooking"})))
    assert sorted(keys(both)) == ["miso", "ramen"]
    three = library.select(Filter(tags=frozenset({"japan", "cooking", "quick"})))
    assert keys(three) == ["miso"]
    none = library.select(Filter(tags=frozenset({"travel", "rust"})))
    assert none == []


def test_tag_counts_merge_case_and_keep_the_first_spelling(library: Library) -> None:
    counts = {tag: n for tag, n, _ in library.tag_counts()}
    assert counts["Japan"] == 3  # first seen as "Japan" (kyoto was added first)
    assert "japan" not in counts and "JAPAN" not in counts
    assert counts["travel"] == 2
    assert counts["cooking"] == 2


def test_tag_counts_list_most_used_first_then_by_name(library: Library) -> None:
    order = [tag for tag, _, _ in library.tag_counts()]
    assert order == ["Japan", "cooking", "travel", "feeds", "quick", "rust", "tools"]


def test_tag_counts_report_unread_articles_per_tag(library: Library) -> None:
    read = {"kyoto", "train"}
    counts = {t: (n, u) for t, n, u in library.tag_counts(unread=lambda a: a.key not in read)}
    assert counts["travel"] == (2, 0)
    assert counts["Japan"] == (3, 2)


# --- text filter --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("kyoto", ["kyoto"]),  # title
        ("NIGHT train", ["train"]),  # title, any case, every word must match
        ("priya", ["rust"]),  # author
        ("timeline", ["feeds"]),  # summary
        ("cooking", ["miso", "ramen"]),  # tag
        ("japan travel", ["kyoto"]),  # tag + tag, both needed
        ("ramen tools", []),
        ("", ["feeds", "kyoto", "miso", "ramen", "rust", "train"]),
    ],
)
def test_text_filter_matches_title_tags_author_and_summary(
    library: Library, text: str, expected: list[str]
) -> None:
    assert sorted(keys(library.select(Filter(text=text)))) == expected


def test_text_and_tag_filters_combine(library: Library) -> None:
    chosen = library.select(Filter(tags=frozenset({"japan"}), text="soup"))
    assert keys(chosen) == ["miso"]


def test_max_minutes_filter_uses_read_time() -> None:
    lib = Library()
    lib.add([article("short", words=212), article("edge", words=424), article("long", words=425)])
    # 212 -> 1 min, 424 -> 2 min, 425 -> 3 min
    assert sorted(keys(lib.select(Filter(max_minutes=2)))) == ["edge", "short"]


def test_adding_an_article_again_replaces_it(library: Library) -> None:
    library.add([article("kyoto", "Kyoto, Revised", tags=("travel",), date=day(3))])
    assert len(library) == 6
    assert library.get("kyoto").title == "Kyoto, Revised"
    assert sorted(keys(library.select(Filter(tags=frozenset({"japan"}))))) == ["miso", "ramen"]


def test_a_batch_mixing_new_and_known_articles_keeps_every_position(library: Library) -> None:
    before = keys(library.articles)
    library.add(
        [
            article("new-1", tags=("Travel",)),
            article("ramen", "Ramen Again", tags=("cooking",)),
            article("new-1", "New One, Second Copy"),  # the same key twice: the last wins
        ]
    )
    assert keys(library.articles) == [*before, "new-1"]
    assert library.get("ramen").title == "Ramen Again"
    assert library.get("new-1").title == "New One, Second Copy"
    assert len(library) == 7
    # The replaced copy has no tags; a tag's first spelling stays the one shown.
    counts = {name: n for name, n, _unread in library.tag_counts()}
    assert counts["travel"] == 2 and "Travel" not in counts


def test_a_replaced_article_is_found_by_its_new_text(library: Library) -> None:
    assert keys(library.select(Filter(text="kyoto"))) == ["kyoto"]
    library.add([article("kyoto", "Slow Mornings in Nara", tags=("travel",), date=day(3))])
    assert keys(library.select(Filter(text="kyoto"))) == []
    assert keys(library.select(Filter(text="nara"))) == ["kyoto"]


# --- sorting ------------------------------------------------------------------------------


def test_sort_by_date_is_newest_first_with_unknown_dates_last(library: Library) -> None:
    assert keys(library.select(Filter(), "date")) == [
        "ramen",  # day 5
        "train",  # day 4
        "kyoto",  # day 3
        "feeds",  # day 2
        "miso",  # day 1
        "rust",  # no date
    ]


def test_sort_by_date_compares_instants_across_time_zones() -> None:
    tokyo = timezone(timedelta(hours=9))
    # 08:00 in Tokyo is 23:00 UTC the day before: earlier than 06:00 UTC the same date.
    early = article("tokyo", date=datetime(2024, 5, 2, 8, 0, tzinfo=tokyo))
    late = article("london", date=datetime(2024, 5, 2, 6, 0, tzinfo=UTC))
    assert keys(sort_articles([early, late], "date")) == ["london", "tokyo"]


def test_sort_by_title_ignores_case(library: Library) -> None:
    assert keys(library.select(Filter(), "title")) == [
        "feeds",  # Feeds Without Algorithms
        "miso",  # Miso Soup
        "rust",  # Rust Tools
        "kyoto",  # Slow Mornings in Kyoto
        "train",  # The Night Train
        "ramen",  # Weeknight Ramen
    ]
    lower = article("a", "apple")
    upper = article("b", "Banana")
    assert keys(sort_articles([upper, lower], "title")) == ["a", "b"]


def test_sort_by_read_time_is_shortest_first() -> None:
    items = [
        article("ten", "Ten", words=2_120),  # 10 min
        article("one", "One", words=5),  # 1 min
        article("three", "Three", words=425),  # 3 min
        article("cjk", "CJK", words=1_000, cjk=True),  # 1000 / 500 = 2 min
    ]
    assert keys(sort_articles(items, "time")) == ["one", "cjk", "three", "ten"]


def test_sort_by_read_time_follows_the_reading_speed() -> None:
    # At 212 wpm: a = 600 words -> 3 min, b = 2 min CJK (1000 chars).
    # At 600 wpm: a -> 1 min, b stays 2 min.
    a = article("a", "A", words=600)
    b = article("b", "B", words=1_000, cjk=True)
    assert keys(sort_articles([a, b], "time", wpm=212)) == ["b", "a"]
    assert keys(sort_articles([a, b], "time", wpm=600)) == ["a", "b"]


# --- a large library ----------------------------------------------------------------------

TAG_POOL = ["Python", "rust", "Travel", "japan", "cooking", "feeds", "tools", "Terminal"]
WORDS = ["river", "lantern", "harbour", "orchard", "quarry", "meadow", "signal", "ember"]


def generate(count: int, seed: int = 7) -> list[Article]:
    rng = random.Random(seed)
    items = []
    for n in range(count):
        tags = tuple(
            tag.upper() if rng.random() < 0.1 else tag
            for tag in rng.sample(TAG_POOL, rng.randint(0, 4))
        )
        items.append(
            article(
                f"k{n}",
                f"{rng.choice(WORDS).title()} {rng.choice(WORDS)} {n}",
                tags=tags,
                author=rng.choice(["Hana Sato", "Priya Raman", "Jonah Wells"]),
                summary=" ".join(rng.sample(WORDS, 3)),
                date=day(rng.randint(0, 900)) if rng.random() < 0.9 else None,
                words=rng.randint(0, 5_000),
            )
        )
    return items


def test_filter_on_10000_articles_returns_exactly_the_matching_set() -> None:
    items = generate(10_000)
    lib = Library()
    lib.add(items)

    query = Filter(tags=frozenset({"python", "travel"}), text="harbour")
    chosen = lib.select(query)

    # Independently: lower-case every field, test membership with plain set logic.
    expected = {
        a.key
        for a in items
        if {"python", "travel"} <= {t.lower() for t in a.tags}
        and (
            "harbour" in a.title.lower()
            or "harbour" in a.summary.lower()
            or "harbour" in a.author.lower()
            or any("harbour" in t.lower() for t in a.tags)
        )
    }
    assert expected, "the generated data should contain matches"
    assert len(expected) < len(items) // 10
    assert {a.key for a in chosen} == expected
    assert len(chosen) == len(expected)  # no duplicates

    dated = [a.date for a in chosen if a.date is not None]
    assert dated == sorted(dated, reverse=True)
    assert all(a.date is not None for a in chosen[: len(dated)])


def test_tag_counts_on_10000_articles_match_a_direct_count() -> None:
    items = generate(10_000, seed=11)
    lib = Library()
    lib.add(items)
    expected: dict[str, int] = {}
    for a in items:
        for tag in {t.lower() for t in a.tags}:
            expected[tag] = expected.get(tag, 0) + 1
    counted = {tag.lower(): n for tag, n, _ in lib.tag_counts()}
    assert counted == expected


def _typed_library() -> Library:
    rng = random.Random(7)
    words = ["rust", "python", "tools", "feeds", "terminal", "notes", "japan", "walk"]
    lib = Library()
    lib.add(
        Article(
            key=f"k{i}",
            title=f"{' '.join(rng.sample(words, 2))} {i}",
            tags=tuple(rng.sample(words, 2)),
            date=datetime(2024, 1, 1 + i % 28, tzinfo=UTC),
        )
        for i in range(300)
    )
    return lib


@pytest.mark.parametrize(
    "typed",
    [
        ["r", "ru", "rus", "rust", "rust 1", "rust 12", "rust 1", "rust", "", "p", "py"],
        ["tools", "tools ", "tools j", "tools ja", "tool", "to", "walk"],
        ["1", "12", "2", "notes 2", "notes 22", "notes"],
    ],
)
def test_typing_narrows_exactly_like_a_fresh_filter(typed: list[str]) -> None:
    # select() reuses its last result while the text only narrows; it must never differ
    # from filtering everything again, whether the user types on or deletes.
    lib = _typed_library()
    for sort in ("date", "title"):
        for tags in (frozenset(), frozenset({"rust"})):
            for text in typed:
                query = Filter(text=text, tags=tags)
                got = [a.key for a in lib.select(query, sort)]
                fresh = _typed_library()
                assert got == [a.key for a in fresh.select(query, sort)], (text, tags, sort)


def test_preparing_search_pauses_as_it_goes_and_finds_the_same() -> None:
    """The warm-up folds the search text in steps, calling ``pause`` between them (where
    it waits while keys come); what a filter finds afterwards is unchanged."""
    many = [article(f"k{i}", f"Post {i}", tags=("Even" if i % 2 else "Odd",)) for i in range(1200)]
    prepared, plain = Library(), Library()
    prepared.add(many)
    plain.add(many)
    pauses: list[int] = []
    prepared.prepare_search(pause=lambda: pauses.append(len(prepared._haystacks)))
    assert pauses == [0, 500, 1000]  # before each step of PREPARE_PAUSE_EVERY articles
    query = Filter(text="post 11")
    assert keys(prepared.select(query, "title")) == keys(plain.select(query, "title"))
    assert len(keys(prepared.select(query, "title"))) == sum("11" in str(i) for i in range(1200))


# --- every filter against a plain reference --------------------------------------------
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

FILTER_WORDS = ["rust", "Rust", "python", "tea", "ÉTÉ", "été", "walk", "notes", "12", "a"]


def _reference(
    items: list[Article], query: Filter, read: set[str], starred: set[str], sort: str
) -> list[str]:
    """What select must return, worked out the slow and obvious way."""
    words = query.text.casefold().split()
    chosen = []
    for a in sort_articles(items, sort):  # type: ignore[arg-type]
        text = " ".join([a.title, *a.tags, a.author, a.summary, a.feed_title]).casefold()
        if not {t.casefold() for t in query.tags} <= {t.casefold() for t in a.tags}:
            continue
        if query.keys is not None and a.key not in query.keys:
            continue
        if query.max_minutes is not None and (
            a.pending or -(-a.words // 212) > query.max_minutes
        ):
            continue
        if (query.unread_only and a.key in read) or (query.starred_only and a.key not in starred):
            continue
        if all(word in text for word in words):
            chosen.append(a.key)
    return chosen


_articles = st.lists(
    st.builds(
        lambda n, title, tags, summary, words, pending: Article(
            key=f"k{n}",
            title=" ".join(title),
            tags=tuple(tags),
            summary=" ".join(summary),
            words=words,
            pending=pending,
            date=day(n % 40),
        ),
        st.integers(0, 60),
        st.lists(st.sampled_from(FILTER_WORDS), max_size=3),
        st.lists(st.sampled_from(FILTER_WORDS), max_size=2),
        st.lists(st.sampled_from(FILTER_WORDS), max_size=4),
        st.integers(0, 4000),
        st.booleans(),
    ),
    max_size=40,
    unique_by=lambda a: a.key,
)
_queries = st.builds(
    Filter,
    tags=st.frozensets(st.sampled_from(["rust", "python", "été", "tea"]), max_size=2),
    text=st.lists(st.sampled_from([*FILTER_WORDS, "ru", "st 1", "zzz"]), max_size=2).map(
        " ".join
    ),
    unread_only=st.booleans(),
    starred_only=st.booleans(),
    max_minutes=st.sampled_from([None, 0, 5, 10]),
    keys=st.none() | st.frozensets(st.sampled_from([f"k{n}" for n in range(0, 60, 3)])),
)


@settings(max_examples=300, deadline=None)
@given(
    items=_articles,
    queries=st.lists(_queries, min_size=1, max_size=4),
    read=st.sets(st.sampled_from([f"k{n}" for n in range(60)])),
    starred=st.sets(st.sampled_from([f"k{n}" for n in range(60)])),
    sort=st.sampled_from(["date", "title"]),
    renamed=st.booleans(),
)
def test_every_filter_matches_a_plain_reference(
    items: list[Article],
    queries: list[Filter],
    read: set[str],
    starred: set[str],
    sort: str,
    renamed: bool,
) -> None:
    """Whatever is combined (tags, words, search keys, minutes, unread, starred), in a
    row of queries that reuse each other's results and kept texts, select gives exactly
    the reference's articles in the reference's order; also after an article changes."""
    lib = Library()
    lib.add(items)
    if renamed and items:
        lib.prepare_search()
        lib.select(Filter(text="a"), sort)  # type: ignore[arg-type]  # texts now kept
        changed = Article(key=items[0].key, title="zzz rust", date=items[0].date)
        items = [changed, *items[1:]]
        lib.select(Filter(tags=frozenset({"rust"})), sort)  # type: ignore[arg-type]
        lib.add([changed])
        # Its new title and tags, under the kept texts and tag positions:
        queries = [Filter(text="zzz"), Filter(tags=frozenset({"rust"})), *queries]
    for query in queries:
        got = lib.select(
            query,
            sort,  # type: ignore[arg-type]
            is_read=read.__contains__,
            is_starred=starred.__contains__,
        )
        assert [a.key for a in got] == _reference(items, query, read, starred, sort), query
