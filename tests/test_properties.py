"""Properties: front matter handling never raises and never lets a control character out."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from tui_reader.core.local.frontmatter import Meta, normalise, split_front_matter

# Every C0 character (newlines too: these are one-line fields), DEL and C1, ESC included.
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
FAST = settings(max_examples=200, deadline=None)

openers = st.sampled_from(["", "---\n", "+++\n", "{", "\ufeff---\n", "---\r\n", "{{"])
closers = st.sampled_from(["", "\n---\n", "\n...\n", "\n+++\n", "}\n", "\n}\n"])
yamlish = st.lists(
    st.tuples(
        st.sampled_from(["title", "Title", "date", "lastmod", "author", "authors", "tags",
                         "categories", "summary", "description", "draft", "x"]),
        st.text(max_size=30),
    ),
    max_size=8,
).map(lambda pairs: "\n".join(f"{key}: {value}" for key, value in pairs))  # fmt: skip
documents = st.tuples(openers, st.one_of(st.text(), yamlish), closers, st.text(max_size=50)).map(
    "".join
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(),
    st.binary(max_size=20),
    st.dates(),
    st.datetimes(),
    st.datetimes(timezones=st.just(UTC)),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
field_names = st.sampled_from(
    ["title", "date", "lastmod", "author", "authors", "tags", "categories", "summary",
     "description", "draft", "publishdate", "updated", "TITLE"]
)  # fmt: skip
mappings = st.dictionaries(st.one_of(field_names, st.text(max_size=8)), values, max_size=8)


def assert_clean(meta: Meta) -> None:
    for text in (meta.title, meta.author, meta.summary, *meta.tags, *meta.categories,
                 *meta.warnings):  # fmt: skip
        assert isinstance(text, str)
        assert CONTROL.search(text) is None, repr(text)
    for moment in (meta.date, meta.lastmod):
        assert moment is None or (isinstance(moment, datetime) and moment.utcoffset() is not None)
    assert isinstance(meta.draft, bool)


@FAST
@given(documents)
def test_split_and_normalise_never_raise_and_stay_clean(text: str) -> None:
    data, body, fmt, error = split_front_matter(text)
    assert isinstance(data, dict) and isinstance(body, str)
    assert fmt in (None, "yaml", "toml", "json")
    assert error is None or (isinstance(error, str) and CONTROL.search(error) is None)
    if error:
        assert data == {}
    assert_clean(normalise(data, fallback_title="\x1bfallback"))


@FAST
@given(st.text())
def test_arbitrary_text_never_raises(text: str) -> None:
    data, _body, _fmt, _error = split_front_matter(text)
    assert_clean(normalise(data))


@FAST
@given(mappings, st.text(max_size=20))
def test_normalise_takes_any_mapping(data: dict, fallback: str) -> None:
    assert_clean(normalise(data, fallback_title=fallback))


@FAST
@given(st.one_of(st.dates(), st.datetimes(), st.datetimes(timezones=st.timezones())))
def test_any_date_object_becomes_aware_or_none(value: date) -> None:
    meta = normalise({"date": value})
    assert meta.date is None or meta.date.utcoffset() is not None
