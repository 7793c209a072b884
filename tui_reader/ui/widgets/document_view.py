"""The reading pane's body: a line-API view that renders only the sections near the screen.

Every section has a height. Until a section has been rendered at the current width its
height is an estimate; sections are rendered (and cached) when they come near the
viewport. When a real height replaces an estimate above what you are looking at, the
scroll offset is corrected so the text on screen does not move.
"""

from __future__ import annotations

import bisect
import re
from itertools import accumulate
from typing import TYPE_CHECKING

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui_reader.ui.bindings import DOCUMENT_BINDINGS
from tui_reader.ui.widgets.virtual_size import set_virtual_size

if TYPE_CHECKING:
    from tui_reader.core.markdown.document import Document

MAX_WIDTH = 100  # a comfortable measure for prose
CACHE_SECTIONS = 400
MATCH = Style(bgcolor="yellow", color="black")
CURRENT_MATCH = Style(bgcolor="bright_red", color="white", bold=True)


class DocumentView(ScrollView, can_focus=True):
    """Shows a :class:`Document`, lazily, at any size."""

    BINDINGS = DOCUMENT_BINDINGS
    DEFAULT_CSS = """
    DocumentView { height: 1fr; overflow-x: hidden; scrollbar-gutter: stable; }
    """

    class Moved(Message):
        """The view moved: the current heading (scroll-spy) or position changed."""

        def __init__(self, heading: int | None, fraction: float, at_end: bool) -> None:
            super().__init__()
            self.heading = heading
            self.fraction = fraction
            self.at_end = at_end

    class LinkClicked(Message):
        """A link in the document was chosen (by mouse or keyboard)."""

        def __init__(self, href: str) -> None:
            super().__init__()
            self.href = href

    class AnchorMissing(Message):
        """A link asked for a heading the document does not have."""

        def __init__(self, anchor: str) -> None:
            super().__init__()
            self.anchor = anchor

    find_text: reactive[str] = reactive("", init=False)
    """The active find-in-article text ('' when no search)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.document: Document | None = None
        self._width = 0
        self._heights: list[int] = []
        self._exact: list[bool] = []
        self._offsets: list[int] = [0]
        self._lines: dict[int, list[Strip]] = {}
        self._links: dict[int, list[str]] = {}
        self._last_moved: tuple[int | None, int, bool] | None = None
        self._pending: tuple[float, str] | None = None
        self.matches: list[int] = []
        self.match_index = -1

    # -- loading --------------------------------------------------------------------
    def load(self, document: Document, fraction: float = 0.0, anchor: str = "") -> None:
        """Show a document, starting at ``fraction`` (0..1) of its length, or at ``anchor``.

        The position is applied once the view has a size (it may be hidden right now).
        """
        self.document = document
        self._lines.clear()
        self._links.clear()
        self.matches = []
        self.match_index = -1
        self.find_text = ""
        self._last_moved = None
        self._pending = (fraction, anchor)
        self._estimate_all()
        self.scroll_to(0, 0, animate=False, immediate=True)
        self.refresh()
        if self.scrollable_content_region.height > 0:
            # Shown already: place it now, so the first frame shows the text (waiting
            # for the next refresh cost about 0.3 s after Enter on a 5 MB article)...
            pending = self._pending
            self._apply_pending()
            # ...and again once the new virtual size is laid out: until then a scroll
            # past the old size is clamped, and a resumed position would be lost.
            self._pending = pending
        self.call_after_refresh(self._apply_pending)

    def _apply_pending(self) -> None:
        if self._pending is None or self.document is None:
            return
        if self.scrollable_content_region.height <= 0:
            return  # hidden: on_resize applies it when the view is shown
        fraction, anchor = self._pending
        self._pending = None
        if self.text_width != self._width:
            self._estimate_all()
        if anchor and self.goto_anchor(anchor):
            return
        if anchor:
            self.post_message(self.AnchorMissing(anchor))
        if fraction > 0:
            self.goto_fraction(fraction)
        else:
            self.home()
        self.refresh()

    def clear(self) -> None:
        self.document = None
        self._heights, self._exact, self._offsets = [], [], [0]
        self._lines.clear()
        self.virtual_size = Size(0, 0)
        self.refresh()

    # -- geometry -------------------------------------------------------------------
    @property
    def text_width(self) -> int:
        return max(10, min(MAX_WIDTH, self.scrollable_content_region.width - 2))

    def _estimate_all(self) -> None:
        document = self.document
        if document is None:
            return
        self._width = self.text_width
        width = self._width
        self._heights = [max(1, s.lines + s.length // width) for s in document.sections]
        self._exact = [False] * len(self._heights)
        self._lines.clear()
        self._recount()

    def _recount(self) -> None:
        self._offsets = [0, *accumulate(self._heights)]
        set_virtual_size(self, Size(self._width + 2, self._offsets[-1]))

    def on_resize(self) -> None:
        if self._pending is not None:
            self._apply_pending()
            return
        if self.document is None or self.text_width == self._width:
            return
        fraction = self.fraction
        self._estimate_all()
        self.goto_fraction(fraction)

    def section_at(self, y: int) -> int:
        return max(0, min(len(self._heights) - 1, bisect.bisect_right(self._offsets, y) - 1))

    # -- rendering ------------------------------------------------------------------
    def _section_lines(self, index: int) -> list[Strip]:
        lines = self._lines.get(index)
        if lines is not None:
            return lines
        assert self.document is not None
        # Here, not at the top: markdown-it and the renderer load with the first article,
        # not with the list.
        from tui_reader.ui.render import render_document_section

        rendered = render_document_section(self.document, index)
        self._links[index] = rendered.links
        console = self.app.console
        options = console.options.update_width(self._width).update(highlight=False)
        base = self.rich_style
        strips: list[Strip] = []
        for block in rendered.blocks:
            for line in console.render_lines(block, options, pad=True, new_lines=False):
                segments = [Segment(" "), *line]
                strips.append(Strip(Segment.apply_style(segments, base), self._width + 1))
        if self.find_text:
            strips = self._highlight(index, strips)
        if len(self._lines) >= CACHE_SECTIONS:
            self._forget_far(index)
        self._lines[index] = strips
        return strips

    def _forget_far(self, near: int) -> None:
        far = sorted(self._lines, key=lambda i: abs(i - near))[CACHE_SECTIONS // 2 :]
        for index in far:
            del self._lines[index]
        if self.document is not None:
            self.document.drop_tokens(set(self._lines))

    def _settle(self) -> None:
        """Render the sections in view exactly, keeping the text on screen still."""
        if self.document is None or not self._heights:
            return
        height = max(1, self.scrollable_content_region.height)
        for _ in range(8):
            top = round(self.scroll_y)
            first = self.section_at(top)
            last = self.section_at(top + height)
            anchor = next((i for i in range(first, last + 1) if self._exact[i]), first)
            anchor_delta = top - self._offsets[anchor]
            changed = False
            for index in range(max(0, first - 1), min(len(self._heights), last + 2)):
                if not self._exact[index]:
                    real = len(self._section_lines(index))
                    self._exact[index] = True
                    if real != self._heights[index]:
                        self._heights[index] = real
                        changed = True
            if not changed:
                break
            self._recount()
            target = max(0, min(self._offsets[anchor] + anchor_delta, self._max_y()))
            self._set_y(target)
        self._report_move()

    def _max_y(self) -> int:
        return max(0, self._offsets[-1] - self.scrollable_content_region.height)

    def _set_y(self, y: int) -> None:
        self.scroll_to(y=y, animate=False, immediate=True)
        self.scroll_target_y = y

    def render_line(self, y: int) -> Strip:
        absolute = round(self.scroll_y) + y
        if self.document is None or absolute >= self._offsets[-1]:
            return Strip.blank(self.scrollable_content_region.width, self.rich_style)
        index = self.section_at(absolute)
        lines = self._section_lines(index)
        line = absolute - self._offsets[index]
        if line < len(lines):
            return lines[line]
        return Strip.blank(self._width + 1, self.rich_style)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if round(old_value) != round(new_value):
            self._settle()

    @property
    def rendered_sections(self) -> frozenset[int]:
        """The sections whose lines are rendered and kept for the current width."""
        return frozenset(self._lines)

    # -- position -------------------------------------------------------------------
    @property
    def top_section(self) -> int:
        return self.section_at(round(self.scroll_y))

    @property
    def fraction(self) -> float:
        """Where the top of the view is, as a fraction (0..1) of the article's text."""
        if self.document is None or not self._heights:
            return 0.0
        if self.at_end:
            return 1.0
        top = round(self.scroll_y)
        index = self.section_at(top)
        within = (top - self._offsets[index]) / max(1, self._heights[index])
        return self.document.fraction_before(index, within)

    @property
    def at_end(self) -> bool:
        return round(self.scroll_y) >= self._max_y()

    def _report_move(self) -> None:
        if self.document is None:
            return
        heading = self.document.heading_for_section(self.top_section)
        fraction = self.fraction
        key = (heading, round(fraction * 1000), self.at_end)
        if key != self._last_moved:
            self._last_moved = key
            self.post_message(self.Moved(heading, fraction, self.at_end))

    def goto_section(self, index: int, line: int = 0) -> None:
        """Put a section (and a line inside it) at the top of the view."""
        if self.document is None or not self._heights:
            return
        index = max(0, min(index, len(self._heights) - 1))
        lines = self._section_lines(index)
        if not self._exact[index]:
            self._exact[index] = True
            self._heights[index] = len(lines)
            self._recount()
        self._set_y(min(self._offsets[index] + line, self._max_y()))
        self._settle()
        if self.top_section != index and round(self.scroll_y) < self._max_y():
            self._set_y(min(self._offsets[index] + line, self._max_y()))
            self._settle()
        self.refresh()

    def goto_fraction(self, fraction: float) -> None:
        if self.document is None:
            return
        offset = int(fraction * len(self.document.body))
        index = self.document.section_at_offset(offset)
        section = self.document.sections[index]
        within = (offset - section.offset) / max(1, section.length)
        self.goto_section(index)
        self._set_y(min(self._offsets[index] + int(within * self._heights[index]), self._max_y()))
        self._settle()

    def goto_heading(self, heading: int) -> None:
        if self.document is not None and 0 <= heading < len(self.document.heading_sections):
            self.goto_section(self.document.heading_sections[heading])

    def prepare_heading(self, heading: int) -> None:
        """Render, ahead of a jump, the sections a jump to ``heading`` would show.

        The contents list calls this when its cursor rests on a heading: the jump then
        only scrolls (rendering a screenful of a long article's sections can take longer
        than the rest of the jump together). Nothing on screen changes.
        """
        document = self.document
        if document is None or not 0 <= heading < len(document.heading_sections):
            return
        height = self.scrollable_content_region.height
        if height <= 0 or self._pending is not None or self.text_width != self._width:
            return  # hidden, or about to be measured again: a jump would render anew
        index = document.heading_sections[heading]
        # What _settle renders after goto_section: the section above, the sections on
        # the screen, and the one below them.
        wanted = [index - 1] if index > 0 else []
        shown = 0
        last = len(self._heights) - 1
        while index <= last:
            wanted.append(index)
            shown += len(self._section_lines(index))
            index += 1
            if shown > height:
                break
        if index <= last:
            wanted.append(index)
        # Their real heights now, not at the jump: a new virtual size means a layout pass
        # (every scrollbar on screen redrawn). The text on screen stays where it is.
        top = round(self.scroll_y)
        anchor = self.section_at(top)
        delta = top - self._offsets[anchor]
        changed = False
        for index in wanted:
            if not self._exact[index] and index != anchor:
                self._exact[index] = True
                real = len(self._section_lines(index))
                if real != self._heights[index]:
                    self._heights[index] = real
                    changed = True
        if changed:
            self._recount()
            self._set_y(max(0, min(self._offsets[anchor] + delta, self._max_y())))

    def goto_anchor(self, anchor: str) -> bool:
        if self.document is None:
            return False
        index = self.document.anchor_section(anchor)
        if index is None:
            return False
        self.goto_section(index)
        return True

    def next_heading(self, step: int = 1) -> None:
        """Jump to the next (step 1) or previous (step -1) heading."""
        document = self.document
        if document is None or not document.heading_sections:
            return
        top = self.top_section
        starts = document.heading_sections
        if step > 0:
            position = bisect.bisect_right(starts, top)
            if position < len(starts):
                self.goto_section(starts[position])
        else:
            at_start = round(self.scroll_y) == self._offsets[top]
            position = bisect.bisect_left(starts, top) - (1 if at_start else 0)
            if top in starts and not at_start:
                position = starts.index(top)
            if position >= 0:
                self.goto_section(starts[max(0, position)])

    def page(self, pages: float) -> None:
        height = self.scrollable_content_region.height
        step = max(1, int(height * abs(pages)) - (1 if abs(pages) >= 1 else 0))
        target = round(self.scroll_y) + (step if pages > 0 else -step)
        self._set_y(max(0, min(target, self._max_y())))
        self._settle()

    def line(self, lines: int) -> None:
        self._set_y(max(0, min(round(self.scroll_y) + lines, self._max_y())))
        self._settle()

    def home(self) -> None:
        self._set_y(0)
        self._settle()

    def end(self) -> None:
        for _ in range(4):
            self._set_y(self._max_y())
            self._settle()
            if round(self.scroll_y) >= self._max_y():
                break

    # -- key actions ----------------------------------------------------------------
    def action_line(self, lines: int) -> None:
        self.line(lines)

    def action_page(self, pages: float) -> None:
        self.page(pages)

    def action_home(self) -> None:
        self.home()

    def action_end(self) -> None:
        self.end()

    def action_heading(self, step: int) -> None:
        self.next_heading(step)

    def action_find_step(self, step: int) -> None:
        self.find_step(step)

    # -- links ----------------------------------------------------------------------
    def action_follow_link(self, section: int, index: int) -> None:
        links = self._links.get(section, [])
        if 0 <= index < len(links):
            self.post_message(self.LinkClicked(links[index]))

    def all_links(self) -> list[tuple[str, str]]:
        """(text, href) of every link, from a cheap scan of the whole body."""
        from tui_reader.core.markdown.links import find_links

        return find_links(self.document.body) if self.document else []

    # -- find -----------------------------------------------------------------------
    def watch_find_text(self, query: str) -> None:
        self.matches = self.document.find(query) if self.document and query else []
        self.match_index = -1
        self._lines.clear()
        self.refresh()

    def _highlight(self, section: int, strips: list[Strip]) -> list[Strip]:
        pattern = re.compile(re.escape(self.find_text), re.IGNORECASE)
        current_line = -1
        if 0 <= self.match_index < len(self.matches) and self.document is not None:
            current_line = self._current_match_line(section, strips, pattern)
        out: list[Strip] = []
        for number, strip in enumerate(strips):
            text = strip.text
            spans = [(m.start(), m.end()) for m in pattern.finditer(text)]
            if not spans:
                out.append(strip)
                continue
            style = CURRENT_MATCH if number == current_line else MATCH
            out.append(_style_spans(strip, spans, style))
        return out

    def _occurrence_in_section(self) -> tuple[int, int]:
        """(section, n): the current match is the n-th of its section."""
        assert self.document is not None
        offset = self.matches[self.match_index]
        section = self.document.section_at_offset(offset)
        start = self.document.sections[section].offset
        first = bisect.bisect_left(self.matches, start)
        return section, self.match_index - first

    def _current_match_line(
        self, section: int, strips: list[Strip], pattern: re.Pattern[str]
    ) -> int:
        match_section, nth = self._occurrence_in_section()
        if match_section != section:
            return -1
        seen = 0
        last = -1
        for number, strip in enumerate(strips):
            found = len(pattern.findall(strip.text))
            if found:
                last = number
            if seen + found > nth:
                return number
            seen += found
        return last

    def find_step(self, step: int) -> None:
        """Move to the next (1) or previous (-1) match, wrapping around."""
        if not self.matches or self.document is None:
            return
        if self.match_index < 0:
            here = self.document.sections[self.top_section].offset
            position = bisect.bisect_left(self.matches, here)
            self.match_index = (position if step > 0 else position - 1) % len(self.matches)
        else:
            self.match_index = (self.match_index + step) % len(self.matches)
        section, _ = self._occurrence_in_section()
        self._lines.clear()
        strips = self._section_lines(section)
        pattern = re.compile(re.escape(self.find_text), re.IGNORECASE)
        line = max(0, self._current_match_line(section, strips, pattern))
        self.goto_section(section)
        height = self.scrollable_content_region.height
        target = self._offsets[section] + line - height // 3
        self._set_y(max(0, min(target, self._max_y())))
        self._settle()
        self._last_moved = None  # the match counter changed: always report
        self._report_move()
        self.refresh()


def _style_spans(strip: Strip, spans: list[tuple[int, int]], style: Style) -> Strip:
    """Apply a style to character ranges of a strip."""
    segments: list[Segment] = []
    position = 0
    span_index = 0
    for segment in strip:
        text, seg_style, control = segment
        if control:
            segments.append(segment)
            continue
        end = position + len(text)
        cursor = position
        while span_index < len(spans) and spans[span_index][0] < end and cursor < end:
            start, stop = spans[span_index]
            if start > cursor:
                segments.append(Segment(text[cursor - position : start - position], seg_style))
                cursor = start
            piece_end = min(stop, end)
            if piece_end > cursor:
                combined = (seg_style + style) if seg_style else style
                segments.append(Segment(text[cursor - position : piece_end - position], combined))
                cursor = piece_end
            if stop <= end:
                span_index += 1
            else:
                break
        if cursor < end:
            segments.append(Segment(text[cursor - position :], seg_style))
        position = end
    return Strip(segments, strip.cell_length)
