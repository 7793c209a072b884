"""What a burst of file changes means for the library: posts to (re)load, posts gone.

Events are not trusted for what happened (an editor's save is a create, a rename and a
delete in some order): each path is looked at on disk once the burst is over. A file
that is there is parsed whole, as the scan's second pass would; one that is not is gone,
with everything under it if it was a folder. The scan's rules decide what is an
article (:func:`~tui_reader.core.local.posts.is_listed`).

The store is kept right on the way: parsed files go into the scan cache and the search
index, and gone ones leave both. Snapshots need nothing: each batch of one is checked
against every file's mtime and size at the next start, so a changed, new or deleted
file sends its batch through the per-file cache instead.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from tui_reader.core.article import Article
from tui_reader.core.local.parse import parse_files
from tui_reader.core.local.posts import bundle_index, is_listed, iter_markdown_paths
from tui_reader.core.sources import MARKDOWN_SUFFIXES, is_feed_source
from tui_reader.core.store import Store, StoreError


@dataclass(slots=True)
class LiveChange:
    """Articles new or changed (complete, in no order), keys gone, and problems."""

    articles: list[Article] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.articles or self.removed or self.errors)


def watched_folders(sources: Iterable[str]) -> list[str]:
    """The folders to watch for these sources: each folder, and a file's folder."""
    folders: list[str] = []
    for source in sources:
        if is_feed_source(source):
            continue
        path = os.path.abspath(os.path.expanduser(source))
        folder = path if os.path.isdir(path) else os.path.dirname(path)
        if os.path.isdir(folder) and folder not in folders:
            folders.append(folder)
    return folders


def _owner(path: str, roots: list[tuple[str, str, bool]]) -> tuple[str, str] | None:
    """(source, root) of the source holding ``path``, the innermost one first."""
    for source, root, is_file in roots:
        if is_file:
            if path == root:
                return source, os.path.dirname(root)
        elif path.startswith(root + os.sep):
            return source, root
    return None


def changes_for(
    paths: Iterable[str],
    sources: Iterable[str],
    known: Mapping[str, str],
    store: Store | None = None,
) -> LiveChange:
    """What changed for the library. ``known`` maps the location of every local article
    listed now to its key."""
    roots: list[tuple[str, str, bool]] = []
    for source in sources:
        if not is_feed_source(source):
            path = os.path.abspath(os.path.expanduser(source))
            roots.append((source, path, os.path.isfile(path)))
    roots.sort(key=lambda item: len(item[1]), reverse=True)
    load: dict[tuple[str, str], set[str]] = {}
    gone: set[str] = set()
    for path in sorted({os.path.abspath(p) for p in paths}):
        owner = _owner(path, roots)
        if owner is None:
            continue
        source, root = owner
        if os.path.isdir(path):
            files = set(iter_markdown_paths(path))
            load.setdefault(owner, set()).update(f for f in files if is_listed(root, f))
            gone.update(loc for loc in _under(known, path) if loc not in files)
        elif os.path.isfile(path) and path.lower().endswith(MARKDOWN_SUFFIXES):
            if path == root or is_listed(root, path):
                load.setdefault(owner, set()).add(path)
                if bundle_index(path) and os.path.dirname(path) != root:
                    # A folder became a page bundle: its other posts are parts of it now.
                    folder = os.path.dirname(path)
                    gone.update(loc for loc in _under(known, folder) if loc != path)
            elif path in known:
                gone.add(path)  # no longer an article (a bundle's part now, say)
        else:
            gone.update(loc for loc in (path, *_under(known, path)) if loc in known)
    change = LiveChange()
    for (source, root), files in load.items():
        parsed = parse_files(sorted(files), source, root, quick=False)
        change.articles.extend(article for article, _plain in parsed)
        _save(store, [(a, plain) for a, plain in parsed if a.mtime], change)
    change.removed = [known[loc] for loc in sorted(gone) if loc in known]
    if store is not None and store.writable and gone:
        try:
            store.forget_files(sorted(gone), change.removed)
        except StoreError as exc:
            change.errors.append(str(exc))
    return change


def _under(known: Mapping[str, str], folder: str) -> list[str]:
    inside = folder.rstrip(os.sep) + os.sep
    return [location for location in known if location.startswith(inside)]


def _save(store: Store | None, fresh: list[tuple[Article, str]], change: LiveChange) -> None:
    if store is None or not store.writable or not fresh:
        return
    try:
        store.save_scan(article for article, _plain in fresh)
        store.index_articles(fresh)
    except StoreError as exc:
        change.errors.append(str(exc))
