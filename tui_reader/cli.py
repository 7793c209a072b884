"""The command line: open the reader, or run one of the commands for scripts and cron.

    tui-reader [--wpm N] [--no-images] [--no-watch] [SOURCE ...]
    tui-reader list [SOURCE ...] [--tag T]... [--search Q] [--sort KEY] [--json] [--unread]
                    [--starred] [--max-minutes N]
    tui-reader list --stats
    tui-reader refresh
    tui-reader read URL|FILE [--json]
    tui-reader import URL|FILE [--pick N]
    tui-reader import-opml FILE
    tui-reader export-opml
    tui-reader sync
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from tui_reader import __version__

COMMANDS = ("list", "refresh", "read", "import", "import-opml", "export-opml", "sync")


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--wpm", type=int, help="reading speed in words per minute (default 212)")


def _pick(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--pick",
        type=int,
        metavar="N",
        help="when a site's address names several feeds, take the N-th of the list printed",
    )


def build_parser(command: str | None) -> argparse.ArgumentParser:
    """The parser for one command (``None``: open the reader)."""
    if command is None:
        parser = argparse.ArgumentParser(
            prog="tui-reader",
            description="A keyboard-driven reader for Markdown posts and RSS/Atom/JSON feeds.",
            epilog="commands: " + ", ".join(COMMANDS) + " (tui-reader COMMAND --help)",
        )
        parser.add_argument("--version", action="version", version=f"tui-reader {__version__}")
        parser.add_argument(
            "sources",
            nargs="*",
            metavar="SOURCE",
            help="Markdown files or folders, feed files, or feed URLs (default: the config)",
        )
        parser.add_argument(
            "--no-images", action="store_true", help="show images as their alt text"
        )
        parser.add_argument(
            "--no-watch",
            action="store_true",
            help="do not watch the folders for changes (config: watch = false)",
        )
        _common(parser)
        return parser
    parser = argparse.ArgumentParser(prog=f"tui-reader {command}")
    if command == "list":
        parser.description = "Print the matching articles without opening the interface."
        parser.add_argument("sources", nargs="*", metavar="SOURCE")
        parser.add_argument(
            "--tag", action="append", default=[], help="only articles with this tag"
        )
        parser.add_argument(
            "--search",
            default="",
            metavar="Q",
            help="only articles with every word of Q (the last one may be the start of a"
            " word) in their title, tags, author or full text, as the reader's ctrl+f;"
            " best matches first, title matches before body matches, unless --sort is given",
        )
        parser.add_argument(
            "--sort",
            choices=("date", "title", "time"),  # core.library.SORT_KEYS, without its import
            help="newest first (the default without --search), title A-Z, or shortest first",
        )
        parser.add_argument("--json", action="store_true", help="one JSON object per line")
        parser.add_argument("--unread", action="store_true", help="only unread articles")
        parser.add_argument("--starred", action="store_true", help="only starred articles")
        parser.add_argument("--max-minutes", type=int, metavar="N", help="at most N minutes long")
        parser.add_argument(
            "--stats",
            action="store_true",
            help="print each feed's cached entries (unread, starred) and the database size",
        )
        _pick(parser)
        _common(parser)
    elif command == "read":
        parser.description = (
            "Print the main text of a web page or a local .html file as Markdown (a"
            " Markdown file as it is), without navigation, footers or comments."
        )
        parser.add_argument("target", metavar="URL|FILE")
        parser.add_argument(
            "--json",
            action="store_true",
            help="one JSON object: title, author, date, words, minutes, markdown",
        )
        _common(parser)
    elif command == "refresh":
        parser.description = "Refresh every configured feed without the interface (for cron)."
    elif command == "import":
        parser.description = (
            "Add a feed to the config file: a feed's or a site's address (its feed is"
            " looked for), or an OPML file (as import-opml)."
        )
        parser.add_argument("target", metavar="URL|FILE")
        _pick(parser)
    elif command == "import-opml":
        parser.description = "Add the feeds of an OPML file to the config file."
        parser.add_argument("file", metavar="FILE")
    elif command == "export-opml":
        parser.description = "Print the configured feeds as OPML 2.0."
    elif command == "sync":
        parser.description = "One sync round with the [sync] server of the config file."
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # The command may follow global options: `tui-reader --wpm 100 list SOURCE`.
    position = next((i for i, a in enumerate(argv) if not a.startswith("-")), None)
    if position is not None and position > 0 and argv[position - 1] == "--wpm":
        position = next(
            (i for i, a in enumerate(argv) if i > position and not a.startswith("-")), None
        )
    command = argv[position] if position is not None and argv[position] in COMMANDS else None
    if command is not None:
        argv = argv[:position] + argv[position + 1 :]
    args = build_parser(command).parse_args(argv)
    from tui_reader.commands import run

    try:
        return run(command, args)
    except BrokenPipeError:  # `tui-reader list | head`
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        return 130
