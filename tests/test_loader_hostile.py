"""Feed-file discovery in a scanned folder must never block on a FIFO (THREATS.md row 9).

``loader._looks_like_feed`` once checked ``os.stat`` and then called a blocking ``open()``:
a FIFO swapped in between the two blocked the scan thread until some writer appeared. It
now opens with ``O_NONBLOCK`` and checks ``fstat``, as ``textio.read_text_file`` does.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from tests.fifo_race import stat_lying_about
from tui_reader.core.local import scan as loader

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")


def test_a_fifo_named_like_a_feed_is_not_a_feed(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "feed.xml")
    found: list[object] = []
    worker = threading.Thread(
        target=lambda: found.append(loader.discover_feeds([str(tmp_path)])), daemon=True
    )
    worker.start()
    worker.join(5)
    assert not worker.is_alive() and found == [[]]


def test_a_fifo_swapped_in_after_the_check_does_not_block_discovery(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fifo = tmp_path / "race.xml"
    os.mkfifo(fifo)

    monkeypatch.setattr(loader.os, "stat", stat_lying_about(fifo))
    found: list[object] = []
    worker = threading.Thread(
        target=lambda: found.append(loader.discover_feeds([str(tmp_path)])), daemon=True
    )
    worker.start()
    worker.join(1)
    blocked = worker.is_alive()
    if blocked:
        # Release it: a writer that opens and closes the FIFO ends the read with EOF.
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        worker.join(5)
    assert not blocked
    assert found == [[]]
