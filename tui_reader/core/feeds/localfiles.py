"""Feeds kept as local files: a path or ``file:`` URL recognised, and the file read safely."""

from __future__ import annotations

import os
import stat
from urllib.parse import urlsplit
from urllib.request import url2pathname

from tui_reader.core.feeds.model import FeedError
from tui_reader.core.limits import format_size


def local_path(url: str) -> str | None:
    """The file path of a local feed (a plain path or a ``file:`` URL), else None."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "file":
        return url2pathname(parts.path)
    if scheme == "" or (len(scheme) == 1 and os.name == "nt"):
        return os.path.expanduser(url)
    return None


def read_local_feed(path: str, max_bytes: int, what: str = "feed file") -> bytes:
    """Read a feed file (or ``what`` else): regular files only (a FIFO never blocks us), at
    most ``max_bytes``."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise FeedError(f"cannot open the {what}: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise FeedError("not a regular file")
        if info.st_size > max_bytes:
            raise FeedError(f"file larger than {format_size(max_bytes)}")
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise FeedError(f"cannot read the {what}: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    if len(data) > max_bytes:
        raise FeedError(f"file larger than {format_size(max_bytes)}")
    return data
