"""Read a local text file safely: regular files only, size-capped, decoded, sanitised.

See THREATS.md rows 9, 15 and 16: a FIFO named ``x.md`` blocks ``open()`` forever, a
binary file named ``.md`` fills the screen with junk, and not every post is UTF-8.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from tui_reader.core.sanitize import clean_error, clean_text

MAX_BYTES = 5 * 1024 * 1024
_BINARY_PROBE = 8 * 1024  # git and ripgrep look for a NUL in the first 8 KB as well
_CHUNK = 256 * 1024
_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


class NotReadable(Exception):
    """The file cannot be shown as text. The message is clean and fit for the user."""


def read_text_file(path: Path, max_bytes: int = MAX_BYTES) -> tuple[str, tuple[str, ...]]:
    """Return ``(text, notes)``: the file as sanitised text with LF line ends.

    ``notes`` are things the user should know (an encoding that was guessed). Raises
    :class:`NotReadable` for anything that is not a regular text file within the cap.
    """
    text, notes, _info = read_text_and_stat(path, max_bytes)
    return text, notes


def read_text_and_stat(
    path: Path | str, max_bytes: int = MAX_BYTES
) -> tuple[str, tuple[str, ...], os.stat_result]:
    """:func:`read_text_file`, and the file's stat as it was read (mtime and size for the
    scan cache, without a stat of its own: one system call per file fewer)."""
    data, info = _read_bytes(path, max_bytes)
    notes: list[str] = []
    if data.startswith(_UTF16_BOMS):
        # UTF-16 is full of NUL bytes, so it must be recognised before the binary check.
        text = data.decode("utf-16", errors="replace")
        notes.append("encoding: UTF-16")
        if "\x00" in text[:_BINARY_PROBE]:
            raise NotReadable("not a text file")
    else:
        if b"\x00" in data[:_BINARY_PROBE]:
            raise NotReadable("not a text file")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            if data.startswith(_UTF8_BOM):
                data = data[len(_UTF8_BOM) :]
            text = data.decode("cp1252", errors="replace")
            notes.append("encoding guessed as cp1252")
    # clean_text also turns CRLF and lone CR into LF (CR-only files would otherwise
    # collapse into one line, since Textual drops CR).
    return clean_text(text), tuple(notes), info


def read_bytes(path: Path | str, max_bytes: int) -> bytes:
    """A regular file's bytes, at most ``max_bytes``; :class:`NotReadable` otherwise."""
    return _read_bytes(path, max_bytes)[0]


def _read_bytes(path: Path | str, max_bytes: int) -> tuple[bytes, os.stat_result]:
    too_big = f"file larger than {_size_text(max_bytes)}"
    try:
        # stat before open: opening a FIFO for reading blocks until a writer appears.
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise NotReadable("not a regular file")
        # O_NONBLOCK too, in case the path was swapped for a FIFO between stat and open.
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
        flags |= getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
        fd = os.open(path, flags)
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise NotReadable("not a regular file")
            if info.st_size > max_bytes:
                raise NotReadable(too_big)
            # Read to EOF rather than trusting st_size: the file may grow meanwhile.
            chunks: list[bytes] = []
            total = 0
            while chunk := os.read(fd, _CHUNK):
                chunks.append(chunk)
                total += len(chunk)
                if total > max_bytes:
                    raise NotReadable(too_big)
        finally:
            os.close(fd)
    except OSError as exc:
        raise NotReadable(_os_error_text(exc)) from exc
    return b"".join(chunks), info


def _size_text(size: int) -> str:
    if size >= 1024 * 1024 and size % (1024 * 1024) == 0:
        return f"{size // (1024 * 1024)} MB"
    if size >= 1024 and size % 1024 == 0:
        return f"{size // 1024} KB"
    return f"{size} bytes"


def _os_error_text(exc: OSError) -> str:
    # strerror is the system's own wording ("Permission denied"); the file name in str(exc)
    # is left out because the caller already shows which file it was.
    reason = exc.strerror or type(exc).__name__
    return clean_error(f"cannot read file: {reason}")
