"""Plain text, Hugo word counts, read time, headings, anchors, shortcodes and summaries.

Every expected figure below is worked out by hand in a comment next to it, from Hugo's
rules: ``.WordCount`` is the number of whitespace-separated tokens of the rendered plain
text (on CJK pages a non-ASCII token counts one per character), and ``.ReadingTime`` is
``ceil(words / 212)``, or ``ceil(words / 500)`` on CJK pages.
"""

from __future__ import annotations

import pytest

from tui_reader.core.article import Heading
from tui_reader.core.local.posts import summary_of
from tui_reader.core.markdown.readtime import read_minutes
from tui_reader.core.markdown.text import (
    analyse,
    plain_text,
    scan_headings,
    slugify,
    strip_shortcodes,
)


def words_of(markdown: str) -> int:
    return analyse(markdown)[0]


def minutes_of(markdown: str, wpm: int = 212) -> int:
    words, cjk, _ = analyse(markdown)
    return read_minutes(words, cjk, wpm)


def headings_of(markdown: str) -> list[tuple[int, str, str]]:
    return [(h.level, h.text, h.anchor) for _, h in scan_headings(markdown)]


def prose(words: int) -> str:
    """A Markdown body of exactly ``words`` plain words, eight to a line, with some markup.

    The last word is the text of a link; a heading marker, emphasis and the link's URL
    add no words.
    """
    tokens = [f"w{n}" for n in range(words - 1)] + ["[x](https://example.com/a/b/c)"]
    lines = [" ".join(tokens[i : i + 8]) for i in range(0, len(tokens), 8)]
    lines[0] = "# " + lines[0]
    if len(lines) > 1:
        lines[1] = f"*{lines[1]}*"
    return "\n\n".join(lines) + "\n"


# --- read time, English -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "minutes"),
    [
        (1, 1),  # ceil(1 / 212) = 1
        (211, 1),  # ceil(211 / 212) = 1
        (212, 1),  # exactly one minute
        (213, 2),  # ceil(213 / 212) = 2
        (424, 2),  # 424 / 212 = 2.0 exactly
        (425, 3),  # 425 / 212 = 2.004..., rounded up
        (2120, 10),
    ],
)
def test_read_time_rounds_up_at_212_words_a_minute(words: int, minutes: int) -> None:
    body = prose(words)
    assert words_of(body) == words
    assert minutes_of(body) == minutes


def test_empty_or_markup_only_body_reads_in_zero_minutes() -> None:
    assert minutes_of("") == 0
    # An image, a rule and a comment render to no text at all.
    assert words_of("![a photo](pic.png)\n\n---\n\n<!-- nothing -->\n") == 0
    assert minutes_of("![a photo](pic.png)\n\n---\n\n<!-- nothing -->\n") == 0


@pytest.mark.parametrize(
    ("words", "wpm", "minutes"),
    [
        (300, 100, 3),  # 300 / 100 = 3.0
        (301, 100, 4),  # 3.01 -> 4
        (300, 300, 1),
        (301, 300, 2),
        (1000, 20, 50),  # the slowest speed the CLI accepts
        (1000, 5000, 1),  # the fastest
    ],
)
def test_custom_reading_speed_changes_minutes(words: int, wpm: int, minutes: int) -> None:
    assert read_minutes(words, cjk=False, wpm=wpm) == minutes
    body = prose(words)
    assert minutes_of(body, wpm=wpm) == minutes


# --- read time, CJK -----------------------------------------------------------------------

# 12 characters: 古 本 屋 で ノ ー ト を 買 っ た 。
SENTENCE = "古本屋でノートを買った。"


def test_japanese_sentence_counts_every_character() -> None:
    assert len(SENTENCE) == 12
    words, cjk, _ = analyse(SENTENCE)
    assert cjk
    assert words == 12


@pytest.mark.parametrize(
    ("extra", "words", "minutes"),
    [
        # 41 sentences = 492 characters, then the tokens " Python と Rust の本 を三冊":
        # Python 1 (ASCII), と 1, Rust 1, の本 2, を三冊 3  -> 8;  492 + 8 = 500 -> 1 minute
        ("", 500, 1),
        # one more character -> 501 -> ceil(501 / 500) = 2 minutes
        ("。", 501, 2),
    ],
)
def test_japanese_read_time_is_characters_over_500(extra: str, words: int, minutes: int) -> None:
    body = SENTENCE * 41 + " Python と Rust の本 を三冊" + extra + "\n"
    counted, cjk, _ = analyse(body)
    assert cjk
    assert counted == words
    assert read_minutes(counted, cjk) == minutes


def test_korean_counts_characters_per_hugo_rule() -> None:
    # 안녕하세요 = 5 characters, 여러분 = 3 -> 8 words -> ceil(8 / 500) = 1 minute
    words, cjk, _ = analyse("안녕하세요 여러분\n")
    assert (words, cjk) == (8, True)
    assert read_minutes(words, cjk) == 1


def test_one_japanese_phrase_does_not_make_an_english_page_cjk() -> None:
    # Ten English words and one Japanese token (東京, 2 characters): counted as 11 tokens.
    body = "We spent the last week of the trip in 東京 again.\n"
    words, cjk, _ = analyse(body)
    assert not cjk
    assert words == 11
    assert read_minutes(words, cjk) == 1


# --- word count: what is and is not text --------------------------------------------------


@pytest.mark.parametrize(
    ("markdown", "words"),
    [
        ("- item one\n- item two", 4),  # list markers are not words
        ("1. first\n2) second", 2),
        ("- [x] done task", 2),  # a task box is not a word
        ("# Heading words ##", 2),  # '#' markers, opening and closing
        ("> quoted text here", 3),
        ("[link text](https://example.com/very/long/url)", 2),  # the URL is not text
        ("[ref link][1]\n\n[1]: https://example.com", 2),  # nor is a reference definition
        ("![alt words here](img/pic.png)", 0),  # images leave neither alt nor src
        ("[![badge alt](b.svg)](https://ci.example.com)", 0),
        ('<span class="note">inside</span> outside', 2),  # tags go, their text stays
        ("<!-- hidden comment words -->", 0),
        ("<https://example.com>", 1),  # an autolink shows its URL as its text
        ("```python\nprint('hi') # two\n```", 3),  # fences go, code stays
        ("~~~\ntilde fenced code\n~~~", 3),
        ("    indented code block", 3),
        ("| a | b |\n|---|---|\n| c d | e |", 5),  # cell text counts, pipes and rules do not
        ("---\n\n***", 0),  # thematic breaks
        ("Title\n=====", 1),  # setext underline
        ("**bold** and _em_", 3),
        ("Text with `inline code` span", 5),
        ("a [link](https://x.com/a_(b)) b", 3),  # a URL with parentheses is dropped whole
    ],
)
def test_word_count_excludes_markup_and_keeps_text(markdown: str, words: int) -> None:
    assert words_of(markdown) == words


def test_word_count_of_a_mixed_article() -> None:
    body = (
        "# Title here\n\n"  # 2
        "- item one\n"  # 2
        "1. item two\n\n"  # 2
        "See [link text](https://example.com/a/b-c) now.\n\n"  # 4
        "![alt words](img/pic.png)\n\n"  # 0
        '<span class="x">html</span>\n\n'  # 1
        "```python\ncode line here\n```\n\n"  # 3
        "| a | b |\n|---|---|\n| c d | e |\n"  # 2 + 3
    )
    # 2 + 2 + 2 + 4 + 0 + 1 + 3 + 5 = 19
    assert words_of(body) == 19
    plain = plain_text(body)
    for gone in ("https://", "img/pic.png", "alt words", "<span", "```", "|", "#"):
        assert gone not in plain


def test_word_count_ignores_html_comment_spanning_lines() -> None:
    # Hugo drops the whole comment: only "real words" remain -> 2
    assert words_of("<!--\nold draft paragraph\nnot shown\n-->\nreal words\n") == 2


def test_an_unclosed_comment_leaves_the_rest_counted() -> None:
    # Not a comment at all: "<!--" shows as text, and so does everything after it.
    assert words_of("one two <!-- three four\n\nfive six\n") == 7


# --- headings -----------------------------------------------------------------------------


def test_atx_headings_keep_their_level() -> None:
    body = "\n\n".join("#" * level + f" Level {level}" for level in range(1, 7))
    assert headings_of(body) == [(n, f"Level {n}", f"level-{n}") for n in range(1, 7)]


def test_seven_hashes_or_no_space_is_not_a_heading() -> None:
    assert headings_of("####### seven\n\n#hashtag\n") == []


def test_setext_headings_are_found() -> None:
    body = "Big Title\n=========\n\nText.\n\nSmaller One\n-----------\n\nMore.\n"
    assert headings_of(body) == [(1, "Big Title", "big-title"), (2, "Smaller One", "smaller-one")]


def test_list_item_over_dashes_is_not_a_setext_heading() -> None:
    assert headings_of("- item\n---\n") == []


def test_headings_inside_code_fences_are_ignored() -> None:
    body = (
        "## Before\n\n"
        "```bash\n# a shell comment\nTitle\n=====\n```\n\n"
        "~~~~\n```\n## still inside the outer fence\n```\n~~~~\n\n"
        "## After\n"
    )
    assert headings_of(body) == [(2, "Before", "before"), (2, "After", "after")]


@pytest.mark.parametrize(
    ("line", "text"),
    [
        ("## Title ##", "Title"),
        ("### Title ###########", "Title"),
        ("## Title #", "Title"),
        ("## Learning C#", "Learning C#"),  # no space before '#': part of the text
        ("## Learning C# ##", "Learning C#"),
    ],
)
def test_closing_hashes_are_stripped(line: str, text: str) -> None:
    assert [h[1] for h in headings_of(line)] == [text]


def test_heading_text_drops_inline_markup() -> None:
    assert headings_of("## `code` and *em* and [a link](https://x.com)") == [
        (2, "code and em and a link", "code-and-em-and-a-link")
    ]


@pytest.mark.parametrize(
    ("text", "anchor"),
    [
        ("Hello, World!", "hello-world"),
        ("What's new?", "whats-new"),
        ("Feeds, the quiet firehose", "feeds-the-quiet-firehose"),
        ("a -- b", "a----b"),  # GitHub keeps hyphens and turns each space into one
        ("Ünïcödé Straße", "ünïcödé-straße"),
        ("日本語の見出し", "日本語の見出し"),
        ("  Padded  ", "padded"),
    ],
)
def test_anchor_is_github_style(text: str, anchor: str) -> None:
    assert slugify(text) == anchor


def test_heading_with_snake_case_name_keeps_underscores() -> None:
    # Underscores inside a word are not emphasis (CommonMark), so the TOC shows them and
    # GitHub's anchor keeps them: "## The my_var setting" -> #the-my_var-setting.
    assert headings_of("## The my_var setting") == [(2, "The my_var setting", "the-my_var-setting")]
    assert headings_of("## The `snake_case_name` option") == [
        (2, "The snake_case_name option", "the-snake_case_name-option")
    ]
    # ...while real emphasis with underscores is still removed.
    assert headings_of("## An _emphasised_ word and __init__") == [
        (2, "An emphasised word and init", "an-emphasised-word-and-init")
    ]


def test_duplicate_headings_get_numbered_anchors() -> None:
    body = "## Notes\n\n## Notes\n\n## Other\n\n## Notes\n\nNotes\n-----\n"
    anchors = [h[2] for h in headings_of(body)]
    assert anchors == ["notes", "notes-1", "other", "notes-2", "notes-3"]


def test_analyse_returns_headings_in_order() -> None:
    _, _, headings = analyse("# One\n\ntext\n\n## Two\n\nmore\n")
    assert headings == (Heading(1, "One", "one"), Heading(2, "Two", "two"))


# --- shortcodes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("markdown", "kept"),
    [
        ('{{< figure src="a.png" caption="x" >}}', "x"),
        ('{{< figure src="a.png" caption="A photo of Kyoto" >}}', "A photo of Kyoto"),
        ('{{<figure alt="tight spacing">}}', "tight spacing"),
        ("{{% note %}}inner{{% /note %}}", "inner"),
        ("{{< note >}}\nspread over\nlines\n{{< /note >}}", "spread over\nlines"),
        ("{{< youtube dQw4w9WgXcQ >}}", ""),
        ('{{< figure\n  src="a.png"\n  caption="multi-line call"\n>}}', "multi-line call"),
        ('[other post]({{< ref "other.md" >}})', "other post"),
    ],
)
def test_shortcodes_never_leave_braces(markdown: str, kept: str) -> None:
    stripped = strip_shortcodes(markdown)
    plain = plain_text(markdown)
    for text in (stripped, plain):
        assert "{{" not in text
        assert "}}" not in text
        assert "<" not in text and "%" not in text
    assert kept in plain


def test_shortcode_arguments_are_not_counted_as_words() -> None:
    # Only the caption's two words remain; src and the shortcode name are gone.
    assert words_of('{{< figure src="terminal-reader.png" caption="Two words" >}}\n') == 2
    # A paired shortcode keeps its inner text: "Use bold here" -> 3
    assert words_of("{{% note %}}Use **bold** here{{% /note %}}\n") == 3


def test_sample_shortcode_post_has_no_braces_left(sample_content) -> None:
    text = (sample_content / "posts" / "shortcodes-and-plain-text.md").read_text("utf-8")
    body = text.split("\n---\n", 1)[1]
    prose_part = body.split("```bash")[0]  # the post quotes shortcodes inside a code block
    plain = plain_text(prose_part)
    assert "{{" not in plain and "}}" not in plain
    assert "A Markdown post open in a terminal reader" in plain
    assert "Shortcodes with percent signs are rendered as Markdown" in plain


# --- summary ------------------------------------------------------------------------------


def test_summary_is_the_text_before_more() -> None:
    body = (
        "First **para** with [a link](http://y.example).\n\n"
        "Second para.\n\n"
        "<!--more-->\n\n"
        "The rest is not in the summary.\n"
    )
    assert summary_of(body) == "First para with a link. Second para."


def test_summary_without_more_is_the_first_paragraph_not_a_heading() -> None:
    body = "# A heading\n\n```\ncode\n```\n\nThe first *real* paragraph.\n\nThe second.\n"
    assert summary_of(body) == "The first real paragraph."


def test_summary_more_marker_is_case_and_space_insensitive() -> None:
    assert summary_of("Intro text.\n\n<!--  MORE  -->\n\nRest.\n") == "Intro text."


def test_long_summary_is_cut_with_an_ellipsis() -> None:
    summary = summary_of("word " * 200, limit=50)
    assert len(summary) <= 50
    assert summary.endswith("…")
    assert summary.startswith("word word")


def test_summary_strips_shortcodes() -> None:
    body = "{{% note %}}A note.{{% /note %}} Then text.\n\n<!--more-->\n\nRest.\n"
    assert summary_of(body) == "A note. Then text."
