"""No process outlives tui-reader: after ``kill -9`` of a refresh, every process it started
(multiprocessing's resource tracker and forkserver, the parse workers) ends within a
second, and a pipe reading its output sees the end.

The real command runs in a session of its own against a real HTTP server on 127.0.0.1:
some feeds answer at once (so the parse workers start and work), others not until the
test ends (so the refresh is still going when it is killed). Linux only: the helpers
are found in /proc, by ancestry and by session.
"""

from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from feed_samples import rss_with_items
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux") or (os.cpu_count() or 1) < 2,
    reason="needs /proc, and two cores for the refresh to start worker processes",
)

FAST = 3  # feeds answered at once: their parsing starts the workers
SLOW = 4  # feeds that keep the refresh going until the test ends


def _stat(pid: int) -> list[str] | None:
    """The fields of /proc/<pid>/stat after the command name; None when it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text.rsplit(")", 1)[1].split()


def _alive(pid: int, started: str) -> bool:
    """The same process (same start time) still exists and is not a zombie."""
    fields = _stat(pid)
    return fields is not None and fields[19] == started and fields[0] != "Z"


def _family(leader: int) -> dict[int, str]:
    """Every process descended from ``leader`` or in its session, with its start time
    (so a pid reused later is not mistaken for it); the leader itself left out."""
    found: dict[int, str] = {}
    todo = [leader]
    while todo:
        pid = todo.pop()
        for task in Path(f"/proc/{pid}/task").glob("*"):
            try:
                children = (task / "children").read_text().split()
            except OSError:
                continue
            todo.extend(int(child) for child in children)
            for child in children:
                fields = _stat(int(child))
                if fields is not None:
                    found[int(child)] = fields[19]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != leader:
            fields = _stat(int(entry.name))
            if fields is not None and leader in (int(fields[2]), int(fields[3])):
                found[int(entry.name)] = fields[19]
    return found


def _command(pid: int) -> str:
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return ""
    return command.replace(b"\0", b" ").decode(errors="replace")


def _wait_for_helpers(leader: int, what: str, output: list[bytes] | None = None) -> dict[int, str]:
    """The leader's helpers, once the resource tracker, the forkserver and a worker (a
    fork of the forkserver, so with the same command line) are all running."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        family = {p: s for p, s in _family(leader).items() if _alive(p, s)}
        commands = [_command(pid) for pid in family]
        trackers = sum("resource_tracker" in c for c in commands)
        forkservers = sum("forkserver" in c for c in commands)
        if trackers and forkservers >= 2:
            return family
        time.sleep(0.05)
    shown = b"".join(output or [])[-2000:].decode(errors="replace")
    pytest.fail(f"{what} never started its worker processes: {shown}")


def _left_after_kill(leader: subprocess.Popen, family: dict[int, str]) -> list[str]:
    """Kill the leader with SIGKILL; its helpers still alive a second later: those seen
    before, and any still in its session (a worker started since)."""
    leader.send_signal(signal.SIGKILL)
    leader.wait()
    deadline = time.monotonic() + 1.0
    while True:
        family.update(_family(leader.pid))
        left = [pid for pid in family if _alive(pid, family[pid])]
        if not left or time.monotonic() > deadline:
            break
        time.sleep(0.02)
    return [f"{pid}: {_command(pid).strip()[:120]}" for pid in left]


@pytest.fixture
def feeds_server() -> Iterator[list[str]]:
    """URLs of FAST feeds that answer at once, then SLOW that answer when the test ends."""
    release = threading.Event()
    server = HTTPServer(threaded=True)
    server.start()

    def slow(request: Request) -> Response:
        release.wait(60)
        return Response(rss_with_items(), content_type="application/rss+xml")

    urls = []
    for n in range(FAST):
        item = f"<title>Post {n}</title><guid>p{n}</guid>"
        server.expect_request(f"/fast{n}.xml").respond_with_data(
            rss_with_items(item), content_type="application/rss+xml"
        )
        urls.append(server.url_for(f"/fast{n}.xml"))
    for n in range(SLOW):
        server.expect_request(f"/slow{n}.xml").respond_with_handler(slow)
        urls.append(server.url_for(f"/slow{n}.xml"))
    try:
        yield urls
    finally:
        release.set()
        server.clear()
        if server.is_running():
            server.stop()


def _configure(tmp_path: Path, urls: list[str]) -> dict[str, str]:
    config = tmp_path / "config"
    config.mkdir()
    feeds = "".join(f'[[feeds]]\nurl = "{url}"\n\n' for url in urls)
    (config / "config.toml").write_text(feeds, encoding="utf-8")
    env = dict(os.environ)
    env["TUI_READER_CONFIG_DIR"] = str(config)
    env["TUI_READER_DATA_DIR"] = str(tmp_path / "data")
    return env


def _end_all(family: dict[int, str]) -> None:
    """Kill what the test started and is still alive, so a failure leaves nothing behind."""
    for pid, started in family.items():
        if _alive(pid, started):
            os.kill(pid, signal.SIGKILL)


def _drain(fd: int, seconds: float) -> bytes | None:
    """What can be read from ``fd`` until its end (returned), or None when it has not
    ended within ``seconds``."""
    data = b""
    deadline = time.monotonic() + seconds
    while (remaining := deadline - time.monotonic()) > 0:
        if not select.select([fd], [], [], remaining)[0]:
            break
        chunk = os.read(fd, 65536)
        if not chunk:
            return data
        data += chunk
    return None


def test_refresh_killed_leaves_no_process_and_its_pipe_ends(
    tmp_path: Path, feeds_server: list[str]
) -> None:
    env = _configure(tmp_path, feeds_server)
    refresh = subprocess.Popen(
        [sys.executable, "-m", "tui_reader", "refresh"],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    assert refresh.stdout is not None
    family: dict[int, str] = {}
    try:
        out = b""
        while out.count(b"\n") < FAST:  # every fast feed parsed and saved
            chunk = os.read(refresh.stdout.fileno(), 65536)
            assert chunk, f"refresh ended early: {out.decode(errors='replace')}"
            out += chunk
        family.update(_wait_for_helpers(refresh.pid, "the refresh"))
        left = _left_after_kill(refresh, family)
        assert not left, f"alive a second after the refresh was killed: {left}"
        assert _drain(refresh.stdout.fileno(), 1.0) is not None, "the output pipe never ends"
    finally:
        if refresh.poll() is None:
            refresh.kill()
            refresh.wait()
        _end_all(family)
        refresh.stdout.close()


def test_reader_killed_during_a_refresh_leaves_no_process(
    tmp_path: Path, feeds_server: list[str]
) -> None:
    # The reader fetches feeds it never fetched as it starts: the same refresh.
    env = _configure(tmp_path, feeds_server)
    env["TERM"] = "xterm-256color"
    env.pop("NO_COLOR", None)
    master, slave = pty.openpty()
    reader = subprocess.Popen(
        [sys.executable, "-m", "tui_reader"],
        env=env,
        stdin=slave,
        stdout=slave,
        stderr=slave,
        start_new_session=True,
    )
    os.close(slave)
    stop = threading.Event()
    screen: list[bytes] = []

    def drain() -> None:  # the terminal's side: read what the reader draws
        while not stop.is_set():
            try:
                if select.select([master], [], [], 0.1)[0]:
                    screen.append(os.read(master, 65536))
                    if not screen[-1]:
                        return
            except OSError:
                return

    drainer = threading.Thread(target=drain, daemon=True)
    drainer.start()
    family: dict[int, str] = {}
    try:
        family.update(_wait_for_helpers(reader.pid, "the reader", screen))
        left = _left_after_kill(reader, family)
        assert not left, f"alive a second after the reader was killed: {left}"
    finally:
        if reader.poll() is None:
            reader.kill()
            reader.wait()
        _end_all(family)
        stop.set()
        drainer.join(5)
        os.close(master)
