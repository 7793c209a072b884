"""How the reader tunes the Python interpreter and Textual, in one place, as named steps.

- :func:`before_textual`: Textual's frame rate, set before Textual is first imported.
- :func:`for_start`: the command line, before the scan child and the interface start:
  collector off, its thresholds raised, threads hand the interpreter lock back sooner.
- :func:`after_first_screen`: the app's first screen is out: the collector runs again.
- :func:`in_child`: a forked scan child goes back to the interpreter's own settings.

No Textual here: the command line and the scan child use it before Textual is loaded.
The README's Benchmarks section has the measurements behind each of these.
"""

from __future__ import annotations

import gc
import os
import sys
import threading

# Young collections ten times less often, full ones much less: a full collection walks
# every object, and with a big library (or a big article's model) in memory each one
# landed on a keystroke. Cycles are still collected, later.
GC_THRESHOLDS = (10_000, 50, 100)
# Seconds a thread keeps the interpreter lock before another may take it. The scan
# reader, the store opening, the warm-up and feed refreshes run in threads beside the
# interface's, and importing Textual gives the lock up at every file it opens.
SWITCH_INTERVAL = 0.0005
# Textual draws what changed at most this many times a second (its default is 60): a
# change waits for the next tick, and a key that scrolls the list waits for two. Drawing
# is still only done for changes, so a fast clock costs nothing when idle.
TEXTUAL_FPS = "240"

# Background imports take turns. Two threads importing parts of one package whose modules
# import each other (markdown-it's) can each hold a module lock the other needs, and
# Python then raises _DeadlockError in one of them: seen when one file opened straight
# into its article while the warm-up imported markdown-it.
IMPORTS = threading.Lock()

# The interpreter's own settings, as they were when this module was first imported
# (the command line imports it before changing anything): what a forked child restores.
DEFAULT_GC_THRESHOLDS = gc.get_threshold()
DEFAULT_SWITCH_INTERVAL = sys.getswitchinterval()


def before_textual() -> None:
    """Ask Textual for :data:`TEXTUAL_FPS`; it reads the variable when first imported.
    A ``TEXTUAL_FPS`` the user set wins."""
    os.environ.setdefault("TEXTUAL_FPS", TEXTUAL_FPS)


def for_start() -> None:
    """The command line's start: until the first screen is out the collector is off
    (importing Textual and unpickling a library make objects by the hundred thousand and
    cycles hardly at all; collecting them slowed the unpickling), then it runs with
    :data:`GC_THRESHOLDS`."""
    gc.set_threshold(*GC_THRESHOLDS)
    gc.disable()
    sys.setswitchinterval(SWITCH_INTERVAL)


def after_first_screen() -> None:
    """Turn the collector back on if :func:`for_start` turned it off. What the start made
    (Textual's classes, the articles so far) is frozen, so later collections do not walk
    it. An app run any other way (as in tests) is left alone."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def in_child() -> None:
    """In a forked child: undo :func:`for_start`, back to the interpreter's own settings."""
    gc.set_threshold(*DEFAULT_GC_THRESHOLDS)
    gc.enable()
    sys.setswitchinterval(DEFAULT_SWITCH_INTERVAL)
