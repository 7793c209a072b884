"""How the main screen shares its width between the list and the article.

While you read, the list gives way to the text. On a screen of :data:`SIDE_BY_SIDE`
columns or more it narrows to a column of titles beside the article (the stylesheet's
``#main.-reading #list-pane``), which leaves the text its full measure with the contents
list open. On a narrower screen, and in focus mode (``z``) at any width, the panes take
turns: the article has the whole width, and Esc gives it back to the list. Below
:data:`NARROW` columns the contents list is narrower too.
"""

from __future__ import annotations

NARROW = 100  # below this width the contents list narrows
SIDE_BY_SIDE = 140  # from this width the list stays beside the article as you read


def layout_classes(width: int, focus_mode: bool) -> dict[str, bool]:
    """The screen's layout classes for a terminal ``width`` columns wide."""
    return {"-narrow": width < NARROW, "-turns": focus_mode or width < SIDE_BY_SIDE}


def focus_mode_message(on: bool, width: int, key: str) -> str:
    """What ``z`` says: what changed, and how to undo it."""
    if not on:
        beside = "beside the article" if width >= SIDE_BY_SIDE else "when the screen is wider"
        return f"Focus mode off: the list stays {beside} while you read."
    return f"Focus mode: the article has the whole width; Esc shows the list, {key} ends it."
