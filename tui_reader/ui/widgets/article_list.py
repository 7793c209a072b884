"""The article list: title, date, tags and read time, one line per article."""

from __future__ import annotations

from collections.abc import Callable, Hashable

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.message import Message
from textual.strip import Strip

from tui_reader.core.article import Article, shown_date
from tui_reader.ui.bindings import LIST_BINDINGS
from tui_reader.ui.widgets.row_list import RowList

DATE_WIDTH = 10
TIME_WIDTH = 12  # "100% 15 min"
COMPACT_BELOW = 56  # a list narrower than this (beside an article) shows titles and times
DRAFT = Style(color="yellow", italic=True)
TAGS = Style(color="cyan")
DIM = Style(dim=True)
PROGRESS = Style(color="magenta")


def format_date(article: Article) -> str:
    return shown_date(article.date)


class ArticleList(RowList):
    """Rows of articles, each drawn as plain-text segments: no markup is ever parsed."""

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
        # The user has moved the cursor (a key or a click): from then on it stays on
        # their article as the rows change; until then it stays on the first row.
        self.placed = False
        self.minutes: Callable[[Article], int] = lambda a: 0
        self.show_header: Callable[[Text], None] | None = None
        # (marker, title style, progress text) of a row, from the reading state
        self.decorate: Callable[[Article], tuple[str, Style | None, str]] = lambda a: ("", None, "")
        # Why the list is empty, asked only when an empty list is drawn (None: say nothing).
        self.explain_empty: Callable[[], Text | None] = lambda: None
        self._empty_lines: tuple[int, list[Strip]] | None = None  # (width, lines) drawn

    def set_articles(self, articles: list[Article], keep: str | None = None) -> None:
        """Replace the rows; keep the cursor on article ``keep`` if it is still listed."""
        self.articles = articles
        self._empty_lines = None  # the filters changed: so may the reason
        index = 0
        if keep is not None:
            index = next((i for i, a in enumerate(articles) if a.key == keep), 0)
        self.set_row_count(len(articles), index)

    @property
    def current(self) -> Article | None:
        if 0 <= self.cursor < len(self.articles):
            return self.articles[self.cursor]
        return None

    def watch_cursor(self, old: int, new: int) -> None:
        # Only the user's moves come here: the list's own changes set it silently.
        self.placed = True
        super().watch_cursor(old, new)

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
    def _columns(self) -> tuple[int, int, int]:
        """The widths of the title, date and tags columns (0: not shown)."""
        width = self.row_width
        if width < COMPACT_BELOW:
            return max(8, width - TIME_WIDTH - 2), 0, 0
        tags = max(0, min(28, (width - DATE_WIDTH - TIME_WIDTH) // 4))
        title = max(8, width - DATE_WIDTH - TIME_WIDTH - tags - 4)
        return title, DATE_WIDTH, tags

    def header_text(self) -> Text:
        title, date, tags = self._columns()
        text = Text(style=Style(bold=True, dim=True), no_wrap=True, overflow="ellipsis")
        text.append(" " + "Title".ljust(title + 1))
        if date:
            text.append("Date".ljust(date + 1))
        if tags:
            text.append("Tags".ljust(tags + 1))
        text.append("Time".rjust(TIME_WIDTH - 1))
        return text

    def render_blank(self, y: int, width: int, style: Style) -> Strip:
        """An empty list says why, on its first lines, wrapped to the width."""
        if self.row_count:
            return Strip.blank(width, style)
        if self._empty_lines is None or self._empty_lines[0] != width:
            self._empty_lines = (width, self._explanation(width, style))
        lines = self._empty_lines[1]
        return lines[y] if y < len(lines) else Strip.blank(width, style)

    def _explanation(self, width: int, style: Style) -> list[Strip]:
        text = self.explain_empty()
        if text is None or width < 3:
            return []
        console = self.app.console
        options = console.options.update_width(width - 2)
        return [
            Strip([Segment(" ", style), *line]).extend_cell_length(width, style)
            for line in console.render_lines(text, options, style=style, pad=False)
        ]

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

    def render_row_segments(self, index: int, width: int) -> list[Segment]:
        """The row's cells as segments, built here: through Rich ``Text`` a screen of new
        rows (a filter keystroke, ``G``) costs about four times as much. The rows look
        exactly as that ``Text`` rendered them (``tests/test_list_rows.py``)."""
        article = self.articles[index]
        title_width, date_width, tags_width = self._columns()
        marker, state_style, progress = self.decorate(article)
        row = [Segment((marker or " ")[:1])]
        if article.draft:
            # One piece as Rich assembled it: the text after a cut has no style of its own.
            row += _fitted([("[draft] ", DRAFT), (article.title, state_style)], title_width)
        else:
            row += _fitted([(article.title, state_style)], title_width, state_style)
        row.append(_SPACE)
        if date_width:
            row += (Segment(format_date(article).ljust(date_width), DIM), _SPACE)
        if tags_width:
            row += _fitted([(", ".join(article.tags), TAGS)], tags_width, TAGS)
            row.append(_SPACE)
        minutes = "… min" if article.pending else f"{self.minutes(article)} min"
        row.append(Segment(" " * max(0, TIME_WIDTH - 2 - len(minutes) - len(progress))))
        if progress:
            row.append(Segment(progress, PROGRESS))
        row.append(Segment(" " + minutes))
        return row


_SPACE = Segment(" ")


def _fitted(
    pieces: list[tuple[str, Style | None]], width: int, whole: Style | None = None
) -> list[Segment]:
    """Styled pieces of one cell of ``width`` cells, as Rich's ``Text.truncate`` (ellipsis,
    padded) leaves them: cut to one cell less and "…" added when too long, padded with
    spaces when too short. Each character keeps its piece's style; what a cut or the
    padding adds beyond the pieces gets ``whole`` (the style of the whole cell)."""
    plain = "".join(text for text, _ in pieces)
    length = cell_len(plain)
    if length > width:
        plain = set_cell_size(plain, width - 1) + "…"
    elif length < width:
        plain += " " * (width - length)
    segments = []
    start = 0
    for text, style in pieces:
        end = min(start + len(text), len(plain))
        if end > start:
            segments.append(Segment(plain[start:end], _join(whole, style)))
        start = end
    if start < len(plain):
        segments.append(Segment(plain[start:], whole))
    return segments


def _join(whole: Style | None, style: Style | None) -> Style | None:
    if whole is None:
        return style
    return whole if style is None or style is whole else whole + style
