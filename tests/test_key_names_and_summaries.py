"""Two honest answers of issue 20: a ``[keys]`` entry naming a key no keyboard can press
is named at start, and a one-line summary never runs a heading into the next sentence."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_cli import listed
from tests.test_keys import start_up_toasts
from tui_reader.core.feeds.htmltext import html_blocks
from tui_reader.core.local.posts import summary_of
from tui_reader.core.sanitize import clean_blocks
from tui_reader.ui.keys import is_key_name, keymap_warning


@pytest.mark.parametrize(
    "key", ["f2", "T", "ctrl+f", "question_mark", "left_square_bracket", "pagedown", "alt+left"]
)
def test_keys_textual_can_press_are_key_names(key: str) -> None:
    assert is_key_name(key)


@pytest.mark.parametrize("key", ["f2x", "ctrl+", "cmd+k", "pgdown", "questionmark"])
def test_misspelt_keys_are_not_key_names(key: str) -> None:
    assert not is_key_name(key)


def test_the_warning_names_the_binding_and_the_key_it_cannot_press() -> None:
    said = keymap_warning({"toggle_toc": "f2,pgdn", "quit": "Q"}, "config.toml")
    assert said is not None
    assert 'toggle_toc = "pgdn"' in said and "f2" not in said.split("no such key:")[1][:20]
    assert "quit" not in said
    assert keymap_warning({"toggle_toc": "f2", "quit": ""}) is None


async def test_a_key_name_no_keyboard_has_is_named_when_the_reader_starts(
    sample_content: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = '[keys]\ntoggle_toc = "ctrl+shift+tee"\n'
    said = await start_up_toasts(config, sample_content, monkeypatch)
    assert 'toggle_toc = "ctrl+shift+tee"' in said


# --- summaries -----------------------------------------------------------------------


def test_a_feed_summary_ends_the_heading_before_the_next_sentence() -> None:
    html = "<p>It needs no charging.</p><h2>What goes in it</h2><p>The date and\nplace.</p>"
    summary = clean_blocks(html_blocks(html), 300)
    assert summary == "It needs no charging. What goes in it. The date and place."


def test_list_items_and_a_colon_keep_their_sentences_apart() -> None:
    html = "<p>Keys to know:</p><ul><li>j and k to scroll</li><li>space to page</li></ul>"
    assert clean_blocks(html_blocks(html), 300) == "Keys to know: j and k to scroll. space to page"


def test_plain_text_lines_of_one_paragraph_stay_one_sentence() -> None:
    text = "A summary written\nover two lines.\n\nA second paragraph"
    assert clean_blocks(html_blocks(text, is_html=False), 300) == (
        "A summary written over two lines. A second paragraph"
    )


def test_a_local_summary_with_more_does_not_run_paragraphs_together() -> None:
    body = "Intro without a stop\n\n## A heading\n\nMore text.\n<!--more-->\nThe rest."
    assert summary_of(body) == "Intro without a stop. More text."


def test_list_json_summary_of_a_feed_entry_keeps_its_heading_apart(tmp_path: Path) -> None:
    feed = tmp_path / "notes.atom"
    feed.write_text(
        """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Notes</title><id>urn:n</id>
<updated>2024-01-05T20:00:00Z</updated>
<entry><title>Notebooks</title><id>urn:n:1</id><updated>2024-01-05T20:00:00Z</updated>
<content type="html">&lt;p&gt;It works on planes.&lt;/p&gt;&lt;h2&gt;What goes in it&lt;/h2&gt;
&lt;p&gt;The date and place.&lt;/p&gt;</content></entry></feed>
""",
        "utf-8",
    )
    [entry] = listed(tmp_path, str(feed))
    assert entry["summary"] == "It works on planes. What goes in it. The date and place."
