"""Everything that is not the terminal UI. Nothing in this package imports Textual."""
