"""Extraction of a page's main text (core/fulltext): realistic pages written for these
tests keep their article and lose their menus, and hostile pages end with one message.

Pages fetched through ``httpx.MockTransport`` check the fetch's rules for pages (types,
redirects); the loopback cases are in ``test_fulltext_http.py``.
"""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
import test_feeds_unit
from feed_samples import has_control

from tui_reader.core.fulltext.extract import ExtractError, extract
from tui_reader.core.fulltext.page import fetch_article
from tui_reader.core.limits import FetchError, Limits

PAGES = Path(__file__).parent / "pages"
FAST = Limits(read_timeout=2.0, deadline=5.0)


def page(name: str) -> bytes:
    return (PAGES / name).read_bytes()


# (page, what the article must keep, what must be gone)
CASES = [
    (
        "blog-post.html",
        [
            "# Why I Keep a Paper Notebook Beside the Terminal",
            "## What goes in it",
            "- Every command that surprised me, with the flag that fixed it.",
            "```\n#!/bin/sh\n",
            "> Paper is the only tool on my desk that has never needed an update.",
            "[desk tour](https://site.example/projects/desk/)",
        ],
        ["Subscribe by email", "Popular posts", "Leave a reply", "Post comment", "index cards",
         "Privacy policy", "Tag cloud"],
    ),
    (
        "news-article.html",
        [
            "# River town opens its first repair café",
            "## Tools lent, not sold",
            "> Every kettle we save is one less in the river skip.",
            "Residents who want to volunteer can sign up at the library desk.",
        ],
        ["Accept all cookies", "personalised advertising", "Summer sale", "Share this story",
         "Bridge closure", "morning briefing", "Terms of use"],
    ),
    (
        "docs-page.html",
        [
            "# Configuring retries",
            "policy = RetryPolicy(attempts=5, first_wait=0.5, factor=2.0)",
            "1. **attempts**: how many times a job runs before it is marked failed.",
            "`Permanent`",
            "[API reference](https://docs.example.org/tidepool/api.html#permanent)",
        ],
        ["Search docs", "Installation", "Changelog", "Edit on GitHub", "« Previous",
         "© Copyright"],
    ),
    (
        "recipe.html",
        [
            "## Ingredients",
            "- 150 g rolled oats",
            "1. Melt the butter in a small pan",
            "> Let them cool on the tray: warm, they break if you lift them.",
        ],
        ["Free shipping", "Jump to recipe", "Advertisement", "Submit rating", "Reviews",
         "Advertise with us"],
    ),
]  # fmt: skip


@pytest.mark.parametrize(("name", "kept", "dropped"), CASES, ids=[c[0] for c in CASES])
def test_article_keeps_the_body_and_drops_the_boilerplate(
    name: str, kept: list[str], dropped: list[str]
) -> None:
    article = extract(page(name), "https://site.example/post", "text/html; charset=utf-8")
    for text in kept:
        assert text in article.markdown
    for text in dropped:
        assert text not in article.markdown


def test_title_author_and_date_come_from_the_page() -> None:
    article = extract(page("blog-post.html"), "https://site.example/post")
    assert article.title == "Why I Keep a Paper Notebook Beside the Terminal"
    assert article.author == "Marta Quill"
    assert article.date == "2025-02-11"


def test_a_page_of_navigation_only_has_no_article() -> None:
    with pytest.raises(ExtractError, match="no article text found on the page"):
        extract(page("nav-only.html"), "https://site.example/sitemap")


def hostile_page() -> bytes:
    """The blog post with escape sequences, controls, markup and unsafe links in it."""
    html = page("blog-post.html").decode()
    html = html.replace("<title>Why", "<title>\x1b]0;owned\x07Why")
    html = html.replace("cheap squared notebook", "cheap \x1b[31msquared\x1b[0m \u009b6n notebook")
    html = html.replace("It holds the", "It holds &#27;]52;c;aGk=&#7; the \x07&#0;&#x9b;")
    html = html.replace("/projects/desk/", "javascript:alert(1)")
    html = html.replace(
        "People ask why", "[@click=app.quit]People[/] ask why [x](file:///etc/passwd)"
    )
    return html.encode()


def test_escape_sequences_controls_and_unsafe_links_never_come_out() -> None:
    article = extract(hostile_page(), "https://site.example/bad")
    assert not has_control(article.markdown, allow="\n")
    assert not has_control(article.title)
    assert "javascript:" not in article.markdown
    assert not re.search(r"(?<!\\)\]\(file:", article.markdown)  # text, never a link
    assert "squared" in article.markdown and "desk tour" in article.markdown
    assert "\\[@click\\=app.quit\\]People" in article.markdown  # escaped: shown as text


def test_deeply_nested_html_gets_a_message_or_its_text() -> None:
    deep = "<html><body>" + "<div>" * 100_000 + "<p>deep</p>" + "</div>" * 100_000
    try:
        article = extract(deep.encode(), "https://site.example/deep")
    except ExtractError as exc:
        assert exc.message in (
            "no article text found on the page",
            "page too deeply nested to read",
        )
    else:
        assert not has_control(article.markdown, allow="\n")


def test_entity_bombs_are_not_expanded() -> None:
    declarations = (
        '<!ENTITY a "'
        + "x" * 1000
        + '">'
        + "".join(
            f'<!ENTITY {c} "' + f"&{p};" * 10 + '">'
            for p, c in zip("abcdefg", "bcdefgh", strict=True)
        )
    )
    bomb = f"<!DOCTYPE html [{declarations}]><html><body><p>" + "&h;" * 1000 + "</p></body></html>"
    try:
        article = extract(bomb.encode(), "https://site.example/bomb")
    except ExtractError:
        pass
    else:  # the entities stay as they were written: nothing expanded
        assert "x" * 100 not in article.markdown and len(article.markdown) < 10_000
    many = "<html><body><article><p>" + "&amp;&lt;&#27;" * 200_000 + "</p></article></body></html>"
    try:
        article = extract(many.encode(), "https://site.example/many")
    except ExtractError:
        return
    assert not has_control(article.markdown, allow="\n")


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        (
            b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
            "application/pdf",
            "not a web page: a PDF document",
        ),
        (b"%PDF-1.4 lying", "text/html", "not a web page: a PDF document"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image/png", "not a web page: a PNG image"),
        (b"GIF89a\x01\x00", "text/html", "not a web page: a GIF image"),
        (
            b"\x00\x01\x02binary",
            "application/octet-stream",
            "not a web page: application/octet-stream",
        ),
    ],
    ids=["pdf", "pdf-said-html", "png", "gif-said-html", "octet-stream"],
)
def test_documents_that_are_not_pages_are_named(
    body: bytes, content_type: str, message: str
) -> None:
    with pytest.raises(ExtractError) as caught:
        extract(body, "https://site.example/x", content_type)
    assert caught.value.message == message


def streamed(status: int, content: bytes = b"", headers: dict[str, str] | None = None):
    return test_feeds_unit.streamed(status, content, headers)


async def fetched(handler, url: str = "https://site.example/post"):
    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        return await fetch_article(client, url, FAST)


async def test_a_page_fetched_through_a_transport_is_extracted() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        assert "text/html" in request.headers["accept"]
        return streamed(
            200,
            content=page("news-article.html"),
            headers={"content-type": "text/html; charset=utf-8"},
        )

    article = await fetched(handler)
    assert article.title == "River town opens its first repair café"
    assert "Accept all cookies" not in article.markdown


async def test_a_pdf_behind_a_link_is_named() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return streamed(200, content=b"%PDF-1.5 ...", headers={"content-type": "application/pdf"})

    with pytest.raises(ExtractError, match="not a web page: a PDF document"):
        await fetched(handler)


async def test_a_redirect_to_a_file_url_is_refused() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return streamed(302, headers={"location": "file:///etc/passwd"})

    with pytest.raises(FetchError, match="redirect to unsupported scheme"):
        await fetched(handler)


async def test_a_page_over_the_size_cap_is_refused() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return streamed(
            200, content=b"<p>" + b"x" * (50 * 1024 * 1024), headers={"content-type": "text/html"}
        )

    with pytest.raises(FetchError, match="response larger than 10 MB"):
        await fetched(handler)
