"""Pictures drawn with the terminal's graphics protocol: kitty placeholders and sixel.

A picture becomes :class:`Drawn` lines of cells in a worker thread, whatever the
protocol, so the reading pane lays it out like any text:

* **kitty**: the cells are Unicode placeholders (core/images/kitty.py) in the image id's
  colour; the image itself is sent once, by :class:`GraphicsOutput`, on the interface's
  thread when the picture arrives, before the frame that shows its cells.
* **sixel**: the cells are blank, and each line carries a zero-width marker holding that
  line's sixel image. When the view draws the line, :meth:`GraphicsOutput.place_sixels`
  appends the image, moved to the line's place on screen, after the line's cells: the
  blank cells clear the line first, then the image is painted over them. Textual draws a
  line again whenever it changes (a scroll redraws them all), so a picture follows the
  text, and only the lines on screen are painted.

All escape sequences go to the terminal through Textual's driver, in order with the
frames; they are built from numbers and pixel data only.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

from rich.color import Color
from rich.segment import ControlType, Segment
from rich.style import Style
from textual.strip import Strip

from tui_reader.core.images import kitty

SIXEL = "tui-reader-sixel"  # the marker's tag in a segment's control codes
_ESCAPE = ((ControlType.CURSOR_FORWARD, 0),)  # any control: the strip counts it zero cells


@dataclass(frozen=True, slots=True)
class Drawn:
    """A picture as lines of cells ``width`` wide; for kitty, its image id and the
    commands that send it."""

    lines: list[list[Segment]]
    width: int
    image_id: int = 0
    transmit: str = field(default="", repr=False)


class SixelLine(NamedTuple):
    """One line's sixel image: its DCS sequence and its size in pixels."""

    data: str
    width: int
    height: int


class Placed(NamedTuple):
    """Where a sixel line was painted: screen column and row, size in pixels."""

    x: int
    y: int
    width: int
    height: int


def kitty_drawn(graphic, image_id: int) -> Drawn:  # noqa: ANN001 (a decode.Graphic)
    """A decoded picture as kitty placeholder cells, with the commands that send it."""
    png = kitty.png(graphic.width, graphic.height, graphic.rgb)
    style = Style(color=Color.from_rgb(*kitty.id_colour(image_id)))
    lines = [
        [Segment(kitty.placeholder_row(row, graphic.columns), style)]
        for row in range(graphic.lines)
    ]
    transmit = kitty.transmit(image_id, png, graphic.columns, graphic.lines)
    return Drawn(lines, graphic.columns, image_id, transmit)


def sixel_drawn(graphic) -> Drawn:  # noqa: ANN001 (a decode.Graphic)
    """A decoded picture as blank cells carrying each line's sixel image."""
    from tui_reader.core.images.sixel import encode_lines

    line_height = graphic.cell[1]
    images = encode_lines(graphic.width, graphic.height, graphic.rgb, line_height)
    lines = []
    for number, data in enumerate(images):
        height = min(line_height, graphic.height - number * line_height)
        marker = Segment("", None, ((SIXEL, SixelLine(data, graphic.width, height)),))  # type: ignore[arg-type]
        lines.append([marker, Segment(" " * graphic.columns)])  # the marker: where it starts
    return Drawn(lines, graphic.columns)


class GraphicsOutput:
    """Writes graphics to the terminal, and remembers what it sent: the kitty images
    the terminal holds (deleted when dropped or at the end) and the last sixel lines
    painted."""

    def __init__(self, write: Callable[[str], None]) -> None:
        self.write = write  # to the terminal
        self.images: set[int] = set()
        self.placed: deque[Placed] = deque(maxlen=256)

    def send(self, drawn: Drawn) -> None:
        """Send a kitty picture's image, once."""
        if drawn.transmit and drawn.image_id not in self.images:
            self.images.add(drawn.image_id)
            self.write(drawn.transmit)

    def forget(self, drawn: Drawn) -> None:
        """Delete a kitty picture's image in the terminal."""
        if drawn.image_id in self.images:
            self.images.discard(drawn.image_id)
            self.write(kitty.delete(drawn.image_id))

    def close(self) -> None:
        """Delete every kitty image sent."""
        if self.images:
            self.write("".join(kitty.delete(image_id) for image_id in sorted(self.images)))
            self.images.clear()

    def place_sixels(self, strip: Strip, left: int, row: int) -> Strip:
        """``strip`` drawn at screen row ``row`` from column ``left``, with its sixel
        image painted after its cells when it has one."""
        x = 0
        for segment in strip:
            control = segment.control
            if control and control[0][0] == SIXEL:
                line: SixelLine = control[0][1]  # type: ignore[assignment]
                self.placed.append(Placed(left + x, row, line.width, line.height))
                paint = f"\x1b7\x1b[{row + 1};{left + x + 1}H{line.data}\x1b8"
                return Strip([*strip, Segment(paint, None, _ESCAPE)], strip.cell_length)
            x += segment.cell_length
        return strip


def has_sixel(strip: Strip) -> bool:
    """Whether a line carries a sixel image."""
    return any(segment.control and segment.control[0][0] == SIXEL for segment in strip)
