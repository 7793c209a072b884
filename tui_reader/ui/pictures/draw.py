"""Draw a decoded picture as half-block cells, and the renderables the reading pane
shows in an image's place: the picture with its caption, or the alt text with a reason.

A half-block cell (``▀``) shows two pixels: the top one in the foreground colour, the
bottom one in the background colour. Only colours reach the terminal: the cells are
ordinary text, and captions and reasons are cleaned and appended as plain text.
"""

from __future__ import annotations

from rich.color import Color
from rich.color_triplet import ColorTriplet
from rich.console import Console, ConsoleOptions, RenderResult
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

from tui_reader.core.images.decode import Picture
from tui_reader.core.sanitize import clean_line

HALF = "▀"
CAPTION = Style(italic=True, dim=True)
NOTE = Style(color="yellow", italic=True)


def halfblock_lines(picture: Picture) -> list[list[Segment]]:
    """The picture as lines of segments, runs of equal cells joined into one segment."""
    width, rgb = picture.width, picture.rgb
    stride = 3 * width
    styles: dict[bytes, Style] = {}
    lines: list[list[Segment]] = []
    for row in range(0, picture.height - 1, 2):
        top = rgb[row * stride : (row + 1) * stride]
        bottom = rgb[(row + 1) * stride : (row + 2) * stride]
        segments: list[Segment] = []
        run_key = b""
        run = 0
        for x in range(0, stride, 3):
            key = top[x : x + 3] + bottom[x : x + 3]
            if key == run_key:
                run += 1
                continue
            if run:
                segments.append(Segment(HALF * run, _style(styles, run_key)))
            run_key, run = key, 1
        if run:
            segments.append(Segment(HALF * run, _style(styles, run_key)))
        lines.append(segments)
    return lines


def _style(styles: dict[bytes, Style], key: bytes) -> Style:
    style = styles.get(key)
    if style is None:
        upper = Color.from_triplet(ColorTriplet(key[0], key[1], key[2]))
        lower = Color.from_triplet(ColorTriplet(key[3], key[4], key[5]))
        style = styles[key] = Style(color=upper, bgcolor=lower)
    return style


class PictureBlock:
    """A drawn picture, centred in the text's width, with its caption under it."""

    def __init__(self, lines: list[list[Segment]], width: int, caption: str) -> None:
        self.lines = lines
        self.width = width
        self.caption = clean_line(caption)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        pad = max(0, (options.max_width - self.width) // 2)
        for line in self.lines:
            if pad:
                yield Segment(" " * pad)
            yield from line
            yield Segment.line()
        if self.caption:
            caption = Text(self.caption, style=CAPTION, justify="center", end="\n")
            yield caption


def alt_text(alt: str, reason: str = "") -> Text:
    """An image shown as its text: ``[image: alt]``, and why, when it could not be drawn."""
    text = Text(f"[image: {clean_line(alt) or 'image'}]", end="")
    if reason:
        text.append(f" — {clean_line(reason)}", NOTE)
    return text
