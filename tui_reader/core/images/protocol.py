"""Which graphics protocol the terminal speaks: kitty, then sixel, then half-blocks.

:func:`choose` is a pure function of the setting, the environment and the terminal's
answers to two queries (a kitty graphics query and the primary device attributes, whose
``4`` means sixel), so it is tested without a terminal. :func:`ask_terminal` sends the
queries and reads the answers; it runs before Textual owns the terminal, and only when
the environment leaves the answer open.

Inside tmux (``TMUX`` set) the outer terminal's answers cannot be trusted (tmux answers
for itself, and passes graphics through only when configured to), so auto means
half-blocks there unless the user names a protocol.
"""

from __future__ import annotations

import os
import re
import select
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass

SETTINGS = ("auto", "kitty", "sixel", "halfblock", "off")
KITTY_QUERY = "\x1b_Gi=31,s=1,v=1,a=q,t=d,f=24;AAAA\x1b\\"
ATTRIBUTES_QUERY = "\x1b[c"  # every terminal answers this, so it ends the wait
QUERY_TIMEOUT = 0.3
_KITTY_OK = re.compile(rb"\x1b_Gi=31;OK\x1b\\")
_ATTRIBUTES = re.compile(rb"\x1b\[\?([0-9;]*)c")
# TERM or TERM_PROGRAM, lower case. Kitty pictures are drawn with the protocol's Unicode
# placeholders, which kitty and Ghostty draw; WezTerm and Konsole speak the protocol but
# not its placeholders (WezTerm draws such an image at the cursor), and both draw sixel.
KITTY_TERMINALS = ("kitty", "ghostty")
SIXEL_TERMINALS = ("foot", "mlterm", "contour", "vscode", "wezterm")


@dataclass(frozen=True, slots=True)
class Answers:
    """What the terminal said to the queries (None: not asked)."""

    kitty: bool | None = None
    sixel: bool | None = None


def choose(setting: str, env: Mapping[str, str], answers: Answers | None = None) -> str:
    """The protocol to draw with: "kitty", "sixel", "halfblock" or "off"."""
    if setting in ("kitty", "sixel", "halfblock", "off"):
        return setting
    if env.get("TMUX"):
        return "halfblock"
    answers = answers or Answers()
    if answers.kitty:
        return "kitty"
    if answers.sixel:
        return "sixel"
    if answers.kitty is None and answers.sixel is None:
        return from_environment(env)
    return "halfblock"


def from_environment(env: Mapping[str, str]) -> str:
    """The protocol the environment names, when the terminal was not asked."""
    term = env.get("TERM", "").lower()
    program = env.get("TERM_PROGRAM", "").lower()
    if any(name in term or name in program for name in KITTY_TERMINALS):
        return "kitty"
    if env.get("KONSOLE_VERSION"):  # sixel since Konsole 22.04
        return "sixel"
    if any(name in term or name in program for name in SIXEL_TERMINALS):
        return "sixel"
    if env.get("WT_SESSION"):  # Windows Terminal draws sixel since 1.22
        return "sixel"
    return "halfblock"


def needs_asking(setting: str, env: Mapping[str, str]) -> bool:
    """Whether :func:`choose` would use the terminal's answers."""
    return setting == "auto" and not env.get("TMUX") and from_environment(env) == "halfblock"


def parse_answers(data: bytes) -> Answers | None:
    """The answers in what the terminal sent; None until the attributes answer came."""
    attributes = _ATTRIBUTES.search(data)
    if attributes is None:
        return None
    codes = attributes.group(1).split(b";")
    return Answers(kitty=bool(_KITTY_OK.search(data)), sixel=b"4" in codes)


def ask_terminal(timeout: float = QUERY_TIMEOUT) -> Answers:
    """Ask the terminal on stdin/stdout; no answer within ``timeout`` counts as no."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()) or os.name != "posix":
        return Answers(False, False)
    import termios
    import tty

    fd = sys.stdin.fileno()
    saved = termios.tcgetattr(fd)
    data = b""
    try:
        tty.setcbreak(fd, termios.TCSANOW)
        sys.stdout.write(KITTY_QUERY + ATTRIBUTES_QUERY)
        sys.stdout.flush()
        end = time.monotonic() + timeout
        while (left := end - time.monotonic()) > 0 and parse_answers(data) is None:
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                break
            data += os.read(fd, 1024)
    except OSError:
        pass
    finally:
        termios.tcsetattr(fd, termios.TCSANOW, saved)  # keep keys typed meanwhile
    return parse_answers(data) or Answers(False, False)


def cell_pixels() -> tuple[int, int] | None:
    """A terminal cell's (width, height) in pixels, from the terminal's window size
    (TIOCGWINSZ); None when the terminal does not say (many report 0 pixels)."""
    try:
        import fcntl
        import struct
        import termios

        packed = fcntl.ioctl(sys.__stdout__.fileno(), termios.TIOCGWINSZ, b"\0" * 8)  # type: ignore[union-attr]
        rows, columns, width, height = struct.unpack("HHHH", packed)
    except (OSError, ValueError, AttributeError, ImportError):
        return None
    if not (rows and columns and width and height):
        return None
    return max(1, width // columns), max(1, height // rows)
