"""Plain text, word counts and headings of a Markdown body (read time: readtime.py).

Word counts follow Hugo's ``.WordCount``: the whitespace-separated tokens of the rendered
plain text. Rendering every post with a full Markdown parser costs about 0.5 s per MB, so
the plain text is worked out with a line-by-line pass that drops what Hugo's renderer
drops (markers, URLs, image sources, HTML tags, fences) and keeps what it keeps (the text
of headings, lists, tables and code).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from tui_reader.core.article import Heading
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
_BLOCK_MARKS = re.compile(rf"\n[ \t]*(?:(?:>[ \t]?)+[ \t]*(?:{_LIST_ITEM})?|{_LIST_ITEM})")
_IMAGE = re.compile(r"!\[([^\]\n]*)\]\([^)\n]*\)|!\[([^\]\n]*)\]\[[^\]\n]*\]")
_LINK = re.compile(
    r"\[([^\]\n]*)\]\((?:[^()\s]|\([^)\n]*\))*(?:[ \t]+\"[^\"\n]*\")?\)|\[([^\]\n]*)\]\[[^\]\n]*\]"
)
_AUTOLINK = re.compile(r"<((?:https?|mailto|ftp):[^>\s]*)>")
_HTML_TAG = re.compile(r"</?[A-Za-z][^<>]{0,1000}>")  # bounded: a lone "<a" costs little
_UNDERSCORES = re.compile(r"_+")
_EMPHASIS_MARKS = str.maketrans("", "", "*~`")
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_PIPES = re.compile(r"[ \t]*\|[ \t]*")
_SHORTCODE = re.compile(r"\{\{[<%]\s*(/?)\s*([\w./-]*)(.*?)\s*[%>]\}\}", re.S)
_SHORTCODE_ATTR = re.compile(r"\b(caption|alt|title)\s*=\s*\"([^\"]*)\"")
_CJK = re.compile(
    r"[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u31f0-\u31ff\u3400-\u4dbf"
    r"\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0002fa1f]"
)
_INLINE_CODE_SPAN = re.compile(r"`+")
_SLUG_DROP = re.compile(r"[^\w\- ]", re.UNICODE)


def strip_shortcodes(markdown: str) -> str:
    """Replace Hugo shortcodes so no raw braces reach the reading pane.

    Paired shortcodes keep their inner text; ``figure``-like ones show their caption.
    """
    if "{{" not in markdown:
        return markdown

    def replace(match: re.Match[str]) -> str:
        closing, _name, args = match.groups()
        if closing:
            return ""
        attrs = dict(_SHORTCODE_ATTR.findall(args))
        label = attrs.get("caption") or attrs.get("alt") or attrs.get("title")
        return f"*[{label}]*" if label else ""

    return _SHORTCODE.sub(replace, markdown)


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


def _prose_plain(text: str, image_label: bool = False) -> str:
    if "<!--" in text:
        text = _without_comments(text)
    text = _DROP_LINES.sub("", text)
    if "#" in text:
        text = _ATX_LINE.sub(lambda m: "\n" + (m.group(1) or ""), text)
    text = _BLOCK_MARKS.sub("\n", text)
    return inline_plain(text, image_label)


def inline_plain(text: str, image_label: bool = False) -> str:
    """The plain text of inline Markdown: markers, URLs, image sources and tags go."""
    if "![" in text:
        text = _IMAGE.sub(_image_label if image_label else "", text)
    if "](" in text or "][" in text:
        text = _LINK.sub(lambda m: m.group(1) if m.group(1) is not None else m.group(2), text)
    if "<" in text:
        text = _AUTOLINK.sub(r"\1", text)
        text = _HTML_TAG.sub("", text)
    if "|" in text:
        text = _PIPES.sub(" ", text)
    text = text.translate(_EMPHASIS_MARKS)
    if "_" in text:
        text = _UNDERSCORES.sub(_emphasis_underscores, text)
    if "\\" in text:
        text = _ESCAPE.sub(r"\1", text)
    return text


def _image_label(match: re.Match[str]) -> str:
    # Brackets escaped, so the link pass after this one cannot take the label for a link.
    alt = match.group(1) if match.group(1) is not None else match.group(2)
    return f"\\[image: {alt or 'image'}\\]"


def _emphasis_underscores(match: re.Match[str]) -> str:
    # Intraword underscores (snake_case) are text; the others are emphasis marks.
    text, start, end = match.string, match.start(), match.end()
    inside = start > 0 and end < len(text) and text[start - 1].isalnum() and text[end].isalnum()
    return match.group() if inside else ""


def plain_text(markdown: str, image_label: bool = False) -> str:
    """The whole plain text of a Markdown body, as Hugo's renderer would leave it.

    Works on whole runs of prose between code fences, so a post costs a few regex passes
    rather than several per line; code keeps its text, fence lines go. With
    ``image_label`` an image leaves "[image: alt]", as the reading pane shows it.
    """
    runs = code_and_prose(strip_shortcodes(markdown))
    return "".join(text if code else _prose_plain(text, image_label) for code, text in runs)[1:]


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
    slug = _SLUG_DROP.sub("", text.strip().lower()).replace(" ", "-")
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
        text = heading_text(content)
        found.append(HeadingSpan(start, end, Heading(level, text, slugify(text, seen)), alone))
    return found


def find_headings(markdown: str) -> list[tuple[int, Heading]]:
    """The headings markdown-it would find, with the offset where each one's line starts."""
    return [(span.start, span.heading) for span in heading_spans(markdown)]


def heading_text(content: str) -> str:
    """A heading's text as the contents list shows it: one line, inline marks dropped."""
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
