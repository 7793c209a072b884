"""The live library in a real terminal: a post saved in the watched folder while the
reader runs appears on screen, and an edit of the open article shows in place."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

from test_tmux import Terminal, terminal  # noqa: F401 - the fixture

NEW_TITLE = "Saved While The Reader Ran"


def write(path: Path, title: str, body: str) -> None:
    # Saved as editors do: a temporary file renamed over the post.
    temporary = path.with_name(path.name + ".tmp~")
    temporary.write_text(f"---\ntitle: {title}\ndate: 2031-01-01\n---\n\n{body}\n")
    temporary.replace(path)


def test_a_post_saved_in_the_watched_folder_appears_on_screen(
    terminal: Terminal,  # noqa: F811 - the fixture
    tmp_path: Path,
) -> None:
    folder = tmp_path / "posts"
    folder.mkdir()
    write(folder / "first.md", "The First Post", "Hello.")
    terminal.wait_for(lambda s: s.rstrip().endswith("$"), "the shell prompt")
    terminal.send(shlex.join([sys.executable, "-m", "tui_reader", str(folder)]), "Enter")
    terminal.wait_for(lambda s: "The First Post" in s, "the article list")
    # The watcher starts a moment after the first screen: save until the post shows.
    target = folder / "new.md"
    for attempt in range(10):
        write(target, NEW_TITLE, f"Written by the test, attempt {attempt}.")
        try:
            screen = terminal.wait_for(lambda s: NEW_TITLE in s, "the new post in the list")
            break
        except AssertionError:
            continue
    else:
        raise AssertionError("the new post never appeared")
    assert "Traceback" not in screen
    # Open it, then edit it: the article's text changes in place.
    terminal.send("g", "Enter")
    terminal.wait_for(lambda s: "Written by the test" in s, "the article's text")
    write(target, NEW_TITLE, "Edited in another window.")
    terminal.wait_for(lambda s: "Edited in another window." in s, "the edited text")
    terminal.send("q")
    terminal.wait_for(lambda s: s.rstrip().endswith("$"), "the shell prompt after quitting")
