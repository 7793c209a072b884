"""The front-matter fast path must load exactly what PyYAML loads, or step aside."""

from __future__ import annotations

import math
from datetime import date

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from tui_reader.core.local import simpleyaml
from tui_reader.core.local.frontmatter import _Loader, split_front_matter

SCALARS = [
    "Hello world", "2024-01-05", "2024-13-01", "2024-02-30", "2024-01-05T10:00:00+02:00",
    "2024-01-05 10:00:00", "true", "False", "yes", "no", "on", "~", "null", "Null", "12",
    "-3", "0x1f", "0o17", "1_000", "1:30", ".inf", ".nan", "3.5", "1e3", "a: b", "a #c",
    "a#c", "#x", "'q'", '"q"', "'it''s'", '"a\\"b"', '"a, b"', "[a, b]", "[]", "[ ]",
    "[a, [b]]", "[a, b,]", "[a,,b]", "[true, 3, 2024-01-05]", "['x', \"y\"]", "- x", "&a x",
    "*a", "|", ">", "!!str 3", "%x", "@x", "`x`", "x:", "C++ & Rust", "50% off", "a - b",
    "Ünïcödé ✓", "日本語のタイトル", "x  y", "{a: 1}", "?x", ":x", "x\u2028y", "x\x85y",
    "x\ty", "é\u00a0é",
]
KEYS = ["title", "date", "tags", "draft", "null", "true", "2024", "weight", "a-b", "x_y"]


def _same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a):
        return math.isnan(b)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


line = st.one_of(
    st.tuples(st.sampled_from(KEYS), st.sampled_from(SCALARS)).map(lambda kv: f"{kv[0]}: {kv[1]}"),
    st.tuples(st.sampled_from(KEYS), st.text(max_size=12)).map(lambda kv: f"{kv[0]}: {kv[1]}"),
    st.tuples(
        st.sampled_from(KEYS),
        st.sampled_from(["", " ", "  "]),
        st.lists(st.sampled_from(SCALARS), max_size=3),
    ).map(lambda k: f"{k[0]}:" + "".join(f"\n{k[1]}- {item}" for item in k[2])),
    st.sampled_from(["", "# a comment", "  - stray", "key:", "  nested: 1", "title:value"]),
)


@settings(max_examples=600, deadline=None)
@given(st.lists(line, min_size=1, max_size=6))
def test_the_fast_path_agrees_with_pyyaml_or_declines(lines: list[str]) -> None:
    header = "\n".join(lines)
    fast = simpleyaml.load(header)
    if fast is simpleyaml.UNSUPPORTED:
        return
    assert _same(fast, yaml.load(header, Loader=_Loader)), header  # noqa: S506 - safe loader


def test_common_headers_take_the_fast_path() -> None:
    header = (
        "title: Reading feeds offline\n"
        "date: 2024-01-05\n"
        "draft: false\n"
        "tags: [terminal, feeds]\n"
        "categories:\n"
        "  - tools\n"
        "  - 'reading'\n"
        'author: "Ada Lovelace"\n'
    )
    assert simpleyaml.load(header) == {
        "title": "Reading feeds offline",
        "date": date(2024, 1, 5),
        "draft": False,
        "tags": ["terminal", "feeds"],
        "categories": ["tools", "reading"],
        "author": "Ada Lovelace",
    }


def test_sample_content_headers_load_the_same_either_way(sample_content) -> None:
    taken = 0
    for path in sorted(sample_content.rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        if not text.startswith("---\n"):
            continue
        header = text[4:].split("\n---", 1)[0]
        fast = simpleyaml.load(header)
        if fast is not simpleyaml.UNSUPPORTED:
            taken += 1
            assert _same(fast, yaml.load(header, Loader=_Loader)), path  # noqa: S506
    assert taken >= 5  # the fast path is the common path, not a curiosity


def test_what_the_fast_path_declines_still_loads_through_pyyaml() -> None:
    text = "---\ntitle: |\n  Two\n  lines\ntags: [a, b]\n---\nbody"
    data, body, fmt, error = split_front_matter(text)
    assert simpleyaml.load("title: |\n  Two\n  lines\ntags: [a, b]") is simpleyaml.UNSUPPORTED
    assert (data, body, fmt, error) == ({"title": "Two\nlines\n", "tags": ["a", "b"]}, "body", "yaml", None)
