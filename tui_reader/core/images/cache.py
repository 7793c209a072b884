"""An on-disk cache of fetched images with a size limit.

One file per URL, named by its SHA-256, in a folder of its own under the data folder.
When the files together pass the limit, the least recently used go first (a hit touches
its file's mtime). Writes go to a temporary name and are renamed, so a crash leaves a
whole file or none.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from tui_reader.core.paths import data_dir, ensure_dir

MB = 1024 * 1024
DEFAULT_LIMIT = 100 * MB


def default_folder() -> Path:
    return data_dir() / "image-cache"


class ImageCache:
    """Fetched image bytes by URL, at most ``limit`` bytes on disk."""

    def __init__(self, folder: Path | None = None, limit: int = DEFAULT_LIMIT) -> None:
        self.folder = folder or default_folder()
        self.limit = limit

    def _path(self, url: str) -> Path:
        return self.folder / hashlib.sha256(url.encode("utf-8", "surrogatepass")).hexdigest()

    def get(self, url: str) -> bytes | None:
        path = self._path(url)
        try:
            data = path.read_bytes()
            os.utime(path)
        except OSError:
            return None
        return data

    def put(self, url: str, data: bytes) -> None:
        """Keep ``data`` for ``url`` (nothing when it alone passes the limit, or the
        folder cannot be written: the cache is a convenience, never an error)."""
        if self.limit <= 0 or len(data) > self.limit:
            return
        try:
            ensure_dir(self.folder)
            path = self._path(url)
            temporary = path.with_name(path.name + ".tmp")
            temporary.write_bytes(data)
            os.replace(temporary, path)
            self.trim()
        except OSError:
            return

    def size(self) -> int:
        return sum(size for _path, size, _mtime in self._entries())

    def trim(self) -> None:
        """Remove the least recently used files until the rest fit in the limit."""
        entries = sorted(self._entries(), key=lambda entry: entry[2], reverse=True)
        total = 0
        for path, size, _mtime in entries:
            total += size
            if total > self.limit:
                path.unlink(missing_ok=True)

    def _entries(self) -> list[tuple[Path, int, float]]:
        entries = []
        try:
            with os.scandir(self.folder) as listing:
                for entry in listing:
                    if entry.is_file(follow_symlinks=False) and not entry.name.endswith(".tmp"):
                        info = entry.stat(follow_symlinks=False)
                        entries.append((Path(entry.path), info.st_size, info.st_mtime))
        except OSError:
            return []
        return entries
