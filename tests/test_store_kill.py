"""kill -9 in the middle of writing loses nothing already committed (THREATS.md row 18).

A real child process opens the library and loops: reading positions, read flags and
big feed refreshes. After each commit returns it appends what it committed to a
marker file and fsyncs it, so the marker is a lower bound on what the database must
hold. The parent SIGKILLs the child mid-loop, reopens the library and checks every
recorded write, then does it again on the same file (recovery after recovery).
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tui_reader.core.store import Store

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")

CHILD = r"""
import os, sys
from pathlib import Path
from tui_reader.core.article import Article
from tui_reader.core.store import Store

db, marker, round_ = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
store = Store(db)
fd = os.open(marker, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)

def committed(line):
    os.write(fd, (line + "\n").encode())
    os.fsync(fd)

i = 0
while True:
    key = f"local:/kill::{round_}-{i}.md"
    position = (i % 997) / 997
    store.save_position(key, position)
    committed(f"pos {key} {position!r}")
    if i % 3 == 0:
        store.set_read(key, True)
        committed(f"read {key}")
    if i % 25 == 0:
        # A big refresh: one transaction of 300 entries with sizeable bodies.
        url = f"https://kill.example/{round_}/{i}"
        items = [
            Article(key=f"feed:{url}::{j}", title=f"Entry {j}", kind="feed",
                    body=("paragraph %d " % j) * 400)
            for j in range(300)
        ]
        store.save_feed(url, title="Kill", articles=items, etag=str(i), last_modified=None)
        committed(f"feed {url} 300")
    i += 1
"""


def _lines(marker: Path) -> list[str]:
    if not marker.exists():
        return []
    text = marker.read_text()
    # A line cut off by the kill was never confirmed: keep only complete ones.
    return text.split("\n")[:-1]


def _run_and_kill(db: Path, marker: Path, round_: int, rng: random.Random) -> list[str]:
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(db), str(marker), str(round_)],
        cwd=ROOT,
        stderr=subprocess.PIPE,
    )
    target = rng.randint(30, 150)
    deadline = time.monotonic() + 60
    try:
        while len(_lines(marker)) < target:
            if child.poll() is not None:
                _, err = child.communicate()
                pytest.fail(f"writer exited early ({child.returncode}): {err.decode()[-2000:]}")
            if time.monotonic() > deadline:
                pytest.fail("writer made no progress")
            time.sleep(0.005)
        # Land at a random point in the loop, likely inside a transaction.
        time.sleep(rng.uniform(0, 0.05))
        os.kill(child.pid, signal.SIGKILL)
    finally:
        if child.poll() is None:
            os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
        if child.stderr is not None:
            child.stderr.close()
    assert child.returncode == -signal.SIGKILL
    return _lines(marker)


def _check(db: Path, lines: list[str]) -> int:
    with Store(db) as store:
        states = store.states()
        counts = store.entry_counts()
        for line in lines:
            kind, name, *value = line.split(" ")
            if kind == "pos":
                assert name in states, f"lost {line}"
                assert states[name].position == float(value[0]), line
                assert states[name].progress >= float(value[0]), line
            elif kind == "read":
                assert states[name].read, f"lost {line}"
            elif kind == "feed":
                assert counts.get(name) == int(value[0]), f"lost {line}"
                record = store.get_feed(name)
                assert record is not None and record.last_updated is not None
            else:
                pytest.fail(f"bad marker line {line!r}")
        # A refresh is one transaction: a feed the kill interrupted has all its
        # entries or none, never a part.
        assert set(counts.values()) <= {300}, counts
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        conn.close()
    return len(lines)


def test_sigkill_mid_write_loses_nothing_committed(tmp_path: Path) -> None:
    db = tmp_path / "library.sqlite3"
    rng = random.Random(1234)
    checked = 0
    for round_ in range(5):
        marker = tmp_path / f"marker-{round_}.txt"
        lines = _run_and_kill(db, marker, round_, rng)
        assert lines, "the writer committed nothing before the kill"
        checked += _check(db, lines)
        # Earlier rounds' writes are still there after later kills.
        for earlier in range(round_):
            _check(db, _lines(tmp_path / f"marker-{earlier}.txt"))
    assert checked > 100
