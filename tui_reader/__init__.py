"""tui-reader: a keyboard-driven terminal reader for Markdown posts and feeds."""

__version__ = "0.1.0"
HOMEPAGE = "https://pypi.org/project/tui-reader/"  # as [project.urls] in pyproject.toml
