"""Local Markdown sources: find the posts under a folder and load their metadata.

Link policy (THREATS.md row 16): symbolic links are followed, to files and to folders,
wherever they point, because people link their notes in from elsewhere. Each folder is
entered at most once (tracked by device and inode), so link loops end, and only regular
files are read, so a FIFO or a device named ``x.md`` is skipped.

Bodies are not kept: an :class:`Article` from here has ``body=None`` and the reader reads
the file again when it is opened.
"""

from __future__ import annotations

import html
import os
import re
import stat
from collections.abc import Callable, Iterator
from contextlib import suppress
from functools import lru_cache
from pathlib import Path

from tui_reader.core.article import SUMMARY_LIMIT, Article, Heading
from tui_reader.core.local.dialects import inline_tags, jekyll_name, modified_date
from tui_reader.core.local.textio import NotReadable, read_text_and_stat
from tui_reader.core.markdown.dialect import FOOTNOTE_REF, strip_shortcodes
from tui_reader.core.markdown.lines import closes_fence, fence_opening
from tui_reader.core.sanitize import clean_blocks, clean_error, clean_line, clean_tags
from tui_reader.core.sources import MARKDOWN_SUFFIXES

Analyse = Callable[[str], tuple[int, bool, tuple[Heading, ...]]]

_BUNDLE_INDEXES = ("index.md", "index.markdown")  # in order of preference
_SECTION_INDEXES = frozenset({"_index.md", "_index.markdown"})
_SKIPPED_DIRS = frozenset({"node_modules"})
_MORE = re.compile(r"<!--\s*more\s*-->", re.I)


# --- scanning ----------------------------------------------------------------------------


def iter_markdown_files(root: Path) -> Iterator[Path]:
    """Yield the article files under ``root``, in sorted path order. Never raises.

    Hidden entries and ``node_modules`` are skipped, ``_index.md`` (a Hugo section page)
    is never yielded, and a page bundle (a folder holding ``index.md``) yields only its
    index: the other Markdown files in a bundle are parts of it, not articles. ``root``
    itself is never taken as a bundle: the user asked for everything in it, and many
    notes and docs folders have an ``index.md`` home page next to their other pages.
    """
    return map(Path, iter_markdown_paths(root))


def iter_markdown_paths(root: Path | str) -> Iterator[str]:
    """:func:`iter_markdown_files` as strings: a Path costs more to make than a whole
    ``stat``, which counts on a library of 10,000 posts. Each string is what ``str()`` of
    the Path would be: the root is normalised once, and names never hold a separator."""
    root = os.fspath(Path(root))
    try:
        info = os.stat(root)
    except OSError:
        return
    if not stat.S_ISDIR(info.st_mode):
        return
    visited = {(info.st_dev, info.st_ino)}
    # An explicit stack rather than recursion: folder depth is not ours to choose.
    stack = [iter(_scan_folder(root, visited, bundle=False))]
    while stack:
        item = next(stack[-1], None)
        if item is None:
            stack.pop()
        elif isinstance(item, str):
            yield item
        else:
            stack.append(iter(_scan_folder(item[0], visited)))


def is_listed(root: str, path: str) -> bool:
    """Would a scan of folder ``root`` list the file ``path``, by the rules of
    :func:`iter_markdown_paths` (hidden names, ``node_modules``, section pages, page
    bundles)? For one file that changed, without listing the whole folder again."""
    relative = os.path.relpath(path, root)
    parts = relative.split(os.sep)
    if relative.startswith("..") or any(p.startswith(".") for p in parts):
        return False
    if any(part in _SKIPPED_DIRS for part in parts[:-1]):
        return False
    name = parts[-1].lower()
    if not name.endswith(MARKDOWN_SUFFIXES) or name in _SECTION_INDEXES:
        return False
    if len(parts) > 1 and name not in _BUNDLE_INDEXES:
        folder = os.path.dirname(path)
        if any(os.path.isfile(os.path.join(folder, index)) for index in _BUNDLE_INDEXES):
            return False  # a part of a page bundle, not an article
    return True


def bundle_index(path: str) -> bool:
    """``path`` is named as a page bundle's index (``index.md``)."""
    return os.path.basename(path).lower() in _BUNDLE_INDEXES


def _scan_folder(
    folder: str, visited: set[tuple[int, int]], *, bundle: bool = True
) -> list[str | tuple[str]]:
    """A folder's entries in name order: files as paths, folders to enter as 1-tuples.

    With ``bundle``, a folder holding an index file is a page bundle: only the index.
    """
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError:
        return []  # unreadable folder: skip it, the rest of the scan goes on
    items: list[str | tuple[str]] = []
    indexes: dict[str, str] = {}
    for entry in entries:
        name = entry.name
        if name.startswith("."):
            continue
        try:
            if entry.is_dir():  # follows links; `visited` stops loops
                if name in _SKIPPED_DIRS:
                    continue
                info = entry.stat()
                ident = (info.st_dev, info.st_ino)
                if ident not in visited:
                    visited.add(ident)
                    items.append((entry.path,))
            elif entry.is_file() and name.lower().endswith(MARKDOWN_SUFFIXES):
                # is_file() means S_ISREG (after links), so FIFOs and devices never match.
                lower = name.lower()
                if lower in _BUNDLE_INDEXES:
                    indexes[lower] = entry.path
                if lower not in _SECTION_INDEXES:
                    items.append(entry.path)
        except OSError:
            continue  # vanished, permission denied, or a link loop (ELOOP)
    for index in _BUNDLE_INDEXES:
        if bundle and index in indexes:
            return [indexes[index]]
    return items


# --- loading -----------------------------------------------------------------------------


def load_article(
    path: Path | str,
    *,
    source: str,
    root: Path | str,
    analyse: Analyse | None = None,
    quick: bool = False,
    key: str | None = None,
) -> Article:
    """Load one file's metadata as an :class:`Article`. Never raises.

    A file that cannot be read still gives an Article (titled by its name) whose
    ``warnings`` say why, so the list can show it. ``quick`` reads only what the list
    needs first (front matter and title) and marks the article ``pending``. ``key``, when
    given, is ``article_key(root, path)`` worked out by the caller.
    """
    path = Path(path)
    if key is None:
        key = article_key(root, path)
    try:
        return _load(path, key=key, source=source, analyse=analyse, quick=quick, root=root)
    except Exception as exc:  # noqa: BLE001 - one odd file must not stop a scan
        return _unreadable(path, key=key, title=_name_title(path), source=source, problem=exc)


def _unreadable(
    path: Path,
    *,
    key: str,
    title: str,
    source: str,
    problem: BaseException,
    mtime: float = 0.0,
    size: int = 0,
) -> Article:
    """An Article for a file that could not be loaded: listed, with the reason as warning."""
    return Article(
        key=key,
        title=title,
        kind="local",
        source=source,
        location=str(path),
        warnings=(clean_error(problem),),
        mtime=mtime,
        size=size,
    )


def _load(
    path: Path, *, key: str, source: str, analyse: Analyse | None, quick: bool, root: Path | str
) -> Article:
    try:
        text, notes, info = read_text_and_stat(path)
    except (NotReadable, OSError) as exc:
        mtime, size = 0.0, 0
        with suppress(OSError):
            info = os.stat(path)
            mtime, size = info.st_mtime, info.st_size
        return _unreadable(
            path,
            key=key,
            title=_name_title(path),
            source=source,
            problem=exc,
            mtime=mtime,
            size=size,
        )
    mtime, size = info.st_mtime, info.st_size
    # Here, not at the top: YAML and TOML load with the first file parsed, so a start
    # served from the scan snapshot never loads them.
    from tui_reader.core.local.frontmatter import normalise, split_front_matter

    data, body, fmt, error = split_front_matter(text)
    meta = normalise(data)
    warnings = [*notes, *([error] if error else []), *meta.warnings]
    words, cjk, headings = 0, False, ()
    tags = [*meta.tags, *meta.categories]  # categories filter as tags, as feeds' <category>
    if analyse is not None and not quick:
        try:
            words, cjk, headings = analyse(body)
        except Exception as exc:  # noqa: BLE001 - keep the metadata we already have
            warnings.append(clean_error(f"could not analyse the text: {clean_error(exc)}"))
        tags += inline_tags(body)
    named_date, named_title = jekyll_name(path)
    date = meta.date or named_date
    if date is None and fmt is None and not error:  # a plain note: no front matter at all
        date = modified_date(mtime)
    return Article(
        key=key,
        title=meta.title or named_title or _first_h1(body) or _name_title(path),
        kind="local",
        date=date,
        lastmod=meta.lastmod,
        author=meta.author,
        tags=clean_tags(tags) if len(tags) > len(meta.tags) else meta.tags,
        summary=_plain_line(meta.summary) or ("" if quick else summary_of(body)),
        draft=meta.draft,
        words=words,
        cjk=cjk,
        source=source,
        location=str(path),
        headings=tuple(headings),
        body=None,
        warnings=tuple(warnings),
        mtime=mtime,
        size=size,
        listed=meta.listed if meta.listed is not None else _cascade(str(path.parent), str(root)),
        pending=quick,
    )


@lru_cache(maxsize=4096)
def _cascade(folder: str, root: str) -> bool:
    """Whether the nearest section (``_index.md``) at or above ``folder``, up to ``root``,
    cascades "not listed" to its pages."""
    while True:
        said = _section_cascade(folder)
        if said is not None:
            return said
        parent = os.path.dirname(folder)
        if folder == root or parent == folder or not folder.startswith(root):
            return True
        folder = parent


@lru_cache(maxsize=4096)
def _section_cascade(folder: str) -> bool | None:
    """What a folder's ``_index.md`` cascades of listing; None if nothing (or no file).
    Kept for the life of the process: a section page rarely changes during a scan."""
    from tui_reader.core.local.frontmatter import normalise, split_front_matter

    for name in _SECTION_INDEXES:
        try:
            text = read_text_and_stat(Path(folder, name))[0]
        except (NotReadable, OSError):
            continue
        return normalise(split_front_matter(text)[0]).cascade
    return None


# --- names and keys ----------------------------------------------------------------------


def _storable(text: str) -> str:
    # Names that are not valid UTF-8 come back with surrogate escapes, which SQLite
    # refuses; spell those bytes as "\xff" instead: stable, and distinct from other names.
    return os.fsencode(text).decode("utf-8", "backslashreplace")


def article_key(root: Path | str, path: Path | str) -> str:
    # Absolute, so the key does not depend on the directory tui-reader was started from.
    return KeyMaker(root)(path)


class KeyMaker:
    """:func:`article_key` for many files of one folder: the folder's part is worked out
    once (a tenth of a first scan went to it, and to the Paths it made)."""

    def __init__(self, root: Path | str) -> None:
        base = os.path.abspath(root)
        self.inside = base.rstrip(os.sep) + os.sep
        self.prefix = f"local:{_storable(base)}::"

    def __call__(self, path: Path | str) -> str:
        full = os.path.abspath(path)
        if full.startswith(self.inside):
            relative = full[len(self.inside) :].replace(os.sep, "/")
        else:
            relative = os.path.basename(full)
        return f"{self.prefix}{_storable(relative)}"


def _name_title(path: Path) -> str:
    # A page bundle is named by its folder: "my-post/index.md" is "my-post".
    name = path.stem
    if path.name.lower() in _BUNDLE_INDEXES and path.parent.name:
        name = path.parent.name
    return clean_line(name) or clean_line(path.name) or "untitled"


# --- cheap Markdown reading --------------------------------------------------------------

_LINE_CAP = 2000  # longest line looked at for a title or summary; keeps regexes linear
_H1 = re.compile(r" {0,3}#[ \t]+")
_SETEXT = re.compile(r" {0,3}(?:=+|-+)[ \t]*")
# Lines that are not prose for a summary: headings, shortcodes, comments, images, tables,
# thematic breaks and block-level HTML.
# A shortcode line is not prose when it holds only shortcodes, or opens one it does
# not close there; "{{% note %}}Text{{% /note %}}" is prose.
_NOT_PROSE = re.compile(
    r" {0,3}(?:#|\{\{[<%](?:[^}]*|.*\}\}[ \t]*)$|<!--|!\[|\||(?:[-*_][ \t]*){3,}$"
    r"|<(?:div|figure|img|iframe|table|script|style))"
)
_IMAGES = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)")
_LINKS = re.compile(r"\[([^\]\n]*)\](?:\([^)\n]*\)|\[[^\]\n]*\])")
_TAGS = re.compile(r"</?[A-Za-z][^<>\n]*>")
# Quote and list markers, a definition's ": ", and an alert's "[!NOTE]" after its quote.
_BLOCK_MARKS = re.compile(
    r"^[ \t]*(?:>[ \t]?|[-+*][ \t]+|\d{1,9}[.)][ \t]+|:[ \t]+|\[![A-Za-z][\w-]*\][+-]?[ \t]*)+",
    re.MULTILINE,
)
_INLINE_MARKS = re.compile(r"[*`~]+|(?<!\w)_+|_+(?!\w)")


def _lines(text: str) -> Iterator[str]:
    """Lines of ``text`` lazily (a 5 MB body need not be split to find its title)."""
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        if end < 0:
            end = len(text)
        yield text[start : min(end, start + _LINE_CAP)]
        start = end + 1


def _outside_fences(text: str) -> Iterator[str]:
    fence = ""
    for line in _lines(text):
        if fence:
            if closes_fence(line, fence):
                fence = ""
            continue
        fence = fence_opening(line)
        if not fence:
            yield line


def _first_h1(body: str) -> str:
    """The text of the first level-1 ATX heading (``# Title``), as plain text."""
    for line in _outside_fences(body):
        match = _H1.match(line)
        if match:
            text = line[match.end() :].strip()
            # Drop an optional closing sequence: "# Title ##".
            unclosed = text.rstrip("#")
            if not unclosed or unclosed[-1] in " \t":
                text = unclosed.strip()
            if title := _plain_line(text):
                return title
    return ""


def summary_of(body: str, limit: int = SUMMARY_LIMIT) -> str:
    """The summary Hugo would show: the text before ``<!--more-->`` (any case and
    spacing), else the first paragraph, as one plain line of at most ``limit``."""
    more = _MORE.search(body) if "<!--" in body else None
    cut = more.start() if more else -1
    whole = cut >= 0
    parts: list[str] = []
    length = 0
    after_prose = False
    paragraph = 0  # where the current paragraph starts in `parts`
    for line in _outside_fences(body[:cut] if whole else body):
        if after_prose and _SETEXT.fullmatch(line):
            del parts[paragraph:]  # the paragraph above was a setext heading, not prose
            after_prose = False
            continue
        if not line.strip() or _NOT_PROSE.match(line):
            after_prose = False
            if parts and not whole:
                break
            continue
        if not after_prose:
            if parts:
                parts.append(_NEXT_PARAGRAPH)
            paragraph = len(parts)
        parts.append(line)
        after_prose = True
        length += len(line)
        if length > limit * 2:
            break
    paragraphs = "\n".join(parts).split(f"\n{_NEXT_PARAGRAPH}\n")
    if len(paragraphs) == 1:
        return _plain_line(paragraphs[0], limit)
    return clean_blocks((_plain_line(text, limit) for text in paragraphs), limit)


_NEXT_PARAGRAPH = "\x1e"  # between the paragraphs of a summary (a heading between them)


def _plain_line(markdown: str, limit: int = SUMMARY_LIMIT) -> str:
    """Markdown to one plain, clean line, cheaply: marks, links, tags and shortcodes go."""
    if not markdown:
        return ""
    text = markdown[: limit * 4]
    if "{{" in text:
        text = strip_shortcodes(text)
    if "[^" in text:
        text = FOOTNOTE_REF.sub("", text)  # a marker is no part of the sentence
    if "[" in text:
        text = _IMAGES.sub("", text)
        text = _LINKS.sub(r"\1", text)
    if "<" in text:
        text = _TAGS.sub("", text)
    text = _BLOCK_MARKS.sub("", text)
    text = _INLINE_MARKS.sub("", text)
    # Entities after tags are gone, so "&lt;b&gt;" stays visible text; clean_line then
    # removes whatever control characters "&#27;" and friends decode into.
    return clean_line(html.unescape(text), limit)
