"""Find in article: where a query occurs in a document, which match is current, and how
the rendered lines show the matches (every one marked, the current one brighter).

Matches are counted in the text the reader shows: each section's plain text (link text
but not URLs, code but not markup), worked out once per document on the first search.
"""

from __future__ import annotations

import bisect
import re
from typing import TYPE_CHECKING

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from tui_reader.core.markdown.text import plain_text

if TYPE_CHECKING:
    from tui_reader.core.markdown.document import Document

MATCH = Style(bgcolor="yellow", color="black")
CURRENT_MATCH = Style(bgcolor="bright_red", color="white", bold=True)


class ArticleFinder:
    """The matches of one query in one document, and the current one."""

    def __init__(self) -> None:
        self.matches: list[int] = []  # the section of each match, in order
        self.index = -1  # the current match; -1 before the first step
        self._pattern: re.Pattern[str] | None = None
        self._shown: tuple[Document, list[str]] | None = None  # a document's section texts

    def search(self, document: Document | None, query: str) -> None:
        self.index = -1
        self._pattern = re.compile(re.escape(query), re.IGNORECASE) if query else None
        if document is None:
            self._shown = None  # a new document is coming: let the old texts go
        if document is None or self._pattern is None:
            self.matches = []
            return
        pattern = self._pattern
        self.matches = [
            section
            for section, text in enumerate(self._shown_text(document))
            for _ in range(len(pattern.findall(text)))
        ]

    def _shown_text(self, document: Document) -> list[str]:
        """The plain text of each section, kept while the document stays the same."""
        if self._shown is None or self._shown[0] is not document:
            texts = [
                plain_text(document.section_text(index), True, document.footnotes)
                for index in range(len(document))
            ]
            self._shown = (document, texts)
        return self._shown[1]

    def step(self, document: Document, step: int, here: int) -> int:
        """Move to the next (1) or previous (-1) match, wrapping; its section.

        The first step goes to the first match from section ``here`` on, or before it.
        """
        if self.index < 0:
            position = bisect.bisect_left(self.matches, here)
            self.index = (position if step > 0 else position - 1) % len(self.matches)
        else:
            self.index = (self.index + step) % len(self.matches)
        return self._occurrence(document)[0]

    def _occurrence(self, document: Document) -> tuple[int, int]:
        """(section, n): the current match is the n-th of its section."""
        section = self.matches[self.index]
        return section, self.index - bisect.bisect_left(self.matches, section)

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
