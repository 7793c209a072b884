"""Waiting in Pilot tests for something the app does in the background."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import App
from textual.pilot import Pilot


async def wait_until(pilot: Pilot, condition: Callable[[], object], tries: int = 1000) -> None:
    """Let the app run until ``condition()`` is true; fail after ``tries`` short pauses.

    A guard against hangs, not a timing: it returns as soon as the condition holds.
    """
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError("condition never became true")


async def settle(app: App[object], pilot: Pilot) -> None:
    """Wait until no worker runs (scan, feed files, document loading), boundedly."""
    for _ in range(200):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if not getattr(app, "loading", False) and not any(w.is_running for w in app.workers):
            return
    raise AssertionError("the app kept working for too long")
