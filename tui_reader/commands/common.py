"""What the commands share: reporting a problem, and opening the library database."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from tui_reader.core.paths import database_file

if TYPE_CHECKING:
    from tui_reader.core.store import Store


def error(message: str) -> None:
    print(f"tui-reader: {message}", file=sys.stderr)


def open_store(check: bool = True) -> tuple[Store | None, str]:
    """The library database, or (None, the reason it cannot be used); a library opened
    read-only comes with the reason. ``check=False`` leaves out ``PRAGMA quick_check``:
    the reader runs it after its first screen."""
    from tui_reader.core.store import Store, StoreError, describe

    try:
        store = Store(database_file(), check=check)
    except StoreError as exc:
        return None, describe(exc)
    return store, "" if store.read_only is None else str(store.read_only)
