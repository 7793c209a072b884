"""Pieces of lines the block scanner (lines.py) reads: columns with tab stops, and the
leaf blocks it must recognise to find headings as markdown-it does (the seven kinds of
HTML block, table rows, link reference definitions).
"""

from __future__ import annotations

import re

_DELIMITER_CELL = re.compile(r":?-+:?")
BLOCK_NAMES = (
    "address|article|aside|base|basefont|blockquote|body|caption|center|col|colgroup|dd|"
    "details|dialog|dir|div|dl|dt|fieldset|figcaption|figure|footer|form|frame|frameset|"
    "h[1-6]|head|header|hr|html|iframe|legend|li|link|main|menu|menuitem|nav|noframes|ol|"
    "optgroup|option|p|param|search|section|summary|table|tbody|td|tfoot|th|thead|title|tr|"
    "track|ul"
)
_ATTRIBUTE = (
    r"""(?:[ \t]+[A-Za-z_:][\w.:-]*(?:[ \t]*=[ \t]*(?:[^"'=<>`\x00-\x20]+|'[^']*'|"[^"]*"))?)"""
)
# The seven kinds of HTML block: how each starts, and how it ends ("" = at a blank line).
_HTML_STARTS = (
    (re.compile(r"<(?:script|pre|style|textarea)(?:[ \t>]|$)", re.I),
     re.compile(r"</(?:script|pre|style|textarea)>", re.I)),
    (re.compile(r"<!--"), re.compile(r"-->")),
    (re.compile(r"<\?"), re.compile(r"\?>")),
    (re.compile(r"<![A-Za-z]"), re.compile(r">")),
    (re.compile(r"<!\[CDATA\["), re.compile(r"\]\]>")),
    (re.compile(rf"</?(?:{BLOCK_NAMES})(?:[ \t]|/?>|$)", re.I), None),
    (re.compile(rf"(?:<[A-Za-z][A-Za-z0-9-]*{_ATTRIBUTE}*[ \t]*/?>|</[A-Za-z][A-Za-z0-9-]*[ \t]*>)"
                r"[ \t]*$"), None),
)  # fmt: skip


def skip_spaces(line: str, pos: int, col: int) -> tuple[int, int]:
    """The first position that is not a space or tab, and its column (tabs stop every 4)."""
    size = len(line)
    while pos < size:
        char = line[pos]
        if char == " ":
            col += 1
        elif char == "\t":
            col += 4 - col % 4  # also right when part of this tab is already used
        else:
            break
        pos += 1
    return pos, col


def take_columns(line: str, pos: int, col: int, count: int) -> tuple[int, int]:
    """Use ``count`` columns of white space; a tab may be used in part (it stays at pos)."""
    target = col + count
    while col < target and pos < len(line):
        width = 4 - col % 4 if line[pos] == "\t" else 1
        if col + width > target:
            return pos, target
        col += width
        pos += 1
    return pos, col


def after_quote_mark(line: str, pos: int, col: int) -> tuple[int, int]:
    """Past a ``>`` and the one optional space (or column of a tab) after it."""
    if pos < len(line) and line[pos] in " \t":
        return take_columns(line, pos, col, 1)
    return pos, col


def html_kind(rest: str, in_paragraph: bool) -> int:
    """Which kind of HTML block a line starts (an index into _HTML_STARTS), or -1."""
    for kind, (opening, _ending) in enumerate(_HTML_STARTS):
        if kind == 6 and in_paragraph:
            return -1  # the seventh kind cannot interrupt a paragraph
        if opening.match(rest):
            return kind
    return -1


def html_end(kind: int) -> re.Pattern[str] | None:
    """What ends an HTML block of this kind; None: a blank line."""
    return _HTML_STARTS[kind][1]


def delimiter_cells(rest: str) -> int:
    """How many cells a table's delimiter row (``|---|:-:|``) has; -1 if it is not one."""
    if rest[:1] not in ("|", "-", ":") or len(rest) < 2:
        return -1
    if rest[1] not in "|-: \t" or (rest[0] == "-" and rest[1] in " \t"):
        return -1  # "- " starts a list item
    if rest.strip("|-: \t"):
        return -1
    cells = rest.split("|")
    count = 0
    for number, cell in enumerate(cells):
        cell = cell.strip(" \t")
        if not cell:
            if number in (0, len(cells) - 1):
                continue
            return -1
        if not _DELIMITER_CELL.fullmatch(cell):
            return -1
        count += 1
    return count


def header_cells(header: str) -> int:
    """How many cells a table's header row has (escaped pipes do not divide)."""
    cells = header.split("|") if "\\" not in header else _escaped_split(header)
    if cells and cells[0] == "":
        cells.pop(0)
    if cells and cells[-1] == "":
        cells.pop()
    return len(cells)


def _escaped_split(header: str) -> list[str]:
    cells: list[str] = []
    current = ""
    escaped = False
    for char in header:
        if char == "|" and not escaped:
            cells.append(current)
            current = ""
        else:
            current += char
        escaped = char == "\\"
    cells.append(current)
    return cells


def without_references(lines: list[tuple[int, str]], underline: str) -> list[tuple[int, str]]:
    """The lines left for a setext heading once leading link reference definitions go.

    Reference definitions are rare and their grammar is long, so markdown-it decides.
    """
    from markdown_it import MarkdownIt

    source = "\n".join(text for _, text in lines) + "\n" + underline
    for token in MarkdownIt("commonmark").parse(source):
        if token.type == "heading_open" and token.map:
            return lines[token.map[0] :]
    return []


def atx_text(content: str | None) -> str:
    """An ATX heading's text: trimmed, without a closing run of ``#`` that stands apart."""
    content = (content or "").strip(" \t")
    unclosed = content.rstrip("#")
    if not unclosed or unclosed[-1] in " \t":
        content = unclosed.rstrip(" \t")
    return content


def lines_between(text: str, start: int, upto: int) -> list[tuple[int, str]]:
    """(offset, line) of each line of ``text`` from offset ``start`` up to ``upto``."""
    lines = []
    position = start
    while position < upto:
        end = text.find("\n", position)
        lines.append((position, text[position:end]))
        position = end + 1
    return lines
