"""Feeds: fetch (HTTP), parse (RSS, Atom, JSON Feed) into articles, refresh, OPML.

``fetch`` gets the bytes; ``parse`` picks a reader (``fastrss``, feedparser or
``jsonfeed``) and ``build`` turns entries into clean articles, with HTML converted by
``html`` (``htmltext``, ``htmlmd``) and dates by ``dates``; ``refresh`` ties fetching to
the store, with ``workers`` parsing and saving in processes; ``localfiles`` reads feed
files, ``opml`` reads and writes subscription lists.
"""
