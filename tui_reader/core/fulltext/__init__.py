"""Full articles: a web page's main text as Markdown, feeds found from a site's address,
and the full text of feed entries that carry only a summary.

``policy`` (which entries want their article; no imports), ``extract`` (trafilatura,
loaded on first use) and ``tomarkdown`` (its XML written as Markdown), ``page`` (fetching a page with the feed fetch's limits, or reading
a file), ``discover`` (feeds named by a page) and ``entries`` (fetching entries' articles
during a refresh, a few per host at once).
"""
