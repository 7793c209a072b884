"""Modal screens: help, tag picker, link list, confirmation before opening a URL."""
