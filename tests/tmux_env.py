"""The environment of a real-terminal test: a clean shell, this test's own folders, and
the same code the rest of the suite imports."""

from __future__ import annotations

import os
from pathlib import Path


def terminal_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        "TUI_READER_CONFIG_DIR": str(tmp_path / "config"),
        "TUI_READER_DATA_DIR": str(tmp_path / "data"),
        "TERM": "xterm-256color",
        "HOME": str(tmp_path),
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        **extra,
    }
    if "PYTHONPATH" in os.environ:
        env["PYTHONPATH"] = os.environ["PYTHONPATH"]
    return env
