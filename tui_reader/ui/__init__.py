"""The Textual interface, built on :mod:`tui_reader.core`."""

import os

# Textual draws what changed at most MAX_FPS times a second (TEXTUAL_FPS, default 60):
# a change waits for the next tick of that clock, up to 17 ms, and a key that scrolls
# the list waits for two (the layout, then the scrollbar). At 240 a tick is 4 ms away:
# G on 10,000 posts went from 38 to 16 ms, key to screen. Drawing is still only done
# for changes, so this costs nothing when idle. Read when Textual is first imported,
# which the interface does after this; a TEXTUAL_FPS set by the user wins.
os.environ.setdefault("TEXTUAL_FPS", "240")
