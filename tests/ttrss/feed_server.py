"""A feed server for the Tiny Tiny RSS sync tests: ``/feed.xml?seed=S&n=N`` gives N items.

tt-rss only fetches feeds on ports 80 and 443 and refuses loopback names, so this server
listens on 127.0.0.1:80 and tt-rss is told to subscribe to ``http://0.0.0.0/feed.xml``.
Each seed has GUIDs of its own, so every test gets fresh articles on the same server, and
no Last-Modified header is sent, so tt-rss never gets a 304 for a feed that has grown.
"""

import sys
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape

FIRST_DAY = 1764583200  # 2025-12-01 10:00 UTC: a fixed start, so dates do not depend on today


def feed_xml(seed: str, count: int) -> bytes:
    """An RSS 2.0 document with ``count`` items whose GUIDs start with ``seed``."""
    items = []
    for i in range(1, count + 1):
        items.append(
            f"<item><title>{escape(f'Entry {i} of {seed}')}</title>"
            f"<link>http://example.com/{escape(seed)}/{i}</link>"
            f"<guid>{escape(seed)}-{i}</guid>"
            f"<pubDate>{formatdate(FIRST_DAY + 86400 * i, usegmt=True)}</pubDate>"
            f"<description>{escape(f'<p>Text number {i} for {seed}.</p>')}</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>Sync feed {escape(seed)}</title><link>http://example.com/</link>"
        f"<description>Test feed</description>{''.join(items)}</channel></rss>"
    ).encode()


class Handler(BaseHTTPRequestHandler):
    """Answers /feed.xml only."""

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        parts = urlsplit(self.path)
        if parts.path != "/feed.xml":
            self.send_error(404)
            return
        query = parse_qs(parts.query)
        body = feed_xml(query.get("seed", ["default"])[0], int(query.get("n", ["3"])[0]))
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Quiet: the fixture reads failures from tt-rss, not from here."""


if __name__ == "__main__":
    ThreadingHTTPServer((sys.argv[1], int(sys.argv[2])), Handler).serve_forever()
