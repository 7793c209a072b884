"""The Markdown model: plain text, read time, the document's sections and headings, links."""
