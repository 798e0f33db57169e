"""The reader as a user drives it: real key presses through Textual's Pilot."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tui_helpers import make_app, wait_for, wait_until_listed
from tuireader.annotations import AnnotationStore
from tuireader.config import AppPaths
from tuireader.tui.main_screen import MainScreen
from tuireader.tui.widgets import ArticleList, ReaderView

pytestmark = pytest.mark.anyio


def screen_of(app) -> MainScreen:
    screen = app.screen_stack[1] if len(app.screen_stack) > 1 else app.screen
    assert isinstance(screen, MainScreen)
    return screen


async def ready(pilot, count: int = 6) -> MainScreen:
    """Wait until the library is indexed and listed: every entry loaded, not just the first
    page (which shows before the entries load, and may already hold every row)."""
    await wait_until_listed(pilot, count)
    return pilot.app.screen


def status_text(screen: MainScreen) -> str:
    return str(screen.query_one("#status").render())


def store_for(library: Path) -> AnnotationStore:
    return AnnotationStore(AppPaths.from_environment().annotations_db, library)


async def test_startup_lists_the_library_and_keeps_markup_literal(library: Path) -> None:
    app = make_app(library)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        titles = [row.title for row in screen.query_one(ArticleList).rows]
        assert any(t.startswith("[bold red]x[/]") for t in titles)
        assert not any("\x1b" in t for t in titles)
        assert "6 articles" in status_text(screen)


async def test_search_open_and_jump_between_hits(library: Path) -> None:
    app = make_app(library)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await pilot.press("slash", *"ferry")
        await wait_for(
            pilot,
            lambda: screen.list_state.query_text == "ferry" and "results" in status_text(screen),
        )
        await pilot.press("enter")
        article_list = screen.query_one(ArticleList)
        assert article_list.has_focus
        assert article_list.cursor_row is not None
        assert "ferry" in article_list.cursor_row.title.casefold()
        await pilot.press("enter")
        await wait_for(
            pilot,
            lambda: (
                screen.reader_state.article is not None
                and screen.reader_state.hit_counter.startswith("hit 1/")
            ),
        )
        total = int(screen.reader_state.hit_counter.split("/")[1])
        assert total >= 3
        await pilot.press("n")
        assert screen.reader_state.hit_counter == f"hit 2/{total}"
        await pilot.press("N", "N")
        assert screen.reader_state.hit_counter == f"hit {total}/{total}"
        assert f"hit {total}/{total}" in status_text(screen)


async def test_typing_q_in_the_search_bar_does_not_quit(library: Path) -> None:
    app = make_app(library)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await pilot.press("slash", "q")
        assert screen.query_one("#search").value == "q"
        assert app.is_running
        await pilot.press("escape")
        await wait_for(pilot, lambda: screen.query_one(ArticleList).has_focus)
        await pilot.press("q")
        for _ in range(200):  # not wait_for: the pilot cannot pause an app that has exited
            if not app.is_running:
                break
            await asyncio.sleep(0.05)
        assert not app.is_running


async def test_bookmark_toggle_and_note(library: Path) -> None:
    app = make_app(library)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        article_list = screen.query_one(ArticleList)
        first = article_list.cursor_row
        assert first is not None
        await pilot.press("b")
        await wait_for(pilot, lambda: article_list.cursor_row.bookmarked)
        assert [b.article_id for b in store_for(library).bookmarks()] == [first.id]
        await pilot.press("b")
        await wait_for(pilot, lambda: not article_list.cursor_row.bookmarked)
        assert store_for(library).bookmarks() == []
        await pilot.press("B")
        await pilot.pause()
        await pilot.press(*"read again", "enter")
        await wait_for(pilot, lambda: article_list.cursor_row.bookmarked)
        notes = [b.note for b in store_for(library).bookmarks()]
        assert notes == ["read again"]


async def test_keyboard_selection_and_highlight(library: Path) -> None:
    app = make_app(library)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await pilot.press("slash", *"tramway", "enter", "enter")
        await wait_for(pilot, lambda: screen.reader_state.article is not None)
        reader = screen.query_one(ReaderView)
        await pilot.press("v", "w", "w")
        selection = reader.selection
        assert selection is not None
        quote = screen.reader_state.article.body[selection[0] : selection[1]]
        assert len(quote.split()) == 3
        await pilot.press("h")
        await pilot.pause()
        await pilot.press(*"nice", "enter")
        store = store_for(library)
        await wait_for(pilot, lambda: len(store.highlights()) == 1)
        highlight = store.highlights()[0]
        assert highlight.quote == quote and highlight.note == "nice"
        assert screen.query_one(ArticleList).cursor_row.highlighted


async def test_annotations_browser_jumps_to_the_spot(library: Path) -> None:
    app = make_app(library)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        article = await screen.bridge.run(screen.bridge.core.search.article, "news/ferry.txt")
        start = article.body.index("A petition")
        store = store_for(library)
        store.add_highlight(article, start, start + 10, color="green", note="numbers")
        await pilot.press("a")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "AnnotationsScreen")
        await pilot.press("enter")
        await wait_for(
            pilot,
            lambda: (
                screen.reader_state.article is not None
                and screen.reader_state.article.id == article.id
            ),
        )
        reader = screen.query_one(ReaderView)
        assert reader.line_of_offset(start) >= reader.line_of_offset(reader.top_offset)


async def test_export_dialog_writes_the_file(library: Path, tmp_path: Path) -> None:
    app = make_app(library)
    target = tmp_path / "out" / "notes.md"
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        title = screen.query_one(ArticleList).cursor_row.title
        await pilot.press("b")
        await wait_for(pilot, lambda: screen.query_one(ArticleList).cursor_row.bookmarked)
        await pilot.press("e")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ExportDialog")
        path_input = app.screen.query_one("#path")
        path_input.value = str(target)
        path_input.focus()
        await pilot.press("enter")
        await wait_for(pilot, target.exists)
    text = target.read_text(encoding="utf-8")
    assert title.split()[0] in text and "Whole article" in text


async def test_sort_cycle_and_help_screen(library: Path) -> None:
    app = make_app(library)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        assert screen.list_state.sort == "date"
        await pilot.press("s")
        await wait_for(pilot, lambda: screen.list_state.sort == "title")
        titles = [r.title for r in screen.query_one(ArticleList).rows]
        await wait_for(
            pilot,
            lambda: (
                [r.title for r in screen.query_one(ArticleList).rows]
                == sorted(titles, key=str.casefold)
            ),
        )
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "HelpScreen")
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen)


async def test_narrow_terminal_shows_one_pane(library: Path) -> None:
    app = make_app(library)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await ready(pilot)
        article_list, reader = screen.query_one(ArticleList), screen.query_one(ReaderView)
        assert article_list.display and not reader.display
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.reader_state.article is not None)
        assert reader.display and not article_list.display
        await pilot.press("shift+tab")
        assert article_list.display and not reader.display


async def test_remapped_key_from_config(library: Path) -> None:
    app = make_app(library, keys={"toggle_bookmark": "x"})
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await pilot.press("x")
        await wait_for(pilot, lambda: screen.query_one(ArticleList).cursor_row.bookmarked)


async def test_filter_dialog_bookmarked_and_author(library: Path) -> None:
    app = make_app(library)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        article_list = screen.query_one(ArticleList)
        marked = article_list.cursor_row.id
        await pilot.press("b")
        await wait_for(pilot, lambda: article_list.cursor_row.bookmarked)
        await pilot.press("f")
        await wait_for(pilot, lambda: app.screen is not screen)
        app.screen.query_one("#bookmarked").focus()
        await pilot.press("space")
        await pilot.click("#ok")
        await wait_for(pilot, lambda: article_list.row_count == 1)
        assert article_list.cursor_row.id == marked
        assert "filter: bookmarked" in status_text(screen)
        await pilot.press("f")  # clear it again, then filter by an author
        await wait_for(pilot, lambda: app.screen is not screen)
        app.screen.query_one("#bookmarked").focus()
        await pilot.press("space")
        author = next(e.author for e in screen.list_state.entries.values() if e.author)
        app.screen.query_one("#author").value = author
        await pilot.click("#ok")
        await wait_for(
            pilot,
            lambda: (
                screen.list_state.shown and all(e.author == author for e in screen.list_state.shown)
            ),
        )
        assert article_list.row_count == sum(
            e.author == author for e in screen.list_state.entries.values()
        )


async def test_enter_during_the_debounce_opens_the_new_query(library: Path) -> None:
    app = make_app(library)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await pilot.press("slash", *"quay")
        await wait_for(pilot, lambda: screen.list_state.shown_query == "quay")
        await pilot.press(*["backspace"] * 4, *"ferry", "enter", "enter")  # within 0.2 s
        await wait_for(pilot, lambda: screen.reader_state.article is not None)
        assert "ferry" in screen.reader_state.article.title.casefold()
        assert screen.query_one(ArticleList).cursor_index == 0


async def test_every_dialog_fits_an_80x24_terminal(library: Path) -> None:
    """Each dialog is whole on screen (its OK button clickable), at the smallest size."""
    app = make_app(library)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await ready(pilot)
        for key in ("f", "B", "e"):
            await pilot.press(key)
            await wait_for(pilot, lambda: app.screen is not screen)
            dialog = app.screen.query_one(".dialog")
            assert app.screen.region.contains_region(dialog.region), (key, dialog.region)
            await pilot.click("#cancel")
            await wait_for(pilot, lambda: app.screen is screen)
