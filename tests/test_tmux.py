"""The real program in a real terminal: tmux runs it, sends keys and reads the screen.

This is the one test that goes through a real pty, terminal size detection, key decoding
and the alternate screen, so it catches what Pilot cannot (a crash at start-up, a key that
never arrives, an app that does not exit on ``q``).
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from tmux_env import terminal_env

pytestmark = pytest.mark.skipif(
    shutil.which("tmux") is None, reason="tmux is not installed (CI installs it)"
)

WAIT = 20.0  # seconds; a bound on waiting, never an assertion about speed
GUIDE_TITLE = "A Field Guide to Reading in the Terminal"


class Terminal:
    """One tmux session on a private socket, so no other session is ever touched."""

    def __init__(self, socket: str, session: str) -> None:
        self.socket = socket
        self.session = session

    def tmux(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["tmux", "-L", self.socket, *args],
            capture_output=True,
            text=True,
            check=check,
            timeout=10,
        )

    def send(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", self.session, *keys)

    def screen(self) -> str:
        result = self.tmux("capture-pane", "-p", "-t", self.session, check=False)
        return result.stdout if result.returncode == 0 else ""

    def alive(self) -> bool:
        return self.tmux("has-session", "-t", self.session, check=False).returncode == 0

    def wait_for(self, condition: Callable[[str], bool], what: str) -> str:
        deadline = time.monotonic() + WAIT
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if condition(screen):
                return screen
            time.sleep(0.2)
        raise AssertionError(f"waited {WAIT:.0f} s for {what}; the screen shows:\n{screen}")


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    name = f"tui-reader-test-{uuid.uuid4().hex[:10]}"
    term = Terminal(socket=name, session=name)
    # A plain shell with no user rc files, so the prompt is predictable: "$ ".
    env = terminal_env(tmp_path, PS1="$ ")
    settings = ["-f", "/dev/null"]  # no user tmux.conf
    command = ["env", "-i", *(f"{k}={v}" for k, v in env.items()), "sh"]
    try:
        subprocess.run(
            [
                "tmux",
                "-L",
                name,
                *settings,
                "new-session",
                "-d",
                "-s",
                name,
                "-x",
                "120",
                "-y",
                "35",
                "-c",
                str(tmp_path),
                *command,
            ],
            check=True,
            capture_output=True,
            text=True,
            timeout=10,
        )
        yield term
    finally:
        term.tmux("kill-session", "-t", name, check=False)
        term.tmux("kill-server", check=False)
        # tmux leaves its socket file behind; it is ours alone, so remove it.
        folder = Path(os.environ.get("TMUX_TMPDIR", "/tmp")) / f"tmux-{os.getuid()}"
        (folder / name).unlink(missing_ok=True)


def test_real_terminal_lists_opens_and_quits(terminal: Terminal, sample_content: Path) -> None:
    terminal.wait_for(lambda s: s.rstrip().endswith("$"), "the shell prompt")
    command = shlex.join([sys.executable, "-m", "tui_reader", str(sample_content)])
    terminal.send(command + "; echo tui-reader-exited-$?", "Enter")

    listing = terminal.wait_for(
        lambda s: GUIDE_TITLE in s and "min" in s and "Keyboard-first" in s,
        "the article list",
    )
    assert "Traceback" not in listing
    lines = listing.splitlines()
    rows = [line for line in lines if " min" in line and "20" in line]
    assert len(rows) >= 10

    # The first row is highlighted; j moves to the second, Enter opens it.
    terminal.send("j")
    terminal.send("Enter")
    reading = terminal.wait_for(lambda s: "min read" in s, "the article header")
    header = next(line for line in reading.splitlines() if "min read" in line)
    assert header
    # The second row of the list (newest first) is now the article being read: its title
    # is shown above the "min read" line of the header.
    second_title = rows[1].split("  ")[0].strip(" │•★").strip()
    assert second_title
    assert second_title[:15] in reading

    terminal.send("q")
    after = terminal.wait_for(
        lambda s: "tui-reader-exited-0" in s or not terminal.alive(), "the program to exit"
    )
    assert "Traceback" not in after
    assert "tui-reader-exited-0" in after


def test_letters_typed_with_the_slash_in_one_burst_reach_the_filter(
    terminal: Terminal, sample_content: Path
) -> None:
    # A fast typist's "/rust" arrives as one read: the letters must land in the filter
    # field (they used to reach the list, where "s" stars and "t" opens the tag picker).
    terminal.wait_for(lambda s: s.rstrip().endswith("$"), "the shell prompt")
    command = shlex.join([sys.executable, "-m", "tui_reader", str(sample_content)])
    terminal.send(command, "Enter")
    terminal.wait_for(lambda s: GUIDE_TITLE in s, "the article list")
    terminal.send("-l", "/rust")
    screen = terminal.wait_for(lambda s: "filter: rust" in s, "the filter bar to show the text")
    assert "★" not in screen and "Tags — space chooses" not in screen
    assert "Small Rust Tools" in screen
    terminal.send("Escape")  # clears the filter and leaves the field
    terminal.wait_for(lambda s: "all articles" in s, "the filter to clear")
    time.sleep(0.3)  # a lone Escape, not Alt+q, to the terminal
    terminal.send("q")
    terminal.wait_for(lambda s: s.rstrip().endswith("$"), "the shell prompt after quitting")


def _start(terminal: Terminal, source: Path) -> None:
    command = shlex.join([sys.executable, "-m", "tui_reader", str(source)])
    terminal.send(command, "Enter")


def _quit(terminal: Terminal) -> None:
    terminal.send("q")
    terminal.wait_for(lambda s: s.rstrip().endswith("$"), "the shell prompt after quitting")


def _boxes_on_top_line(screen: str) -> int:
    """How many panes the top line of the screen shows (each pane is a rounded box)."""
    return screen.splitlines()[0].count("╭") if screen else 0


def test_after_a_storm_of_resizes_the_layout_is_the_last_sizes(
    terminal: Terminal, sample_content: Path
) -> None:
    terminal.wait_for(lambda s: s.rstrip().endswith("$"), "the shell prompt")
    terminal.tmux("resize-window", "-t", terminal.session, "-x", "160", "-y", "48")
    _start(terminal, sample_content)
    terminal.wait_for(lambda s: GUIDE_TITLE in s, "the article list")
    terminal.send("Enter")
    terminal.wait_for(
        lambda s: "min read" in s and _boxes_on_top_line(s) == 2, "the list and the article"
    )
    for last, other in (((80, 24), (160, 48)), ((160, 48), (80, 24))):
        for number in range(20):
            width, height = last if number % 2 else other
            terminal.tmux(
                "resize-window", "-t", terminal.session, "-x", str(width), "-y", str(height)
            )
        panes = 1 if last[0] < 100 else 2
        screen = terminal.wait_for(
            lambda s, panes=panes, last=last: (
                "min read" in s
                and len(s.splitlines()[0]) == last[0]
                and _boxes_on_top_line(s) == panes
            ),
            f"the layout of {last[0]}x{last[1]}: {panes} pane(s)",
        )
        assert "Traceback" not in screen
        if panes == 1:  # the article has the whole width; the list is not shown
            assert "Title" not in screen.splitlines()[1]
    _quit(terminal)


def _write_library(folder: Path, count: int) -> str:
    """``count`` posts, one a day; the newest is the last file, in the last scan batch."""
    folder.mkdir()
    for number in range(count):
        day = date(2015, 1, 1) + timedelta(days=number)
        (folder / f"post-{number:05}.md").write_text(
            f"---\ntitle: Generated post {number:05}\ndate: {day.isoformat()}\n---\n\n"
            + "Some words to read. " * 20,
            encoding="utf-8",
        )
    return f"Generated post {count - 1:05}"


def _first_row(screen: str) -> str:
    """The list's first row: the line under its header."""
    lines = screen.splitlines()
    header = [n for n, line in enumerate(lines[:-1]) if "Title" in line and "Date" in line]
    return lines[header[0] + 1] if header else ""


def test_every_later_start_shows_the_newest_post_on_the_first_row(
    terminal: Terminal, tmp_path: Path
) -> None:
    # Ten snapshot batches: with three (3,000 posts) they reached the reader together
    # and the fault never showed; with ten it did, on the code before the fix.
    count = 10_000
    newest = _write_library(tmp_path / "posts", count)
    terminal.wait_for(lambda s: s.rstrip().endswith("$"), "the shell prompt")
    for _start_number in range(21):  # a first start, then 20 later starts (snapshots)
        _start(terminal, tmp_path / "posts")
        screen = terminal.wait_for(
            lambda s: (
                f"{count} of {count}" in s
                and "measuring" not in s
                and "Generated post" in _first_row(s)
            ),
            "the whole list",
        )
        assert newest in _first_row(screen), screen
        _quit(terminal)


def test_reader_opens_on_the_sources_it_can_read_and_names_the_missing_one(
    terminal: Terminal, sample_content: Path
) -> None:
    terminal.wait_for(lambda s: s.rstrip().endswith("$"), "the shell prompt")
    command = shlex.join([sys.executable, "-m", "tui_reader", str(sample_content), "gone-folder"])
    terminal.send(command + "; echo tui-reader-exited-$?", "Enter")
    screen = terminal.wait_for(
        lambda s: GUIDE_TITLE in s and "gone-folder" in s, "the list and the missing source"
    )
    assert "no such file or folder" in " ".join(screen.split())
    _quit(terminal)
    assert "tui-reader-exited-0" in terminal.screen()


def test_one_markdown_file_opens_straight_into_its_article(
    terminal: Terminal, tmp_path: Path
) -> None:
    post = tmp_path / "post.md"
    post.write_text("---\ntitle: Only Post\n---\nThe single body line.\n", "utf-8")
    terminal.wait_for(lambda s: s.rstrip().endswith("$"), "the shell prompt")
    _start(terminal, post)
    reading = terminal.wait_for(
        lambda s: "min read" in s and "The single body line." in s, "the article itself"
    )
    assert "Traceback" not in reading
    # The footer shows the reading pane's keys once the focus has moved there, which may
    # be a frame after the text is drawn.
    terminal.wait_for(lambda s: "⏎ Open" not in s, "the reading pane's keys in the footer")
    terminal.send("Escape")
    # At 120 columns the panes take turns: Esc shows the list, and it has the keys.
    listing = terminal.wait_for(lambda s: "⏎ Open" in s, "the list's keys in the footer")
    assert "Only Post" in listing and "1 of 1" in listing
    time.sleep(0.3)  # a lone Escape, not Alt+q, to the terminal
    _quit(terminal)


def test_a_wide_terminal_reads_at_a_measure_and_z_gives_the_article_the_screen(
    terminal: Terminal, tmp_path: Path
) -> None:
    sentence = "A sentence of exactly seventy-two characters sits on one line, unbroken."
    folder = tmp_path / "posts"
    folder.mkdir()
    (folder / "a.md").write_text(
        f"---\ntitle: Measured\ndate: 2024-02-01\n---\n{sentence}\n", "utf-8"
    )
    (folder / "b.md").write_text("---\ntitle: Another\ndate: 2024-01-01\n---\nText.\n", "utf-8")
    terminal.wait_for(lambda s: s.rstrip().endswith("$"), "the shell prompt")
    terminal.tmux("resize-window", "-t", terminal.session, "-x", "160", "-y", "48")
    _start(terminal, folder)
    terminal.wait_for(lambda s: "Measured" in s and "Another" in s, "the article list")
    terminal.send("Enter")  # the newest, on the first row
    # The sentence whole on one line (wrapped, it would never show), in the article's box
    # beside the list's.
    screen = terminal.wait_for(
        lambda s: sentence in s and _boxes_on_top_line(s) == 2, "the sentence beside the list"
    )
    (line,) = [row for row in screen.splitlines() if sentence in row]
    assert line.count("│") == 4
    terminal.send("z")
    terminal.wait_for(lambda s: _boxes_on_top_line(s) == 1 and sentence in s, "focus mode")
    terminal.send("Escape")
    terminal.wait_for(lambda s: "Another" in s and "min read" not in s, "the list alone")
    time.sleep(0.3)  # a lone Escape, not Alt+q, to the terminal


def test_a_local_png_is_drawn_as_coloured_half_blocks(terminal: Terminal, tmp_path: Path) -> None:
    from PIL import Image

    folder = tmp_path / "bundle"
    folder.mkdir()
    picture = Image.new("RGB", (40, 20), (220, 20, 20))
    picture.paste((20, 40, 220), (0, 10, 40, 20))
    picture.save(folder / "flag.png")
    (folder / "index.md").write_text(
        "---\ntitle: Flag Post\n---\nAbove.\n\n![Red over blue](flag.png)\n\nBelow.\n", "utf-8"
    )
    terminal.wait_for(lambda s: s.rstrip().endswith("$"), "the shell prompt")
    _start(terminal, folder / "index.md")
    terminal.wait_for(lambda s: "Red over blue" in s and "▀" in s, "the picture and its caption")
    coloured = terminal.tmux("capture-pane", "-p", "-e", "-t", terminal.session).stdout
    lines = [line for line in coloured.split("\n") if "▀" in line]
    assert len(lines) == 10  # 20 pixel rows, two to a line
    # Red cells on the top lines, blue on the bottom ones, as colour escapes from tmux.
    assert lines[0].count("▀") == 40 and lines[-1].count("▀") == 40
    red = ("\x1b[38;5;160m\x1b[48;5;160m▀", "38;2;220;20;20")  # 256 colours or true colour
    blue = ("\x1b[38;5;20m\x1b[48;5;20m▀", "38;2;20;40;220")
    assert any(code in lines[0] for code in red), repr(lines[0])
    assert any(code in lines[-1] for code in blue), repr(lines[-1])
    _quit(terminal)
