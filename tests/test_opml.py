"""OPML import and export: round trip, tags from categories and folders, hostile input."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tui_reader.core.feeds.opml import OpmlError, parse_opml, read_opml, to_opml
from tui_reader.core.sources import FeedConfig

NESTED = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>Subscriptions</title></head>
  <body>
    <outline text="Tech">
      <outline text="Python">
        <outline type="rss" text="Planet Python" title="Planet Python"
                 xmlUrl="https://planetpython.org/rss20.xml" category="/Lang/Python,news"/>
      </outline>
      <outline type="rss" text="LWN" xmlUrl="https://lwn.net/headlines/rss"/>
    </outline>
    <outline type="rss" text="Top level only text" xmlurl="http://example.org/feed"/>
  </body>
</opml>
"""


def test_nested_outlines_give_titles_and_tags() -> None:
    feeds = parse_opml(NESTED)
    assert feeds == [
        FeedConfig(
            "https://planetpython.org/rss20.xml",
            "Planet Python",
            ("Tech", "Python", "Lang", "news"),
        ),
        FeedConfig("https://lwn.net/headlines/rss", "LWN", ("Tech",)),
        FeedConfig("http://example.org/feed", "Top level only text", ()),
    ]


def test_round_trip_keeps_titles_and_tags() -> None:
    feeds = [
        FeedConfig("https://example.org/a.xml", 'Quotes " & <angles>', ("one", "Two words")),
        FeedConfig("https://example.org/b.xml?x=1&y=2", "", ()),
        FeedConfig("https://example.org/c.xml", "Ünïcödé 日本語", ("日本",)),
    ]
    document = to_opml(feeds)
    assert document.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">')
    again = parse_opml(document.encode("utf-8"))
    assert [f.url for f in again] == [f.url for f in feeds]
    assert again[0].title == feeds[0].title
    assert again[1].title == feeds[1].url  # an untitled feed is shown by its URL
    assert again[2].title == feeds[2].title
    assert [f.tags for f in again] == [f.tags for f in feeds]


def test_export_cleans_control_characters() -> None:
    document = to_opml([FeedConfig("https://e.org/f", "bad\x1b]0;x\x07\x00title", ("t\x1bag",))])
    assert "\x1b" not in document and "\x00" not in document
    (feed,) = parse_opml(document.encode())
    assert "\x1b" not in feed.title


@pytest.mark.parametrize(
    "url",
    [
        "|rm -rf ~",
        "exec:~/bin/evil",
        "filter:cmd:https://example.org/",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "ssh://host/feed",
        "relative/feed.xml",
        "",
    ],
)
def test_hostile_outlines_are_dropped(url: str) -> None:
    document = (
        '<opml version="2.0"><body>'
        f'<outline text="bad" xmlUrl="{url}"/>'
        '<outline text="good" xmlUrl="https://example.org/good"/>'
        "</body></opml>"
    ).encode()
    result = read_opml(document)
    assert [f.url for f in result.feeds] == ["https://example.org/good"]
    assert result.dropped == 1


def test_duplicate_urls_keep_the_first() -> None:
    document = (
        b'<opml version="2.0"><body>'
        b'<outline text="one" xmlUrl="https://example.org/f"/>'
        b'<outline text="two" xmlUrl="https://example.org/f"/>'
        b"</body></opml>"
    )
    assert [f.title for f in parse_opml(document)] == ["one"]


def test_control_characters_in_titles_and_categories_are_removed() -> None:
    document = (
        '<opml version="2.0"><body><outline text="Fol&#x9;der">'
        '<outline text="Ti&#xD;tle\u202e" category="a\u009bb" xmlUrl="https://e.org/f"/>'
        "</outline></body></opml>"
    ).encode()
    (feed,) = parse_opml(document)
    assert feed.title == "Ti tle"
    assert all(ch.isprintable() for tag in feed.tags for ch in tag)


@pytest.mark.parametrize(
    "prolog",
    [
        '<!DOCTYPE opml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>',
        '<!DOCTYPE opml [\n<!ENTITY x SYSTEM "file:///etc/passwd">\n]>',
        '<!DOCTYPE opml SYSTEM "http://127.0.0.1:9/evil.dtd">',
    ],
)
def test_dtds_and_entities_are_refused(prolog: str) -> None:
    document = (
        f'<?xml version="1.0"?>{prolog}<opml version="2.0"><body>'
        '<outline text="&b;" xmlUrl="https://example.org/f"/></body></opml>'
    ).encode()
    start = time.monotonic()
    with pytest.raises(OpmlError, match="refused"):
        parse_opml(document)
    assert time.monotonic() - start < 3


def test_entities_hidden_in_utf16_are_refused_by_the_parser() -> None:
    document = (
        '<?xml version="1.0" encoding="UTF-16"?>'
        '<!DOCTYPE opml [<!ENTITY a "x">]><opml version="2.0"><body/></opml>'
    ).encode("utf-16")
    with pytest.raises(OpmlError, match="refused"):
        parse_opml(document)


@pytest.mark.parametrize(
    "data", [b"", b"not xml", b"<html><body/></html>", b"<opml><body><outline"]
)
def test_not_opml(data: bytes) -> None:
    with pytest.raises(OpmlError):
        parse_opml(data)


def test_real_file_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "feeds.opml"
    path.write_text(to_opml(parse_opml(NESTED)), encoding="utf-8")
    assert parse_opml(path.read_bytes()) == parse_opml(NESTED)
