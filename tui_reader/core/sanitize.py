"""The one sanitiser for all text that comes from outside the program.

Feed fields, front matter, Markdown bodies, file names, HTTP status lines and headers,
and error messages all pass through here where they enter the program. Nothing else in
tui-reader strips control characters, so nothing else needs to be trusted.

What it does:

* removes whole escape sequences: CSI, OSC, DCS, SOS, PM, APC (ended by BEL or ST, or
  cut off), two-byte and nF ``ESC`` sequences, and the 8-bit C1 forms of all of them;
* removes every other C0 and C1 control character and DEL; bodies keep ``\\n`` and
  ``\\t``, and CR / CRLF become ``\\n``;
* removes bidirectional override characters, which can make text lie about its order;
* replaces lone surrogates (from undecodable file names) with U+FFFD.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

TITLE_LIMIT = 300
TAG_LIMIT = 64
MAX_TAGS = 50

# String sequences (OSC, DCS, SOS, PM, APC) run until BEL or ST. A cut-off one runs to the
# end of the line: the introducer is what makes it dangerous, and that is removed either way.
_SEQUENCES = re.compile(
    r"(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?"  # CSI
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?"  # strings
    r"|\x1b[\x20-\x2f]*[\x30-\x7e]?"  # two-byte / nF sequences, or a lone ESC
)
_BODY_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_LINE_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_ANY_SUSPECT = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_SURROGATES = re.compile(r"[\ud800-\udfff]")
_PLAIN_ASCII = bytes(range(0x20, 0x7F)) + b"\t\n"  # what a body may hold as it is


def clean_text(text: str) -> str:
    """Sanitise a multi-line text such as an article body. Keeps newlines and tabs."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.isascii():
        # Bytes translate is ten times faster than the regex on a 5 MB body.
        if not text.encode("ascii").translate(None, _PLAIN_ASCII):
            return text
    elif _ANY_SUSPECT.search(text) is None:
        return text
    text = _SEQUENCES.sub("", text)
    text = _BODY_CONTROLS.sub("", text)
    return _SURROGATES.sub("\ufffd", text)


def clean_line(text: object, limit: int = TITLE_LIMIT) -> str:
    """Sanitise text shown on one line (a title, an author, an error): one line, capped."""
    if text is None:
        return ""
    if not isinstance(text, str):
        text = str(text)
    if len(text) > limit * 8:
        text = text[: limit * 8]
    if _ANY_SUSPECT.search(text) is not None:  # most titles have nothing to remove
        text = _SEQUENCES.sub("", text)
        text = _LINE_CONTROLS.sub(" ", text)
        text = _SURROGATES.sub("\ufffd", text)
    text = " ".join(text.split())  # the same whitespace as \s, collapsed
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


_SENTENCE_END = re.compile(r"[.!?:;,…。！？：；、]['\")\]»”’）」』]*$")


def clean_blocks(blocks: Iterable[str], limit: int) -> str:
    """Blocks of text (paragraphs, headings, list items) as one clean line. A block that
    does not end its sentence gets a full stop, so a heading never runs into the sentence
    after it ("What goes in it. The day…", not "What goes in it The day…")."""
    parts: list[str] = []
    length = 0
    for block in blocks:
        block = " ".join(block.split())
        if not block:
            continue
        if parts and not _SENTENCE_END.search(parts[-1]):
            parts[-1] += "."
        parts.append(block)
        length += len(block) + 1
        if length > limit:
            break
    return clean_line(" ".join(parts), limit)


def clean_tags(values: object) -> tuple[str, ...]:
    """Turn a list, or a comma-separated string, into clean tags.

    Tags compare case-insensitively; the first spelling seen is kept. At most
    :data:`MAX_TAGS` tags of at most :data:`TAG_LIMIT` characters.
    """
    if values is None:
        return ()
    if isinstance(values, str):
        items: list[object] = list(values.split(","))
    elif isinstance(values, (list, tuple, set, frozenset)):
        items = list(values)
    else:
        items = [values]
    seen: set[str] = set()
    tags: list[str] = []
    for item in items:
        if isinstance(item, (dict, list, tuple, set)):
            continue
        tag = clean_line(item, TAG_LIMIT)
        folded = tag.casefold()
        if tag and folded not in seen:
            seen.add(folded)
            tags.append(tag)
            if len(tags) >= MAX_TAGS:
                break
    return tuple(tags)


HTTP_SCHEMES = frozenset({"http", "https"})  # what is fetched: feeds, pages, images
SAFE_SCHEMES = HTTP_SCHEMES | {"mailto"}  # what a link may open


def safe_url(url: object, schemes: frozenset[str] = SAFE_SCHEMES) -> str | None:
    """Return the URL, sanitised, if its scheme is allowed (http, https, mailto); else None."""
    if not isinstance(url, str):
        return None
    cleaned = clean_line(url, 4096).replace(" ", "%20")
    try:
        scheme = urlsplit(cleaned).scheme.lower()
    except ValueError:
        return None
    return cleaned if scheme in schemes else None


def clean_error(exc: BaseException | str) -> str:
    """An error message fit to show the user: one line, no control characters."""
    if isinstance(exc, BaseException):
        message = str(exc) or type(exc).__name__
    else:
        message = exc
    return clean_line(message, 500)


class CleanError(Exception):
    """An error whose ``message`` is one clean line, fit to show the user as it is."""

    def __init__(self, message: str) -> None:
        self.message = clean_error(message)
        super().__init__(self.message)
