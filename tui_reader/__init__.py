"""tui-reader: a keyboard-driven terminal reader for Markdown posts and feeds."""

__version__ = "0.1.0"
