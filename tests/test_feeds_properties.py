"""Property tests: whatever text a feed carries, parsing raises only FeedError and every
string that comes out is free of control characters (bodies may keep newlines and tabs)."""

from __future__ import annotations

import json
import os
from xml.sax.saxutils import escape

from feed_samples import article_strings, has_control
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui_reader.core.feeds.model import FeedError, ParsedFeed
from tui_reader.core.feeds.parse import parse_feed

URL = "https://example.org/feed"
SETTINGS = settings(
    max_examples=int(os.environ.get("FEED_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

# Text with a strong bias towards what attackers send: escape sequences, C0/C1 controls,
# bidi overrides, markup and entity references.
NASTY = st.sampled_from(
    ["\x1b]0;t\x07", "\x1b[2J", "\x9b6n", "\x9d8;;x\x9c", "\x00", "\x7f", "\r\n", "\u202e",
     "&#27;", "&#x9b;", "<b>", "</a>", "[/]", "[@click=app.quit]", "javascript:", "](x)",
     "<![CDATA[", "]]>", "&amp;", "&lt;script&gt;", "\t", "\n", "\udcff"]
)  # fmt: skip
TEXT = st.lists(st.one_of(st.text(max_size=20), NASTY), max_size=6).map("".join)


def check(parsed: ParsedFeed) -> None:
    assert not has_control(parsed.title)
    for warning in parsed.warnings:
        assert not has_control(warning)
    for article in parsed.articles:
        for name, value in article_strings(article).items():
            assert not has_control(value), (name, value)
        assert not has_control(article.body or "", allow="\n\t")
        assert article.date is None or article.date.tzinfo is not None


def run(body: bytes, headers: dict[str, str]) -> None:
    try:
        parsed = parse_feed(body, url=URL, headers=headers, feed_tags=("tag",))
    except FeedError as exc:
        assert not has_control(exc.message)
        return
    check(parsed)


def xml_text(text: str, raw: bool) -> str:
    """The field as it would appear in the document: escaped, or raw (ill-formed XML)."""
    return text if raw else escape(text)


@SETTINGS
@given(
    title=TEXT, link=TEXT, guid=TEXT, author=TEXT, category=TEXT, description=TEXT,
    date=TEXT, raw=st.booleans(), cdata=st.booleans(),
)  # fmt: skip
def test_rss_fields_never_leak_controls(
    title: str, link: str, guid: str, author: str, category: str, description: str,
    date: str, raw: bool, cdata: bool,
) -> None:  # fmt: skip
    desc = f"<![CDATA[{description}]]>" if cdata else xml_text(description, raw)
    item = (
        f"<item><title>{xml_text(title, raw)}</title><link>{xml_text(link, raw)}</link>"
        f"<guid>{xml_text(guid, raw)}</guid><author>{xml_text(author, raw)}</author>"
        f"<category>{xml_text(category, raw)}</category><pubDate>{xml_text(date, raw)}</pubDate>"
        f"<description>{desc}</description></item>"
    )
    body = (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{xml_text(title, raw)}</title>{item}{item}</channel></rss>"
    ).encode("utf-8", "surrogatepass")
    run(body, {"content-type": "application/rss+xml"})


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(TEXT, children, max_size=3),
    max_leaves=8,
)
ITEM_KEYS = ["id", "url", "external_url", "title", "content_html", "content_text", "summary",
             "date_published", "date_modified", "author", "authors", "tags"]  # fmt: skip


@SETTINGS
@given(
    items=st.lists(
        st.fixed_dictionaries({}, optional={k: TEXT | JSON_VALUES for k in ITEM_KEYS}),
        max_size=4,
    ),
    title=TEXT | JSON_VALUES,
    version=st.sampled_from(
        ["https://jsonfeed.org/version/1", "https://jsonfeed.org/version/1.1", "other"]
    ),
)
def test_json_feed_fields_never_leak_controls(items: list, title: object, version: str) -> None:
    doc = {"version": version, "title": title, "items": items}
    body = json.dumps(doc).encode("utf-8", "surrogatepass")
    run(body, {"content-type": "application/feed+json"})


@SETTINGS
@given(st.binary(max_size=300))
def test_arbitrary_bytes_raise_only_feed_error(body: bytes) -> None:
    run(body, {})
