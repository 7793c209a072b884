"""The reading layout (issue 20): a comfortable measure, a list that gives way while you
read, focus mode, tables and code that lose no text, pop-ups with their own keys, toasts
clear of the status line, and a resume toast that agrees with the status line. Pilot over
small files of our own, at the sizes people use."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.widget import Widget

from tests.pilot_wait import settle, wait_until
from tests.test_app import articles, document, screen_rows, shown, text_of
from tui_reader.core.config import load_config
from tui_reader.ui.app import ReaderApp
from tui_reader.ui.widgets.key_footer import KeyFooter
from tui_reader.ui.widgets.page import MEASURE, page_for

WIDE = (160, 48)
NARROW = (80, 24)
# 72 characters: at 160x48 it sits on one line.
SENTENCE = "A sentence of exactly seventy-two characters sits on one line, unbroken."
PROSE = " ".join(
    f"Word{n} of the running text, written to fill several lines of the article." for n in range(12)
)
TABLE = (
    "| Field | RSS 2.0 | Atom 1.0 | JSON Feed 1.1 | Notes |\n|---|---|---|---|---|\n"
    "| Published | `<publishedDateOfTheItem>` | content_html_of_the_entry | date_published_iso"
    " | the longest cell of this table by far |\n"
    "| Updated | lastBuildDate | updated | date_modified | — |\n"
)
LONG_CODE = "x = " + " + ".join(f"value_{n}" for n in range(30))


def write_post(folder: Path, name: str, title: str, body: str) -> Path:
    path = folder / name
    path.write_text(f"---\ntitle: {title}\ndate: 2024-01-0{len(name) % 9 + 1}\n---\n{body}\n")
    return path


@pytest.fixture
def library(tmp_path: Path) -> Path:
    headings = "\n\n".join(f"## Part {n}\n\n{PROSE}" for n in range(1, 6))
    measure = f"{SENTENCE}\n\n{PROSE}\n\n{headings}"
    write_post(tmp_path, "measure.md", "Measure\ntags: [layout]", measure)
    write_post(tmp_path, "table.md", "Table", f"Before the table.\n\n{TABLE}\nAfter it.")
    write_post(tmp_path, "code.md", "Code", f"Some code:\n\n```python\n{LONG_CODE}\n```\n")
    long_text = "\n\n".join(f"## Section {n}\n\n{PROSE}" for n in range(40))
    write_post(tmp_path, "long.md", "Long", long_text)
    return tmp_path


async def open_titled(app: ReaderApp, pilot, title: str) -> None:
    titles = [article.title for article in articles(app).articles]
    await pilot.press("g", *["j"] * titles.index(title), "enter")
    await settle(app, pilot)
    await wait_until(pilot, lambda: title in text_of(app, "#article-header"))


def text_lines(app: ReaderApp) -> list[str]:
    return [line.rstrip() for line in screen_rows(document(app))]


def width_of(app: ReaderApp, selector: str) -> int:
    widget: Widget = app.query_one(selector)
    return widget.region.width if shown(app, selector) else 0


# --- the measure ---------------------------------------------------------------------


def test_the_page_centres_a_measure_of_text_in_a_wide_pane() -> None:
    page = page_for(120)
    assert page.text == MEASURE
    assert page.left - 1 == 120 - 2 - MEASURE - (page.left - 1)  # equal margins
    assert page_for(50).text == 48 and page_for(50).left == 1  # narrow: all the width


async def test_at_160x48_a_72_character_sentence_sits_on_one_centred_line(library: Path) -> None:
    app = ReaderApp([str(library)])
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        await open_titled(app, pilot, "Measure")
        lines = text_lines(app)
        assert any(line.strip() == SENTENCE for line in lines), lines[:4]
        longest = max(len(line.strip()) for line in lines)
        assert 60 <= longest <= MEASURE
        # Centred: the text starts past a margin, and as far from the pane's right edge.
        region = document(app).scrollable_content_region.width
        left = min(len(line) - len(line.lstrip()) for line in lines if line.strip())
        assert left > 1
        assert abs((region - MEASURE - left) - left) <= 1, (region, left)


async def test_at_80x24_nothing_of_the_text_is_lost(library: Path) -> None:
    app = ReaderApp([str(library)])
    async with app.run_test(size=NARROW) as pilot:
        await settle(app, pilot)
        await open_titled(app, pilot, "Measure")
        shown_words = " ".join(" ".join(text_lines(app)).split())
        assert SENTENCE in shown_words
        region = document(app).scrollable_content_region.width
        assert all(len(line) <= region for line in text_lines(app))


# --- the list gives way; focus mode ----------------------------------------------------


async def test_at_160_the_list_narrows_while_you_read_and_widens_on_esc(library: Path) -> None:
    app = ReaderApp([str(library)])
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        browsing = width_of(app, "#list-pane")
        await open_titled(app, pilot, "Measure")
        reading = width_of(app, "#list-pane")
        assert 0 < reading < browsing
        rows = screen_rows(articles(app))
        assert any("Measure" in row and "min" in row for row in rows)  # titles and times
        await pilot.press("escape")
        await settle(app, pilot)
        assert width_of(app, "#list-pane") > reading
        assert shown(app, "#reader-pane")  # the article stays in view beside the list


async def test_below_140_columns_the_panes_take_turns_while_you_read(library: Path) -> None:
    app = ReaderApp([str(library)])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await open_titled(app, pilot, "Measure")
        assert not shown(app, "#list-pane")
        assert width_of(app, "#reader-pane") == 120
        assert any(line.strip() == SENTENCE for line in text_lines(app))
        await pilot.press("escape")
        await settle(app, pilot)
        assert shown(app, "#list-pane") and not shown(app, "#reader-pane")


async def test_z_gives_the_article_the_whole_width_and_esc_still_shows_the_list(
    library: Path,
) -> None:
    app = ReaderApp([str(library)])
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await settle(app, pilot)
        await open_titled(app, pilot, "Measure")
        await pilot.press("z")
        await settle(app, pilot)
        assert not shown(app, "#list-pane")
        assert width_of(app, "#reader-pane") == WIDE[0]
        assert any(line.strip() == SENTENCE for line in text_lines(app))
        await pilot.press("escape")
        await settle(app, pilot)
        assert shown(app, "#list-pane") and not shown(app, "#reader-pane")
        assert width_of(app, "#list-pane") == WIDE[0]
        await pilot.press("enter")  # focus mode stays: the next article is alone too
        await settle(app, pilot)
        assert not shown(app, "#list-pane") and shown(app, "#reader-pane")
        await pilot.press("z")
        await settle(app, pilot)
        assert shown(app, "#list-pane") and shown(app, "#reader-pane")


# --- tables and code -------------------------------------------------------------------


def cell_characters(table: str) -> str:
    cells = [cell for row in table.splitlines()[2:] for cell in row.split("|")]
    header = table.splitlines()[0].split("|")
    return "".join(sorted("".join("".join(cells + header).replace("`", "").split())))


@pytest.mark.parametrize("size", [WIDE, NARROW, (100, 30)])
async def test_a_table_never_loses_the_text_of_a_cell(library: Path, size: tuple[int, int]) -> None:
    app = ReaderApp([str(library)])
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        await open_titled(app, pilot, "Table")
        view = document(app)
        lines: list[str] = []
        for _ in range(10):  # the whole table, a screen at a time
            lines += text_lines(app)
            if view.at_end:
                break
            await pilot.press("space")
            await pilot.pause()
        start = next(i for i, line in enumerate(lines) if "Before the table." in line)
        end = next(i for i, line in enumerate(lines) if "After it." in line)
        drawn = "".join(lines[start + 1 : end])
        assert "…" not in drawn.replace("—", "")
        drawn_cells = "".join(sorted("".join(drawn.replace("─", "").split())))
        assert drawn_cells == cell_characters(TABLE)


async def test_a_wide_table_spreads_past_the_measure_unwrapped(library: Path) -> None:
    app = ReaderApp([str(library)])
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        await open_titled(app, pilot, "Table")
        await pilot.press("z")  # the article alone: wide margins for the table to use
        await settle(app, pilot)
        lines = text_lines(app)
        (published,) = [line for line in lines if "Published" in line]
        assert "the longest cell of this table by far" in published  # one line per row
        assert len(published.strip()) > MEASURE


@pytest.mark.parametrize("size", [WIDE, NARROW])
async def test_a_long_code_line_wraps_and_keeps_every_character(
    library: Path, size: tuple[int, int]
) -> None:
    app = ReaderApp([str(library)])
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        await open_titled(app, pilot, "Code")
        code = "".join("".join(text_lines(app)).split())
        assert "".join(LONG_CODE.split()) in code


# --- pop-ups, toasts and the resume toast ------------------------------------------------


async def footer_of_pop_up(folder: Path, key: str) -> tuple[list[str], str]:
    """The keys on the footer of the pop-up ``key`` opens, and the pop-up's title."""
    app = ReaderApp([str(folder)])
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        await pilot.press(key)
        await wait_until(pilot, lambda: app.screen.query("#picker-title"))
        await pilot.pause()
        title = str(app.screen.query_one("#picker-title").render())
        return app.screen.query_one(KeyFooter).shown_keys, title


async def test_a_pop_up_shows_its_own_keys_in_the_footer(library: Path) -> None:
    keys, _title = await footer_of_pop_up(library, "t")
    assert {"escape", "enter", "x", "space"} <= set(keys)
    assert "q" not in keys and "T" not in keys  # not the main screen's


async def test_the_related_articles_pop_up_says_how_to_open_and_close(tmp_path: Path) -> None:
    for name in ("one.md", "two.md"):
        (tmp_path / name).write_text(f"---\ntitle: {name}\ntags: [shared]\n---\nText.\n")
    keys, title = await footer_of_pop_up(tmp_path, "a")
    assert "⏎ opens" in title and "esc closes" in title
    assert {"enter", "escape"} <= set(keys)


@pytest.mark.parametrize("size", [WIDE, NARROW])
async def test_a_toast_never_covers_the_status_line(library: Path, size: tuple[int, int]) -> None:
    app = ReaderApp([str(library)])
    async with app.run_test(size=size, notifications=True) as pilot:
        await settle(app, pilot)
        await open_titled(app, pilot, "Measure")
        await pilot.press("x")  # no filter to clear: a toast says so
        await wait_until(pilot, lambda: app.screen.query("Toast"))
        await pilot.pause()
        status = app.query_one("#reader-status").region
        for toast in app.screen.query("Toast"):
            assert not toast.region.overlaps(status), (size, toast.region, status)


async def test_resumed_at_says_the_percentage_the_status_line_shows(library: Path) -> None:
    app = ReaderApp([str(library)])
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await settle(app, pilot)
        await open_titled(app, pilot, "Long")
        await pilot.press(*["space"] * 6)
        await pilot.pause()
        await pilot.press("escape")
        await open_titled(app, pilot, "Measure")
        await pilot.press("escape")
        await open_titled(app, pilot, "Long")
        await wait_until(
            pilot, lambda: any("Resumed" in str(t.render()) for t in app.screen.query("Toast"))
        )
        toasts = [str(toast.render()) for toast in app.screen.query("Toast")]
        said = next(toast for toast in toasts if "Resumed" in toast)
        toast_percent = re.search(r"Resumed at (\d+)%", said)
        status_percent = re.match(r"\s*(\d+)%", text_of(app, "#reader-status"))
        assert toast_percent and status_percent
        assert toast_percent.group(1) == status_percent.group(1)
        assert 0 < int(toast_percent.group(1)) < 100


async def test_the_configs_measure_sets_the_texts_width(library: Path, tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("measure = 60\n", encoding="utf-8")
    assert load_config(config).measure == 60
    config.write_text("measure = 5\n", encoding="utf-8")
    assert load_config(config).errors  # out of range: said, and the default kept
    app = ReaderApp([str(library)], measure=60)
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        await open_titled(app, pilot, "Measure")
        longest = max(len(line.strip()) for line in text_lines(app))
        assert 50 <= longest <= 60
