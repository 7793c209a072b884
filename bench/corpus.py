"""Deterministic corpora for the benchmarks: a 5 MB article, a 10,000-post library, feeds.

Everything is generated from fixed seeds, so two runs (and two machines) measure the same
bytes. Text is chosen so the end-to-end benchmarks can tell from the screen what is shown:

* article headings are ``Section 0001 …`` (one number per heading, zero-padded, never a
  prefix of another), and the first word of each section's first paragraph is
  ``Mark0001``, which only the reading pane shows (the contents list shows headings),
  and the article ends with ``EndOfTheBigArticle``;
* library posts are titled ``Post 0 … Post 9999``.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

_TEXT = "the quick brown fox reads a long terminal article about python rust feeds and tables"
WORDS = _TEXT.split(" ")
ARTICLE_BYTES = 5_000_000  # under the reader's 5 MiB cap (5,242,880 bytes)
LIBRARY_SIZE = 10_000
FEEDS = 200
ITEMS = 50
ARTICLE_TITLE = "The Big Article"
END_MARK = "EndOfTheBigArticle"  # the last words of the article


def heading_text(n: int) -> str:
    return f"Section {n:04d} {WORDS[n % len(WORDS)]} {WORDS[(n * 7) % len(WORDS)]}"


def marker(n: int) -> str:
    return f"Mark{n:04d}"


def big_article(path: Path) -> int:
    """A ~5 MB Markdown article with about 2,000 headings; returns the heading count.

    Sections hold prose with emphasis and links, and now and then a fenced code block, a
    list, a quote or a table, so rendering costs what a real long article costs.
    """
    rng = random.Random(1)
    parts: list[str] = []
    size = 0
    n = 0

    def sentence(low: int, high: int) -> str:
        words = [rng.choice(WORDS) for _ in range(rng.randint(low, high))]
        for _ in range(len(words) // 40):
            i = rng.randrange(len(words))
            words[i] = rng.choice((f"*{words[i]}*", f"**{words[i]}**", f"`{words[i]}`"))
        if rng.random() < 0.3:
            i = rng.randrange(len(words))
            words[i] = f"[{words[i]}](https://example.org/{words[i]}/{n})"
        return " ".join(words)

    while size < ARTICLE_BYTES:
        n += 1
        piece = ["#" * rng.choice([2, 3, 4]) + f" {heading_text(n)}\n\n"]
        piece.append(f"{marker(n)} " + sentence(80, 200) + ".\n\n")
        for _ in range(2):
            piece.append(sentence(80, 200) + ".\n\n")
        if n % 10 == 0:
            piece.append(
                "```python\n" + "\n".join(f"x{j} = {j} * {n}" for j in range(20)) + "\n```\n\n"
            )
        if n % 7 == 0:
            piece.append("".join(f"- {sentence(5, 15)}\n" for _ in range(5)) + "\n")
        if n % 11 == 0:
            piece.append("> " + sentence(20, 40) + "\n\n")
        if n % 13 == 0:
            rows = ["| name | value | note |", "|---|---:|---|"]
            rows += [f"| {rng.choice(WORDS)} | {j * n} | {sentence(2, 5)} |" for j in range(5)]
            piece.append("\n".join(rows) + "\n\n")
        text = "".join(piece)
        if size + len(text) > ARTICLE_BYTES and n > 1:
            n -= 1
            break
        parts.append(text)
        size += len(text)
    parts.append(f"{END_MARK}.\n")
    path.write_text(
        f"---\ntitle: {ARTICLE_TITLE}\ntags: [bench]\n---\n" + "".join(parts), encoding="utf-8"
    )
    return n


def library(root: Path, count: int = LIBRARY_SIZE) -> None:
    """``count`` posts in 50 folders, with YAML front matter (title, date, three tags)."""
    rng = random.Random(2)
    for i in range(count):
        folder = root / f"section{i % 50}"
        folder.mkdir(parents=True, exist_ok=True)
        tags = ", ".join(rng.sample(WORDS, 3))
        body = "\n\n".join(" ".join(rng.choice(WORDS) for _ in range(60)) for _ in range(5))
        (folder / f"post{i}.md").write_text(
            f"---\ntitle: Post {i}\ndate: 2024-01-{i % 28 + 1:02d}\ntags: [{tags}]\n---\n\n"
            f"# Post {i}\n\n{body}\n",
            encoding="utf-8",
        )


def library_tags(count: int = LIBRARY_SIZE) -> list[list[str]]:
    """The tags of each post of :func:`library`, without writing anything."""
    rng = random.Random(2)
    result = []
    for _ in range(count):
        result.append(rng.sample(WORDS, 3))
        for _ in range(5):
            for _ in range(60):
                rng.choice(WORDS)
    return result


def feed_xml(number: int, base: str, items: int = ITEMS) -> bytes:
    """One RSS 2.0 feed with ``items`` entries (HTML descriptions of a few paragraphs)."""
    rng = random.Random(1000 + number)
    start = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(days=number)
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>',
        f"<title>Feed {number:03d}</title><link>{base}/site/{number}</link>",
        f"<description>Benchmark feed number {number}</description>",
    ]
    for i in range(items):
        paragraphs = "".join(
            "<p>" + " ".join(rng.choice(WORDS) for _ in range(rng.randint(30, 80))) + "</p>"
            for _ in range(rng.randint(2, 5))
        )
        body = paragraphs.replace("<p>", f'<p><a href="{base}/site/{number}/{i}">link</a> ', 1)
        date = format_datetime(start + timedelta(hours=i))
        out.append(
            f"<item><title>Feed {number:03d} item {i:02d} {rng.choice(WORDS)}</title>"
            f"<link>{base}/site/{number}/{i}</link><guid>{base}/site/{number}/{i}</guid>"
            f"<pubDate>{date}</pubDate><category>{rng.choice(WORDS)}</category>"
            f"<description><![CDATA[{body}]]></description></item>"
        )
    out.append("</channel></rss>\n")
    return "".join(out).encode("utf-8")
