"""The real command line, run as a separate process, as a script or a user would run it."""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tui_reader import __version__

JSON_KEYS = {
    "title",
    "date",
    "author",
    "tags",
    "words",
    "minutes",
    "summary",
    "draft",
    "source",
    "location",
    "headings",
}


def run(tmp_path: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["TUI_READER_CONFIG_DIR"] = str(tmp_path / "config")
    env["TUI_READER_DATA_DIR"] = str(tmp_path / "data")
    env["PYTHONIOENCODING"] = "utf-8"
    env.pop("NO_COLOR", None)
    return subprocess.run(
        [sys.executable, "-m", "tui_reader", *args],
        cwd=tmp_path,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
    )


def listed(tmp_path: Path, *args: str) -> list[dict]:
    result = run(tmp_path, "list", *args, "--json")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert all(line.strip() for line in lines), "no blank lines between objects"
    return [json.loads(line) for line in lines]


@pytest.fixture
def everything(tmp_path: Path, sample_content: Path) -> list[dict]:
    return listed(tmp_path, str(sample_content))


def by_location(items: list[dict], suffix: str) -> list[dict]:
    return [item for item in items if item["location"].replace("\\", "/").endswith(suffix)]


def test_version_prints_the_package_version(tmp_path: Path) -> None:
    result = run(tmp_path, "--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"tui-reader {__version__}"


def test_list_json_prints_one_object_per_line_with_every_field(everything: list[dict]) -> None:
    assert len(everything) >= 15
    for item in everything:
        assert set(item) == JSON_KEYS
        assert isinstance(item["title"], str) and item["title"]
        assert isinstance(item["tags"], list)
        assert isinstance(item["words"], int) and item["words"] > 0
        assert isinstance(item["minutes"], int) and item["minutes"] >= 1
        assert isinstance(item["draft"], bool)
        for heading in item["headings"]:
            assert set(heading) == {"level", "text"}
            assert 1 <= heading["level"] <= 6


def test_list_json_is_newest_first_with_unknown_dates_last(everything: list[dict]) -> None:
    dates = [item["date"] for item in everything]
    known = [d for d in dates if d is not None]
    assert dates[: len(known)] == known, "unknown dates come last"
    # All dates are UTC ISO strings, so text order is time order.
    assert known == sorted(known, reverse=True)


def test_list_lists_every_markdown_post_of_the_sample(
    everything: list[dict], sample_content: Path
) -> None:
    on_disk = {
        p.relative_to(sample_content).as_posix()
        for p in sample_content.rglob("*")
        if p.suffix in (".md", ".markdown") and p.name != "_index.md"
    }
    local = {
        Path(item["location"]).resolve().relative_to(sample_content.resolve()).as_posix()
        for item in everything
        if not item["location"].startswith("http")
    }
    assert local == on_disk


def test_section_index_page_is_not_listed(everything: list[dict]) -> None:
    assert by_location(everything, "_index.md") == []
    assert "Posts" not in [item["title"] for item in everything]


def test_page_bundle_is_listed_once(everything: list[dict]) -> None:
    bundle = [item for item in everything if "ramen-at-home" in item["location"]]
    assert len(bundle) == 1
    assert bundle[0]["location"].endswith("index.md")
    assert bundle[0]["title"] == "Weeknight Shoyu Ramen, Honestly Assessed"


@pytest.mark.parametrize(
    ("file", "title"),
    [
        ("posts/kyoto-slow-mornings.md", "Slow Mornings in Kyoto"),  # TOML front matter
        ("posts/feeds-without-algorithms.md", "Feeds Without Algorithms"),  # JSON front matter
        ("notes/keyboard-first.md", "Keyboard-first, slowly"),  # no front matter: first H1
        ("notes/zettel-in-plain-text.markdown", "Zettel in Plain Text"),  # .markdown suffix
        ("notes/japanese-notebook.md", "東京の古本屋と、紙のノート"),
    ],
)
def test_front_matter_formats_give_the_right_title(
    everything: list[dict], file: str, title: str
) -> None:
    found = by_location(everything, file)
    assert [item["title"] for item in found] == [title]


def test_toml_front_matter_fields_are_read(everything: list[dict]) -> None:
    (kyoto,) = by_location(everything, "posts/kyoto-slow-mornings.md")
    assert kyoto["author"] == "Hana Sato"
    assert {"travel", "japan"} <= set(kyoto["tags"])
    # 2023-10-22T06:45:00+09:00 is 2023-10-21T21:45:00 UTC
    assert kyoto["date"] == "2023-10-21T21:45:00+00:00"
    assert kyoto["summary"].startswith("Kyoto belongs to early risers.")


def test_tag_option_keeps_only_articles_with_that_tag(
    tmp_path: Path, sample_content: Path, everything: list[dict]
) -> None:
    tagged = listed(tmp_path, str(sample_content), "--tag", "japan")
    expected = [item for item in everything if "japan" in [t.casefold() for t in item["tags"]]]
    assert tagged == expected
    assert 3 <= len(tagged) < len(everything)


def test_several_tag_options_need_every_tag(
    tmp_path: Path, sample_content: Path, everything: list[dict]
) -> None:
    tagged = listed(tmp_path, str(sample_content), "--tag", "Japan", "--tag", "COOKING")
    expected = [
        item for item in everything if {"japan", "cooking"} <= {t.casefold() for t in item["tags"]}
    ]
    assert tagged == expected
    assert expected


@pytest.mark.parametrize("search", ["rust", "Rust tools", "hana"])
def test_search_option_finds_every_title_tags_author_summary_match(
    tmp_path: Path, sample_content: Path, everything: list[dict], search: str
) -> None:
    # --search is the full-text search now (it also finds words in the body), so what
    # the old title/tags/author/summary filter found is a part of what it finds; with
    # --sort date they come in the list's order.
    found = listed(tmp_path, str(sample_content), "--search", search, "--sort", "date")

    def matches(item: dict) -> bool:
        haystack = " ".join(
            [item["title"], " ".join(item["tags"]), item["author"], item["summary"]]
        ).casefold()
        return all(
            re.search(rf"\b{re.escape(word)}", haystack) for word in search.casefold().split()
        )

    assert [item for item in found if matches(item)] == [
        item for item in everything if matches(item)
    ]
    assert found == [item for item in everything if item in found]
    assert 0 < len(found) < len(everything)


def test_plain_list_prints_date_minutes_and_title(tmp_path: Path, sample_content: Path) -> None:
    result = run(tmp_path, "list", str(sample_content), "--tag", "rust")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert any(
        "2024-02-20" in line and "min" in line and "Small Rust Tools I Use Every Day" in line
        for line in lines
    )
    assert all("rust" in line for line in lines)


def test_wpm_option_changes_minutes(tmp_path: Path, sample_content: Path) -> None:
    guide = str(sample_content / "guides" / "field-guide.md")
    (default,) = listed(tmp_path, guide)
    (slow,) = listed(tmp_path, guide, "--wpm", "100")
    words = default["words"]
    assert default["minutes"] == math.ceil(words / 212)
    assert slow["minutes"] == math.ceil(words / 100)
    assert slow["minutes"] > default["minutes"]


def test_out_of_range_wpm_is_refused(tmp_path: Path, sample_content: Path) -> None:
    result = run(tmp_path, "list", str(sample_content), "--wpm", "5")
    assert result.returncode == 2
    assert "--wpm" in result.stderr
    assert result.stdout == ""


def test_global_wpm_option_before_list_command_still_lists(
    tmp_path: Path, sample_content: Path
) -> None:
    guide = str(sample_content / "guides" / "field-guide.md")
    result = run(tmp_path, "--wpm", "100", "list", guide, "--json", timeout=20)
    assert result.returncode == 0
    (item,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert item["minutes"] == math.ceil(item["words"] / 100)


def test_no_source_and_no_config_exits_2_and_says_how_to_give_one(tmp_path: Path) -> None:
    result = run(tmp_path)
    assert result.returncode == 2
    assert "no source given" in result.stderr
    assert "tui-reader sample_content" in result.stderr or "tui-reader ~/" in result.stderr
    assert "sources = [" in result.stderr  # how to put them in the config file
    assert str(tmp_path / "config") in result.stderr
    assert result.stdout == ""


def test_list_without_source_exits_2(tmp_path: Path) -> None:
    result = run(tmp_path, "list")
    assert result.returncode == 2
    assert "no source given" in result.stderr


def test_sources_from_the_config_file_are_used(tmp_path: Path, sample_content: Path) -> None:
    config = tmp_path / "config"
    config.mkdir()
    notes = (sample_content / "notes").as_posix()
    (config / "config.toml").write_text(f'sources = ["{notes}"]\n', encoding="utf-8")
    result = run(tmp_path, "list", "--json")
    assert result.returncode == 0, result.stderr
    titles = {json.loads(line)["title"] for line in result.stdout.splitlines()}
    assert "Ten-Minute Miso Soup" in titles
    assert "Slow Mornings in Kyoto" not in titles  # that one is in posts/


def test_missing_source_is_reported_and_fails(tmp_path: Path) -> None:
    result = run(tmp_path, "list", str(tmp_path / "nowhere"))
    assert result.returncode == 1
    assert "nowhere" in result.stderr
    assert "no such file or folder" in result.stderr


def _post(folder: Path, name: str, title: str, day: str, body: str) -> None:
    text = f"---\ntitle: {title}\ndate: {day}\ndescription: A short note.\n---\n\n{body}\n"
    (folder / name).write_text(text, encoding="utf-8")


def test_search_finds_a_word_only_in_the_body_and_ranks_title_matches_first(
    tmp_path: Path,
) -> None:
    posts = tmp_path / "posts"
    posts.mkdir()
    filler = "Plain words about other things.\n\n" * 20
    _post(posts, "body.md", "Harbour Walks", "2024-05-01", f"{filler}## Later\n\nA quokka ran by.")
    _post(posts, "title.md", "The Quokka Question", "2023-01-01", "Nothing more to say.")
    _post(posts, "other.md", "Unrelated", "2024-06-01", filler)

    found = listed(tmp_path, str(posts), "--search", "quokka")
    # Ranked as ctrl+f ranks: the title match first, although the body match is newer.
    assert [item["title"] for item in found] == ["The Quokka Question", "Harbour Walks"]

    by_date = listed(tmp_path, str(posts), "--search", "quokka", "--sort", "date")
    assert [item["title"] for item in by_date] == ["Harbour Walks", "The Quokka Question"]


def test_list_help_says_search_covers_the_full_text(tmp_path: Path) -> None:
    result = run(tmp_path, "list", "--help")
    assert result.returncode == 0
    help_text = " ".join(result.stdout.split())
    assert "full text" in help_text
    assert "--sort" in help_text


def test_reader_on_only_missing_sources_exits_1_with_one_line(tmp_path: Path) -> None:
    result = run(tmp_path, str(tmp_path / "nowhere"), timeout=30)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"tui-reader: {tmp_path / 'nowhere'}: no such file or folder"
    ]
    assert result.stdout == ""


def test_list_of_a_feed_never_fetched_fetches_it_and_names_its_failure(tmp_path: Path) -> None:
    # Issue 16 changed this: a feed never fetched is fetched once (it used to answer
    # "nothing cached yet"); a server that refuses is one line naming the URL.
    url = "http://127.0.0.1:9/never-fetched.xml"  # port 9: nothing listens
    result = run(tmp_path, "list", url)
    assert result.returncode == 1
    (line,) = result.stderr.splitlines()
    assert line == f"tui-reader: {url}: connection refused"


RSS = """<?xml version="1.0"?>
<rss version="2.0"><channel><title>Field notes</title><link>http://example.org/</link>
<item><title>Tides</title><link>http://example.org/tides</link><guid>tides</guid>
<description>Low water at noon. The wombat came later.</description></item>
<item><title>Winds</title><link>http://example.org/winds</link><guid>winds</guid>
<description>Nothing of note.</description></item>
</channel></rss>
"""


def test_search_finds_body_words_in_a_single_file_and_a_feed_file(tmp_path: Path) -> None:
    filler = "Plain words about other things.\n\n" * 20
    single = tmp_path / "single.md"
    single.write_text(
        f"---\ntitle: One File\ndescription: Short.\n---\n\n{filler}A wombat dug.\n",
        encoding="utf-8",
    )
    feed = tmp_path / "notes.rss"
    feed.write_text(RSS, encoding="utf-8")
    found = listed(tmp_path, str(single), str(feed), "--search", "wombat", "--sort", "title")
    assert [item["title"] for item in found] == ["One File", "Tides"]
