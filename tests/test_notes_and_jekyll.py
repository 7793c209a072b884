"""Jekyll posts and note vaults, read as their own tools read them: dates and titles from
``_posts`` file names, Liquid tags, ``[[wiki links]]`` that open the note at a heading with
back and forward, inline ``#tags`` in the tag space, and plain notes' titles and dates.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.pilot_wait import settle
from tests.test_app import document, text_of, top_line
from tui_reader.core.markdown.document import Document
from tui_reader.core.markdown.text import plain_text
from tui_reader.ui.app import ReaderApp
from tui_reader.ui.widgets.document_view import DocumentView


def listed(folder: Path) -> list[dict]:
    done = subprocess.run(
        [sys.executable, "-m", "tui_reader", "list", "--json", "--sort", "title", str(folder)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return [json.loads(line) for line in done.stdout.splitlines()]


def test_jekyll_post_takes_date_and_title_from_its_file_name(tmp_path: Path) -> None:
    posts = tmp_path / "_posts"
    posts.mkdir()
    (posts / "2024-05-01-a-walk-by-the-river.md").write_text("---\nlayout: post\n---\nText.\n")
    (posts / "2023-02-03-named.md").write_text("---\ntitle: Own title\ndate: 2023-02-04\n---\nx\n")
    records = {r["title"]: r["date"] for r in listed(tmp_path)}
    assert records == {
        "A Walk By The River": "2024-05-01T00:00:00+00:00",
        "Own title": "2023-02-04T00:00:00+00:00",  # front matter wins over the name
    }


def test_liquid_tags_leave_code_as_code_and_no_braces() -> None:
    body = (
        "Intro {% include note.html %} text.\n\n"
        "{% highlight ruby %}\nputs 1\n{% endhighlight %}\n\n"
        "{% raw %}{{ page.title }}{% endraw %} shown as written.\n"
    )
    tokens = [t for i in range(len(Document(body))) for t in Document(body).tokens(i)]
    fences = [t for t in tokens if t.type == "fence"]
    assert [(f.info, f.content) for f in fences] == [("ruby", "puts 1\n")]
    text = plain_text(body)
    assert "{%" not in text and "%}" not in text
    assert "{{ page.title }} shown as written." in text


def test_inline_tags_join_the_front_matter_tags(tmp_path: Path) -> None:
    (tmp_path / "note.md").write_text(
        "---\ntags: [garden]\n---\nPlanted #tomatoes and #area/herbs today; see issue #12 "
        "and [a link](https://x.example/#frag).\n\n```\n#not-a-tag\n```\n"
    )
    assert listed(tmp_path)[0]["tags"] == ["garden", "tomatoes", "area/herbs"]


def test_plain_note_takes_title_from_heading_and_date_from_modification(tmp_path: Path) -> None:
    note = tmp_path / "scratch.md"
    note.write_text("# Shopping list\n\n- bread\n")
    os.utime(note, (1_700_000_000, 1_700_000_000))  # 2023-11-14 22:13:20 UTC
    (record,) = listed(tmp_path)
    assert (record["title"], record["date"]) == ("Shopping list", "2023-11-14T22:13:20+00:00")


async def test_wiki_links_open_the_note_at_its_heading_with_back_and_forward(
    tmp_path: Path,
) -> None:
    (tmp_path / "daily").mkdir()
    (tmp_path / "daily" / "monday.md").write_text(
        "# Monday\n\nRead [[Reading list#Second shelf|the second shelf]] today.\n"
    )
    filler = "\n\n".join(f"Line {n} of the first shelf." for n in range(60))
    (tmp_path / "Reading list.md").write_text(
        f"# Reading list\n\n## First shelf\n\n{filler}\n\n## Second shelf\n\n{filler}\n"
    )
    app = ReaderApp([str(tmp_path / "daily" / "monday.md")])
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        assert "Monday" in text_of(app, "#article-header")
        (link,) = [href for _text, href in document(app).all_links()]
        assert link == "Reading%20list.md#second-shelf"
        document(app).post_message(DocumentView.LinkClicked(link))
        await settle(app, pilot)
        assert "Reading list" in text_of(app, "#article-header")
        assert "Second shelf" in top_line(app)
        await pilot.press("alt+left")
        await settle(app, pilot)
        assert "Monday" in text_of(app, "#article-header")
        await pilot.press("alt+right")
        await settle(app, pilot)
        assert "Reading list" in text_of(app, "#article-header")


def test_vault_note_snapshot(snap_compare, tmp_path: Path) -> None:
    """A note with wiki links, inline tags and an Obsidian callout, as the pane draws it."""
    note = tmp_path / "garden.md"
    note.write_text(
        "# Garden log\n\nPlanted #tomatoes by the wall; see [[Soil notes#Compost|compost]] "
        "and [[Seed list]].\n\n> [!warning] Frost\n> Cover the beds tonight.\n\n"
        "Done.\n"
    )
    os.utime(note, (1_700_049_600, 1_700_049_600))  # noon UTC: the same day in most zones

    async def opened(pilot) -> None:
        await settle(pilot.app, pilot)

    assert snap_compare(ReaderApp([str(note)]), terminal_size=(110, 20), run_before=opened)
