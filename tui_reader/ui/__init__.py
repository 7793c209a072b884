"""The Textual interface, built on :mod:`tui_reader.core`."""

from tui_reader import tuning

# Before anything here imports Textual, which reads its frame rate once.
tuning.before_textual()
