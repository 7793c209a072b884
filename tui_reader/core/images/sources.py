"""Where an image in an article comes from: a file beside the post, a file in a Hugo
``static/`` folder, or an http(s) URL; and the cover a post's front matter names.

Pure path and URL arithmetic: nothing is read here but directory entries (to find a
Hugo site's ``static/`` folder).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from tui_reader.core.sanitize import HTTP_SCHEMES, safe_url

SITE_LEVELS = 8  # folders above a post searched for a Hugo site's static/ folder
VECTOR_SUFFIXES = (".svg", ".svgz")


@dataclass(frozen=True, slots=True)
class ImageRef:
    """One image to load: ``kind`` "file" (a path) or "url" (http or https)."""

    kind: str
    location: str

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.location}"


class Unresolved(ValueError):
    """An image source that names nothing we may load; the message says why."""


def resolve(src: str, base: str) -> ImageRef:
    """Where ``src`` (an image's Markdown source) points, for an article at ``base``.

    ``base`` is the article's file path, or its link (http or https) for a feed entry,
    or "". Raises :class:`Unresolved` with a short reason when there is nothing to load.
    """
    src = src.strip()
    if not src:
        raise Unresolved("no image source")
    if src.lower().startswith("data:"):
        raise Unresolved("inline data images are not loaded")
    parts = urlsplit(src)
    if parts.scheme:
        if parts.scheme.lower() not in HTTP_SCHEMES or safe_url(src, HTTP_SCHEMES) is None:
            raise Unresolved(f"{parts.scheme}: images are not loaded")
        return _checked(ImageRef("url", safe_url(src, HTTP_SCHEMES) or src))
    if src.startswith("//"):
        return _checked(ImageRef("url", "https:" + src))
    if urlsplit(base).scheme.lower() in HTTP_SCHEMES:
        return _checked(ImageRef("url", urljoin(base, src)))
    if not base:
        raise Unresolved("a relative image without a page to resolve it against")
    path = unquote(parts.path)
    folder = Path(base).parent
    if path.startswith("/"):
        found = static_file(folder, path)
        if found is None:
            raise Unresolved(f"{path} is not in a Hugo static/ folder")
        return _checked(ImageRef("file", str(found)))
    return _checked(ImageRef("file", str(folder / path)))


def _checked(ref: ImageRef) -> ImageRef:
    path = urlsplit(ref.location).path if ref.kind == "url" else ref.location
    if path.lower().endswith(VECTOR_SUFFIXES):
        raise Unresolved("SVG is shown as its text")
    return ref


def static_file(folder: Path, site_path: str) -> Path | None:
    """``/images/x.png`` as a file in the ``static/`` folder of the Hugo site that holds
    ``folder``: the nearest folder above it that has a ``static/`` folder."""
    relative = site_path.lstrip("/")
    if not relative or ".." in Path(relative).parts:
        return None
    for level, parent in enumerate((folder, *folder.parents)):
        if level > SITE_LEVELS:
            break
        static = parent / "static"
        if static.is_dir():
            return static / relative
    return None


def cover_of(front_matter: object) -> str:
    """The cover a Hugo post names: ``cover.image`` (PaperMod and others), the first of
    ``images`` (Hugo's own), or ``featured_image``; "" when there is none."""
    if not isinstance(front_matter, dict):
        return ""
    cover = front_matter.get("cover")
    if isinstance(cover, dict) and isinstance(cover.get("image"), str):
        return cover["image"].strip()
    if isinstance(cover, str):
        return cover.strip()
    images = front_matter.get("images")
    if isinstance(images, list) and images and isinstance(images[0], str):
        return images[0].strip()
    if isinstance(images, str):
        return images.strip()
    featured = front_matter.get("featured_image") or front_matter.get("featuredImage")
    return featured.strip() if isinstance(featured, str) else ""


def cover_caption(front_matter: object) -> str:
    """The cover's alt text or caption, when the front matter gives one."""
    if isinstance(front_matter, dict):
        cover = front_matter.get("cover")
        if isinstance(cover, dict):
            for name in ("alt", "caption"):
                if isinstance(cover.get(name), str) and cover[name].strip():
                    return cover[name].strip()
    return ""
