"""Where a link in an article leads, decided in one place.

Only http, https and mailto links ever leave the program, and only after the user has
seen the full URL. Relative links to ``.md`` files open in the reader; ``#anchors`` jump
within the article. Everything else is refused with a reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import unquote, urlsplit

from tui_reader.core.sanitize import clean_line, safe_url
from tui_reader.core.sources import MARKDOWN_SUFFIXES

_MD_LINK = re.compile(r"(?<!!)\[([^\]\n]{0,300})\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")


@dataclass(frozen=True)
class Target:
    """The outcome of following a link."""

    kind: Literal["web", "local", "anchor", "refused"]
    value: str = ""  # URL, file path, or the reason a link was refused
    anchor: str = ""


def resolve(href: str, base: str | None) -> Target:
    """Decide what following ``href`` from an article at ``base`` (a path or URL) does."""
    href = clean_line(href, 4096)
    if not href:
        return Target("refused", "empty link")
    if href.startswith("#"):
        return Target("anchor", anchor=unquote(href[1:]))
    scheme = urlsplit(href).scheme.lower() if ":" in href else ""
    if scheme:
        url = safe_url(href)
        if url is None or len(scheme) == 1:  # "c:" is a Windows drive, not a scheme
            return Target("refused", f"links with the scheme '{scheme}:' are never opened")
        return Target("web", url)
    if base and re.match(r"https?://", base):
        from urllib.parse import urljoin

        url = safe_url(urljoin(base, href))
        return Target("web", url) if url else Target("refused", "unsupported link")
    path_part, _, anchor = href.partition("#")
    if not base:
        return Target("refused", "relative link with no article to resolve it against")
    target = (Path(base).parent / unquote(path_part)).resolve()
    if target.is_dir():
        for name in ("index.md", "_index.md", "README.md"):
            if (target / name).is_file():
                target = target / name
                break
    if target.suffix.lower() not in MARKDOWN_SUFFIXES:
        return Target("refused", f"not a Markdown file: {clean_line(str(target))}")
    if not target.is_file() and "/" not in path_part:
        target = _in_vault(Path(base).parent, target.name) or target
    if not target.is_file():
        return Target("refused", f"no such file: {clean_line(str(target))}")
    return Target("local", str(target), unquote(anchor))


VAULT_LEVELS = 2  # how far up a bare note name ("[[Note]]") is looked for
VAULT_FILES = 20_000  # files looked at, at most, before giving up


def _in_vault(folder: Path, name: str) -> Path | None:
    """A note named like a wiki link (``[[Note]]``) anywhere in the vault around ``folder``:
    note apps find a note by its name, wherever it sits. Nearest folders first; bounded,
    since it runs when the reader follows a link."""
    wanted = name.casefold()
    seen = 0
    for root in [folder, *list(folder.parents)[:VAULT_LEVELS]]:
        for path in root.rglob("*"):
            seen += 1
            if seen > VAULT_FILES:
                return None
            if path.name.casefold() == wanted and path.is_file():
                return path
    return None


def find_links(body: str) -> list[tuple[str, str]]:
    """(text, href) of the inline links of a Markdown body, outside code fences."""
    # Here, not at the top: the app imports this module at start, the scanner is not needed.
    from tui_reader.core.markdown.lines import code_and_prose

    body = "".join(run for code, run in code_and_prose(body) if not code)
    return [(clean_line(text or href), href) for text, href in _MD_LINK.findall(body)]
