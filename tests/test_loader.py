"""Scanning in two passes: a new library is listed from its front matter first, then whole."""

from __future__ import annotations

from pathlib import Path

from tui_reader.core.library import Filter, Library
from tui_reader.core.local.scan import scan_sources
from tui_reader.core.store import Store


def _posts(root: Path, count: int) -> None:
    for i in range(count):
        # With "First paragraph N." and "Part": 212, 424 or 636 words, 1, 2 or 3 minutes.
        words = " ".join(["word"] * (212 * (i % 3 + 1) - 4))
        (root / f"post{i:03}.md").write_text(
            f"---\ntitle: Post {i}\ntags: [t{i % 2}]\n---\n\nFirst paragraph {i}.\n\n## Part\n\n{words}\n",
            encoding="utf-8",
        )


def test_new_files_come_pending_first_then_complete(tmp_path: Path) -> None:
    _posts(tmp_path, 300)
    store = Store(tmp_path / "state.sqlite3")
    library = Library()
    seen_pending_only = None
    listed_at: list[int] = []

    def listed() -> None:
        listed_at.append(len(library))
        assert all(a.pending for a in library.articles)

    for articles, errors in scan_sources(
        [str(tmp_path)], store, quick_first=True, on_listed=listed
    ):
        assert errors == []
        library.add(articles)
        if len(library) == 300 and seen_pending_only is None:
            # Every post is listed, by title and tags, before any body was analysed.
            seen_pending_only = all(a.pending for a in library.articles)
            assert {a.title for a in library.articles} == {f"Post {i}" for i in range(300)}
            assert library.select(Filter(max_minutes=5)) == []  # unknown time: not in budget
    assert seen_pending_only is True
    assert listed_at == [300]  # told once, when all were listed and none analysed yet
    assert len(library) == 300  # the second pass replaced, it did not duplicate
    assert not any(a.pending for a in library.articles)
    by_title = {a.title: a for a in library.articles}
    assert by_title["Post 4"].words == 424 and library.minutes(by_title["Post 4"]) == 2
    assert by_title["Post 4"].summary == "First paragraph 4."
    assert [text for _, text, _ in by_title["Post 4"].headings] == ["Part"]
    assert len(library.select(Filter(max_minutes=1))) == 100
    # The search index holds every body, from the same single read.
    assert store.search("paragraph 7") and len(store.search("word", limit=1000)) == 300
    store.close()


def test_a_later_scan_is_complete_from_the_cache(tmp_path: Path) -> None:
    _posts(tmp_path, 20)
    store = Store(tmp_path / "state.sqlite3")
    for _ in scan_sources([str(tmp_path)], store, quick_first=True):
        pass
    batches = list(scan_sources([str(tmp_path)], store, quick_first=True))
    articles = [a for batch, _ in batches for a in batch]
    assert len(articles) == 20 and not any(a.pending for a in articles)
    assert all(a.words > 0 for a in articles)
    store.close()
