"""Find in article counts and steps through only the text the reader shows: link text but
not link URLs, an image's label but not its source, code, and words split by emphasis.
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.test_app import document, open_input, open_row, running, text_of
from tui_reader.ui.widgets.find_in_article import CURRENT_MATCH

FILLER = "\n\n".join(f"Filler paragraph {n} about the weather on the moor." for n in range(12))

# "kestrel" is shown five times (heading, image label, code, split by emphasis, link text);
# the other four are in URLs, which the reader never shows.
ARTICLE = f"""---
title: Field notes
---
# Watching the kestrel

Read the [bird list](https://example.org/kestrel-list) first.

{FILLER}

![a kestrel hovering](images/kestrel.png) is shown.

![a hawk](pics/kestrel.jpg)

{FILLER}

Run `grep kestrel notes.txt` to count the sightings.

{FILLER}

A **kes**trel split by emphasis markers.

{FILLER}

See [kestrel](#kestrel-section) again.
"""
SHOWN = 5


def current_match_on_screen(view: object) -> tuple[int, int] | None:
    """(line in the article, column) of the brightly marked match in view, if any."""
    for y in range(view.scrollable_content_region.height):  # type: ignore[attr-defined]
        column = 0
        marked = ""
        start = -1
        for text, style, _control in view.render_line(y):  # type: ignore[attr-defined]
            if style is not None and style.bgcolor == CURRENT_MATCH.bgcolor:
                start = column if start < 0 else start
                marked += text
            column += len(text)
        if marked.lower() == "kestrel":
            return round(view.scroll_y) + y, start  # type: ignore[attr-defined]
    return None


async def test_every_n_step_lands_on_a_shown_match_and_the_count_is_what_is_shown(
    tmp_path: Path,
) -> None:
    (tmp_path / "notes.md").write_text(ARTICLE, encoding="utf-8")
    async with running(tmp_path, size=(90, 16)) as (app, pilot):
        await open_row(app, pilot, "notes.md")
        await open_input(app, pilot, "find-input")
        await pilot.press(*"kestrel", "enter")
        await pilot.pause()
        status = text_of(app, "#reader-status")
        match = re.search(r"(\d+)/(\d+)", status)
        assert match, status
        assert int(match.group(2)) == SHOWN
        visited = set()
        for _ in range(SHOWN):
            place = current_match_on_screen(document(app))
            assert place is not None, text_of(app, "#reader-status")
            visited.add(place)
            await pilot.press("n")
            await pilot.pause()
        # Each step went somewhere new: no step "moved" to a match the reader does not show.
        assert len(visited) == SHOWN
        assert current_match_on_screen(document(app)) in visited  # wrapped to the first
