"""Pictures through the terminal's graphics protocols, checked by decoding what we emit:
kitty's APC commands are parsed and their PNG payload opened; our sixel images are
painted back into pixels by a small decoder written here; and nothing from the content
(alt text, file names, URLs) appears inside an escape sequence."""

from __future__ import annotations

import base64
import io
import re

import pytest
from PIL import Image

from tests import picture_files as files
from tui_reader.core.images import kitty, sixel
from tui_reader.core.images.decode import decode_pixels, pixel_size
from tui_reader.ui.pictures.graphics import GraphicsOutput, kitty_drawn, sixel_drawn

CELL = (10, 20)
_APC = re.compile(r"\x1b_G([^;\x1b]*)(?:;([^\x1b]*))?\x1b\\")
_DCS = re.compile(r"\x1bP([0-9;]*)q(.*?)\x1b\\", re.S)


def kitty_commands(text: str) -> list[tuple[dict[str, str], str]]:
    """(keys, payload) of every kitty command in ``text``; nothing else may be there."""
    commands = []
    position = 0
    for match in _APC.finditer(text):
        assert match.start() == position, repr(text[position : match.start()])
        keys = dict(item.split("=", 1) for item in match.group(1).split(","))
        commands.append((keys, match.group(2) or ""))
        position = match.end()
    assert position == len(text)
    return commands


def paint_sixel(text: str) -> list[list[tuple[int, int, int] | None]]:
    """The pixels one sixel image paints (None: left as it was), by the format's rules."""
    match = _DCS.fullmatch(text)
    assert match is not None, repr(text[:40])
    assert match.group(1) == "0;1;0"  # unpainted pixels stay transparent
    body = match.group(2)
    raster = re.match(r'"1;1;(\d+);(\d+)', body)
    assert raster is not None
    width, height = int(raster.group(1)), int(raster.group(2))
    pixels: list[list[tuple[int, int, int] | None]] = [[None] * width for _ in range(height)]
    registers: dict[int, tuple[int, int, int]] = {}
    colour = (0, 0, 0)
    x = band = 0
    grammar = r"#(\d+)(?:;2;(\d+);(\d+);(\d+))?|!(\d+)([?-~])|([?-~])|(\$)|(-)"
    tokens = re.finditer(grammar, body[raster.end() :])
    for token in tokens:
        number, r, g, b, count, repeated, single, back, down = token.groups()
        if number is not None:
            if r is not None:
                registers[int(number)] = tuple(round(int(v) * 255 / 100) for v in (r, g, b))  # type: ignore[assignment]
            else:
                colour = registers[int(number)]
        elif back:
            x = 0
        elif down:
            x, band = 0, band + 1
        else:
            bits = ord(repeated or single) - 63
            columns = int(count) if count else 1
            for column in range(x, x + columns):
                for bit in range(6):
                    y = band * 6 + bit
                    if bits >> bit & 1:
                        assert y < height and column < width
                        pixels[y][column] = colour
            x += columns
    return pixels


def near(pixel: tuple[int, int, int] | None, rgb: tuple[int, int, int]) -> bool:
    return pixel is not None and all(abs(a - b) <= 2 for a, b in zip(pixel, rgb, strict=True))


def gradient(width: int = 37, height: int = 29) -> bytes:
    """A picture of many colours: every pixel a little different."""
    image = Image.new("RGB", (width, height))
    colours = [
        (x * 7 % 256, y * 9 % 256, (x + y) * 5 % 256) for y in range(height) for x in range(width)
    ]
    image.putdata(colours)
    return image.tobytes()


# -- kitty ---------------------------------------------------------------------------
def test_kitty_sends_a_png_of_the_scaled_picture_and_places_it_virtually() -> None:
    graphic = decode_pixels(files.two_colour("PNG", (400, 200)), 30, 10, CELL)
    assert (graphic.width, graphic.height) == (300, 150)  # fits 30 columns of 10 pixels
    assert (graphic.columns, graphic.lines) == (30, 8)
    drawn = kitty_drawn(graphic, 0x123456)
    (sent, place) = kitty_commands(drawn.transmit)
    assert sent[0] == {"a": "t", "f": "100", "i": str(0x123456), "q": "2", "m": "0"}
    assert place[0] == {"a": "p", "U": "1", "i": str(0x123456), "c": "30", "r": "8", "q": "2"}
    chunks = [sent[1]]
    image = Image.open(io.BytesIO(base64.b64decode("".join(chunks))))
    assert image.format == "PNG" and image.size == (300, 150)
    rgb = image.convert("RGB")
    assert rgb.getpixel((150, 20)) == files.RED
    assert rgb.getpixel((150, 130)) == files.BLUE


def test_a_large_image_is_sent_in_chunks_that_add_up_to_it() -> None:
    data = bytes(range(256)) * 40  # 10 240 bytes: 13 654 in base64, four chunks
    commands = kitty_commands(kitty.transmit(9, data, 3, 2))
    chunks = commands[:-1]
    assert [keys.get("m") for keys, _payload in chunks] == ["1", "1", "1", "0"]
    assert chunks[0][0]["a"] == "t" and all(set(keys) == {"m"} for keys, _ in chunks[1:])
    assert all(len(payload) <= kitty.CHUNK for _keys, payload in chunks)
    assert base64.b64decode("".join(payload for _keys, payload in chunks)) == data
    assert commands[-1][0]["a"] == "p"


def test_inside_tmux_each_command_is_passed_through_with_its_escs_doubled() -> None:
    commands = kitty.transmit(7, bytes(4000), 2, 2) + kitty.delete(7)
    wrapped = kitty.through_tmux(commands)
    parts = re.findall(r"\x1bPtmux;(.*?)(?<!\x1b)\x1b\\", wrapped, re.S)
    assert "".join(f"\x1bPtmux;{part}\x1b\\" for part in parts) == wrapped
    assert len(parts) == len(kitty_commands(commands)) == 4
    assert "".join(part.replace("\x1b\x1b", "\x1b") for part in parts) == commands


def test_kitty_placeholders_name_each_cells_row_and_column_and_the_id_in_colour() -> None:
    graphic = decode_pixels(files.two_colour("PNG", (120, 100)), 12, 5, CELL)
    drawn = kitty_drawn(graphic, 0x0A0B0C)
    assert (drawn.width, len(drawn.lines)) == (graphic.columns, graphic.lines) == (12, 5)
    for row, line in enumerate(drawn.lines):
        (segment,) = line
        assert segment.cell_length == 12
        assert segment.style is not None and segment.style.color is not None
        assert segment.style.color.get_truecolor() == (0x0A, 0x0B, 0x0C)
        cells = re.findall(f"{kitty.PLACEHOLDER}(.)(.)", segment.text)
        assert len(cells) * 3 == len(segment.text)
        assert [kitty.DIACRITICS.index(r) for r, _c in cells] == [row] * 12
        assert [kitty.DIACRITICS.index(c) for _r, c in cells] == list(range(12))


def test_the_diacritics_are_kittys_table() -> None:
    assert kitty.MAX_CELLS == 297
    assert [hex(ord(mark)) for mark in kitty.DIACRITICS[:4]] == ["0x305", "0x30d", "0x30e", "0x310"]
    assert hex(ord(kitty.DIACRITICS[-1])) == "0x1d244"
    assert len(set(kitty.DIACRITICS)) == 297


def test_the_output_sends_each_kitty_image_once_and_deletes_it() -> None:
    written: list[str] = []
    output = GraphicsOutput(written.append)
    drawn = kitty_drawn(decode_pixels(files.two_colour(), 8, 4, CELL), 77)
    output.send(drawn)
    output.send(drawn)
    assert written == [drawn.transmit]
    output.forget(drawn)
    assert kitty_commands(written[-1]) == [({"a": "d", "d": "I", "i": "77", "q": "2"}, "")]
    output.send(kitty_drawn(decode_pixels(files.two_colour(), 8, 4, CELL), 78))
    output.close()
    assert kitty_commands(written[-1])[0][0]["i"] == "78" and not output.images


# -- sixel ---------------------------------------------------------------------------
@pytest.mark.parametrize("line_height", [20, 17, 6])
def test_sixel_lines_paint_back_the_quantized_picture(line_height: int) -> None:
    width, height = 37, 29
    rgb = gradient(width, height)
    indexes, palette = sixel.quantize(width, height, rgb)
    expected = [palette[index] for index in indexes]
    painted: list[tuple[int, int, int] | None] = []
    images = sixel.encode_lines(width, height, rgb, line_height)
    assert len(images) == -(-height // line_height)
    for image in images:
        for row in paint_sixel(image):
            painted += row
    assert len(painted) == width * height and None not in painted
    # Registers are given in percent: a colour comes back within 255/200 of itself.
    for got, want in zip(painted, expected, strict=True):
        assert got is not None and all(abs(a - b) <= 2 for a, b in zip(got, want, strict=True))
    assert len(set(expected)) > 50  # many colours, each in its own register


def test_a_two_colour_picture_is_two_registers_and_runs() -> None:
    graphic = decode_pixels(files.two_colour("PNG", (40, 20)), 10, 10, CELL)
    images = sixel.encode_lines(graphic.width, graphic.height, graphic.rgb, 10)
    top, bottom = (paint_sixel(image) for image in images)
    assert all(near(pixel, files.RED) for row in top for pixel in row)
    assert all(near(pixel, files.BLUE) for row in bottom for pixel in row)
    assert "!40" in images[0]  # a row of one colour is one repeat


def test_the_output_paints_the_sixel_lines_the_view_drew_at_their_places() -> None:
    from rich.segment import Segment
    from textual.strip import Strip

    graphic = decode_pixels(files.two_colour("PNG", (40, 40)), 10, 10, CELL)
    drawn = sixel_drawn(graphic)
    assert (drawn.width, len(drawn.lines)) == (4, 2)
    written: list[str] = []
    output = GraphicsOutput(written.append)
    for y, line in ((3, drawn.lines[0]), (4, drawn.lines[1])):
        output.note_line(y, Strip([Segment("     "), *line, Segment("  ")]))
    output.paint_sixels(left=2, top=10, height=20, last_row=39)
    assert [tuple(p) for p in output.placed] == [(7, 13, 40, 20), (7, 14, 40, 20)]
    (paint,) = written
    assert paint.startswith("\x1b7\x1b[14;8H\x1bP") and paint.endswith("\x1b\\\x1b8")
    images = re.findall(r"\x1bP.*?\x1b\\", paint)
    top, bottom = (paint_sixel(image)[0][0] for image in images)
    assert near(top, files.RED) and near(bottom, files.BLUE)
    # A line drawn again without a picture forgets its image; none past the view or on
    # the last row (a sixel there would scroll the screen).
    output.note_line(3, Strip([Segment("text")]))
    output.placed.clear()
    output.paint_sixels(left=2, top=10, height=20, last_row=14)
    assert not output.placed
    output.paint_sixels(left=2, top=10, height=4, last_row=39)
    assert not output.placed


def test_the_sequences_hold_only_keys_numbers_and_pixel_data() -> None:
    graphic = decode_pixels(files.two_colour("PNG", (64, 64)), 8, 4, CELL)
    for keys, payload in kitty_commands(kitty_drawn(graphic, 5).transmit):
        assert all(re.fullmatch("[a-zA-Z]=[0-9a-z]+", f"{k}={v}") for k, v in keys.items())
        assert re.fullmatch("[A-Za-z0-9+/=]*", payload)
    for image in sixel.encode_lines(graphic.width, graphic.height, graphic.rgb, 20):
        body = _DCS.fullmatch(image)
        assert body is not None
        assert set(body.group(2)) <= set('"#!$-;0123456789') | {chr(c) for c in range(63, 127)}


def test_pixel_size_keeps_the_shape_and_never_enlarges() -> None:
    assert pixel_size(40, 20, 30, 10, CELL) == (40, 20)
    assert pixel_size(4000, 1000, 30, 10, CELL) == (300, 75)
    assert pixel_size(1000, 4000, 30, 10, CELL) == (50, 200)
