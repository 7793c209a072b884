"""What the store raises: one-line :class:`StoreError`\\ s, and how a sqlite3 error
becomes one that says what went wrong (locked, disk full, damaged, read-only...)."""

from __future__ import annotations

import os
import shlex
import sqlite3
from pathlib import Path

from tui_reader.core.sanitize import clean_error, clean_line


class StoreError(Exception):
    """The library database could not be used. The message is one line, fit to show."""

    def __init__(self, message: str, path: Path | None = None) -> None:
        super().__init__(clean_line(message, 2000))
        self.path = path


class StoreLocked(StoreError):
    """Another program held the database locked for longer than the busy timeout."""


class StoreDamaged(StoreError):
    """The file is damaged (SQLite finds it malformed): it is kept, not written to."""

    @property
    def recovery(self) -> str:
        """How to rescue what the file holds, as a sentence to show after the message."""
        where = shlex.quote(os.fsdecode(self.path)) if self.path else "library.sqlite3"
        return clean_line(
            f"To rescue what it holds: sqlite3 {where} .recover > rescued.sql (SQLite's "
            "own recovery; it may write to the file, so run it on a copy taken with the "
            "-wal file beside it).",
            2000,
        )


class StoreReadOnly(StoreError):
    """SQLite may not write the file: the file or its folder cannot be written to."""


def damaged(name: str, path: Path, detail: str) -> StoreDamaged:
    return StoreDamaged(
        f"{name}: database is damaged ({clean_line(detail, 200)}); it was kept, "
        "not replaced. Move it away to start fresh.",
        path,
    )


def describe(error: StoreError) -> str:
    """The message to show for ``error``: for a damaged file, with how to rescue it."""
    if isinstance(error, StoreDamaged):
        return f"{sentence(str(error))} {error.recovery}"
    return str(error)


def sentence(text: str) -> str:
    """``text`` ending as a sentence does, so that another can follow it."""
    text = text.rstrip()
    return text if text.endswith((".", "!", "?")) else f"{text}."


def not_saved_notice(problem: str) -> str:
    """What the reader says when it has no library to save to: the problem, then what
    it means for this session."""
    return f"{sentence(problem)} Reading state will not be saved in this session."


def translate(
    exc: sqlite3.Error, *, name: str, path: Path, action: str, timeout: float
) -> StoreError:
    """Turn a sqlite3 exception into a one-line StoreError saying what went wrong."""
    code = getattr(exc, "sqlite_errorname", None) or ""
    text = str(exc)
    lowered = text.lower()
    if code.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "database is locked" in lowered:
        return StoreLocked(
            f"{name}: {action}: the database is locked by another program "
            f"(waited {timeout:g} s); try again",
            path,
        )
    if code.startswith("SQLITE_FULL") or "disk is full" in lowered:
        return StoreError(f"{name}: {action}: the disk is full; the change was not saved", path)
    if (
        code.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB"))
        or "not a database" in lowered
        or "malformed" in lowered
    ):
        return damaged(name, path, text)
    if code.startswith("SQLITE_READONLY"):
        return StoreReadOnly(f"{name}: {action}: the database is read-only", path)
    if code.startswith("SQLITE_CANTOPEN"):
        return StoreError(f"{name}: {action}: cannot open the file", path)
    if code.startswith("SQLITE_IOERR"):
        return StoreError(f"{name}: {action}: disk I/O error ({clean_error(exc)})", path)
    return StoreError(f"{name}: {action}: {clean_error(exc)}", path)
