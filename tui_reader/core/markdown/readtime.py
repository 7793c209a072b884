"""Read time, Hugo style, with nothing else: the list needs it at start, before the
text analysis of :mod:`tui_reader.core.markdown.text` (and its regular expressions) loads."""

from __future__ import annotations

import math

HUGO_WPM = 212
CJK_PER_MINUTE = 500


def read_minutes(words: int, cjk: bool = False, wpm: int = HUGO_WPM) -> int:
    """Minutes to read, Hugo style: ceil(words / rate); 0 for an empty text."""
    if words <= 0:
        return 0
    rate = CJK_PER_MINUTE if cjk else max(1, wpm)
    return math.ceil(words / rate)
