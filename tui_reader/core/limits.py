"""What a feed fetch may cost, and how it reports failure: the light half of
:mod:`tui_reader.core.feeds.fetch`, which needs httpx. Code that only states limits or handles
fetch errors (the feed model, the interface at start) imports this and not httpx.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from tui_reader.core.sanitize import CleanError

MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Limits:
    """How much one feed fetch may cost. The defaults follow THREATS.md "Suggested limits"."""

    max_bytes: int = 10 * MB  # decoded body
    read_timeout: float = 10.0  # seconds without data on one read (and to connect)
    deadline: float = 30.0  # seconds for the whole fetch, redirects included
    max_redirects: int = 10
    concurrency: int = 4  # feeds fetched at once
    retry_after_cap: float = 24 * 3600.0


@dataclass(frozen=True, slots=True)
class FetchResult:
    """A successful fetch. ``body`` is empty when ``status`` is ``"not_modified"``."""

    status: Literal["ok", "not_modified"]
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    final_url: str = ""
    etag: str | None = None
    last_modified: str | None = None


class FetchError(CleanError):
    """A fetch that failed; ``message`` is one clean line fit to show the user."""

    def __init__(
        self, message: str, *, status: int | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after  # seconds, already capped, for 429 and 503


def format_size(n: int) -> str:
    """``10 MB``, ``64 KB`` or ``100 bytes``: the size a limit is stated in."""
    if n >= MB:
        return f"{n / MB:g} MB"
    if n >= 1024:
        return f"{n / 1024:g} KB"
    return f"{n} bytes"


