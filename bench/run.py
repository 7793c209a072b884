"""Benchmarks (not tests): each figure printed next to a lower bound measured in the same run.

    python bench/run.py            # generates its corpus under a temp folder, deterministically

Covered so far (in-process; medians of several runs):
  * 5 MB article: time to a built document model vs. reading the file, and building the
    whole table of contents vs. a markdown-it parse of the file;
  * 10,000 posts, first scan vs. reading every file plus PyYAML CSafeLoader front matter;
    later scan (scan cache) vs. the same bound;
  * a text filter over 10,000 articles.
Not yet: the tmux end-to-end timings, the 200-feed refresh against newsboat, peak memory.
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tui_reader.core.document import Document, markdown_parser  # noqa: E402
from tui_reader.core.frontmatter import split_front_matter  # noqa: E402
from tui_reader.core.library import Filter, Library  # noqa: E402
from tui_reader.core.loader import scan_sources  # noqa: E402
from tui_reader.core.store import Store  # noqa: E402
from tui_reader.core.textio import read_text_file  # noqa: E402

WORDS = "the quick brown fox reads a long terminal article about python rust feeds and tables".split()


def median(fn, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def big_article(path: Path) -> None:
    rng = random.Random(1)
    parts, size, n = [], 0, 0
    while size < 5_000_000:
        n += 1
        parts.append("#" * rng.choice([2, 3, 4]) + f" Heading {n}\n\n")
        for _ in range(3):
            parts.append(" ".join(rng.choice(WORDS) for _ in range(rng.randint(80, 200))) + "\n\n")
        if n % 10 == 0:
            parts.append("```python\n" + "\n".join(f"x{j} = {j}" for j in range(20)) + "\n```\n\n")
        size += sum(len(p) for p in parts[-5:])
    path.write_text("---\ntitle: Big\n---\n" + "".join(parts), encoding="utf-8")


def library(root: Path, count: int = 10_000) -> None:
    rng = random.Random(2)
    for i in range(count):
        folder = root / f"section{i % 50}"
        folder.mkdir(exist_ok=True)
        tags = ", ".join(rng.sample(WORDS, 3))
        body = "\n\n".join(" ".join(rng.choice(WORDS) for _ in range(60)) for _ in range(5))
        (folder / f"post{i}.md").write_text(
            f"---\ntitle: Post {i}\ndate: 2024-01-{i % 28 + 1:02d}\ntags: [{tags}]\n---\n\n# Post {i}\n\n{body}\n",
            encoding="utf-8",
        )


def row(name: str, ours: float, bound: float, target: str) -> None:
    print(f"{name:<48} {ours:8.3f} s  bound {bound:8.3f} s  ratio {ours / bound:6.2f}  target {target}")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        article = root / "big.md"
        big_article(article)
        read = median(lambda: read_text_file(article))
        text, _ = read_text_file(article)
        _, body, _, _ = split_front_matter(text)
        model = median(lambda: Document(body))
        parse = median(lambda: markdown_parser().parse(body), runs=3)
        row("5 MB article: document model + first section", model + read, read, "<= 0.3 s")
        row("5 MB article: whole TOC available", model + read, parse, "<= 1.5 x bound")

        posts = root / "posts"
        posts.mkdir()
        library(posts)
        files = sorted(posts.rglob("*.md"))

        def bound() -> None:
            for file in files:
                header = file.read_text(encoding="utf-8").split("---", 2)[1]
                yaml.load(header, Loader=yaml.CSafeLoader)

        lower = median(bound, runs=3)
        first = []
        for n in range(3):
            store = Store(root / f"db{n}.sqlite3")
            start = time.perf_counter()
            for _ in scan_sources([str(posts)], store):
                pass
            first.append(time.perf_counter() - start)
            store.close()
        row("10,000 posts: first scan (+ cache + FTS index)", statistics.median(first), lower, "<= 1.5 x bound")
        store = Store(root / "db0.sqlite3")
        later = median(lambda: [b for b in scan_sources([str(posts)], store)], runs=3)
        row("10,000 posts: later scan (scan cache)", later, lower, "<= 2 x Textual start")
        lib = Library()
        for batch, _ in scan_sources([str(posts)], store):
            lib.add(batch)
        store.close()
        keystroke = median(lambda: lib.select(Filter(text="post 12")), runs=9)
        print(f"{'10,000 posts: text filter keystroke':<48} {keystroke:8.3f} s  target <= 0.05 s")


if __name__ == "__main__":
    main()
