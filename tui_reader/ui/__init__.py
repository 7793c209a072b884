"""The Textual interface, built on :mod:`tui_reader.core`."""
