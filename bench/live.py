"""The live library's rows: list keys while 200 feeds refresh, and an idle reader's CPU.

* Keys during a refresh: the reader runs in tmux with 200 feeds configured (their
  entries cached by a ``tui-reader refresh`` first). ``j`` / ``k`` are timed until the
  list's rows change on screen, first idle, then while ``R`` refreshes every feed. The
  server then ignores conditional requests, so every feed is downloaded, parsed and
  saved again, the heaviest refresh there is.
* Idle: the reader with 10 watched folders and the same 200 feeds (default schedule)
  is left alone a minute after its start has settled; its CPU time (``/proc``, utime +
  stime of it and every child) over that minute, as a share of one core.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import corpus
from e2e import Samples, environment
from feedbench import FeedServer
from terminal import Terminal

IDLE_SECONDS = 60.0
TICKS = os.sysconf("SC_CLK_TCK")


def _config(folder: Path, urls: list[str], sources: list[Path], extra: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    quoted = ", ".join(f'"{s}"' for s in sources)
    text = f"sources = [{quoted}]\n{extra}\n" + "".join(
        f'[[feeds]]\nurl = "{url}"\n\n' for url in urls
    )
    (folder / "config.toml").write_text(text, encoding="utf-8")
    return folder


def _list_rows(styled: str) -> list[str]:
    """The screen without its last three lines (refresh progress, toasts' edge, footer):
    the list as the user sees it, cursor included."""
    return styled.splitlines()[:-3]


def _key(term: Terminal, key: str, samples: Samples, name: str) -> None:
    """One key, timed until the list's rows change (the cursor moves)."""
    if name == "key idle":
        term.wait_stable(quiet=0.05)
    else:
        time.sleep(0.05)  # the refresh keeps the screen changing: a pause between keys
    before = _list_rows(term.styled_screen())
    start = time.perf_counter()
    term.send(key)
    while _list_rows(term.styled_screen()) == before:
        if time.perf_counter() - start > 10:
            raise RuntimeError(f"{key} changed nothing on screen")
        time.sleep(0.002)
    samples.add(name, time.perf_counter() - start)


def _cpu_ticks(pid: int) -> int:
    """utime + stime of a process and all its descendants, in clock ticks."""
    total = 0
    stack = [pid]
    while stack:
        current = stack.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
            for task in Path(f"/proc/{current}/task").iterdir():
                stack.extend(int(c) for c in (task / "children").read_text().split())
        except (OSError, ValueError):
            continue
    return total


def run_live(root: Path, tui: str, posts: Path, samples: Samples, keys: int) -> None:
    folders = []
    some = sorted(posts.rglob("*.md"))[:200]
    for number in range(10):  # ten watched folders of 20 posts each
        folder = root / "watched" / f"folder{number}"
        folder.mkdir(parents=True, exist_ok=True)
        for index, post in enumerate(some[number * 20 : number * 20 + 20]):
            (folder / f"p{index}.md").write_bytes(post.read_bytes())
        folders.append(folder)
    with FeedServer() as server:
        data = root / "data-live"
        env = environment(root, data)
        config = _config(root / "config-live", server.urls, [])
        env["TUI_READER_CONFIG_DIR"] = str(config)
        with Terminal(root, env) as term:
            term.launch(f"{tui} refresh >/dev/null", lambda s: s.rstrip().endswith("$"), "refresh")
            term.launch(tui, lambda s: "of 10000" in s, "the cached entries")
            term.wait_stable(quiet=0.5)
            for number in range(keys):
                _key(term, "j" if number % 2 == 0 else "k", samples, "key idle")
            server.always_full = True
            requests = server.requests
            term.send("R")
            term.wait(lambda s: "Refreshing" in s, "the refresh to start")
            number = 0
            while True:
                screen = term.screen()
                if "Refreshing" not in screen and server.requests - requests >= corpus.FEEDS:
                    break
                _key(term, "j" if number % 2 == 0 else "k", samples, "key during refresh")
                number += 1
            server.always_full = False
            term.quit_program()
        during = sorted(samples.values.get("key during refresh", []))
        idle = sorted(samples.values.get("key idle", []))
        samples.notes.append(
            f"keys during refresh: {len(during)} keys while R refreshed {corpus.FEEDS} feeds"
            f" (every one downloaded and parsed again); slowest five"
            f" {', '.join(f'{t * 1000:.0f}' for t in during[-5:])} ms; idle keys: slowest"
            f" {idle[-1] * 1000 if idle else 0:.0f} ms of {len(idle)}"
        )
        config = _config(root / "config-idle", server.urls, folders)
        env["TUI_READER_CONFIG_DIR"] = str(config)
        with Terminal(root, env) as term:
            term.launch(tui, lambda s: "of 10200" in s, "the library and feeds")
            term.wait_stable(quiet=1.0)
            time.sleep(3.0)  # past the watcher's and the schedule's start
            pid = term.program_pid()
            assert pid is not None
            before, start = _cpu_ticks(pid), time.perf_counter()
            time.sleep(IDLE_SECONDS)
            used = (_cpu_ticks(pid) - before) / TICKS
            samples.add("idle cpu", used / (time.perf_counter() - start))
            term.quit_program()
