"""Feeds: fetching, parsing (RSS, Atom, JSON Feed), building articles, refreshing, OPML, HTML to Markdown."""
