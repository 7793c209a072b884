"""SVG snapshots of the screens people see most, at fixed sizes.

Regenerate with ``pytest tests/test_snapshots.py --snapshot-update`` and open the SVGs in
``tests/__snapshots__/test_snapshots/`` before accepting them.

What could vary between runs is pinned: the sample content has fixed dates, the reading
state starts empty (the autouse fixture gives each test fresh folders), and the timer
that marks an open article as read is pushed far into the future, so a slow machine and
a fast one draw the same unread markers.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

import tui_reader.ui.screens.main as app_module
from tests.pilot_wait import settle as settle_app
from tui_reader.ui.app import ReaderApp
from tui_reader.ui.widgets.article_list import ArticleList

WIDE = (120, 36)
NARROW = (80, 24)
LARGE = (160, 48)


@pytest.fixture(autouse=True)
def frozen_read_timer(monkeypatch: pytest.MonkeyPatch) -> None:
    """An open article never turns "read" while a snapshot is being taken."""
    monkeypatch.setattr(app_module, "READ_AFTER_SECONDS", 24 * 3600.0)


async def settle(pilot: Pilot) -> None:
    await settle_app(pilot.app, pilot)


async def open_article(pilot: Pilot, location_suffix: str) -> None:
    rows = pilot.app.query_one("#articles", ArticleList).articles
    index = next(i for i, a in enumerate(rows) if a.location.endswith(location_suffix))
    await pilot.press("g", *["j"] * index, "enter")
    await settle(pilot)


def test_first_screen_lists_every_article(snap_compare, sample_content: Path) -> None:
    async def loaded(pilot: Pilot) -> None:
        await settle(pilot)

    app = ReaderApp([str(sample_content)])
    assert snap_compare(app, terminal_size=WIDE, run_before=loaded)


def test_tag_filter_applied(snap_compare, sample_content: Path) -> None:
    async def filter_japan(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("t")
        await pilot.pause()
        tags = pilot.app.screen.query_one("#tag-list")
        values = [tags.get_option_at_index(i).value for i in range(tags.option_count)]
        await pilot.press(*["down"] * values.index("japan"), "space", "enter")
        await settle(pilot)

    app = ReaderApp([str(sample_content)])
    assert snap_compare(app, terminal_size=WIDE, run_before=filter_japan)


def test_long_article_open_with_table_of_contents(snap_compare, sample_content: Path) -> None:
    async def open_guide(pilot: Pilot) -> None:
        await settle(pilot)
        await open_article(pilot, "guides/field-guide.md")

    app = ReaderApp([str(sample_content)])
    assert snap_compare(app, terminal_size=WIDE, run_before=open_guide)


def test_narrow_terminal_reading_an_article(snap_compare, sample_content: Path) -> None:
    async def open_miso(pilot: Pilot) -> None:
        await settle(pilot)
        await open_article(pilot, "notes/miso-soup-weeknight.md")

    app = ReaderApp([str(sample_content)])
    assert snap_compare(app, terminal_size=NARROW, run_before=open_miso)


def test_reading_layout_at_160x48(snap_compare, sample_content: Path) -> None:
    """The list narrowed to titles beside the article, the text at its measure with
    margins, the contents list on the right (issue 20)."""

    async def open_guide(pilot: Pilot) -> None:
        await settle(pilot)
        await open_article(pilot, "guides/field-guide.md")

    app = ReaderApp([str(sample_content)])
    assert snap_compare(app, terminal_size=LARGE, run_before=open_guide)


def test_reading_a_table_at_80x24(snap_compare, sample_content: Path) -> None:
    """At 80x24 the article has the whole width and a wide table wraps its cells."""

    async def open_cheatsheet(pilot: Pilot) -> None:
        await settle(pilot)
        await open_article(pilot, "notes/rss-atom-json-cheatsheet.md")
        await pilot.press("j", "j", "j", "j")
        await settle(pilot)

    app = ReaderApp([str(sample_content)])
    assert snap_compare(app, terminal_size=NARROW, run_before=open_cheatsheet)


def test_article_with_a_cover_and_a_picture(snap_compare, sample_content: Path) -> None:
    async def open_ramen(pilot: Pilot) -> None:
        from tests.pilot_wait import wait_until
        from tui_reader.ui.widgets.picture_view import PictureView

        await settle(pilot)
        await open_article(pilot, "ramen-at-home/index.md")
        view = pilot.app.query_one(PictureView)
        await wait_until(pilot, lambda: not view.pictures.busy)
        await pilot.pause()

    app = ReaderApp([str(sample_content)], images="halfblock")
    assert snap_compare(app, terminal_size=WIDE, run_before=open_ramen)
