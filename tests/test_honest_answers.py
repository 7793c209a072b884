"""Every key answers: an empty list says which filters emptied it, a ranked search says
so, and a key that cannot apply says why in one line (Pilot over the sample content)."""

from __future__ import annotations

import webbrowser
from dataclasses import replace
from pathlib import Path

import pytest

from tests.pilot_wait import settle
from tests.test_app import articles, open_row, plain, running, text_of, widget_text
from tui_reader.core.store import Store
from tui_reader.ui.app import ReaderApp


def toasts(app: ReaderApp) -> list[str]:
    return [plain(toast.render()) for toast in app.screen.query("Toast")]


async def test_an_empty_list_says_which_filters_emptied_it(sample_content: Path) -> None:
    async with running(sample_content) as (app, pilot):
        pane = app.main.list
        pane.filter = replace(pane.filter, tags=frozenset({"japan", "travel"}))
        pane.apply_filter()
        await pilot.press("slash", *"zzqx", "enter")
        await settle(app, pilot)
        assert articles(app).articles == []
        shown = widget_text(articles(app))
        assert "no articles match" in shown
        assert "japan + travel" in shown
        assert "'zzqx'" in shown
        assert "x clears" in shown
        await pilot.press("x")
        await settle(app, pilot)
        assert articles(app).articles
        assert "no articles match" not in widget_text(articles(app))


async def test_an_empty_list_names_unread_starred_and_the_time_budget(
    sample_content: Path,
) -> None:
    async with running(sample_content) as (app, pilot):
        await pilot.press("asterisk", "u", "M")  # nothing is starred yet
        await settle(app, pilot)
        assert articles(app).articles == []
        shown = " ".join(widget_text(articles(app)).split())
        assert "starred only" in shown
        assert "unread only" in shown
        assert "≤ 5 min" in shown


async def test_a_ranked_search_says_by_relevance(sample_content: Path, tmp_path: Path) -> None:
    store = Store(tmp_path / "library.sqlite3")  # full-text search needs the library
    app = ReaderApp([str(sample_content)], store=store)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        assert "by date" in text_of(app, "#filter-bar")
        await pilot.press("ctrl+f", *"japan", "enter")
        await settle(app, pilot)
        assert articles(app).articles
        bar = text_of(app, "#filter-bar")
        assert "by relevance" in bar and "by date" not in bar
        await pilot.press("x")
        await settle(app, pilot)
        assert "by date" in text_of(app, "#filter-bar")
    store.close()


async def test_contents_key_without_an_article_says_why(sample_content: Path) -> None:
    async with running(sample_content, notifications=True) as (app, pilot):
        await pilot.press("T")
        await pilot.pause()
        assert any("Open an article" in toast for toast in toasts(app)), toasts(app)


@pytest.mark.parametrize("key", ["l", "o", "y", "m", "s", "a", "x"])
async def test_keys_with_nothing_to_act_on_say_why(sample_content: Path, key: str) -> None:
    async with running(sample_content, notifications=True) as (app, pilot):
        if key in "msa":  # these act on the highlighted row: empty the list first
            await pilot.press("slash", *"zzqx", "enter")
            await settle(app, pilot)
            assert articles(app).articles == []
        await pilot.press(key)
        await pilot.pause()
        assert len(toasts(app)) == 1, toasts(app)


async def test_article_keys_with_nothing_to_act_on_say_why(sample_content: Path) -> None:
    async with running(sample_content, notifications=True) as (app, pilot):
        await open_row(app, pilot, "notes/miso-soup-weeknight.md")
        await pilot.press("n")  # no search yet
        await pilot.pause()
        assert any("/" in toast for toast in toasts(app)), toasts(app)
        await pilot.press("G", "right_square_bracket")  # no heading after the end
        await pilot.pause()
        assert any("heading" in toast for toast in toasts(app)), toasts(app)


async def test_contents_key_on_an_article_without_headings_says_why(
    sample_content: Path, tmp_path: Path
) -> None:
    plain_post = tmp_path / "plain.md"
    plain_post.write_text("---\ntitle: Plain\n---\nJust a paragraph, no heading.\n")
    app = ReaderApp([str(plain_post)])
    async with app.run_test(size=(140, 40), notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("T")
        await pilot.pause()
        assert any("no headings" in toast for toast in toasts(app)), toasts(app)


def no_browser(*args: object, **kwargs: object) -> object:
    raise webbrowser.Error("could not locate runnable browser")


@pytest.mark.parametrize("opener", [lambda *a, **k: False, no_browser], ids=["false", "error"])
async def test_open_without_a_browser_says_so_and_offers_the_copy(
    sample_content: Path, monkeypatch: pytest.MonkeyPatch, opener: object
) -> None:
    # As on a headless machine: no browser registered, so webbrowser.open finds none
    # (it returns False), or a caller asking webbrowser.get gets its Error.
    monkeypatch.setenv("BROWSER", "")
    monkeypatch.setattr(webbrowser, "get", no_browser)
    monkeypatch.setattr(webbrowser, "open", opener)
    async with running(sample_content, notifications=True) as (app, pilot):
        linked = next(a for a in app.library.articles if a.link)
        app.main.open_article(linked)
        await settle(app, pilot)
        await pilot.press("o")
        await pilot.pause()
        await pilot.press("y")  # yes, open it
        await settle(app, pilot)
        notices = toasts(app)
        assert any("No browser" in toast and "y" in toast for toast in notices), notices
        await pilot.press("y")  # the offered key
        await pilot.pause()
        assert app.clipboard == linked.link
