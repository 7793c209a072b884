"""Parsing a run of files into articles: what the scan does per file, in its own
process or in a parse worker (:mod:`tui_reader.core.local.pool`). Pure: no cache, no
store, so a worker can run it."""

from __future__ import annotations

from tui_reader.core.article import Article, Heading
from tui_reader.core.local.posts import KeyMaker, load_article
from tui_reader.core.markdown.text import analyse_plain, plain_text


def parse_files(
    files: list[str], source: str, root: str, quick: bool
) -> list[tuple[Article, str]]:
    """Parse files, without the cache: each article with its plain text for the search
    index ("" when ``quick``: then only front matter and title, and the article is
    pending). Pure, so it can run in a worker process."""
    key_of = KeyMaker(root)
    out: list[tuple[Article, str]] = []
    analyser = _KeepPlain()
    for file in files:
        if quick:
            article = load_article(file, source=source, root=root, quick=True, key=key_of(file))
            out.append((article, ""))
            continue
        analyser.plain = ""
        key = key_of(file)
        article = load_article(file, source=source, root=root, analyse=analyser, key=key)
        out.append((article, analyser.plain))
    return out


class _KeepPlain:
    """:func:`analyse` that keeps the body's plain text for the search index, so a scan
    reads and converts each file once."""

    plain = ""

    def __call__(self, body: str) -> tuple[int, bool, tuple[Heading, ...]]:
        self.plain = plain_text(body)
        return analyse_plain(body, self.plain)
