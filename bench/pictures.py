"""The picture rows: an article with 500 pictures, opened and scrolled in the real
terminal (bench/terminal.py), as the 5 MB article is.

Each picture is its own PNG (a 320 x 200 gradient in its own colours, so no two decode
alike), between paragraphs, with a heading every ten pictures. The rows time Enter on
the list until the first screen of text is there and until its pictures are drawn
(half-block cells, no "loading…" left), and page down until the screen changes. The
bound, measured in the same run, is reading and decoding one picture of the first
screen at the pane's size (in this process): the least work a screen with a picture
needs.
"""

from __future__ import annotations

import time
from pathlib import Path

from e2e import Samples, doc_text, environment
from terminal import Terminal, peak_rss_mb

PICTURES = 500
TITLE = "The Picture Article"
END_MARK = "EndOfThePictureArticle"
SIZE = (320, 200)


def marker(n: int) -> str:
    return f"Pic{n:04d}"


def picture_article(folder: Path) -> Path:
    """Write the article and its pictures into ``folder``; return the article's path."""
    from PIL import Image

    (folder / "pics").mkdir(parents=True, exist_ok=True)
    lines = ["---", f"title: {TITLE}", "date: 2024-01-01", "---", ""]
    for n in range(PICTURES):
        if n % 10 == 0:
            lines += [f"## Part {n // 10:03d}", ""]
        colour = ((n * 37) % 256, (n * 91) % 256, (n * 53) % 256)
        image = Image.linear_gradient("L").resize(SIZE).convert("RGB")
        tint = Image.new("RGB", SIZE, colour)
        Image.blend(image, tint, 0.6).save(folder / "pics" / f"p{n:03d}.png")
        lines += [
            f"{marker(n)}: a paragraph before picture {n}, about what it shows.",
            "",
            f"![Picture {n}](pics/p{n:03d}.png)",
            "",
        ]
    lines += [END_MARK, ""]
    article = folder / "index.md"
    article.write_text("\n".join(lines), "utf-8")
    return article


def bound(folder: Path, samples: Samples, runs: int) -> None:
    """Read, decode and draw one picture at a 70 x 22 cell size: a first screen's work."""
    from tui_reader.core.images.decode import decode
    from tui_reader.ui.pictures.draw import halfblock_lines

    times = []
    for n in range(max(5, runs)):
        start = time.perf_counter()
        data = (folder / "pics" / f"p{n:03d}.png").read_bytes()
        halfblock_lines(decode(data, 70, 22))
        times.append(time.perf_counter() - start)
    samples.add("bound: one picture read + decoded", sorted(times)[len(times) // 2])


def drawn(screen: str) -> bool:
    text = doc_text(screen)
    return "▀" in text and "loading" not in text


def session(term: Terminal, command: str, samples: Samples, pages: int) -> None:
    term.launch(
        command, lambda s: f"•{TITLE}" in s and "1 of 1" in s and "loading" not in s, "listed"
    )
    term.wait_stable()
    start = time.perf_counter()
    term.send("Enter")
    seen: dict[str, float] = {}

    def check(screen: str) -> bool:
        now = time.perf_counter() - start
        if "text" not in seen and marker(0) in doc_text(screen):
            seen["text"] = now
        if "text" in seen and "drawn" not in seen and drawn(screen):
            seen["drawn"] = now
        return len(seen) == 2

    term.wait(check, "the first screen with its pictures", start=start)
    samples.add("pictures: first screen of text", seen["text"])
    samples.add("pictures: first screen drawn", seen["drawn"])
    screen = term.wait_stable()
    for _ in range(pages):
        before = doc_text(screen)
        elapsed, _ = term.timed_key(
            "PageDown", lambda s, b=before: doc_text(s) and doc_text(s) != b, "page down"
        )
        samples.add("pictures key: page down", elapsed)
        start = time.perf_counter()
        _, screen = term.wait(drawn, "the pictures after page down", start=start)
        samples.add("pictures: page down → pictures drawn", elapsed + time.perf_counter() - start)
        screen = term.wait_stable(quiet=0.1)
    elapsed, _ = term.timed_key("G", lambda s: END_MARK in doc_text(s), "the end")
    samples.add("pictures key: G", elapsed)
    term.wait(drawn, "the last pictures")
    pid = term.program_pid()
    if pid is not None:
        samples.add("memory: pictures", peak_rss_mb(pid))
    term.quit_program()


def run(root: Path, tui: str, samples: Samples, runs: int, pages: int) -> None:
    folder = root / "pictures"
    if not (folder / "index.md").exists():
        picture_article(folder)
    bound(folder, samples, runs)
    for number in range(runs):
        data = root / f"data-pictures-{number}"
        with Terminal(root, environment(root, data)) as term:
            session(term, f"{tui} {folder}", samples, pages)
