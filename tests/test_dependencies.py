"""What tui-reader takes from its dependencies beyond their public API, and how it names itself.

The fast RSS reader (``core/feeds/fastrss.py``) and the date reader (``core/feeds/dates.py``)
use feedparser's private helpers so that their results are feedparser's own. If a
feedparser release drops one, the fast reader fails to import and every feed quietly
goes through feedparser, several times slower: this test says which names went.
"""

from __future__ import annotations

import importlib
import tomllib
from pathlib import Path

from pytest_httpserver import HTTPServer

from tui_reader import __version__
from tui_reader.core.feeds.fetch import Limits, fetch, make_client

ROOT = Path(__file__).resolve().parent.parent

# (module, attribute path) for every feedparser name used other than feedparser.parse
FEEDPARSER_NAMES = [
    ("feedparser.datetimes", "_parse_date"),
    ("feedparser.encodings", "convert_to_utf8"),
    ("feedparser.html", "_cp1252"),
    ("feedparser.mixin", "_FeedParserMixin.looks_like_html"),
    ("feedparser.urls", "_urljoin"),
    ("feedparser.urls", "make_safe_absolute_uri"),
    ("feedparser", "NonXMLContentType"),
]


def _missing(module_name: str, path: str) -> bool:
    try:
        value: object = importlib.import_module(module_name)
    except ImportError:
        return True
    for part in path.split("."):
        if not hasattr(value, part):
            return True
        value = getattr(value, part)
    return False


def test_feedparser_still_has_the_private_names_the_fast_reader_uses() -> None:
    import feedparser

    missing = [f"{m}.{p}" for m, p in FEEDPARSER_NAMES if _missing(m, p)]
    assert not missing, (
        f"feedparser {feedparser.__version__} no longer has {', '.join(missing)}: "
        "core/feeds/fastrss.py and dates.py need them (pyproject.toml pins feedparser to 6.0.x)"
    )
    importlib.import_module("tui_reader.core.feeds.fastrss")  # and the fast reader loads


def test_the_user_agent_names_the_version_and_the_home_given_in_pyproject(
    httpserver: HTTPServer,
) -> None:
    import asyncio

    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    home = meta["project"]["urls"]["Homepage"]
    httpserver.expect_request("/feed.xml").respond_with_data(b"<rss/>")

    async def get() -> None:
        async with make_client(Limits()) as client:
            await fetch(client, httpserver.url_for("/feed.xml"))

    asyncio.run(get())
    request, _response = httpserver.log[0]
    assert request.headers["User-Agent"] == f"tui-reader/{__version__} (+{home})"
