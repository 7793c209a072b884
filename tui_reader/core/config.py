"""The configuration file (TOML): sources, feeds, reading speed, pictures and key remapping.

Example::

    sources = ["~/blog/content", "~/notes"]
    wpm = 212
    measure = 76
    images = "auto"

    [[feeds]]
    url = "https://example.org/feed.xml"
    title = "Example"
    tags = ["python"]
    full_text = "auto"    # or true / false: fetch the article of summary-only entries

    [keys]
    toggle_toc = "T,f2"

    [sync]                       # see core/sync/settings.py
    service = "ttrss"

A live library (all optional)::

    watch = true                 # false: no watching; "poll": poll (network drives)
    refresh_minutes = 60         # feeds refreshed in the background; 0: off; min 1
    keep_days = 90               # read entries older than this are removed
    max_entries_per_feed = 500   # and past the newest 500 of their feed

A broken config file is reported (with the file name and the problem) and the reader
starts with what it could read, never with a crash.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from tui_reader.core.fulltext.policy import parse_mode
from tui_reader.core.markdown.readtime import HUGO_WPM
from tui_reader.core.sanitize import HTTP_SCHEMES, clean_error, clean_line, clean_tags, safe_url
from tui_reader.core.sources import FeedConfig

DEFAULT_MINUTES = 60  # refresh_minutes when the config does not say

if TYPE_CHECKING:
    from tui_reader.core.sync.settings import SyncConfig


@dataclass
class Config:
    """Everything the config file may set."""

    sources: list[str] = field(default_factory=list)
    feeds: list[FeedConfig] = field(default_factory=list)
    wpm: int = HUGO_WPM
    measure: int = 76  # columns of article text at most (ui/widgets/page.py)
    keys: dict[str, str] = field(default_factory=dict)
    images: str = "auto"  # pictures: auto, kitty, sixel, halfblock or off
    image_cache_mb: int = 100  # fetched pictures kept on disk
    # The live library: watched folders, scheduled refresh, a bounded feed cache.
    watch: bool | str = True  # True, False or "poll"
    refresh_minutes: int = DEFAULT_MINUTES
    keep_days: int | None = None  # None: keep every entry
    max_entries_per_feed: int | None = None
    errors: list[str] = field(default_factory=list)
    path: Path | None = None
    exists: bool = False
    sync: SyncConfig | None = None  # the [sync] table (core/sync/settings.py)


def load_config(path: Path) -> Config:
    """Read the config file; a missing file gives the defaults."""
    config = Config(path=path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return config
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        config.exists = True
        config.errors.append(f"{clean_line(str(path))}: {clean_error(exc)}")
        return config
    config.exists = True
    sources = data.get("sources", [])
    if isinstance(sources, str):
        sources = [sources]
    config.sources = [os.path.expanduser(s) for s in sources if isinstance(s, str)]
    shown = clean_line(str(path))
    config.wpm = _number(data, "wpm", 20, 5000, config, shown, config.wpm)
    config.measure = _number(data, "measure", 30, 200, config, shown, config.measure)
    for entry in data.get("feeds", []) or []:
        feed = _feed_from(entry)
        if feed is None:
            config.errors.append(f"{clean_line(str(path))}: skipped a feed without a valid url")
            continue
        given = entry.get("full_text", "auto") if isinstance(entry, dict) else "auto"
        mode = parse_mode(given)
        if mode is None:
            config.errors.append(
                f"{clean_line(str(path))}: full_text of {clean_line(feed.url)} must be"
                ' true, false or "auto"; using "auto"'
            )
        elif mode != feed.full_text:
            feed = replace(feed, full_text=mode)
        config.feeds.append(feed)
    _read_images(data, config, clean_line(str(path)))
    keys = data.get("keys", {})
    if isinstance(keys, dict):
        config.keys = {str(k): str(v) for k, v in keys.items() if isinstance(v, str)}
    _live_settings(config, data, clean_line(str(path)))
    if "sync" in data:  # read only by those who sync: nothing added to everyone's start
        from tui_reader.core.sync.settings import parse_sync

        config.sync, problems = parse_sync(data["sync"], path)
        config.errors.extend(problems)
    return config


IMAGE_SETTINGS = ("auto", "kitty", "sixel", "halfblock", "off")


def _read_images(data: dict[str, object], config: Config, name: str) -> None:
    images = data.get("images")
    if images in IMAGE_SETTINGS:
        config.images = str(images)
    elif images is not None:
        config.errors.append(f"{name}: images must be one of {', '.join(IMAGE_SETTINGS)}")
    config.image_cache_mb = _number(
        data, "image_cache_mb", 0, 100_000, config, name, config.image_cache_mb
    )


def _number(
    data: dict[str, object], key: str, low: int, high: int, config: Config, shown: str, now: int
) -> int:
    """``data[key]`` when it is a whole number from ``low`` to ``high``; else ``now``, and
    a problem named with the file ``shown`` when the key was there."""
    value = data.get(key)
    if isinstance(value, int) and low <= value <= high:
        return value
    if value is not None:
        config.errors.append(f"{shown}: {key} must be a number from {low} to {high}")
    return now


def _live_settings(config: Config, data: dict[str, object], shown: str) -> None:
    watch = data.get("watch", True)
    if isinstance(watch, bool) or watch == "poll":
        config.watch = watch
    else:
        config.errors.append(f'{shown}: watch must be true, false or "poll"')
    minutes = refresh_minutes(data.get("refresh_minutes"))
    if minutes is not None:
        config.refresh_minutes = minutes
    elif "refresh_minutes" in data:
        config.errors.append(f"{shown}: refresh_minutes must be 0 (off) or a number from 1")
    for name in ("keep_days", "max_entries_per_feed"):
        value = data.get(name)
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            setattr(config, name, value)
        elif value is not None:
            config.errors.append(f"{shown}: {name} must be a number from 1")


def refresh_minutes(value: object) -> int | None:
    """A valid ``refresh_minutes``, or None: 0 is off, else from 1 to a week (10080)."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 10080:
        return value
    return None


def _feed_from(entry: object) -> FeedConfig | None:
    if isinstance(entry, str):
        entry = {"url": entry}
    if not isinstance(entry, dict):
        return None
    url = entry.get("url")
    if not isinstance(url, str):
        return None
    if safe_url(url, HTTP_SCHEMES) is None and not Path(url).expanduser().exists():
        return None
    return FeedConfig(
        url=url if "://" in url else os.path.expanduser(url),
        title=clean_line(entry.get("title", "")),
        tags=clean_tags(entry.get("tags", ())),
        refresh_minutes=refresh_minutes(entry.get("refresh_minutes")),
    )


def _toml_string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    escaped = "".join(c if c >= " " else f"\\u{ord(c):04x}" for c in escaped)
    return f'"{escaped}"'


def _toml_list(values: list[str] | tuple[str, ...]) -> str:
    return "[" + ", ".join(_toml_string(v) for v in values) + "]"


def append_feeds(path: Path, feeds: list[FeedConfig]) -> None:
    """Add ``[[feeds]]`` tables to the end of the config file, keeping everything in it.

    The file is replaced atomically (a temporary file in the same folder, then a rename),
    so a crash leaves either the old file or the new one, never half of one.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ""
    lines = [text.rstrip("\n"), ""] if text.strip() else []
    for feed in feeds:
        lines.append("[[feeds]]")
        lines.append(f"url = {_toml_string(feed.url)}")
        if feed.title:
            lines.append(f"title = {_toml_string(feed.title)}")
        if feed.tags:
            lines.append(f"tags = {_toml_list(feed.tags)}")
        if feed.full_text != "auto":
            lines.append(f"full_text = {feed.full_text}")
        lines.append("")
    new_text = "\n".join(lines)
    tomllib.loads(new_text)  # never write a file we could not read back
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.write(new_text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
