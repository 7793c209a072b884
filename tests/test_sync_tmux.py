"""The reader syncs in a real terminal: at start in the background, shows when sync is
failing, and a star given while the server is down survives ``kill -9`` of the reader
and reaches the server with the next ``tui-reader sync``."""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

import tests.test_tmux as real_terminal
from tests.test_sync_ttrss import write_config
from tests.ttrss_server import TtrssServer
from tui_reader.core.paths import database_file
from tui_reader.core.store import Store

pytestmark = real_terminal.pytestmark
terminal = real_terminal.terminal
WAIT = real_terminal.WAIT


def _queued() -> int:
    try:
        with Store(database_file()) as store:
            return store.queue_length()
    except Exception:  # the reader holds a write at that moment: ask again
        return -1


def test_background_sync_failing_line_and_a_star_that_survives_kill_9(
    terminal: real_terminal.Terminal, ttrss: TtrssServer, tmp_path: Path
) -> None:
    feed, seed = ttrss.subscribe(3)
    write_config()
    pid_file = tmp_path / "reader.pid"
    terminal.wait_for(lambda s: s.rstrip().endswith("$"), "the shell prompt")
    reader = shlex.join([sys.executable, "-m", "tui_reader"])
    terminal.send(f"sh -c 'echo $$ > {pid_file}; exec {reader}'", "Enter")

    # No source given: the synced feed is the library, brought in the background.
    terminal.wait_for(
        lambda s: f"Entry 3 of {seed}" in s and f"Entry 1 of {seed}" in s, "the synced articles"
    )
    ttrss.stop_php()
    terminal.send("s")  # star the first row (the newest article)
    terminal.send("R")  # a refresh syncs: the server is down now
    # (The line is read once the "Starred" toast above its end has gone.)
    screen = terminal.wait_for(
        lambda s: "Sync failing" in s and "1 change waiting" in s, "the sync-failing line"
    )
    line = next(row for row in screen.splitlines() if "Sync failing" in row)
    assert "connection refused" in line and "1 change waiting" in line, line
    assert "★" in screen  # the star shows; the reader goes on from its cache
    terminal.send("F")  # the feeds view says it too
    feeds = terminal.wait_for(lambda s: "Feeds (1)" in s, "the feeds view")
    assert f"Sync feed {seed}" in feeds
    note = next(row for row in feeds.splitlines() if "Sync failing" in row and "│" in row)
    assert "connection refused" in note
    terminal.send("Escape")

    deadline = time.monotonic() + WAIT
    while _queued() != 1 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _queued() == 1
    os.kill(int(pid_file.read_text()), signal.SIGKILL)

    ttrss.start_php()
    done = subprocess.run(
        [sys.executable, "-m", "tui_reader", "sync"],
        capture_output=True,
        text=True,
        timeout=300,
        env=os.environ.copy(),
    )
    assert done.returncode == 0, done.stderr
    assert "1 changes sent" in done.stdout
    assert ttrss.headlines(feed)[f"Entry 3 of {seed}"] == (False, True)
