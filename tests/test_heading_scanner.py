"""The fast heading scanner finds the headings markdown-it finds, no more and no fewer.

The contents list, ``[`` / ``]`` and ``list --json`` come from a line scanner, while the
reading pane comes from markdown-it; when the two disagree, headings vanish from the
contents or lead nowhere. These tests hold the scanner to the app's own parser: on hand
made cases, on generated Markdown (lists, quotes, fences, indented code and HTML nested in
each other), and, when a copy of the CommonMark spec is at hand, on every spec example and
on the spec as one article.

The spec is not shipped with any installed package and is not copied here. ``.ci/run``
fetches it from PyPI (marko's source release carries CommonMark 0.31.2) and points
``TUI_READER_COMMONMARK_SPEC`` at it; elsewhere set that variable to a ``spec.txt``
(``npm pack commonmark-spec``, or a checkout of the spec's repository), or the drill skips.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui_reader.core.markdown.document import Document, markdown_parser
from tui_reader.core.markdown.text import find_headings, heading_text

# The suite runs the same 600 examples every time; HEADING_EXAMPLES=5000 explores afresh.
EXPLORE = os.environ.get("HEADING_EXAMPLES", "")
PROPERTY = settings(
    max_examples=int(EXPLORE or 600),
    derandomize=not EXPLORE,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def parser_headings(markdown: str) -> list[tuple[int, str]]:
    """(level, text) of each heading markdown-it finds, its text made as the scanner's."""
    tokens = markdown_parser().parse(markdown, {})
    return [
        (int(token.tag[1:]), heading_text(tokens[index + 1].content))
        for index, token in enumerate(tokens)
        if token.type == "heading_open"
    ]


def scanned(markdown: str) -> list[tuple[int, str]]:
    return [(heading.level, heading.text) for _, heading in find_headings(markdown)]


# --- the fault of issue 19 ---------------------------------------------------------------


def test_fence_opened_on_a_list_marker_line_keeps_the_headings_after_it() -> None:
    body = "## Install\n\n1. ```\n   pip install x\n   ```\n\n## Use\n\ntext\n\n## Uninstall\n"
    assert scanned(body) == [(2, "Install"), (2, "Use"), (2, "Uninstall")]
    assert [h.text for h in Document(body).headings] == ["Install", "Use", "Uninstall"]


@pytest.mark.parametrize(
    "body",
    [
        "> # Quoted\n> text\n",  # a heading inside a quote
        "- # In a list\n- ## Another\n",
        "1. item\n\n   ## Under the item\n",
        "- a\n  - b\n\n    ### Deep\n",
        "Title\nover two lines\n===\n",  # a setext heading of several lines
        "> Quoted title\n> ---\n",
        "> Quoted\nlazy\n===\n",  # a lazy line cannot be an underline
        "- item\n---\n",  # a thematic break after a list
        "    # indented code\n",
        "text\n    # a continuation, not code\n",
        "<div>\n# inside HTML\n</div>\n\n# after\n",
        "<!--\n# in a comment\n-->\n# after\n",
        "[ref]: /url\n===\n",  # a reference definition is no paragraph to underline
        "[ref]: /url\nTitle\n===\n",
        "| a |\n---\n",  # a one-column table, not a heading
        "a | b\n---\n",  # two cells over one dash rule: a heading
        "a | b\n--|--\nrow\n# after the table\n",
        "- ```\n  # in code\n  ```\n# after\n",
        "> ```\n> # in code\n\n# after the quote\n",
        "* * *\n# x\n",
        "1) one\n2) two\n\n#\tTabbed\n",
        "- \n  foo\n===\n",
        "  - a\n\n    b\n  ---\n",
    ],
)
def test_scanner_agrees_with_markdown_it(body: str) -> None:
    assert scanned(body) == parser_headings(body)


# --- generated Markdown ------------------------------------------------------------------

WORDS = st.sampled_from(["foo", "bar", "Baz", "*em*", "`code`", "a#b", "x_y", "[l](u)", "\\#"])
INDENT = st.sampled_from(["", "", "", " ", "  ", "   ", "    ", "\t"])
# markdown-it counts a tab's width from the wrong column two quotes deep ("> > > \t# x" is
# code to it, a heading to the spec); the scanner follows the spec there, so deep blocks
# are indented with spaces only.
DEEP_INDENT = st.sampled_from(["", "", "", " ", "  ", "   ", "    "])


@st.composite
def text_line(draw: st.DrawFn) -> str:
    return " ".join(draw(st.lists(WORDS, min_size=1, max_size=4)))


@st.composite
def leaf(draw: st.DrawFn, depth: int = 0) -> list[str]:
    kind = draw(st.sampled_from(
        ["para", "atx", "setext", "fence", "indented", "hr", "html", "blank", "underline"]
    ))  # fmt: skip
    indents = INDENT if depth < 2 else DEEP_INDENT
    indent = draw(indents)
    if kind == "para":
        return [indent + draw(text_line()) for _ in range(draw(st.integers(1, 3)))]
    if kind == "atx":
        hashes = "#" * draw(st.integers(1, 7))
        closing = draw(st.sampled_from(["", " #", " ##", "#"]))
        return [f"{indent}{hashes}{draw(st.sampled_from([' ', '', '  ', chr(9)]))}"
                f"{draw(text_line())}{closing}"]  # fmt: skip
    if kind in ("setext", "underline"):
        lines = [draw(text_line()) for _ in range(draw(st.integers(1, 2)))]
        mark = draw(st.sampled_from(["=", "-"])) * draw(st.integers(1, 4))
        return ([] if kind == "underline" else lines) + [indent + mark]
    if kind == "fence":
        mark = draw(st.sampled_from(["```", "~~~", "````", "``"]))
        inner = draw(st.lists(st.one_of(text_line(), st.just("# not a heading")), max_size=3))
        close = draw(st.sampled_from([mark, mark, "", "   " + mark, mark + mark[0], "~~~"]))
        return [indent + mark + draw(st.sampled_from(["", "py"])), *inner] + (
            [draw(indents) + close] if close else []
        )
    if kind == "indented":
        return ["    " + draw(st.sampled_from(["# code", "code", "==="]))]
    if kind == "hr":
        return [indent + draw(st.sampled_from(["***", "---", "- - -", "___"]))]
    if kind == "html":
        opening = draw(st.sampled_from(["<div>", "<!--", "<pre>", "<span>", "<x-y a='1'>"]))
        return [indent + opening, "# in html", *(["-->"] if opening == "<!--" else [])]
    return [""]


def quote(lines: list[str], lazy: bool) -> list[str]:
    out = []
    for number, line in enumerate(lines):
        out.append(line if lazy and number and line else ("> " + line).rstrip(" "))
    return out


def list_item(lines: list[str], marker: str, spaces: str) -> list[str]:
    first = marker + spaces + lines[0] if lines[0] else marker
    pad = " " * (len(marker) + len(spaces))
    return [first] + [pad + line if line else "" for line in lines[1:]]


@st.composite
def blocks(draw: st.DrawFn, depth: int = 0) -> list[str]:
    lines: list[str] = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["leaf", "leaf", "quote", "list"] if depth < 3 else ["leaf"]))
        if kind == "leaf":
            lines += draw(leaf(depth))
        elif kind == "quote":
            lines += quote(draw(blocks(depth + 1)), draw(st.booleans()))
        else:
            marker = draw(st.sampled_from(["-", "*", "1.", "2)", "10."]))
            spaces = draw(st.sampled_from([" ", " ", "  ", "    "]))
            for _ in range(draw(st.integers(1, 2))):
                lines += list_item(draw(blocks(depth + 1)), marker, spaces)
        if draw(st.booleans()):
            lines.append("")
    return lines


@PROPERTY
@given(blocks())
def test_scanner_agrees_with_markdown_it_on_generated_markdown(lines: list[str]) -> None:
    body = "\n".join(lines) + "\n"
    assert scanned(body) == parser_headings(body)


# --- the CommonMark spec drill -----------------------------------------------------------

SPEC = os.environ.get("TUI_READER_COMMONMARK_SPEC", "")
needs_spec = pytest.mark.skipif(
    not Path(SPEC).is_file(),
    reason="no copy of the CommonMark spec: set TUI_READER_COMMONMARK_SPEC to its spec.txt",
)
_EXAMPLE = re.compile(r"^`{32} example[^\n]*\n(.*?)^\.\n(.*?)^`{32}$", re.M | re.S)


def spec_examples() -> list[str]:
    if not Path(SPEC).is_file():
        return []
    text = Path(SPEC).read_text(encoding="utf-8")
    return [match.group(1).replace("\u2192", "\t") for match in _EXAMPLE.finditer(text)]


@needs_spec
def test_scanner_agrees_with_markdown_it_on_every_commonmark_spec_example() -> None:
    examples = spec_examples()
    assert len(examples) > 600
    wrong = [n for n, body in enumerate(examples, 1) if scanned(body) != parser_headings(body)]
    assert wrong == []


@needs_spec
@pytest.mark.parametrize("whole", ["spec file", "examples joined"])
def test_the_commonmark_spec_as_one_article_has_every_heading_in_its_contents(whole: str) -> None:
    text = Path(SPEC).read_text(encoding="utf-8")
    if whole == "examples joined":
        text = "\n\n".join(spec_examples())
    expected = parser_headings(text)
    assert len(expected) > 40
    assert scanned(text) == expected
    assert [(h.level, h.text) for h in Document(text).headings] == expected


# --- the reading pane draws what the contents list --------------------------------------


def drawn_headings(document: Document) -> int:
    """How many headings markdown-it draws when each section is parsed on its own."""
    return sum(
        token.type == "heading_open"
        for index in range(len(document))
        for token in document.tokens(index)
    )


def test_a_heading_deep_in_a_list_is_drawn_as_a_heading_not_code() -> None:
    document = Document("- a\n  - b\n\n    ### Deep\n\n    text\n\n## Next\n")
    assert [h.text for h in document.headings] == ["Deep", "Next"]
    assert drawn_headings(document) == 2
    assert document.heading_for_section(document.heading_sections[0]) is not None


@PROPERTY
@given(blocks())
def test_every_heading_in_the_contents_is_drawn_as_one(lines: list[str]) -> None:
    document = Document("\n".join(lines) + "\n")
    assert drawn_headings(document) == len(document.headings)
