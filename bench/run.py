"""Benchmarks (not tests): every row of the scale issue's table, each figure next to its
target and, where the issue names one, a lower bound measured in the same run.

    python bench/run.py            # about 5-6 minutes on 2 cores
    python bench/run.py --quick    # one sample of everything, about 2-3 minutes
    python bench/run.py --only article,library   # some parts: inprocess, article, library,
                                                 # feeds, fulltext, live

The corpus (a 5 MB article with ~1,900 headings, 10,000 posts, 200 RSS feeds x 50 items) is
generated deterministically under a temporary folder (bench/corpus.py). Figures are
medians. The user-facing rows are end-to-end: the real ``tui-reader`` command runs in a
160x48 tmux window and is timed from Enter or a key until given text is on the screen
(bench/terminal.py, bench/e2e.py); the feed refresh runs ``tui-reader refresh`` and
``newsboat -x reload`` against the same local server (bench/feedbench.py). Peak memory is
the VmHWM of the tui-reader process after the workload. In-process figures follow as
diagnostics. Needs tmux; the refresh row needs Debian's newsboat package.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

import corpus  # noqa: E402
import e2e  # noqa: E402
import feedbench  # noqa: E402
import live  # noqa: E402
import pages  # noqa: E402
import pictures  # noqa: E402
from e2e import Samples  # noqa: E402

from tui_reader.core.library import Filter, Library  # noqa: E402
from tui_reader.core.local.frontmatter import split_front_matter  # noqa: E402
from tui_reader.core.local.scan import scan_sources  # noqa: E402
from tui_reader.core.local.textio import read_text_file  # noqa: E402
from tui_reader.core.markdown.document import Document, markdown_parser  # noqa: E402
from tui_reader.core.store import Store  # noqa: E402

PARTS = ("inprocess", "article", "library", "feeds", "fulltext", "live")


def median(fn: Callable[[], object], runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


# -- bounds and in-process diagnostics ----------------------------------------------------


def file_read(path: Path) -> str:
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def read_and_parse_front_matter(files: list[Path]) -> None:
    """The first-start bound: read every post and parse its YAML front matter."""
    for file in files:
        header = file.read_text(encoding="utf-8").split("---", 2)[1]
        yaml.load(header, Loader=yaml.CSafeLoader)


def article_bounds(article: Path, samples: Samples, runs: int) -> None:
    samples.add("bound: file read", median(lambda: file_read(article), runs=max(5, runs)))
    text, _ = read_text_file(article)
    _, body, _, _ = split_front_matter(text)
    samples.add(
        "bound: markdown-it parse",
        median(lambda: markdown_parser().parse(body), runs=max(1, min(3, runs))),
    )


def library_bound(files: list[Path], samples: Samples, runs: int) -> None:
    samples.add(
        "bound: read + CSafeLoader",
        median(lambda: read_and_parse_front_matter(files), runs=max(1, min(3, runs))),
    )


def inprocess(root: Path, article: Path, posts: Path, samples: Samples, runs: int) -> None:
    """The same workloads without a terminal: where the end-to-end time goes."""
    read = median(lambda: read_text_file(article), runs=5)
    text, _ = read_text_file(article)
    _, body, _, _ = split_front_matter(text)
    samples.add("in-process: article read (read_text_file)", read)
    samples.add("in-process: document model (TOC ready)", median(lambda: Document(body), runs=5))
    for run in range(max(1, min(3, runs))):
        store = Store(root / f"inprocess-{run}.sqlite3")
        start = time.perf_counter()
        for _ in scan_sources([str(posts)], store):
            pass
        samples.add("in-process: first scan (cache + FTS index)", time.perf_counter() - start)
        store.close()
    store = Store(root / "inprocess-0.sqlite3")
    samples.add(
        "in-process: later scan (scan cache)",
        median(lambda: [b for b in scan_sources([str(posts)], store)], runs=3),
    )
    library = Library()
    for batch, _ in scan_sources([str(posts)], store):
        library.add(batch)
    store.close()
    samples.add(
        "in-process: Library.select, text '12'",
        median(lambda: library.select(Filter(text="12")), runs=9),
    )
    samples.add(
        "in-process: Library.select, one tag",
        median(lambda: library.select(Filter(tags=frozenset({"fox"}))), runs=9),
    )


# -- the table ------------------------------------------------------------------------------


@dataclass
class Row:
    name: str
    ours: float | None
    bound: float | None = None
    bound_name: str = ""
    target: str = ""
    limit: float | None = None  # the target as a number in the same unit (None: no target)
    unit: str = "s"
    samples: int = 0
    skipped: str = ""
    peak: bool = False  # the highest sample, not the median


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "MB":
        return f"{value:.0f} MB"
    if unit == "%":
        return f"{value * 100:.2f} %"
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def rows(s: Samples) -> list[Row]:
    m = s.median
    out: list[Row] = []

    def factor(
        name: str, key: str, bound_key: str, bound_name: str, k: float, unit: str = "s"
    ) -> None:
        bound = m(bound_key)
        target = f"≤ {k:g} × bound" if k != 1 else "≤ bound"
        out.append(
            Row(
                name,
                m(key),
                bound,
                bound_name,
                target,
                k * bound if bound else None,
                unit,
                s.count(key),
            )
        )

    def absolute(
        name: str,
        key: str,
        limit: float,
        unit: str = "s",
        bound_key: str = "",
        bound_name: str = "",
        peak: bool = False,
    ) -> None:
        ours = s.peak(key) if peak else m(key)
        target = f"≤ {fmt(limit, unit)}"
        out.append(
            Row(
                name,
                ours,
                m(bound_key) if bound_key else None,
                bound_name,
                target,
                limit,
                unit,
                s.count(key),
                peak=peak,
            )
        )

    absolute(
        "5 MB article: Enter → first screen of text",
        "open article: first screen",
        0.3,
        bound_key="bound: file read",
        bound_name="file read",
    )
    factor(
        "5 MB article: Enter → whole contents list",
        "open article: contents list",
        "bound: markdown-it parse",
        "markdown-it parse",
        1.5,
    )
    for key, label in (
        ("page down", "page down"),
        ("G", "G"),
        ("]", "]"),
        ("contents jump", "contents-list jump"),
    ):
        absolute(f"5 MB article: key {label} → screen changes", f"key: {key}", 0.05)
    absolute(
        "500-picture article: Enter → first screen drawn",
        "pictures: first screen drawn",
        0.3,
        bound_key="bound: one picture read + decoded",
        bound_name="one picture decoded",
    )
    absolute("500-picture article: key page down → screen changes", "pictures key: page down", 0.05)
    absolute("500-picture article: key G → screen changes", "pictures key: G", 0.05)
    factor(
        "10,000 posts, first start → whole list, answers G",
        "first start: answers a key",
        "bound: read + CSafeLoader",
        "read + CSafeLoader",
        1.5,
    )
    factor(
        "10,000 posts, later start → whole list, answers G",
        "later start: answers a key",
        "empty Textual app start",
        "empty Textual app",
        2,
    )
    absolute("10,000 posts: text filter keystroke → list", "text filter keystroke", 0.05)
    absolute("10,000 posts: tag filter (Enter in picker) → list", "tag filter keystroke", 0.05)
    refresh = Row(
        "refresh 200 feeds × 50 items (127.0.0.1), cold",
        m("refresh: tui-reader cold"),
        m("refresh: newsboat cold"),
        "newsboat -x reload",
        "≤ bound",
        m("refresh: newsboat cold"),
        "s",
        s.count("refresh: tui-reader cold"),
    )
    if s.count("refresh: tui-reader cold") and not feedbench.newsboat_available():
        refresh.skipped = "skipped: install Debian's newsboat"
    out.append(refresh)
    factor(
        "web page → article Markdown (per page, 50 pages)",
        "extraction: ours",
        "extraction: bound",
        "trafilatura.extract",
        1.3,
    )
    absolute(
        "200 feeds: list key during R refresh (median)",
        "key during refresh",
        0.05,
        bound_key="key idle",
        bound_name="same key, idle",
    )
    absolute(
        "200 feeds: list key during R refresh (max)",
        "key during refresh",
        0.1,
        bound_key="key idle",
        bound_name="same key, idle",
        peak=True,
    )
    absolute("idle a minute: 10 folders + 200 feeds, CPU", "idle cpu", 0.01, unit="%")
    absolute(
        "peak memory: 10,000-post library open", "memory: library", 250e0, unit="MB", peak=True
    )
    absolute("peak memory: 5 MB article open", "memory: article", 400e0, unit="MB", peak=True)
    absolute(
        "peak memory: 500-picture article read", "memory: pictures", 400e0, unit="MB", peak=True
    )
    return out


def diagnostics(s: Samples) -> list[tuple[str, str, int]]:
    keys = [
        ("first start: first rows", "s"),
        ("first start: whole list", "s"),
        ("later start: first rows", "s"),
        ("later start: whole list", "s"),
        ("clear filters keystroke", "s"),
        ("refresh: tui-reader warm", "s"),
        ("refresh: newsboat warm", "s"),
        ("pictures: first screen of text", "s"),
        ("pictures: page down → pictures drawn", "s"),
        ("in-process: article read (read_text_file)", "s"),
        ("in-process: document model (TOC ready)", "s"),
        ("in-process: first scan (cache + FTS index)", "s"),
        ("in-process: later scan (scan cache)", "s"),
        ("in-process: Library.select, text '12'", "s"),
        ("in-process: Library.select, one tag", "s"),
    ]
    found = [(k, fmt(s.median(k), u), s.count(k)) for k, u in keys if s.count(k)]
    for key in ("extraction: ours", "extraction: bound"):
        if s.count(key):
            found.append((f"{key}, pages per second", f"{1 / s.median(key):.0f}", s.count(key)))
    return found


def print_table(s: Samples) -> None:
    table = rows(s)
    print()
    header = (
        f"{'workload':<52} {'ours':>9} {'bound':>9}  {'bound is':<19} {'ratio':>6}  "
        f"{'target':<14} result"
    )
    print(header)
    print("-" * len(header))
    for row in table:
        if row.ours is None and not row.skipped:
            continue
        ratio = f"{row.ours / row.bound:6.2f}" if row.ours and row.bound else "     —"
        if row.skipped:
            result = row.skipped
        elif row.limit is None:
            result = "—"
        else:
            result = "MET" if row.ours <= row.limit else "MISSED"
        n = ""
        if row.samples > 1:
            n = f" (max of {row.samples})" if row.peak else f" (n={row.samples})"
        print(
            f"{row.name:<52} {fmt(row.ours, row.unit):>9} "
            f"{fmt(row.bound, row.unit) if row.bound else '—':>9}  "
            f"{row.bound_name or '—':<19} {ratio}  {row.target:<14} {result}{n}"
        )
    extra = diagnostics(s)
    if extra:
        print("\nDiagnostics (medians; not targets):")
        for name, value, count in extra:
            print(f"  {name:<50} {value:>9}" + (f" (n={count})" if count > 1 else ""))
    if s.notes:
        print("\nNotes:")
        for note in s.notes:
            print(f"  {note}")


# -- main -----------------------------------------------------------------------------------


def tui_command() -> str:
    script = Path(sys.executable).parent / "tui-reader"
    return str(script) if script.exists() else f"{sys.executable} -m tui_reader"


def versions() -> str:
    def first_line(command: list[str]) -> str:
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=10)
            return (result.stdout or result.stderr).strip().splitlines()[0]
        except (OSError, IndexError, subprocess.TimeoutExpired):
            return "missing"

    import textual

    return (
        f"Python {platform.python_version()}, Textual {textual.__version__}, "
        f"{first_line(['tmux', '-V'])}, {first_line(['newsboat', '--version'])}, "
        f"{os.cpu_count()} CPUs"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="one sample of everything")
    parser.add_argument(
        "--only", default=",".join(PARTS), help="comma-separated: " + ", ".join(PARTS)
    )
    args = parser.parse_args()
    parts = {p.strip() for p in args.only.split(",") if p.strip()}
    unknown = parts - set(PARTS)
    if unknown:
        parser.error(f"unknown parts: {', '.join(sorted(unknown))}")
    if {"article", "library"} & parts and shutil.which("tmux") is None:
        parser.error("the end-to-end rows need tmux")
    quick = args.quick
    tui = tui_command()
    samples = Samples()
    print(f"tui-reader benchmarks — {versions()}")
    print(f"command under test: {tui}; terminal 160x48 (tmux)")
    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="tui-reader-bench-") as tmp:
        root = Path(tmp)
        # In a folder of its own: given alone as a file, the reader would open it at once,
        # and the row times Enter on the list, from the list to the article.
        (root / "article").mkdir()
        article = root / "article" / "big.md"
        headings = corpus.big_article(article)
        posts = root / "posts"
        corpus.library(posts)
        files = sorted(posts.rglob("*.md"))
        print(
            f"corpus: article {article.stat().st_size / 1e6:.2f} MB with {headings:,} headings; "
            f"{len(files):,} posts; {corpus.FEEDS} feeds × {corpus.ITEMS} items",
            flush=True,
        )

        def step(name: str, fn: Callable[[], None]) -> None:
            start = time.perf_counter()
            print(f"  {name}…", end="", flush=True)
            fn()
            print(f" {time.perf_counter() - start:.0f} s", flush=True)

        if {"article", "library", "feeds"} & parts:
            step("warm-up (imports compiled, files cached)", lambda: warm_up(article, posts))
        if "article" in parts or "inprocess" in parts:
            step("article bounds", lambda: article_bounds(article, samples, 1 if quick else 5))
        if "inprocess" in parts and "library" not in parts:
            # With the library part, the bound is timed before each first start instead.
            step("library bound", lambda: library_bound(files, samples, 1 if quick else 3))
        if "inprocess" in parts:
            step(
                "in-process diagnostics",
                lambda: inprocess(root, article, posts, samples, 1 if quick else 3),
            )
        if "article" in parts:
            step(
                "tmux: 5 MB article",
                lambda: e2e.run_article(
                    root,
                    article,
                    headings,
                    tui,
                    samples,
                    runs=1 if quick else 3,
                    pages=3 if quick else 5,
                ),
            )
        if "article" in parts:
            step(
                "tmux: 500-picture article",
                lambda: pictures.run(
                    root, tui, samples, runs=1 if quick else 3, pages=3 if quick else 5
                ),
            )
        if "library" in parts:
            step(
                "tmux: 10,000 posts",
                lambda: e2e.run_library(
                    root,
                    posts,
                    sys.executable,
                    tui,
                    samples,
                    first_runs=1 if quick else 5,  # its bound moves by a third run to run
                    later_runs=2 if quick else 5,
                    repeats=2 if quick else 4,
                    first_bound=lambda: read_and_parse_front_matter(files),
                ),
            )
        if "feeds" in parts:
            if feedbench.newsboat_available():
                step(
                    "feed refresh",
                    lambda: feedbench.run_feeds(root, tui, samples, runs=1 if quick else 3),
                )
            else:
                samples.notes.append("newsboat not installed: the refresh row is skipped")
                step(
                    "feed refresh (tui-reader only)",
                    lambda: feedbench.run_feeds(root, tui, samples, runs=1),
                )
        if "fulltext" in parts:
            step(
                "web page extraction",
                lambda: pages.run_extraction(samples, runs=1 if quick else 5),
            )
        if "live" in parts:
            step(
                "tmux: live library (keys during a refresh, a minute idle)",
                lambda: live.run_live(root, tui, posts, samples, keys=10 if quick else 30),
            )
        poll = samples.median("poll")
        if poll is not None:
            samples.notes.append(
                f"timing resolution: one capture-pane read takes {poll * 1000:.2f} ms; the screen "
                f"is read every {e2e_poll_ms()} ms (1 % of the wait, at most 20 ms, for long waits)"
            )
    print_table(samples)
    print(f"\n(total {time.perf_counter() - began:.0f} s)")


def warm_up(article: Path, posts: Path) -> None:
    """Import the program once as a user's first run would (writing its bytecode caches if
    the sources changed) and read the corpus once, so no sample pays for either."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(ROOT)
    # Every module, as pip compiles them at install: the scan process imports its own.
    compile_all = [sys.executable, "-m", "compileall", "-q", str(ROOT / "tui_reader")]
    subprocess.run(compile_all, env=env, check=True, timeout=120)
    code = "import tui_reader.cli, tui_reader.commands, tui_reader.ui.app, textual.app"
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=120)
    file_read(article)
    for file in posts.rglob("*.md"):
        file.read_bytes()


def e2e_poll_ms() -> str:
    from terminal import POLL

    return f"{POLL * 1000:g}"


if __name__ == "__main__":
    main()
