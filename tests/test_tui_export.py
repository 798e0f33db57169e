"""The reader's export (`e`, issue 20): the path starts in the current folder, short enough
to read, and Obsidian notes go into a folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, Select

from test_tui_flows import ready
from tui_helpers import make_app, wait_for
from tuireader.tui.widgets import ArticleList

pytestmark = pytest.mark.anyio


async def open_export(pilot, app, screen) -> None:
    await pilot.press("b")
    await wait_for(pilot, lambda: screen.query_one(ArticleList).cursor_row.bookmarked)
    await pilot.press("e")
    await wait_for(pilot, lambda: type(app.screen).__name__ == "ExportDialog")


async def test_the_export_path_starts_in_the_current_folder(
    library: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    app = make_app(library)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await ready(pilot)
        await open_export(pilot, app, screen)
        path = app.screen.query_one("#path", Input).value
        assert path.startswith("tuireader-") and path.endswith(".md")  # no long folder
        assert app.screen.focused is app.screen.query_one("#path", Input)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is screen)
        await wait_for(pilot, lambda: (here / path).exists())
    assert "Whole article" in (here / path).read_text(encoding="utf-8")


async def test_obsidian_notes_from_the_reader(
    library: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app(library)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        screen = await ready(pilot)
        title = screen.query_one(ArticleList).cursor_row.title
        await open_export(pilot, app, screen)
        app.screen.query_one("#format", Select).value = "obsidian"
        await pilot.pause()
        field = app.screen.query_one("#path", Input)
        assert field.value.startswith("tuireader-") and not field.value.endswith(".md")
        field.value = "Vault/Reading"
        field.focus()
        await pilot.press("enter")
        folder = tmp_path / "Vault" / "Reading"
        await wait_for(pilot, lambda: folder.is_dir() and any(folder.glob("*.md")))
        await wait_for(
            pilot, lambda: any("Obsidian notes in" in str(n.message) for n in app._notifications)
        )
    (note,) = folder.glob("*.md")
    text = note.read_text(encoding="utf-8")
    assert text.startswith("---\ntitle: ") and title.split()[0] in text
    assert "Bookmarked the whole article" in text
