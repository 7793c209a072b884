"""The one sanitiser (``core/sanitize.py``): a table of every control character and escape
sequence form, then hypothesis properties over any text.

Sequences are checked in both spellings: 7-bit (``ESC [``, ``ESC ]``, ``ESC P``, ``ESC X``,
``ESC ^``, ``ESC _``) and 8-bit C1 (U+009B, U+009D, U+0090, U+0098, U+009E, U+009F);
string sequences ended by BEL, by ``ESC \\`` and by U+009C, and cut off before their end.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui_reader.core.sanitize import (
    MAX_TAGS,
    TAG_LIMIT,
    TITLE_LIMIT,
    clean_error,
    clean_line,
    clean_tags,
    clean_text,
    safe_url,
)

ESC, BEL, ST, C1_ST = "\x1b", "\x07", "\x1b\\", "\x9c"
C0 = [chr(c) for c in range(0x20)]
C1 = [chr(c) for c in range(0x80, 0xA0)]
CONTROLS = [*C0, "\x7f", *C1]
# Controls that open a sequence, and so also take the characters that follow them.
INTRODUCERS = {ESC, "\x90", "\x98", "\x9b", "\x9d", "\x9e", "\x9f"}
BODY_BAD = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
LINE_BAD = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def name(char: str) -> str:
    return f"U+{ord(char):04X}"


# --- every single control character ------------------------------------------------------


@pytest.mark.parametrize("char", CONTROLS, ids=name)
def test_every_control_character_is_removed_from_bodies(char: str) -> None:
    kept = {"\t": "\t", "\n": "\n", "\r": "\n"}.get(char, "")
    assert clean_text("left" + char) == "left" + kept
    assert clean_text(char) == kept
    if char not in INTRODUCERS:
        assert clean_text("a" + char + "b") == "a" + kept + "b"


@pytest.mark.parametrize("char", CONTROLS, ids=name)
def test_every_control_character_is_removed_from_lines(char: str) -> None:
    assert clean_line(char) == ""
    cleaned = clean_line("a" + char + "b c")
    assert LINE_BAD.search(cleaned) is None and cleaned.startswith("a")
    if char not in INTRODUCERS:
        assert cleaned in ("ab c", "a b c")


# --- whole sequences ---------------------------------------------------------------------

SEQUENCES = {
    # CSI, 7-bit and 8-bit, with parameters, private markers and intermediates
    "csi-sgr": f"{ESC}[1;31m",
    "csi-clear": f"{ESC}[2J",
    "csi-cursor-report": f"{ESC}[6n",
    "csi-window-report": f"{ESC}[21t",
    "csi-alt-screen-off": f"{ESC}[?1049l",
    "csi-intermediate": f"{ESC}[1 q",
    "csi-8bit": "\x9b31m",
    "csi-8bit-private": "\x9b?25l",
    # OSC: title, clipboard, hyperlink; BEL, ESC \ and C1 ST endings; 8-bit opener
    "osc-title-bel": f"{ESC}]0;pwned{BEL}",
    "osc-title-st": f"{ESC}]2;pwned{ST}",
    "osc-clipboard-st": f"{ESC}]52;c;ZXZpbA=={ST}",
    "osc-clipboard-c1-st": f"{ESC}]52;c;ZXZpbA=={C1_ST}",
    "osc-hyperlink": f"{ESC}]8;;file:///etc/passwd{ST}",
    "osc-8bit-bel": f"\x9d0;pwned{BEL}",
    "osc-8bit-st": f"\x9d0;pwned{ST}",
    "osc-8bit-c1-st": f"\x9d0;pwned{C1_ST}",
    # DCS, SOS, PM, APC with each ending, 7-bit and 8-bit
    "dcs-st": f"{ESC}Pq#0;2;0;0;0{ST}",
    "dcs-bel": f"{ESC}P$q m{BEL}",
    "dcs-8bit": f"\x90q#0{C1_ST}",
    "sos-st": f"{ESC}Xstring{ST}",
    "sos-8bit": f"\x98string{C1_ST}",
    "pm-bel": f"{ESC}^privacy{BEL}",
    "pm-8bit": f"\x9eprivacy{C1_ST}",
    "apc-st": f"{ESC}_apc-payload{ST}",
    "apc-bel": f"{ESC}_apc-payload{BEL}",
    "apc-8bit": f"\x9fapc-payload{C1_ST}",
    # two-byte and nF escapes
    "ris": f"{ESC}c",
    "decsc": f"{ESC}7",
    "keypad": f"{ESC}=",
    "charset": f"{ESC}(B",
    "st-alone": ST,
    "double-esc": f"{ESC}{ESC}[2J",
}


@pytest.mark.parametrize("sequence", SEQUENCES.values(), ids=SEQUENCES.keys())
def test_whole_sequences_are_removed_and_the_text_around_them_kept(sequence: str) -> None:
    assert clean_text(f"before{sequence}after") == "beforeafter"
    assert clean_line(f"before {sequence}after") == "before after"


def test_hyperlink_keeps_its_visible_text_only() -> None:
    link = f"{ESC}]8;;https://evil.example/{ST}looks safe{ESC}]8;;{ST}"
    assert clean_text(link) == "looks safe"


TRUNCATED = {
    "lone-esc": ESC,
    "csi-opener": f"{ESC}[",
    "csi-params": f"{ESC}[12;",
    "csi-8bit-opener": "\x9b",
    "osc-unended": f"{ESC}]0;title never ended",
    "osc-8bit-unended": "\x9d0;title never ended",
    "dcs-opener": f"{ESC}P",
    "apc-unended": f"{ESC}_payload",
    "st-half": f"{ESC}]0;title{ESC}",
}


@pytest.mark.parametrize("sequence", TRUNCATED.values(), ids=TRUNCATED.keys())
def test_cut_off_sequences_are_removed(sequence: str) -> None:
    assert clean_text("kept" + sequence) == "kept"
    assert clean_line("kept" + sequence) == "kept"


def test_an_unended_string_sequence_stops_at_the_line_end() -> None:
    # The introducer is what makes it dangerous; the next lines of a body survive.
    assert clean_text(f"one{ESC}]0;title\ntwo\nthree") == "one\ntwo\nthree"


def test_bodies_keep_newlines_and_tabs_and_normalise_line_ends() -> None:
    assert clean_text("a\tb\nc\r\nd\re") == "a\tb\nc\nd\ne"


def test_bidi_overrides_and_isolates_are_removed() -> None:
    assert clean_text("a\u202eb\u2066c\u2069d\u202ae") == "abcde"
    assert LINE_BAD.search(clean_line("a\u202eb")) is None


def test_lone_surrogates_become_replacement_characters() -> None:
    assert clean_text("bad\udcffname") == "bad\ufffdname"
    assert clean_line("bad\udcffname") == "bad\ufffdname"


def test_ordinary_text_is_left_alone() -> None:
    text = "Café — “quoted” 日本語 😀 [/] [@click=app.quit] <b>&amp;</b>\n\tindented"
    assert clean_text(text) == text


# --- titles, tags, URLs, errors ----------------------------------------------------------


def test_titles_are_one_line_with_collapsed_spaces() -> None:
    assert clean_line("  A\ntitle\r\n on\tthree\u2028lines  ") == "A title on three lines"


def test_titles_are_capped_with_an_ellipsis() -> None:
    title = clean_line("word " * 1000)
    assert len(title) == TITLE_LIMIT and title.endswith("…")
    assert len(clean_line("x" * 1000, 20)) == 20
    assert clean_line("x" * TITLE_LIMIT) == "x" * TITLE_LIMIT


def test_non_strings_become_clean_text() -> None:
    assert clean_line(None) == ""
    assert clean_line(12345) == "12345"


def test_tags_are_cleaned_deduplicated_and_capped() -> None:
    assert clean_tags(f"Python, python ,{ESC}[2Jrust, ,") == ("Python", "rust")
    assert clean_tags(["a\nb", {"nested": 1}, ["x"], 7]) == ("a b", "7")
    many = clean_tags([f"tag{n}" for n in range(500)])
    assert len(many) == MAX_TAGS
    assert all(len(tag) <= TAG_LIMIT for tag in clean_tags(["y" * 1000]))


@pytest.mark.parametrize(
    "url",
    ["https://example.org/a?b=c#d", "http://example.org/", "mailto:someone@example.org",
     "HTTPS://EXAMPLE.ORG/"],
)  # fmt: skip
def test_http_https_and_mailto_are_allowed(url: str) -> None:
    assert safe_url(url) == url


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "JavaScript:alert(1)", "java\tscript:alert(1)", "file:///etc/passwd",
     "data:text/html,<script>", "ssh://host/x", "smb://host/share", "vbscript:x",
     "x-custom:payload", "$(touch x)", "|cmd", "", None, 42],
)  # fmt: skip
def test_other_schemes_are_refused(url: object) -> None:
    assert safe_url(url) is None


def test_allowed_urls_are_sanitised_too() -> None:
    assert safe_url(f"https://example.org/{ESC}]0;t{BEL}a b") == "https://example.org/a%20b"


def test_error_messages_are_one_clean_line() -> None:
    assert clean_error(OSError(f"boom{ESC}[2J\nsecond line")) == "boom second line"
    assert clean_error(ValueError()) == "ValueError"
    assert len(clean_error("e" * 5000)) == 500


# --- properties --------------------------------------------------------------------------

FRAGMENTS = st.sampled_from(
    [*SEQUENCES.values(), *TRUNCATED.values(), *CONTROLS, "\u202e", "\u2066", "\udcff",
     "\r\n", "\n", "\t", " ", "[/]", "é", "日本", "😀"]
)  # fmt: skip
HOSTILE = st.lists(st.one_of(st.text(max_size=10), FRAGMENTS), max_size=12).map("".join)
ANY_TEXT = st.one_of(st.text(), HOSTILE)
PROPERTIES = settings(max_examples=150, deadline=None)


@PROPERTIES
@given(ANY_TEXT)
def test_bodies_never_keep_a_control_character(text: str) -> None:
    cleaned = clean_text(text)
    assert BODY_BAD.search(cleaned) is None, repr(cleaned)
    assert clean_text(cleaned) == cleaned


@PROPERTIES
@given(ANY_TEXT, st.integers(min_value=1, max_value=400))
def test_lines_are_single_clean_and_capped(text: str, limit: int) -> None:
    cleaned = clean_line(text, limit)
    assert LINE_BAD.search(cleaned) is None, repr(cleaned)
    assert "\n" not in cleaned and len(cleaned) <= limit
    assert cleaned == cleaned.strip()
    assert clean_line(cleaned, limit) == cleaned


@PROPERTIES
@given(st.one_of(ANY_TEXT, st.lists(st.one_of(ANY_TEXT, st.integers(), st.none()), max_size=60)))
def test_tags_are_always_clean_short_and_unique(values: object) -> None:
    tags = clean_tags(values)
    assert len(tags) <= MAX_TAGS
    assert len({tag.casefold() for tag in tags}) == len(tags)
    for tag in tags:
        assert tag and len(tag) <= TAG_LIMIT and LINE_BAD.search(tag) is None


@PROPERTIES
@given(st.one_of(ANY_TEXT, HOSTILE.map(lambda t: "https://example.org/" + t)))
def test_safe_urls_are_clean_and_only_http_https_or_mailto(url: str) -> None:
    result = safe_url(url)
    if result is not None:
        assert result.lower().startswith(("http:", "https:", "mailto:"))
        assert LINE_BAD.search(result) is None and " " not in result
