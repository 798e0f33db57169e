"""The `h` dialog as a user types into it, `h` on a highlight, overlaps, `i` for the note."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events

from tui_helpers import make_app, wait_for, wait_until_listed
from tuireader.annotations import AnnotationStore
from tuireader.config import AppPaths
from tuireader.tui.main_screen import MainScreen
from tuireader.tui.widgets import ReaderView

pytestmark = pytest.mark.anyio


def store_for(library: Path) -> AnnotationStore:
    return AnnotationStore(AppPaths.from_environment().annotations_db, library)


async def open_tram(pilot) -> MainScreen:
    await wait_until_listed(pilot, 6)
    screen = pilot.app.screen
    await pilot.press("slash", *"tramway", "enter", "enter")
    await wait_for(pilot, lambda: screen.reader_state.article is not None)
    return screen


async def dialog(pilot, screen: MainScreen, *keys: str):
    await pilot.press(*keys)
    await wait_for(pilot, lambda: type(pilot.app.screen).__name__ == "HighlightDialog")
    await pilot.pause()
    return pilot.app.screen


async def closed(pilot, screen: MainScreen) -> None:
    await wait_for(pilot, lambda: pilot.app.screen is screen)
    await pilot.pause(0.1)


async def test_the_note_has_focus_and_tab_goes_note_colour_ok_cancel(library: Path) -> None:
    app = make_app(library)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_tram(pilot)
        dlg = await dialog(pilot, screen, "h")
        order = [app.focused.id]
        for _ in range(3):
            await pilot.press("tab")
            order.append(app.focused.id)
        assert order == ["note", "color", "ok", "cancel"]
        await pilot.press("escape")
        await closed(pilot, screen)
        assert dlg.is_attached is False
        assert store_for(library).highlights() == []


async def test_a_note_typed_after_tab_is_kept(library: Path) -> None:
    """Typed on the colour or on a button, the characters go into the note, not nowhere."""
    app = make_app(library)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_tram(pilot)
        await dialog(pilot, screen, "h")
        await pilot.press(*"first", "tab", *" half", "tab", "tab", *" and more", "enter")
        await closed(pilot, screen)
        store = store_for(library)
        await wait_for(pilot, lambda: len(store.highlights()) == 1)
        assert store.highlights()[0].note == "first half and more"


async def test_keys_typed_in_one_burst_after_tab_are_all_kept(library: Path) -> None:
    """As from a terminal: keys queued to the colour list before the first moves the focus."""
    app = make_app(library)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_tram(pilot)
        await dialog(pilot, screen, "h")
        await pilot.press(*"first", "tab")
        for char in "more":  # no pause between them, unlike pilot.press
            app.post_message(events.Key(char, char))
        await pilot.pause()
        await pilot.press("enter")
        await closed(pilot, screen)
        store = store_for(library)
        await wait_for(pilot, lambda: len(store.highlights()) == 1)
        assert store.highlights()[0].note == "firstmore"


async def test_h_twice_edits_the_highlight_instead_of_duplicating_it(library: Path) -> None:
    app = make_app(library)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_tram(pilot)
        await dialog(pilot, screen, "h")
        await pilot.press(*"one", "enter")
        await closed(pilot, screen)
        store = store_for(library)
        await wait_for(pilot, lambda: len(store.highlights()) == 1)
        dlg = await dialog(pilot, screen, "h")
        assert str(dlg.query_one(".dialog-title").render()) == "Edit highlight"
        assert dlg.query_one("#note").value == "one"
        await pilot.press(*" two", "tab", "down")  # open the colour list
        await pilot.pause()
        await pilot.press("down", "enter")  # yellow -> green
        await pilot.pause()
        await pilot.press("tab", "enter")  # OK
        await closed(pilot, screen)
        await wait_for(pilot, lambda: store.highlights()[0].note == "one two")
        (only,) = store.highlights()
        assert only.color == "green"


async def test_remove_on_an_existing_highlight(library: Path) -> None:
    app = make_app(library)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_tram(pilot)
        await dialog(pilot, screen, "h")
        await pilot.press("enter")
        await closed(pilot, screen)
        store = store_for(library)
        await wait_for(pilot, lambda: len(store.highlights()) == 1)
        await dialog(pilot, screen, "h")
        await pilot.click("#remove")
        await closed(pilot, screen)
        await wait_for(pilot, lambda: store.highlights() == [])


async def test_an_overlapping_highlight_merges_into_one(library: Path) -> None:
    app = make_app(library)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_tram(pilot)
        article = screen.reader_state.article
        body = article.body
        store = store_for(library)
        second = body.index("The line follows")
        store.add_highlight(article, second, second + 8, color="blue", note="route")
        await pilot.pause()
        reader = screen.query_one(ReaderView)
        reader.cursor_offset = body.index("quite fit")
        await pilot.press("v", "p")  # to the end of the first paragraph...
        await pilot.press("w", "w", "w")  # ...and into the highlighted words of the next
        span = reader.selection
        assert span is not None and span[0] < second < span[1] < second + 8 + 40
        dlg = await dialog(pilot, screen, "h")
        assert "merges 1 overlapping" in str(dlg.query_one(".dialog-title").render())
        assert dlg.query_one("#note").value == "route"
        await pilot.press("enter")
        await closed(pilot, screen)
        await wait_for(pilot, lambda: store.highlights()[0].start == span[0])
        (merged,) = store.highlights()
        assert merged.end == max(span[1], second + 8)
        assert merged.note == "route" and merged.color == "blue"


async def test_i_shows_the_note_of_the_highlight_at_the_cursor(library: Path) -> None:
    app = make_app(library)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_tram(pilot)
        article = screen.reader_state.article
        start = article.body.index("Ticket prices")
        store_for(library).add_highlight(article, start, start + 13, note="[b]cheap[/b]")
        await pilot.press("i")
        await wait_for(pilot, lambda: bool(app._notifications))
        note = list(app._notifications)[-1]
        assert note.message == "[b]cheap[/b]" and not note.markup
        assert "Ticket prices" in note.title


async def test_a_noted_highlight_is_underlined_in_the_text(library: Path) -> None:
    from tuireader.tui.widgets.reader_document import HighlightSpan

    app = make_app(library)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_tram(pilot)
        reader = screen.query_one(ReaderView)
        body = screen.reader_state.article.body
        start = body.index("Brekka")
        reader.set_highlights(
            [HighlightSpan(start, start + 6, "green", "a note"), HighlightSpan(0, 3, "green")]
        )
        await pilot.pause()
        styles = {}
        for y in range(reader.size.height):
            for seg in reader.render_line(y):
                styles.setdefault(seg.text.strip(), seg.style)
        assert styles["Brekka"].underline
        assert not styles["The"].underline
