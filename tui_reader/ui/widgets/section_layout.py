"""The reading pane's model of a document on screen: section heights and rendered lines.

Every section has a height. Until a section has been rendered at the current width its
height is an estimate (:class:`SectionHeights`); rendering turns a section into strips
laid out on the pane's page (:mod:`.page`), kept in a bounded cache near what is shown
(:class:`SectionLines`).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable
from itertools import accumulate
from typing import TYPE_CHECKING

from rich.style import Style
from textual.strip import Strip

from tui_reader.ui.widgets.page import Page, block_lines

if TYPE_CHECKING:
    from rich.console import Console

    from tui_reader.core.markdown.document import Document
    from tui_reader.ui.pictures.shelf import PictureShelf

CACHE_SECTIONS = 400


class SectionHeights:
    """Each section's height in lines, and the line where each one starts."""

    def __init__(self) -> None:
        self.heights: list[int] = []
        self.exact: list[bool] = []  # rendered at the current width, not estimated
        self.offsets: list[int] = [0]  # offsets[i]: first line of section i; [-1]: total

    def estimate(self, document: Document, width: int) -> None:
        """Guess every section's height at ``width`` from its characters and lines."""
        self.heights = [max(1, s.lines + s.length // width) for s in document.sections]
        self.exact = [False] * len(self.heights)
        self.recount()

    def clear(self) -> None:
        self.heights, self.exact, self.offsets = [], [], [0]

    def recount(self) -> None:
        self.offsets = [0, *accumulate(self.heights)]

    @property
    def total(self) -> int:
        return self.offsets[-1]

    def section_at(self, y: int) -> int:
        return max(0, min(len(self.heights) - 1, bisect.bisect_right(self.offsets, y) - 1))

    def measure(self, index: int, real: int) -> bool:
        """Record a section's real height; True if the estimate was different."""
        self.exact[index] = True
        if real == self.heights[index]:
            return False
        self.heights[index] = real
        return True

    def measure_all(self, indexes: Iterable[int], height_of: Callable[[int], int]) -> bool:
        """Replace the estimates among these sections by real heights; True if any moved."""
        changed = False
        for index in indexes:
            if not self.exact[index]:
                changed |= self.measure(index, height_of(index))
        return changed

    def y_within(self, index: int, within: float) -> int:
        """The line ``within`` (0..1) of the way down a section."""
        return self.offsets[index] + int(within * self.heights[index])

    def fraction_at(self, document: Document, y: int) -> float:
        """How much of the body's text lies above line ``y`` (0..1)."""
        index = self.section_at(y)
        within = (y - self.offsets[index]) / max(1, self.heights[index])
        return document.fraction_before(index, within)

    def fraction_of(self, document: Document | None, y: int, end: int) -> float:
        """Where a view whose top is at ``y`` is, as a fraction (0..1) of the text; 1 once
        it reaches ``end``, the bottom of its scrollable range."""
        if document is None or not self.heights:
            return 0.0
        return 1.0 if y >= end else self.fraction_at(document, y)

    def progress_at(self, document: Document | None, y: int, end: int) -> float:
        """How far (0..1) that view is through its range: the text above it, stretched so
        that the real end is 1. A short article, whose end shows while its top is a third
        in, moves smoothly to 100 %."""
        top = self.fraction_of(document, y, end)
        if document is None or top in (0.0, 1.0):
            return top
        last = self.fraction_at(document, end)
        return min(1.0, top / last) if last > 0 else 1.0

    def jump_window(self, index: int, height: int, height_of: Callable[[int], int]) -> list[int]:
        """The sections a jump to section ``index`` renders (as the view settles after it):
        the one above, those that fill a screen of ``height``, and the one below them."""
        wanted = [index - 1] if index > 0 else []
        shown = 0
        last = len(self.heights) - 1
        while index <= last:
            wanted.append(index)
            shown += height_of(index)
            index += 1
            if shown > height:
                break
        if index <= last:
            wanted.append(index)
        return wanted


def heading_target(starts: list[int], top: int, at_start: bool, step: int) -> int | None:
    """The section ``]`` (step 1) or ``[`` (step -1) goes to, from section ``top`` of the
    view; ``starts`` are the heading sections. ``[`` in the middle of a heading's part goes
    to its start first. None: no heading that way."""
    if not starts:
        return None
    if step > 0:
        position = bisect.bisect_right(starts, top)
        return starts[position] if position < len(starts) else None
    position = bisect.bisect_left(starts, top) - (1 if at_start else 0)
    if top in starts and not at_start:
        position = starts.index(top)
    return starts[max(0, position)] if position >= 0 else None


class SectionLines:
    """Rendered sections as strips (and the links in each), cached near what is shown."""

    def __init__(self) -> None:
        self.strips: dict[int, list[Strip]] = {}
        self.links: dict[int, list[str]] = {}
        self.pictures: PictureShelf | None = None  # draws images; None: their labels

    def clear(self) -> None:
        self.strips.clear()
        self.links.clear()

    def render(
        self, document: Document, index: int, console: Console, page: Page, base: Style
    ) -> list[Strip]:
        """One section as strips laid out on ``page`` (its measure and margins)."""
        # Here, not at the top: markdown-it and the renderer load with the first article,
        # not with the list.
        from tui_reader.ui.render import render_document_section

        rendered = render_document_section(document, index, self.pictures)
        self.links[index] = rendered.links
        options = console.options.update(highlight=False)
        strips: list[Strip] = []
        for block in rendered.blocks:
            strips += block_lines(block, console, options, page, base)
        return strips

    def keep(self, document: Document, index: int, strips: list[Strip]) -> None:
        """Cache a section's strips, forgetting the far ones when the cache is full."""
        if len(self.strips) >= CACHE_SECTIONS:
            far = sorted(self.strips, key=lambda i: abs(i - index))[CACHE_SECTIONS // 2 :]
            for number in far:
                del self.strips[number]
            document.drop_tokens(set(self.strips))
        self.strips[index] = strips
