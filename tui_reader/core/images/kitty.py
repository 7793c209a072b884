"""The kitty graphics protocol, drawn with Unicode placeholders.

Facts of the protocol (https://sw.kovidgoyal.net/kitty/graphics-protocol/) this relies on:

* A command is an APC string, ``ESC _ G <key=value,...> ; <base64 payload> ESC \\``.
* ``a=t`` transmits an image without showing it; ``f=100`` says the payload is a PNG;
  ``i`` is the image's id; ``q=2`` asks the terminal not to answer (an answer would
  arrive as keys). A payload over 4096 bytes is sent in chunks: every chunk but the last
  has ``m=1``, and the chunks after the first carry only ``m``.
* ``a=p,U=1,i=ID,c=C,r=R`` makes a virtual placement ``C`` cells by ``R`` rows: the image
  is then shown wherever the text holds placeholder cells for it.
* A placeholder cell is U+10EEEE followed by two combining marks from kitty's
  row/column diacritics table (the n-th mark means row or column n), in a foreground
  colour that is the image id (24-bit RGB: id = r << 16 | g << 8 | b).
* ``a=d,d=I,i=ID`` deletes the image and its placements, freeing its memory.
* Inside tmux the commands reach the terminal only wrapped in tmux's passthrough DCS;
  the placeholder cells are text, which tmux keeps and redraws like any other.

The cells are ordinary text to Textual: they scroll, clip and redraw like any other, and
the escape sequences are written once per picture, outside a frame. The payload is a PNG
that Pillow encodes from the decoded, scaled pixels: no byte of the content is sent, and
the keys hold only numbers we chose.
"""

from __future__ import annotations

import base64
import io

PLACEHOLDER = "\U0010eeee"
CHUNK = 4096

# kitty's rowcolumn-diacritics table, as ranges of code points: DIACRITICS[n] marks row
# or column n.
_RANGES = (
    (0x305, 0x305), (0x30D, 0x30E), (0x310, 0x310), (0x312, 0x312), (0x33D, 0x33F),
    (0x346, 0x346), (0x34A, 0x34C), (0x350, 0x352), (0x357, 0x357), (0x35B, 0x35B),
    (0x363, 0x36F), (0x483, 0x487), (0x592, 0x595), (0x597, 0x599), (0x59C, 0x5A1),
    (0x5A8, 0x5A9), (0x5AB, 0x5AC), (0x5AF, 0x5AF), (0x5C4, 0x5C4), (0x610, 0x617),
    (0x657, 0x65B), (0x65D, 0x65E), (0x6D6, 0x6DC), (0x6DF, 0x6E2), (0x6E4, 0x6E4),
    (0x6E7, 0x6E8), (0x6EB, 0x6EC), (0x730, 0x730), (0x732, 0x733), (0x735, 0x736),
    (0x73A, 0x73A), (0x73D, 0x73D), (0x73F, 0x741), (0x743, 0x743), (0x745, 0x745),
    (0x747, 0x747), (0x749, 0x74A), (0x7EB, 0x7F1), (0x7F3, 0x7F3), (0x816, 0x819),
    (0x81B, 0x823), (0x825, 0x827), (0x829, 0x82D), (0x951, 0x951), (0x953, 0x954),
    (0xF82, 0xF83), (0xF86, 0xF87), (0x135D, 0x135F), (0x17DD, 0x17DD), (0x193A, 0x193A),
    (0x1A17, 0x1A17), (0x1A75, 0x1A7C), (0x1B6B, 0x1B6B), (0x1B6D, 0x1B73),
    (0x1CD0, 0x1CD2), (0x1CDA, 0x1CDB), (0x1CE0, 0x1CE0), (0x1DC0, 0x1DC1),
    (0x1DC3, 0x1DC9), (0x1DCB, 0x1DCC), (0x1DD1, 0x1DE6), (0x1DFE, 0x1DFE),
    (0x20D0, 0x20D1), (0x20D4, 0x20D7), (0x20DB, 0x20DC), (0x20E1, 0x20E1),
    (0x20E7, 0x20E7), (0x20E9, 0x20E9), (0x20F0, 0x20F0), (0x2CEF, 0x2CF1),
    (0x2DE0, 0x2DFF), (0xA66F, 0xA66F), (0xA67C, 0xA67D), (0xA6F0, 0xA6F1),
    (0xA8E0, 0xA8F1), (0xAAB0, 0xAAB0), (0xAAB2, 0xAAB3), (0xAAB7, 0xAAB8),
    (0xAABE, 0xAABF), (0xAAC1, 0xAAC1), (0xFE20, 0xFE26), (0x10A0F, 0x10A0F),
    (0x10A38, 0x10A38), (0x1D185, 0x1D189), (0x1D1AA, 0x1D1AD), (0x1D242, 0x1D244),
)  # fmt: skip
DIACRITICS = tuple(chr(code) for low, high in _RANGES for code in range(low, high + 1))
MAX_CELLS = len(DIACRITICS)  # rows and columns a placement can have


def png(width: int, height: int, rgb: bytes) -> bytes:
    """Pixels (RGB, row after row) as a PNG, encoded by Pillow."""
    from PIL import Image

    out = io.BytesIO()
    Image.frombytes("RGB", (width, height), rgb).save(out, format="PNG", compress_level=1)
    return out.getvalue()


def _command(keys: str, payload: bytes = b"") -> str:
    return f"\x1b_G{keys};{payload.decode('ascii')}\x1b\\" if payload else f"\x1b_G{keys}\x1b\\"


def transmit(image_id: int, png_data: bytes, columns: int, lines: int) -> str:
    """The commands that send a PNG as image ``image_id`` and place it virtually over
    ``columns`` x ``lines`` cells."""
    payload = base64.standard_b64encode(png_data)
    chunks = [payload[start : start + CHUNK] for start in range(0, len(payload), CHUNK)]
    parts = []
    for number, chunk in enumerate(chunks):
        more = int(number < len(chunks) - 1)
        keys = f"a=t,f=100,i={image_id},q=2,m={more}" if number == 0 else f"m={more}"
        parts.append(_command(keys, chunk))
    parts.append(_command(f"a=p,U=1,i={image_id},c={columns},r={lines},q=2"))
    return "".join(parts)


def delete(image_id: int) -> str:
    """The command that deletes image ``image_id`` and frees its memory."""
    return _command(f"a=d,d=I,i={image_id},q=2")


def through_tmux(commands: str) -> str:
    """The commands wrapped for tmux to pass on to the terminal outside it (tmux 3.3+
    with ``allow-passthrough on``): each in its own passthrough DCS, its ESCs doubled."""
    parts = commands.split("\x1b\\")
    return "".join(
        "\x1bPtmux;" + (part + "\x1b\\").replace("\x1b", "\x1b\x1b") + "\x1b\\"
        for part in parts
        if part
    )


def placeholder_row(row: int, columns: int) -> str:
    """Row ``row`` of a placement: each cell names its row and column."""
    mark = DIACRITICS[row]
    return "".join(PLACEHOLDER + mark + DIACRITICS[column] for column in range(columns))


def id_colour(image_id: int) -> tuple[int, int, int]:
    """The foreground colour that names image ``image_id`` (a 24-bit id)."""
    return (image_id >> 16) & 255, (image_id >> 8) & 255, image_id & 255
