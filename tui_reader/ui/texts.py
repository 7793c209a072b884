"""Rich ``Text`` for the bars of the main screen, built from data without markup parsing."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text

from tui_reader.core.article import Article, shown_date
from tui_reader.core.library import Filter

DIM = Style(dim=True)
ACCENT = Style(color="cyan")


def article_header(article: Article, minutes: int) -> Text:
    """Title on the first line; author, date, tags and read time on the second."""
    text = Text(no_wrap=False)
    if article.draft:
        text.append("[draft] ", style=Style(color="yellow", bold=True))
    text.append(article.title, style=Style(bold=True))
    text.append("\n")
    parts: list[Text] = []
    if article.author:
        parts.append(Text(article.author, style=Style(italic=True)))
    parts.append(Text(shown_date(article.date, "date unknown")))
    parts.append(Text(f"{minutes} min read", style=Style(bold=True)))
    if article.tags:
        parts.append(Text(" ".join(f"#{tag}" for tag in article.tags), style=ACCENT))
    if article.feed_title:
        parts.append(Text(article.feed_title, style=DIM))
    text.append_text(Text(" · ", style=DIM).join(parts))
    for warning in article.warnings:
        text.append("\n⚠ ", style=Style(color="yellow"))
        text.append(warning, style=Style(color="yellow"))
    return text


def shown_percent(fraction: float, at_end: bool) -> int:
    """The position as the status line gives it: 100 only at the real end."""
    return 100 if at_end else int(fraction * 100)


def reading_status(fraction: float, minutes: int, at_end: bool, find: str = "") -> Text:
    """Where you are, and how long is left."""
    percent = shown_percent(fraction, at_end)
    left = 0 if at_end else max(0, round(minutes * (1 - fraction) + 0.49))
    text = Text(style=DIM)
    text.append(f"{percent}%")
    text.append(" · ")
    if at_end:
        text.append("finished", style=Style(bold=True, dim=False))
        text.append(f" · {minutes} min read")
    else:
        text.append(f"{left} min left", style=Style(bold=True, dim=False))
        text.append(f" of {minutes} min")
    if find:
        text.append("   ")
        text.append(find, style=Style(color="yellow", dim=False))
    return text


def filter_bar(
    query: Filter,
    spelled_tags: list[str],
    shown: int,
    total: int,
    sort: str,
    loading: bool,
    measuring: bool = False,
) -> Text:
    """The chosen tags and filters, always visible above the list."""
    text = Text(no_wrap=True, overflow="ellipsis")
    if spelled_tags:
        text.append("tags: ", style=DIM)
        text.append(" + ".join(spelled_tags), style=Style(bold=True, color="cyan"))
        text.append("  ")
    if query.text:
        text.append("filter: ", style=DIM)
        text.append(query.text, style=Style(bold=True))
        text.append("  ")
    if query.keys is not None:
        text.append("search: ", style=DIM)
        text.append(query.search, style=Style(bold=True, color="yellow"))
        text.append("  ")
    for flag, label in (
        (query.unread_only, "unread"),
        (query.starred_only, "starred"),
        (query.max_minutes is not None, f"≤ {query.max_minutes} min"),
    ):
        if flag:
            text.append(label, style=Style(bold=True, color="magenta"))
            text.append("  ")
    if not query.active:
        text.append("all articles  ", style=DIM)
    text.append(f"{shown} of {total}", style=Style(bold=True))
    # A full-text search orders the list by its ranking, whatever the sort says.
    text.append(f" · by {'relevance' if query.keys is not None else sort}", style=DIM)
    if loading:
        text.append(" · loading…", style=Style(color="yellow"))
    elif measuring:
        # Every file is listed; read times and the search index are still being filled.
        text.append(" · measuring read times…", style=Style(color="yellow"))
    return text


def empty_list(query: Filter, spelled_tags: list[str], clear_key: str) -> Text:
    """Why the list is empty: the filters that emptied it, and the key that clears them."""
    if not query.active:
        return Text("no articles in these sources", style=DIM)
    reasons: list[str] = []
    if spelled_tags:
        reasons.append(f"tag{'s' if len(spelled_tags) > 1 else ''} {' + '.join(spelled_tags)}")
    if query.text:
        reasons.append(f"text '{query.text}'")
    if query.keys is not None:
        reasons.append(f"search '{query.search}'")
    if query.unread_only:
        reasons.append("unread only")
    if query.starred_only:
        reasons.append("starred only")
    if query.max_minutes is not None:
        reasons.append(f"≤ {query.max_minutes} min")
    text = Text()
    text.append("no articles match: ", style=DIM)
    text.append(", ".join(reasons), style=Style(bold=True))
    text.append(f" — {clear_key} clears", style=DIM)
    return text


def no_heading(has_headings: bool, step: int) -> str:
    """Why ``]`` or ``[`` did not move."""
    if not has_headings:
        return "This article has no headings."
    return f"No heading {'after' if step > 0 else 'before'} this one."


def no_match(find_text: str, find_key: str) -> str:
    """Why ``n`` or ``N`` did not move."""
    if find_text:
        return f"“{find_text}” is not in this article."
    return f"Nothing to step through: {find_key} finds in the article first."
