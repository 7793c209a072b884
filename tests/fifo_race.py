"""Simulating the stat-then-open race: a path that ``os.stat`` calls a regular file
while a FIFO is what gets opened."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path


def stat_lying_about(fifo: Path) -> Callable[..., os.stat_result]:
    """An ``os.stat`` that reports ``fifo`` as a regular file."""
    real_stat = os.stat

    def lying_stat(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        result = real_stat(path, *args, **kwargs)
        if Path(path) == fifo:
            fields = list(result)
            fields[0] = stat.S_IFREG | 0o644
            return os.stat_result(fields)
        return result

    return lying_stat
