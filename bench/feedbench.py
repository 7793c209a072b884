"""Refresh 200 feeds x 50 items from a server on 127.0.0.1: ``tui-reader refresh`` against
Newsboat's ``newsboat -x reload`` on the same URLs, in the same run.

The server (stdlib ``ThreadingHTTPServer``, HTTP/1.1 keep-alive, in a thread of this
process) serves deterministic RSS 2.0 feeds from memory, with ``ETag`` and
``Last-Modified`` and 304 answers to conditional requests, as real servers do.

Each program gets its own fresh folders per run ("cold": empty cache, every entry is new).
A second refresh on the same cache ("warm": every feed answers 304 Not Modified) is
timed too. Newsboat runs with an empty config file, so with its defaults.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import threading
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import corpus
from e2e import Samples

NEWSBOAT = "newsboat"


class FeedServer:
    """``/feed/N.xml`` for N in 0..count-1."""

    def __init__(self, count: int = corpus.FEEDS, items: int = corpus.ITEMS) -> None:
        feeds: dict[str, tuple[bytes, str]] = {}
        modified = formatdate(1_700_000_000, usegmt=True)
        self.requests = 0
        self.always_full = False  # answer conditional requests in full (bench/live.py)
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
                server.requests += 1
                found = feeds.get(self.path)
                if found is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body, etag = found
                if not server.always_full and (
                    self.headers.get("If-None-Match") == etag
                    or (
                        self.headers.get("If-Modified-Since") == modified
                        and "If-None-Match" not in self.headers
                    )
                ):
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("ETag", etag)
                self.send_header("Last-Modified", modified)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        for number in range(count):
            body = corpus.feed_xml(number, self.base, items)
            feeds[f"/feed/{number}.xml"] = (body, '"' + hashlib.sha1(body).hexdigest() + '"')
        self.urls = [f"{self.base}/feed/{n}.xml" for n in range(count)]
        self.bytes = sum(len(body) for body, _ in feeds.values())
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> FeedServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _timed(
    command: list[str], env: dict[str, str], cwd: Path
) -> tuple[float, subprocess.CompletedProcess[str]]:
    start = time.perf_counter()
    result = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, timeout=900)
    return time.perf_counter() - start, result


def _base_env(home: Path) -> dict[str, str]:
    return {
        "HOME": str(home),
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "TERM": "dumb",
        "PYTHONPATH": str(Path(__file__).resolve().parent.parent),  # this checkout's code
    }


def run_tui_reader(tui: str, urls: list[str], folder: Path) -> tuple[float, float, int]:
    """(cold seconds, warm seconds, entries in its cache) for ``tui-reader refresh``."""
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "config").mkdir(parents=True)
    (folder / "config" / "config.toml").write_text(
        "".join(f'[[feeds]]\nurl = "{url}"\n\n' for url in urls), encoding="utf-8"
    )
    env = _base_env(folder) | {
        "TUI_READER_CONFIG_DIR": str(folder / "config"),
        "TUI_READER_DATA_DIR": str(folder / "data"),
    }
    times = []
    for _ in range(2):
        elapsed, result = _timed([tui, "refresh"], env, folder)
        lines = result.stdout.strip().splitlines()
        summary = lines[-1] if lines else result.stderr.strip()[-300:]
        if result.returncode != 0 or " 0 failed" not in summary:
            raise RuntimeError(f"tui-reader refresh failed ({result.returncode}): {summary}")
        times.append(elapsed)
    with sqlite3.connect(folder / "data" / "library.sqlite3") as db:
        entries = db.execute("select count(*) from entries").fetchone()[0]
    return times[0], times[1], entries


def run_newsboat(urls: list[str], folder: Path) -> tuple[float, float, int]:
    """(cold seconds, warm seconds, items in its cache) for ``newsboat -x reload``."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    (folder / "urls").write_text("".join(url + "\n" for url in urls), encoding="utf-8")
    (folder / "config").write_text("", encoding="utf-8")
    command = [NEWSBOAT, "-x", "reload", "-u", "urls", "-c", "cache.db", "-C", "config"]
    env = _base_env(folder)
    times = []
    for _ in range(2):
        elapsed, result = _timed(command, env, folder)
        if result.returncode != 0:
            raise RuntimeError(f"newsboat failed ({result.returncode}): {result.stderr[-300:]}")
        times.append(elapsed)
    with sqlite3.connect(folder / "cache.db") as db:
        items = db.execute("select count(*) from rss_item").fetchone()[0]
    return times[0], times[1], items


def newsboat_available() -> bool:
    return shutil.which(NEWSBOAT) is not None


def run_feeds(root: Path, tui: str, samples: Samples, runs: int) -> None:
    """Alternate the two programs, ``runs`` times each, against one server."""
    with FeedServer() as server:
        samples.notes.append(
            f"feeds: {len(server.urls)} x {corpus.ITEMS} items, {server.bytes / 1e6:.1f} MB of RSS"
        )
        for run in range(runs):
            cold, warm, entries = run_tui_reader(tui, server.urls, root / f"feeds-tui-{run}")
            samples.add("refresh: tui-reader cold", cold)
            samples.add("refresh: tui-reader warm", warm)
            if run == 0:
                samples.notes.append(f"tui-reader cache: {entries} entries")
            if newsboat_available():
                cold, warm, items = run_newsboat(server.urls, root / f"feeds-newsboat-{run}")
                samples.add("refresh: newsboat cold", cold)
                samples.add("refresh: newsboat warm", warm)
                if run == 0:
                    samples.notes.append(f"newsboat cache: {items} items")
