"""Turn markdown-it tokens into Rich renderables, one section at a time.

Text is only ever added to Rich ``Text`` objects with ``append`` — never parsed as markup —
so nothing an article says can style the screen or run an action. Links are recorded in a
table and carry only their index (``follow_link(3)``) in click metadata.

Pathological input is capped here, and the cap is said on screen: code lines longer than
:data:`MAX_CODE_LINE`, code blocks longer than :data:`MAX_CODE_LINES`, tables with more
than :data:`MAX_TABLE_ROWS` rows, paragraphs longer than :data:`MAX_PARAGRAPH`, and
quotes or lists nested deeper than markdown-it's cap.

Sections are parsed on the UI thread when they come into view, so a section markdown-it
would take seconds over is not parsed at all (:func:`render_document_section`): one of
more than :data:`MAX_SECTION_CHARS` characters (markdown-it's line scan alone takes 4 s
for 5 MB), more than :data:`MAX_FORMAT_CHARS` characters outside code fences (a 20,000-row
table takes about 3 s), or more than :data:`MAX_INLINE_MARKS` characters that open inline
markup (about 0.1 ms each). It is shown as plain text, with a note.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from markdown_it.token import Token
from rich import box
from rich.cells import cell_len, chop_cells, set_cell_size
from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.rule import Rule
from rich.segment import Segment
from rich.style import Style
from rich.syntax import Syntax
from rich.table import Table
from rich.text import Text

from tui_reader.core.markdown.document import MAX_NESTING
from tui_reader.core.markdown.lines import code_and_prose
from tui_reader.ui.pictures.markdown import images_in, only_images
from tui_reader.ui.widgets.page import Wide
from tui_reader.ui import render_dialect as dialect

if TYPE_CHECKING:
    from tui_reader.core.markdown.document import Document
    from tui_reader.ui.pictures.shelf import PictureShelf

MAX_CODE_LINE = 2_000
MAX_CODE_LINES = 3_000
MAX_HIGHLIGHT_CHARS = 100_000
MAX_HIGHLIGHT_LINES = 300
MAX_TABLE_ROWS = 500
MAX_PARAGRAPH = 200_000
MAX_FORMAT_CHARS = 50_000  # characters outside code fences in one section
MAX_SECTION_CHARS = 300_000  # characters in one section, code included (5 MB of code: 4 s)
MAX_PLAIN = 100_000  # characters of a section shown as plain text
MAX_INLINE_MARKS = 4_000  # characters that start inline markup, outside code fences
_INLINE_MARKS = "[]!*_`<&\\~"

NOTE = Style(color="yellow", italic=True)
HEADING_STYLES = {
    1: Style(bold=True, color="bright_magenta", underline=True),
    2: Style(bold=True, color="bright_cyan"),
    3: Style(bold=True, color="cyan"),
    4: Style(bold=True, italic=True),
    5: Style(italic=True),
    6: Style(italic=True, dim=True),
}
LINK_STYLE = Style(color="bright_blue", underline=True)
CODE_INLINE = Style(color="bright_yellow", bgcolor="grey15")
CODE_BLOCK = Style(color="grey89", bgcolor="grey11")


@dataclass
class Rendered:
    """What one section became: renderables, plus the links found in it."""

    blocks: list[RenderableType] = field(default_factory=list)
    links: list[str] = field(default_factory=list)


class Prefixed:
    """Render something narrower, with a prefix on each line (list markers, quote bars)."""

    def __init__(self, renderable: RenderableType, first: Text, rest: Text) -> None:
        self.renderable = renderable
        self.first = first
        self.rest = rest

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        indent = max(self.first.cell_len, self.rest.cell_len)
        width = max(1, options.max_width - indent)
        lines = console.render_lines(self.renderable, options.update_width(width), pad=False)
        for number, line in enumerate(lines):
            prefix = self.first if number == 0 else self.rest
            yield from prefix.render(console)
            pad = indent - prefix.cell_len
            if pad:
                yield Segment(" " * pad)
            yield from line
            yield Segment.line()


class CodeLines:
    """Code drawn as it is, one padded line after another, folded at the width.

    No highlighting and no Text wrapping: a few microseconds a line, for code blocks too
    long for Rich's Syntax to draw without stalling the interface.
    """

    def __init__(self, lines: list[str], style: Style) -> None:
        self.lines = lines
        self.style = style

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = max(1, options.max_width - 2)
        style = self.style
        pad = Segment(" ", style)
        for line in self.lines:
            line = line.expandtabs(4)
            if line.isascii():
                chunks = [line[i : i + width] for i in range(0, len(line), width)] or [""]
                pieces = [chunk + " " * (width - len(chunk)) for chunk in chunks]
            else:
                pieces = [set_cell_size(chunk, width) for chunk in chop_cells(line, width)]
            for piece in pieces or [" " * width]:
                yield pad
                yield Segment(piece, style)
                yield pad
                yield Segment.line()


class Stack:
    """Several renderables one after another, each starting on a line of its own."""

    def __init__(self, items: list[RenderableType]) -> None:
        self.items = items

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for item in self.items:
            # Inline text is built with end="" (the pane renders top-level blocks one by
            # one); inside a list item or a quote that would glue "• a" to a nested "• b"
            # and swallow blank lines between paragraphs.
            if isinstance(item, Text) and item.end != "\n":
                item = item.copy()
                item.end = "\n"
            yield item


class SectionRenderer:
    """Walks the tokens of one section and builds renderables."""

    def __init__(
        self, links: list[str], section: int = 0, pictures: PictureShelf | None = None
    ) -> None:
        self.links = links
        self.section = section
        self.pictures = pictures
        self.notes_begun = False  # a rule goes above the first footnote

    def framed(self, items: list[RenderableType], first: Text, rest: Text) -> RenderableType:
        return Prefixed(Stack(items), first, rest)

    def _link_style(self) -> Style:
        """Link style whose click metadata holds only numbers, never text from the page."""
        action = f"follow_link({self.section}, {len(self.links) - 1})"
        return LINK_STYLE + Style.from_meta({"@click": action})

    # -- inline ---------------------------------------------------------------------
    def inline(self, token: Token, base: Style | None = None) -> Text:
        text = Text(style=base or "", end="")
        styles: list[Style] = []
        for child in token.children or []:
            kind = child.type
            current = Style.combine(styles) if styles else None
            if kind == "text":
                text.append(child.content, current)
            elif kind == "softbreak":
                text.append(" ", current)
            elif kind == "hardbreak":
                text.append("\n")
            elif kind == "code_inline":
                text.append(child.content, CODE_INLINE)
            elif kind in ("strong_open", "em_open", "s_open"):
                styles.append(
                    Style(bold=True)
                    if kind == "strong_open"
                    else Style(italic=True)
                    if kind == "em_open"
                    else Style(strike=True)
                )
            elif kind == "link_open":
                href = str(child.attrGet("href") or "")
                self.links.append(href)
                styles.append(self._link_style())
            elif kind in ("strong_close", "em_close", "s_close", "link_close"):
                if styles:
                    styles.pop()
            elif kind == "image":
                alt = child.content or "image"
                src = str(child.attrGet("src") or "")
                self.links.append(src)
                text.append(f"[image: {alt}]", self._link_style())
            elif kind == "html_inline":
                continue
            elif kind == "footnote_ref":
                text.append_text(dialect.footnote_marker(child))
            else:
                text.append(child.content, current)
        if len(text) > MAX_PARAGRAPH:
            text.truncate(MAX_PARAGRAPH)
            text.append(f" … [paragraph cut at {MAX_PARAGRAPH:,} characters]", NOTE)
        return text

    # -- blocks ---------------------------------------------------------------------
    def blocks(self, tokens: list[Token], start: int, end: int) -> list[RenderableType]:
        """Render tokens[start:end], a run of sibling blocks."""
        out: list[RenderableType] = []
        index = start
        while index < end:
            token = tokens[index]
            close = self._closing(tokens, index, end)
            kind = token.type
            if kind == "heading_open":
                level = int(token.tag[1:])
                title = dialect.heading_title(self, tokens[index + 1], HEADING_STYLES.get(level))
                marker = Text("#" * level + " ", style=Style(dim=True))
                out.append(Text.assemble(marker, title))
                out.append(Text(""))
            elif kind == "paragraph_open":
                drawn = self._pictures(tokens[index + 1])
                feed = self.pictures is not None and self.pictures.feed_labels
                if not (drawn and only_images(tokens[index + 1], feed)):
                    out.append(self.inline(tokens[index + 1]))
                out.extend(drawn)
                if not token.hidden:
                    out.append(Text(""))
            elif kind in ("bullet_list_open", "ordered_list_open"):
                out.append(self._list(tokens, index, close))
                if token.level == 0:
                    out.append(Text(""))
            elif kind == "blockquote_open" and (box_ := dialect.alert(self, tokens, index, close)):
                out += [box_, Text("")]
            elif kind == "dl_open":
                out += [dialect.definition_list(self, tokens, index, close), Text("")]
            elif kind == "footnote_reference_open":
                out += dialect.footnote_note(self, tokens, index, close, not self.notes_begun)
                self.notes_begun = True
            elif kind == "blockquote_open":
                inner = self.blocks(tokens, index + 1, close)
                while inner and isinstance(inner[-1], Text) and not inner[-1].plain:
                    inner.pop()
                bar = Text("▌ ", style=Style(color="magenta"))
                out.append(Prefixed(Stack(inner), bar, bar))
                out.append(Text(""))
            elif kind in ("fence", "code_block"):
                out.append(Wide(self._code(token), _code_width(token.content)))
                out.append(Text(""))
            elif kind == "table_open":
                out.append(Wide(self._table(tokens, index, close)))
                out.append(Text(""))
            elif kind == "hr":
                out.append(Rule(style=Style(dim=True)))
                out.append(Text(""))
            elif kind == "html_block":
                text = _strip_tags(token.content).strip()
                if text:
                    out.append(Text(text, style=Style(dim=True)))
                    out.append(Text(""))
            elif kind == "inline":
                out.append(self.inline(token))
            index = close + 1
        return out

    def _pictures(self, inline: Token) -> list[RenderableType]:
        """The pictures of a paragraph's images, drawn under its text (none when
        pictures are off: the text keeps its ``[image: alt]`` labels)."""
        if self.pictures is None or not self.pictures.active:
            return []
        drawn: list[RenderableType] = []
        for src, alt in images_in(inline, self.pictures.feed_labels):
            block = self.pictures.block(src, alt, self.section)
            if block is not None:
                drawn.append(block)
        return drawn

    def closing(self, tokens: list[Token], index: int, end: int) -> int:
        return self._closing(tokens, index, end)

    @staticmethod
    def _closing(tokens: list[Token], index: int, end: int) -> int:
        """Index of the token that closes tokens[index] (itself for a leaf block)."""
        if tokens[index].nesting != 1:
            return index
        depth = 0
        for position in range(index, end):
            depth += tokens[position].nesting
            if depth == 0:
                return position
        return end - 1

    def _list(self, tokens: list[Token], start: int, close: int) -> RenderableType:
        ordered = tokens[start].type == "ordered_list_open"
        number = int(tokens[start].attrGet("start") or 1) if ordered else 0
        items: list[RenderableType] = []
        index = start + 1
        while index < close:
            item_close = self._closing(tokens, index, close)
            inner = self.blocks(tokens, index + 1, item_close)
            while inner and isinstance(inner[-1], Text) and not inner[-1].plain:
                inner.pop()
            if ordered:
                marker = Text(f"{number}. ", style=Style(color="bright_cyan"))
                number += 1
            else:
                marker = Text("• ", style=Style(color="bright_cyan"))
            blank = Text(" " * marker.cell_len)
            items.append(Prefixed(Stack(inner or [Text("")]), marker, blank))
            index = item_close + 1
        return Stack(items)

    def _code(self, token: Token) -> RenderableType:
        code = token.content.rstrip("\n")
        notes: list[str] = []
        lines = code.split("\n")
        if len(lines) > MAX_CODE_LINES:
            notes.append(f"code block cut at {MAX_CODE_LINES:,} of {len(lines):,} lines")
            lines = lines[:MAX_CODE_LINES]
        long_lines = 0
        for number, line in enumerate(lines):
            if len(line) > MAX_CODE_LINE:
                lines[number] = line[:MAX_CODE_LINE] + " …"
                long_lines += 1
        if long_lines:
            notes.append(f"{long_lines:,} long line(s) cut at {MAX_CODE_LINE:,} characters")
        code = "\n".join(lines)
        language = (token.info or "").strip().split(" ")[0] if token.type == "fence" else ""
        if len(code) > MAX_HIGHLIGHT_CHARS or len(lines) > MAX_HIGHLIGHT_LINES:
            # Rich's Syntax takes about 1 ms a line, highlighted or not: long blocks are
            # drawn line by line instead, which costs a small fraction of that.
            notes.append("too long to highlight")
            return Stack([CodeLines(lines, CODE_BLOCK), Text(f"[{'; '.join(notes)}]", style=NOTE)])
        syntax = Syntax(
            code,
            language or "text",
            theme="monokai",
            word_wrap=True,
            background_color="grey11",
            padding=(0, 1),
        )
        if not notes:
            return syntax
        return Stack([syntax, Text(f"[{'; '.join(notes)}]", style=NOTE)])

    def _table(self, tokens: list[Token], start: int, close: int) -> RenderableType:
        table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=False)
        rows: list[list[Text]] = []
        header: list[Text] = []
        in_head = False
        row: list[Text] = []
        for index in range(start, close):
            token = tokens[index]
            if token.type == "thead_open":
                in_head = True
            elif token.type == "thead_close":
                in_head = False
            elif token.type == "tr_open":
                row = []
            elif token.type in ("th_open", "td_open"):
                row.append(self.inline(tokens[index + 1]))
            elif token.type == "tr_close":
                if in_head:
                    header = row
                else:
                    rows.append(row)
        for cell in header:
            # Folded, not cut with "…": a word longer than its column goes on below.
            table.add_column(cell, header_style=Style(bold=True), overflow="fold")
        extra = len(rows) - MAX_TABLE_ROWS
        for cells in rows[:MAX_TABLE_ROWS]:
            table.add_row(*cells)
        if extra > 0:
            note = Text(f"[table cut: {extra:,} more rows not shown]", style=NOTE)
            return Stack([table, note])
        return table


def render_section(
    tokens: list[Token], section: int = 0, pictures: PictureShelf | None = None
) -> Rendered:
    """Render one section's tokens (``pictures``: draw its images, with a cover first)."""
    result = Rendered()
    renderer = SectionRenderer(result.links, section, pictures)
    result.blocks = renderer.blocks(tokens, 0, len(tokens))
    if section == 0 and pictures is not None:
        cover = pictures.cover_block()
        if cover is not None:
            result.blocks[:0] = [cover, Text("")]
    return result


def render_document_section(
    document: Document, index: int, pictures: PictureShelf | None = None
) -> Rendered:
    """Render one section of a document: formatted, or as plain text when too costly."""
    text = document.section_text(index)
    reason = too_costly_to_format(text)
    if reason:
        section = document.sections[index]
        if section.heading is None:
            return plain_section(text, reason)
        # Keep the heading a heading (the TOC and "]" land on it); only the rest is plain.
        heading = document.headings[section.heading]
        rest = text[document.heading_ends[section.heading] - section.offset :].lstrip("\n")
        result = plain_section(rest, too_costly_to_format(rest) or reason)
        title = Text(heading.text, style=HEADING_STYLES.get(heading.level, Style()))
        marker = Text("#" * heading.level + " ", style=Style(dim=True))
        result.blocks[:0] = [Text.assemble(marker, title), Text("")]
        return result
    result = render_section(document.tokens(index), index, pictures)
    if document.nested_too_deeply(index):
        result.blocks.append(
            Text(
                f"[quotes or lists nested more than {MAX_NESTING} levels deep: "
                "the deeper part is not shown]",
                style=NOTE,
            )
        )
    return result


def too_costly_to_format(text: str) -> str:
    """Why markdown-it should not parse this section on the UI thread ('' if it may)."""
    if len(text) <= MAX_INLINE_MARKS:
        return ""  # below every limit whatever it holds
    if len(text) > MAX_SECTION_CHARS:
        return f"too large to format ({len(text):,} characters)"
    prose = "".join(run for code, run in code_and_prose(text) if not code)
    if len(prose) > MAX_FORMAT_CHARS:
        return f"too large to format ({len(prose):,} characters)"
    marks = sum(prose.count(mark) for mark in _INLINE_MARKS)
    if marks > MAX_INLINE_MARKS:
        return f"too much markup to format ({marks:,} markup characters)"
    return ""


def plain_section(text: str, reason: str) -> Rendered:
    """A section as plain text under a note saying why, cut at MAX_PLAIN characters."""
    blocks: list[RenderableType] = [
        Text(f"[this part is {reason}; shown as plain text]", style=NOTE)
    ]
    shown = text[:MAX_PLAIN].rstrip("\n")
    blocks.append(Text(shown))
    if len(text) > MAX_PLAIN:
        rest = len(text) - MAX_PLAIN
        note = f"[… cut at {MAX_PLAIN:,} characters: {rest:,} more not shown]"
        blocks.append(Text(note, style=NOTE))
    blocks.append(Text(""))
    return Rendered(blocks=blocks)


def _code_width(code: str) -> int:
    """The columns a code block needs to show its longest line unwrapped, with padding."""
    widest = 0
    for line in code[:MAX_HIGHLIGHT_CHARS].split("\n"):
        line = line.expandtabs(4)
        widest = max(widest, len(line) if line.isascii() else cell_len(line))
    return min(widest, MAX_CODE_LINE) + 2


_TAG = re.compile(r"</?[A-Za-z][^<>]{0,1000}>")  # bounded, so a run of "<a" stays cheap


def _strip_tags(html: str) -> str:
    """The text of an HTML block: comments (``<!--more-->``) and tags removed.

    Comments are found with ``str.find``, not a regex, so a run of unclosed ``<!--``
    costs linear time; an unclosed comment hides the rest, as it would in a browser.
    """
    parts: list[str] = []
    position = 0
    while (start := html.find("<!--", position)) >= 0:
        parts.append(html[position:start])
        end = html.find("-->", start + 4)
        if end < 0:
            position = len(html)
            break
        position = end + 3
    parts.append(html[position:])
    return _TAG.sub("", "".join(parts))
