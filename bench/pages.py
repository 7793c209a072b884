"""Web pages for the extraction row (bench/run.py, part "fulltext"): generated
deterministically, each a whole page as sites serve them (head with metadata and feed
links, a navigation bar, a cookie banner, an article with headings, lists, code, a quote
and links, a sidebar, a comment section with its form, a footer), of 15-60 KB."""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from corpus import WORDS

PAGES = 50


def _sentence(rng: random.Random, low: int = 8, high: int = 25) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(low, high))]
    for _ in range(len(words) // 12):
        i = rng.randrange(len(words))
        words[i] = rng.choice(
            (f"<em>{words[i]}</em>", f"<strong>{words[i]}</strong>", f"<code>{words[i]}</code>")
        )
    if rng.random() < 0.3:
        i = rng.randrange(len(words))
        words[i] = f'<a href="/wiki/{rng.choice(WORDS)}">{words[i]}</a>'
    return " ".join(words).capitalize() + "."


def _paragraph(rng: random.Random) -> str:
    return "<p>" + " ".join(_sentence(rng) for _ in range(rng.randint(2, 6))) + "</p>"


def page(number: int) -> bytes:
    """One page: the article is about two thirds of its text, the rest is boilerplate."""
    rng = random.Random(5000 + number)
    title = " ".join(rng.choice(WORDS) for _ in range(6)).capitalize()
    nav = "".join(f'<li><a href="/{w}">{w.title()}</a></li>' for w in rng.sample(WORDS, 12))
    body = [f"<h1>{title}</h1>", f'<p class="byline">By Author {number}</p>']
    for section in range(rng.randint(3, 8)):
        body.append(f"<h2>{' '.join(rng.choice(WORDS) for _ in range(4)).capitalize()}</h2>")
        body.extend(_paragraph(rng) for _ in range(rng.randint(2, 5)))
        kind = section % 3
        if kind == 0:
            items = "".join(f"<li>{_sentence(rng, 4, 12)}</li>" for _ in range(rng.randint(3, 7)))
            body.append(f"<ul>{items}</ul>")
        elif kind == 1:
            code = "\n".join(f"{w} = {rng.randint(0, 99)}" for w in rng.sample(WORDS, 6))
            body.append(f'<pre><code class="language-python">{code}</code></pre>')
        else:
            body.append(f"<blockquote><p>{_sentence(rng)}</p></blockquote>")
    comments = "".join(
        f'<div class="comment"><p class="author">Reader {n}</p>{_paragraph(rng)}</div>'
        for n in range(rng.randint(2, 6))
    )
    related = "".join(
        f'<li><a href="/p/{n}">{_sentence(rng, 3, 6)}</a></li>' for n in range(8)
    )
    html = f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>{title} | Bench Site</title><meta name="author" content="Author {number}">
<meta property="article:published_time" content="2025-03-{number % 28 + 1:02d}">
<link rel="alternate" type="application/rss+xml" href="/feed.xml"></head><body>
<div class="cookie-banner"><p>We use cookies to measure our audience. Accept all cookies?</p>
<button>Accept</button><button>Refuse</button></div>
<header><a href="/">Bench Site</a><nav><ul>{nav}</ul></nav></header>
<main><article>{"".join(body)}</article>
<section id="comments"><h3>Comments</h3>{comments}
<form action="/comment" method="post"><h4>Leave a reply</h4><textarea name="c"></textarea>
<button>Post</button></form></section></main>
<aside><h3>Related</h3><ul>{related}</ul></aside>
<footer><p>© 2025 Bench Site. Terms. Privacy. Contact.</p></footer></body></html>"""
    return html.encode("utf-8")


def pages(count: int = PAGES) -> list[bytes]:
    return [page(n) for n in range(count)]


def run_extraction(samples, runs: int) -> None:
    """Ours as a refresh and ``f`` run it (bytes to clean Markdown, no metadata: the entry
    has its own) against trafilatura's own ``extract`` to Markdown (its defaults, which
    leave metadata out too), on the same pages, alternating, one warm-up pass each."""
    import trafilatura

    from tui_reader.core.fulltext.extract import extract

    corpus = pages()
    texts = [p.decode("utf-8") for p in corpus]

    def ours() -> None:
        for n, body in enumerate(corpus):
            extract(
                body, f"https://bench.example/p/{n}", "text/html; charset=utf-8", metadata=False
            )

    def bound() -> None:
        for n, text in enumerate(texts):
            trafilatura.extract(text, url=f"https://bench.example/p/{n}", output_format="markdown")

    def timed(fn: Callable[[], None]) -> float:
        # CPU time of this process: both sides are pure computation in this thread, and
        # on a shared machine the wall clock also counts other programs' turns.
        start = time.process_time()
        fn()
        return (time.process_time() - start) / len(corpus)

    ours()
    bound()
    for _ in range(runs):
        samples.add("extraction: bound", timed(bound))
        samples.add("extraction: ours", timed(ours))
    size = sum(map(len, corpus)) / len(corpus) / 1024
    samples.notes.append(
        f"extraction: {len(corpus)} generated pages, {size:.0f} KB each on average; CPU time"
        " of the bench process per page (process_time), ours and the bound alternating"
    )
