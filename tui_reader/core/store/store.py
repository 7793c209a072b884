"""The library database: cached feed entries, reading state, search index, scan cache.

One SQLite file (stdlib :mod:`sqlite3`), opened in WAL mode so a second tui-reader (or the
scan process, or a refresh's worker processes, each with its own connection) can read
while another writes.

Design rules, each answering a way state gets lost elsewhere:

* User state lives in its own table (reading_state.py); nothing that touches cached
  content deletes from it.
* Feed entries are never deleted because a fetch left them out (feed_cache.py).
* A file that is not ours (another program's SQLite database, garbage, a damaged
  library) is reported with :class:`StoreError` and left exactly as it was: no reset,
  no "repair", no WAL switch before the identity checks (opening.py).
* No raw :mod:`sqlite3` exception reaches the caller; each becomes a one-line
  :class:`StoreError` naming the file and the problem (errors.py).
* Keys and paths with lone surrogates round-trip exactly (codecs.py).

:class:`Store` is one object over one connection: each concern is a class of its own
over the shared :class:`~tui_reader.core.store.database.Database`, and the store is
all of them (full_text.py keeps feed entries' full articles), so a caller holds one
object and every method runs the same SQL as before.
"""

from __future__ import annotations

from tui_reader.core.store.feed_cache import FeedCache, FeedRecord
from tui_reader.core.store.full_text import FullTextTable
from tui_reader.core.store.reading_state import ArticleState, ReadingStateTable
from tui_reader.core.store.scan_cache import ScanCache
from tui_reader.core.store.search_index import SearchIndex
from tui_reader.core.store.sync_tables import SyncTables
from tui_reader.core.store.upkeep import Upkeep

__all__ = ["ArticleState", "FeedRecord", "Store"]


class Store(
    FeedCache, FullTextTable, ReadingStateTable, SearchIndex, ScanCache, SyncTables, Upkeep
):
    """The library database at ``path``. Use as a context manager, or call :meth:`close`.

    Raises :class:`StoreError` if the file cannot be used: it belongs to another program,
    it is damaged, it comes from a newer tui-reader, or the disk refuses. The file is
    never deleted, replaced or "repaired".
    """

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
