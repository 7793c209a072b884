"""How the reading pane draws what Hugo's Markdown adds to CommonMark: footnotes, definition
lists, alerts, heading attributes and escaped shortcodes (ui/render_dialect.py).

The sample post ``sample_content/posts/writing-a-hugo-theme-readme.md`` holds one of each;
an SVG snapshot keeps the whole of it, and the Pilot tests below say in words what a reader
sees. Regenerate the SVG with ``--snapshot-update`` and open it before accepting it.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console
from textual.pilot import Pilot

import tui_reader.ui.screens.main as app_module
from tests.pilot_wait import settle
from tui_reader.core.markdown.document import Document
from tui_reader.ui.app import ReaderApp
from tui_reader.ui.render import render_document_section

SAMPLE = Path(__file__).resolve().parent.parent / "sample_content"
POST = SAMPLE / "posts/writing-a-hugo-theme-readme.md"


@pytest.fixture(autouse=True)
def frozen_read_timer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(app_module, "READ_AFTER_SECONDS", 24 * 3600.0)


def test_hugo_constructs_snapshot(snap_compare) -> None:
    async def opened(pilot: Pilot) -> None:
        await settle(pilot.app, pilot)

    app = ReaderApp([str(POST)])
    assert snap_compare(app, terminal_size=(160, 64), run_before=opened)


def drawn(document: Document, width: int = 70) -> str:
    """The text the reading pane draws for every section of a document, at ``width``."""
    console = Console(width=width, record=True, color_system=None, file=io.StringIO())
    for index in range(len(document)):
        for block in render_document_section(document, index).blocks:
            console.print(block)
    return console.export_text()


def screen_lines(body: str, width: int = 70) -> list[str]:
    return [line.rstrip() for line in drawn(Document(body), width).splitlines()]


def test_footnotes_show_as_markers_and_numbered_notes_at_the_end() -> None:
    # Numbered in order of first use, as Hugo does: [^b] is used first, in the heading.
    # Each note is written in another section from its use; all are listed at the end.
    body = (
        "# Title[^b]\n\nFirst[^a] and second.[^b]\n\n[^b]: Note bee.\n\n"
        "## Later\n\nMore text.\n\n[^a]: Note ay.\n\n[^unused]: Never shown.\n"
    )
    lines = screen_lines(body)
    assert "First[2] and second.[1]" in lines
    notes = lines.index(next(line for line in lines if "notes" in line and "─" in line))
    assert lines[notes - 2 : notes] == ["More text.", ""]
    assert lines[notes + 2 :] == ["[1] Note bee.", "[2] Note ay."]
    assert Document(body).headings[0].text == "Title"


def test_definition_list_shows_term_and_indented_definition() -> None:
    lines = screen_lines("Term\n: The definition.\n: Another one.\n")
    assert lines[:3] == ["Term", "    The definition.", "    Another one."]


@pytest.mark.parametrize(
    ("body", "label"),
    [
        ("> [!WARNING]\n> Mind the gap.\n", "WARNING"),
        ("> [!note] Obsidian title\n> Mind the gap.\n", "NOTE  Obsidian title"),
    ],
)
def test_alerts_render_as_labelled_callouts(body: str, label: str) -> None:
    lines = screen_lines(body)
    assert lines[:2] == [f"┃ {label}", "┃ Mind the gap."]
    assert not any("[!" in line for line in lines)


def test_alert_survives_drawing_twice() -> None:
    # A section's tokens are kept and drawn again at each width: the label line goes once.
    document = Document("> [!TIP]\n> First line.\n> Second line.\n")
    for width in (60, 50):
        assert "First line. Second line." in drawn(document, width)


def test_escaped_shortcode_keeps_its_text_in_code_and_prose() -> None:
    body = 'Use `{{</* ref "a.md" */>}}` here.\n\n```\n{{%/* notice */%}}\n```\n'
    lines = screen_lines(body)
    assert 'Use {{< ref "a.md" >}} here.' in lines
    assert any(line.strip() == "{{% notice %}}" for line in lines)


def test_heading_attributes_leave_the_text_and_give_the_anchor() -> None:
    document = Document("## Setup {#install .wide}\n\nText.\n")
    assert document.headings[0].text == "Setup"
    assert document.anchor_section("#install") == 0
    assert screen_lines("## Setup {#install .wide}\n")[0] == "## Setup"


def test_find_counts_escaped_shortcodes_and_footnote_markers_as_shown() -> None:
    from tui_reader.ui.widgets.find_in_article import ArticleFinder

    document = Document(POST.read_text(encoding="utf-8").split("---", 2)[2])
    finder = ArticleFinder()
    for query, shown in (("{{< figure", 2), ("[1]", 2), ("notice tip", 1), ("*/", 0)):
        finder.search(document, query)
        assert len(finder.matches) == shown, query
