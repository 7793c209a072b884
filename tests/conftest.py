"""Shared fixtures. No test ever reads or writes the real user's config or data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# The real Tiny Tiny RSS for the sync tests (session-wide, started on first use).
from tests.ttrss_server import ttrss, ttrss_session  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_content"
# A note without front matter is dated by its file's modification time, which a checkout
# sets to "now": pinned here, so screens and snapshots are the same on every machine.
PLAIN_NOTE_MTIME = 1766232000.0  # 2025-12-20 12:00 UTC: the same day in most time zones
os.utime(SAMPLE / "notes" / "keyboard-first.md", (PLAIN_NOTE_MTIME, PLAIN_NOTE_MTIME))


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the config and data folders at a fresh temporary folder."""
    monkeypatch.setenv("TUI_READER_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("TUI_READER_DATA_DIR", str(tmp_path / "data"))
    return tmp_path


@pytest.fixture
def sample_content() -> Path:
    return SAMPLE
