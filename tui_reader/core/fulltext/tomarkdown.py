"""trafilatura's XML of an article, straight to Markdown.

Its own Markdown drops a quote's ``>`` and keeps every link scheme; going through HTML
and the feeds' converter (BeautifulSoup and markdownify) costs twice the extraction. The
tree trafilatura hands back has a small vocabulary (``head``, ``p``, ``list``/``item``,
``quote``, ``code``, ``table``/``row``/``cell``, inline ``hi``, ``ref``, ``lb``), written
here with the feeds' escaping and link policy (:mod:`tui_reader.core.feeds.htmltext`):
links only to http, https and mailto, text escaped so that the page cannot form Markdown
of its own.
"""

from __future__ import annotations

import re
from typing import Any

from tui_reader.core.feeds.htmltext import chomp, escape_text, resolve_url

_SPACES = re.compile(r"\s+")
_EMPHASIS = {"#b": "**", "#i": "*", "#u": "*"}
_INLINE_CONTAINERS = frozenset({"hi", "ref", "del", "span", "code", "lb"})


def to_markdown(body: Any, base: str) -> str:
    """The Markdown of trafilatura's ``body`` element; links resolved against ``base``."""
    blocks: list[str] = []
    _blocks(body, base, blocks)
    return "\n\n".join(block for block in blocks if block.strip()) + "\n"


def _blocks(parent: Any, base: str, out: list[str]) -> None:
    """The children of ``parent`` as blocks; loose text and inline children make one."""
    loose: list[str] = [_text(parent.text)]
    for child in parent:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in _INLINE_CONTAINERS and not (tag == "code" and _is_block_code(child)):
            loose.append(_inline(child, base))
            loose.append(_text(child.tail))
            continue
        _flush(loose, out)
        if tag:
            _block(child, base, out)
        loose = [_text(child.tail)]
    _flush(loose, out)


def _flush(loose: list[str], out: list[str]) -> None:
    text = _tidy("".join(loose))
    if text:
        out.append(text)


def _block(element: Any, base: str, out: list[str]) -> None:
    tag = element.tag
    if tag == "head":
        rend = element.get("rend", "h2")
        level = int(rend[1]) if re.fullmatch(r"h[1-6]", rend) else 2
        text = _tidy(_inline_content(element, base)).replace("\n", " ")
        if text:
            out.append("#" * level + " " + text)
    elif tag == "p":
        out.append(_tidy(_inline_content(element, base)))
    elif tag == "list":
        out.append(_list(element, base))
    elif tag == "quote":
        inner: list[str] = []
        _blocks(element, base, inner)
        text = "\n\n".join(inner)
        out.append("\n".join(("> " + line).rstrip() for line in text.splitlines()))
    elif tag == "code":
        out.append(_fence("".join(element.itertext()).strip("\n")))
    elif tag == "table":
        out.append(_table(element, base))
    elif tag == "graphic":
        return  # images are not fetched or shown
    else:  # div, and anything trafilatura may add: its contents
        _blocks(element, base, out)


def _list(element: Any, base: str) -> str:
    ordered = element.get("rend") == "ol"
    lines: list[str] = []
    number = 0
    for item in element:
        if item.tag != "item":
            continue
        number += 1
        marker = f"{number}. " if ordered else "- "
        inner: list[str] = []
        _blocks(item, base, inner)
        text = "\n".join(inner) or ""
        indent = " " * len(marker)
        first, *rest = text.splitlines() or [""]
        lines.append(marker + first)
        lines.extend((indent + line).rstrip() for line in rest)
    return "\n".join(lines)


def _table(element: Any, base: str) -> str:
    rows = []
    for row in element.iter("row"):
        cells = [
            _tidy(_inline_content(cell, base)).replace("\n", " ")
            for cell in row
            if cell.tag == "cell"
        ]
        if cells:
            rows.append(cells)
    if not rows:
        return ""
    width = max(len(row) for row in rows)
    lines = []
    for n, row in enumerate(rows):
        lines.append("| " + " | ".join(row + [""] * (width - len(row))) + " |")
        if n == 0:
            lines.append("|" + " --- |" * width)
    return "\n".join(lines)


def _is_block_code(element: Any) -> bool:
    parent = element.getparent()
    inline = parent is not None and parent.tag in ("p", "hi", "ref", "item", "cell", "head")
    return not inline or "\n" in "".join(element.itertext())


def _inline_content(element: Any, base: str) -> str:
    parts = [_text(element.text)]
    for child in element:
        if isinstance(child.tag, str):
            parts.append(_inline(child, base))
        parts.append(_text(child.tail))
    return "".join(parts)


def _inline(element: Any, base: str) -> str:
    tag = element.tag
    if tag == "lb":
        return "\n"
    if tag == "code":
        return _code_span("".join(element.itertext()))
    text = _inline_content(element, base)
    if tag == "hi":
        rend = element.get("rend", "")
        if rend == "#t":
            return _code_span("".join(element.itertext()))
        mark = _EMPHASIS.get(rend)
        if mark:
            prefix, suffix, inner = chomp(text)
            return f"{prefix}{mark}{inner}{mark}{suffix}" if inner else text
        return text
    if tag == "ref":
        url = resolve_url(element.get("target"), base)
        prefix, suffix, inner = chomp(text)
        if url and inner:
            return f"{prefix}[{inner}]({url}){suffix}"
    return text


def _text(text: str | None) -> str:
    return escape_text(_SPACES.sub(" ", text)) if text else ""


def _tidy(text: str) -> str:
    """One block's text: no space at the ends of lines, none at its ends."""
    return "\n".join(line.strip() for line in text.split("\n")).strip()


def _code_span(code: str) -> str:
    code = _SPACES.sub(" ", code).strip()
    if not code:
        return ""
    longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
    ticks = "`" * (longest + 1)
    pad = " " if code.startswith("`") or code.endswith("`") else ""
    return f"{ticks}{pad}{code}{pad}{ticks}"


def _fence(code: str) -> str:
    longest = max((len(run) for run in re.findall(r"^`{3,}", code, re.MULTILINE)), default=2)
    fence = "`" * max(3, longest + 1)
    return f"{fence}\n{code}\n{fence}"
