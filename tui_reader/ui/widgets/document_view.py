"""The reading pane's body: a line-API view that renders only the sections near the screen.

Sections are rendered (and cached) when they come near the viewport; until then their
heights are estimates (section_layout.py). When a real height replaces an estimate above
what you are looking at, the scroll offset is corrected so the text on screen does not
move. Find in article lives in find_in_article.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui_reader.ui.bindings import DOCUMENT_BINDINGS
from tui_reader.ui.keys import named
from tui_reader.ui.texts import no_heading, no_match
from tui_reader.ui.widgets.find_in_article import ArticleFinder
from tui_reader.ui.widgets.page import MEASURE, Page, page_for
from tui_reader.ui.widgets.section_layout import SectionHeights, SectionLines, heading_target
from tui_reader.ui.widgets.virtual_size import set_virtual_size

if TYPE_CHECKING:
    from tui_reader.core.markdown.document import Document


class DocumentView(ScrollView, can_focus=True):
    """Shows a :class:`Document`, lazily, at any size."""

    BINDINGS = DOCUMENT_BINDINGS

    @dataclass
    class Moved(Message):
        """The view moved: the current heading (scroll-spy) or position changed."""

        heading: int | None
        fraction: float
        at_end: bool

    @dataclass
    class LinkClicked(Message):
        """A link in the document was chosen (by mouse or keyboard)."""

        href: str

    @dataclass
    class AnchorMissing(Message):
        """A link asked for a heading the document does not have."""

        anchor: str

    find_text: reactive[str] = reactive("", init=False)
    """The active find-in-article text ('' when no search)."""

    def __init__(self, *, id: str | None = None, measure: int = MEASURE) -> None:
        super().__init__(id=id)
        self.document: Document | None = None
        self.measure = measure  # the text's width at most; centred past it (page.py)
        self._page = Page(0, 0, 0)
        self.section_heights = SectionHeights()
        self._cache = SectionLines()
        self._lines = self._cache.strips  # section -> its rendered lines
        self._finder = ArticleFinder()
        self._last_moved: tuple[int | None, int, bool] | None = None
        self._pending: tuple[float, str] | None = None

    @property
    def matches(self) -> list[int]:
        """The section of each match of the find text, in order."""
        return self._finder.matches

    @property
    def match_index(self) -> int:
        """Which match is current (-1: none yet)."""
        return self._finder.index

    # -- loading --------------------------------------------------------------------
    def load(self, document: Document, fraction: float = 0.0, anchor: str = "") -> None:
        """Show a document, starting at ``fraction`` (0..1) of its length, or at ``anchor``.

        The position is applied once the view has a size (it may be hidden right now).
        """
        self.document = document
        self._cache.clear()
        self._finder.search(None, "")
        self.find_text = ""
        self._last_moved = None
        self._pending = (fraction, anchor)
        self._estimate_all()
        self.scroll_to(0, 0, animate=False, immediate=True)
        self.refresh()
        if self.scrollable_content_region.height > 0:
            # Shown already: place it now, so the first frame shows the text (the next
            # refresh can be a long wait after Enter on a big article)...
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
        self._last_moved = None  # where it lands is always reported (the pane's "Resumed")
        if self.page != self._page:
            self._estimate_all()
        if anchor and self.goto_anchor(anchor):
            return
        if anchor:
            self.post_message(self.AnchorMissing(anchor))
        if fraction > 0:
            self.goto_fraction(fraction)
        else:
            self.action_home()
        self.refresh()

    # -- geometry -------------------------------------------------------------------
    @property
    def placed(self) -> bool:
        """The loaded document stands where it was asked to start (it may wait for a size)."""
        return self.document is not None and self._pending is None

    @property
    def page(self) -> Page:
        """The text's measure and margins at the pane's width now."""
        return page_for(self.scrollable_content_region.width, self.measure)

    def _estimate_all(self) -> None:
        if self.document is None:
            return
        self._page = self.page
        self.section_heights.estimate(self.document, self._page.text)
        self._cache.clear()
        self._recount()

    def _recount(self) -> None:
        self.section_heights.recount()
        set_virtual_size(self, Size(self._page.width, self.section_heights.total))

    def on_resize(self) -> None:
        if self._pending is not None:
            self._apply_pending()
            return
        if self.document is None or self.page == self._page:
            return
        fraction = self.fraction
        self._estimate_all()
        self.goto_fraction(fraction)

    def section_at(self, y: int) -> int:
        return self.section_heights.section_at(y)

    # -- rendering ------------------------------------------------------------------
    def _section_lines(self, index: int) -> list[Strip]:
        lines = self._lines.get(index)
        if lines is not None:
            return lines
        document = self.document
        assert document is not None
        strips = self._cache.render(document, index, self.app.console, self._page, self.rich_style)
        if self.find_text:
            strips = self._finder.highlight(document, index, strips)
        self._cache.keep(document, index, strips)
        return strips

    def _settle(self) -> None:
        """Render the sections in view exactly, keeping the text on screen still."""
        layout = self.section_heights
        if self.document is None or not layout.heights:
            return
        height = max(1, self.scrollable_content_region.height)
        for _ in range(8):
            top = round(self.scroll_y)
            first = layout.section_at(top)
            last = layout.section_at(top + height)
            anchor = next((i for i in range(first, last + 1) if layout.exact[i]), first)
            anchor_delta = top - layout.offsets[anchor]
            around = range(max(0, first - 1), min(len(layout.heights), last + 2))
            if not layout.measure_all(around, self._height_of):
                break
            self._recount()
            self._set_y(max(0, min(layout.offsets[anchor] + anchor_delta, self._max_y())))
        self._report_move()

    def _height_of(self, index: int) -> int:
        return len(self._section_lines(index))

    def _max_y(self) -> int:
        return max(0, self.section_heights.total - self.scrollable_content_region.height)

    def _set_y(self, y: int) -> None:
        self.scroll_to(y=y, animate=False, immediate=True)
        self.scroll_target_y = y

    def render_line(self, y: int) -> Strip:
        absolute = round(self.scroll_y) + y
        layout = self.section_heights
        if self.document is None or absolute >= layout.total:
            return Strip.blank(self.scrollable_content_region.width, self.rich_style)
        index = layout.section_at(absolute)
        lines = self._section_lines(index)
        line = absolute - layout.offsets[index]
        if line < len(lines):
            return lines[line]
        return Strip.blank(self._page.width, self.rich_style)

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
        return self.section_heights.fraction_of(self.document, round(self.scroll_y), self._max_y())

    @property
    def progress(self) -> float:
        """How far through its scrollable range the view is (0..1), for the status line."""
        return self.section_heights.progress_at(self.document, round(self.scroll_y), self._max_y())

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
        layout = self.section_heights
        if self.document is None or not layout.heights:
            return
        index = max(0, min(index, len(layout.heights) - 1))
        if layout.measure_all([index], self._height_of):
            self._recount()
        self._set_y(min(layout.offsets[index] + line, self._max_y()))
        self._settle()
        if self.top_section != index and round(self.scroll_y) < self._max_y():
            self._set_y(min(layout.offsets[index] + line, self._max_y()))
            self._settle()
        self.refresh()

    def goto_fraction(self, fraction: float) -> None:
        if self.document is None:
            return
        index, within = self.document.place_of(fraction)
        self.goto_section(index)
        self._set_y(min(self.section_heights.y_within(index, within), self._max_y()))
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
        if height <= 0 or self._pending is not None or self.page != self._page:
            return  # hidden, or about to be measured again: a jump would render anew
        layout = self.section_heights
        wanted = layout.jump_window(document.heading_sections[heading], height, self._height_of)
        # Their real heights now, not at the jump: a new virtual size means a layout pass
        # (every scrollbar on screen redrawn). The text on screen stays where it is.
        top = round(self.scroll_y)
        anchor = layout.section_at(top)
        delta = top - layout.offsets[anchor]
        if layout.measure_all([i for i in wanted if i != anchor], self._height_of):
            self._recount()
            self._set_y(max(0, min(layout.offsets[anchor] + delta, self._max_y())))

    def goto_anchor(self, anchor: str) -> bool:
        index = self.document.anchor_section(anchor) if self.document is not None else None
        if index is not None:
            self.goto_section(index)
        return index is not None

    # -- key actions ----------------------------------------------------------------
    def action_heading(self, step: int) -> None:
        """Jump to the next (step 1) or previous (step -1) heading."""
        if self.document is not None:
            top = self.top_section
            at_start = round(self.scroll_y) == self.section_heights.offsets[top]
            target = heading_target(self.document.heading_sections, top, at_start, step)
            if target is not None:
                self.goto_section(target)
            else:
                self.notify(no_heading(bool(self.document.heading_sections), step), timeout=2)

    def action_page(self, pages: float) -> None:
        height = self.scrollable_content_region.height
        step = max(1, int(height * abs(pages)) - (1 if abs(pages) >= 1 else 0))
        self.action_line(step if pages > 0 else -step)

    def action_line(self, lines: int) -> None:
        self._set_y(max(0, min(round(self.scroll_y) + lines, self._max_y())))
        self._settle()

    def action_home(self) -> None:
        self._set_y(0)
        self._settle()

    def action_end(self) -> None:
        for _ in range(4):
            self._set_y(self._max_y())
            self._settle()
            if round(self.scroll_y) >= self._max_y():
                break

    # -- links ----------------------------------------------------------------------
    def action_follow_link(self, section: int, index: int) -> None:
        links = self._cache.links.get(section, [])
        if 0 <= index < len(links):
            self.post_message(self.LinkClicked(links[index]))

    def all_links(self) -> list[tuple[str, str]]:
        """(text, href) of every link, from a cheap scan of the whole body."""
        from tui_reader.core.markdown.links import find_links

        return find_links(self.document.body) if self.document else []

    # -- find -----------------------------------------------------------------------
    def watch_find_text(self, query: str) -> None:
        self._finder.search(self.document, query)
        self._lines.clear()
        self.refresh()

    def action_find_step(self, step: int) -> None:
        """Move to the next (1) or previous (-1) match, wrapping around (n, N)."""
        document = self.document
        if not self.matches or document is None:
            self.notify(no_match(self.find_text, named(self.app, "find")), markup=False)
            return
        section = self._finder.step(document, step, self.top_section)
        self._lines.clear()  # the current match is marked differently now
        strips = self._section_lines(section)
        line = max(0, self._finder.current_line(document, section, strips))
        self.goto_section(section)
        height = self.scrollable_content_region.height
        target = self.section_heights.offsets[section] + line - height // 3
        self._set_y(max(0, min(target, self._max_y())))
        self._settle()
        self._last_moved = None  # the match counter changed: always report
        self._report_move()
        self.refresh()
