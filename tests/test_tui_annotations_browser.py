"""The annotations browser (a): detail pane, filtered count, enter from the filter, sort."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from rich.text import Text
from textual.widgets import DataTable, Label, Static

from test_tui_flows import ready
from tui_helpers import make_app, wait_for
from tuireader.annotations import AnnotationStore
from tuireader.config import AppPaths

pytestmark = pytest.mark.anyio


def _title(app) -> str:
    return str(app.screen.query_one("#annotations-title", Label).render())


def _detail(app) -> str:
    rendered = app.screen.query_one("#annotations-detail", Static).render()
    return rendered.plain if isinstance(rendered, Text) else str(rendered)


async def test_browser_counts_filters_jumps_and_sorts(library: Path) -> None:
    app = make_app(library)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await ready(pilot)
        article = await screen.bridge.run(screen.bridge.core.search.article, "news/ferry.txt")
        start = article.body.index("A petition")
        ticks = iter(datetime(2026, 12, 1, 9, n, tzinfo=UTC) for n in range(10))
        store = AnnotationStore(
            AppPaths.from_environment().annotations_db, library, clock=lambda: next(ticks)
        )
        long_note = "a long note that the note column cannot hold at eighty columns, kept whole"
        store.add_highlight(article, start, start + 10, color="green", note=long_note, tags=["civic"])  # fmt: skip
        store.add_bookmark(article, note="come back")
        other = await screen.bridge.run(screen.bridge.core.search.article, "news/tram.txt")
        newest = store.add_bookmark(other, note="tides later")
        await pilot.press("a")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "AnnotationsScreen")
        assert _title(app).startswith("Annotations (3)")
        table = app.screen.query_one(DataTable)
        assert table.row_count == 3
        # by article: Ferry's two first, the tides bookmark (made last) at the end
        assert table.coordinate_to_cell_key((0, 0)).row_key.value != newest.id
        # sort by date: the newest comes first, and the detail pane follows the cursor
        await pilot.press("s")
        assert "newest first" in _title(app)
        assert table.coordinate_to_cell_key((0, 0)).row_key.value == newest.id
        assert "tides later" in _detail(app)
        await pilot.press("s")
        assert "by article" in _title(app)
        # the filter: the count says "N of M", enter opens the first match
        await pilot.press("slash", *"petition")
        await pilot.pause()
        assert _title(app).startswith("Annotations (1 of 3)")
        assert long_note in _detail(app) and "civic" in _detail(app) and "green" in _detail(app)
        await pilot.press("enter")
        await wait_for(
            pilot,
            lambda: (
                screen.reader_state.article is not None
                and screen.reader_state.article.id == article.id
            ),
        )
        assert type(app.screen).__name__ == "MainScreen"


async def test_browser_edits_deletes_and_undoes(library: Path) -> None:
    app = make_app(library)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await ready(pilot)
        article = await screen.bridge.run(screen.bridge.core.search.article, "news/ferry.txt")
        start = article.body.index("A petition")
        store = AnnotationStore(AppPaths.from_environment().annotations_db, library)
        made = store.add_highlight(article, start, start + 10, note="old note", tags=["civic"])
        await pilot.press("a")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "AnnotationsScreen")
        # e: the note has the focus and holds the old note; tags and colour below it
        await pilot.press("e")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "AnnotationEditDialog")
        await pilot.press(*" and more", "tab", "ctrl+u", *"harbour, to read", "enter")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "AnnotationsScreen")
        await wait_for(pilot, lambda: "old note and more" in _detail(app))
        edited = store.highlight(made.id)
        assert edited.note == "old note and more"
        assert edited.tags == ("harbour", "to read")
        assert "harbour, to read" in _detail(app)
        # d deletes at once (in the store too); u puts it back with its id, note and tags
        await pilot.press("d")
        await wait_for(pilot, lambda: not store.highlights())
        assert app.screen.query_one(DataTable).row_count == 0
        await wait_for(pilot, lambda: not screen.list_state.marks[article.id].highlighted)
        await pilot.press("u")
        await wait_for(pilot, lambda: bool(store.highlights()))
        back = store.highlight(made.id)
        assert (back.note, back.tags, back.start, back.created) == (
            "old note and more",
            ("harbour", "to read"),
            made.start,
            made.created,
        )
        assert app.screen.query_one(DataTable).row_count == 1
        assert screen.list_state.marks[article.id].highlighted
