"""Draw the sample content's pictures with Pillow (run from anywhere; it writes beside
itself). The pictures are drawn by this script, so they are the project's own.

    python sample_content/make_pictures.py
"""

from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent


def ramen_bowl(size: tuple[int, int] = (480, 300)) -> Image.Image:
    """A bowl of shoyu ramen seen from above and a little to the side."""
    width, height = size
    image = Image.new("RGB", size, (38, 30, 28))
    draw = ImageDraw.Draw(image)
    for y in range(height):  # a wooden table, darker towards the back
        shade = 60 + y * 50 // height
        draw.line([(0, y), (width, y)], fill=(shade + 40, shade + 15, shade - 10))
    for x in range(0, width, 37):
        draw.line([(x, 0), (x + 20, height)], fill=(90, 60, 40), width=1)
    cx, cy, rx, ry = width // 2, height // 2 + 10, 190, 120
    draw.ellipse([cx - rx, cy - ry + 14, cx + rx, cy + ry + 14], fill=(20, 16, 14))  # shadow
    draw.ellipse([cx - rx, cy - ry, cx + rx, cy + ry], fill=(178, 34, 34))  # the bowl's rim
    draw.ellipse([cx - rx + 14, cy - ry + 10, cx + rx - 14, cy + ry - 10], fill=(150, 86, 40))
    for n in range(14):  # noodles
        top = cy - 40 + n * 6
        points = [(cx - 120 + t, top + 6 * math.sin(t / 11 + n)) for t in range(0, 240, 4)]
        draw.line(points, fill=(242, 214, 140), width=3)
    draw.rectangle([cx + 70, cy - 80, cx + 130, cy - 10], fill=(24, 40, 28))  # nori
    for dx in (-110, -50):  # two egg halves
        draw.ellipse([cx + dx, cy - 75, cx + dx + 50, cy - 35], fill=(250, 246, 232))
        draw.ellipse([cx + dx + 13, cy - 65, cx + dx + 37, cy - 45], fill=(240, 150, 30))
    for n in range(9):  # spring onion
        x, y = cx - 20 + (n * 29) % 120, cy + 30 + (n * 17) % 40
        draw.ellipse([x, y, x + 10, y + 8], fill=(90, 170, 60))
    return image


def time_chart(size: tuple[int, int] = (360, 180)) -> Image.Image:
    """Where the seventy minutes go: one bar per part of the bowl."""
    parts = [
        (25, (214, 140, 60)),
        (10, (160, 60, 40)),
        (15, (250, 230, 200)),
        (8, (90, 170, 60)),
        (12, (242, 214, 140)),
    ]
    image = Image.new("RGB", size, (30, 32, 40))
    draw = ImageDraw.Draw(image)
    bar = (size[0] - 40) // len(parts)
    for n, (minutes, colour) in enumerate(parts):
        x = 20 + n * bar
        top = size[1] - 20 - minutes * 5
        draw.rectangle([x + 6, top, x + bar - 6, size[1] - 20], fill=colour)
    draw.line([(14, size[1] - 20), (size[0] - 14, size[1] - 20)], fill=(200, 200, 210), width=2)
    return image


def terminal_sketch(size: tuple[int, int] = (320, 160)) -> Image.Image:
    """A terminal window with a list on the left and text on the right."""
    image = Image.new("RGB", size, (16, 18, 24))
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 0, size[0], 14], fill=(60, 64, 80))
    for n, colour in enumerate([(230, 90, 80), (240, 190, 70), (100, 200, 110)]):
        draw.ellipse([6 + n * 14, 3, 14 + n * 14, 11], fill=colour)
    draw.line([(110, 20), (110, size[1] - 6)], fill=(80, 140, 220), width=2)
    for row in range(8):
        y = 24 + row * 16
        draw.rectangle([8, y, 100, y + 8], fill=(200, 200, 210) if row else (80, 140, 220))
        draw.rectangle([120, y, 120 + 60 + (row * 53) % 130, y + 6], fill=(150, 150, 160))
    return image


def main() -> None:
    bundle = HERE / "posts" / "ramen-at-home"
    ramen_bowl().save(bundle / "bowl.jpg", quality=85)
    time_chart().save(bundle / "minutes.png")
    static = HERE / "static" / "images"
    static.mkdir(parents=True, exist_ok=True)
    terminal_sketch().save(static / "reader-sketch.png")


if __name__ == "__main__":
    main()
