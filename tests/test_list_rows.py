"""The article list draws its rows as segments it builds itself (quicker than Rich
``Text``); they must look exactly as the equivalent ``Text`` rendered by Rich: the same
character and the same style in every cell, whatever the title, tags, width or state."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

from tui_reader.core.article import Article
from tui_reader.ui.widgets.article_list import (
    DATE_WIDTH,
    DRAFT,
    TAGS,
    TIME_WIDTH,
    ArticleList,
    format_date,
)

CONSOLE = Console(width=400, force_terminal=True, color_system="truecolor")
STATES = [Style(bold=True), Style(dim=True), None]


def rich_row(rows: ArticleList, article: Article, width: int) -> Text:
    """The row as Rich Text, the way the list drew it before it built segments."""
    title_width, date_width, tags_width = rows._columns()
    marker, state_style, progress = rows.decorate(article)
    row = Text(no_wrap=True, overflow="ellipsis", end="")
    row.append((marker or " ")[:1])
    title = Text(article.title, style=state_style or "", no_wrap=True, overflow="ellipsis")
    if article.draft:
        title = Text.assemble(Text("[draft] ", style=DRAFT), title, no_wrap=True)
    title.truncate(title_width, overflow="ellipsis", pad=True)
    row.append_text(title)
    row.append(" ")
    if date_width:  # a narrow list (beside an article) has no date column
        assert date_width == DATE_WIDTH
        row.append(format_date(article).ljust(DATE_WIDTH), style=Style(dim=True))
        row.append(" ")
    if tags_width:
        tags = Text(", ".join(article.tags), style=TAGS, no_wrap=True)
        tags.truncate(tags_width, overflow="ellipsis", pad=True)
        row.append_text(tags)
        row.append(" ")
    minutes = "… min" if article.pending else f"{rows.minutes(article)} min"
    row.append(" " * max(0, TIME_WIDTH - 2 - len(minutes) - len(progress)))
    row.append(progress, style=Style(color="magenta"))
    row.append(" " + minutes)
    return row


def cells(segments: list[Segment], base: Style) -> list[tuple[str, Style]]:
    """(character, final style) of every character, the list's own style under it."""
    return [(char, base + (style or Style())) for text, style, _ in segments for char in text]


def make_list(width: int, state: Style | None, marker: str, progress: str) -> ArticleList:
    rows = ArticleList()
    rows._pass = (width, Style(), Style(reverse=True))  # what a render pass sets
    rows.minutes = lambda a: a.words // 200
    rows.decorate = lambda a: (marker, state, progress)
    return rows


TEXTS = st.text(
    alphabet=st.sampled_from(list("ab Zé-,.") + ["中", "文", "😀", "\u0301", "…"]),
    max_size=70,
)


@settings(max_examples=300, deadline=None)
@given(
    title=TEXTS,
    tags=st.lists(TEXTS.filter(bool), max_size=4),
    width=st.integers(min_value=20, max_value=200),
    draft=st.booleans(),
    pending=st.booleans(),
    dated=st.booleans(),
    state=st.sampled_from(STATES),
    marker=st.sampled_from(["•", "★", " ", ""]),
    progress=st.sampled_from(["", "5%", "99%"]),
    words=st.integers(min_value=0, max_value=100_000),
)
def test_rows_look_exactly_as_rich_text_draws_them(
    title: str,
    tags: list[str],
    width: int,
    draft: bool,
    pending: bool,
    dated: bool,
    state: Style | None,
    marker: str,
    progress: str,
    words: int,
) -> None:
    article = Article(
        key="k",
        title=title,
        tags=tuple(tags),
        draft=draft,
        pending=pending,
        words=words,
        date=datetime(2024, 5, 6, tzinfo=UTC) if dated else None,
    )
    rows = make_list(width, state, marker, progress)
    rows.articles = [article]
    base = Style(color="white", bgcolor="black")
    built = cells(rows.render_row_segments(0, width), base)
    drawn = cells(list(rich_row(rows, article, width).render(CONSOLE)), base)
    assert built == drawn


def test_a_long_title_is_cut_with_an_ellipsis_and_keeps_its_style() -> None:
    rows = make_list(60, Style(bold=True), "•", "")
    rows.articles = [Article(key="k", title="A very long title " * 10, tags=("rust",))]
    title_width, _, _ = rows._columns()
    segments = rows.render_row_segments(0, 60)
    text = "".join(s.text for s in segments)
    assert text[1 : 1 + title_width].endswith("…")
    assert all(s.style == Style(bold=True) for s in segments[1:2])


def test_a_row_wider_than_the_list_is_cut_to_its_width() -> None:
    # The list draws each row padded or cut to exactly its width (one Strip per row).
    rows = make_list(20, None, "•", "")
    rows.articles = [Article(key="k", title="T" * 50, tags=("a", "b"), words=900)]
    rows.row_count = 1
    rows._pass = (20, Style(), Style(reverse=True))
    strip = rows.render_line(0)
    assert strip.cell_length == 20
    assert strip.text.startswith("•TTTT") and len(strip.text) == 20
    narrow = make_list(60, None, "•", "")
    narrow.articles = [Article(key="k", title="short")]
    narrow.row_count = 1
    narrow._pass = (60, Style(), Style(reverse=True))
    assert narrow.render_line(0).cell_length == 60  # padded out to the width
