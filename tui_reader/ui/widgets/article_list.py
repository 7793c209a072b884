"""The article list: a line-API widget that draws only the rows on screen.

``DataTable`` took 1.3 s to refill with 10,000 rows on this machine kind, far too slow for
a filter that updates on every keystroke. This list keeps a Python list of articles and
renders the visible rows on demand, so refilling costs what the filter costs.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui_reader.core.article import Article
from tui_reader.ui.bindings import LIST_BINDINGS

DATE_WIDTH = 10
TIME_WIDTH = 12  # "100% 15 min"
UNREAD = Style(bold=True)
READ = Style(dim=True)
DRAFT = Style(color="yellow", italic=True)
TAGS = Style(color="cyan")


def format_date(article: Article) -> str:
    return article.date.strftime("%Y-%m-%d") if article.date else "unknown"


class ArticleList(ScrollView, can_focus=True):
    """Rows of title, date, tags and read time."""

    BINDINGS = LIST_BINDINGS
    DEFAULT_CSS = """
    ArticleList { height: 1fr; }
    """

    cursor: reactive[int] = reactive(0, init=False)
    """Index of the highlighted row."""

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
        self.decorate: Callable[[Article], tuple[str, Style | None, str]] = lambda a: (
            "",
            None,
            "",
        )

    # -- data -----------------------------------------------------------------------
    def set_articles(self, articles: list[Article], keep: str | None = None) -> None:
        """Replace the rows; keep the cursor on article ``keep`` if it is still listed."""
        self.articles = articles
        index = 0
        if keep is not None:
            index = next((i for i, a in enumerate(articles) if a.key == keep), 0)
        self.virtual_size = Size(self.scrollable_content_region.width, len(articles))
        self.set_reactive(ArticleList.cursor, min(index, max(0, len(articles) - 1)))
        self._scroll_cursor_into_view()
        self.refresh()
        self.post_message(self.Highlighted(self.current))

    @property
    def current(self) -> Article | None:
        if 0 <= self.cursor < len(self.articles):
            return self.articles[self.cursor]
        return None

    def refresh_rows(self) -> None:
        self.refresh()

    # -- rendering ------------------------------------------------------------------
    def _columns(self) -> tuple[int, int]:
        width = self.scrollable_content_region.width
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

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = round(self.scroll_y) + y
        if index >= len(self.articles):
            return Strip.blank(width, self.rich_style)
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
        minutes = f"{self.minutes(article)} min"
        row.append(progress.rjust(TIME_WIDTH - 2 - len(minutes)), style=Style(color="magenta"))
        row.append(" " + minutes)
        style = self.rich_style
        if index == self.cursor:
            style += Style(reverse=True) if self.has_focus else Style(bgcolor="grey30")
        segments = list(row.render(self.app.console))
        strip = Strip(Segment.apply_style(segments, style), row.cell_len)
        return strip.adjust_cell_length(width, style)

    # -- movement -------------------------------------------------------------------
    def watch_cursor(self, old: int, new: int) -> None:
        self._scroll_cursor_into_view()
        self.refresh()
        self.post_message(self.Highlighted(self.current))

    def _scroll_cursor_into_view(self) -> None:
        height = max(1, self.scrollable_content_region.height)
        top = round(self.scroll_y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)

    def _move(self, index: int) -> None:
        if self.articles:
            self.cursor = max(0, min(index, len(self.articles) - 1))

    def action_cursor_down(self) -> None:
        self._move(self.cursor + 1)

    def action_cursor_up(self) -> None:
        self._move(self.cursor - 1)

    def action_page_down(self) -> None:
        self._move(self.cursor + max(1, self.scrollable_content_region.height - 1))

    def action_page_up(self) -> None:
        self._move(self.cursor - max(1, self.scrollable_content_region.height - 1))

    def action_first(self) -> None:
        self._move(0)

    def action_last(self) -> None:
        self._move(len(self.articles) - 1)

    def action_select(self) -> None:
        if self.current is not None:
            self.post_message(self.Selected(self.current))

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def on_resize(self) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, len(self.articles))
        if self.show_header is not None:
            self.show_header(self.header_text())

    def on_click(self, event: events.Click) -> None:
        index = round(self.scroll_y) + event.y
        if 0 <= index < len(self.articles):
            # The first click highlights a row; a click on the highlighted row opens it.
            if index == self.cursor:
                self.action_select()
            self.cursor = index
