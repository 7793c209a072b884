"""What feed HTML's two converters share: the dropped tags, the link policy, Markdown
escaping (markdownify 1.x's, and our own for plain text) and plain text from HTML.

:mod:`.html` (the shortcut for simple HTML and the entry point) and :mod:`.htmlmd` (the
full converter) both build on this module, and neither on the other's internals.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin

from tui_reader.core.sanitize import safe_url

DROPPED_TAGS = frozenset(
    {
        "script", "style", "iframe", "frame", "frameset", "form", "object", "embed",
        "applet", "template", "svg", "math", "button", "input", "select", "textarea",
        "head", "title", "meta", "link", "canvas", "map", "dialog", "noembed",
    }
)  # fmt: skip
_URL_WHITESPACE = re.compile(r"[\t\n\r]")
_MD_URL_UNSAFE = {"(": "%28", ")": "%29", "<": "%3C", ">": "%3E", "\\": "%5C", " ": "%20"}
BACKTICKS = re.compile(r"`+")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")
_LINE_START = re.compile(r"^(\s*\d*)([-+=]|(?<=\d)[.)])", re.MULTILINE)
_SPACES = re.compile(r"[ \t\f\v]+")
_BLANK_LINES = re.compile(r"\n{3,}")
# "<!" that opens neither a comment, CDATA nor a DOCTYPE: HTML parsers swallow it as a
# comment, but in a feed it is nearly always quoted XML (<!ENTITY ...>) meant to be read.
_DECLARATION = re.compile(r"<!(?!--|\[CDATA\[|doctype)", re.IGNORECASE)
# Markup the shortcut of .html reads: <p> blocks holding text, <a href>, and emphasis,
# unnested; plain text strips the same tags without a parser.
SIMPLE_TAG = re.compile(
    r"""<(?:(/?)(p|em|i|strong|b)|(a) href=(?:"([^"<>]*)"|'([^'<>]*)')|(/a))>"""
)
_PARAGRAPH_TAG = re.compile(r"</?p>")
# markdownify's escape_misc patterns (markdownify 1.x)
_MISC_CHARS = re.compile(r"([]\\&<`[>~=+|])")
_DASHES = re.compile(r"(\s|^)(-+(?:\s|$))")
_HASHES = re.compile(r"(\s|^)(#{1,6}(?:\s|$))")
_LIST_ITEMS = re.compile(r"((?:\s|^)[0-9]{1,9})([.)](?:\s|$))")


def chomp(text: str) -> tuple[str, str, str]:
    """Outer spaces kept outside the link brackets, as markdownify does."""
    prefix = " " if text.startswith(" ") else ""
    suffix = " " if text.endswith(" ") else ""
    return prefix, suffix, text.strip()


def markdown_url(url: str) -> str:
    """A URL that cannot end or break a Markdown link destination."""
    return "".join(_MD_URL_UNSAFE.get(ch, ch) for ch in url)


def resolve_url(raw: object, base: str, schemes: frozenset[str] | None = None) -> str | None:
    """``raw`` resolved against ``base`` if the result has an allowed scheme, else None.

    Tabs and newlines are removed first, as browsers do, so ``java&#x09;script:`` is seen
    for what it is.
    """
    if not isinstance(raw, str):
        return None
    raw = _URL_WHITESPACE.sub("", raw).strip(" \x00\x0b\x0c")
    if not raw:
        return None
    try:
        absolute = urljoin(base, raw) if base else raw
    except ValueError:
        return None
    url = safe_url(absolute) if schemes is None else safe_url(absolute, schemes)
    return markdown_url(url) if url else None


def escape_text(text: str) -> str:
    """markdownify's escaping of a text node (escape_misc, asterisks, underscores).

    The same substitutions, skipping those that cannot match: most text nodes hold no
    "-", "#", "." or ")", and this runs on every one of them.
    """
    if not text:
        return ""
    text = _MISC_CHARS.sub(r"\\\1", text)
    if "-" in text:
        text = _DASHES.sub(r"\1\\\2", text)
    if "#" in text:
        text = _HASHES.sub(r"\1\\\2", text)
    if "." in text or ")" in text:
        text = _LIST_ITEMS.sub(r"\1\\\2", text)
    return text.replace("*", r"\*").replace("_", r"\_")


# --------------------------------------------------------------------------- plain text


def escape_declarations(html: str) -> str:
    """``<!ENTITY x>`` and the like made text, as they read in the feed."""
    return _DECLARATION.sub("&lt;!", html) if "<!" in html else html


def escape_markdown(text: str) -> str:
    """Plain text made safe to show as Markdown: markup characters lose their meaning.

    Clean control characters first: escaping ``ESC ]`` would give ``ESC \\ ]``.
    """
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return _LINE_START.sub(r"\1\\\2", text)


class _TextExtractor(HTMLParser):
    """Text content of HTML, skipping dropped elements; flat, no recursion."""

    BLOCKS = frozenset(
        {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "pre",
         "blockquote", "section", "article", "ul", "ol", "table", "hr"}
    )  # fmt: skip

    def __init__(self, block: str = "\n") -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip: list[str] = []
        self.block = block  # what a block's start or end leaves in the text

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in DROPPED_TAGS and tag not in ("meta", "link", "input"):  # void elements
            self.skip.append(tag)
        elif tag in self.BLOCKS:
            self.parts.append(self.block)

    def handle_endtag(self, tag: str) -> None:
        if self.skip and tag == self.skip[-1]:
            self.skip.pop()
        elif tag in self.BLOCKS:
            self.parts.append(self.block)

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def _strip_simple_tags(html: str) -> str:
    """The shortcut's tags removed, paragraphs as line breaks; other tags stay."""
    return SIMPLE_TAG.sub("", _PARAGRAPH_TAG.sub("\n", html))


_BLOCK = "\x1e"  # between blocks; html.parser passes control characters through as text
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


def html_blocks(html: str, is_html: bool = True) -> list[str]:
    """The text of each block (paragraph, heading, list item…) of an HTML fragment, or
    of each paragraph of plain text, whitespace inside a block as it comes."""
    if not is_html or ("<" not in html and "&" not in html):
        return _PARAGRAPH_BREAK.split(html)
    if "&" not in html:
        text = SIMPLE_TAG.sub("", _PARAGRAPH_TAG.sub(_BLOCK, html))
        if "<" not in text:
            return text.split(_BLOCK)
    extractor = _TextExtractor(_BLOCK)
    try:
        extractor.feed(escape_declarations(html))
        extractor.close()
    except Exception:  # noqa: S110 - html.parser is lenient; keep what was read
        pass
    return "".join(extractor.parts).split(_BLOCK)


def html_to_text(html: str, keep_lines: bool = False) -> str:
    """The text of an HTML fragment: tags removed, entities decoded, spaces collapsed."""
    if "<" not in html and "&" not in html:
        text = html
    elif "&" not in html and "<" not in (text := _strip_simple_tags(html)):
        pass  # only <p>, links and emphasis: what the parser below would give
    else:
        extractor = _TextExtractor()
        try:
            extractor.feed(escape_declarations(html))
            extractor.close()
        except Exception:  # noqa: S110 - html.parser is lenient; keep what was read
            pass
        text = "".join(extractor.parts)
    if not keep_lines:
        return " ".join(text.split())
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
