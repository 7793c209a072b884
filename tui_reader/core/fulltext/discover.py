"""Feeds found from a site's address: the page's ``<link rel="alternate">`` feeds (RSS,
Atom and JSON Feed), else the common paths (``/feed``, ``/rss.xml``, ``/atom.xml``,
``/index.xml``, ``/feed.json``). An address that is a feed already is that feed.
"""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from tui_reader.core.fulltext.extract import decode_page
from tui_reader.core.limits import FetchError, Limits
from tui_reader.core.sanitize import HTTP_SCHEMES, CleanError, clean_line, safe_url

if TYPE_CHECKING:
    import httpx

FEED_TYPES = {
    "application/rss+xml": "RSS",
    "application/atom+xml": "Atom",
    "application/feed+json": "JSON Feed",
    "application/json": "JSON Feed",
    "application/rdf+xml": "RSS",
}
COMMON_PATHS = ("/feed", "/rss.xml", "/atom.xml", "/index.xml", "/feed.json")
DISCOVERY_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, "
    "text/html;q=0.9, application/xml;q=0.8, */*;q=0.5"
)
MAX_FOUND = 50  # a page naming more feeds than this is cut there
_HEAD_BYTES = 1024 * 1024  # <link> elements belong in the head: the first megabyte is read


class DiscoveryError(CleanError):
    """No feed could be found; the message is one clean line."""


@dataclass(frozen=True, slots=True)
class FoundFeed:
    """A feed a page names (or the address itself, when it is a feed)."""

    url: str
    title: str = ""
    kind: str = ""  # "RSS", "Atom", "JSON Feed" or ""

    def label(self) -> str:
        """One line for a picker or a numbered list: title, kind and URL."""
        parts = [p for p in (self.title, f"({self.kind})" if self.kind else "") if p]
        return " ".join([*parts, self.url]) if parts else self.url


class _LinkFinder(HTMLParser):
    def __init__(self, base: str) -> None:
        super().__init__(convert_charrefs=True)
        self.base = base
        self.found: list[FoundFeed] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "base":
            href = dict(attrs).get("href")
            if href and (resolved := safe_url(urljoin(self.base, href.strip()), HTTP_SCHEMES)):
                self.base = resolved
            return
        if tag != "link" or len(self.found) >= MAX_FOUND:
            return
        values = {k.lower(): (v or "") for k, v in attrs}
        rels = values.get("rel", "").lower().split()
        kind = FEED_TYPES.get(values.get("type", "").split(";")[0].strip().lower())
        if "alternate" not in rels or kind is None or not values.get("href", "").strip():
            return
        url = safe_url(urljoin(self.base, values["href"].strip()), HTTP_SCHEMES)
        if url and all(f.url != url for f in self.found):
            self.found.append(FoundFeed(url, clean_line(values.get("title", ""), 120), kind))


def feeds_in_page(html: str, base: str) -> list[FoundFeed]:
    """The feeds a page names in ``<link rel="alternate" type=...>``, relative ``href``
    resolved against ``base`` (or the page's ``<base href>``); http(s) only."""
    finder = _LinkFinder(base)
    try:
        finder.feed(html[:_HEAD_BYTES])
        finder.close()
    except (AssertionError, ValueError):  # html.parser on badly broken markup
        pass
    return finder.found


def feed_kind(body: bytes, content_type: str = "") -> str | None:
    """"RSS", "Atom" or "JSON Feed" when these bytes are a feed, else None."""
    kind = content_type.split(";", 1)[0].strip().lower()
    start = body[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if kind in ("application/feed+json", "application/json") or start.startswith(b"{"):
        return "JSON Feed" if b"jsonfeed.org/version" in body[:4096].lower() else None
    if b"<html" in start or (kind in ("text/html", "application/xhtml+xml")):
        return None
    if b"<rss" in start or b"<rdf:rdf" in start:
        return "RSS"
    if b"<feed" in start:
        return "Atom"
    return None


async def discover(client: httpx.AsyncClient, url: str, limits: Limits) -> list[FoundFeed]:
    """The feeds of ``url``: itself when it is a feed, else the ones its page names, else
    the first common path that answers with a feed. Raises :class:`FetchError` when the
    address cannot be fetched and :class:`DiscoveryError` when no feed is found."""
    from tui_reader.core.fulltext.page import fetch_page

    page = await fetch_page(client, url, limits, accept=DISCOVERY_ACCEPT)
    kind = feed_kind(page.body, page.content_type)
    if kind is not None:
        return [FoundFeed(url, "", kind)]
    found = feeds_in_page(decode_page(page.body, page.content_type), page.url)
    if found:
        return found
    parts = urlsplit(page.url)
    origin = f"{parts.scheme}://{parts.netloc}"
    for path in COMMON_PATHS:
        candidate = origin + path
        try:
            answer = await fetch_page(client, candidate, limits, accept=DISCOVERY_ACCEPT)
        except FetchError:
            continue
        kind = feed_kind(answer.body, answer.content_type)
        if kind is not None:
            return [FoundFeed(candidate, "", kind)]
    shown = clean_line(url)
    raise DiscoveryError(
        f"{shown}: no feed found (the page names none, and none of "
        + ", ".join(COMMON_PATHS)
        + " is a feed)"
    )


def discover_now(url: str, limits: Limits | None = None) -> list[FoundFeed]:
    """:func:`discover` for the command line, with a client of its own."""
    import asyncio

    from tui_reader.core.feeds.fetch import make_client

    limits = limits or Limits()

    async def run() -> list[FoundFeed]:
        async with make_client(limits) as client:
            return await discover(client, url, limits)

    return asyncio.run(run())
