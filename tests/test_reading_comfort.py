"""Reading comfort (issue 20): a smooth position, dates in the local time zone, and a
single file that opens straight into its article (Pilot over small files of our own)."""

from __future__ import annotations

import re
from pathlib import Path

from tests.pilot_wait import settle
from tests.test_app import document, text_of
from tui_reader.ui.app import ReaderApp


def percent(app: ReaderApp) -> int:
    found = re.match(r"\s*(\d+)%", text_of(app, "#reader-status"))
    assert found, text_of(app, "#reader-status")
    return int(found.group(1))


async def test_a_short_articles_position_moves_with_its_scrolling(tmp_path: Path) -> None:
    # About two screens of text: the view reaches its end when its top is a third in.
    paragraphs = "\n\n".join(f"Paragraph {n} of a short note." for n in range(40))
    (tmp_path / "short.md").write_text(f"---\ntitle: Short\n---\n{paragraphs}\n", "utf-8")
    app = ReaderApp([str(tmp_path)])
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        view = document(app)
        assert percent(app) == 0
        seen = [0]
        while not view.at_end:
            await pilot.press("j")
            await pilot.pause()
            seen.append(percent(app))
        assert seen[-1] == 100
        assert "finished" in text_of(app, "#reader-status")
        steps = [after - before for before, after in zip(seen, seen[1:], strict=False)]
        assert all(0 <= step <= 15 for step in steps), seen
        assert all(value < 100 for value in seen[:-1]), seen
