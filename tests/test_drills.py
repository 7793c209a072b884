"""Reliability drills, run the way a careful user's bad day goes: the real ``tui-reader``
in a real terminal (tmux), on a real library file.

- Two instances open at once each star an article: both stars survive both quits.
- A full disk (a small tmpfs, so only as root): the reader says so on screen, keeps
  working, and leaves a library that passes ``integrity_check`` with what was saved
  before still there.
- SIGHUP while reading (the terminal window closed): the position is saved and the
  library is whole.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from tmux_env import terminal_env

from tui_reader.core.local.posts import article_key
from tui_reader.core.store import Store

pytestmark = pytest.mark.skipif(
    shutil.which("tmux") is None, reason="tmux is not installed (CI installs it)"
)

WAIT = 20.0  # seconds; a bound on waiting, never an assertion about speed
TITLES = ("Alpha Notes", "Beta Notes", "Gamma Notes")


class Tmux:
    """Sessions on one private tmux server; each session runs one command."""

    def __init__(self, socket: str, env: dict[str, str], cwd: Path) -> None:
        self.socket = socket
        self.env = env
        self.cwd = cwd

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["tmux", "-L", self.socket, "-f", "/dev/null", *args],
            capture_output=True,
            text=True,
            check=check,
            timeout=10,
        )

    def start(self, session: str, command: list[str]) -> None:
        shell = ["env", "-i", *(f"{k}={v}" for k, v in self.env.items()), "sh", "-c"]
        # The pane stays after the command ends, so its last screen can still be read.
        line = shlex.join(command) + "; echo exited-$?; sleep 60"
        self.run(
            "new-session", "-d", "-s", session, "-x", "120", "-y", "35", "-c", str(self.cwd),
            *shell, line,
        )

    def send(self, session: str, *keys: str) -> None:
        self.run("send-keys", "-t", session, *keys)

    def screen(self, session: str) -> str:
        result = self.run("capture-pane", "-p", "-t", session, check=False)
        return result.stdout if result.returncode == 0 else ""

    def pid(self, session: str) -> int:
        """The pid of the shell running in the session's pane."""
        return int(self.run("display-message", "-p", "-t", session, "#{pane_pid}").stdout)

    def wait_for(self, session: str, condition: Callable[[str], bool], what: str) -> str:
        deadline = time.monotonic() + WAIT
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen(session)
            if condition(screen):
                return screen
            time.sleep(0.1)
        raise AssertionError(f"waited {WAIT:.0f} s for {what}; the screen shows:\n{screen}")


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    root = tmp_path / "notes"
    root.mkdir()
    for day, title in enumerate(TITLES, start=1):
        body = "\n\n".join(f"Paragraph {n} of {title.lower()}, plain words." for n in range(200))
        name = title.split()[0].lower()
        (root / f"{name}.md").write_text(
            f"---\ntitle: {title}\ndate: 2024-01-0{day}\n---\n# {title}\n\n{body}\n"
        )
    return root


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def tmux(tmp_path: Path, data: Path) -> Iterator[Tmux]:
    name = f"tui-reader-drill-{uuid.uuid4().hex[:10]}"
    env = terminal_env(tmp_path)
    server = Tmux(name, env, tmp_path)
    try:
        yield server
    finally:
        server.run("kill-server", check=False)
        folder = Path(os.environ.get("TMUX_TMPDIR", "/tmp")) / f"tmux-{os.getuid()}"
        (folder / name).unlink(missing_ok=True)


def reader(notes: Path) -> list[str]:
    return [sys.executable, "-m", "tui_reader", str(notes)]


def listed(screen: str) -> bool:
    return all(title in screen for title in TITLES)


def starred_titles(notes: Path, data: Path, tmp_path: Path) -> set[str]:
    env = {
        **os.environ,
        "TUI_READER_DATA_DIR": str(data),
        "TUI_READER_CONFIG_DIR": str(tmp_path / "config"),
    }
    result = subprocess.run(
        [sys.executable, "-m", "tui_reader", "list", "--starred", "--json", str(notes)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    return {json.loads(line)["title"] for line in result.stdout.splitlines() if line.strip()}


def integrity(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]


def quit_and_wait(tmux: Tmux, session: str) -> str:
    tmux.send(session, "q")
    return tmux.wait_for(session, lambda s: "exited-" in s, "the reader to quit")


def test_two_instances_open_at_once_keep_both_stars(
    tmux: Tmux, notes: Path, data: Path, tmp_path: Path
) -> None:
    tmux.start("one", reader(notes))
    tmux.wait_for("one", listed, "the first instance's list")
    tmux.start("two", reader(notes))
    tmux.wait_for("two", listed, "the second instance's list")

    tmux.send("one", "s")  # the newest: Gamma
    tmux.wait_for("one", lambda s: "★" in s, "the first star")
    tmux.send("two", "j", "s")  # the second: Beta
    tmux.wait_for("two", lambda s: "★" in s, "the second star")

    assert "exited-0" in quit_and_wait(tmux, "one")
    assert "exited-0" in quit_and_wait(tmux, "two")
    assert starred_titles(notes, data, tmp_path) == {"Gamma Notes", "Beta Notes"}
    assert integrity(data / "library.sqlite3") == "ok"


@pytest.fixture
def small_disk(data: Path) -> Iterator[Path]:
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    data.mkdir(parents=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(data)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield data
    finally:
        subprocess.run(["umount", "-l", str(data)], capture_output=True)


def fill(folder: Path) -> Path:
    filler = folder / "filler"
    with open(filler, "wb") as handle:
        try:
            while True:
                handle.write(b"\0" * 65536)
                handle.flush()
                os.fsync(handle.fileno())
        except OSError:
            pass
    return filler


def test_a_full_disk_is_reported_and_leaves_a_whole_library(
    tmux: Tmux, notes: Path, small_disk: Path, tmp_path: Path
) -> None:
    # First a normal session on the small disk: the library is made, one star saved.
    tmux.start("before", reader(notes))
    tmux.wait_for("before", listed, "the list")
    tmux.send("before", "s")
    tmux.wait_for("before", lambda s: "★" in s, "the star")
    assert "exited-0" in quit_and_wait(tmux, "before")

    filler = fill(small_disk)
    tmux.start("full", reader(notes))
    tmux.wait_for("full", listed, "the list on a full disk")
    tmux.send("full", "j", "s")  # star Beta: there is no room to save it
    screen = tmux.wait_for("full", lambda s: "full" in s.lower(), "a message about the disk")
    assert "Traceback" not in screen
    tmux.send("full", "j", "Enter")  # the reader still works: Alpha opens
    tmux.wait_for("full", lambda s: "min read" in s, "the article to open")
    assert "exited-0" in quit_and_wait(tmux, "full")

    filler.unlink()
    db = small_disk / "library.sqlite3"
    assert integrity(db) == "ok"
    assert starred_titles(notes, small_disk, tmp_path) >= {"Gamma Notes"}


def test_sighup_while_reading_saves_the_position(
    tmux: Tmux, notes: Path, data: Path
) -> None:
    tmux.start("reading", reader(notes))
    tmux.wait_for("reading", listed, "the list")
    tmux.send("reading", "Enter")  # the newest: Gamma
    tmux.wait_for("reading", lambda s: "min read" in s, "the article")
    tmux.send("reading", "Space", "Space", "Space")
    # Three pages of a 28-line view: paragraphs 30 to 50 or so, as the text wraps or not.
    screen = tmux.wait_for(
        "reading", lambda s: re.search(r"Paragraph [3-5]\d ", s) is not None, "three pages down"
    )
    assert "Paragraph 0 " not in screen

    shell = tmux.pid("reading")
    children = Path(f"/proc/{shell}/task/{shell}/children").read_text().split()
    assert children, "the reader runs under the pane's shell"
    os.kill(int(children[0]), signal.SIGHUP)  # as when the terminal window is closed
    tmux.wait_for("reading", lambda s: "exited-" in s, "the reader to end on SIGHUP")

    db = data / "library.sqlite3"
    assert integrity(db) == "ok"
    store = Store(db)
    try:
        state = store.state(article_key(notes, notes / "gamma.md"))
    finally:
        store.close()
    assert state.position > 0.05
