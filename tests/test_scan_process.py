"""The scan in a child process: what it sends is what a scan in this process finds, it
uses and fills the same scan cache, a child that dies is reported instead of hanging the
list, and the child is reaped when the reader closes.

These start real child interpreters (``python -m tui_reader.core.local.process``).
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from tests.pilot_wait import wait_until
from tui_reader.core.local import process as scan_process
from tui_reader.core.local.events import AllListed, Found, ScanDone, ScanEvent
from tui_reader.core.local.parse import parse_files
from tui_reader.core.local.process import WORKERS_ENV, ScanProcess, start_scan
from tui_reader.core.local.scan import scan_events
from tui_reader.core.store import Store
from tui_reader.ui.app import ReaderApp
from tui_reader.ui.widgets.article_list import ArticleList

FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>Notes</title>
<item><title>A note</title><guid>n1</guid></item></channel></rss>"""


def _folder(root: Path, count: int = 30) -> Path:
    (root / "posts").mkdir(parents=True)
    for i in range(count):
        (root / "posts" / f"p{i:02}.md").write_text(
            f"---\ntitle: Post {i}\ntags: [t{i % 3}]\n---\n\nBody {i} with some words.\n\n## Part\n",
            encoding="utf-8",
        )
    (root / "notes.rss").write_text(FEED, encoding="utf-8")
    return root


def _kinds(events: list[ScanEvent]) -> list[str]:
    return [type(event).__name__ for event in events]


def _complete(events: list[ScanEvent]) -> dict[str, tuple[object, ...]]:
    """The last version of each article: key -> what the list and the reader show."""
    out: dict[str, tuple[object, ...]] = {}
    for event in events:
        if isinstance(event, Found):
            for a in event.articles:
                out[a.key] = (a.title, a.tags, a.words, a.summary, a.pending, a.headings)
    return out


@pytest.fixture(autouse=True, params=["fork", "spawn"])
def how_started(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test here runs with the child forked from this process (as on Linux) and
    with it started as a fresh interpreter (elsewhere, or when the reader has threads)."""
    monkeypatch.setattr(scan_process, "_fork_is_safe", lambda: request.param == "fork")
    return str(request.param)


def test_the_child_sends_what_a_scan_here_finds(tmp_path: Path) -> None:
    folder = _folder(tmp_path / "lib")
    here = list(scan_events([str(folder)], None, quick_first=True))
    child = ScanProcess([str(folder)], None)
    try:
        there = list(child.events())
    finally:
        child.stop()
    assert _complete(there) == _complete(here)
    assert len(_complete(there)) == 30 and not any(v[4] for v in _complete(there).values())
    # Listed once, after the pending articles and before the complete ones; done last.
    kinds = _kinds(there)
    assert kinds.count("AllListed") == 1 and kinds[-1] == "ScanDone"
    listed = kinds.index("AllListed")
    before = [a for e in there[:listed] if isinstance(e, Found) for a in e.articles]
    assert len(before) == 30 and all(a.pending for a in before)
    done = there[-1]
    assert isinstance(done, ScanDone)
    assert [Path(feed.url).name for feed in done.feeds] == ["notes.rss"]


def test_the_child_fills_and_then_uses_the_scan_cache(tmp_path: Path) -> None:
    folder = _folder(tmp_path / "lib")
    database = tmp_path / "data" / "library.sqlite3"
    first = ScanProcess([str(folder)], database)
    first_events = list(first.events())
    first.stop()
    second = ScanProcess([str(folder)], database)
    second_events = list(second.events())
    second.stop()
    # The second start is served from the cache the first one wrote: no pending pass.
    assert not any(a.pending for e in second_events if isinstance(e, Found) for a in e.articles)
    assert _complete(second_events) == _complete(first_events)
    # And the child filled the search index in the same database.
    store = Store(database)
    try:
        assert len(store.search("Body", limit=100)) == 30
    finally:
        store.close()


def test_a_child_that_dies_is_reported_and_the_stream_ends(tmp_path: Path) -> None:
    folder = _folder(tmp_path / "lib")
    child = ScanProcess([str(folder)], None)
    child._child.kill()  # as if the OOM killer took it
    events = list(child.events())
    child.stop()
    assert isinstance(events[-1], ScanDone) and events[-1].feeds == []
    last_batch = events[-2]
    assert isinstance(last_batch, Found)
    (message,) = last_batch.errors
    assert "The scan of local posts stopped" in message and "Restart" in message


def test_a_source_that_is_missing_is_named_by_the_child(tmp_path: Path) -> None:
    child = start_scan([str(tmp_path / "nowhere")], None)
    assert child is not None
    events = list(child.events())
    child.stop()
    errors = [m for e in events if isinstance(e, Found) for m in e.errors]
    assert errors == [f"{tmp_path / 'nowhere'}: no such file or folder"]
    assert isinstance(events[-1], ScanDone) and isinstance(events[-2], AllListed)


async def test_the_reader_lists_what_the_child_scans_and_reaps_it(tmp_path: Path) -> None:
    folder = _folder(tmp_path / "lib")
    database = tmp_path / "data" / "library.sqlite3"
    scan = start_scan([str(folder)], database)
    assert scan is not None
    store = Store(database)
    app = ReaderApp([str(folder)], store=store, scan=scan)
    try:
        async with app.run_test(size=(120, 30)) as pilot:
            await wait_until(pilot, lambda: not app.loading and not app.measuring)
            await app.workers.wait_for_complete()
            await pilot.pause()
            rows = app.query_one(ArticleList).articles
            # The 30 posts from the child, and the feed file it found, read by the app.
            assert sorted(a.title for a in rows if a.kind == "local") == sorted(
                f"Post {i}" for i in range(30)
            )
            assert [a.title for a in rows if a.kind == "feed"] == ["A note"]
            assert all(a.words > 0 for a in rows if a.kind == "local")
            await pilot.press("q")
        # Closing the reader ended and reaped the child.
        assert scan._child.poll() is not None
    finally:
        scan.stop()
        store.close()


@pytest.mark.parametrize("workers", ["0", "2"])
def test_parse_workers_list_and_measure_the_same_articles(
    tmp_path: Path, workers: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A first start parses in worker processes when there are cores for them; what the
    # reader gets must not depend on it: the same articles, listed then complete.
    folder = _folder(tmp_path / "lib", count=2500)  # three chunks of 1,000 and a first 100
    monkeypatch.setenv(WORKERS_ENV, workers)
    child = ScanProcess([str(folder)], tmp_path / "data" / "library.sqlite3")
    try:
        events = list(child.events())
    finally:
        child.stop()
    here = list(scan_events([str(folder)], None, quick_first=True))
    assert _complete(events) == _complete(here)
    listed = _kinds(events).index("AllListed")
    before = [a for e in events[:listed] if isinstance(e, Found) for a in e.articles]
    assert sorted(a.title for a in before) == sorted(f"Post {i}" for i in range(2500))
    assert all(a.pending for a in before)
    # The complete pass filled the search index from the workers' plain text.
    store = Store(tmp_path / "data" / "library.sqlite3")
    try:
        assert len(store.search("Body", limit=5000)) == 2500
    finally:
        store.close()


def _group_gone(pgid: int, seconds: float = 10.0) -> bool:
    """Whether no process is left in the process group (waiting a little for init to
    reap what was killed)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


@pytest.mark.parametrize("how", ["stop", "child-killed"])
def test_no_parse_worker_outlives_the_scan(
    tmp_path: Path, how: str, monkeypatch: pytest.MonkeyPatch, how_started: str
) -> None:
    # Quitting mid-scan (stop) or the scan process dying alone (the OOM killer) must not
    # leave its parse workers behind: they once waited for work forever.
    folder = _folder(tmp_path / "lib", count=3000)
    monkeypatch.setenv(WORKERS_ENV, "2")
    child = ScanProcess([str(folder)], tmp_path / "data" / "library.sqlite3")
    events = child.events()
    next(events)  # the first batch: the workers are running by now
    pgid = child._child.pid
    # Started as the fixture says: a fork runs this very command line, a fresh one not.
    command = Path(f"/proc/{pgid}/cmdline").read_bytes()
    if how_started == "fork":
        assert command == Path("/proc/self/cmdline").read_bytes()
    else:
        assert b"tui_reader.core.local.process" in command
    assert os.getpgid(pgid) == pgid  # in a session and group of its own, either way
    if how == "stop":
        child.stop()
    else:
        child._child.kill()  # the scan process alone, not its group
        child._child.wait()
    assert _group_gone(pgid), "a parse worker outlived the scan process"
    child.stop()


def test_a_pool_that_cannot_start_or_breaks_parses_in_the_scan_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Some sandboxes have no semaphores for a process pool, and a worker can be killed:
    # neither may cost the user a single article.
    import concurrent.futures
    from concurrent.futures.process import BrokenProcessPool

    from tui_reader.core.local.pool import ParsePool, Pending

    folder = _folder(tmp_path / "lib")
    here = list(scan_events([str(folder)], None, quick_first=True))

    def no_pool(*args: object, **kwargs: object) -> None:
        raise OSError("no semaphores here")

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", no_pool)
    pool = ParsePool(2)
    with_pool = list(scan_events([str(folder)], None, quick_first=True, pool=pool))
    assert _complete(with_pool) == _complete(here)

    broken: concurrent.futures.Future[object] = concurrent.futures.Future()
    broken.set_exception(BrokenProcessPool("a worker was killed"))
    files = [str(p) for p in sorted((folder / "posts").glob("*.md"))]
    pending = Pending(parse_files, (files, str(folder), str(folder), False), broken)
    assert [a.title for a, _plain in pending.result()] == [f"Post {i}" for i in range(30)]


def test_a_fork_that_fails_starts_a_fresh_interpreter_and_leaks_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how_started: str
) -> None:
    if how_started != "fork":
        pytest.skip("about the fork")
    folder = _folder(tmp_path / "lib")

    def no_fork() -> int:
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", no_fork)
    open_before = len(os.listdir("/proc/self/fd"))
    child = ScanProcess([str(folder)], None)
    try:
        events = list(child.events())
        assert isinstance(child._child, subprocess.Popen)  # started afresh instead
    finally:
        child.stop()
    assert len(_complete(events)) == 30  # the scan still came, from a spawned child
    assert len(os.listdir("/proc/self/fd")) == open_before  # the pipe made for the fork closed
