"""The markdownify converter behind :func:`tui_reader.core.feeds.html.html_to_markdown`.

Kept apart so BeautifulSoup and markdownify load only when feed HTML is converted.
"""

from __future__ import annotations

import threading
from typing import Any

from bs4 import BeautifulSoup, Declaration, ProcessingInstruction
from markdownify import ATX, MarkdownConverter

from tui_reader.core.feeds.htmltext import (
    BACKTICKS,
    DROPPED_TAGS,
    chomp,
    escape_declarations,
    escape_markdown,
    escape_text,
    html_to_text,
    resolve_url,
)
from tui_reader.core.sanitize import HTTP_SCHEMES, clean_line, clean_text

_Converter: Any = MarkdownConverter  # its stub omits the per-tag methods we override


class FeedMarkdownConverter(_Converter):  # type: ignore[misc]
    """markdownify with tui-reader's link, image and dropped-tag policy."""

    def __init__(self, base: str = "", **options: Any) -> None:
        options.setdefault("heading_style", ATX)
        options.setdefault("bullets", "-")
        options.setdefault("escape_misc", True)
        super().__init__(**options)
        self.base = base

    def get_conv_fn(self, tag_name: str) -> Any:
        if tag_name.lower() in DROPPED_TAGS:
            return self._drop
        return super().get_conv_fn(tag_name)

    def process_tag(self, node: Any, parent_tags: Any = None) -> str:
        # Don't even walk what will be dropped: a huge <svg> costs nothing then.
        if getattr(node, "name", None) in DROPPED_TAGS:
            return ""
        return str(super().process_tag(node, parent_tags))

    @staticmethod
    def _drop(el: Any, text: str, parent_tags: Any) -> str:
        return ""

    def escape(self, text: str, parent_tags: Any) -> str:
        return escape_text(text)  # markdownify's, quicker

    def convert_a(self, el: Any, text: str, parent_tags: Any) -> str:
        if "_noformat" in parent_tags or "a" in parent_tags:
            return text
        prefix, suffix, text = chomp(text)
        if not text:
            return ""
        href = resolve_url(el.get("href"), self.base)
        if href is None:
            return f"{prefix}{text}{suffix}"
        return f"{prefix}[{text}]({href}){suffix}"

    def convert_img(self, el: Any, text: str, parent_tags: Any) -> str:
        alt = clean_line(el.get("alt") or el.get("title") or "", 200)
        label = f"image: {self.escape(alt, parent_tags)}" if alt else "image"
        if "_noformat" in parent_tags:
            return f"[{label}]"
        src = resolve_url(el.get("src"), self.base, HTTP_SCHEMES)
        if src is None or "a" in parent_tags:
            return f"\\[{label}\\]"
        return f"[{label}]({src})"

    def convert_video(self, el: Any, text: str, parent_tags: Any) -> str:
        src = el.get("src")
        if not src:
            source = el.find("source", attrs={"src": True})
            src = source.get("src") if source else None
        url = resolve_url(src, self.base, HTTP_SCHEMES)
        if url is None or "a" in parent_tags or "_noformat" in parent_tags:
            return text
        return f"[video]({url}) {text}".rstrip()

    convert_audio = convert_video

    def convert_pre(self, el: Any, text: str, parent_tags: Any) -> str:
        if not text:
            return ""
        text = text.strip("\n")
        # A fence longer than any backtick run inside, so the code cannot close it.
        longest = max((len(run) for run in BACKTICKS.findall(text)), default=0)
        fence = "`" * max(3, longest + 1)
        return f"\n\n{fence}\n{text}\n{fence}\n\n"


_local = threading.local()  # one converter per thread: making one costs as much as a use


def convert(html: str, base: str = "") -> str:
    """:func:`tui_reader.core.feeds.html.html_to_markdown`, which see."""
    try:
        soup = BeautifulSoup(escape_declarations(html), "html.parser")
        # Clean each text node before Markdown escaping splits its escape sequences apart
        # (ESC ] becomes ESC \ ], which the sanitiser would read as a complete ST). Only
        # a character reference (&#27;) or a control already in the HTML can put one there.
        if "&#" in html or "<!" in html or "<?" in html or clean_text(html) != html:
            for node in soup.find_all(string=True):
                if isinstance(node, (Declaration, ProcessingInstruction)):
                    node.extract()  # <!DOCTYPE>, <?php ?>: never text
                    continue
                text = str(node)
                cleaned = clean_text(text)
                if cleaned != text:
                    node.replace_with(type(node)(cleaned))
        converter = getattr(_local, "converter", None)
        if converter is None:
            converter = _local.converter = FeedMarkdownConverter()
        converter.base = base
        return str(converter.convert_soup(soup)).strip()
    except RecursionError:
        return escape_markdown(clean_text(html_to_text(html, keep_lines=True)))
