"""The SQLite library: opening and migrations, schema, value codecs, and the Store facade.

``errors`` (what is raised), ``schema`` (the SQL), ``codecs`` (values in and out),
``opening`` (identity, WAL, migrations) and ``database`` (the shared connection) carry
the parts below; ``feed_cache``, ``reading_state``, ``search_index`` and ``scan_cache``
are the concerns :class:`Store` is made of.
"""

from tui_reader.core.store.errors import (
    StoreDamaged,
    StoreError,
    StoreLocked,
    StoreReadOnly,
    describe,
    not_saved_notice,
)
from tui_reader.core.store.feed_cache import FeedRecord
from tui_reader.core.store.reading_state import ArticleState
from tui_reader.core.store.schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION
from tui_reader.core.store.search_index import fts_query
from tui_reader.core.store.store import Store

__all__ = [
    "APPLICATION_ID",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "ArticleState",
    "FeedRecord",
    "Store",
    "StoreDamaged",
    "StoreError",
    "StoreLocked",
    "StoreReadOnly",
    "describe",
    "fts_query",
    "not_saved_notice",
]
