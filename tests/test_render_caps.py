"""The reading pane's caps on costly Markdown, and the notes that say what they did.

Sections are parsed and drawn on the UI thread, so a section markdown-it or Rich would
spend seconds on is shown plain (or drawn the fast way), and the reader is told. These
are fast unit tests of ``ui/render.py``; ``test_hostile_markdown_app.py`` opens the big
cases in the real app.
"""

from __future__ import annotations

import pytest
from rich.console import Console

from tui_reader.core.markdown.document import MAX_NESTING, Document
from tui_reader.ui.render import (
    MAX_FORMAT_CHARS,
    MAX_HIGHLIGHT_LINES,
    MAX_INLINE_MARKS,
    MAX_PLAIN,
    MAX_SECTION_CHARS,
    render_document_section,
    too_costly_to_format,
)

NESTED = f"nested more than {MAX_NESTING} levels deep"


def lines_of(body: str, width: int = 80) -> list[str]:
    console = Console(width=width, file=None, legacy_windows=False)
    document = Document(body)
    out: list[str] = []
    for index in range(len(document)):
        for block in render_document_section(document, index).blocks:
            for line in console.render_lines(block, console.options.update_width(width)):
                out.append("".join(segment.text for segment in line).rstrip())
    return out


def test_ordinary_sections_are_formatted() -> None:
    assert too_costly_to_format("Some *emphasis* and a [link](https://example.org).\n" * 50) == ""


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("![" * (MAX_INLINE_MARKS // 2 + 1), "too much markup to format"),
        ("*a " * (MAX_INLINE_MARKS + 1), "too much markup to format"),
        ("&amp; " * (MAX_INLINE_MARKS + 1), "too much markup to format"),
        ("word " * (MAX_FORMAT_CHARS // 5 + 1), "too large to format"),
        ("```\n" + "code line\n" * (MAX_SECTION_CHARS // 10) + "```\n", "too large to format"),
    ],
    ids=["image-openers", "emphasis-openers", "entities", "long-paragraph", "huge-fence"],
)
def test_costly_sections_are_not_parsed(text: str, reason: str) -> None:
    assert too_costly_to_format(text).startswith(reason)


def test_markup_inside_code_fences_does_not_count() -> None:
    code = "```js\n" + "a[i] = b[j] * c_d < `e`;\n" * 2_000 + "```\n"
    assert too_costly_to_format(code) == ""


def test_plain_fallback_says_so_and_says_where_it_was_cut() -> None:
    shown = lines_of("x" * (MAX_PLAIN * 3) + "\n")
    assert "shown as plain text" in shown[0]
    cut = [line for line in shown if line.startswith("[… cut at")]
    assert cut == [f"[… cut at {MAX_PLAIN:,} characters: {MAX_PLAIN * 2 + 1:,} more not shown]"]
    assert sum(len(line) for line in shown if set(line) == {"x"}) == MAX_PLAIN


@pytest.mark.parametrize(
    ("body", "cut"),
    [
        (">" * (MAX_NESTING - 1) + " deepest words\n", False),
        (">" * MAX_NESTING + " deepest words\n", True),
        ("".join("  " * d + f"- level {d}\n" for d in range(MAX_NESTING // 2 - 1)), False),
        ("".join("  " * d + f"- level {d}\n" for d in range(MAX_NESTING // 2)), True),
        ("- " * 10_000 + "deepest words\n", True),
        ("> - " * 5_000 + "deepest words\n", True),
    ],
    ids=["quote-39", "quote-40", "list-19", "list-20", "list-10000", "quote-list-5000"],
)
def test_nesting_past_the_cap_is_said_and_only_then(body: str, cut: bool) -> None:
    shown = "\n".join(lines_of(body))
    assert (NESTED in shown) is cut
    if not cut:  # everything is there, down to the deepest level (squeezed, but there)
        squeezed = "".join(ch for ch in shown if ch not in "▌• \n")
        assert "deepestwords" in squeezed or f"level{MAX_NESTING // 2 - 2}" in squeezed


def test_long_code_block_is_drawn_whole_without_highlighting() -> None:
    count = MAX_HIGHLIGHT_LINES + 50
    code = "".join(f"line_{n} = {n}\n" for n in range(count))
    shown = lines_of(f"```python\n{code}```\n")
    assert sum(1 for line in shown if line.strip().startswith("line_")) == count
    assert "[too long to highlight]" in shown


def test_long_code_lines_fold_by_cell_width() -> None:
    wide = "日本語" * 40  # 120 characters, 240 cells
    code = "".join(f"{wide}\n" for _ in range(MAX_HIGHLIGHT_LINES + 1))
    shown = lines_of(f"```\n{code}```\n", width=50)
    console = Console(width=50)
    body = [line for line in shown if "日" in line]
    assert all(console.measure(line).maximum <= 50 for line in body)
    assert "".join(line.strip() for line in body[:5]).startswith(wide)


def test_nested_list_items_and_quoted_paragraphs_keep_their_own_lines() -> None:
    # Inline text inside a list item or a quote used to run into the next block:
    # "• a• b", and the blank line between two quoted paragraphs vanished.
    assert lines_of("- a\n  - b\n  - c\n- d\n") == ["• a", "  • b", "  • c", "• d", ""]
    assert lines_of("> one\n>\n> two\n") == ["▌ one", "▌", "▌ two", ""]


def test_html_comments_and_tags_in_html_blocks_never_show() -> None:
    shown = "\n".join(lines_of('<!--more-->\n\n<div class="note">Kept <b>text</b></div>\n'))
    assert "<!--" not in shown and "more" not in shown and "<" not in shown
    assert "Kept text" in shown


@pytest.mark.parametrize("heading", ["# Big one", "Big one\n======="])
def test_a_section_shown_plain_keeps_its_heading(heading: str) -> None:
    shown = lines_of(f"Intro.\n\n{heading}\n\n" + "word " * (MAX_FORMAT_CHARS // 5 + 1) + "\n")
    start = shown.index("# Big one")
    assert "shown as plain text" in shown[start + 2]
    assert "=======" not in "\n".join(shown)
