"""Local sources: which files are articles, and what an Article says about each."""

from __future__ import annotations

import os
import sqlite3
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tui_reader.core.article import Article, Heading
from tui_reader.core.local import posts as local
from tui_reader.core.local.posts import iter_markdown_files, load_article
from tui_reader.core.local.scan import scan_markdown

needs_symlinks = pytest.mark.skipif(sys.platform == "win32", reason="needs POSIX symlinks")
needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")


def write(path: Path, text: str = "# Title\n\nText.\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def names(root: Path) -> list[str]:
    return [path.relative_to(root).as_posix() for path in iter_markdown_files(root)]


def scan_within(root: Path, seconds: float = 10.0) -> list[str]:
    """Scan in a daemon thread, so a scan that never ends fails the test instead of hanging."""
    found: list[list[str]] = []
    worker = threading.Thread(target=lambda: found.append(names(root)), daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), "the scan did not finish"
    return found[0]


# --- scanning ----------------------------------------------------------------------------


def test_scan_finds_md_and_markdown_recursively_in_sorted_order(tmp_path: Path) -> None:
    for name in ["b.md", "a.MARKDOWN", "sub/c.md", "sub/deeper/d.Md", "notes.txt", "e.mdx"]:
        write(tmp_path / name)
    found = names(tmp_path)
    assert found == ["a.MARKDOWN", "b.md", "sub/c.md", "sub/deeper/d.Md"]
    paths = list(iter_markdown_files(tmp_path))
    assert paths == sorted(paths)


def test_page_bundle_yields_only_its_index(tmp_path: Path) -> None:
    write(tmp_path / "post/index.md")
    write(tmp_path / "post/part.md")
    write(tmp_path / "post/extra/more.md")
    write(tmp_path / "other/index.markdown")
    write(tmp_path / "other/z.md")
    assert names(tmp_path) == ["other/index.markdown", "post/index.md"]


def test_the_scanned_folder_itself_is_never_a_bundle(tmp_path: Path) -> None:
    write(tmp_path / "index.md")
    write(tmp_path / "guide.md")
    write(tmp_path / "trip/index.md")
    write(tmp_path / "trip/notes.md")
    assert names(tmp_path) == ["guide.md", "index.md", "trip/index.md"]


def test_section_pages_are_not_articles(tmp_path: Path) -> None:
    write(tmp_path / "_index.md")
    write(tmp_path / "blog/_index.md")
    write(tmp_path / "blog/first.md")
    assert names(tmp_path) == ["blog/first.md"]


def test_hidden_folders_and_node_modules_are_skipped(tmp_path: Path) -> None:
    write(tmp_path / ".git/x.md")
    write(tmp_path / ".obsidian/y.md")
    write(tmp_path / "node_modules/pkg/README.md")
    write(tmp_path / ".hidden.md")
    write(tmp_path / "visible.md")
    assert names(tmp_path) == ["visible.md"]


@needs_symlinks
def test_symlink_loops_do_not_hang(tmp_path: Path) -> None:
    write(tmp_path / "a/post.md")
    (tmp_path / "a/back").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "a/self").symlink_to(tmp_path / "a", target_is_directory=True)
    (tmp_path / "loop").symlink_to(tmp_path / "loop")  # ELOOP on stat
    assert scan_within(tmp_path) == ["a/post.md"]


@needs_symlinks
def test_a_linked_folder_is_followed_once(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    write(outside / "shared.md")
    root = tmp_path / "root"
    root.mkdir()
    (root / "link1").symlink_to(outside, target_is_directory=True)
    (root / "link2").symlink_to(outside, target_is_directory=True)
    assert scan_within(root) == ["link1/shared.md"]


@needs_fifo
def test_fifos_and_folders_named_md_are_not_articles(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.md")
    (tmp_path / "folder.md").mkdir()
    write(tmp_path / "real.md")
    assert scan_within(tmp_path) == ["real.md"]


def test_unreadable_folder_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "locked/x.md")
    write(tmp_path / "ok.md")
    real_scandir = os.scandir

    def scandir(path):  # type: ignore[no-untyped-def]
        # chmod 000 does not stop root, so refuse the way the kernel would.
        if Path(path) == tmp_path / "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(local.os, "scandir", scandir)
    assert names(tmp_path) == ["ok.md"]


def test_scanning_a_missing_folder_yields_nothing(tmp_path: Path) -> None:
    assert names(tmp_path / "missing") == []


# --- loading -----------------------------------------------------------------------------


def test_article_from_front_matter(tmp_path: Path) -> None:
    path = write(
        tmp_path / "posts/hello.md",
        "---\ntitle: Hello\ndate: 2024-01-05T10:00:00Z\nauthor: Ada\ntags: [a, B]\n"
        "categories: [b, c]\ndraft: true\nsummary: A *short* post.\n---\n# Heading\n\nBody.\n",
    )
    article = load_article(path, source="posts", root=tmp_path)
    assert article.title == "Hello"
    assert article.key == f"local:{tmp_path}::posts/hello.md"
    assert article.kind == "local"
    assert article.date == datetime(2024, 1, 5, 10, 0, tzinfo=UTC)
    assert article.author == "Ada"
    assert article.tags == ("a", "B", "c")  # categories join the tags, case-insensitively
    assert article.draft is True
    assert article.summary == "A short post."
    assert article.source == "posts"
    assert article.location == str(path)
    assert article.body is None
    assert article.warnings == ()
    assert article.size == path.stat().st_size
    assert article.mtime == path.stat().st_mtime


def test_title_falls_back_to_the_first_h1_then_the_file_name(tmp_path: Path) -> None:
    heading = write(tmp_path / "h.md", "Intro\n\n```\n# not a title\n```\n## Two\n# The **One**\n")
    assert load_article(heading, source="s", root=tmp_path).title == "The One"
    plain = write(tmp_path / "my-note.md", "No headings here.\n\n## Only level two\n")
    assert load_article(plain, source="s", root=tmp_path).title == "my-note"
    bundle = write(tmp_path / "trip-report/index.md", "Just text.\n")
    assert load_article(bundle, source="s", root=tmp_path).title == "trip-report"


def test_missing_date_stays_none(tmp_path: Path) -> None:
    path = write(tmp_path / "x.md", "---\ntitle: T\n---\n")
    article = load_article(path, source="s", root=tmp_path)
    assert (article.date, article.lastmod) == (None, None)


def test_broken_front_matter_is_a_warning_and_the_body_still_counts(tmp_path: Path) -> None:
    path = write(tmp_path / "broken.md", "---\ntitle: [oops\n---\n# Real Title\n\nText.\n")
    article = load_article(path, source="s", root=tmp_path)
    assert article.title == "Real Title"
    assert len(article.warnings) == 1 and article.warnings[0].startswith("YAML front matter:")


def test_bad_date_and_guessed_encoding_are_warnings(tmp_path: Path) -> None:
    path = tmp_path / "old.md"
    path.write_bytes("---\ntitle: Caf\xe9\ndate: 2024-13-01\n---\n".encode("latin-1"))
    article = load_article(path, source="s", root=tmp_path)
    assert article.title == "Café"
    assert article.warnings == ("encoding guessed as cp1252", "unreadable date: 2024-13-01")


def test_unreadable_files_are_still_listed(tmp_path: Path) -> None:
    binary = tmp_path / "blob.md"
    binary.write_bytes(b"\x00\x01\x02")
    article = load_article(binary, source="s", root=tmp_path)
    assert (article.title, article.warnings) == ("blob", ("not a text file",))
    gone = load_article(tmp_path / "gone.md", source="s", root=tmp_path)
    assert gone.title == "gone" and gone.warnings[0].startswith("cannot read file:")


@needs_fifo
def test_loading_a_fifo_returns_quickly_with_a_warning(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    result = []
    worker = threading.Thread(
        target=lambda: result.append(load_article(fifo, source="s", root=tmp_path)), daemon=True
    )
    worker.start()
    worker.join(5)
    assert not worker.is_alive()
    assert result[0].warnings == ("not a regular file",)


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="needs byte file names")
def test_invalid_utf8_file_name_is_listed_safely(tmp_path: Path) -> None:
    raw = os.path.join(os.fsencode(tmp_path), b"bad\xff.md")
    with open(raw, "wb") as handle:
        handle.write(b"No title here.\n")
    paths = list(iter_markdown_files(tmp_path))
    assert len(paths) == 1
    article = load_article(paths[0], source="s", root=tmp_path)
    assert article.title == "bad\ufffd"
    assert article.key.endswith("::bad\\xff.md")
    # Key and title are storable: SQLite refuses strings with surrogates.
    db = sqlite3.connect(":memory:")
    db.execute("create table t (key text, title text)")
    db.execute("insert into t values (?, ?)", (article.key, article.title))
    # The location still reaches the same file again.
    assert os.fsencode(article.location) == raw


def test_control_characters_in_file_names_are_not_shown(tmp_path: Path) -> None:
    path = write(tmp_path / "x\x1b[2Jy.md", "text\n")
    assert load_article(path, source="s", root=tmp_path).title == "xy"


@pytest.mark.parametrize(
    ("body", "summary"),
    [
        ("# Title\n\nFirst *para*\ngoes on.\n\nSecond.\n", "First para goes on."),
        ("Intro [link](https://x.y).\n\nMore.\n<!--more-->\nRest.\n", "Intro link. More."),
        ("{{< figure src=x >}}\n\n![pic](p.png)\n\n> Quoted `code`.\n", "Quoted code."),
        ("Heading\n=======\n\nReal text.\n", "Real text."),
        ("", ""),
    ],
)
def test_summary_from_the_body(tmp_path: Path, body: str, summary: str) -> None:
    article = load_article(write(tmp_path / "s.md", body), source="s", root=tmp_path)
    assert article.summary == summary


def test_summary_is_capped(tmp_path: Path) -> None:
    article = load_article(write(tmp_path / "long.md", "word " * 5000), source="s", root=tmp_path)
    assert 0 < len(article.summary) <= 300


def test_description_is_used_as_summary(tmp_path: Path) -> None:
    path = write(tmp_path / "d.md", "---\ndescription: From the header\n---\nBody text.\n")
    assert load_article(path, source="s", root=tmp_path).summary == "From the header"


def test_analyse_is_called_with_the_body_without_front_matter(tmp_path: Path) -> None:
    seen: list[str] = []

    def analyse(body: str) -> tuple[int, bool, tuple[Heading, ...]]:
        seen.append(body)
        return 42, True, (Heading(1, "T", "t"),)

    path = write(tmp_path / "a.md", "---\ntitle: x\n---\n# T\n")
    article = load_article(path, source="s", root=tmp_path, analyse=analyse)
    assert seen == ["# T\n"]
    assert (article.words, article.cjk, article.headings) == (42, True, (Heading(1, "T", "t"),))


def test_a_failing_analyse_costs_only_the_counts(tmp_path: Path) -> None:
    def analyse(body: str) -> tuple[int, bool, tuple[Heading, ...]]:
        raise RuntimeError("boom")

    article = load_article(write(tmp_path / "a.md"), source="s", root=tmp_path, analyse=analyse)
    assert article.title == "Title" and article.words == 0
    assert article.warnings == ("could not analyse the text: boom",)


def test_crlf_file_with_front_matter(tmp_path: Path) -> None:
    path = tmp_path / "win.md"
    path.write_bytes(b"---\r\ntitle: Windows\r\ntags: a, b\r\n---\r\nBody\r\n")
    article = load_article(path, source="s", root=tmp_path)
    assert (article.title, article.tags, article.summary) == ("Windows", ("a", "b"), "Body")


def test_toml_and_json_files(tmp_path: Path) -> None:
    toml = write(tmp_path / "t.md", '+++\ntitle = "Toml"\ndate = 2023-05-01\n+++\nx\n')
    json = write(tmp_path / "j.md", '{"title": "Json", "authors": ["A", "B"]}\nx\n')
    assert load_article(toml, source="s", root=tmp_path).title == "Toml"
    article = load_article(json, source="s", root=tmp_path)
    assert (article.title, article.author) == ("Json", "A, B")


# --- sources -----------------------------------------------------------------------------


def load_source(source: str) -> tuple[list[Article], list[str]]:
    """Everything the scan of one source yields, gathered."""
    articles: list[Article] = []
    errors: list[str] = []
    for batch, problems in scan_markdown(source):
        articles += batch
        errors += problems
    return articles, errors


def test_load_source_folder(tmp_path: Path) -> None:
    write(tmp_path / "a.md")
    write(tmp_path / "b/index.md")
    articles, errors = load_source(str(tmp_path))
    assert errors == []
    assert [a.key for a in articles] == [f"local:{tmp_path}::a.md", f"local:{tmp_path}::b/index.md"]
    assert all(a.source == str(tmp_path) for a in articles)


def test_load_source_single_file(tmp_path: Path) -> None:
    path = write(tmp_path / "one.md")
    articles, errors = load_source(str(path))
    assert errors == [] and [a.key for a in articles] == [f"local:{tmp_path}::one.md"]


def test_load_source_keys_do_not_depend_on_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "sample/a.md")
    monkeypatch.chdir(tmp_path)
    articles, _ = load_source("sample/")
    assert articles[0].key == f"local:{tmp_path / 'sample'}::a.md"


def test_load_source_errors(tmp_path: Path) -> None:
    missing = tmp_path / "sample"
    assert load_source(f"{missing}/") == ([], [f"{missing}/: no such file or folder"])
    empty = tmp_path / "empty"
    empty.mkdir()
    assert load_source(str(empty)) == ([], [f"{empty}: no Markdown files found"])
