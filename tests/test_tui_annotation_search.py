"""Searching notes from the reader: a note written with `B` is found by `note:` and words."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui_helpers import listed, make_app, search_for, wait_for

pytestmark = pytest.mark.anyio


async def test_a_note_written_in_the_reader_is_searchable(library: Path) -> None:
    app = make_app(library)
    async with app.run_test(size=(120, 40)) as pilot:
        _screen, article_list = await listed(pilot)
        first = article_list.cursor_row
        assert first is not None
        await pilot.press("B")
        await pilot.pause()
        await pilot.press(*"quokka sightings", "enter")
        await wait_for(pilot, lambda: article_list.cursor_row.bookmarked)
        await search_for(pilot, "note:quokka")
        assert [r.id for r in article_list.rows] == [first.id]
        # a plain word finds it too (no article's text has it)
        await search_for(pilot, "quokka")
        assert [r.id for r in article_list.rows] == [first.id]
        await search_for(pilot, "has:bookmark")
        assert [r.id for r in article_list.rows] == [first.id]


async def test_has_results_follow_a_new_bookmark(library: Path) -> None:
    app = make_app(library)
    async with app.run_test(size=(120, 40)) as pilot:
        _screen, article_list = await listed(pilot)
        await search_for(pilot, "has:bookmark")
        assert article_list.row_count == 0
        await pilot.press("escape", "slash", "ctrl+u", "escape")
        await wait_for(pilot, lambda: article_list.row_count == 6)
        marked = article_list.cursor_row
        await pilot.press("b")
        await wait_for(pilot, lambda: article_list.cursor_row.bookmarked)
        await search_for(pilot, "has:bookmark")
        await wait_for(pilot, lambda: article_list.row_count == 1)
        # b again on the listed row: it leaves the has:bookmark results
        await pilot.press("b")
        await wait_for(pilot, lambda: article_list.row_count == 0)
        assert marked is not None
