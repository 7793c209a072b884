"""Feed HTML to Markdown (and to plain text), with a link policy fit for a terminal.

feedparser's sanitiser leaves ``file:``, ``ssh:`` and other schemes in links, keeps
remote images and forms, and JSON Feed HTML is not sanitised at all (THREATS.md row 3
and "feedparser's HTML sanitiser"). The converter here, built on markdownify's per-tag
overrides:

* keeps a link only when its target, resolved against the entry's URL, is http, https or
  mailto; any other link becomes its plain text;
* turns an image into a text link ``[image: alt](src)`` (http/https only), never an
  embedded image, so nothing is fetched;
* drops ``script``, ``style``, ``iframe``, ``form`` and other active or embedded content
  with everything inside it;
* escapes text so that feed text cannot form Markdown links or markup of its own.

Text nodes are cleaned after the HTML is parsed (entities such as ``&#27;`` decode into
ESC then) and before Markdown escaping (which would split ``ESC ]`` into ``ESC \\ ]``).
Callers still run :func:`tui_reader.core.sanitize.clean_text` on the result, as the last
word on what reaches the terminal.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin

from tui_reader.core.sanitize import clean_text, safe_url

DROPPED_TAGS = frozenset(
    {
        "script", "style", "iframe", "frame", "frameset", "form", "object", "embed",
        "applet", "template", "svg", "math", "button", "input", "select", "textarea",
        "head", "title", "meta", "link", "canvas", "map", "dialog", "noembed",
    }
)  # fmt: skip
_URL_WHITESPACE = re.compile(r"[\t\n\r]")
_MD_URL_UNSAFE = {"(": "%28", ")": "%29", "<": "%3C", ">": "%3E", "\\": "%5C", " ": "%20"}
_BACKTICKS = re.compile(r"`+")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")
_LINE_START = re.compile(r"^(\s*\d*)([-+=]|(?<=\d)[.)])", re.MULTILINE)
_SPACES = re.compile(r"[ \t\f\v]+")
_BLANK_LINES = re.compile(r"\n{3,}")
# "<!" that opens neither a comment, CDATA nor a DOCTYPE: HTML parsers swallow it as a
# comment, but in a feed it is nearly always quoted XML (<!ENTITY ...>) meant to be read.
_DECLARATION = re.compile(r"<!(?!--|\[CDATA\[|doctype)", re.IGNORECASE)


def _chomp(text: str) -> tuple[str, str, str]:
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


def html_to_markdown(html: str, base: str = "") -> str:
    """Convert feed HTML to Markdown under the link policy above.

    Falls back to escaped plain text when the HTML is too deeply nested to convert.
    The converter (BeautifulSoup and markdownify) loads on first use: importing it cost
    a tenth of a second at every start, feeds or not. Plain paragraphs of text, links
    and emphasis, the bulk of many feeds, take a shortcut that gives the same Markdown
    in a tenth of the time (:func:`simple_markdown`).
    """
    fast = simple_markdown(html, base)
    if fast is not None:
        return fast
    from tui_reader.core.feeds.htmlmd import convert

    return convert(html, base)


# --------------------------------------------------------------------------- shortcut

# Markup the shortcut reads: <p> blocks holding text, <a href>, and emphasis, unnested.
_SIMPLE_TAG = re.compile(
    r"""<(?:(/?)(p|em|i|strong|b)|(a) href=(?:"([^"<>]*)"|'([^'<>]*)')|(/a))>"""
)
_PARAGRAPH_TAG = re.compile(r"</?p>")
_INLINE = {"em": "*", "i": "*", "strong": "**", "b": "**"}
_NEWLINE_SPACES = re.compile(r"[\t \r\n]*[\r\n][\t \r\n]*")  # as markdownify
_RUN_SPACES = re.compile(r"[\t ]+")
_EDGE_NEWLINES = re.compile(r"^(\n*)((?:.*[^\n])?)(\n*)$", re.DOTALL)
# markdownify's escape_misc patterns (markdownify 1.x)
_MISC_CHARS = re.compile(r"([]\\&<`[>~=+|])")
_DASHES = re.compile(r"(\s|^)(-+(?:\s|$))")
_HASHES = re.compile(r"(\s|^)(#{1,6}(?:\s|$))")
_LIST_ITEMS = re.compile(r"((?:\s|^)[0-9]{1,9})([.)](?:\s|$))")


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


def simple_markdown(html: str, base: str = "") -> str | None:
    """The Markdown of HTML made only of ``<p>`` blocks of text, links and emphasis.

    Exactly what the full converter gives for such HTML (``tests/test_feeds_fast.py``
    checks it), or None for anything else: other tags or attributes, nesting, text
    outside a paragraph, character references, comments, or characters the sanitiser
    would change.
    """
    if "&" in html or "<!" in html or "<?" in html or clean_text(html) != html:
        return None
    blocks: list[str] = []
    children: list[tuple[bool, str]] | None = None  # the open <p>'s: (is text, string)
    inline: tuple[str, str | None] | None = None  # the open element: (name, href)
    inline_text = ""
    position = 0
    for match in _SIMPLE_TAG.finditer(html):
        text = html[position : match.start()]
        position = match.end()
        if "<" in text:
            return None
        if inline is not None:
            inline_text += text
        elif children is not None:
            if text:
                children.append((True, text))
        elif text.strip():
            return None  # text outside a paragraph
        closing, name, a_open, href1, href2, a_close = match.groups()
        if name == "p":
            if closing and children is not None and inline is None:
                blocks.append(_paragraph(children))
                children = None
            elif not closing and children is None:
                children = []
            else:
                return None
        elif children is None:
            return None
        elif inline is None and (a_open or not closing and not a_close):
            inline = ("a", href2 if href1 is None else href1) if a_open else (name, None)
            inline_text = ""
        elif inline is not None and (a_close and inline[0] == "a" or closing and name == inline[0]):
            children.append((False, _inline(inline, inline_text, base)))
            inline = None
        else:
            return None
    if children is not None or html[position:].strip():
        return None
    return _join_newlines([b for b in blocks if b]).strip("\n").strip()


def _normal(text: str) -> str:
    """A text node as markdownify writes it: whitespace runs folded, then escaped."""
    if "\n" in text:
        text = _NEWLINE_SPACES.sub("\n", text)
    return escape_text(_RUN_SPACES.sub(" ", text))


def _inline(element: tuple[str, str | None], text: str, base: str) -> str:
    """A link or emphasis around its text, as the full converter writes it."""
    prefix, suffix, text = _chomp(_normal(text))
    if not text:
        return ""
    name, href = element
    if name != "a":
        symbol = _INLINE[name]
        return f"{prefix}{symbol}{text}{symbol}{suffix}"
    url = resolve_url(href, base)
    return f"{prefix}[{text}]({url}){suffix}" if url else f"{prefix}{text}{suffix}"


def _paragraph(children: list[tuple[bool, str]]) -> str:
    """markdownify's <p>: blank text at its edges dropped, edge text stripped, joined."""
    strings = []
    last = len(children) - 1
    for i, (is_text, value) in enumerate(children):
        if is_text:
            if (i == 0 or i == last) and not value.strip():
                continue
            value = _normal(value)
            if i == 0:
                value = value.lstrip(" \t\r\n")
            if i == last:
                value = value.rstrip()
        if value:
            strings.append(value)
    text = _join_newlines(strings).strip(" \t\r\n")
    return f"\n\n{text}\n\n" if text else ""


def _join_newlines(strings: list[str]) -> str:
    """Join converted siblings, newlines where two meet folded to at most two."""
    joined = [""]
    for string in strings:
        match = _EDGE_NEWLINES.match(string)
        assert match is not None  # the pattern matches every string
        leading, content, trailing = match.groups()
        if joined[-1] and leading:
            leading = "\n" * min(2, max(len(joined.pop()), len(leading)))
        joined.extend([leading, content, trailing])
    return "".join(joined)


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

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in DROPPED_TAGS and tag not in ("meta", "link", "input"):  # void elements
            self.skip.append(tag)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if self.skip and tag == self.skip[-1]:
            self.skip.pop()
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def _strip_simple_tags(html: str) -> str:
    """The shortcut's tags removed, paragraphs as line breaks; other tags stay."""
    return _SIMPLE_TAG.sub("", _PARAGRAPH_TAG.sub("\n", html))


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
