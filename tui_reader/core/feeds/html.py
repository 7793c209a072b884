"""Feed HTML to Markdown, with a link policy fit for a terminal.

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
word on what reaches the terminal. The policy, the escaping and plain text live in
:mod:`.htmltext`; this module holds the entry point and a shortcut for simple HTML.
"""

from __future__ import annotations

import re

from tui_reader.core.feeds.htmltext import SIMPLE_TAG, chomp, escape_text, resolve_url
from tui_reader.core.sanitize import clean_text


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

_INLINE = {"em": "*", "i": "*", "strong": "**", "b": "**"}
_NEWLINE_SPACES = re.compile(r"[\t \r\n]*[\r\n][\t \r\n]*")  # as markdownify
_RUN_SPACES = re.compile(r"[\t ]+")
_EDGE_NEWLINES = re.compile(r"^(\n*)((?:.*[^\n])?)(\n*)$", re.DOTALL)


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
    for match in SIMPLE_TAG.finditer(html):
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
    prefix, suffix, text = chomp(_normal(text))
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


