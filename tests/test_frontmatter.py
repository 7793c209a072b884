"""Front matter: splitting every format, refusing every broken shape, normalising fields."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from tui_reader.core.local.frontmatter import Meta, normalise, split_front_matter

UTC = UTC


def meta_of(text: str) -> Meta:
    data, _body, _fmt, error = split_front_matter(text)
    assert error is None, error
    return normalise(data)


# --- the three formats -------------------------------------------------------------------


def test_yaml_front_matter_is_split_from_the_body() -> None:
    text = "---\ntitle: Hello\ntags: [a, b]\n---\n# Body\n\ntext\n"
    data, body, fmt, error = split_front_matter(text)
    assert (fmt, error) == ("yaml", None)
    assert data == {"title": "Hello", "tags": ["a", "b"]}
    assert body == "# Body\n\ntext\n"


def test_yaml_front_matter_may_close_with_three_dots() -> None:
    data, body, fmt, error = split_front_matter("---\ntitle: Dots\n...\nbody")
    assert (data, body, fmt, error) == ({"title": "Dots"}, "body", "yaml", None)


def test_toml_front_matter_with_offset_datetime() -> None:
    text = '+++\ntitle = "Toml"\ndate = 2024-01-05T10:00:00+02:00\ntags = ["x"]\n+++\nbody\n'
    data, body, fmt, error = split_front_matter(text)
    assert (fmt, error, body) == ("toml", None, "body\n")
    meta = normalise(data)
    assert meta.title == "Toml"
    assert meta.date == datetime(2024, 1, 5, 8, 0, tzinfo=UTC)
    assert meta.tags == ("x",)


def test_toml_local_date_and_naive_datetime_become_utc() -> None:
    meta = meta_of("+++\ndate = 2024-01-05\nlastmod = 2024-02-01T09:30:00\n+++\n")
    assert meta.date == datetime(2024, 1, 5, tzinfo=UTC)
    assert meta.lastmod == datetime(2024, 2, 1, 9, 30, tzinfo=UTC)


def test_json_front_matter_is_the_leading_object() -> None:
    text = '{\n  "title": "Json {braces} \\"quoted\\"",\n  "tags": "a, b"\n}\n\nBody here\n'
    data, body, fmt, error = split_front_matter(text)
    assert (fmt, error) == ("json", None)
    assert data["title"] == 'Json {braces} "quoted"'
    assert body == "\nBody here\n"
    assert normalise(data).tags == ("a", "b")


def test_text_without_front_matter_is_all_body() -> None:
    text = "# Just a post\n\n---\n\nmore\n"
    assert split_front_matter(text) == ({}, text, None, None)


def test_leading_shortcode_is_not_json_front_matter() -> None:
    text = '{{< figure src="x.png" >}}\n\nText'
    assert split_front_matter(text) == ({}, text, None, None)


def test_empty_header_is_an_empty_mapping_without_error() -> None:
    assert split_front_matter("---\n---\nbody") == ({}, "body", "yaml", None)


# --- edges of the fences -----------------------------------------------------------------


def test_bom_before_the_opening_fence_is_ignored() -> None:
    data, body, fmt, _ = split_front_matter("\ufeff---\ntitle: Bom\n---\nbody")
    assert (data, body, fmt) == ({"title": "Bom"}, "body", "yaml")


def test_opening_dashes_without_closing_fence_are_a_thematic_break() -> None:
    text = "---\n\nA post that starts with a rule.\n"
    assert split_front_matter(text) == ({}, text, None, None)


def test_crlf_and_cr_line_ends_are_understood() -> None:
    for newline in ("\r\n", "\r"):
        text = newline.join(["---", "title: Windows", "---", "body", ""])
        data, body, fmt, error = split_front_matter(text)
        assert (data, body, fmt, error) == ({"title": "Windows"}, "body\n", "yaml", None)


# --- broken shapes -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("---\ntitle: [unclosed\n---\nbody", "YAML front matter: "),
        ("---\ntitle: a\n  bad: indent\n---\nbody", "YAML front matter: "),
        ('+++\ntitle = "unclosed\n+++\nbody', "TOML front matter: "),
        ("+++\ndate = 2024-13-01\n+++\nbody", "TOML front matter: "),
        ('{"title": "x",}\nbody', "JSON front matter: "),
    ],
)
def test_broken_front_matter_is_reported_and_the_body_kept(text: str, label: str) -> None:
    data, body, _fmt, error = split_front_matter(text)
    assert data == {}
    assert error is not None and error.startswith(label)
    assert "\n" not in error
    assert body.strip() == "body"


def test_unclosed_json_object_never_leaks_into_the_body() -> None:
    data, body, fmt, error = split_front_matter('{"title": "x",\n"tags": [1,\n}\nThe body\n')
    assert (data, fmt) == ({}, "json")
    assert error is not None and error.startswith("JSON front matter: ")
    assert "title" not in body and body == "The body\n"
    _, body, _, error = split_front_matter('{"title": "never closed\nno brace line')
    assert body == "" and error


@pytest.mark.parametrize("header", ["- a\n- b", "just a string", "42"])
def test_front_matter_that_is_not_a_mapping_is_refused(header: str) -> None:
    data, body, _fmt, error = split_front_matter(f"---\n{header}\n---\nbody")
    assert (data, body, error) == ({}, "body", "front matter is not a mapping")


def test_month_13_in_yaml_costs_only_the_date() -> None:
    data, body, _fmt, error = split_front_matter("---\ntitle: Kept\ndate: 2024-13-01\n---\nb")
    assert error is None and body == "b"
    meta = normalise(data)
    assert meta.title == "Kept"
    assert meta.date is None
    assert meta.warnings == ("unreadable date: 2024-13-01",)


@pytest.mark.parametrize("when", ["2024-02-30", "2024-01-01 25:00:00"])
def test_impossible_yaml_timestamps_never_raise(when: str) -> None:
    data, _body, _fmt, error = split_front_matter(f"---\ndate: {when}\n---\n")
    assert error is None
    assert normalise(data).date is None


def test_python_tags_are_refused_and_never_run(tmp_path) -> None:
    marker = tmp_path / "ran"
    text = f'---\nx: !!python/object/apply:os.system ["touch {marker}"]\n---\nbody'
    data, body, _fmt, error = split_front_matter(text)
    assert data == {} and body == "body"
    assert error is not None and error.startswith("YAML front matter: ")
    assert not marker.exists()


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, 10):
        prev, name = chr(ord("a") + level - 1), chr(ord("a") + level)
        lines.append(f"{name}: &{name} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]")
    lines.append("tags: *j")
    data, body, _fmt, error = split_front_matter("---\n" + "\n".join(lines) + "\n---\nbody")
    meta = normalise(data)
    assert data == {} and body == "body"
    assert error == "YAML front matter: anchors and aliases are not allowed"
    assert meta.tags == ()


def test_a_lone_anchor_is_refused_too() -> None:
    _, _, _, error = split_front_matter("---\ntitle: &t Hello\n---\n")
    assert error == "YAML front matter: anchors and aliases are not allowed"


def test_deep_nesting_is_refused() -> None:
    deep = "a: " + "[" * 200 + "]" * 200
    _, _, _, error = split_front_matter(f"---\n{deep}\n---\n")
    assert error is not None and error.startswith("YAML front matter: ")
    _, body, _, error = split_front_matter('{"a": ' + "[" * 20000 + "]" * 20000 + "}\nbody")
    assert error is not None and error.startswith("JSON front matter: ") and body == "body"


@pytest.mark.parametrize(
    "deep",
    [
        "a: " + "- " * 100 + "x",  # compact block sequences on one line
        "".join(" " * level + f"k{level}:\n" for level in range(100)) + " " * 100 + "v: 1",
        "a: " + "{b: " * 100 + "1" + "}" * 100,
        "? " * 100 + "x",  # explicit keys
    ],
    ids=["block-sequences", "block-mappings", "flow-mappings", "explicit-keys"],
)
def test_deep_nesting_in_every_yaml_form_is_refused(deep: str) -> None:
    data, body, _, error = split_front_matter(f"---\n{deep}\n---\nbody")
    assert data == {} and body == "body"
    assert error is not None and error.startswith("YAML front matter: ")


def test_front_matter_over_64_kb_is_refused_but_the_body_is_not() -> None:
    header = "\n".join(f"key{i}: {'x' * 60}" for i in range(1200))
    data, body, fmt, error = split_front_matter(f"---\n{header}\n---\nThe body")
    assert (data, body, fmt, error) == ({}, "The body", "yaml", "front matter larger than 64 KB")


def test_errors_are_one_clean_line() -> None:
    _, _, _, error = split_front_matter("---\ntitle: \"\x1b]0;pwned\x07\n---\n")
    assert error is not None
    assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in error)


# --- normalise ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        (["Python", "TUI"], ("Python", "TUI")),
        ("python, tui , ,rss", ("python", "tui", "rss")),
        (["Go", "go", "GO", "rust"], ("Go", "rust")),
        ("solo", ("solo",)),
        ({"not": "a list"}, ()),
        (None, ()),
    ],
)
def test_tags_from_a_list_or_a_comma_string(tags: object, expected: tuple[str, ...]) -> None:
    assert normalise({"tags": tags}).tags == expected


def test_categories_are_cleaned_like_tags() -> None:
    assert normalise({"categories": "Dev, dev, Ops"}).categories == ("Dev", "Ops")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"author": "Ada"}, "Ada"),
        ({"authors": ["Ada", "Grace"]}, "Ada, Grace"),
        ({"author": {"name": "Ada", "email": "a@x"}}, "Ada"),
        ({"authors": [{"name": "Ada"}, "Grace", None]}, "Ada, Grace"),
        ({"authors": "Solo"}, "Solo"),
        ({"author": "", "authors": ["Fallback"]}, "Fallback"),
        ({}, ""),
    ],
)
def test_author_shapes(data: dict, expected: str) -> None:
    assert normalise(data).author == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(True, True), (False, False), ("true", True), ("yes", True), ("Yes", True),
     ("no", False), ("false", False), (None, False), (["x"], False)],
)  # fmt: skip
def test_draft_values(value: object, expected: bool) -> None:
    assert normalise({"draft": value}).draft is expected


def test_yaml_yes_and_no_are_words_not_booleans() -> None:
    meta = meta_of("---\ntitle: no\ndraft: yes\n---\n")
    assert meta.title == "no"
    assert meta.draft is True


def test_summary_is_preferred_to_description() -> None:
    assert normalise({"summary": "S", "description": "D"}).summary == "S"
    assert normalise({"description": "Only\ndescription"}).summary == "Only description"
    assert len(normalise({"summary": "x" * 1000}).summary) <= 300


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-01-05", datetime(2024, 1, 5, tzinfo=UTC)),
        (date(2024, 1, 5), datetime(2024, 1, 5, tzinfo=UTC)),
        ("2024-01-05 10:00", datetime(2024, 1, 5, 10, 0, tzinfo=UTC)),
        ("2024-01-05T10:00:00Z", datetime(2024, 1, 5, 10, 0, tzinfo=UTC)),
        ("2024-01-05T10:00:00+05:30", datetime(2024, 1, 5, 4, 30, tzinfo=UTC)),
        ("2024-01-05 10:00:00 +0100", datetime(2024, 1, 5, 9, 0, tzinfo=UTC)),
        ("Fri, 05 Jan 2024 10:00:00 GMT", datetime(2024, 1, 5, 10, 0, tzinfo=UTC)),
        (datetime(2024, 1, 5, 10, 0), datetime(2024, 1, 5, 10, 0, tzinfo=UTC)),
        ("1969-07-20", datetime(1969, 7, 20, tzinfo=UTC)),
    ],
)
def test_dates_become_aware_utc(value: object, expected: datetime) -> None:
    meta = normalise({"date": value})
    assert meta.date == expected
    assert meta.date is not None and meta.date.utcoffset() == timedelta(0)
    assert meta.warnings == ()


def test_yaml_timestamps_with_zones() -> None:
    meta = meta_of("---\ndate: 2024-01-05T10:00:00-05:00\nlastmod: 2024-01-06\n---\n")
    assert meta.date == datetime(2024, 1, 5, 15, 0, tzinfo=UTC)
    assert meta.lastmod == datetime(2024, 1, 6, tzinfo=UTC)


@pytest.mark.parametrize("value", ["yesterday", "2024-13-01", 2024, ["2024-01-01"], "x" * 500])
def test_unreadable_dates_give_none_and_a_warning(value: object) -> None:
    meta = normalise({"date": value})
    assert meta.date is None
    assert len(meta.warnings) == 1 and meta.warnings[0].startswith("unreadable date: ")


def test_missing_date_is_none_without_warning() -> None:
    meta = normalise({"title": "t"})
    assert (meta.date, meta.lastmod, meta.warnings) == (None, None, ())


@pytest.mark.parametrize(
    ("title", "expected"),
    [(12345, "12345"), (1.5, "1.5"), (False, "false"), (["a", "b"], "fallback"),
     ({"x": 1}, "fallback"), ("  spaced\n title ", "spaced title"), (None, "fallback")],
)  # fmt: skip
def test_titles_are_one_line_strings(title: object, expected: str) -> None:
    assert normalise({"title": title}, fallback_title="fallback").title == expected


def test_control_characters_never_survive() -> None:
    meta = normalise(
        {
            "title": "\x1b]0;owned\x07Title\x9b2J",
            "author": "A\x00da",
            "tags": ["\x1b[31mred"],
            "summary": "s\x7fum",
        }
    )
    assert (meta.title, meta.author, meta.tags, meta.summary) == ("Title", "A da", ("red",), "s um")


def test_keys_match_case_insensitively() -> None:
    assert normalise({"Title": "Upper", "TAGS": ["x"]}).title == "Upper"
    assert normalise({"Title": "Upper", "title": "lower"}).title == "lower"


def test_normalise_accepts_junk_without_raising() -> None:
    weird: dict = {1: "x", None: [], ("t",): 1, "title": object(), "date": {"y": 1}}
    meta = normalise(weird, fallback_title="F")
    assert meta.title == "F"
    assert normalise("not a dict", fallback_title="F").title == "F"  # type: ignore[arg-type]
