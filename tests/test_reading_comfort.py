"""Reading comfort (issue 20): a smooth position, dates in the local time zone, and a
single file that opens straight into its article (Pilot over small files of our own)."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.pilot_wait import settle
from tests.test_app import articles, document, screen_rows, text_of, widget_text
from tests.test_cli import listed, run
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


@pytest.fixture
def tokyo(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Late Posts</title>
  <id>urn:late</id>
  <updated>2024-01-05T20:00:00Z</updated>
  <entry>
    <title>Evening entry</title>
    <id>urn:late:1</id>
    <link href="https://example.org/late/1"/>
    <updated>2024-01-05T20:00:00Z</updated>
    <content type="html">&lt;p&gt;Written late in the evening, UTC.&lt;/p&gt;</content>
  </entry>
</feed>
"""


async def test_dates_show_in_the_local_time_zone(tmp_path: Path, tokyo: None) -> None:
    (tmp_path / "late.atom").write_text(ATOM, "utf-8")
    (tmp_path / "bare.md").write_text("---\ntitle: Bare\ndate: 2024-01-05\n---\nText.\n", "utf-8")
    app = ReaderApp([str(tmp_path)])
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        rows = widget_text(articles(app))
        evening = next(line for line in rows.split("\n") if "Evening entry" in line)
        assert "2024-01-06" in evening and "2024-01-05" not in evening
        bare = next(line for line in rows.split("\n") if "Bare" in line)
        assert "2024-01-05" in bare  # a date without a time stays the date it says
        titles = [article.title for article in articles(app).articles]
        await pilot.press("g", *["j"] * titles.index("Evening entry"), "enter")
        await settle(app, pilot)
        header = text_of(app, "#article-header")
        assert "2024-01-06" in header, header


def test_list_prints_local_dates_and_its_json_keeps_the_offset(
    tmp_path: Path, tokyo: None
) -> None:
    (tmp_path / "late.atom").write_text(ATOM, "utf-8")
    printed = run(tmp_path, "list", str(tmp_path / "late.atom"))
    assert printed.returncode == 0, printed.stderr
    assert printed.stdout.startswith("2024-01-06"), printed.stdout
    [entry] = listed(tmp_path, str(tmp_path / "late.atom"))
    assert entry["date"].startswith("2024-01-05T20:00:00"), entry["date"]


@pytest.mark.parametrize("size", [(140, 40), (80, 24)])
async def test_a_single_file_opens_straight_into_its_article(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    post = tmp_path / "post.md"
    post.write_text("---\ntitle: Only Post\n---\n# Only Post\n\nThe one body line.\n", "utf-8")
    app = ReaderApp([str(post)])
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        view = document(app)
        assert app.focused is view
        assert any("The one body line." in row for row in screen_rows(view))
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.focused is articles(app)
        assert "Only Post" in widget_text(articles(app))


async def test_a_folder_still_opens_on_the_list(tmp_path: Path) -> None:
    (tmp_path / "post.md").write_text("---\ntitle: Only Post\n---\nBody.\n", "utf-8")
    app = ReaderApp([str(tmp_path)])
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        assert app.focused is articles(app)
        assert document(app).document is None
