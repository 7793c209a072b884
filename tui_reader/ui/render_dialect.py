"""How the reading pane draws the blocks Hugo's Markdown adds to CommonMark: footnote
references and notes, definition lists, GitHub alerts (and Obsidian callouts), and headings
that carry ``{#id .class}`` attributes.

Kept apart from render.py, which walks the tokens and calls in here for these kinds.
Text from the article is only ever appended to Rich ``Text``, never parsed as markup.
"""

from __future__ import annotations

import re
from typing import Protocol

from markdown_it.token import Token
from rich.console import RenderableType
from rich.rule import Rule
from rich.style import Style
from rich.text import Text

from tui_reader.core.markdown.dialect import heading_attributes


class Walker(Protocol):
    """What these drawings need of render.py's SectionRenderer (no import back to it)."""

    def blocks(self, tokens: list[Token], start: int, end: int) -> list[RenderableType]: ...

    def inline(self, token: Token, base: Style | None = None) -> Text: ...

    def closing(self, tokens: list[Token], index: int, end: int) -> int: ...

    def framed(self, items: list[RenderableType], first: Text, rest: Text) -> RenderableType:
        """The items one under another, with ``first`` before the first line, ``rest``
        before the others."""
        ...

FOOTNOTE_MARK = Style(color="bright_cyan")
TERM_STYLE = Style(bold=True)
# "[!NOTE]" (GitHub, Hugo 0.132+) or "[!note] Title" with "+"/"-" folding (Obsidian).
_CALLOUT = re.compile(r"\[!([A-Za-z][\w-]{0,30})\][+-]?[ \t]*([^\n]*)")
ALERT_COLOURS = {
    "note": "bright_blue",
    "info": "bright_blue",
    "tip": "bright_green",
    "hint": "bright_green",
    "important": "bright_magenta",
    "warning": "yellow",
    "caution": "bright_red",
    "danger": "bright_red",
}


def footnote_marker(token: Token) -> Text:
    """A reference in the text: its number in brackets, as a marker."""
    number = token.meta.get("number") or token.meta.get("label", "?")
    return Text(f"[{number}]", style=FOOTNOTE_MARK)


def footnote_note(
    renderer: Walker, tokens: list[Token], start: int, close: int, first: bool
) -> list[RenderableType]:
    """One note at the end of the article: "[n] text", under a rule before the first."""
    inner = _trimmed(renderer.blocks(tokens, start + 1, close))
    number = tokens[start].meta.get("number") or tokens[start].meta.get("label", "?")
    marker = Text(f"[{number}] ", style=FOOTNOTE_MARK)
    out: list[RenderableType] = []
    if first:
        out += [Rule("notes", style=Style(dim=True)), Text("")]
    out.append(renderer.framed(inner or [Text("")], marker, Text(" " * marker.cell_len)))
    return out


def definition_list(
    renderer: Walker, tokens: list[Token], start: int, close: int
) -> RenderableType:
    """Each term in bold on a line of its own, its definitions indented under it."""
    items: list[RenderableType] = []
    index = start + 1
    while index < close:
        end = renderer.closing(tokens, index, close)
        kind = tokens[index].type
        if kind == "dt_open":
            items.append(renderer.inline(tokens[index + 1], TERM_STYLE))
        elif kind == "dd_open":
            inner = _trimmed(renderer.blocks(tokens, index + 1, end))
            pad = Text("    ")
            items.append(renderer.framed(inner or [Text("")], pad, pad))
        index = end + 1
    return renderer.framed(items, Text(""), Text(""))


def alert(
    renderer: Walker, tokens: list[Token], start: int, close: int
) -> RenderableType | None:
    """A quote that opens with ``[!NOTE]`` and the like as a labelled callout; None if the
    quote is an ordinary one."""
    if start + 2 >= close or tokens[start + 1].type != "paragraph_open":
        return None
    inline = tokens[start + 2]
    match = _CALLOUT.match(inline.content)
    if match is None:
        return None
    kind = match.group(1).lower()
    colour = ALERT_COLOURS.get(kind, "bright_cyan")
    label = Text(kind.upper(), style=Style(bold=True, color=colour))
    if match.group(2).strip():
        label.append("  ")
        label.append(match.group(2).strip(), Style(bold=True))
    _drop_callout_line(inline)
    inner = _trimmed(renderer.blocks(tokens, start + 1, close))
    bar = Text("┃ ", style=Style(color=colour))
    return renderer.framed([label, *inner], bar, bar)


def _drop_callout_line(inline: Token) -> None:
    """Remove the ``[!KIND] title`` line from the first paragraph's inline children, once
    (a section's tokens are kept, and drawn again at each new width)."""
    if inline.meta.get("callout"):
        return
    inline.meta["callout"] = True
    children = inline.children or []
    cut = next(
        (n for n, child in enumerate(children) if child.type in ("softbreak", "hardbreak")),
        len(children),
    )
    inline.children = children[cut + 1 :]


def heading_title(renderer: Walker, token: Token, style: Style | None) -> Text:
    """A heading's inline text without a trailing ``{#id .class}``."""
    title = renderer.inline(token, style)
    plain = title.plain
    if plain.endswith("}"):
        kept, _anchor = heading_attributes(plain)
        if len(kept) < len(plain):
            title.truncate(len(kept.rstrip()))
    return title


def _trimmed(blocks: list[RenderableType]) -> list[RenderableType]:
    while blocks and isinstance(blocks[-1], Text) and not blocks[-1].plain:
        blocks.pop()
    return blocks
