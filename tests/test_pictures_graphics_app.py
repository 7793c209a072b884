"""The app drawing pictures with ``images = "kitty"`` and ``"sixel"`` (Pilot): kitty's
placeholder cells on screen with the image sent once to the terminal, sixel lines painted
where the picture's cells are, following the text as it scrolls; and nothing of the
post (alt text, file name) in what goes to the terminal."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from textual.geometry import Region
from textual.pilot import Pilot

from tests import picture_files as files
from tests.test_pictures_app import reading as open_post
from tests.test_pictures_app import write_post
from tui_reader.core.images import kitty
from tui_reader.ui.pictures.graphics import Placed
from tui_reader.ui.widgets.picture_view import PictureView

SIZE = (120, 40)
ALT = "Red over blue"
BODY = "\n\n".join(
    ["Before the picture.", f"![{ALT}](flag-picture.png)", "After the picture."]
    + [f"Paragraph {n} after it." for n in range(60)]
)


@asynccontextmanager
async def reading(folder: Path, images: str) -> AsyncIterator[tuple[Pilot, PictureView, list[str]]]:
    written: list[str] = []
    async with open_post(folder, images, written=written) as (_app, pilot, view):
        yield pilot, view, written


def lines_of(view: PictureView) -> list[str]:
    return [strip.text for strip in view.render_lines(Region(0, 0, *view.size))]


async def frame(pilot: Pilot, view: PictureView) -> list[Placed]:
    """The sixel lines painted after the next frame the app writes."""
    output = view.pictures.output
    assert output is not None
    output.placed.clear()
    view.refresh()
    await pilot.pause()
    return list(output.placed)


def post(tmp_path: Path) -> Path:
    folder = tmp_path / "bundle"
    folder.mkdir()
    (folder / "flag-picture.png").write_bytes(files.two_colour("PNG", (400, 200)))
    write_post(folder, BODY)
    return tmp_path


async def test_kitty_draws_placeholders_after_sending_the_image_once(tmp_path: Path) -> None:
    async with reading(post(tmp_path), "kitty") as (pilot, view, written):
        lines = lines_of(view)
        rows = [n for n, line in enumerate(lines) if kitty.PLACEHOLDER in line]
        before = next(n for n, line in enumerate(lines) if "Before the picture" in line)
        caption = next(n for n, line in enumerate(lines) if ALT in line)
        assert rows and before < rows[0] and rows[-1] + 1 == caption
        # The image went to the terminal once, placed over as many cells as show.
        transmit = "".join(written)
        ids = set(re.findall(r"a=t,f=100,i=(\d+)", transmit))
        assert len(ids) == 1
        (image_id,) = ids
        placement = re.search(r"a=p,U=1,i=(\d+),c=(\d+),r=(\d+)", transmit)
        assert placement is not None and placement.group(1) == image_id
        assert int(placement.group(3)) == len(rows)
        assert int(placement.group(2)) == lines[rows[0]].count(kitty.PLACEHOLDER)
        # The cells' colour names that image.
        for strip in view.render_lines(Region(0, rows[0], view.size.width, 1)):
            colours = {s.style.color.get_truecolor() for s in strip if kitty.PLACEHOLDER in s.text}
            assert colours == {kitty.id_colour(int(image_id))}
        assert "flag" not in transmit and "Red" not in transmit
        # Scrolling moves the cells like text, and sends nothing again.
        sent = len(written)
        await pilot.press("j", "j", "j")
        await pilot.pause()
        moved = [n for n, line in enumerate(lines_of(view)) if kitty.PLACEHOLDER in line]
        assert moved == [n - 3 for n in rows if n >= 3]
        await pilot.press("G")
        await pilot.pause()
        assert not any(kitty.PLACEHOLDER in line for line in lines_of(view))
        await pilot.press("g")
        await pilot.pause()
        assert [n for n, line in enumerate(lines_of(view)) if kitty.PLACEHOLDER in line] == rows
        assert len(written) == sent


async def test_sixel_paints_each_picture_line_where_its_cells_are(tmp_path: Path) -> None:
    async with reading(post(tmp_path), "sixel") as (pilot, view, written):
        cell_width, cell_height = view.pictures.cell
        placed = await frame(pilot, view)
        lines = lines_of(view)
        caption = next(n for n, line in enumerate(lines) if ALT in line)
        region = view.content_region
        # One image per line of the picture, in the blank lines over its caption.
        assert [p.y - region.y for p in placed] == list(range(caption - len(placed), caption))
        assert all(not lines[p.y - region.y].strip() for p in placed)
        width = placed[0].width
        assert all(p.width == width and p.height <= cell_height for p in placed)
        assert sum(p.height for p in placed) == width // 2  # the picture's own shape
        # Centred in the text's width, as half-block pictures are.
        page = view.page
        columns = -(-width // cell_width)
        assert placed[0].x == region.x + page.left + (page.text - columns) // 2
        # Written after the frame, each at its place, the cursor saved and restored.
        last = written[-1]
        assert last.startswith("\x1b7") and last.endswith("\x1b8")
        moves = re.findall(r"\x1b\[(\d+);(\d+)H\x1bP", last)
        assert [(int(r) - 1, int(c) - 1) for r, c in moves] == [(p.y, p.x) for p in placed]
        assert "flag" not in "".join(written) and "Red" not in "".join(written)
        # A scroll paints them again two rows higher; lines scrolled off are not painted.
        await pilot.press("j", "j")
        moved = await frame(pilot, view)
        assert [p.y for p in moved] == [p.y - 2 for p in placed if p.y - 2 >= region.y]
        await pilot.press("G")
        assert not await frame(pilot, view)
        await pilot.press("g")
        assert await frame(pilot, view) == placed


async def test_sixel_is_not_painted_under_another_screen(tmp_path: Path) -> None:
    async with reading(post(tmp_path), "sixel") as (pilot, view, _written):
        assert await frame(pilot, view)
        await pilot.press("question_mark")
        await pilot.pause()
        assert not await frame(pilot, view)
        await pilot.press("escape")
        await pilot.pause()
        assert await frame(pilot, view)
