"""Plain text, word counts and headings of a Markdown body (read time: readtime.py).

Word counts follow Hugo's ``.WordCount``: the whitespace-separated tokens of the rendered
plain text. Rendering every post with a full Markdown parser costs about 0.5 s per MB, so
the plain text is worked out with a line-by-line pass that drops what Hugo's renderer
drops (markers, URLs, image sources, HTML tags, fences) and keeps what it keeps (the text
of headings, lists, tables and code).
"""

from __future__ import annotations

import html
import re
from typing import NamedTuple

from tui_reader.core.article import Heading
from tui_reader.core.markdown.dialect import (
    footnotes_plain,
    heading_attributes,
    prepare,
    without_footnote_refs,
)
from tui_reader.core.markdown.dialect import slug as dialect_slug
from tui_reader.core.markdown.dialect import strip_shortcodes as strip_shortcodes  # re-export
from tui_reader.core.markdown.leaves import BLOCK_NAMES
from tui_reader.core.markdown.lines import code_and_prose, heading_blocks

# The whole-text patterns below start with "\n" (the text gets one in front), so the regex
# engine jumps from line break to line break instead of trying every character.
# Whole lines that leave no text: thematic breaks, table rules, reference definitions and
# setext "=" underlines ("-" underlines are thematic breaks or table rules already).
_DROP_LINES = re.compile(
    r"\n(?: {0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})"
    r"|[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*"
    r"| {0,3}\[[^\]\n]+\]:[ \t]*\S[^\n]*"
    r"| {0,3}=+[ \t]*)(?=\n|$)"
)
_ATX_LINE = re.compile(r"\n {0,3}#{1,6}(?:[ \t]+([^\n]*?))?(?:[ \t]+#+)?[ \t]*(?=\n|$)")
_LIST_ITEM = r"(?:[-*+]|\d{1,9}[.)])(?:[ \t]+\[[ xX]\])?(?=[ \t\n]|$)"
# Quote and list markers, and a definition list's " : " (Hugo's Goldmark has definition lists).
_BLOCK_MARKS = re.compile(
    rf"\n[ \t]*(?:(?:>[ \t]?)+[ \t]*(?:{_LIST_ITEM})?|{_LIST_ITEM}|:(?=[ \t]))"
)
_IMAGE = re.compile(r"!\[([^\]\n]*)\]\([^)\n]*\)|!\[([^\]\n]*)\]\[[^\]\n]*\]")
_LINK = re.compile(
    r"\[([^\]\n]*)\]\((?:[^()\s]|\([^)\n]*\))*(?:[ \t]+\"[^\"\n]*\")?\)|\[([^\]\n]*)\]\[[^\]\n]*\]"
)
_AUTOLINK = re.compile(r"<((?:https?|mailto|ftp):[^>\s]*)>")
_HTML_TAG = re.compile(r"</?[A-Za-z][^<>]{0,1000}>")  # bounded: a lone "<a" costs little
# Emphasis is a pair of runs: one that opens (text after it), one that closes (text before
# it). A run that pairs with nothing is text, as in "_index.md".
_UNDERSCORE_PAIR = re.compile(r"(?<!\w)(_+)(?=\S)([^\n]+?)(?<=\S)\1(?!\w)")
_KEPT_STAR = "\ue001"
_EMPHASIS_MARKS = str.maketrans("", "", "~`")
# Hugo's plain text puts a break only for these; other tags glue what is on either side.
_BREAK_TAG = re.compile(r"</p>|<br>|<br />")
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
# An HTML block (a line opening with a block tag, up to a blank line) is not Markdown:
# Hugo's plain text keeps its entities as written, so "a&nbsp;b" there is one word.
_HTML_BLOCK = re.compile(
    rf"\n {{0,3}}</?(?:{BLOCK_NAMES})(?:[ \t>/]|\n)[^\n]*(?:\n(?![ \t]*\n)[^\n]*)*", re.I
)
_KEPT_AMP = "\ue000"  # stands for "&" in an HTML block until entities are decoded
_RAW_OPEN = re.compile(r"<(script|style)(?=[\s>])", re.I)
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_PIPES = re.compile(r"[ \t]*\|[ \t]*")
_CJK = re.compile(
    r"[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u31f0-\u31ff\u3400-\u4dbf"
    r"\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0002fa1f]"
)
_INLINE_CODE_SPAN = re.compile(r"`+")


def _without_comments(text: str) -> str:
    """Drop HTML comments, which may span lines; one pass, even when one is never closed."""
    parts: list[str] = []
    position = 0
    while (start := text.find("<!--", position)) >= 0:
        parts.append(text[position:start])
        end = text.find("-->", start + 4)
        if end < 0:  # never closed: the rest is text, not a comment
            position = start
            break
        position = end + 3
    parts.append(text[position:])
    return "".join(parts)


def _without_raw_blocks(text: str) -> str:
    """Drop ``<script>`` and ``<style>`` elements: their content is never text."""
    parts: list[str] = []
    position = 0
    lower = ""
    while (opening := _RAW_OPEN.search(text, position)) is not None:
        lower = lower or text.lower()
        parts.append(text[position : opening.start()])
        end = lower.find(f"</{opening.group(1).lower()}", opening.end())
        if end < 0:
            return "".join(parts)
        close = text.find(">", end)
        position = len(text) if close < 0 else close + 1
    parts.append(text[position:])
    return "".join(parts)


def _atx_plain(match: re.Match[str]) -> str:
    return "\n" + heading_attributes(match.group(1) or "")[0]


def _prose_plain(
    text: str, image_label: bool = False, footnotes: dict[str, int] | None = None
) -> str:
    if "<!--" in text:
        text = _without_comments(text)
    if footnotes:
        text = footnotes_plain(text, footnotes, image_label)
    text = _DROP_LINES.sub("", text)
    if "#" in text:
        text = _ATX_LINE.sub(_atx_plain, text)
    text = _BLOCK_MARKS.sub("\n", text)
    if "&" in text and "<" in text:
        text = _HTML_BLOCK.sub(lambda m: m.group().replace("&", _KEPT_AMP), text)
        return inline_plain(text, image_label).replace(_KEPT_AMP, "&")
    return inline_plain(text, image_label)


def inline_plain(text: str, image_label: bool = False) -> str:
    """The plain text of inline Markdown: markers, URLs, image sources and tags go."""
    if "![" in text:
        text = _IMAGE.sub(_image_label if image_label else "", text)
    if "](" in text or "][" in text:
        text = _LINK.sub(lambda m: m.group(1) if m.group(1) is not None else m.group(2), text)
    if "<" in text:
        if "<s" in text or "<S" in text:
            text = _without_raw_blocks(text)
        text = _AUTOLINK.sub(r"\1", text)
        text = _BREAK_TAG.sub(" ", text)
        text = _HTML_TAG.sub("", text)
    if "|" in text:
        text = _PIPES.sub(" ", text)
    text = text.translate(_EMPHASIS_MARKS)
    if "*" in text:
        # A star between spaces emphasises nothing ("(a + 4) * 3"); the others go. Plain
        # string work: pairing them up by regex cost 80 ms a pass on the 5 MB article.
        lone = " * " in text
        text = text.replace(" * ", f" {_KEPT_STAR} ") if lone else text
        text = text.replace("*", "")
        text = text.replace(_KEPT_STAR, "*") if lone else text
    if "_" in text:
        text = _UNDERSCORE_PAIR.sub(r"\2", text)
        if "_" in text:
            text = _UNDERSCORE_PAIR.sub(r"\2", text)
    if "\\" in text:
        text = _ESCAPE.sub(r"\1", text)
    if "&" in text:
        text = _ENTITY.sub(_entity, text) if "&#" in text else html.unescape(text)
    return text


def _entity(match: re.Match[str]) -> str:
    # Hugo's plain text decodes named entities, but keeps a numeric one for white space
    # ("&#32;") as it stands, so it joins the words on either side.
    decoded = html.unescape(match.group())
    return match.group() if decoded.isspace() and match.group()[1] == "#" else decoded


def _image_label(match: re.Match[str]) -> str:
    # Brackets escaped, so the link pass after this one cannot take the label for a link.
    alt = match.group(1) if match.group(1) is not None else match.group(2)
    return f"\\[image: {alt or 'image'}\\]"


def plain_text(
    markdown: str, image_label: bool = False, prepared: dict[str, int] | None = None
) -> str:
    """The whole plain text of a Markdown body, as Hugo's renderer would leave it.

    Works on whole runs of prose between code fences, so a post costs a few regex passes
    rather than several per line; code keeps its text, fence lines go. With
    ``image_label`` an image leaves "[image: alt]" and a footnote "[1]", as the reading
    pane shows them. ``prepared``: the text is a :class:`Document`'s already (shortcodes
    resolved once must not be resolved again), with these footnote numbers.
    """
    if prepared is None:
        markdown, notes = prepare(markdown)
    else:
        notes = prepared
    runs = code_and_prose(markdown)
    return "".join(
        text if code else _prose_plain(text, image_label, notes) for code, text in runs
    )[1:]


def has_cjk(text: str) -> bool:
    """True when the text is mostly Chinese, Japanese or Korean.

    Hugo switches on any CJK character at all; then one Japanese link title in an English
    article would halve its read time. Here CJK characters must outnumber the other words.
    """
    if _CJK.search(text) is None:
        return False
    cjk_chars = len(_CJK.findall(text))
    other_words = sum(1 for token in text.split() if not _CJK.search(token))
    return cjk_chars >= other_words


def count_words(plain: str, cjk: bool) -> int:
    """Hugo's word count: tokens; on CJK pages non-ASCII tokens count their characters."""
    tokens = plain.split()
    if not cjk:
        return len(tokens)
    return sum(1 if token.isascii() else len(token) for token in tokens)


def slugify(text: str, seen: dict[str, int] | None = None) -> str:
    """A GitHub-style anchor: lower case, punctuation dropped, spaces to hyphens, unique."""
    slug = dialect_slug(text)
    if seen is None:
        return slug
    count = seen.get(slug, 0)
    seen[slug] = count + 1
    return slug if count == 0 else f"{slug}-{count}"


class HeadingSpan(NamedTuple):
    """A heading and where it lies: from its first line's start to its last line's end (a
    setext heading takes two lines or more). ``alone``: see lines.heading_blocks."""

    start: int
    end: int
    heading: Heading
    alone: bool


def heading_spans(markdown: str) -> list[HeadingSpan]:
    """The headings markdown-it would find, and where.

    The line scanner (lines.py) finds them without a parse, so a 5 MB article takes
    milliseconds.
    """
    seen: dict[str, int] = {}
    found: list[HeadingSpan] = []
    for start, end, level, content, alone in heading_blocks(markdown):
        content, anchor = heading_attributes(content)
        text = heading_text(content)
        if anchor:  # Goldmark's "{#id}": the id is the anchor, as given
            seen[anchor] = seen.get(anchor, 0) + 1
        else:
            anchor = slugify(text, seen)
        found.append(HeadingSpan(start, end, Heading(level, text, anchor), alone))
    return found


def find_headings(markdown: str) -> list[tuple[int, Heading]]:
    """The headings markdown-it would find, with the offset where each one's line starts."""
    return [(span.start, span.heading) for span in heading_spans(markdown)]


def heading_text(content: str) -> str:
    """A heading's text as the contents list shows it: one line, inline marks dropped."""
    content = without_footnote_refs(content)
    return inline_plain(" ".join(line.strip() for line in content.split("\n"))).strip()


def scan_headings(markdown: str) -> list[tuple[int, Heading]]:
    """Headings outside code fences, with the line index where each starts."""
    result: list[tuple[int, Heading]] = []
    line = 0
    position = 0
    for offset, heading in find_headings(markdown):
        line += markdown.count("\n", position, offset)
        position = offset
        result.append((line, heading))
    return result


def analyse(body: str) -> tuple[int, bool, tuple[Heading, ...]]:
    """Word count, CJK flag and headings of a Markdown body."""
    return analyse_plain(body, plain_text(body))


def analyse_plain(body: str, plain: str) -> tuple[int, bool, tuple[Heading, ...]]:
    """:func:`analyse`, given the body's :func:`plain_text` already."""
    cjk = has_cjk(plain)
    headings = tuple(heading for _, heading in find_headings(body))
    return count_words(plain, cjk), cjk, headings
