"""Decode an image safely and scale it to a size in terminal cells.

Hostile images are refused before they cost memory, each with a short reason:

* a format we do not draw, or something else wearing an image's name (an HTML error
  page, an SVG, text) is sniffed from its first bytes;
* the header's size is checked against :data:`MAX_PIXELS` before any pixel is decoded,
  and Pillow's own ``MAX_IMAGE_PIXELS`` is set to the same cap, as a second lock;
* a header that lies about the size, or a truncated file, fails in the decoder, which
  Pillow reports as an ``OSError`` or ``SyntaxError``;
* a JPEG is decoded at a reduced scale (``draft``) when it is larger than needed.

Pillow is imported here, so this module loads only when a picture is drawn.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Callable
from dataclasses import dataclass

from PIL import Image

MAX_PIXELS = 25_000_000  # about 100 MB of RGBA: one decode at a time stays well under 400 MB
FORMATS = frozenset({"PNG", "JPEG", "GIF", "WEBP"})
Image.MAX_IMAGE_PIXELS = MAX_PIXELS


@dataclass(frozen=True, slots=True)
class Picture:
    """An image scaled for half-block cells: ``width`` columns, ``height`` pixel rows
    (two per text line), ``rgb`` row after row, three bytes a pixel."""

    width: int
    height: int
    rgb: bytes

    @property
    def lines(self) -> int:
        return self.height // 2


class BadImage(ValueError):
    """An image we will not draw; the message is a short reason for the reader."""


def sniff(data: bytes) -> str:
    """Why ``data`` is plainly not a picture we draw ("" when it may be one)."""
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if not head:
        return "empty file"
    if head.startswith((b"<!doctype html", b"<html", b"<head", b"<body")) or b"<html" in head:
        return "not an image (an HTML page)"
    if head.startswith(b"<svg") or (head.startswith(b"<?xml") and b"<svg" in data[:2048]):
        return "SVG is shown as its text"
    if head.startswith((b"<", b"{", b"[")):
        return "not an image (text)"
    return ""


def cell_size(width: int, height: int, columns: int, lines: int) -> tuple[int, int]:
    """Columns and pixel rows that fit a ``width`` x ``height`` image into ``columns`` x
    ``lines`` cells, keeping its shape (a half-block pixel is about square) and never
    enlarging it."""
    columns = max(1, min(columns, width))
    rows = max(2, round(height * columns / width))
    if rows > 2 * lines:
        rows = 2 * lines
        columns = max(1, min(columns, round(width * rows / height)))
    rows += rows % 2
    return columns, rows


def decode(data: bytes, columns: int, lines: int) -> Picture:
    """``data`` as a :class:`Picture` at most ``columns`` x ``lines`` cells.

    Raises :class:`BadImage` with the reason when the image is refused or broken.
    """
    frame = _scaled(data, lambda width, height: cell_size(width, height, columns, lines))
    return Picture(frame.width, frame.height, frame.tobytes())


@dataclass(frozen=True, slots=True)
class Graphic:
    """An image scaled for a graphics protocol (kitty, sixel): ``width`` x ``height``
    pixels (``rgb``, three bytes a pixel), covering ``columns`` x ``lines`` cells of
    ``cell`` (width, height) pixels each."""

    columns: int
    lines: int
    width: int
    height: int
    rgb: bytes
    cell: tuple[int, int]


def pixel_size(
    width: int, height: int, columns: int, lines: int, cell: tuple[int, int]
) -> tuple[int, int]:
    """The pixels a ``width`` x ``height`` image takes in ``columns`` x ``lines`` cells
    of ``cell`` pixels, keeping its shape and never enlarging it."""
    scale = min(1.0, columns * cell[0] / width, lines * cell[1] / height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def decode_pixels(data: bytes, columns: int, lines: int, cell: tuple[int, int]) -> Graphic:
    """``data`` as a :class:`Graphic` at most ``columns`` x ``lines`` cells of ``cell``
    pixels; raises :class:`BadImage` like :func:`decode`."""
    frame = _scaled(data, lambda width, height: pixel_size(width, height, columns, lines, cell))
    used_columns = -(-frame.width // cell[0])
    used_lines = -(-frame.height // cell[1])
    return Graphic(used_columns, used_lines, frame.width, frame.height, frame.tobytes(), cell)


def _scaled(data: bytes, target_of: Callable[[int, int], tuple[int, int]]) -> Image.Image:
    """The image in ``data`` decoded and resized to ``target_of(width, height)``, as RGB
    (transparent parts over the pane's dark background)."""
    reason = sniff(data)
    if reason:
        raise BadImage(reason)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=sorted(FORMATS))
            width, height = image.size
            if width <= 0 or height <= 0:
                raise BadImage("an image without pixels")
            if width * height > MAX_PIXELS:
                raise BadImage(f"too many pixels ({width:,} x {height:,})")
            target = target_of(width, height)
            if image.format == "JPEG":
                image.draft("RGB", target)
            image.load()
            frame = image.convert("RGBA") if _has_alpha(image) else image.convert("RGB")
            frame = frame.resize(
                target, Image.Resampling.BOX if _big(image, target) else Image.Resampling.BILINEAR
            )
    except BadImage:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise BadImage("too many pixels (a decompression bomb)") from None
    except Image.UnidentifiedImageError:
        raise BadImage("not an image we can draw (PNG, JPEG, GIF or WebP)") from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        text = str(exc).lower()
        if "truncated" in text or isinstance(exc, EOFError):
            raise BadImage("the image file is cut short") from None
        raise BadImage("the image data is broken") from None
    except MemoryError:
        raise BadImage("too large to decode") from None
    if frame.mode == "RGBA":
        # Transparent parts are drawn over a dark background, like the reading pane's.
        backdrop = Image.new("RGBA", frame.size, (24, 24, 24, 255))
        frame = Image.alpha_composite(backdrop, frame).convert("RGB")
    return frame


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info


def _big(image: Image.Image, target: tuple[int, int]) -> bool:
    return image.width > 2 * target[0]
