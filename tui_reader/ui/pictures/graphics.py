"""Pictures drawn with the terminal's graphics protocol: kitty placeholders and sixel.

A picture becomes :class:`Drawn` lines of cells in a worker thread, whatever the
protocol, so the reading pane lays it out like any text:

* **kitty**: the cells are Unicode placeholders (core/images/kitty.py) in the image id's
  colour; the image itself is sent once, by :class:`GraphicsOutput`, on the interface's
  thread when the picture arrives, before the frame that shows its cells.
* **sixel**: the cells are blank, and each line carries a zero-width marker holding that
  line's sixel image. As the view draws its lines it notes which of them carry one
  (:meth:`GraphicsOutput.note_line`); after each frame Textual has written, those images
  are painted at their lines' places (:meth:`GraphicsOutput.paint_sixels`), over the
  blank cells the frame wrote. So a picture follows the text as it scrolls, only the
  lines on screen are painted, and whatever a frame wrote over a picture (a toast that
  went) is painted over again. The images cannot travel inside the frame: Textual's
  compositor counts a sequence's characters as cells and cuts it at its regions' edges.

All escape sequences go to the terminal through Textual's driver, in order with the
frames; they are built from numbers and pixel data only.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from tui_reader.core.images import kitty

SIXEL = "tui-reader-sixel"  # the marker's tag in a segment's control codes


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
        self.rows: dict[int, tuple[int, SixelLine]] = {}  # view line -> (column, image)

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

    def note_line(self, y: int, strip: Strip) -> None:
        """The view drew ``strip`` as its line ``y``: remember the sixel image it carries
        (or that it carries none now)."""
        x = 0
        for segment in strip:
            control = segment.control
            if control and control[0][0] == SIXEL:
                self.rows[y] = (x, control[0][1])  # type: ignore[assignment]
                return
            x += segment.cell_length
        self.rows.pop(y, None)

    def paint_sixels(self, left: int, top: int, height: int, last_row: int) -> None:
        """Paint the sixel images of the view's lines, the view's text starting at
        screen column ``left`` and row ``top``, ``height`` lines high; none on or past
        ``last_row`` (a sixel's end there would scroll the screen)."""
        paints = []
        for y, (x, line) in sorted(self.rows.items()):
            row = top + y
            if y >= height or row >= last_row:
                continue
            self.placed.append(Placed(left + x, row, line.width, line.height))
            paints.append(f"\x1b[{row + 1};{left + x + 1}H{line.data}")
        if paints:
            # Saved and restored: the cursor and its attributes stay as the frame left them.
            self.write("\x1b7" + "".join(paints) + "\x1b8")
