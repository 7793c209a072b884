"""What a burst of changed paths means, by the scan's own rules (core/local/live.py),
on real files; and which paths the watcher lets through at all."""

from __future__ import annotations

import shutil
from pathlib import Path

from tui_reader.core.local.live import changes_for, watched_folders
from tui_reader.core.local.posts import article_key
from tui_reader.core.local.scan import scan_sources
from tui_reader.core.local.watch import wanted


def post(path: Path, title: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\ntitle: {title}\n---\n\nText of {title}.\n", encoding="utf-8")
    return path


def known(root: Path) -> dict[str, str]:
    """Location -> key of everything a scan lists now."""
    return {a.location: a.key for batch, _e in scan_sources([str(root)]) for a in batch}


def test_editor_files_never_reach_the_library() -> None:
    assert wanted("/notes/post.md")
    assert wanted("/notes/POST.MARKDOWN")
    assert not wanted("/notes/.post.md.swp")
    assert not wanted("/notes/post.md~")
    assert not wanted("/notes/post.md.tmp")


def test_new_and_changed_files_are_parsed_and_listed_by_the_scan_rules(tmp_path: Path) -> None:
    root = tmp_path / "content"
    post(root / "a.md", "A")
    before = known(root)
    fresh = post(root / "b.md", "B")
    hidden = post(root / ".drafts" / "c.md", "Hidden")
    section = post(root / "blog" / "_index.md", "Section page")
    change = changes_for([str(fresh), str(hidden), str(section)], [str(root)], before)
    assert [a.title for a in change.articles] == ["B"]
    assert change.articles[0].key == article_key(root, fresh)
    assert change.articles[0].words > 0  # whole, not a quick listing
    assert change.removed == []


def test_a_deleted_folder_takes_its_posts_with_it(tmp_path: Path) -> None:
    root = tmp_path / "content"
    post(root / "keep.md", "Keep")
    post(root / "trip" / "day1.md", "Day 1")
    post(root / "trip" / "deep" / "day2.md", "Day 2")
    before = known(root)
    shutil.rmtree(root / "trip")
    change = changes_for([str(root / "trip")], [str(root)], before)
    assert sorted(change.removed) == sorted(
        [
            article_key(root, root / "trip" / "day1.md"),
            article_key(root, root / "trip/deep/day2.md"),
        ]
    )
    assert change.articles == []


def test_a_folder_moved_in_brings_its_posts(tmp_path: Path) -> None:
    root = tmp_path / "content"
    post(root / "keep.md", "Keep")
    before = known(root)
    outside = tmp_path / "elsewhere" / "moved"
    post(outside / "one.md", "One")
    post(outside / "two.md", "Two")
    outside.rename(root / "moved")
    change = changes_for([str(root / "moved")], [str(root)], before)
    assert sorted(a.title for a in change.articles) == ["One", "Two"]


def test_an_index_file_turns_a_folder_into_one_bundle(tmp_path: Path) -> None:
    root = tmp_path / "content"
    part = post(root / "trip" / "notes.md", "Notes")
    before = known(root)
    assert str(part) in before
    index = post(root / "trip" / "index.md", "The Trip")
    change = changes_for([str(index)], [str(root)], before)
    assert [a.title for a in change.articles] == ["The Trip"]
    assert change.removed == [before[str(part)]]
    # And a later change of the bundle's part is not an article of its own.
    post(part, "Notes, edited")
    again = changes_for([str(part)], [str(root)], {str(index): "x"})
    assert not again


def test_paths_outside_every_source_are_ignored(tmp_path: Path) -> None:
    root = tmp_path / "content"
    post(root / "a.md", "A")
    stray = post(tmp_path / "other" / "b.md", "B")
    assert not changes_for([str(stray)], [str(root)], known(root))
    assert watched_folders([str(root), str(root / "a.md"), "https://example.org/f.xml"]) == [
        str(root)
    ]
