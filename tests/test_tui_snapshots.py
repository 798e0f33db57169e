"""SVG snapshots of the reader's main views at a narrow (80×24) and a wide (120×40) size.

Run `pytest tests/test_tui_snapshots.py --snapshot-update` after an intended visual change,
look at the SVGs in tests/__snapshots__/test_tui_snapshots/, and commit them.

Each scene starts from a fresh copy of tests/fixtures/tui_library and temp XDG dirs
(conftest), waits for the background indexer and every worker, and clears toasts, so the
frame does not depend on timing, paths or the clock.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from tui_helpers import make_app, make_library, settle, wait_for, wait_until_listed
from tuireader.config import AppPaths
from tuireader.tui.widgets import ArticleList

SIZES = {"80x24": (80, 24), "120x40": (120, 40)}
ARTICLES = 6
MARKUP_TITLE = "[bold red]x[/]"

Scene = Callable[[object], Awaitable[None]]


def _screen(pilot):
    return pilot.app.screen


async def _open_row(pilot, predicate: Callable[[str], bool]) -> None:
    """Move the list cursor to the first row whose title satisfies predicate, and open it."""
    screen = _screen(pilot)
    article_list = screen.query_one(ArticleList)
    index = next(i for i, row in enumerate(article_list.rows) if predicate(row.title))
    await pilot.press(*["j"] * (index - article_list.cursor_index), "enter")
    await wait_for(pilot, lambda: screen.reader_state.article is not None)


async def _search(pilot, query: str) -> None:
    """Type a query and wait for *its* results.

    Waiting only for "some hits" is not enough: a search for a prefix typed earlier ("tram")
    can land first, and enter would then open the top row of those stale results.
    """
    screen = _screen(pilot)
    await pilot.press("slash", *query)
    await wait_for(pilot, lambda: screen.list_state.query_text == query)
    await settle(pilot)  # the debounce timer fires and the search worker finishes
    assert screen.list_state.hits, f"no hits for {query!r}"


async def main_scene(pilot) -> None:
    """The list plus the markup-titled article open: its title must show literally."""
    await wait_until_listed(pilot, ARTICLES)
    await _open_row(pilot, lambda title: title.startswith(MARKUP_TITLE))
    await settle(pilot)


async def help_scene(pilot) -> None:
    await wait_until_listed(pilot, ARTICLES)
    await pilot.press("question_mark")
    await wait_for(pilot, lambda: type(pilot.app.screen).__name__ == "HelpScreen")
    await settle(pilot)


async def search_scene(pilot) -> None:
    """A query with hits; the first result opened on its first highlighted hit."""
    await wait_until_listed(pilot, ARTICLES)
    screen = _screen(pilot)
    await _search(pilot, "ferry")
    await pilot.press("enter", "enter")
    await wait_for(
        pilot,
        lambda: (
            screen.reader_state.article is not None
            and screen.reader_state.hit_counter.startswith("hit 1/")
        ),
    )
    await settle(pilot)


async def annotations_scene(pilot) -> None:
    """A bookmark (b on the list) and a highlight (v w w h) made with keys, then `a`."""
    await wait_until_listed(pilot, ARTICLES)
    screen = _screen(pilot)
    article_list = screen.query_one(ArticleList)
    await pilot.press("b")
    await wait_for(pilot, lambda: article_list.cursor_row.bookmarked)
    await _search(pilot, "tramway")
    await pilot.press("enter", "enter")
    await wait_for(pilot, lambda: screen.reader_state.article is not None)
    await pilot.press("v", "w", "w", "h")
    await wait_for(pilot, lambda: type(pilot.app.screen).__name__ == "HighlightDialog")
    await pilot.press(*"worth a look", "enter")
    await wait_for(pilot, lambda: pilot.app.screen is screen)
    await wait_for(
        pilot, lambda: screen.list_state.marks.get(screen.reader_state.article.id) is not None
    )
    await wait_for(
        pilot, lambda: screen.list_state.marks[screen.reader_state.article.id].highlighted
    )
    # A still frame before the browser opens. (Toasts no longer need clearing first: the
    # main screen's copies are hidden under a dialog, app.tcss; test_tui_toasts.py.)
    await settle(pilot)
    _fixed_annotation_dates()  # the browser's detail pane shows them
    await pilot.press("a")
    await wait_for(pilot, lambda: type(pilot.app.screen).__name__ == "AnnotationsScreen")
    await settle(pilot, waiting_groups=("annotate",))


def _fixed_annotation_dates() -> None:
    with sqlite3.connect(AppPaths.from_environment().annotations_db) as conn:
        for table in ("bookmarks", "highlights"):
            conn.execute(f"UPDATE {table} SET created = ?, updated = ?", (_STAMP, _STAMP))
    conn.close()


_STAMP = "2026-12-01T09:00:00+00:00"


async def saved_scene(pilot) -> None:
    """Two searches saved with ctrl+s (one with markup-like brackets in its name), then `S` lists them."""
    await wait_until_listed(pilot, ARTICLES)
    screen = _screen(pilot)
    saving = (("ferry", "Boats"), ("tram date:>2000", "Trams [new]"))
    for query, name in saving:
        await pilot.press("escape", "slash", "ctrl+u", *query)
        await wait_for(pilot, lambda q=query: screen.list_state.shown_query == q)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: type(pilot.app.screen).__name__ == "NotePrompt")
        await pilot.press("ctrl+u", *name, "enter")
        await wait_for(pilot, lambda: pilot.app.screen is screen)
    await pilot.press("escape")  # from the search bar to the list: S is a key there
    await settle(pilot)
    await pilot.press("S")
    await wait_for(pilot, lambda: type(pilot.app.screen).__name__ == "SavedSearchesScreen")
    await settle(pilot, waiting_groups=("saved",))


SCENES: dict[str, Scene] = {
    "saved": saved_scene,
    "main": main_scene,
    "help": help_scene,
    "search": search_scene,
    "annotations": annotations_scene,
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("scene", SCENES)
def test_snapshot(scene: str, size: str, tmp_path: Path, snap_compare) -> None:
    app = make_app(make_library(tmp_path))
    assert snap_compare(app, terminal_size=SIZES[size], run_before=SCENES[scene])
