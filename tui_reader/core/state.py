"""Reading state as the UI sees it: read, starred and position, cached in memory.

Every change is written through to the :class:`Store` at once, except the reading
position, which changes on every scroll: it is kept pending and written at most once a
second by :meth:`ReadingState.flush` (and on quit), so a ``kill -9`` loses at most the
last second of scrolling and nothing else.

Without a store (the database could not be opened) state lives in memory only, and the
UI says so; with one opened read-only, what it holds is shown and changes stay in memory.
"""

from __future__ import annotations

from collections.abc import Iterable

from tui_reader.core.store import ArticleState, Store, StoreError

READ_AT_END = 0.98  # scrolled through: counts as read


class ReadingState:
    """Read / starred / position for every article, backed by the store when there is one."""

    def __init__(self, store: Store | None) -> None:
        self.store = store
        self.errors: list[str] = []
        self._states: dict[str, ArticleState] = {}
        self._pending: dict[str, float] = {}
        if store is not None:
            try:
                self._states = store.states()
            except StoreError as exc:
                self.errors.append(str(exc))

    def get(self, key: str) -> ArticleState:
        return self._states.get(key) or ArticleState()

    def is_read(self, key: str) -> bool:
        state = self._states.get(key)
        return state is not None and state.read

    def is_starred(self, key: str) -> bool:
        state = self._states.get(key)
        return state is not None and state.starred

    def _state(self, key: str) -> ArticleState:
        state = self._states.get(key)
        if state is None:
            state = self._states[key] = ArticleState()
        return state

    def _write(self, action: str, *args: object) -> None:
        if self.store is None or self.store.read_only is not None:
            return  # the user was told at the start that nothing is saved
        try:
            getattr(self.store, action)(*args)
        except StoreError as exc:
            self.errors.append(str(exc))

    def set_read(self, key: str, read: bool) -> None:
        self._state(key).read = read
        self._write("set_read", key, read)

    def set_read_many(self, keys: Iterable[str], read: bool) -> None:
        keys = list(keys)
        for key in keys:
            self._state(key).read = read
        self._write("set_read_many", keys, read)

    def toggle_read(self, key: str) -> bool:
        self.set_read(key, not self.is_read(key))
        return self.is_read(key)

    def toggle_star(self, key: str) -> bool:
        state = self._state(key)
        state.starred = not state.starred
        self._write("set_starred", key, state.starred)
        return state.starred

    def take_synced(self, changes: Iterable[tuple[str, str, bool]]) -> None:
        """(key, "read" or "starred", value) a sync round already saved: memory only."""
        for key, field, value in changes:
            if field in ("read", "starred"):
                setattr(self._state(key), field, value)

    def opened(self, key: str) -> None:
        self._write("mark_opened", key)

    def set_position(self, key: str, fraction: float) -> None:
        """Remember where the reader is; written by the next :meth:`flush`."""
        state = self._state(key)
        state.position = fraction
        state.progress = max(state.progress, fraction)
        self._pending[key] = fraction

    def flush(self) -> None:
        """Write pending positions (called every second and on quit)."""
        pending, self._pending = self._pending, {}
        for key, fraction in pending.items():
            self._write("save_position", key, fraction)

    def take_errors(self) -> list[str]:
        errors, self.errors = self.errors, []
        return errors
