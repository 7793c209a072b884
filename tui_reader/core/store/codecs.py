"""How values travel in and out of SQLite: keys, display text, dates, JSON lists.

Keys and paths may hold lone surrogates (undecodable file names): those are stored as
UTF-8 BLOBs with ``surrogatepass`` so they round-trip exactly; other keys stay readable
TEXT. Display text has surrogates replaced by U+FFFD, as sqlite3 refuses them.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from tui_reader.core.article import Heading

_SURROGATES = re.compile(r"[\ud800-\udfff]")


def encode_key(value: str) -> str | bytes:
    """A key or path as stored: TEXT normally, a UTF-8 BLOB if it holds lone surrogates.

    The mapping is a function of the string, so lookups bind the same value that was
    stored; TEXT and BLOB never compare equal, so no two keys collide.
    """
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return value.encode("utf-8", "surrogatepass")
    return value


def decode_key(value: str | bytes) -> str:
    """The key or path :func:`encode_key` stored, exactly."""
    return value.decode("utf-8", "surrogatepass") if isinstance(value, bytes) else value


def storable_text(value: str | None) -> str:
    """Display text made storable: sqlite3 refuses lone surrogates, so they become U+FFFD."""
    if not value:
        return ""
    return _SURROGATES.sub("\ufffd", value) if _SURROGATES.search(value) else value


def storable_text_or_none(value: str | None) -> str | None:
    return None if value is None else storable_text(value)


def iso_or_none(value: datetime | None) -> str | None:
    # Kept as given (offset included) so a cached article equals a freshly parsed one.
    return None if value is None else value.isoformat()


def parse_datetime(value: object) -> datetime | None:
    """A stored ISO date back as a datetime; anything else (NULL, garbage) is None."""
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


def json_list(values: Iterable[Any]) -> str:
    # ensure_ascii (the default) escapes lone surrogates as \udcxx, so the JSON is pure
    # ASCII, always storable, and json.loads gives the exact strings back.
    return json.dumps(list(values))


def load_json_list(text: object) -> list[Any]:
    """A stored JSON list; anything that is not one reads as empty."""
    if not isinstance(text, str):
        return []
    try:
        value = json.loads(text)
    except ValueError:
        return []
    return value if isinstance(value, list) else []


def json_strings(text: object) -> tuple[str, ...]:
    """The strings of a stored JSON list (tags, warnings); other items are dropped."""
    return tuple(item for item in load_json_list(text) if isinstance(item, str))


def headings_from(items: Iterable[Any]) -> tuple[Heading, ...]:
    """Headings from stored ``[level, text, anchor]`` lists; malformed ones are dropped."""
    out: list[Heading] = []
    for item in items:
        if isinstance(item, list) and len(item) == 3:
            level, text, anchor = item
            if isinstance(level, int) and isinstance(text, str) and isinstance(anchor, str):
                out.append(Heading(level, text, anchor))
    return tuple(out)


def clamp_fraction(value: float) -> float:
    """A reading position made storable: a finite number in 0..1."""
    value = float(value)
    if not math.isfinite(value):
        return 0.0
    return min(1.0, max(0.0, value))


def sort_timestamp(value: datetime | None) -> float:
    """A date as a number to sort by: undated first, naive dates taken as UTC."""
    if value is None:
        return float("-inf")
    if value.tzinfo is None:  # naive and aware datetimes cannot be compared directly
        value = value.replace(tzinfo=UTC)
    return value.timestamp()
