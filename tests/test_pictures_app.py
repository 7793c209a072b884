"""Pictures in the running app (Pilot): drawn inline as half-block cells of the image's
colours with the caption under them, the cover under the header, ``i`` for alt text,
remote images from a real server on 127.0.0.1, and hostile images each shown as alt
text with a reason while the app keeps working within its memory bound."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from rich.color import Color
from textual.geometry import Region
from textual.pilot import Pilot
from werkzeug import Response

from tests import picture_files as files
from tests.pilot_wait import settle, wait_until
from tui_reader.core.images.cache import ImageCache
from tui_reader.core.images.load import ImageLoader
from tui_reader.core.limits import MB, Limits
from tui_reader.ui.app import ReaderApp
from tui_reader.ui.widgets.picture_view import PictureView

SIZE = (120, 40)
MEMORY_BOUND = 400 * MB  # the article's bound (README, Benchmarks)
# A fresh reader with an article open peaks at about 75 MB (bench/run.py); the test's own
# process also holds pytest and what earlier tests left, so the pictures' work is
# measured as the peak's growth over the resident size when the article opens, and held
# to what the bound leaves after a fresh reader.
FRESH_READER = 100 * MB


def reset_peak() -> int:
    """Start a new peak (Linux's clear_refs 5) and return the resident size now."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pytest.skip("this kernel does not let a process reset its peak memory")
    return _status_kib("VmRSS") * 1024


def peak_since_reset() -> int:
    return _status_kib("VmHWM") * 1024


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise AssertionError(f"no {field} in /proc/self/status")


def write_post(folder: Path, body: str, front: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    post = folder / "index.md"
    post.write_text(f"---\ntitle: Pictures\ndate: 2024-01-01\n{front}---\n\n{body}\n", "utf-8")
    return post


@asynccontextmanager
async def reading(
    folder: Path,
    images: str = "halfblock",
    limits: Limits | None = None,
    written: list[str] | None = None,
) -> AsyncIterator[tuple[ReaderApp, Pilot, PictureView]]:
    """The first article open, its pictures loaded. ``written`` collects what kitty or
    sixel drawing sends to the terminal (the headless driver writes nowhere)."""
    app = ReaderApp([str(folder)], images=images)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        view = app.query_one(PictureView)
        if limits is not None:
            view.pictures.loader = ImageLoader(ImageCache(folder / ".cache"), limits)
        if written is not None:
            assert view.pictures.output is not None
            view.pictures.output.write = written.append
        await pilot.press("enter")
        await settle(app, pilot)
        await wait_until(pilot, lambda: not view.pictures.busy, tries=1500)
        await pilot.pause()
        yield app, pilot, view


def screen_lines(view: PictureView) -> list[str]:
    return [strip.text for strip in view.render_lines(Region(0, 0, *view.size))]


def half_cells(view: PictureView) -> list[tuple[Color | None, Color | None]]:
    """(top colour, bottom colour) of every half-block cell the view shows."""
    cells = []
    for strip in view.render_lines(Region(0, 0, *view.size)):
        for segment in strip:
            if "▀" in segment.text and segment.style is not None:
                cells.append((segment.style.color, segment.style.bgcolor))
    return cells


def is_near(color: Color | None, rgb: tuple[int, int, int]) -> bool:
    if color is None:
        return False
    triplet = color.get_truecolor()
    return all(abs(a - b) < 40 for a, b in zip(triplet, rgb, strict=True))


async def test_an_image_is_drawn_inline_as_half_blocks_of_its_colours_with_its_caption(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "posts" / "bundle"
    (folder).mkdir(parents=True)
    (folder / "flag.png").write_bytes(files.two_colour("PNG", (40, 20)))
    write_post(folder, "Before the picture.\n\n![Red over blue](flag.png)\n\nAfter the picture.")
    async with reading(tmp_path) as (_app, _pilot, view):
        lines = screen_lines(view)
        text = "\n".join(lines)
        cells = half_cells(view)
        assert cells, text
        assert any(is_near(top, files.RED) and is_near(bottom, files.RED) for top, bottom in cells)
        assert any(
            is_near(top, files.BLUE) and is_near(bottom, files.BLUE) for top, bottom in cells
        )
        # Where the Markdown puts it: between the two paragraphs, the caption under it.
        before = next(i for i, line in enumerate(lines) if "Before the picture" in line)
        first = next(i for i, line in enumerate(lines) if "▀" in line)
        caption = next(i for i, line in enumerate(lines) if "Red over blue" in line)
        after = next(i for i, line in enumerate(lines) if "After the picture" in line)
        assert before < first < caption < after
        assert caption - first == 10  # 20 pixel rows at two a line: its own shape
        assert "[image:" not in text


async def test_i_toggles_between_pictures_and_alt_text(tmp_path: Path) -> None:
    folder = tmp_path / "bundle"
    folder.mkdir()
    (folder / "flag.png").write_bytes(files.two_colour())
    write_post(folder, "![Red over blue](flag.png)")
    async with reading(tmp_path) as (_app, pilot, view):
        assert half_cells(view)
        await pilot.press("i")
        await pilot.pause()
        assert not half_cells(view)
        assert any("[image: Red over blue]" in line for line in screen_lines(view))
        await pilot.press("i")
        await wait_until(pilot, lambda: not view.pictures.busy)
        await pilot.pause()
        assert half_cells(view)


async def test_no_images_shows_alt_text_and_i_says_pictures_are_off(tmp_path: Path) -> None:
    folder = tmp_path / "bundle"
    folder.mkdir()
    (folder / "flag.png").write_bytes(files.two_colour())
    write_post(folder, "![Red over blue](flag.png)")
    async with reading(tmp_path, images="off") as (app, pilot, view):
        assert not half_cells(view)
        assert any("[image: Red over blue]" in line for line in screen_lines(view))
        await pilot.press("i")
        await pilot.pause()
        assert any("Pictures are off" in str(n.message) for n in app._notifications)


async def test_the_front_matter_cover_is_drawn_first_and_site_paths_use_static(
    tmp_path: Path,
) -> None:
    site = tmp_path / "site"
    (site / "static" / "img").mkdir(parents=True)
    (site / "static" / "img" / "wide.png").write_bytes(files.two_colour("PNG", (60, 10)))
    folder = site / "content" / "post"
    folder.mkdir(parents=True)
    (folder / "cover.jpg").write_bytes(files.two_colour("JPEG", (40, 20)))
    front = "cover:\n  image: cover.jpg\n  alt: The cover\n"
    body = "Text first.\n\n## Below\n\nMore text.\n\n## Further\n\n![From static](/img/wide.png)"
    write_post(folder, body + "\n\nA longer article than the screen." * 80, front)
    async with reading(site / "content") as (_app, pilot, view):
        lines = screen_lines(view)
        # The whole cover from the top line down (it came after the text: the view did
        # not scroll to follow the text), its caption under it.
        columns = lines[0].count("▀")
        height = next(i for i, line in enumerate(lines) if "▀" not in line)
        assert columns and height == (round(20 * columns / 40) + 1) // 2, lines[:12]
        assert "The cover" in lines[height]
        cover_caption = next(i for i, line in enumerate(lines) if "The cover" in line)
        text = next(i for i, line in enumerate(lines) if "Text first" in line)
        static_caption = next(i for i, line in enumerate(lines) if "From static" in line)
        assert cover_caption < text < static_caption
        assert "▀" in lines[static_caption - 1]
        await pilot.press("i")
        await pilot.pause()
        assert "[image: The cover]" in screen_lines(view)[0]


@pytest.fixture
def hanging_url() -> Iterator[str]:
    """A server that accepts connections and never answers."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        yield f"http://127.0.0.1:{server.getsockname()[1]}/hangs.png"


async def test_remote_images_come_from_the_server_and_hostile_ones_say_why(
    tmp_path: Path, httpserver: HTTPServer, hanging_url: str
) -> None:
    httpserver.expect_request("/flag.png").respond_with_data(
        files.two_colour(), content_type="image/png"
    )
    httpserver.expect_request("/page.png").respond_with_data(files.HTML, content_type="text/html")

    def hundred_mb(_request: object) -> Response:
        chunk = b"\x89PNG" + b"\x00" * (MB - 4)
        return Response((chunk for _ in range(100)), content_type="image/png")

    httpserver.expect_request("/huge.png").respond_with_handler(hundred_mb)
    folder = tmp_path / "bundle"
    folder.mkdir()
    (folder / "bomb.png").write_bytes(files.bomb())
    (folder / "lies.png").write_bytes(files.png_claiming(3000, 3000))
    (folder / "cut.png").write_bytes(files.truncated())
    (folder / "drawing.svg").write_bytes(files.SVG)
    hostile = {
        "bomb": ("bomb.png", "too many pixels"),
        "lies": ("lies.png", "cut short"),
        "cut": ("cut.png", "cut short"),
        "svg": ("drawing.svg", "SVG"),
        "html": (httpserver.url_for("/page.png"), "HTML"),
        "huge": (httpserver.url_for("/huge.png"), "larger than 10 MB"),
        "hangs": (hanging_url, "timed out"),
    }
    body = [f"![remote flag]({httpserver.url_for('/flag.png')})"]
    body += [f"![{name} picture]({src})" for name, (src, _reason) in hostile.items()]
    write_post(folder, "\n\n".join(body))
    limits = Limits(max_bytes=10 * MB, read_timeout=1.0, deadline=2.0)
    before = reset_peak()
    async with reading(tmp_path, limits=limits) as (app, pilot, view):
        lines = screen_lines(view)
        text = "\n".join(lines)
        assert any(is_near(top, files.RED) for top, _bottom in half_cells(view)), text
        assert "remote flag" in text
        for name, (_src, reason) in hostile.items():
            line = next((line for line in lines if f"[image: {name} picture]" in line), "")
            assert reason in line, (name, line)
        # The app still answers keys, and the process stayed within the article's bound.
        await pilot.press("G")
        await pilot.pause()
        assert view.at_end
        growth = peak_since_reset() - before
        assert growth < MEMORY_BOUND - FRESH_READER, growth
        assert app.is_running


async def test_after_g_the_end_stays_in_view_as_pictures_above_it_arrive(tmp_path: Path) -> None:
    folder = tmp_path / "bundle"
    folder.mkdir()
    parts = []
    for n in range(30):
        (folder / f"p{n}.png").write_bytes(files.two_colour("PNG", (40, 20 + n)))
        parts.append(f"## Part {n}\n\nText {n}.\n\n![Picture {n}](p{n}.png)")
    write_post(folder, "\n\n".join(parts) + "\n\nThe very last line.")
    async with reading(tmp_path) as (_app, pilot, view):
        await pilot.press("G")
        await wait_until(pilot, lambda: not view.pictures.busy)
        await pilot.pause()
        assert view.at_end
        assert any("The very last line." in line for line in screen_lines(view))


async def test_a_feed_entry_draws_its_html_images_fetched_from_the_server(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/flag.png").respond_with_data(
        files.two_colour(), content_type="image/png"
    )
    src = httpserver.url_for("/flag.png")
    feed = tmp_path / "news.rss"
    feed.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>News</title>'
        "<link>https://news.example/</link><item><title>With a picture</title>"
        "<link>https://news.example/1</link><guid>1</guid>"
        f"<description>&lt;p&gt;Words.&lt;/p&gt;&lt;img src=\"{src}\" alt=\"A flag\"&gt;"
        "</description></item></channel></rss>",
        "utf-8",
    )
    async with reading(tmp_path) as (_app, _pilot, view):
        lines = screen_lines(view)
        assert any(is_near(top, files.RED) for top, _bottom in half_cells(view)), lines
        assert any("A flag" in line for line in lines)
        assert not any("[image: A flag]" in line for line in lines)
