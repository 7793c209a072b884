"""The keys table: every binding of :mod:`tui_reader.ui.bindings`, grouped, with its keys
as the user has them (the config's ``[keys]`` remaps applied) and what it does.

The help screen, the footer's key names, the command palette, the pop-up screens' titles
and the README's keys table all come from here. ``python -m tui_reader.ui.keys`` prints
the table in Markdown, as the README has it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache

from textual.app import App
from textual.binding import Binding
from textual.keys import format_key

from tui_reader.core.sanitize import clean_line
from tui_reader.ui.bindings import (
    APP_BINDINGS,
    CONFIRM_BINDINGS,
    DOCUMENT_BINDINGS,
    FEEDS_SCREEN_BINDINGS,
    HELP_BINDINGS,
    HELP_ROWS,
    LINK_LIST_BINDINGS,
    LINK_PICKER_BINDINGS,
    LIST_BINDINGS,
    PICKER_BINDINGS,
    PICTURE_BINDINGS,
    TAG_LIST_BINDINGS,
    TAG_PICKER_BINDINGS,
    TOC_BINDINGS,
)

# Where each list's keys work, in the order the help reads. A binding shared by several
# lists is listed in the first.
GROUPS: tuple[tuple[str, list[Binding]], ...] = (
    ("Everywhere", APP_BINDINGS),
    ("Article list", LIST_BINDINGS),
    ("Reading pane", DOCUMENT_BINDINGS + PICTURE_BINDINGS),
    ("Table of contents", TOC_BINDINGS),
    ("Pop-up lists", PICKER_BINDINGS),
    ("Tag picker", TAG_LIST_BINDINGS + TAG_PICKER_BINDINGS),
    ("Links", LINK_LIST_BINDINGS + LINK_PICKER_BINDINGS),
    ("Open a link?", CONFIRM_BINDINGS),
    ("Feeds", FEEDS_SCREEN_BINDINGS),
    ("Help", HELP_BINDINGS),
)
# Bindings the app has without the lists above: Textual adds the command palette's.
PALETTE_ROW = "command palette"

BY_ID: dict[str, Binding] = {
    binding.id: binding for _title, bindings in GROUPS for binding in bindings if binding.id
}
_ROW_OF: dict[str, tuple[str, ...]] = {name: ids for ids in HELP_ROWS for name in ids}


@dataclass(frozen=True)
class KeyRow:
    """One line of the table: the keys of each of its bindings as shown, and what they
    do."""

    keys: tuple[tuple[str, ...], ...]
    text: str

    @property
    def shown(self) -> str:
        """The keys on one line: ``j ↓ / k ↑``."""
        return " / ".join(" ".join(keys) for keys in self.keys)


@lru_cache(maxsize=512)  # the footer asks at every focus change
def key_display(key: str) -> str:
    """One key as Textual's footer writes it: ``?``, ``^f``, ``alt+←``, ``⏎``."""
    *modifiers, name = key.strip().split("+")
    name = format_key(name)
    if "ctrl" in modifiers:
        modifiers.remove("ctrl")
        name = f"^{name}"
    return clean_line("+".join([*modifiers, name]), 40)  # a remap is the user's text


def binding_display(binding: Binding) -> str:
    """A binding's key, as the footer shows it (one key of the binding at a time)."""
    return binding.key_display or key_display(binding.key)


def keys_of(binding: Binding, keymap: Mapping[str, str]) -> tuple[str, ...]:
    """Every key of a binding as shown, remapped as Textual does it (an empty value
    changes nothing): ``("j", "↓")``."""
    keys = (binding.id and keymap.get(binding.id)) or binding.key
    return tuple(key_display(key) for key in keys.split(",") if key.strip())


def rows(bindings: list[Binding], keymap: Mapping[str, str], seen: set[str]) -> Iterator[KeyRow]:
    """The rows of some bindings: a row for each entry of ``HELP_ROWS``, at its first
    binding; ids in ``seen`` were listed already and are skipped (and added to it)."""
    for binding in bindings:
        name = binding.id or ""
        if name in seen:
            continue
        together = _ROW_OF.get(name, (name,))
        seen.update(together)
        keys = tuple(keys_of(BY_ID[other], keymap) for other in together if other in BY_ID)
        yield KeyRow(keys, HELP_ROWS.get(together, binding.description))


def table(keymap: Mapping[str, str] | None = None) -> list[tuple[str, list[KeyRow]]]:
    """Every group with its rows, after ``keymap`` (``{binding id: "keys"}``)."""
    keymap = keymap or {}
    seen: set[str] = set()
    groups = []
    for title, bindings in GROUPS:
        group = list(rows(bindings, keymap, seen))
        if title == GROUPS[0][0]:
            group.append(KeyRow(((key_display(App.COMMAND_PALETTE_BINDING),),), PALETTE_ROW))
        groups.append((title, group))
    return groups


def keymap_of(app: App) -> Mapping[str, str]:
    """The remaps ``App.set_keymap`` was given. Textual 8 keeps them only in the private
    ``App._keymap`` (no public getter), already in its own spelling of the keys."""
    return getattr(app, "_keymap", None) or {}


def named(app: App, binding_id: str) -> str:
    """The keys of one binding for a sentence on screen, as remapped: ``y / ⏎``."""
    return " / ".join(keys_of(BY_ID[binding_id], keymap_of(app)))


# A pane's key whose action another node runs ("screen.find"): the palette offers it.
_ROUTED = ("app.", "screen.")


def palette_keys(keymap: Mapping[str, str]) -> Iterator[tuple[str, str, str]]:
    """(title, help, action) of each command the palette offers: the main screen's
    bindings and the panes' keys that act on it, each with its keys as remapped."""
    for _title, bindings in GROUPS[:3]:
        for binding in bindings:
            if binding.action in ("quit", "help", "back"):
                continue
            routed = binding.action.startswith(_ROUTED)
            if bindings is not APP_BINDINGS and not routed:
                continue
            name = binding.id or ""
            text = HELP_ROWS.get(_ROW_OF.get(name, (name,)), binding.description)
            help_text = f"{text} — key: {' '.join(keys_of(binding, keymap))}"
            action = binding.action.split(".", 1)[1] if routed else binding.action
            yield binding.description, help_text, action


def unknown_ids(keymap: Mapping[str, str]) -> list[str]:
    """The ids of a ``[keys]`` table that name no binding."""
    return [name for name in keymap if name not in BY_ID]


_MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})


def is_key_name(key: str) -> bool:
    """True when Textual can ever press ``key``: a character, a named key (``f2``,
    ``pagedown``) or a character's name (``question_mark``), after modifiers."""
    *modifiers, name = key.strip().split("+")
    if not name or any(modifier not in _MODIFIERS for modifier in modifiers):
        return False
    if len(name) == 1 or name in _key_names():
        return True
    import unicodedata  # only for a config that remaps keys

    try:
        return len(unicodedata.lookup(name.replace("_", " ").upper())) == 1
    except KeyError:
        return False


@lru_cache(maxsize=1)
def _key_names() -> frozenset[str]:
    from textual.keys import Keys

    return frozenset(key.value for key in Keys)


def bad_key_names(keymap: Mapping[str, str]) -> list[str]:
    """``id = "key"`` for each key of a ``[keys]`` table that no keyboard can press."""
    return [
        f'{name} = "{key.strip()}"'
        for name, keys in keymap.items()
        if name in BY_ID
        for key in keys.split(",")
        if key.strip() and not is_key_name(key)
    ]


def keymap_warning(keymap: Mapping[str, str], where: str = "") -> str | None:
    """What to tell a user whose ``[keys]`` table names bindings that do not exist, or
    keys that do not exist."""
    unknown, bad = unknown_ids(keymap), bad_key_names(keymap)
    if not unknown and not bad:
        return None
    prefix = f"{clean_line(where, 500)}: " if where else ""
    said = []
    if unknown:
        names = ", ".join(_with_guess(clean_line(name, 80)) for name in unknown)
        known = ", ".join(sorted(BY_ID))
        said.append(f"[keys] names no such binding: {names}. Known ids: {known}.")
    if bad:
        keys = ", ".join(clean_line(entry, 80) for entry in bad)
        said.append(
            f"[keys] names no such key: {keys} (keys are written as in "
            '"ctrl+f", "f2", "pagedown", "question_mark"; several with commas).'
        )
    return prefix + " ".join(said)


def _with_guess(name: str) -> str:
    from difflib import get_close_matches  # only for a mistyped config, not every start

    close = get_close_matches(name, BY_ID, n=1)
    return f"{name} (did you mean {close[0]}?)" if close else name


def markdown(keymap: Mapping[str, str] | None = None) -> str:
    """The table as the README has it: a heading and a table per group."""
    lines: list[str] = []
    for title, group in table(keymap):
        lines += [f"### {title}", "", "| key | action |", "|---|---|"]
        lines += [f"| {_code(row.keys)} | {row.text} |" for row in group]
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def _code(keys: tuple[tuple[str, ...], ...]) -> str:
    # Each key in a code span (a backtick key in a double one); "/" between bindings.
    def span(key: str) -> str:
        key = key.replace("|", "\\|")
        return f"`` {key} ``" if "`" in key else f"`{key}`"

    return " / ".join(" ".join(span(key) for key in keys) for keys in keys)


if __name__ == "__main__":
    print(markdown(), end="")
