"""Split a Markdown file into front matter and body, and turn the front matter into a Meta.

Hugo's three forms are understood: YAML between ``---`` lines, TOML between ``+++`` lines
and a leading JSON object. Front matter is outside text written by anyone, so (see
THREATS.md rows 8 and 14):

* nothing here raises: a broken header becomes an error message and an empty mapping,
  and the body is still returned, without the header;
* YAML is read with the safe loader only, and anchors and aliases are refused before
  anything is built, so an alias bomb never reaches ``str()`` or ``json.dumps()``;
* headers are capped at 64 KB and nesting at :data:`MAX_DEPTH`;
* every value is coerced to the type :class:`Meta` promises, and every string passes
  through :mod:`tui_reader.core.sanitize`.
"""

from __future__ import annotations

import email.utils
import json
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any

import yaml

from tui_reader.core.article import SUMMARY_LIMIT
from tui_reader.core.local import simpleyaml
from tui_reader.core.sanitize import clean_error, clean_line, clean_tags

MAX_FRONT_MATTER = 64 * 1024  # bytes of UTF-8
MAX_DEPTH = 64  # nested mappings/lists; real front matter uses three or four
_MAX_AUTHORS = 20

Data = dict[Any, Any]


@dataclass(frozen=True, slots=True)
class Meta:
    """Front matter fields, cleaned and typed. Dates are timezone-aware UTC or None."""

    title: str = ""
    date: datetime | None = None
    lastmod: datetime | None = None
    author: str = ""
    tags: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    summary: str = ""
    draft: bool = False
    warnings: tuple[str, ...] = ()
    listed: bool | None = None  # Hugo's build options; None: not said (a cascade may)
    cascade: bool | None = None  # a section's "cascade" of them to the pages below it


# --- YAML loader -------------------------------------------------------------------------

_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_BOOL_TAG = "tag:yaml.org,2002:bool"


class _Loader(_BaseLoader):  # type: ignore[valid-type,misc]
    """The safe loader, with YAML 1.2 booleans and forgiving timestamps.

    YAML 1.1 reads ``title: no`` or ``title: off`` as False; only true/false are booleans
    here, so such titles stay text (``draft: yes`` is still understood by :func:`normalise`).
    """


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != _BOOL_TAG]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    _BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _construct_timestamp(loader: yaml.SafeLoader, node: yaml.Node) -> object:
    # PyYAML raises a bare ValueError for 2024-13-01 or 30 February; keep the text instead,
    # so one bad date costs a warning rather than the whole header.
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)  # type: ignore[arg-type]
    except ValueError:
        return loader.construct_scalar(node)  # type: ignore[arg-type]


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
simpleyaml.use_loader(_Loader)


class _Refused(Exception):
    """The header uses a YAML feature we do not accept."""


# Every collection opens with one of these characters, so a header with fewer of them
# than MAX_DEPTH cannot nest too deeply; without "&" and "*" it has no anchor or alias.
_COLLECTION_MARKS = "[{-:?"


def _needs_event_check(header: str) -> bool:
    if "&" in header or "*" in header:
        return True
    return sum(header.count(mark) for mark in _COLLECTION_MARKS) > MAX_DEPTH


def _load_yaml(header: str) -> object:
    # First pass: events only (libyaml, no objects built), so an anchor, an alias or
    # absurd nesting is refused before the composer could expand anything. Most headers
    # cannot hold either, and skip this pass (it doubled the cost of a scan).
    simple = simpleyaml.load(header)
    if simple is not simpleyaml.UNSUPPORTED:
        return simple
    if not _needs_event_check(header):
        return yaml.load(header, Loader=_Loader)  # noqa: S506 - _Loader is the safe loader
    depth = 0
    for event in yaml.parse(header, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise _Refused("anchors and aliases are not allowed")
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise _Refused("nested too deeply")
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return yaml.load(header, Loader=_Loader)  # noqa: S506 - _Loader is the safe loader


# --- splitting ---------------------------------------------------------------------------

_YAML_OPEN = re.compile(r"---[ \t]*\n")
_YAML_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*$\n?", re.MULTILINE)
_TOML_OPEN = re.compile(r"\+\+\+[ \t]*\n")
_TOML_CLOSE = re.compile(r"^\+\+\+[ \t]*$\n?", re.MULTILINE)
# Strings (with escapes) and braces: enough to find where a JSON object ends in one pass.
_JSON_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[{}]|"', re.DOTALL)
_JSON_CLOSE_LINE = re.compile(r"^\}[ \t]*$\n?", re.MULTILINE)


def split_front_matter(text: str) -> tuple[Data, str, str | None, str | None]:
    """Return ``(data, body, fmt, error)`` for a Markdown text.

    ``fmt`` is "yaml", "toml", "json" or None (no front matter). On any problem ``data``
    is empty and ``error`` is a one-line message; ``body`` never contains the header.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:  # read_text_file already does this; other callers may not
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if opening := _YAML_OPEN.match(text):
        return _split_fenced(text, opening.end(), _YAML_CLOSE, "yaml")
    if opening := _TOML_OPEN.match(text):
        return _split_fenced(text, opening.end(), _TOML_CLOSE, "toml")
    # "{{<" is a Hugo shortcode at the top of a body, never a JSON object.
    if text.startswith("{") and not text.startswith("{{"):
        return _split_json(text)
    return {}, text, None, None


def _split_fenced(
    text: str, start: int, closing_re: re.Pattern[str], fmt: str
) -> tuple[Data, str, str | None, str | None]:
    closing = closing_re.search(text, start)
    if closing is None:
        # An opening "---" with nothing to close it is a thematic break, not a header.
        return {}, text, None, None
    header, body = text[start : closing.start()], text[closing.end() :]
    data, fmt_found, error = _parse(header, fmt)
    return data, body, fmt_found, error


def _split_json(text: str) -> tuple[Data, str, str | None, str | None]:
    end = _json_object_end(text)
    if end is None:
        # Unbalanced: guess the header ends at a line holding only "}", so the body is
        # kept; with no such line the whole file is the (broken) header.
        line = _JSON_CLOSE_LINE.search(text)
        body = text[line.end() :] if line else ""
        return {}, body, "json", "JSON front matter: the object is not closed"
    header, body = text[:end], text[end:]
    if body.startswith("\n"):
        body = body[1:]
    data, fmt, error = _parse(header, "json")
    return data, body, fmt, error


def _json_object_end(text: str) -> int | None:
    depth = 0
    for token in _JSON_TOKENS.finditer(text):
        value = token.group()
        if value == "{":
            depth += 1
        elif value == "}":
            depth -= 1
            if depth == 0:
                return token.end()
        elif value == '"':
            return None  # a string that never ends
    return None


_LABELS = {"yaml": "YAML", "toml": "TOML", "json": "JSON"}


def _parse(header: str, fmt: str) -> tuple[Data, str, str | None]:
    """Parse one header; returns ``(data, fmt, error)`` and never raises."""
    label = _LABELS[fmt]
    if len(header.encode("utf-8", "surrogatepass")) > MAX_FRONT_MATTER:
        return {}, fmt, "front matter larger than 64 KB"
    try:
        if fmt == "yaml":
            data: object = _load_yaml(header)
        elif fmt == "toml":
            data = tomllib.loads(header)
        else:
            data, _ = json.JSONDecoder().raw_decode(header)
    except Exception as exc:  # noqa: BLE001 - any failure in a parser is the file's fault
        return {}, fmt, f"{label} front matter: {_describe(exc)}"
    if data is None:
        return {}, fmt, None  # an empty header is fine
    if not isinstance(data, dict):
        return {}, fmt, "front matter is not a mapping"
    return data, fmt, None


def _describe(exc: BaseException) -> str:
    # YAML errors span several lines with context marks; keep the problem and its line.
    if isinstance(exc, yaml.MarkedYAMLError) and exc.problem:
        where = f" (line {exc.problem_mark.line + 1})" if exc.problem_mark else ""
        return clean_error(f"{exc.problem}{where}")
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    return clean_error(exc)


# --- normalising -------------------------------------------------------------------------


def normalise(data: Mapping[Any, Any], *, fallback_title: str = "") -> Meta:
    """Coerce a front-matter mapping to a :class:`Meta`. Never raises.

    Keys are matched case-insensitively (Hugo lower-cases them).
    """
    fields = _lower_keys(data)
    warnings: list[str] = []
    title = _text(fields.get("title")) or clean_line(fallback_title)
    when = _first_date(fields, ("date", "publishdate", "pubdate", "published"), warnings)
    lastmod = _first_date(fields, ("lastmod", "modified", "updated"), warnings)
    author = _authors(fields.get("author")) or _authors(fields.get("authors"))
    summary = _text(fields.get("summary"), SUMMARY_LIMIT) or _text(
        fields.get("description"), SUMMARY_LIMIT
    )
    return Meta(
        title=title,
        date=when,
        lastmod=lastmod,
        author=author,
        tags=clean_tags(_flat(fields.get("tags"))),
        categories=clean_tags(_flat(fields.get("categories"))),
        summary=summary,
        draft=_truthy(fields.get("draft")),
        warnings=tuple(warnings),
        # Most posts say nothing of either: no work for them.
        listed=hugo_listed(fields) if _BUILD_KEYS.intersection(fields) else None,
        cascade=_cascaded(fields["cascade"]) if "cascade" in fields else None,
    )


_BUILD_KEYS = frozenset({"build", "_build", "headless"})


def hugo_listed(fields: Mapping[str, Any]) -> bool | None:
    """Whether Hugo lists a page with these (lower-cased) front-matter fields: not when
    headless, nor with ``build`` ``list: never``/``local`` or ``render: never``; None when
    they say nothing, so a section's cascade decides."""
    if _truthy(fields.get("headless")):
        return False
    build = _lower_keys(fields.get("build", fields.get("_build")))
    if not build:
        return None
    shown = str(build.get("list", "always")).casefold()
    rendered = str(build.get("render", "always")).casefold()
    return shown not in ("never", "local", "false") and rendered not in ("never", "false")


def _cascaded(value: object) -> bool | None:
    """What a ``cascade`` (a mapping, or a list of them) says of listing, if anything."""
    for entry in value if isinstance(value, list) else [value]:
        said = hugo_listed(_lower_keys(entry))
        if said is not None:
            return said
    return None


def _lower_keys(data: object) -> dict[str, Any]:
    if not isinstance(data, Mapping):
        return {}
    fields: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(key, str):
            folded = key.casefold()
            # The exactly lower-case spelling wins over "Title" / "TITLE".
            if folded not in fields or key == folded:
                fields[folded] = value
    return fields


def _text(value: object, limit: int = 300) -> str:
    """A scalar as one clean line; containers and unknown objects give ""."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float | date | time):
        try:
            return clean_line(value if isinstance(value, str) else str(value), limit)
        except ValueError:  # ints beyond Python's digit limit
            return ""
    if isinstance(value, bytes):
        return clean_line(value.decode("utf-8", "replace"), limit)
    return ""


def _flat(value: object) -> object:
    # clean_tags takes lists and strings; a tuple or set from YAML/TOML is a list too.
    return list(value) if isinstance(value, tuple | set | frozenset) else value


def _authors(value: object) -> str:
    if isinstance(value, Mapping):
        return _text(value.get("name"))
    if isinstance(value, list | tuple):
        names = [_authors(item) for item in value[:_MAX_AUTHORS] if not isinstance(item, list)]
        return clean_line(", ".join(name for name in names if name))
    return _text(value)


_TRUE_WORDS = frozenset({"true", "yes", "on", "1"})


def _truthy(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return value.strip().casefold() in _TRUE_WORDS
    return isinstance(value, int) and value == 1


def _first_date(
    fields: dict[str, Any], keys: tuple[str, ...], warnings: list[str]
) -> datetime | None:
    for key in keys:
        value = fields.get(key)
        if value is None or value == "":
            continue
        parsed = parse_date(value)
        if parsed is None:
            shown = _text(value, 60) or type(value).__name__
            warnings.append(f"unreadable {key}: {shown}")
        return parsed
    return None


# Formats fromisoformat does not take but static-site generators write (Jekyll, Hugo).
_DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S %z",
    "%Y-%m-%d %H:%M %z",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
    "%b %d, %Y",  # Hugo also takes "Jan 2, 2006" and "January 2, 2006"
    "%B %d, %Y",
)
# The numeric forms Hugo takes that fromisoformat does not: one-digit month, day or hour
# ("2019-04-09T8:09:26-07:00"), nanoseconds, "-0700", and Go's "... -0700 MST" layout.
_LOOSE_ISO = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,9}))?)?)?"
    r"[ \t]*(Z|[+-]\d{2}:?\d{2})?(?:[ \t]+[A-Z]{2,5})?"
)


def parse_date(value: object) -> datetime | None:
    """The one place a front-matter value becomes a date: aware UTC datetime or None.

    Takes datetime/date objects (TOML, YAML), ISO 8601 / RFC 3339 strings (``Z`` too,
    date-only as midnight UTC), RFC 2822 and a few common forms. Naive times are UTC.
    Numbers are refused: ``date: 2024`` is ambiguous and epoch seconds are rare in posts.
    """
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    elif isinstance(value, str) and 0 < len(value.strip()) <= 100:
        found = _parse_date_text(value.strip())
        if found is None:
            return None
        moment = found
    else:
        return None
    if moment.tzinfo is None or moment.utcoffset() is None:
        return moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except (OverflowError, ValueError):  # year 1 with a positive offset, and the like
        return None


def _parse_date_text(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    loose = _LOOSE_ISO.fullmatch(text)
    if loose is not None:
        year, month, day, hour, minute, second, fraction, zone = loose.groups()
        try:
            moment = datetime(
                int(year), int(month), int(day), int(hour or 0), int(minute or 0),
                int(second or 0), int((fraction or "0")[:6].ljust(6, "0")),
            )  # fmt: skip
            if zone and zone != "Z":
                zone = zone.replace(":", "")
                sign = -1 if zone[0] == "-" else 1
                offset = timedelta(hours=int(zone[1:3]), minutes=int(zone[3:5])) * sign
                return moment.replace(tzinfo=timezone(offset))
            return moment.replace(tzinfo=UTC) if zone else moment
        except ValueError:
            return None
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    try:
        return email.utils.parsedate_to_datetime(text)
    except Exception:  # noqa: BLE001 - its failures have varied across Python versions
        return None
