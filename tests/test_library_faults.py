"""The library file in trouble (issue 19), mostly with the real command in a real terminal.

A damaged library, with the write-ahead log a ``kill -9`` left beside it, must come out
of a start and a quit byte for byte as it went in: the reader says it is damaged and
how to recover it, and no connection writes, checkpoints or deletes anything. A library
in a folder that cannot be written to is opened read-only: what it holds is shown, and
what cannot be saved is said once.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shlex
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from test_tmux import Terminal, terminal  # noqa: F401 - the fixture, shared

pytestmark = pytest.mark.skipif(
    shutil.which("tmux") is None, reason="tmux is not installed (CI installs it)"
)

POSTS = 300


def write_posts(folder: Path) -> None:
    folder.mkdir()
    words = " ".join(f"word{n}" for n in range(200))
    for n in range(1, POSTS + 1):
        (folder / f"p{n:03d}.md").write_text(f"---\ntitle: Post {n:03d}\n---\n{words}\n")


def fill_library(db: Path) -> None:
    """A library whose file, not only its log, holds pages: a feed's cached entries."""
    from tui_reader.core.article import Article
    from tui_reader.core.store import Store

    url = "https://example.org/feed.xml"
    entries = [
        Article(key=f"feed:{url}::{i}", title=f"Entry {i} " + "x" * 300, kind="feed")
        for i in range(600)
    ]
    with Store(db) as store:
        store.save_feed(url, title="F", articles=entries, etag=None, last_modified=None)


def digests(*files: Path) -> list[str]:
    return [hashlib.sha256(f.read_bytes()).hexdigest() for f in files]


def reader_pid(term: Terminal) -> int:
    """The tui-reader process: the child of the pane's shell."""
    shell = term.tmux("list-panes", "-t", term.session, "-F", "#{pane_pid}").stdout
    children = subprocess.run(
        ["pgrep", "-P", shell.strip()], capture_output=True, text=True, check=True
    ).stdout.split()
    (pid,) = children
    return int(pid)


def damage_a_page(db: Path, wal: Path, page: int = 4096) -> None:
    """Overwrite one page near the middle of the file with garbage: one the write-ahead
    log holds no newer copy of, and whose damage SQLite's check finds (tried on a copy
    first, so that a free page is not chosen)."""
    log = wal.read_bytes()
    frame = 24 + page
    logged = {
        int.from_bytes(log[at : at + 4], "big") - 1 for at in range(32, len(log) - frame + 1, frame)
    }
    image = db.read_bytes()
    count = len(image) // page
    candidates = sorted(
        (n for n in range(1, count) if n not in logged), key=lambda n: abs(n - count // 2)
    )
    trial = db.parent.parent / "trial"
    trial.mkdir()
    for n in candidates[:20]:
        damaged = image[: n * page] + b"\xa5" * page + image[(n + 1) * page :]
        (trial / "t.sqlite3").write_bytes(damaged)
        shutil.copyfile(wal, trial / "t.sqlite3-wal")
        (trial / "t.sqlite3-shm").unlink(missing_ok=True)
        with contextlib.closing(sqlite3.connect(trial / "t.sqlite3")) as conn:
            try:
                found = conn.execute("PRAGMA quick_check").fetchall() != [("ok",)]
            except sqlite3.DatabaseError:
                found = True
        if found:
            db.write_bytes(damaged)
            return
    raise AssertionError("no page whose damage SQLite would notice")


def toasts(screen: str) -> str:
    """The text of the notices on the screen, their lines joined."""
    parts = (line.split("▌", 1)[1].strip(" │╯─") for line in screen.splitlines() if "▌" in line)
    return " ".join(part for part in parts if part)


def prompt(screen: str) -> bool:
    return screen.rstrip().endswith("$")


@pytest.mark.skipif(shutil.which("pgrep") is None, reason="needs pgrep")
def test_damaged_library_and_its_wal_are_left_byte_for_byte(
    terminal: Terminal,  # noqa: F811
    tmp_path: Path,
) -> None:
    posts = tmp_path / "posts"
    write_posts(posts)
    data = tmp_path / "data"  # the terminal's TUI_READER_DATA_DIR
    db = data / "library.sqlite3"
    wal = data / "library.sqlite3-wal"
    command = shlex.join([sys.executable, "-m", "tui_reader", str(posts)])
    fill_library(db)

    terminal.wait_for(prompt, "the shell prompt")
    terminal.send(command, "Enter")
    terminal.wait_for(
        lambda s: f"{POSTS} of {POSTS}" in s and "measuring" not in s and "min" in s,
        "the whole list, measured (its scan saved)",
    )
    terminal.send("s", "j", "s")  # star two posts: written at once
    terminal.wait_for(lambda s: s.count("★") == 2, "two stars")
    pid = reader_pid(terminal)
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 20
    while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    # The killed reader left the terminal in its alternate screen: back to the shell's.
    # Its raw mode turns Enter into a bare CR the shell does not take: C-j is a newline.
    terminal.send("stty sane; printf '\\033[?1049l'; clear", "C-j")
    terminal.wait_for(prompt, "the shell prompt after the kill")
    assert wal.exists() and wal.stat().st_size > 0  # what the kill left behind

    damage_a_page(db, wal)
    before = digests(db, wal)

    terminal.send("clear; " + command + "; echo tui-reader-exited-$?", "Enter")
    said = terminal.wait_for(lambda s: "damaged" in s, "the reader to say the library is damaged")
    assert ".recover" in said  # how to get back what it holds
    terminal.send("q")
    after = terminal.wait_for(lambda s: "tui-reader-exited-0" in s, "the reader to quit")
    assert "Traceback" not in after

    assert wal.exists(), "the write-ahead log was deleted"
    assert digests(db, wal) == before


LEAVE_A_LOG = """
import os, sys
from pathlib import Path
from tui_reader.core.store import Store
Store(Path(sys.argv[1])).set_starred("kept", True)
os._exit(0)  # as a kill would: no close, the log stays
"""


def test_a_library_found_damaged_at_opening_is_closed_leaving_every_byte(
    tmp_path: Path,
) -> None:
    """The commands that check the library as they open it (list, refresh) find the
    damage on their own connection; closing it must not checkpoint the log into the file."""
    from tui_reader.core.store import Store, StoreDamaged

    db = tmp_path / "library.sqlite3"
    wal = tmp_path / "library.sqlite3-wal"
    fill_library(db)
    subprocess.run([sys.executable, "-c", LEAVE_A_LOG, str(db)], check=True)
    assert wal.exists() and wal.stat().st_size > 0
    damage_a_page(db, wal)
    before = digests(db, wal)
    with pytest.raises(StoreDamaged):
        Store(db)
    assert wal.exists(), "the write-ahead log was deleted"
    assert digests(db, wal) == before


# Root ignores file modes: the reader runs without the capabilities that let it.
CAPABILITIES = "cap_dac_override,cap_dac_read_search,cap_fowner"


def as_plain_user(command: list[str]) -> list[str]:
    """``command`` run so that file modes apply to it."""
    if os.geteuid() != 0:
        return command
    if shutil.which("capsh") is None:
        pytest.skip("running as root without capsh: file modes cannot be made to apply")
    return ["capsh", f"--drop={CAPABILITIES}", "--", "-c", shlex.join(command)]


def test_library_in_a_read_only_folder_still_shows_what_it_holds(
    terminal: Terminal,  # noqa: F811
    tmp_path: Path,
) -> None:
    from tui_reader.core.local.posts import article_key
    from tui_reader.core.paths import database_file
    from tui_reader.core.store import Store

    posts = tmp_path / "posts"
    posts.mkdir()
    for name in ("alpha", "beta", "gamma"):
        (posts / f"{name}.md").write_text(f"---\ntitle: {name.title()}\n---\nText of {name}.\n")
    config = tmp_path / "config"  # the terminal's TUI_READER_CONFIG_DIR
    config.mkdir()
    (config / "config.toml").write_text(
        '[[feeds]]\nurl = "http://127.0.0.1:9/a.xml"\n\n[[feeds]]\nurl = "http://127.0.0.1:9/b.xml"\n'
    )
    db = database_file()
    assert db.parent == tmp_path / "data"
    with Store(db) as store:  # a session before: Alpha starred, Beta read
        store.set_starred(article_key(posts, posts / "alpha.md"), True)
        store.set_read(article_key(posts, posts / "beta.md"), True)
    before = digests(db)
    db.parent.chmod(0o555)
    try:
        probe = subprocess.run(as_plain_user(["touch", str(db.parent / "probe")]), check=False)
        if probe.returncode == 0:
            pytest.skip("file modes do not apply here (the folder could be written to)")

        terminal.wait_for(prompt, "the shell prompt")
        reader = as_plain_user([sys.executable, "-m", "tui_reader", str(posts)])
        terminal.send(shlex.join(reader) + "; echo tui-reader-exited-$?", "Enter")
        screen = terminal.wait_for(
            lambda s: "Gamma" in s and "read-only" in s, "the list and the notice"
        )
        rows = {
            title: line.split("│")[1][0]
            for line in screen.splitlines()
            for title in ("Alpha", "Beta", "Gamma")
            if f"{title} " in line and "│" in line
        }
        assert rows == {"Alpha": "★", "Beta": " ", "Gamma": "•"}  # starred, read, unread
        assert "opened read-only: what it holds is shown" in toasts(screen)
        terminal.send("q")
        after = terminal.wait_for(lambda s: "tui-reader-exited-0" in s, "the reader to quit")
        assert "Traceback" not in after

        refresh = subprocess.run(
            as_plain_user([sys.executable, "-m", "tui_reader", "refresh"]),
            capture_output=True,
            text=True,
            check=False,
        )
        assert refresh.returncode == 1
        # Feeds cannot be refreshed into it: said in one line, not once per feed.
        assert refresh.stderr.count("cannot be written to") == 1, refresh.stderr  # once
    finally:
        db.parent.chmod(0o700)
    assert sorted(p.name for p in db.parent.iterdir()) == ["library.sqlite3"]
    assert digests(db) == before


def test_a_problem_and_what_it_means_are_two_sentences() -> None:
    from tui_reader.core.store import not_saved_notice

    assert not_saved_notice("library.sqlite3: opening the library: the database is read-only") == (
        "library.sqlite3: opening the library: the database is read-only. "
        "Reading state will not be saved in this session."
    )
    assert not_saved_notice("x: damaged. Move it away.") == (
        "x: damaged. Move it away. Reading state will not be saved in this session."
    )


async def test_a_save_and_its_error_record_failing_alike_are_said_once(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    from feed_samples import rss_with_items

    from tui_reader.core.feeds.fetch import make_client
    from tui_reader.core.feeds.refresh import refresh_all
    from tui_reader.core.limits import Limits
    from tui_reader.core.sources import FeedConfig
    from tui_reader.core.store import Store

    item = "<title>Post</title><guid>p1</guid><description>words</description>"
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss_with_items(item), content_type="application/rss+xml"
    )
    url = httpserver.url_for("/feed.xml")
    with Store(tmp_path / "library.sqlite3") as store:
        for trigger in ("INSERT ON feeds", "UPDATE ON feeds"):  # every save of the feed
            store._conn.execute(  # type: ignore[union-attr]
                f"CREATE TRIGGER no_{trigger.split()[0]} BEFORE {trigger}"
                " BEGIN SELECT RAISE(ABORT, 'disk says no'); END"
            )
        async with make_client(Limits()) as client:
            (outcome,) = await refresh_all(client, store, [FeedConfig(url)])
    assert outcome.status == "failed"
    assert outcome.message.startswith("could not save:")
    assert outcome.message.count("disk says no") == 1, outcome.message
