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
