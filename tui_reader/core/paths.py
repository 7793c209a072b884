"""Where tui-reader keeps its files: the config file and the SQLite library.

Locations come from platformdirs (XDG on Linux, ``~/Library/...`` on macOS, ``%APPDATA%``
on Windows). ``TUI_READER_CONFIG_DIR`` and ``TUI_READER_DATA_DIR`` override them, so tests
and users with unusual setups can point the program somewhere else without touching
``$HOME``.

Nothing here creates a directory as a side effect of asking where it is: looking up a path
must be safe in a read-only context (``--help``, printing paths). Call :func:`ensure_dir`
right before writing.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "tui-reader"
CONFIG_ENV = "TUI_READER_CONFIG_DIR"
DATA_ENV = "TUI_READER_DATA_DIR"


def _override(variable: str) -> Path | None:
    # An empty variable counts as unset: `TUI_READER_DATA_DIR= tui-reader` should not
    # put the database in the current directory.
    value = os.environ.get(variable, "").strip()
    return Path(value).expanduser() if value else None


def config_dir() -> Path:
    """The directory that holds ``config.toml``."""
    return _override(CONFIG_ENV) or platformdirs.user_config_path(APP_NAME, appauthor=False)


def data_dir() -> Path:
    """The directory that holds the library database (feed cache, reading state)."""
    return _override(DATA_ENV) or platformdirs.user_data_path(APP_NAME, appauthor=False)


def config_file() -> Path:
    """The user's configuration file (it may not exist)."""
    return config_dir() / "config.toml"


def database_file() -> Path:
    """The SQLite library: cached feed entries, reading state, search index, scan cache."""
    return data_dir() / "library.sqlite3"


def ensure_dir(path: Path) -> Path:
    """Create ``path`` (and its parents) if missing and return it.

    New directories are private (0o700, less the umask) because the library records what
    the user reads. Raises :class:`OSError` if it cannot be created, e.g. a file is in the
    way.
    """
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path
