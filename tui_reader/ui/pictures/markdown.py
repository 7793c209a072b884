"""Where a paragraph's images are, in markdown-it's tokens: the renderer draws them."""

from __future__ import annotations

from markdown_it.token import Token


def images_in(inline: Token, feed_labels: bool) -> list[tuple[str, str]]:
    """(source, alt) of each image in a paragraph. In a feed entry's body an image is
    also the link ``[image: alt](src)`` that the feed converter (core/feeds/html.py)
    makes of an ``<img>``."""
    found: list[tuple[str, str]] = []
    children = inline.children or []
    for number, child in enumerate(children):
        if child.type == "image":
            found.append((str(child.attrGet("src") or ""), child.content))
        elif feed_labels and child.type == "link_open":
            label = _feed_image_label(children, number)
            if label is not None:
                found.append((str(child.attrGet("href") or ""), label))
    return found


def _feed_image_label(children: list[Token], start: int) -> str | None:
    """The alt text of a feed image link starting at ``children[start]`` (None: a link)."""
    parts: list[str] = []
    for child in children[start + 1 :]:
        if child.type == "link_close":
            break
        if child.type != "text":
            return None
        parts.append(child.content)
    text = "".join(parts)
    if text == "image":
        return ""
    return text[len("image: ") :] if text.startswith("image: ") else None


def only_images(inline: Token, feed_labels: bool = False) -> bool:
    """A paragraph of nothing but images (linked or not): its labels would repeat the
    pictures' captions."""
    children = inline.children or []
    inside_image_link = False
    for number, child in enumerate(children):
        if child.type == "link_open" and feed_labels:
            inside_image_link = _feed_image_label(children, number) is not None
            continue
        if child.type == "link_close":
            inside_image_link = False
            continue
        if inside_image_link or child.type in ("image", "softbreak", "hardbreak", "link_open"):
            continue
        if child.type == "text" and not child.content.strip():
            continue
        return False
    return True
