"""The SQLite library: opening and migrations, schema, value codecs, and the Store facade."""

from tui_reader.core.store.store import *  # noqa: F403
from tui_reader.core.store.store import __all__  # noqa: F401
