"""Big and pathological Markdown in the real app: the article opens, and every cut is said.

One article holds every case, each under its own heading: quotes and lists nested
10,000 deep, 100,000 ``*`` emphasis openers, a 1,000,000-character line, a 2,000-row
table and a 5,000-line code block. It is opened with Pilot and read with ``]`` from
heading to heading. ``asyncio.wait_for`` is only a hang guard (nothing is timed); what is
checked is that the screen shows each note saying what was cut or shown plain, and that
the app still answers keys. Before the caps in ``ui/render.py`` the nesting was dropped
without a word, and the code block and a run of ``![`` froze the interface for seconds;
the finer cases are unit tests in ``test_render_caps.py``.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from pilot_wait import wait_until
from textual.pilot import Pilot

from tui_reader.ui.app import ReaderApp
from tui_reader.ui.widgets.article_list import ArticleList
from tui_reader.ui.widgets.document_view import DocumentView

HANG_GUARD = 30  # seconds
NESTED = "nested more than 40 levels deep: the deeper part is not shown"

# (heading, body, the note the reader must show once that heading is reached)
CASES = [
    ("Deep quote", ">" * 10_000 + " deep\n", NESTED),
    ("Deep list", "- " * 10_000 + "deep\n", NESTED),
    ("Emphasis openers", "*a " * 100_000 + "\n", "too large to format (300,00"),
    ("A million characters", "x" * 1_000_000 + "\n", "too large to format (1,000,00"),
    ("Big table",
     "| Row | Double |\n|-----|--------|\n"
     + "".join(f"| row {n} | {n * 2} |\n" for n in range(2_000)),
     "[table cut: 1,500 more rows not shown]"),
    ("Long code",
     "```python\n" + "value = [1, 2, 3]  # *not* [emphasis]\n" * 5_000 + "```\n",
     "code block cut at 3,000 of 5,000 lines"),
]  # fmt: skip


def screen(view: DocumentView) -> str:
    return "\n".join(view.render_line(y).text for y in range(view.scrollable_content_region.height))


async def read_by_headings(app: ReaderApp, pilot: Pilot) -> dict[str, str]:
    """Open the article, then show each heading in turn; what was on screen at each."""
    await pilot.press("enter")
    view = app.query_one(DocumentView)
    await wait_until(pilot, lambda: view.document is not None and view.rendered_sections)
    await pilot.pause()
    seen = {CASES[0][0]: screen(view)}
    for heading, _body, _note in CASES[1:]:
        await pilot.press("right_square_bracket")
        await pilot.pause()
        seen[heading] = screen(view)
        # A note at the end of a long block sits just above the next heading: step
        # back a few lines to see it, then forward to this heading again.
        await pilot.press("k", "k", "k")
        seen[heading] += "\n" + screen(view)
        await pilot.press("right_square_bracket")
    await pilot.press("G")
    await pilot.pause()
    seen[CASES[-1][0]] += "\n" + screen(view)
    return seen


async def test_pathological_markdown_opens_and_says_what_was_cut(tmp_path: Path) -> None:
    article = "".join(f"# {heading}\n\n{body}\n" for heading, body, _note in CASES)
    (tmp_path / "pathological.md").write_text(article)
    app = ReaderApp([str(tmp_path)])
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_until(pilot, lambda: not app.loading and app.query_one(ArticleList).articles)
        await app.workers.wait_for_complete()
        seen = await asyncio.wait_for(read_by_headings(app, pilot), HANG_GUARD)
        for index, (heading, _body, note) in enumerate(CASES):
            # A note may show on its own heading's screen or, for a note at the very end
            # of a block, on the next one (after stepping back a few lines).
            nearby = seen[heading] + "".join(seen[h] for h, _b, _n in CASES[index + 1 : index + 2])
            assert note in " ".join(nearby.split()), heading  # the note may wrap
        # Still answering: back to the list, and the cursor keys work.
        await pilot.press("escape")
        assert isinstance(app.focused, ArticleList)
        assert app.is_running
