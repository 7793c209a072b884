"""Plain text, word counts and headings of a Markdown body (read time: readtime.py).

Word counts follow Hugo's ``.WordCount``: the whitespace-separated tokens of the rendered
plain text. Rendering every post with a full Markdown parser costs about 0.5 s per MB, so
the plain text is worked out with a line-by-line pass that drops what Hugo's renderer
drops (markers, URLs, image sources, HTML tags, fences) and keeps what it keeps (the text
of headings, lists, tables and code).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tui_reader.core.article import Heading

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_LIST_MARK = re.compile(r"^\s*(?:[-*+]|\d{1,9}[.)])(?:\s+\[[ xX]\])?(?=\s|$)")
_HR = re.compile(r"^ {0,3}(?:(?:\*\s*){3,}|(?:-\s*){3,}|(?:_\s*){3,})$")
# The whole-text patterns below start with "\n" (the text gets one in front), so the regex
# engine jumps from line break to line break instead of trying every character.
_FENCE_LINE = re.compile(r"\n {0,3}(`{3,}|~{3,})[^\n]*")
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


def _code_and_prose(markdown: str) -> Iterator[tuple[bool, str]]:
    """Split a body into ``(is_code, text)`` runs at fence lines, which are dropped.

    Each run starts with "\\n", as the whole-text patterns expect.
    """
    markdown = "\n" + markdown
    if "```" not in markdown and "~~~" not in markdown:
        yield False, markdown
        return
    position = 0
    fence = ""
    for match in _FENCE_LINE.finditer(markdown):
        if not fence:
            yield False, markdown[position : match.start()]
            fence = match.group(1)
            position = match.end()
            continue
        line = match.group(0).strip()
        if line.startswith(fence) and set(line) == {fence[0]}:
            yield True, markdown[position : match.start()]
            fence = ""
            position = match.end()
    yield bool(fence), markdown[position:]


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


def _prose_plain(text: str) -> str:
    if "<!--" in text:
        text = _without_comments(text)
    text = _DROP_LINES.sub("", text)
    if "#" in text:
        text = _ATX_LINE.sub(lambda m: "\n" + (m.group(1) or ""), text)
    text = _BLOCK_MARKS.sub("\n", text)
    return inline_plain(text)


def inline_plain(text: str) -> str:
    """The plain text of inline Markdown: markers, URLs, image sources and tags go."""
    if "![" in text:
        text = _IMAGE.sub("", text)
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


def _emphasis_underscores(match: re.Match[str]) -> str:
    # Intraword underscores (snake_case) are text; the others are emphasis marks.
    text, start, end = match.string, match.start(), match.end()
    inside = start > 0 and end < len(text) and text[start - 1].isalnum() and text[end].isalnum()
    return match.group() if inside else ""


def plain_text(markdown: str) -> str:
    """The whole plain text of a Markdown body, as Hugo's renderer would leave it.

    Works on whole runs of prose between code fences, so a post costs a few regex passes
    rather than several per line; code keeps its text, fence lines go.
    """
    runs = _code_and_prose(strip_shortcodes(markdown))
    return "".join(text if code else _prose_plain(text) for code, text in runs)[1:]


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


# Lines that can matter for headings: ATX headings, fences, and setext underlines. The
# leading "\n" (rather than ^ with re.M) lets the regex engine jump between line starts.
_STRUCTURE = re.compile(
    r"\n( {0,3}(?:#{1,6}(?:[ \t][^\n]*)?|`{3,}[^\n]*|~{3,}[^\n]*|=+[ \t]*|-+[ \t]*))(?=\n|\Z)"
)


def find_headings(markdown: str) -> list[tuple[int, Heading]]:
    """Headings outside code fences, with the character offset where each line starts.

    ATX headings (``## x``) and one-line setext headings (``x`` over ``===`` or ``---``).
    One regular-expression pass finds the few lines that matter, so a 5 MB article takes
    milliseconds, not a Python loop over every line.
    """
    found: list[tuple[int, Heading]] = []
    seen: dict[str, int] = {}
    fence: str | None = None
    padded = "\n" + markdown  # offsets in ``padded`` are one past those in ``markdown``
    for match in _STRUCTURE.finditer(padded):
        line = match.group(1)
        line_start = match.start(1) - 1
        stripped = line.strip()
        first = stripped[0]
        if fence is not None:
            if first == fence[0] and stripped.startswith(fence) and set(stripped) == {first}:
                fence = None
            continue
        if first in "`~":
            if stripped.startswith(("```", "~~~")):
                if first == "`" and "`" in stripped.lstrip("`"):
                    continue  # ``` followed by more backticks is inline code, not a fence
                fence = re.match(r"`+|~+", stripped).group()  # type: ignore[union-attr]
            continue
        if first == "#":
            atx = _ATX.match(line)
            if atx:
                text = inline_plain(atx.group(2) or "").strip()
                found.append((line_start, Heading(len(atx.group(1)), text, slugify(text, seen))))
            continue
        setext = _setext_title(markdown, line_start)
        if setext is not None:
            offset, title = setext
            text = inline_plain(title).strip()
            found.append((offset, Heading(1 if first == "=" else 2, text, slugify(text, seen))))
    return found


def _setext_title(markdown: str, underline: int) -> tuple[int, str] | None:
    """If the line before ``underline`` is a one-line paragraph, its offset and text."""
    if underline == 0:
        return None
    start = markdown.rfind("\n", 0, underline - 1) + 1
    title = markdown[start : underline - 1]
    if not title.strip() or title.startswith(("    ", "\t", ">", "|")):
        return None
    if _LIST_MARK.match(title) or _HR.match(title) or _FENCE.match(title) or _ATX.match(title):
        return None
    if start > 0:
        before = markdown.rfind("\n", 0, start - 1) + 1
        if markdown[before : start - 1].strip():
            return None  # a multi-line paragraph: not handled, rather than mis-titled
    return start, title


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
