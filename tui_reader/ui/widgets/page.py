"""Where an article's text sits in the reading pane: its measure, its margins, and the
room a wide block (a table, a code block) may take beyond the measure.

Running text is at most ``measure`` columns wide (76 by default: a line of 60 to 80
characters is the comfortable one) and centred in the pane, with the spare columns as
margins on both sides. Tables and code blocks wider than the measure may spread into the
margins, up to the pane's whole width, so a table wraps its cells only when even that is
not enough.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

MEASURE = 76  # columns of running text, at most
MIN_MEASURE, MAX_MEASURE = 30, 200  # what the config's ``measure`` may ask for
MIN_TEXT = 10  # never narrower, however small the pane


@dataclass(frozen=True)
class Page:
    """The columns of one pane width: text ``text`` wide after ``left`` blank columns;
    a wide block may use ``wide`` columns, from column 1."""

    text: int
    left: int
    wide: int

    @property
    def width(self) -> int:
        """The pane's columns the page draws on (one blank on each side of ``wide``)."""
        return self.wide + 2


def page_for(pane_width: int, measure: int = MEASURE) -> Page:
    """The page of a pane ``pane_width`` columns wide: one blank column on each side at
    least, the text ``measure`` wide at most and centred in what is left."""
    usable = max(MIN_TEXT, pane_width - 2)
    text = max(MIN_TEXT, min(measure, usable))
    return Page(text=text, left=1 + (usable - text) // 2, wide=usable)


class Wide:
    """A block that may be wider than the measure (a table, a code block). Drawn inside
    a list or a quote it is just its content; at the top of a section the page places
    it (:func:`block_lines`)."""

    def __init__(self, renderable: RenderableType, natural: int | None = None) -> None:
        """``natural``: the columns it needs to show everything unwrapped, when known
        (else Rich measures it)."""
        self.renderable = renderable
        self.natural = natural

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.renderable

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        if self.natural is not None:
            return Measurement(min(self.natural, options.max_width), self.natural)
        return Measurement.get(console, options, self.renderable)


def block_lines(
    block: RenderableType, console: Console, options: ConsoleOptions, page: Page, base: Style
) -> list[Strip]:
    """One top-level block as strips: text at the measure, after the left margin; a wide
    block as wide as it needs (at most the pane), starting with the text where it fits
    and moved left as far as it must."""
    width, left = page.text, page.left
    if isinstance(block, Wide):
        wide_options = options.update_width(page.wide)
        needed = Measurement.get(console, wide_options, block).maximum
        if needed > page.text:
            width = min(needed, page.wide)
            left = max(1, min(page.left, 1 + page.wide - width))
    margin = Segment(" " * left)
    lines = console.render_lines(block, options.update_width(width), pad=True, new_lines=False)
    return [Strip(Segment.apply_style([margin, *line], base), left + width) for line in lines]
