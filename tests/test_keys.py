"""One source for keys: help, footer, command palette and README all follow the bindings
and the user's remaps from the config's ``[keys]`` table."""

from __future__ import annotations

import argparse
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from textual.command import CommandList
from textual.pilot import Pilot
from textual.widgets import Static

from tests.pilot_wait import settle, wait_until
from tui_reader import commands
from tui_reader.commands import reader
from tui_reader.core.paths import config_file
from tui_reader.ui import keys
from tui_reader.ui.app import ReaderApp
from tui_reader.ui.screens.help import HelpScreen
from tui_reader.ui.widgets.key_footer import KeyFooter

ROOT = Path(__file__).resolve().parent.parent
README_TABLE = re.compile(
    r"<!-- The keys table is generated.*?-->\n\n(.*?)\n<!-- end of the keys table -->", re.S
)


@asynccontextmanager
async def running(
    sample_content: Path, keymap: dict[str, str]
) -> AsyncIterator[tuple[ReaderApp, Pilot]]:
    app = ReaderApp([str(sample_content)], keymap=keymap)
    async with app.run_test(size=(140, 40), notifications=True) as pilot:
        await settle(app, pilot)
        yield app, pilot


def help_lines(app: ReaderApp) -> list[str]:
    assert isinstance(app.screen, HelpScreen)
    grid = app.screen.query_one("#help-text", Static)
    return [strip.text.rstrip() for strip in grid.render_lines(grid.region.reset_offset)]


def test_readme_keys_table_is_the_generated_one() -> None:
    """README.md's table is `python -m tui_reader.ui.keys`: paste its output after a
    change to the bindings."""
    found = README_TABLE.search((ROOT / "README.md").read_text(encoding="utf-8"))
    assert found is not None, "README.md has lost its keys table markers"
    assert found.group(1) == keys.markdown()


def test_every_binding_has_one_row_and_every_row_names_bindings() -> None:
    listed = [name for ids in keys.HELP_ROWS for name in ids]
    assert sorted(listed) == sorted(set(listed)), "an id is on two rows"
    assert set(listed) == set(keys.BY_ID), "rows and bindings differ"


async def test_remapped_key_shows_in_help_not_the_default(sample_content: Path) -> None:
    async with running(sample_content, {"toggle_toc": "f2"}) as (app, pilot):
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        await pilot.pause()
        (row,) = [line for line in help_lines(app) if "table of contents" in line]
        assert row.split()[0] == "f2"
        assert not any(line.split()[:1] == ["T"] for line in help_lines(app))


async def test_remapped_key_shows_in_the_command_palette(sample_content: Path) -> None:
    async with running(sample_content, {"toggle_toc": "f2"}) as (app, pilot):
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: app.screen.query(CommandList))
        await pilot.press(*"Contents")
        commands_shown = app.screen.query_one(CommandList)
        await wait_until(pilot, lambda: commands_shown.option_count > 0)
        prompts = [
            str(getattr(option.prompt, "plain", option.prompt)) for option in commands_shown.options
        ]
        (contents,) = [p for p in prompts if "table of contents" in p]
        assert "key: f2" in contents and "key: T" not in contents


async def test_remapped_key_shows_in_the_footer(sample_content: Path) -> None:
    async with running(sample_content, {"toggle_toc": "f2"}) as (app, _pilot):
        assert "f2" in app.query_one(KeyFooter).shown_keys
        assert "T" not in app.query_one(KeyFooter).shown_keys


async def test_keys_of_pop_up_screens_are_in_help_and_their_titles(sample_content: Path) -> None:
    async with running(sample_content, {"tags_clear": "c"}) as (app, pilot):
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        await pilot.pause()
        lines = help_lines(app)
        assert "Tag picker" in lines and "Open a link?" in lines
        (clear,) = [line for line in lines if "clear the tag filter" in line]
        assert clear.split()[0] == "c"
        await pilot.press("escape", "t")
        await wait_until(pilot, lambda: app.screen.query("#picker-title"))
        title = str(app.screen.query_one("#picker-title", Static).render())
        assert "c clears" in title and "x clears" not in title


async def start_up_toasts(
    config_text: str, sample_content: Path, monkeypatch: pytest.MonkeyPatch
) -> str:
    """What the reader's toasts say at start, with this config file."""
    config = config_file()
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(config_text, encoding="utf-8")
    started: list[ReaderApp] = []
    monkeypatch.setattr(ReaderApp, "run", lambda self, *a, **k: started.append(self))
    # No library: the one it would open is closed once run() returns, before this test
    # runs the app.
    monkeypatch.setattr(reader, "open_store", lambda check=True: (None, ""))
    assert commands.run(None, argparse.Namespace(sources=[str(sample_content)], wpm=None)) == 0

    (app,) = started
    async with app.run_test(size=(140, 40), notifications=True) as pilot:
        await settle(app, pilot)
        await wait_until(pilot, lambda: app.screen.query("Toast"))
        return "\n".join(toast.render().plain for toast in app.screen.query("Toast"))


async def test_unknown_key_id_in_the_config_is_named_in_a_warning(
    sample_content: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = '[keys]\ntoggle_tocc = "f2"\nquit = "Q"\n'
    said = await start_up_toasts(config, sample_content, monkeypatch)
    assert "toggle_tocc" in said and "toggle_toc" in said.replace("toggle_tocc", "")
    assert "quit" not in said.split("names no such binding:")[1].split(".")[0]
