"""Scan snapshots: a source folder's articles kept as the very batches a scan sends.

Without it, a later start of a big library would rebuild every article from its
scan-cache row (a JSON document per file), pickle it in the scan process and unpickle it
in the reader. A snapshot keeps, per source folder, the articles as pickled
:class:`Found` batches of about 1,000, each with the (path, mtime, size) of its files.
At the next scan a batch whose files are all unchanged is sent on as it is, bytes
untouched; files in no valid batch (new, changed, or sharing a batch with a changed or
deleted file) go through the per-file scan cache, and a new snapshot is written from the
batches kept and the articles scanned.

The snapshot is a cache: when it is missing, unreadable or of another format it is
ignored, and the files (and the per-file cache) are the truth. A batch whose digest does
not match (a damaged file) is scanned again. Batches are loaded with the restricted
unpickler of :mod:`tui_reader.core.local.events`, so even a planted one cannot name code
to run; in this process a batch that does not load is scanned again too.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Iterable
from dataclasses import dataclass, field

from tui_reader.core.article import Article
from tui_reader.core.local.events import Found, dump_event, loads_event

FORMAT = 6  # bump when Article, Heading or Found change shape: old snapshots are then ignored
# 4: headings as plain tuples, and strings shared within a batch (scan_events.dump_event)
BATCH = 1000

Stat = tuple[str, float, int]  # path, mtime, size


@dataclass(slots=True)
class Snapshot:
    """Batches of pickled :class:`Found` events, each with the stat of its files."""

    index: list[list[Stat]] = field(default_factory=list)
    batches: list[bytes] = field(default_factory=list)
    digests: list[bytes] = field(default_factory=list)  # of each batch: damage shows

    def encode(self) -> bytes:
        data = (FORMAT, self.index, self.batches, self.digests)
        return pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL)

    @classmethod
    def decode(cls, data: bytes | None) -> Snapshot | None:
        """The snapshot in ``data``, or None for anything we did not write."""
        if not data:
            return None
        try:
            version, index, batches, digests = loads_event(data)
        except Exception:  # noqa: BLE001 - a damaged cache is a cache miss, whatever it is
            return None
        if version != FORMAT or not all(isinstance(x, list) for x in (index, batches, digests)):
            return None
        if not len(index) == len(batches) == len(digests):
            return None
        return cls(index, batches, digests)

    def valid_batches(self, stats: dict[str, tuple[float, int]]) -> list[int]:
        """The undamaged batches whose every file still has the recorded mtime and size."""
        return [
            number
            for number, files in enumerate(self.index)
            if all(stats.get(path) == (mtime, size) for path, mtime, size in files)
            and isinstance(self.batches[number], bytes)
            and _digest(self.batches[number]) == self.digests[number]
        ]

    def add(self, articles: Iterable[Article]) -> None:
        """Append these (complete, local) articles as new batches."""
        chunk: list[Article] = []
        for article in articles:
            chunk.append(article)
            if len(chunk) >= BATCH:
                self._add_batch(chunk)
                chunk = []
        if chunk:
            self._add_batch(chunk)

    def keep(self, other: Snapshot, number: int) -> None:
        """Take batch ``number`` of another snapshot as it is."""
        self.index.append(other.index[number])
        self.batches.append(other.batches[number])
        self.digests.append(other.digests[number])

    def _add_batch(self, articles: list[Article]) -> None:
        self.index.append([(a.location, a.mtime, a.size) for a in articles])
        batch = dump_event(Found(articles, []))
        self.batches.append(batch)
        self.digests.append(_digest(batch))


def _digest(batch: bytes) -> bytes:
    return hashlib.blake2b(batch, digest_size=16).digest()


def storable(article: Article) -> bool:
    """Whether an article may go in a snapshot: complete, and from a file we could stat."""
    return not article.pending and article.mtime > 0 and article.kind == "local"
