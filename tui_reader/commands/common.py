"""What the commands share: reporting a problem, and opening the library database."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from tui_reader.core.paths import database_file

if TYPE_CHECKING:
    from tui_reader.core.store.store import Store


def error(message: str) -> None:
    print(f"tui-reader: {message}", file=sys.stderr)


def open_store(check: bool = True) -> tuple[Store | None, str]:
    """The library database, or (None, the reason it cannot be used). ``check=False``
    leaves out ``PRAGMA quick_check``: the reader runs it after its first screen."""
    from tui_reader.core.store.store import Store, StoreError

    try:
        return Store(database_file(), check=check), ""
    except StoreError as exc:
        return None, str(exc)
