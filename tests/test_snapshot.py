"""Scan snapshots: a later scan sends the unchanged batches as they were, and is still
exactly right when files change, vanish or appear, or the snapshot itself is damaged.

Everything runs on a real SQLite library and real files.
"""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest

from tui_reader.core.local import snapshot
from tui_reader.core.local.events import Found, loads_event
from tui_reader.core.local.scan import scan_events
from tui_reader.core.store import Store


@pytest.fixture(autouse=True)
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(snapshot, "BATCH", 5)  # 20 posts make four batches


def _write(root: Path, i: int, title: str | None = None) -> None:
    (root / f"p{i:02}.md").write_text(
        f"---\ntitle: {title or f'Post {i}'}\ntags: [t{i % 2}]\n---\n\nBody {i}.\n",
        encoding="utf-8",
    )


def _folder(root: Path, count: int = 20) -> Path:
    root.mkdir()
    for i in range(count):
        _write(root, i)
    return root


def _scan(root: Path, store: Store, raw: bool = False) -> tuple[dict[str, str], int]:
    """Titles by file name after a full scan, and how many batches came pre-pickled."""
    titles: dict[str, str] = {}
    forwarded = 0
    for event in scan_events([str(root)], store, quick_first=True, raw=raw):
        if isinstance(event, bytes):
            forwarded += 1
            event = loads_event(event)
        if isinstance(event, Found):
            assert event.errors == []
            for article in event.articles:
                titles[Path(article.location).name] = article.title
    return titles, forwarded


def test_a_later_scan_sends_the_snapshot_batches_untouched(tmp_path: Path) -> None:
    root = _folder(tmp_path / "lib")
    store = Store(tmp_path / "library.sqlite3")
    first, forwarded = _scan(root, store, raw=True)
    assert forwarded == 0 and len(first) == 20
    second, forwarded = _scan(root, store, raw=True)
    assert second == first
    assert forwarded == 4  # every batch, as bytes, nothing parsed
    # Without raw the same batches come as events, with complete articles.
    events = list(scan_events([str(root)], store, quick_first=True))
    articles = [a for e in events if isinstance(e, Found) for a in e.articles]
    assert len(articles) == 20 and not any(a.pending for a in articles)
    assert all(a.words > 0 and a.summary for a in articles)


def test_a_changed_file_is_read_again_and_only_its_batch_is_dropped(tmp_path: Path) -> None:
    root = _folder(tmp_path / "lib")
    store = Store(tmp_path / "library.sqlite3")
    _scan(root, store)
    _write(root, 7, title="Post 7, rewritten at length")
    stamp = os.stat(root / "p07.md").st_mtime + 5
    os.utime(root / "p07.md", (stamp, stamp))  # a later mtime, even on coarse clocks
    titles, forwarded = _scan(root, store, raw=True)
    assert titles["p07.md"] == "Post 7, rewritten at length"
    assert len(titles) == 20
    assert forwarded == 3  # the other three batches were still right
    # The new snapshot holds the change: the next scan forwards everything again.
    again, forwarded = _scan(root, store, raw=True)
    assert again == titles and forwarded == 4


def test_deleted_and_new_files(tmp_path: Path) -> None:
    root = _folder(tmp_path / "lib")
    store = Store(tmp_path / "library.sqlite3")
    _scan(root, store)
    (root / "p03.md").unlink()
    _write(root, 42)
    titles, _forwarded = _scan(root, store)
    assert "p03.md" not in titles
    assert titles["p42.md"] == "Post 42"
    assert len(titles) == 20


PLANTED = b"cos\nsystem\n(S'touch PWNED'\ntR."  # runs a command if unpickled freely


def _snapshot_blob(root: Path, kind: str) -> bytes:
    """A snapshot for ``root`` whose index matches the files, so its batch is used."""
    files = sorted(root.glob("*.md"))
    index = [[(str(f), os.stat(f).st_mtime, os.stat(f).st_size) for f in files]]
    if kind == "garbage":
        return b"not a pickle at all"
    if kind == "other-format":
        return pickle.dumps((999, [], [], []))
    if kind == "damaged":  # right shape, but the batch bytes are not what was digested
        return pickle.dumps((snapshot.FORMAT, index, [b"\x80\x05garbage"], [b"0" * 16]))
    # planted: a well-formed snapshot, right digest and all, holding code to run
    digest = snapshot._digest(PLANTED)
    return pickle.dumps((snapshot.FORMAT, index, [PLANTED], [digest]))


@pytest.mark.parametrize("kind", ["garbage", "other-format", "damaged", "planted"])
def test_a_damaged_or_planted_snapshot_is_never_run_and_the_scan_is_right(
    tmp_path: Path, kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    root = _folder(tmp_path / "lib")
    store = Store(tmp_path / "library.sqlite3")
    expected, _ = _scan(root, store)
    store.save_scan_snapshot(os.path.abspath(root), str(root), _snapshot_blob(root, kind))
    titles, _forwarded = _scan(root, store)
    assert titles == expected  # every file scanned again, from the per-file cache
    assert not (tmp_path / "PWNED").exists()


def test_the_unpickler_refuses_anything_but_scan_classes() -> None:
    class Planted:
        def __reduce__(self):  # type: ignore[no-untyped-def]
            return (os.system, ("true",))

    with pytest.raises(pickle.UnpicklingError, match="refused"):
        loads_event(pickle.dumps(Planted()))


def test_an_article_with_every_field_set_comes_back_whole() -> None:
    # Articles pickle as constructor calls (faster to load): every field must survive
    # the scan process's pipe and the snapshot, and the derived ones must be rebuilt.
    from datetime import UTC, datetime, timedelta, timezone

    from tui_reader.core.article import Article, Heading
    from tui_reader.core.local.events import dump_event

    article = Article(
        key="feed:https://example.org/feed::42",
        title="Ünïcode title",
        kind="feed",
        date=datetime(2024, 5, 6, 7, 8, 9, tzinfo=timezone(timedelta(hours=9))),
        lastmod=datetime(2024, 5, 7, tzinfo=UTC),
        author="A. Writer",
        tags=("Rust", "tools"),
        summary="A summary.",
        draft=True,
        words=1234,
        cjk=True,
        source="https://example.org/feed",
        location="https://example.org/42",
        link="https://example.org/42",
        headings=(Heading(1, "Top", "top"), Heading(2, "Next", "next")),
        body="# Top\n\ntext",
        feed_title="Example",
        warnings=("guessed encoding",),
        mtime=1700000000.5,
        size=99,
        pending=True,
    )
    back = loads_event(dump_event(Found([article], ["an error"])))
    assert back.articles == [article]
    assert back.errors == ["an error"]
    (copy,) = back.articles
    assert copy.stamp == article.stamp == article.date.timestamp()
    assert copy.tags_folded == frozenset({"rust", "tools"})
    assert copy.headings[1] == Heading(2, "Next", "next")
    assert copy.date.utcoffset() == timedelta(hours=9)


def test_a_batch_comes_back_with_equal_strings_shared_and_headings_readable(
    tmp_path: Path,
) -> None:
    """Within one batch, equal tags, authors and sources come back as one object each
    (the pickle holds them once); headings come back as plain (level, text, anchor)
    tuples, and what reads them (``list --json``, the library database) still works."""
    from tui_reader.core.article import Article, Heading
    from tui_reader.core.local.events import dump_event

    articles = [
        Article(
            key=f"local:/blog::p{i}.md",
            title=f"Post {i}",
            author="".join(["Hana ", "Sato"]),  # equal strings, different objects
            tags=("".join(["Ru", "st"]), f"t{i}"),
            source="".join(["/bl", "og"]),
            location=f"/blog/p{i}.md",
            mtime=1700000000.0,
            size=10,
            headings=(Heading(1, f"Post {i}", f"post-{i}"),),
        )
        for i in range(3)
    ]
    plain = pickle.dumps(Found(articles, []), protocol=pickle.HIGHEST_PROTOCOL)
    shared = dump_event(Found(articles, []))
    assert len(shared) < len(plain)

    first, second, third = loads_event(shared).articles
    assert first.tags[0] is second.tags[0] is third.tags[0] == "Rust"
    assert first.tags_folded & second.tags_folded == {"rust"}
    assert first.author is second.author == "Hana Sato"
    assert first.source is third.source == "/blog"
    assert [a.headings for a in (first, second, third)] == [a.headings for a in articles]
    assert type(first.headings[0]) is tuple

    # Saved in the library's scan cache and read back, a loaded article is the same.
    store = Store(tmp_path / "library.sqlite3")
    store.save_scan([first])
    saved = store.cached_scan([("/blog/p0.md", 1700000000.0, 10)])["/blog/p0.md"]
    assert saved.headings == (Heading(1, "Post 0", "post-0"),)
    assert saved.tags == ("Rust", "t0")
