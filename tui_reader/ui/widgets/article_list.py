"""The article list: title, date, tags and read time, one line per article."""

from __future__ import annotations

from collections.abc import Callable, Hashable

from rich.style import Style
from rich.text import Text
from textual.message import Message

from tui_reader.core.article import Article
from tui_reader.ui.bindings import LIST_BINDINGS
from tui_reader.ui.widgets.row_list import RowList

DATE_WIDTH = 10
TIME_WIDTH = 12  # "100% 15 min"
DRAFT = Style(color="yellow", italic=True)
TAGS = Style(color="cyan")


def format_date(article: Article) -> str:
    return article.date.strftime("%Y-%m-%d") if article.date else "unknown"


class ArticleList(RowList):
    """Rows of articles. Every cell is Rich ``Text`` built with ``append``: no markup."""

    BINDINGS = LIST_BINDINGS

    class Highlighted(Message):
        def __init__(self, article: Article | None) -> None:
            super().__init__()
            self.article = article

    class Selected(Message):
        def __init__(self, article: Article) -> None:
            super().__init__()
            self.article = article

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.articles: list[Article] = []
        self.minutes: Callable[[Article], int] = lambda a: 0
        self.show_header: Callable[[Text], None] | None = None
        # (marker, title style, progress text) of a row, from the reading state
        self.decorate: Callable[[Article], tuple[str, Style | None, str]] = lambda a: ("", None, "")

    def set_articles(self, articles: list[Article], keep: str | None = None) -> None:
        """Replace the rows; keep the cursor on article ``keep`` if it is still listed."""
        self.articles = articles
        index = 0
        if keep is not None:
            index = next((i for i, a in enumerate(articles) if a.key == keep), 0)
        self.set_row_count(len(articles), index)

    @property
    def current(self) -> Article | None:
        if 0 <= self.cursor < len(self.articles):
            return self.articles[self.cursor]
        return None

    def refresh_rows(self) -> None:
        self.refresh()

    def on_row_list_highlighted(self, event: RowList.Highlighted) -> None:
        event.stop()
        self.post_message(self.Highlighted(self.current))

    def on_row_list_chosen(self, event: RowList.Chosen) -> None:
        event.stop()
        if self.current is not None:
            self.post_message(self.Selected(self.current))

    def on_resize(self) -> None:
        if self.show_header is not None:
            self.show_header(self.header_text())

    # -- rendering ------------------------------------------------------------------
    def _columns(self) -> tuple[int, int]:
        width = self.row_width
        tags = max(0, min(28, (width - DATE_WIDTH - TIME_WIDTH) // 4))
        title = max(8, width - DATE_WIDTH - TIME_WIDTH - tags - 4)
        return title, tags

    def header_text(self) -> Text:
        title, tags = self._columns()
        text = Text(style=Style(bold=True, dim=True), no_wrap=True, overflow="ellipsis")
        text.append(" " + "Title".ljust(title + 1))
        text.append("Date".ljust(DATE_WIDTH + 1))
        if tags:
            text.append("Tags".ljust(tags + 1))
        text.append("Time".rjust(TIME_WIDTH - 1))
        return text

    def row_key(self, index: int) -> Hashable:
        article = self.articles[index]
        return (
            article.key,
            article.title,
            article.date,
            article.tags,
            article.draft,
            article.pending,
            self.minutes(article),
            self.decorate(article),
            self._columns(),
        )

    def render_row(self, index: int, width: int) -> Text:
        article = self.articles[index]
        title_width, tags_width = self._columns()
        marker, state_style, progress = self.decorate(article)
        row = Text(no_wrap=True, overflow="ellipsis", end="")
        row.append((marker or " ")[:1])
        title = Text(article.title, style=state_style or "", no_wrap=True, overflow="ellipsis")
        if article.draft:
            title = Text.assemble(Text("[draft] ", style=DRAFT), title, no_wrap=True)
        title.truncate(title_width, overflow="ellipsis", pad=True)
        row.append_text(title)
        row.append(" ")
        row.append(format_date(article).ljust(DATE_WIDTH), style=Style(dim=True))
        row.append(" ")
        if tags_width:
            tags = Text(", ".join(article.tags), style=TAGS, no_wrap=True)
            tags.truncate(tags_width, overflow="ellipsis", pad=True)
            row.append_text(tags)
            row.append(" ")
        minutes = "… min" if article.pending else f"{self.minutes(article)} min"
        row.append(" " * max(0, TIME_WIDTH - 2 - len(minutes) - len(progress)))
        row.append(progress, style=Style(color="magenta"))
        row.append(" " + minutes)
        return row
