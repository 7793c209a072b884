"""Local sources: walking folders, front matter, reading posts, the scan, its process,
parse workers and snapshots."""
