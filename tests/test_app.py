"""The interface, driven with Textual's Pilot over the sample content.

Each test starts the real app on ``sample_content``, waits for loading to finish, presses
keys, and checks what a user would see: rows, the header, the table of contents, the
status line, which pane is shown.
"""

from __future__ import annotations

import gc
import json
import re
import threading
import time
import webbrowser
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from textual import events
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Input, OptionList, SelectionList, Static

from tests.pilot_wait import settle, wait_until
from tui_reader.ui.app import ReaderApp
from tui_reader.ui.screens.help import HelpScreen
from tui_reader.ui.screens.pickers import TagPicker
from tui_reader.ui.widgets.article_list import ArticleList
from tui_reader.ui.widgets.document_view import DocumentView
from tui_reader.ui.widgets.key_footer import KeyFooter
from tui_reader.ui.widgets.toc import TocList

GUIDE = "guides/field-guide.md"


# --- helpers ------------------------------------------------------------------------------


@asynccontextmanager
async def running(
    sample_content: Path, size: tuple[int, int] = (140, 40), notifications: bool = False
) -> AsyncIterator[tuple[ReaderApp, Pilot]]:
    app = ReaderApp([str(sample_content)])
    async with app.run_test(size=size, notifications=notifications) as pilot:
        await settle(app, pilot)
        yield app, pilot


def plain(content: object) -> str:
    return getattr(content, "plain", str(content))


def text_of(app: ReaderApp, selector: str) -> str:
    return plain(app.query_one(selector, Static).content)


def widget_text(widget: Widget) -> str:
    """Everything a widget draws, as plain text."""
    width, height = widget.size
    return "\n".join(strip.text for strip in widget.render_lines(Region(0, 0, width, height)))


def articles(app: ReaderApp) -> ArticleList:
    return app.query_one("#articles", ArticleList)


def screen_rows(widget: ArticleList | DocumentView) -> list[str]:
    """The lines a widget shows right now."""
    return [widget.render_line(y).text for y in range(widget.scrollable_content_region.height)]


def document(app: ReaderApp) -> DocumentView:
    return app.query_one("#document", DocumentView)


def toc(app: ReaderApp) -> Widget:
    return app.query_one("#toc")


def toc_current(app: ReaderApp) -> int | None:
    """The TOC row the cursor is on (an OptionList says "highlighted", a row list "cursor")."""
    widget = toc(app)
    if isinstance(widget, OptionList):
        return widget.highlighted
    return widget.cursor


def shown(app: ReaderApp, selector: str) -> bool:
    widget = app.query_one(selector)
    return widget.display and widget.region.width > 0 and widget.region.height > 0


async def open_input(app: ReaderApp, pilot: Pilot, input_id: str) -> None:
    """Press / and wait until the input has focus, so typed keys go to it."""
    await pilot.press("slash")
    for _ in range(50):
        if isinstance(app.focused, Input) and app.focused.id == input_id:
            return
        await pilot.pause()
    raise AssertionError(f"/ did not focus #{input_id}; focus is on {app.focused}")


async def open_row(app: ReaderApp, pilot: Pilot, location_suffix: str) -> None:
    """Move the cursor down to an article with j, and open it with Enter."""
    rows = articles(app).articles
    index = next(i for i, a in enumerate(rows) if a.location.endswith(location_suffix))
    await pilot.press("g", *["j"] * index)
    assert articles(app).current is rows[index]
    await pilot.press("enter")
    await settle(app, pilot)


def expected_total(sample_content: Path) -> int:
    """Markdown posts (not section pages) plus the entries of the feed files, counted raw."""
    markdown = [
        p
        for p in sample_content.rglob("*")
        if p.suffix in (".md", ".markdown") and p.name != "_index.md"
    ]
    feeds = sample_content / "feeds"
    entries = len(json.loads((feeds / "kitchen-notes.json").read_text("utf-8"))["items"])
    entries += (feeds / "terminal-weekly.rss").read_text("utf-8").count("<item>")
    entries += (feeds / "slow-travel.atom").read_text("utf-8").count("<entry>")
    return len(markdown) + entries


def guide_body(sample_content: Path) -> str:
    text = (sample_content / GUIDE).read_text("utf-8")
    return text.split("\n---\n", 1)[1]


def guide_headings(sample_content: Path) -> list[str]:
    """Heading texts of the guide: '#' lines outside code fences (the guide has no setext)."""
    found, fenced = [], False
    for line in guide_body(sample_content).split("\n"):
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and re.match(r"#{1,6} ", line):
            found.append(line.lstrip("#").strip())
    return found


def toc_labels(app: ReaderApp) -> list[str]:
    """The rows the TOC draws (the terminal must be tall enough to show them all)."""
    lines = widget_text(toc(app)).split("\n")
    return [line.strip(" │▏▕┃") for line in lines if line.strip(" │▏▕┃")]


def top_line(app: ReaderApp) -> str:
    return next(line for line in screen_rows(document(app)) if line.strip())


# --- the list -----------------------------------------------------------------------------


async def test_list_shows_every_article(sample_content: Path) -> None:
    async with running(sample_content) as (app, _pilot):
        total = expected_total(sample_content)
        assert len(articles(app).articles) == total
        assert f"{total} of {total}" in text_of(app, "#filter-bar")
        on_screen = "\n".join(screen_rows(articles(app)))
        for article in articles(app).articles:
            assert article.title[:20] in on_screen
        assert "Posts" not in [a.title for a in articles(app).articles]  # _index.md


async def test_articles_added_in_a_quick_burst_all_reach_the_list(sample_content: Path) -> None:
    # A refresh of many feeds adds their entries feed after feed, often within the
    # quarter second in which the list is rebuilt once; the last ones must show without
    # waiting for some other key.
    from tui_reader.core.article import Article

    def batch(name: str, count: int) -> list[Article]:
        url = f"https://example.org/{name}.xml"
        return [
            Article(key=f"feed:{url}::{n}", title=f"{name} {n}", kind="feed", source=url)
            for n in range(count)
        ]

    async with running(sample_content) as (app, pilot):
        before = len(articles(app).articles)
        app.add_articles(batch("first", 600))
        app.add_articles(batch("second", 3))  # inside the same quarter second
        app.add_articles(batch("third", 2))
        await wait_until(pilot, lambda: len(articles(app).articles) == before + 605)
        assert f"{before + 605} of {before + 605}" in text_of(app, "#filter-bar")
        titles = {a.title for a in articles(app).articles}
        assert {"second 2", "third 1"} <= titles


async def test_tag_picker_keeps_only_tagged_articles_and_x_clears(sample_content: Path) -> None:
    async with running(sample_content) as (app, pilot):
        everything = list(articles(app).articles)
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, TagPicker)
        tags = app.screen.query_one("#tag-list", SelectionList)
        values = [tags.get_option_at_index(i).value for i in range(tags.option_count)]
        assert "japan" in values
        await pilot.press(*["down"] * values.index("japan"), "space", "enter")
        await pilot.pause()
        assert not isinstance(app.screen, TagPicker)

        expected = {a.key for a in everything if "japan" in {t.casefold() for t in a.tags}}
        assert {a.key for a in articles(app).articles} == expected
        assert 0 < len(expected) < len(everything)
        bar = text_of(app, "#filter-bar")
        assert "japan" in bar
        assert f"{len(expected)} of {len(everything)}" in bar
        on_screen = "\n".join(screen_rows(articles(app)))
        assert "Small Rust Tools" not in on_screen

        await pilot.press("x")
        await pilot.pause()
        assert len(articles(app).articles) == len(everything)
        assert "japan" not in text_of(app, "#filter-bar")


async def test_space_right_after_the_picker_opens_chooses_the_first_tag(
    sample_content: Path,
) -> None:
    async with running(sample_content) as (app, pilot):
        first = app.library.tag_counts()[0][0]
        await pilot.press("t", "space", "enter")  # no pause: keys as fast as a user types
        await pilot.pause()
        assert not isinstance(app.screen, TagPicker)
        assert app.main.list.filter.tags == frozenset({first.casefold()})
        assert first in text_of(app, "#filter-bar")


async def test_two_tags_keep_articles_with_both(sample_content: Path) -> None:
    async with running(sample_content) as (app, pilot):
        everything = list(articles(app).articles)
        await pilot.press("t")
        await pilot.pause()
        tags = app.screen.query_one("#tag-list", SelectionList)
        values = [tags.get_option_at_index(i).value for i in range(tags.option_count)]
        first, second = sorted([values.index("japan"), values.index("cooking")])
        await pilot.press(*["down"] * first, "space", *["down"] * (second - first), "space")
        await pilot.press("enter")
        await pilot.pause()
        expected = {
            a.key for a in everything if {"japan", "cooking"} <= {t.casefold() for t in a.tags}
        }
        assert expected
        assert {a.key for a in articles(app).articles} == expected
        bar = text_of(app, "#filter-bar")
        assert "japan" in bar and "cooking" in bar


async def test_backspace_after_a_burst_of_typing_deletes_one_letter(sample_content: Path) -> None:
    # "/rust" typed in one burst: the letters arrive before the field has focus. When
    # the focus came, Textual's Input selected the whole text, and backspace then
    # cleared the field instead of deleting a letter.
    async with running(sample_content) as (app, pilot):
        field = app.query_one("#filter-input", Input)
        # Posted at once, as a terminal delivers a burst (Pilot's press waits per key).
        for key, character in [("slash", "/"), ("r", "r"), ("u", "u"), ("s", "s"), ("t", "t")]:
            app.post_message(events.Key(key, character))
        await wait_until(pilot, lambda: field.has_focus and field.value == "rust")
        await pilot.press("backspace")
        await pilot.pause()
        assert field.value == "rus"


async def test_typing_into_a_reopened_filter_replaces_it(sample_content: Path) -> None:
    async with running(sample_content) as (app, pilot):
        field = app.query_one("#filter-input", Input)
        await open_input(app, pilot, "filter-input")
        await pilot.press(*"rust", "enter")
        await pilot.pause()
        await open_input(app, pilot, "filter-input")
        await pilot.press(*"go")
        await pilot.pause()
        assert field.value == "go"


async def test_filter_narrows_the_list_as_you_type(sample_content: Path) -> None:
    async with running(sample_content) as (app, pilot):
        everything = list(articles(app).articles)
        await open_input(app, pilot, "filter-input")
        counts = []
        for key in "rust":
            await pilot.press(key)
            await pilot.pause()
            counts.append(len(articles(app).articles))
        assert counts == sorted(counts, reverse=True)

        def matches(article) -> bool:
            haystack = " ".join(
                [article.title, *article.tags, article.author, article.summary, article.feed_title]
            ).casefold()
            return "rust" in haystack

        expected = [a.key for a in everything if matches(a)]
        assert [a.key for a in articles(app).articles] == expected
        assert 0 < len(expected) < len(everything)
        assert "rust" in text_of(app, "#filter-bar")

        await pilot.press("escape")
        await pilot.pause()
        assert len(articles(app).articles) == len(everything)
        assert isinstance(app.focused, ArticleList)


# --- reading ------------------------------------------------------------------------------


async def test_enter_opens_the_highlighted_article(sample_content: Path) -> None:
    async with running(sample_content) as (app, pilot):
        assert not shown(app, "#document")
        await pilot.press("j")
        chosen = articles(app).current
        await pilot.press("enter")
        await settle(app, pilot)
        assert document(app).document is not None
        header = text_of(app, "#article-header")
        assert chosen.title in header
        assert re.search(r"\d+ min read", header)
        assert shown(app, "#document")
        assert isinstance(app.focused, DocumentView)


async def test_opened_article_shows_its_text_without_markup(sample_content: Path) -> None:
    async with running(sample_content) as (app, pilot):
        await open_row(app, pilot, GUIDE)
        assert "A Field Guide to Reading in the Terminal" in text_of(app, "#article-header")
        visible = " ".join(" ".join(screen_rows(document(app))).split())
        assert "For about three years I have done most of my reading" in visible
        assert "*tolerating*" not in visible and "tolerating" in visible
        assert "<!--more-->" not in visible


async def test_toc_lists_every_heading(sample_content: Path) -> None:
    async with running(sample_content, size=(140, 60)) as (app, pilot):
        await open_row(app, pilot, GUIDE)
        expected = guide_headings(sample_content)
        assert len(expected) > 30
        labels = toc_labels(app)
        assert len(labels) == len(expected)
        for label, heading in zip(labels, expected, strict=True):
            # Long headings are cut to the width of the pane.
            shown_part = label.rstrip("…").rstrip()
            assert heading.startswith(shown_part)
            assert len(shown_part) >= min(len(heading), 20)
        assert shown(app, "#toc")


async def test_toc_enter_jumps_to_the_heading(sample_content: Path) -> None:
    async with running(sample_content) as (app, pilot):
        await open_row(app, pilot, GUIDE)
        await pilot.press("tab")
        await pilot.pause()
        assert app.focused is toc(app)
        await pilot.press("g", "j", "j", "j", "down")
        assert toc_current(app) == 4
        await pilot.press("enter")
        await pilot.pause()
        view = document(app)
        assert view.top_section == view.document.heading_sections[4]
        assert guide_headings(sample_content)[4] in top_line(app)
        assert app.focused is view


async def test_a_key_right_after_a_contents_jump_goes_to_the_article(
    sample_content: Path,
) -> None:
    """The focus moves to the article a frame after the jump's text is drawn; a key that
    comes before that frame must still reach the article, not the contents list."""
    async with running(sample_content) as (app, pilot):
        await open_row(app, pilot, GUIDE)
        await pilot.press("tab")
        await pilot.pause()
        await pilot.press("g", "j", "j", "j", "down")
        assert toc_current(app) == 4
        view = document(app)
        contents = toc(app)
        # The jump, then j before any frame is drawn (both queued at once).
        pane = app.query_one("#reader-pane")  # where the contents list's choice is handled
        pane.post_message(TocList.Chosen(contents, 4))
        app.post_message(events.Key("j", "j"))
        await pilot.pause()
        await pilot.pause()
        assert app.focused is view
        heading_top = view.section_heights.offsets[view.document.heading_sections[4]]
        assert round(view.scroll_y) == heading_top + 1  # j scrolled the article a line
        assert toc_current(app) == 4  # and did not move the contents cursor


async def test_bracket_keys_move_to_next_and_previous_heading(sample_content: Path) -> None:
    async with running(sample_content) as (app, pilot):
        await open_row(app, pilot, GUIDE)
        names = guide_headings(sample_content)
        view = document(app)
        assert names[0] not in top_line(app)  # the article starts with a preamble
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert view.top_section == view.document.heading_sections[0]
        assert names[0] in top_line(app)
        await pilot.press("right_square_bracket", "right_square_bracket")
        await pilot.pause()
        assert names[2] in top_line(app)
        assert toc_current(app) == 2
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert names[1] in top_line(app)
        assert toc_current(app) == 1


async def test_scrolling_moves_the_toc_highlight(sample_content: Path) -> None:
    async with running(sample_content) as (app, pilot):
        await open_row(app, pilot, GUIDE)
        view = document(app)
        names = guide_headings(sample_content)
        seen = []
        for _ in range(12):
            await pilot.press("space")
            await pilot.pause()
            highlighted = toc_current(app)
            if highlighted is None:
                continue
            seen.append(highlighted)
            assert highlighted == view.document.heading_for_section(view.top_section)
            # Had the next heading reached the top of the view, it would be the current one.
            if highlighted + 1 < len(names):
                next_heading = re.escape(names[highlighted + 1])
                first_row = screen_rows(view)[0].strip()
                assert not re.fullmatch(rf"#+ {next_heading}", first_row)
        assert seen == sorted(seen)
        assert seen[-1] >= 5
        await pilot.press("g")
        await pilot.pause()
        assert view.top_section == 0
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert toc_current(app) == 0


async def test_find_in_article_counts_steps_and_wraps(sample_content: Path) -> None:
    async with running(sample_content) as (app, pilot):
        await open_row(app, pilot, GUIDE)
        # "monospace" is in the heading "Picking a monospace font" and in "monospaced".
        total = guide_body(sample_content).lower().count("monospace")
        assert total == 2
        await open_input(app, pilot, "find-input")
        await pilot.press(*"monospace", "enter")
        await pilot.pause()
        assert isinstance(app.focused, DocumentView)
        status = text_of(app, "#reader-status")
        match = re.search(r"(\d+)/(\d+)", status)
        assert match, status
        k = int(match.group(1))
        assert int(match.group(2)) == total and 1 <= k <= total
        visible = "\n".join(screen_rows(document(app))).lower()
        assert "monospace" in visible

        for _ in range(total + 1):  # n goes forward and wraps after the last match
            await pilot.press("n")
            await pilot.pause()
            k = k % total + 1
            assert f"{k}/{total}" in text_of(app, "#reader-status")
        for _ in range(total + 1):  # N goes back and wraps before the first
            await pilot.press("N")
            await pilot.pause()
            k = (k - 2) % total + 1
            assert f"{k}/{total}" in text_of(app, "#reader-status")

        await pilot.press("escape")
        await pilot.pause()
        assert "monospace" not in text_of(app, "#reader-status")
        assert not shown(app, "#find-input")
        assert isinstance(app.focused, DocumentView)


async def test_find_with_no_match_says_not_found(sample_content: Path) -> None:
    async with running(sample_content) as (app, pilot):
        await open_row(app, pilot, GUIDE)
        await open_input(app, pilot, "find-input")
        await pilot.press(*"zebracorn", "enter")
        await pilot.pause()
        assert "not found" in text_of(app, "#reader-status")


async def test_find_counts_only_text_the_reader_shows(sample_content: Path) -> None:
    async with running(sample_content) as (app, pilot):
        await open_row(app, pilot, GUIDE)
        # In the guide "firehose" is in one heading and two link texts (3 shown), and in
        # the URL "#feeds-the-quiet-firehose" of both links (not shown).
        await open_input(app, pilot, "find-input")
        await pilot.press(*"firehose", "enter")
        await pilot.pause()
        assert "/3" in text_of(app, "#reader-status")


async def test_question_mark_opens_help(sample_content: Path) -> None:
    async with running(sample_content) as (app, pilot):
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        help_text = widget_text(app.screen.query_one("#help-text", Static))
        assert "next / previous heading" in help_text
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


async def test_the_footer_shows_the_keys_of_the_pane_in_use_and_a_click_presses_one(
    sample_content: Path,
) -> None:
    async with running(sample_content) as (app, pilot):
        footer = app.query_one(KeyFooter)
        line = widget_text(footer)
        assert "⏎ Open" in line and "/ Filter" in line and "? Help" in line
        assert line.rstrip().endswith("^p palette")
        assert "Next heading" not in line
        await pilot.press("enter")  # reading: the document's keys come first
        await wait_until(pilot, lambda: "Next heading" in widget_text(footer))
        assert widget_text(footer).lstrip().startswith("] Next heading  [ Prev heading")
        help_at = widget_text(footer).index("? Help")
        await pilot.click(KeyFooter, offset=(help_at + 1, 0))
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)


async def test_the_pane_with_the_focus_is_highlighted(sample_content: Path) -> None:
    async with running(sample_content) as (app, pilot):
        list_pane, reader_pane = app.query_one("#list-pane"), app.query_one("#reader-pane")
        assert list_pane.has_class("-active") and not reader_pane.has_class("-active")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.query_one(DocumentView).has_focus)
        assert reader_pane.has_class("-active") and not list_pane.has_class("-active")
        await pilot.press("slash")  # the find field is in the reading pane too
        await wait_until(pilot, lambda: isinstance(app.focused, Input))
        assert reader_pane.has_class("-active")
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.query_one(DocumentView).has_focus)
        await pilot.press("tab")
        await wait_until(pilot, lambda: articles(app).has_focus)
        assert list_pane.has_class("-active") and not reader_pane.has_class("-active")


async def test_the_collector_turned_off_for_the_start_runs_again_once_the_screen_is_out(
    sample_content: Path,
) -> None:
    # The command line turns Python's collector off while it starts; were it never
    # turned on again, a long session's garbage cycles would pile up.
    gc.disable()
    try:
        async with running(sample_content) as (_app, _pilot):
            assert gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()


async def test_narrow_terminal_shows_one_pane_at_a_time(sample_content: Path) -> None:
    async with running(sample_content, size=(80, 24)) as (app, pilot):
        assert shown(app, "#list-pane")
        assert not shown(app, "#reader-pane")
        await pilot.press("enter")
        await settle(app, pilot)
        assert not shown(app, "#list-pane")
        assert shown(app, "#reader-pane")
        assert "min read" in text_of(app, "#article-header")
        await pilot.press("escape")
        await pilot.pause()
        assert shown(app, "#list-pane")
        assert not shown(app, "#reader-pane")
        assert isinstance(app.focused, ArticleList)


# --- links --------------------------------------------------------------------------------


async def test_relative_markdown_link_opens_the_other_article(sample_content: Path) -> None:
    async with running(sample_content) as (app, pilot):
        await open_row(app, pilot, GUIDE)
        document(app).post_message(DocumentView.LinkClicked("../posts/feeds-without-algorithms.md"))
        await settle(app, pilot)
        assert "Feeds Without Algorithms" in text_of(app, "#article-header")
        visible = " ".join(" ".join(screen_rows(document(app))).split())
        assert "the things I read online were chosen for me" in visible


async def test_anchor_link_from_the_link_list_jumps_to_its_heading(sample_content: Path) -> None:
    async with running(sample_content) as (app, pilot):
        await open_row(app, pilot, GUIDE)
        # The guide's first link is [Keyboard habits](#keyboard-habits).
        await pilot.press("l")
        await pilot.pause()
        links = app.screen.query_one("#link-list", OptionList)
        assert "#keyboard-habits" in plain(links.get_option_at_index(0).prompt)
        if links.highlighted is None:
            await pilot.press("down")
        await pilot.press("enter")
        await pilot.pause()
        assert "Keyboard habits" in top_line(app)
        assert "A Field Guide" in text_of(app, "#article-header")
        names = guide_headings(sample_content)
        assert toc_current(app) == names.index("Keyboard habits")


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        "JavaScript:alert(document.cookie)",
        "file:///etc/passwd",
        "data:text/html,<script>alert(1)</script>",
    ],
)
async def test_unsafe_links_are_refused_and_nothing_opens(
    sample_content: Path, monkeypatch: pytest.MonkeyPatch, href: str
) -> None:
    opened: list[str] = []
    monkeypatch.setattr(webbrowser, "open", lambda url, *a, **k: opened.append(url))
    async with running(sample_content, notifications=True) as (app, pilot):
        await open_row(app, pilot, GUIDE)
        before = app.main.article
        base_screen = app.screen
        app.main.follow(href)
        await settle(app, pilot)
        assert app.screen is base_screen, "no confirmation, no picker, nothing"
        assert app.main.article is before
        assert opened == []
        toasts = [plain(toast.render()) for toast in app.screen.query("Toast")]
        assert any("never opened" in toast for toast in toasts), toasts


async def test_link_to_a_non_markdown_file_is_refused(sample_content: Path) -> None:
    async with running(sample_content, notifications=True) as (app, pilot):
        await open_row(app, pilot, "ramen-at-home/index.md")
        before = app.main.article
        app.main.follow("notes.txt")
        await settle(app, pilot)
        assert app.main.article is before
        toasts = [plain(toast.render()) for toast in app.screen.query("Toast")]
        assert any("not a Markdown file" in toast for toast in toasts), toasts


async def test_web_link_asks_before_opening(
    sample_content: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    monkeypatch.setattr(webbrowser, "open", lambda url, *a, **k: opened.append(url))
    async with running(sample_content) as (app, pilot):
        await open_row(app, pilot, GUIDE)
        base_screen = app.screen
        app.main.follow("https://example.com/page")
        await pilot.pause()
        assert app.screen is not base_screen
        assert "https://example.com/page" in plain(
            app.screen.query_one("#confirm-url", Static).content
        )
        await pilot.press("n")
        await settle(app, pilot)
        assert app.screen is base_screen
        assert opened == []


async def test_the_read_timer_firing_during_shutdown_does_not_crash(
    sample_content: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An article open for a moment counts as read, by a timer. When the user quits just as
    # it fires, the list is already gone: the timer must not raise (CI once failed on this).
    monkeypatch.setattr("tui_reader.ui.screens.main.READ_AFTER_SECONDS", 1.5)
    async with running(sample_content) as (app, pilot):
        await open_row(app, pilot, GUIDE)
        assert not app.state.is_read(app.main.article.key)  # the timer has not fired yet
        await app.query_one("#main").remove()  # what shutdown does first
        await pilot.pause(2.0)
        assert app._exception is None
        assert app.state.is_read(app.main.article.key)  # and the article still counts as read


def test_every_module_the_warm_up_names_exists() -> None:
    # The warm-up skips a name it cannot import (a dependency may move its inner
    # modules), so a misspelt or moved name would quietly warm nothing: check them all.
    from importlib.util import find_spec

    from tui_reader.ui.warmup import WARM_UP_MODULES

    assert [name for name in WARM_UP_MODULES if find_spec(name) is None] == []


async def test_the_warm_up_waits_while_keys_come(sample_content: Path) -> None:
    async with running(sample_content) as (app, pilot):
        before = app.warm_up.last_key
        await pilot.press("j")
        assert app.warm_up.last_key > before  # a key is noted as it comes
        app.warm_up.last_key = time.monotonic() + 3600  # as if keys came for the next hour
        waited = threading.Event()
        done = threading.Event()

        def warm() -> None:
            waited.set()
            app.warm_up.give_way()
            done.set()

        threading.Thread(target=warm, daemon=True).start()
        waited.wait(5)
        await pilot.pause(0.3)
        assert not done.is_set()  # still giving way
        app.warm_up.last_key = 0.0  # the keys stopped long ago
        assert done.wait(5)
