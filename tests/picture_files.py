"""Small pictures for the picture tests, made on the spot with Pillow and zlib: plain
ones in every format we draw, and hostile ones (a decompression bomb, headers that lie,
truncated files, HTML wearing an image's name)."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image

RED = (220, 20, 20)
BLUE = (20, 40, 220)


def two_colour(fmt: str = "PNG", size: tuple[int, int] = (40, 20)) -> bytes:
    """Top half red, bottom half blue."""
    image = Image.new("RGB", size, RED)
    image.paste(BLUE, (0, size[1] // 2, size[0], size[1]))
    out = io.BytesIO()
    if fmt == "GIF":
        frames = [image, Image.new("RGB", size, (0, 200, 0))]
        frames[0].save(out, "GIF", save_all=True, append_images=frames[1:])
    else:
        image.save(out, fmt)
    return out.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_claiming(width: int, height: int, pixel_bytes: bytes = b"\x00" * 16) -> bytes:
    """A PNG whose header says ``width`` x ``height`` whatever data follows."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(pixel_bytes))
        + _chunk(b"IEND", b"")
    )


def bomb() -> bytes:
    """A real decompression bomb: 40,000 x 40,000 one-bit pixels in a few hundred KB."""
    row = b"\x00" + b"\x00" * (40_000 // 8)
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(40_000)) + compressor.flush()
    header = struct.pack(">IIBBBBB", 40_000, 40_000, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", data)
        + _chunk(b"IEND", b"")
    )


def truncated() -> bytes:
    whole = two_colour("PNG", (200, 200))
    noisy = Image.effect_noise((200, 200), 80).convert("RGB")
    out = io.BytesIO()
    noisy.save(out, "PNG")
    whole = out.getvalue()
    return whole[: len(whole) // 2]


HTML = b"<!DOCTYPE html>\n<html><head><title>404</title></head><body>Not found</body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>'
