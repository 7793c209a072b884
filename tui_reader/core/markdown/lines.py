"""One line scanner for Markdown's block structure: code fences, and where headings are.

Everything that needs to know what is code and what is a heading without a full parse
comes here: the contents list and ``[`` / ``]`` (:func:`heading_blocks`), and the cheap
passes that only step over fenced code (:func:`fence_opening`, :func:`closes_fence`).

:func:`heading_blocks` follows CommonMark's block rules as markdown-it applies them, with
the app's table extension: block quotes, list items (a fence may open on the marker line),
lazy continuation lines, fenced and indented code, HTML blocks, setext headings of several
lines and tables. It stays a line pass, not a parse: outside quotes and lists one regular
expression jumps to the next line that can start a block, so ordinary prose costs nothing;
inside them each line is matched against the open containers, as the spec describes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from tui_reader.core.markdown.leaves import (
    after_quote_mark,
    atx_text,
    delimiter_cells,
    header_cells,
    html_end,
    html_kind,
    lines_between,
    skip_spaces,
    take_columns,
    without_references,
)

# --- fences -------------------------------------------------------------------------------

_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")


def fence_opening(line: str) -> str:
    """The fence (three or more backticks or tildes) this line opens, or ''."""
    opening = _FENCE.match(line)
    if opening is None:
        return ""
    fence = opening.group(1)
    if fence[0] == "`" and "`" in line[opening.end() :]:
        return ""  # backticks in the info string: inline code, not a fence
    return fence


def closes_fence(line: str, fence: str) -> bool:
    """True if ``line`` closes a block opened by ``fence``: as long or longer, nothing after."""
    closing = _FENCE.match(line)
    return (
        closing is not None
        and closing.group(1)[0] == fence[0]
        and len(closing.group(1)) >= len(fence)
        and not line[closing.end() :].strip(" \t")
    )


def opens_list_item(line: str) -> bool:
    """True if ``line`` starts with a list marker (``-``, ``*``, ``+``, ``1.``, ``1)``)."""
    marker = _BULLET.match(line)
    return marker is not None and line[marker.end() : marker.end() + 1] in ("", " ", "\t")


# Lines that may open or close a fence; the "\n" in front lets the engine jump between lines.
_FENCE_LINE = re.compile(r"\n {0,3}(?:`{3,}|~{3,})[^\n]*")


def code_and_prose(markdown: str) -> Iterator[tuple[bool, str]]:
    """Split a body into ``(is_code, text)`` runs at fence lines, which are dropped.

    Only fences at the left margin count (this pass knows nothing of lists or quotes).
    Each run starts with "\\n", as whole-text patterns that jump between lines expect.
    """
    markdown = "\n" + markdown
    if "```" not in markdown and "~~~" not in markdown:
        yield False, markdown
        return
    position = 0
    fence = ""
    for match in _FENCE_LINE.finditer(markdown):
        line = match.group()[1:]
        if not fence:
            fence = fence_opening(line)
            if fence:
                yield False, markdown[position : match.start()]
                position = match.end()
        elif closes_fence(line, fence):
            yield True, markdown[position : match.start()]
            fence = ""
            position = match.end()
    yield bool(fence), markdown[position:]


# --- block structure ----------------------------------------------------------------------

# A line that may start or end a block when no quote or list is open. The text gets a "\n"
# in front, so the engine jumps from line break to line break.
_BLOCK_START = re.compile(r"\n(?= {0,3}[#`~><=*_+|:0-9-]| {0,3}\t| {4})")
_BLANK_LINE = re.compile(r"\n[ \t]*(?=\n|\Z)")
_CODE_END = re.compile(r"\n {0,3}[^ \t\n]")
_ATX = re.compile(r"(#{1,6})(?:[ \t]|$)")
_PROSE_ITEM = re.compile(r"(?:[-*+]|\d{1,9}[.)]) {1,4}(?=[^\W\d_])")  # "- Text"
_TOP_ATX = re.compile(r" {0,3}(#{1,6})(?:[ \t]([^\n]*))?(?=\n|\Z)")
_BULLET = re.compile(r"[-+*]|(\d{1,9})[.)]")
_HR = re.compile(r"(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$")
_UNDERLINE = re.compile(r"(=+|-+)[ \t]*$")


class _Container:
    """An open block quote, or list item, around the current line."""

    __slots__ = ("quote", "width", "filled")

    def __init__(self, quote: bool, width: int = 0, filled: bool = False) -> None:
        self.quote = quote
        self.width = width  # list item: columns its content is indented by
        self.filled = filled  # list item: has content (an empty item ends at a blank line)


class _Found(NamedTuple):
    """A heading: its first and last line's offsets, level and raw text."""

    start: int
    end: int
    level: int
    content: str
    alone: bool  # its line opens or marks (">") every container it is in


class _Scanner:
    """The state of one pass over a body: open containers, and the open leaf block."""

    def __init__(self, text: str) -> None:
        self.text = text  # the body with "\n" in front: offsets are one past the body's
        self.found: list[_Found] = []
        self.containers: list[_Container] = []
        self.leaf = ""  # "", "para", "table", "fence", "code" or "html"
        self.para: list[tuple[int, str]] = []  # the paragraph's lines, inside containers
        self.para_start = -1  # offset of the paragraph's first line
        self.fence = ""
        self.explicit = True  # this line's containers are all opened or marked on it
        self.para_explicit = True  # the same, for the paragraph's first line
        self.html_end: re.Pattern[str] | None = None

    def run(self) -> list[_Found]:
        text = self.text
        position = 1  # start of the next line to look at
        size = len(text)
        while position < size:
            if not self.containers and self.leaf in ("", "para", "table"):
                match = _BLOCK_START.search(text, position - 1)
                if match is None:
                    break
                line_start = match.end()
                if line_start > position:
                    self._skip_plain(position, line_start)
                position = line_start
                if self.leaf == "table" and text[position] == "|":
                    position = text.find("\n", position) + 1 or size  # a row
                    continue
                atx = _TOP_ATX.match(text, position)
                if atx is not None:  # the usual case, without the general line's work
                    self.explicit = True
                    self._atx(position, atx.end(), atx.group(2), len(atx.group(1)))
                    position = atx.end() + 1
                    continue
            elif not self.containers and self.leaf in ("fence", "code", "html"):
                position = self._skip_block(position)
                continue
            elif (after := self._in_simple_list(position)) > 0:
                position = after
                continue
            end = text.find("\n", position)
            end = size if end < 0 else end
            self._line(position, end)
            position = end + 1
        return self.found

    def _in_simple_list(self, position: int) -> int:
        """The common lines in lists and quotes, without the general line's work: a blank
        line, a new item of prose, or a heading after the list. Where to go on; 0 if not."""
        if self.leaf not in ("", "para", "table"):
            return 0
        text = self.text
        if text[position] == "\n":  # items with content go on over it; quotes end
            kept = 0
            for container in self.containers:
                if container.quote or not container.filled:
                    break
                kept += 1
            self._close(kept)
            return position + 1
        if self.leaf == "table" or any(c.quote or not c.filled for c in self.containers):
            return 0
        first = text[position]
        end = text.find("\n", position)
        end = len(text) if end < 0 else end
        if first == "#" and (atx := _TOP_ATX.match(text, position)) is not None:
            self.containers.clear()  # at the margin: in no item
            self.explicit = True
            self._atx(position, atx.end(), atx.group(2), len(atx.group(1)))
            return end + 1
        item = _PROSE_ITEM.match(text, position)
        if item is None:
            return 0
        # An item at the margin ends the open ones and starts a paragraph in a new one.
        self.containers[:] = [_Container(False, item.end() - position, True)]
        self.leaf, self.para_start = "para", position
        self.para, self.para_explicit = [(position, text[item.end() : end])], True
        return end + 1

    # -- top level, between block starts ------------------------------------------------
    def _skip_plain(self, start: int, end: int) -> None:
        """Lines start..end hold only prose and blank lines: work out the state after them."""
        text = self.text
        last = text.rfind("\n", start - 1, end - 1) + 1
        if not text[last : end - 1].strip(" \t"):
            self.leaf, self.para_start = "", -1
            return
        if self.leaf and not _BLANK_LINE.search(text, start - 1, end - 1):
            return  # the paragraph, or the table's rows, go on
        self.leaf = "para"
        self.para_explicit = True
        line = last
        while line > start:
            previous = text.rfind("\n", start - 1, line - 1) + 1
            if not text[previous : line - 1].strip(" \t"):
                break
            line = previous
        self.para_start = line

    def _skip_block(self, position: int) -> int:
        """Step over a top-level fence, indented code or HTML block; where to go on."""
        text = self.text
        if self.leaf == "code":
            match = _CODE_END.search(text, position - 1)
            self.leaf = ""
            return match.start() + 1 if match else len(text)
        if self.leaf == "fence":
            for match in _FENCE_LINE.finditer(text, position - 1):
                if closes_fence(match.group()[1:], self.fence):
                    self.leaf = ""
                    return match.end() + 1
            return len(text)
        self.leaf = ""
        if self.html_end is None:
            match = _BLANK_LINE.search(text, position - 1)
            return match.start() + 1 if match else len(text)
        match = self.html_end.search(text, position)
        if match is None:
            return len(text)
        end = text.find("\n", match.end())
        return len(text) if end < 0 else end + 1

    # -- one line ---------------------------------------------------------------------------
    def _line(self, start: int, end: int) -> None:
        line = self.text[start:end]
        containers = self.containers
        pos = col = 0
        matched = 0
        for container in containers:
            if container.quote:
                # Any indent: markdown-it does not hold a quote's later lines to three spaces.
                spot, spot_col = skip_spaces(line, pos, col)
                if spot >= len(line) or line[spot] != ">":
                    break
                pos, col = after_quote_mark(line, spot + 1, spot_col + 1)
            elif not line[pos:].strip(" \t"):
                if not container.filled:
                    break
                pos, col = len(line), col
            else:
                spot, spot_col = skip_spaces(line, pos, col)
                if spot_col - col < container.width:
                    break
                pos, col = take_columns(line, pos, col, container.width)
            matched += 1
        all_matched = matched == len(containers)
        self.explicit = all(container.quote for container in containers[:matched])
        blank = not line[pos:].strip(" \t")
        if not blank:
            for container in containers[:matched]:
                container.filled = True
        if (
            self.leaf in ("fence", "html", "code")
            and all_matched
            and self._in_block(line, pos, col, blank)
        ):
            return
        paragraph = self.leaf == "para"
        opened = False
        while True:
            spot, spot_col = skip_spaces(line, pos, col)
            rest = line[spot:]
            if spot_col - col >= 4:
                if blank or (paragraph and not self._ends_lazily(rest, spot_col - col, matched)):
                    break
                self._close(matched)
                self.leaf = "code"
                return
            first = rest[:1]
            if first == ">":
                self._close(matched)
                paragraph = False
                containers.append(_Container(True))
                matched = len(containers)
                opened = True
                pos, col = after_quote_mark(line, spot + 1, spot_col + 1)
                blank = not line[pos:].strip(" \t")
                continue
            if first == "#" and (atx := _ATX.match(rest)):
                self._close(matched)
                self._atx(start, end, rest[atx.end(1) :], len(atx.group(1)))
                return
            if first in "`~" and (fence := fence_opening(rest)):
                self._close(matched)
                self.leaf, self.fence = "fence", fence
                return
            plain = self.leaf in ("para", "table") and all_matched and not opened
            # markdown-it lets no HTML block of the seventh kind end a paragraph, lazy or not.
            if first == "<" and (kind := html_kind(rest, plain or paragraph)) >= 0:
                self._close(matched)
                self.leaf, self.html_end = "html", html_end(kind)
                if self.html_end is not None and self.html_end.search(rest):
                    self.leaf = ""
                return
            if paragraph and all_matched and not opened:
                if self._table(rest, spot_col - col, start):
                    return
                if first in "=-" and (underline := _UNDERLINE.match(rest)):
                    self._setext(start, end, 1 if underline.group(1)[0] == "=" else 2)
                    return
            if first in "*-_" and _HR.match(rest):
                self._close(matched)
                self.leaf = ""
                return
            item = self._list_item(
                line, spot, spot_col, col, paragraph and all_matched and not opened
            )
            if item is None:
                break
            self._close(matched)
            paragraph = False
            containers.append(item[0])
            matched = len(containers)
            opened = True
            pos, col = item[1], item[2]
            blank = not line[pos:].strip(" \t")
        if self.leaf == "table" and plain and not blank:
            return  # a row
        self._text(start, line[pos:], matched, blank, paragraph and not opened)

    def _ends_lazily(self, rest: str, indent: int, matched: int) -> bool:
        """markdown-it's reading of a lazy line indented four or more, but less than the list
        item it fails to continue or after two quotes: a heading, fence, quote, rule or HTML
        there ends the paragraph, and the line is then indented code (CommonMark would
        continue the paragraph)."""
        unmatched = self.containers[matched:]
        # After an outer quote marks the line lazy, the blocks inside it see no indent.
        unseen = len(unmatched) > 1 and unmatched[0].quote
        if not unseen and (
            not unmatched
            or any(container.quote for container in unmatched)
            or indent - sum(container.width for container in unmatched) >= 4
        ):
            return False
        first = rest[:1]
        if first == "#":
            return _ATX.match(rest) is not None
        if first in "`~":
            return bool(fence_opening(rest))
        if first in "*-_" and _HR.match(rest):
            return True
        return first == ">" or (first == "<" and 0 <= html_kind(rest, True) < 6)

    def _text(self, start: int, rest: str, matched: int, blank: bool, continues: bool) -> None:
        """A line that starts no block: a blank or a paragraph's line."""
        if blank:
            self._close(matched)
            return
        if continues:  # a continuation line, lazy or not
            if self.containers:
                self.para.append((start, rest))
            return
        self._close(matched)
        self.leaf = "para"
        self.para_start = start
        self.para_explicit = self.explicit
        self.para = [(start, rest)] if self.containers else []

    def _close(self, matched: int) -> None:
        """Close the containers past the first ``matched``, and the open leaf block."""
        del self.containers[matched:]
        self.leaf = ""
        self.para_start = -1

    # -- leaf blocks ------------------------------------------------------------------------
    def _in_block(self, line: str, pos: int, col: int, blank: bool) -> bool:
        """Handle a line inside a fence, indented code or HTML block; False if it ends it."""
        if self.leaf == "fence":
            spot, spot_col = skip_spaces(line, pos, col)
            if spot_col - col < 4 and closes_fence(line[spot:], self.fence):
                self.leaf = ""
            return True
        if self.leaf == "code":
            spot, spot_col = skip_spaces(line, pos, col)
            if blank or spot_col - col >= 4:
                return True
            self.leaf = ""
            return False
        if self.html_end is None:
            if blank:
                self.leaf = ""
            return True
        if self.html_end.search(line, pos):
            self.leaf = ""
        return True

    def _atx(self, start: int, end: int, content: str | None, level: int) -> None:
        self.found.append(_Found(start - 1, end, level, atx_text(content), self.explicit))
        self.leaf = ""
        self.para_start = -1

    def _setext(self, start: int, end: int, level: int) -> None:
        lines = self._paragraph_lines(start)
        alone = self.para_explicit
        if lines and lines[0][1].lstrip(" \t").startswith("["):
            lines = without_references(lines, "=" * 3 if level == 1 else "-" * 3)
            alone = alone and not self.containers
        if lines:
            content = "\n".join(text for _, text in lines).strip(" \t\n")
            self.found.append(_Found(lines[0][0] - 1, end, level, content, alone))
        self.leaf = ""
        self.para_start = -1
        self.para = []

    def _paragraph_lines(self, upto: int) -> list[tuple[int, str]]:
        if self.containers:
            return list(self.para)
        return lines_between(self.text, self.para_start, upto)

    def _table(self, rest: str, indent: int, start: int) -> bool:
        """A delimiter row under a paragraph's last line with as many cells: a table."""
        cells = delimiter_cells(rest) if indent < 4 else -1
        if cells < 0:
            return False
        header = self._paragraph_lines(start)[-1][1].strip(" \t")
        if "|" not in header or header_cells(header) != cells:
            return False
        self.leaf = "table"
        self.para = []
        return True

    def _list_item(
        self, line: str, spot: int, spot_col: int, col: int, interrupts: bool
    ) -> tuple[_Container, int, int] | None:
        if spot_col - col > 3:
            return None
        bullet = _BULLET.match(line, spot)
        if bullet is None:
            return None
        after = bullet.end()
        if after < len(line) and line[after] not in " \t":
            return None
        empty = not line[after:].strip(" \t")
        if interrupts and (empty or (bullet.group(1) is not None and int(bullet.group(1)) != 1)):
            return None
        marker_col = spot_col + after - spot
        content, content_col = skip_spaces(line, after, marker_col)
        padding = content_col - marker_col
        if empty or padding > 4 or padding < 1:
            content, content_col = take_columns(line, after, marker_col, 1)
            padding = 1
        width = marker_col + padding - col
        return _Container(False, width, not empty), content, content_col


def heading_blocks(markdown: str) -> list[tuple[int, int, int, str, bool]]:
    """Each heading as (offset of its first line, offset past its last, level, raw text,
    alone): ``alone`` when every list or quote it is in is opened or marked on its first
    line, so the text from there on still holds it when parsed by itself."""
    return [
        (found.start, found.end - 1, found.level, found.content, found.alone)
        for found in _Scanner("\n" + markdown).run()
    ]
