"""End-to-end timings of the real ``tui-reader`` command in tmux (see terminal.py).

Every figure is wall-clock time from a key (or from Enter on a typed command line) until
given text is on the screen, read with ``tmux capture-pane``. Nothing is measured inside
the program. Workloads (run by bench/run.py, which prints the table):

* library of 10,000 posts: first start (fresh data folder) and later starts (scan cache),
  each until the whole list is shown and answers a key (``G`` shows the last row);
  an empty Textual app showing one label, launched the same way, as the bound;
* text-filter and tag-filter keystrokes on those 10,000 posts, until the filter bar shows
  the new count (the list and the bar are redrawn together);
* the 5 MB article: Enter until its first section's text is on screen, and until the
  contents list shows; then page down, ``]``, ``G`` and a jump from the contents list,
  each until the reading pane shows the expected change;
* peak memory (VmHWM) of the tui-reader process in both sessions.
"""

from __future__ import annotations

import re
import shutil
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import corpus
from terminal import Terminal, TimedOut, peak_rss_mb

REPO = Path(__file__).resolve().parent.parent
HEADING = re.compile(r"#{2,4} Section (\d{4})")
TOC_SECOND = re.compile(r"│ +Section 0002")  # the contents list shows headings without '#'
BAR = re.compile(r"(\d+) of (\d+) · by")


@dataclass
class Samples:
    """Seconds (or MB) per workload, several samples each."""

    values: dict[str, list[float]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def add(self, name: str, value: float) -> None:
        self.values.setdefault(name, []).append(value)

    def median(self, name: str) -> float | None:
        found = self.values.get(name)
        return statistics.median(found) if found else None

    def peak(self, name: str) -> float | None:
        found = self.values.get(name)
        return max(found) if found else None

    def count(self, name: str) -> int:
        return len(self.values.get(name, []))


# -- reading the screen ---------------------------------------------------------------


def bar_count(screen: str) -> tuple[int, int] | None:
    match = BAR.search(screen)
    return (int(match.group(1)), int(match.group(2))) if match else None


def doc_lines(screen: str) -> list[str]:
    """The text of the reading pane's body (between the article header and the status line,
    left of the contents list)."""
    rows = screen.split("\n")
    if not rows or rows[0].count("╭") < 2:
        return []
    left = rows[0].index("╭", 1)  # the reading pane's left border
    body: list[str] = []
    started = False
    for row in rows[1:]:
        part = row[left:]
        if not started:
            started = part.startswith("│─")
            continue
        if part.startswith("╰") or " min left" in part or "finished" in part:
            break
        inner = part[1:].rstrip()
        if inner.endswith("│"):
            inner = inner[:-1]
        border = inner.rfind("│")  # the contents list's left border, if shown
        body.append(inner[:border] if border >= 0 else inner)
    return body


def doc_text(screen: str) -> str:
    return "\n".join(doc_lines(screen))


def top_heading(screen: str) -> int | None:
    """The heading number on the first line of the reading pane, if a heading is there."""
    lines = doc_lines(screen)
    if not lines:
        return None
    match = HEADING.search(lines[0])
    return int(match.group(1)) if match else None


def wait_all(
    term: Terminal,
    conditions: dict[str, Callable[[str], object]],
    start: float,
    timeout: float = 60.0,
) -> dict[str, float]:
    """Poll until every condition has held once; the first time each held."""
    seen: dict[str, float] = {}

    def check(screen: str) -> bool:
        now = time.perf_counter() - start
        for name, condition in conditions.items():
            if name not in seen and condition(screen):
                seen[name] = now
        return len(seen) == len(conditions)

    term.wait(
        check, ", ".join(c for c in conditions if c not in seen), timeout=timeout, start=start
    )
    return seen


# -- the library ----------------------------------------------------------------------


def expected_text_count(query: str, size: int) -> int:
    """Posts whose title, tags, author or summary contain every word of ``query``.

    Titles are ``Post N``; tags and summaries are words without digits, so a query of
    digits matches exactly the numbers that contain it."""
    return sum(1 for i in range(size) if query in str(i))


def library_session(
    term: Terminal,
    command: str,
    size: int,
    last_title: str,
    samples: Samples,
    label: str,
    keystrokes: bool = False,
    repeats: int = 3,
) -> None:
    """Launch on the library; time first rows, the whole list, and a key answered."""
    listed = f"{size} of {size}"
    conditions = {
        f"{label}: first rows": lambda s: re.search(r"•Post \d+ ", s),
        f"{label}: whole list": lambda s: listed in s and "loading" not in s,
    }
    term.clear()
    term.type(command)
    term.wait(lambda s: command[-30:] in s.replace("\n", ""), "the typed command", timeout=10)
    start = time.perf_counter()
    term.send("Enter")
    times = wait_all(term, conditions, start, timeout=300)
    # The list answers a key: G moves to the last row, which shows the oldest post.
    term.send("G")
    answered, _ = term.wait(
        lambda s: re.search(rf"•{re.escape(last_title)} ", s), "G to show the last row", start=start
    )
    for name, value in times.items():
        samples.add(name, value)
    samples.add(f"{label}: answers a key", answered)
    # Read times and the search index fill in after the list; the scan cache that later
    # starts use is written then, so wait for it before quitting.
    filled, _ = term.wait(
        lambda s: "measuring" not in s and "loading" not in s,
        "read times to be filled",
        start=start,
        timeout=300,
    )
    samples.add(f"{label}: read times filled", filled)
    if keystrokes:
        term.send("g")
        term.wait_stable()
        filter_keystrokes(term, size, samples, repeats)
        tag_keystrokes(term, size, samples, repeats)
    pid = term.program_pid()
    if pid is not None:
        samples.add("memory: library", peak_rss_mb(pid))
    term.quit_program()


def filter_keystrokes(term: Terminal, size: int, samples: Samples, repeats: int) -> None:
    """``/`` then digits and backspaces: each key until the bar shows the new count."""
    term.send("/")
    term.wait(lambda s: "filter: title, tags, author, summary" in s, "the filter field")
    term.wait_stable()
    queries = ["12", "34", "56", "78", "90", "27", "81"][: max(1, repeats)]
    for query in queries:
        typed = ""
        steps = [(c, typed := typed + c) for c in query]
        steps += [("BSpace", query[: len(query) - k]) for k in range(1, len(query) + 1)]
        for key, text in steps:
            expected = expected_text_count(text, size) if text else size
            want = f"filter: {text}  " if text else "all articles"
            term.wait_stable(quiet=0.1)
            if key == "BSpace":
                elapsed, screen = term.timed_key(
                    key,
                    lambda s, w=want, n=expected: w in s and bar_count(s) == (n, size),
                    f"the list for '{text}'",
                )
            else:
                start = time.perf_counter()
                term.type(key)
                elapsed, screen = term.wait(
                    lambda s, w=want, n=expected: w in s and bar_count(s) == (n, size),
                    f"the list for '{text}'",
                    start=start,
                )
            samples.add("text filter keystroke", elapsed)
    term.send("Escape")
    term.wait(
        lambda s: "filter: title" not in s and bar_count(s) == (size, size), "the filter closed"
    )


def tag_keystrokes(term: Terminal, size: int, samples: Samples, repeats: int) -> None:
    """Tag picker: choose a tag with space, then time Enter (apply) and ``x`` (clear)."""
    counts: dict[str, int] = {}
    for tags in corpus.library_tags(size):
        for tag in tags:
            counts[tag] = counts.get(tag, 0) + 1
    # Twice as many turns as the text filter has queries: each turn gives one sample,
    # and a median of 4 moved by 10 ms from run to run.
    turns = 2 * max(1, repeats)
    turn = attempts = 0
    while turn < turns and attempts < 2 * turns:
        attempts += 1
        term.wait_stable(quiet=0.1)
        term.send("t")
        term.wait(lambda s: "Tags — space chooses" in s, "the tag picker", timeout=10)
        term.wait_stable(quiet=0.1)
        for _ in range(turn):
            term.send("j")
        term.wait_stable(quiet=0.1)
        # Space marks the highlighted tag (only its colour changes). A key sent just as the
        # picker appears can arrive before the list has focus, so check, and press again.
        for _ in range(5):
            before = term.styled_screen()
            term.send("Space")
            deadline = time.perf_counter() + 1.0
            while term.styled_screen() == before and time.perf_counter() < deadline:
                time.sleep(0.01)
            if term.styled_screen() != before:
                break
        term.wait_stable(quiet=0.1)
        try:
            elapsed, screen = term.timed_key(
                "Enter",
                lambda s: "tags: " in s and "Tags — space" not in s,
                "the tag filter",
                timeout=10,
            )
        except TimedOut as exc:  # no tag was chosen (the picker closed with none): again
            samples.notes.append("a tag-picker turn chose no tag and was repeated")
            if "Tags — space" in exc.screen:
                term.send("Escape")
            term.wait_stable(quiet=0.3)
            if "all articles" not in term.screen():
                term.send("x")
            continue
        match = re.search(r"tags: (\S+)\s+(\d+) of", screen)
        if match and counts.get(match.group(1)) != int(match.group(2)):
            samples.notes.append(
                f"tag {match.group(1)}: {match.group(2)} shown, "
                f"{counts.get(match.group(1))} expected"
            )
        samples.add("tag filter keystroke", elapsed)
        term.wait_stable(quiet=0.1)
        elapsed, _ = term.timed_key(
            "x",
            lambda s: "all articles" in s and bar_count(s) == (size, size),
            "filters cleared",
            timeout=10,
        )
        samples.add("clear filters keystroke", elapsed)
        turn += 1


def run_library(
    root: Path,
    posts: Path,
    python: str,
    tui: str,
    samples: Samples,
    first_runs: int,
    later_runs: int,
    repeats: int,
    first_bound: Callable[[], object] | None = None,
) -> None:
    """The library rows. ``first_bound`` (the first start's bound, run in this process)
    is timed before each first start, alternating with it as the empty app alternates
    with the later starts: both then see the same load of this shared machine."""
    size = sum(1 for _ in posts.rglob("*.md"))
    dates = {i: f"2024-01-{i % 28 + 1:02d}" for i in range(size)}
    # Newest first, same-day posts by title: the last row is the oldest day's last title.
    oldest = min(dates.values())
    last = max((i for i in range(size) if dates[i] == oldest), key=lambda i: f"Post {i}")
    last_title = f"Post {last}"
    command = f"{tui} {posts}"
    empty = f"{python} {Path(__file__).resolve().parent / 'empty_app.py'}"
    for run in range(first_runs):
        if first_bound is not None:
            start = time.perf_counter()
            first_bound()
            samples.add("bound: read + CSafeLoader", time.perf_counter() - start)
        data = root / f"data-first-{run}"
        shutil.rmtree(data, ignore_errors=True)
        with Terminal(root, environment(root, data)) as term:
            if not samples.count("poll"):
                samples.add("poll", term.poll_cost())
            library_session(term, command, size, last_title, samples, "first start")
    # Later starts use the data folder of the first start; the empty app is launched in
    # the same terminal, alternating with tui-reader so both see the same machine load.
    data = root / "data-first-0"
    with Terminal(root, environment(root, data)) as term:
        for run in range(later_runs):
            elapsed, _ = term.launch(
                empty, lambda s: "empty-textual-app-ready" in s, "the empty app"
            )
            samples.add("empty Textual app start", elapsed)
            term.quit_program()
            library_session(
                term,
                command,
                size,
                last_title,
                samples,
                "later start",
                keystrokes=run == 0,
                repeats=repeats,
            )


# -- the 5 MB article -----------------------------------------------------------------


def article_session(
    term: Terminal, command: str, headings: int, samples: Samples, pages: int
) -> None:
    title = corpus.ARTICLE_TITLE
    term.launch(
        command,
        lambda s: f"•{title}" in s and "1 of 1" in s and "loading" not in s,
        "the article listed",
    )
    term.wait_stable()
    start = time.perf_counter()
    term.send("Enter")
    times = wait_all(
        term,
        {
            "open article: first screen": lambda s: corpus.marker(1) in doc_text(s),
            "open article: contents list": lambda s: TOC_SECOND.search(s),
        },
        start,
    )
    for name, value in times.items():
        samples.add(name, value)
    screen = term.wait_stable()

    # Page down: until the reading pane shows other text.
    for _ in range(pages):
        before = doc_lines(screen)
        elapsed, _ = term.timed_key(
            "PageDown", lambda s, b=before: doc_lines(s) and doc_lines(s) != b, "page down"
        )
        samples.add("key: page down", elapsed)
        screen = term.wait_stable(quiet=0.1)

    # ]: until the next heading is the first line of the reading pane.
    for _ in range(pages):
        before = top_heading(screen)
        elapsed, screen = term.timed_key(
            "]",
            lambda s, b=before: top_heading(s) is not None and top_heading(s) != b,
            "next heading",
        )
        samples.add("key: ]", elapsed)
        screen = term.wait_stable(quiet=0.1)

    # A jump from the contents list: Tab to it, move its cursor two pages on, Enter.
    for _ in range(pages):
        before = top_heading(screen)
        term.send("Tab")
        term.wait_stable(quiet=0.1)
        term.send("PageDown")
        term.send("PageDown")
        term.wait_stable(quiet=0.1)
        elapsed, screen = term.timed_key(
            "Enter",
            lambda s, b=before: top_heading(s) is not None and top_heading(s) != b,
            "contents jump",
        )
        samples.add("key: contents jump", elapsed)
        screen = term.wait_stable(quiet=0.1)

    # G: until the article's last words are on screen (first time: nothing cached there).
    elapsed, screen = term.timed_key("G", lambda s: corpus.END_MARK in doc_text(s), "the end")
    samples.add("key: G", elapsed)
    # The whole contents list is there: its last heading.
    term.send("Tab")
    term.send("G")
    last = re.compile(rf"│ +{re.escape(corpus.heading_text(headings)[:20])}")
    term.wait(lambda s: last.search(s), "the last heading in the contents list")
    pid = term.program_pid()
    if pid is not None:
        samples.add("memory: article", peak_rss_mb(pid))
    term.quit_program()


def run_article(
    root: Path, article: Path, headings: int, tui: str, samples: Samples, runs: int, pages: int
) -> None:
    for run in range(runs):
        data = root / f"data-article-{run}"
        shutil.rmtree(data, ignore_errors=True)
        with Terminal(root, environment(root, data)) as term:
            if not samples.count("poll"):
                samples.add("poll", term.poll_cost())
            article_session(term, f"{tui} {article.parent}", headings, samples, pages)


def environment(root: Path, data: Path) -> dict[str, str]:
    """Private data and config folders; PYTHONPATH makes the CLI run this checkout's code."""
    config = root / "config-empty"
    config.mkdir(exist_ok=True)
    return {
        "TUI_READER_DATA_DIR": str(data),
        "TUI_READER_CONFIG_DIR": str(config),
        "PYTHONPATH": str(REPO),
    }
