"""The core never imports Textual: it must stay usable (and testable) without a terminal."""

from __future__ import annotations

import subprocess
import sys


def test_core_modules_do_not_import_textual() -> None:
    code = (
        "import importlib, pkgutil, sys\n"
        "import tui_reader.core as core\n"
        "for info in pkgutil.walk_packages(core.__path__, 'tui_reader.core.'):\n"
        "    importlib.import_module(info.name)\n"
        "print(sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.')))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_the_interface_draws_changes_at_up_to_240_frames_unless_told_otherwise() -> None:
    """Textual waits for its next frame to draw a change: at its default 60 a key waits up
    to 17 ms per step. The interface asks for 240 before Textual is loaded; a user's own
    TEXTUAL_FPS is kept."""
    import os

    code = "import tui_reader.ui.app, textual.constants as c; print(c.MAX_FPS)"
    env = {k: v for k, v in os.environ.items() if k != "TEXTUAL_FPS"}
    ours = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert ours.stdout.strip() == "240"
    theirs = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**env, "TEXTUAL_FPS": "30"},
    )
    assert theirs.stdout.strip() == "30"
