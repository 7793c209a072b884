"""Which entries are only a summary, and the per-feed ``full_text`` setting."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui_reader.core.config import append_feeds, load_config
from tui_reader.core.fulltext.policy import is_summary, wants_article
from tui_reader.core.sources import FeedConfig


@pytest.mark.parametrize(
    ("body", "words", "summary"),
    [
        ("One short teaser of the post.", 6, True),
        ("Two paragraphs here.\n\nAnd a second one, complete.", 8, False),
        ("A first paragraph.\n\nThen it stops […]", 6, True),
        ("Intro.\n\nMore text. [Read more](https://x.org/p)", 5, True),
        ("Intro.\n\nThe end…", 3, True),
        ("Intro.\n\nEscaped as feed text is \\[…\\]", 6, True),
        ("", 0, True),
        ("word " * 200, 200, False),
    ],
)
def test_a_summary_is_short_and_one_paragraph_or_cut(body: str, words: int, summary: bool) -> None:
    assert is_summary(body, words) is summary


def test_what_each_mode_fetches() -> None:
    long_text = "Para one.\n\nPara two."
    assert wants_article("auto", "https://x.org/p", "Teaser…", 1)
    assert not wants_article("auto", "https://x.org/p", long_text, 4)
    assert wants_article("true", "https://x.org/p", long_text, 4)
    assert not wants_article("false", "https://x.org/p", "Teaser…", 1)
    assert not wants_article("true", "ftp://x.org/p", "Teaser…", 1)
    assert not wants_article("auto", "", "Teaser…", 1)


def test_full_text_setting_is_read_checked_and_written_back(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        '[[feeds]]\nurl = "https://a.org/feed"\n\n'
        '[[feeds]]\nurl = "https://b.org/feed"\nfull_text = false\n\n'
        '[[feeds]]\nurl = "https://c.org/feed"\nfull_text = true\n\n'
        '[[feeds]]\nurl = "https://d.org/feed"\nfull_text = "sometimes"\n',
        "utf-8",
    )
    config = load_config(path)
    assert [f.full_text for f in config.feeds] == ["auto", "false", "true", "auto"]
    assert config.errors == [
        f'{path}: full_text of https://d.org/feed must be true, false or "auto"; using "auto"'
    ]
    out = tmp_path / "out.toml"
    append_feeds(out, [FeedConfig("https://e.org/feed", full_text="false")])
    assert [f.full_text for f in load_config(out).feeds] == ["false"]
