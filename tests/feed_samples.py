"""Small feed documents and helpers shared by the feed tests."""

from __future__ import annotations

import json
import unicodedata
import zlib

from tui_reader.core.article import Article

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0">
  <channel>
    <title>Example RSS</title>
    <link>https://example.org/</link>
    <item>
      <title>First post</title>
      <link>https://example.org/posts/1</link>
      <guid>https://example.org/posts/1</guid>
      <author>alice@example.org (Alice)</author>
      <category>Python</category>
      <category>python</category>
      <category>Feeds</category>
      <pubDate>Tue, 02 Jan 2024 10:00:00 +0200</pubDate>
      <description><![CDATA[<p>Hello <b>world</b>. <a href="/about">About</a></p>]]></description>
    </item>
    <item>
      <title>Second post</title>
      <link>https://example.org/posts/2</link>
      <guid isPermaLink="false">post-2</guid>
      <pubDate>Wed, 03 Jan 2024 10:00:00 GMT</pubDate>
      <description>Second body</description>
    </item>
  </channel>
</rss>
"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Example Atom</title>
  <id>urn:example:atom</id>
  <updated>2024-02-01T00:00:00Z</updated>
  <entry>
    <title type="html">An &lt;em&gt;Atom&lt;/em&gt; entry</title>
    <id>urn:example:atom:1</id>
    <link rel="alternate" href="https://example.org/atom/1"/>
    <updated>2024-02-01T12:30:00Z</updated>
    <author><name>Bob</name></author>
    <category term="atom"/>
    <summary>Short summary</summary>
    <content type="html"><![CDATA[<h2>Heading</h2>
      <p>Long body with more text than the summary.</p>]]></content>
  </entry>
</feed>
"""


def json_feed(version: str = "https://jsonfeed.org/version/1.1", **extra: object) -> bytes:
    doc: dict[str, object] = {
        "version": version,
        "title": "Example JSON",
        "home_page_url": "https://example.org/",
        "items": [
            {
                "id": "j1",
                "url": "https://example.org/json/1",
                "title": "JSON one",
                "content_html": "<p>JSON <a href='/x'>body</a></p>",
                "summary": "JSON summary",
                "date_published": "2024-03-01T08:00:00+01:00",
                "authors": [{"name": "Carol"}],
                "tags": ["json", "Feeds"],
            },
            {
                "id": 2,
                "external_url": "https://elsewhere.example/2",
                "content_text": "Plain *text* [not](a link)",
                "date_modified": "2024-03-02T08:00:00Z",
                "author": {"name": "Dave"},
            },
        ],
    }
    doc.update(extra)
    return json.dumps(doc).encode("utf-8")


def rss_with_items(*items: str, title: str = "Feed") -> bytes:
    body = "".join(f"<item>{item}</item>" for item in items)
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>'
        f"{body}</channel></rss>"
    ).encode()


def billion_laughs(one_line: bool = False) -> bytes:
    lines = ['<?xml version="1.0"?>', "<!DOCTYPE rss [", '<!ENTITY lol "lol">']
    for i in range(1, 10):
        previous = "&lol;" if i == 1 else f"&lol{i - 1};"
        lines.append(f'<!ENTITY lol{i} "{previous * 10}">')
    lines += ["]>", '<rss version="2.0"><channel><title>&lol9;</title>',
              "<item><title>&lol9;</title></item></channel></rss>"]  # fmt: skip
    return ("" if one_line else "\n").join(lines).encode()


def quadratic_blowup() -> bytes:
    entity = "x" * 50_000
    refs = "&a;" * 40_000
    return (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "{entity}">]>'
        f'<rss version="2.0"><channel><title>q</title><item><title>{refs}</title>'
        "</item></channel></rss>"
    ).encode()


def gzip_bomb(total: int = 1 << 30, member: int = 64 << 20) -> bytes:
    """Gzip members of zeros, streamed through zlib: ~1 MB on the wire, 1 GiB decoded.

    Concatenated members are legal gzip, so one 64 MiB member repeated is a 1 GiB bomb
    without ever holding or compressing 1 GiB.
    """
    chunk = bytes(1 << 20)
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    parts = [compressor.compress(chunk) for _ in range(member // len(chunk))]
    parts.append(compressor.flush())
    one = b"".join(parts)
    return one * (total // member)


def gzip_bytes(data: bytes) -> bytes:
    compressor = zlib.compressobj(6, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


def has_control(text: str, allow: str = "") -> bool:
    """True if ``text`` holds a control character (category Cc) other than ``allow``."""
    return any(unicodedata.category(ch) == "Cc" and ch not in allow for ch in text)


def article_strings(article: Article) -> dict[str, str]:
    """Every one-line string field of an article, by name (the body is separate)."""
    fields = {
        "key": article.key,
        "title": article.title,
        "author": article.author,
        "summary": article.summary,
        "link": article.link,
        "location": article.location,
        "source": article.source,
        "feed_title": article.feed_title,
    }
    fields.update({f"tag{i}": tag for i, tag in enumerate(article.tags)})
    fields.update({f"warning{i}": w for i, w in enumerate(article.warnings)})
    return fields
