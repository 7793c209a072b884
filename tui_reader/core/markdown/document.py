"""The document model behind the reading pane: one article split into sections.

A 5 MB article takes seconds to parse in full, so the body is never parsed as one piece.
A single pass over its lines finds the headings and cuts the text into sections, one per
heading (long stretches without headings are cut again at safe blank lines). Each section
is parsed by markdown-it on demand, when it is about to be shown or searched.

The table of contents, scroll-spy, ``[`` / ``]``, find, time left and resume all work in
terms of sections, so they are available the moment the document is opened.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.common.utils import normalizeReference
from markdown_it.rules_block import StateBlock
from markdown_it.token import Token

from tui_reader.core.article import Heading
from tui_reader.core.markdown.dialect import footnotes_to_end, prepare
from tui_reader.core.markdown.lines import (
    closes_fence,
    fence_opening,
    heading_blocks,
    opens_list_item,
)
from tui_reader.core.markdown.text import HeadingSpan, heading_spans

SECTION_SOFT_LIMIT = 8_000  # characters; longer sections are cut at a safe blank line
MAX_NESTING = 40  # markdown-it's block nesting cap: quotes and lists nested deeper are cut
_NESTING_CUT = "tui_reader_nesting_cut"  # set in a parse's env when the cap dropped content
_REFERENCE = re.compile(r"^ {0,3}\[([^\]^][^\]]*)\]:[ \t]*<?([^\s>]+)>?", re.M)


def _stands_alone(body: str, start: int, end: int) -> bool:
    """True if the heading in ``body[start:end]`` is still one when parsed alone."""
    text = body[start:end]
    unindented = text.lstrip(" ")
    if len(text) - len(unindented) < 4 and unindented.startswith("#"):
        return True  # the usual ATX heading, with no list or quote around it
    found = heading_blocks(text)
    return bool(found) and found[0][0] == 0


@lru_cache(maxsize=1)
def markdown_parser() -> MarkdownIt:
    """CommonMark plus tables and strikethrough, and what Hugo's Goldmark adds by default:
    footnotes and definition lists (mdit-py-plugins, markdown-it's own plugins ported and
    kept by the same project). No linkify: it doubles parse time.

    Nesting is capped (deep recursion would be slow and could overflow the stack), and
    markdown-it drops what lies deeper without a word; the wrapper below notes in the
    parse's ``env`` when that happened, so the reader can say so (THREATS.md row 17).
    """
    from mdit_py_plugins.deflist import deflist_plugin
    from mdit_py_plugins.footnote import footnote_plugin

    parser = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    # Definitions stay where they are: the document has moved them to its end already, and
    # each section is parsed alone (the plugin's move would drop another section's notes).
    parser.use(footnote_plugin, inline=False, move_to_end=False).use(deflist_plugin)
    parser.options["maxNesting"] = MAX_NESTING
    tokenize = parser.block.tokenize

    def tokenize_noting_cuts(state: StateBlock, start_line: int, end_line: int) -> None:
        # The same test markdown-it makes before it skips "the tail" of a nested block.
        if state.level >= MAX_NESTING:
            line = state.skipEmptyLines(start_line)
            if line < end_line and state.sCount[line] >= state.blkIndent:
                state.env[_NESTING_CUT] = True
        tokenize(state, start_line, end_line)

    parser.block.tokenize = tokenize_noting_cuts  # type: ignore[method-assign]
    return parser


@dataclass(slots=True)
class Section:
    """A run of whole lines of the body; starts at a heading when ``heading`` is set."""

    offset: int  # character offset of the first line in the body
    length: int  # characters
    lines: int  # number of lines
    heading: int | None = None  # index into Document.headings


@dataclass
class Document:
    """A Markdown body cut into sections, with its headings and link references."""

    body: str
    headings: list[Heading] = field(init=False)
    sections: list[Section] = field(init=False)
    heading_sections: list[int] = field(init=False)  # heading index -> section index
    heading_ends: list[int] = field(init=False)  # heading index -> end of its last line
    references: dict[str, dict[str, str]] = field(init=False)
    footnotes: dict[str, int] = field(init=False)  # label -> the number shown
    _tokens: dict[int, list[Token]] = field(init=False, default_factory=dict)
    _nesting_cut: set[int] = field(init=False, default_factory=set)
    _section_starts: list[int] = field(init=False)

    def __post_init__(self) -> None:
        self.body, self.footnotes = prepare(self.body)
        self.body = footnotes_to_end(self.body, self.footnotes)
        found = heading_spans(self.body)
        self.headings = [span.heading for span in found]
        self.heading_ends = [span.end for span in found]
        self.references = self._collect_references()
        self._cut_sections(found)
        self._section_starts = [section.offset for section in self.sections]

    # -- building -------------------------------------------------------------------
    def _collect_references(self) -> dict[str, dict[str, str]]:
        if "]:" not in self.body:
            return {}
        references: dict[str, dict[str, str]] = {}
        for label, href in _REFERENCE.findall(self.body):
            key = normalizeReference(label)
            references.setdefault(key, {"href": href, "title": ""})
        return references

    def _cut_sections(self, spans: list[HeadingSpan]) -> None:
        body = self.body
        heading_offsets = [span.start for span in spans]
        # Each section is parsed on its own, so one starts at a heading only where the text
        # from there still holds it: not inside a list item it does not open (it would be
        # code there, and so would what follows). Such a heading's section starts earlier.
        heading_at = {
            span.start: index
            for index, span in enumerate(spans)
            if span.alone and _stands_alone(body, span.start, span.end)
        }
        bounds = sorted({0, *heading_at}) + [len(body)]
        self.sections = []
        self.heading_sections = []
        for start, end in zip(bounds, bounds[1:], strict=False):
            if start >= end:
                continue
            heading = heading_at.get(start)
            for piece_start, piece_end in self._split_long(start, end):
                self.sections.append(
                    Section(
                        piece_start,
                        piece_end - piece_start,
                        body.count("\n", piece_start, piece_end) + 1,
                        heading if piece_start == start else None,
                    )
                )
        if not self.sections:
            self.sections.append(Section(0, len(body), 1))
        starts = [section.offset for section in self.sections]
        self.heading_sections = [
            max(0, bisect.bisect_right(starts, offset) - 1) for offset in heading_offsets
        ]

    def _split_long(self, start: int, end: int) -> list[tuple[int, int]]:
        """Cut a long run of text at blank lines that cannot be inside a block."""
        if end - start <= SECTION_SOFT_LIMIT:
            return [(start, end)]
        pieces: list[tuple[int, int]] = []
        piece_start = start
        fence = ""
        previous_blank = False
        position = start
        for line in self.body[start:end].split("\n"):
            here = position
            position += len(line) + 1
            if fence:
                if closes_fence(line, fence):
                    fence = ""
                previous_blank = False
                continue
            fence = fence_opening(line)
            if fence:
                previous_blank = False
                continue
            blank = not line.strip()
            if (
                here - piece_start >= SECTION_SOFT_LIMIT
                and previous_blank
                and not blank
                and not line.startswith((" ", "\t", ">", "|"))
                and not opens_list_item(line)
            ):
                pieces.append((piece_start, here))
                piece_start = here
            previous_blank = blank
        pieces.append((piece_start, end))
        return pieces

    # -- queries --------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.sections)

    def section_text(self, index: int) -> str:
        section = self.sections[index]
        return self.body[section.offset : section.offset + section.length]

    def tokens(self, index: int) -> list[Token]:
        """The markdown-it tokens of one section, parsed on first use."""
        cached = self._tokens.get(index)
        if cached is None:
            env: dict[str, object] = (
                {"references": dict(self.references)} if self.references else {}
            )
            if self.footnotes:  # a reference finds its note in any section
                env["footnotes"] = {"refs": {":" + label: -1 for label in self.footnotes}}
            cached = markdown_parser().parse(self.section_text(index), env)
            if self.footnotes:
                self._number_footnotes(cached)
            self._tokens[index] = cached
            if env.get(_NESTING_CUT):
                self._nesting_cut.add(index)
        return cached

    def _number_footnotes(self, tokens: list[Token]) -> None:
        """Give each footnote reference and note the document's number for its label."""
        for token in tokens:
            if token.type == "footnote_reference_open":
                token.meta["number"] = self.footnotes.get(token.meta.get("label", ""), 0)
            for child in token.children or ():
                if child.type == "footnote_ref":
                    child.meta["number"] = self.footnotes.get(child.meta.get("label", ""), 0)

    def nested_too_deeply(self, index: int) -> bool:
        """True if parsing the section dropped blocks nested deeper than MAX_NESTING."""
        return index in self._nesting_cut

    def drop_tokens(self, keep: set[int]) -> None:
        """Forget parsed sections that are far from view, to bound memory."""
        for index in [i for i in self._tokens if i not in keep]:
            del self._tokens[index]

    def section_at_offset(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self._section_starts, offset) - 1)

    def heading_for_section(self, index: int) -> int | None:
        """The heading the given section falls under (scroll-spy), or None before any."""
        position = bisect.bisect_right(self.heading_sections, index) - 1
        return position if position >= 0 else None

    def anchor_section(self, anchor: str) -> int | None:
        anchor = anchor.lstrip("#").lower()
        for index, heading in enumerate(self.headings):
            if heading.anchor == anchor:
                return self.heading_sections[index]
        return None

    def place_of(self, fraction: float) -> tuple[int, float]:
        """The section at ``fraction`` (0..1) of the body, and how far (0..1) into it."""
        offset = int(fraction * len(self.body))
        index = self.section_at_offset(offset)
        section = self.sections[index]
        return index, (offset - section.offset) / max(1, section.length)

    def fraction_before(self, index: int, within: float = 0.0) -> float:
        """How much of the body (0..1, by characters) lies before a point in a section."""
        total = len(self.body) or 1
        section = self.sections[index]
        return min(1.0, (section.offset + section.length * within) / total)

    def find(self, query: str) -> list[int]:
        """Character offsets of every case-insensitive match of ``query`` in the body."""
        if not query:
            return []
        pattern = re.compile(re.escape(query), re.IGNORECASE)
        return [match.start() for match in pattern.finditer(self.body)]
