"""The document model behind the reading pane, at the sizes that make readers slow.

A document is cut into sections so a 2,000-heading article opens at once; these tests check
that the cutting loses nothing, that headings map to the right sections both ways (TOC jumps
and scroll-spy), that find reports true offsets, and that what is drawn does not depend on
how big the rest of the document is.
"""

from __future__ import annotations

import re

import pytest
from rich.console import Console

from tui_reader.core.markdown.document import SECTION_SOFT_LIMIT, Document
from tui_reader.core.markdown.text import strip_shortcodes
from tui_reader.ui.render import render_section

HEADINGS = 2_000


def rendered_text(document: Document, section: int) -> list[str]:
    """What the reading pane would show for one section, as plain lines at 80 columns."""
    console = Console(width=80, color_system=None, force_terminal=False, highlight=False)
    lines: list[str] = []
    for block in render_section(document.tokens(section), section).blocks:
        for line in console.render_lines(block, console.options, pad=False, new_lines=False):
            lines.append("".join(segment.text for segment in line).rstrip())
    return lines


def rendered_document(document: Document) -> str:
    return "\n".join(line for i in range(len(document)) for line in rendered_text(document, i))


def big_document() -> tuple[str, list[str]]:
    """A preamble, then 2,000 headings of mixed levels and styles, each with a marked body."""
    parts = ["Preamble before any heading.\n"]
    titles = []
    for n in range(HEADINGS):
        title = f"Part {n}"
        titles.append(title)
        if n % 10 == 3:  # some setext headings
            parts.append(f"{title}\n{'-' * len(title)}\n")
        else:
            parts.append(f"{'#' * (1 + n % 3)} {title}\n")
        parts.append(f"Body of part {n}, with *emphasis* and `code`.\n")
        if n % 100 == 7:  # a fenced block whose comment must not become a heading
            parts.append("```bash\n# not a heading\n```\n")
    return "\n".join(parts), titles


@pytest.fixture(scope="module")
def big() -> Document:
    return Document(big_document()[0])


# --- 2,000 headings -----------------------------------------------------------------------


def test_every_heading_of_a_2000_heading_document_is_found(big: Document) -> None:
    _, titles = big_document()
    assert len(big.headings) == HEADINGS
    assert [heading.text for heading in big.headings] == titles
    assert len(big.heading_sections) == HEADINGS


def test_each_heading_section_starts_with_that_heading(big: Document) -> None:
    for number, section in enumerate(big.heading_sections):
        first_line = big.section_text(section).split("\n", 1)[0]
        # ATX lines carry '#' markers; setext headings start with the bare title.
        assert first_line.lstrip("# ") == f"Part {number}"
        assert big.sections[section].heading == number


def test_anchor_section_finds_every_heading(big: Document) -> None:
    for number in (0, 1, 3, 999, 1_500, HEADINGS - 1):
        section = big.anchor_section(f"part-{number}")
        assert section == big.heading_sections[number]
        assert f"Part {number}" in big.section_text(section).split("\n", 1)[0]
    assert big.anchor_section("#part-42") == big.heading_sections[42]
    assert big.anchor_section("PART-42") == big.heading_sections[42]
    assert big.anchor_section("no-such-heading") is None


def test_duplicate_heading_anchors_lead_to_their_own_section() -> None:
    document = Document("\n\n".join(f"## Notes\n\nentry {n}" for n in range(HEADINGS)))
    assert document.anchor_section("notes") == document.heading_sections[0]
    for n in (1, 2, 1_234, HEADINGS - 1):
        section = document.anchor_section(f"notes-{n}")
        assert f"entry {n}" in document.section_text(section)


def test_scroll_spy_maps_every_section_to_the_heading_above_it() -> None:
    # Long parts without headings are split into several sections; each of those sections
    # still belongs to the heading above it. The expected heading is read back from the
    # text itself ("filler of part N"), not from the section bookkeeping.
    filler = "\n\n".join(f"filler of part {{n}}, paragraph {p}. " * 4 for p in range(120))
    parts = ["Intro without heading.\n"]
    for n in range(40):
        parts.append(f"## Part {n}\n")
        parts.append(filler.replace("{n}", str(n)) if n % 5 == 0 else f"short part {n}\n")
    document = Document("\n".join(parts))
    assert len(document) > 40 + 1, "the long parts should have been split"
    assert document.heading_for_section(0) is None
    for index in range(len(document)):
        text = document.section_text(index)
        found = re.findall(r"(?:Part|part) (\d+)", text)
        if index == 0:
            continue
        assert document.heading_for_section(index) == int(found[0])


def test_find_returns_every_case_insensitive_offset(big: Document) -> None:
    offsets = big.find("PART 1999")
    assert offsets, "the last heading must be found"
    for offset in offsets:
        assert big.body[offset : offset + 9].lower() == "part 1999"
    # Independent count: every occurrence in the lower-cased text.
    body = big.body.lower()
    expected = [m.start() for m in re.finditer("part 1999", body)]
    assert offsets == expected
    assert len(big.find("body of part")) == HEADINGS
    assert big.find("") == []
    assert big.find("not in the text at all") == []


def test_find_treats_the_query_as_text_not_a_pattern() -> None:
    document = Document("Costs $5.00 (or more).\n\nA 5x00 price.\n")
    assert document.find("$5.00 (or") == [6]


# --- rendering does not depend on document size ---------------------------------------------

PASSAGE = """\
## Target heading

A paragraph with **bold**, *emphasis*, `code`, and a [link](https://example.com).

- first item
- second item with a longer line of text that will need to wrap around at eighty columns

```python
def hello() -> str:
    return "hi"
```

| Name | Value |
|------|-------|
| a    | 1     |
| b    | 2     |

> A quotation to end the section.
"""


def test_large_document_renders_a_section_like_a_small_one() -> None:
    small = Document(PASSAGE)
    before = "\n".join(f"## Before {n}\n\nText {n}.\n" for n in range(1_000))
    after = "\n".join(f"## After {n}\n\nText {n}.\n" for n in range(1_000))
    large = Document(before + "\n" + PASSAGE + "\n" + after)
    assert len(large.headings) == 2_001

    small_lines = rendered_text(small, small.anchor_section("target-heading"))
    large_lines = rendered_text(large, large.anchor_section("target-heading"))
    assert large_lines == small_lines
    shown = "\n".join(small_lines)
    for text in ("Target heading", "second item", 'return "hi"', "Name", "quotation"):
        assert text in shown
    for markup in ("**", "](https", "```", "|---"):
        assert markup not in shown


# --- sections cut long bodies without losing a line ---------------------------------------


def test_long_body_without_headings_is_split_and_keeps_every_line() -> None:
    paragraphs = [f"Paragraph {n}: " + "some words " * 30 for n in range(2_000)]
    body = "\n\n".join(paragraphs) + "\n"
    document = Document(body)
    assert len(document) > 10
    assert "".join(document.section_text(i) for i in range(len(document))) == body
    for index in range(len(document)):
        assert len(document.section_text(index)) < 2 * SECTION_SOFT_LIMIT
    # Every paragraph is in exactly one section.
    seen = [document.section_text(i).count("Paragraph ") for i in range(len(document))]
    assert sum(seen) == 2_000


def test_split_never_cuts_a_code_fence_or_list_in_two() -> None:
    code = "```\n" + "\n\n".join(f"line {n} of code" for n in range(2_000)) + "\n```"
    items = "\n\n".join(f"{n + 1}. item {n}" for n in range(800))
    body = "Intro.\n\n" + code + "\n\nMiddle.\n\n" + items + "\n\nEnd.\n"
    document = Document(body)
    assert len(document) > 2
    assert "".join(document.section_text(i) for i in range(len(document))) == body
    for index in range(len(document)):
        text = document.section_text(index)
        assert text.count("```") % 2 == 0, f"section {index} opens a fence it does not close"
        first = text.lstrip("\n").split("\n", 1)[0]
        assert not re.match(r"\d+\. item", first) or first == "1. item 0"


def test_sections_with_shortcodes_concatenate_to_the_stripped_body() -> None:
    chunk = (
        "Words before a figure.\n\n"
        '{{< figure src="a.png" caption="A caption" >}}\n\n'
        "{{% note %}}Inner note text.{{% /note %}}\n\n"
    )
    body = chunk * 800
    document = Document(body)
    assert len(document) > 1
    joined = "".join(document.section_text(i) for i in range(len(document)))
    assert joined == strip_shortcodes(body)
    assert "{{" not in joined and "}}" not in joined
    assert joined.count("Inner note text.") == 800


# --- pathological input is capped with a visible note ---------------------------------------


def test_million_character_code_line_is_cut_with_a_note() -> None:
    document = Document("Before.\n\n```\n" + "a" * 1_000_000 + "\n```\n\nAfter.\n")
    shown = rendered_document(document)
    assert "cut at" in shown
    assert shown.count("a") < 10_000
    assert "Before." in shown and "After." in shown


def test_table_of_2000_rows_is_cut_with_a_note() -> None:
    rows = "\n".join(f"| row {n} | {n * 2} |" for n in range(2_000))
    document = Document("| Row | Double |\n|-----|--------|\n" + rows + "\n")
    shown = rendered_document(document)
    assert "table cut" in shown
    assert "row 0 " in shown
    assert "row 1999" not in shown
