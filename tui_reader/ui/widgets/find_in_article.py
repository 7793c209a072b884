"""Find in article: where a query occurs in a document, which match is current, and how
the rendered lines show the matches (every one marked, the current one brighter).
"""

from __future__ import annotations

import bisect
import re
from typing import TYPE_CHECKING

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

if TYPE_CHECKING:
    from tui_reader.core.markdown.document import Document

MATCH = Style(bgcolor="yellow", color="black")
CURRENT_MATCH = Style(bgcolor="bright_red", color="white", bold=True)


class ArticleFinder:
    """The matches of one query in one document, and the current one."""

    def __init__(self) -> None:
        self.matches: list[int] = []  # character offsets in the body
        self.index = -1  # the current match; -1 before the first step
        self._pattern: re.Pattern[str] | None = None

    def search(self, document: Document | None, query: str) -> None:
        self.matches = document.find(query) if document is not None and query else []
        self.index = -1
        self._pattern = re.compile(re.escape(query), re.IGNORECASE) if query else None

    def step(self, document: Document, step: int, here: int) -> int:
        """Move to the next (1) or previous (-1) match, wrapping; its section.

        The first step goes to the first match after ``here`` (a body offset), or before it.
        """
        if self.index < 0:
            position = bisect.bisect_left(self.matches, here)
            self.index = (position if step > 0 else position - 1) % len(self.matches)
        else:
            self.index = (self.index + step) % len(self.matches)
        return self._occurrence(document)[0]

    def _occurrence(self, document: Document) -> tuple[int, int]:
        """(section, n): the current match is the n-th of its section."""
        offset = self.matches[self.index]
        section = document.section_at_offset(offset)
        first = bisect.bisect_left(self.matches, document.sections[section].offset)
        return section, self.index - first

    def current_line(self, document: Document, section: int, strips: list[Strip]) -> int:
        """The line of ``strips`` (a rendered section) that holds the current match, or -1."""
        if self._pattern is None or not 0 <= self.index < len(self.matches):
            return -1
        match_section, nth = self._occurrence(document)
        if match_section != section:
            return -1
        seen = 0
        last = -1
        for number, strip in enumerate(strips):
            found = len(self._pattern.findall(strip.text))
            if found:
                last = number
            if seen + found > nth:
                return number
            seen += found
        return last

    def highlight(self, document: Document, section: int, strips: list[Strip]) -> list[Strip]:
        """A rendered section with every match marked."""
        pattern = self._pattern
        if pattern is None:
            return strips
        current_line = self.current_line(document, section, strips)
        out: list[Strip] = []
        for number, strip in enumerate(strips):
            spans = [(m.start(), m.end()) for m in pattern.finditer(strip.text)]
            if not spans:
                out.append(strip)
                continue
            style = CURRENT_MATCH if number == current_line else MATCH
            out.append(_style_spans(strip, spans, style))
        return out


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
