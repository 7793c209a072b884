"""Golden tests for the Markdown Hugo writes (core/markdown/dialect.py and its users): the
words and headings Hugo would give, dates in Hugo's forms, and plain summaries.

How the expected numbers were worked out: Hugo's ``.WordCount`` is the number of
whitespace-separated tokens of the page's plain text (its HTML with tags removed), so each
comment lists those tokens. Every figure was also checked against Hugo 0.168 itself
(tests/test_hugo_parity.py builds the same kind of pages with the real binary).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tui_reader.core.local.frontmatter import parse_date
from tui_reader.core.local.posts import summary_of
from tui_reader.core.markdown.text import analyse, plain_text


def words(body: str) -> int:
    return analyse(body)[0]


def headings(body: str) -> list[tuple[int, str, str]]:
    return [tuple(h) for h in analyse(body)[2]]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # "Use", "{{<", "ref", '"a.md"', ">}}", "now." -- printed, not dropped
        ('Use {{</* ref "a.md" */>}} now.\n', 6),
        # in a code block too: "{{%", "note", "%}}"
        ("```\n{{%/* note */%}}\n```\n", 3),
        # "Text1" (the marker's number joins the word), "and", "2." ... the note's "Note."
        ("Text[^a] and [^b].\n\n[^a]: Note.\n[^b]: Other.\n", 5),
        # "Apple", "A", "fruit." -- the ":" marker is no word
        ("Apple\n: A fruit.\n", 3),
        # "Install" -- "{#install .wide}" is no text
        ("# Install {#install .wide}\n", 1),
        # the style and script contents are never words; "a\u00a0b" splits at the nbsp
        ("<style>p { x: y }</style>\n\n<script>var a = 1;</script>\n\na&nbsp;b\n", 2),
        # "one", "two": </p> separates; Hugo glues other tags ("<b>x</b><i>y</i>" = 1)
        ("<p>one</p><p>two</p>\n\n<b>x</b><i>y</i>\n", 3),
        # "(a", "+", "4)", "*", "3" -- a star that pairs with nothing is text
        ("(a + 4) * 3\n", 5),
    ],
)
def test_word_counts_follow_hugo(body: str, expected: int) -> None:
    assert words(body) == expected


def test_headings_keep_underscores_drop_markers_and_take_their_id() -> None:
    body = "## Files like _index.md and _config.yml\n\n## Noted[^1] {#noted}\n\n[^1]: x\n"
    assert headings(body) == [
        (2, "Files like _index.md and _config.yml", "files-like-_indexmd-and-_configyml"),
        (2, "Noted", "noted"),
    ]


def test_plain_text_decodes_entities_and_shows_escaped_shortcodes() -> None:
    text = plain_text("It&#39;s {{</* x */>}} &mdash; done.\n")
    assert text.strip() == "It's {{< x >}} — done."


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("2019-04-09T8:09:26-07:00", "2019-04-09T15:09:26+00:00"),
        ("2019-04-09 08:09:26 -0700 MST", "2019-04-09T15:09:26+00:00"),
        ("2019-4-9", "2019-04-09T00:00:00+00:00"),
        ("January 2, 2006", "2006-01-02T00:00:00+00:00"),
        ("Jan 2, 2006", "2006-01-02T00:00:00+00:00"),
    ],
)
def test_dates_in_the_forms_hugo_accepts(value: str, iso: str) -> None:
    parsed = parse_date(value)
    assert parsed is not None and parsed.isoformat() == iso


def test_an_unreadable_date_is_reported_with_the_file_name(tmp_path: Path) -> None:
    post = tmp_path / "bad-date.md"
    post.write_text("---\ntitle: Bad\ndate: 2019-13-40\n---\nText.\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "tui_reader", "list", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert f"{post}: unreadable date: 2019-13-40" in done.stderr
    assert "Bad" in done.stdout  # the post is still listed


def test_summaries_are_plain_text() -> None:
    body = "Read [the docs](https://x.example/a) first.[^1] It has <b>bold</b> {{</* x */>}}.\n"
    assert summary_of(body) == "Read the docs first. It has bold {{< x >}}."
    assert summary_of("> [!NOTE]\n> Be careful.\n\nBody.\n") == "Be careful."
    assert summary_of("Term\n: Its meaning.\n\nBody.\n") == "Term Its meaning."
    assert summary_of("## Intro\n\nFirst.\n\n## Next\n\nSecond.\n<!--more-->\n") == "First. Second."


def test_build_options_cascade_and_headless_bundles_keep_pages_out_of_the_list(
    tmp_path: Path,
) -> None:
    def write(path: str, front: str, body: str = "Text.\n") -> None:
        target = tmp_path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(f"---\ntitle: {Path(path).stem}\n{front}---\n{body}", "utf-8")

    write("posts/shown.md", "", "See [the hidden page](hidden.md).\n")
    write("posts/hidden.md", "build:\n  list: never\n")
    write("posts/unrendered.md", "_build:\n  render: never\n")
    write("posts/bundle/index.md", "headless: true\n")
    write("archive/_index.md", "cascade:\n  build:\n    list: local\n")
    write("archive/deep/old.md", "")
    write("archive/kept.md", "build:\n  list: always\n")  # its own word beats the cascade
    done = subprocess.run(
        [sys.executable, "-m", "tui_reader", "list", "--sort", "title", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    titles = [line.split("  ")[-2] for line in done.stdout.splitlines()]
    assert titles == ["kept", "shown"]


async def test_a_page_kept_out_of_the_list_still_opens_from_a_link(tmp_path: Path) -> None:
    from tests.pilot_wait import settle
    from tests.test_app import document, text_of
    from tui_reader.ui.app import ReaderApp
    from tui_reader.ui.widgets.document_view import DocumentView

    (tmp_path / "shown.md").write_text("---\ntitle: Shown\n---\nSee [it](hidden.md).\n")
    (tmp_path / "hidden.md").write_text(
        "---\ntitle: Hidden page\nbuild:\n  list: never\n---\nThe hidden text.\n"
    )
    app = ReaderApp([str(tmp_path)])
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        assert [a.title for a in app.library.articles] == ["Shown"]
        await pilot.press("enter")
        await settle(app, pilot)
        document(app).post_message(DocumentView.LinkClicked("hidden.md"))
        await settle(app, pilot)
        assert "Hidden page" in text_of(app, "#article-header")
