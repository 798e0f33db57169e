"""Toasts and dialogs (Textual 8 gives every screen its own toast rack).

What Textual already does right, pinned here: a toast raised while a dialog is up is drawn
by the dialog's screen, above the dim overlay at full colour, and times out as usual; one
still running when the dialog closes carries on on the main screen. What was wrong: the main
screen kept drawing its own copy of a toast under the dialog, dimmed, after the toast was
dismissed, until its timeout ran out (up to 15 s for errors); app.tcss hides it.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from textual.widgets._toast import Toast

from test_tui_flows import ready
from tui_helpers import make_app, screen_rows, wait_for

pytestmark = pytest.mark.anyio


def style_of(app, word: str):
    """(foreground, background) of `word` as drawn on the terminal, or None if not drawn."""
    for row in screen_rows(app):
        for segment in row:
            if word in segment.text:
                style = segment.style
                return (style.color, style.bgcolor) if style else (None, None)
    return None


async def open_dialog(pilot, key: str, name: str) -> None:
    await pilot.press(key)
    await wait_for(pilot, lambda: type(pilot.app.screen).__name__ == name)


async def test_toast_raised_under_a_dialog_shows_above_it_and_times_out(library: Path) -> None:
    app = make_app(library)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        app.notify("Plain", timeout=30)
        await wait_for(pilot, lambda: style_of(app, "Plain") is not None)
        undimmed = style_of(app, "Plain")
        app.clear_notifications()
        await wait_for(pilot, lambda: style_of(app, "Plain") is None)

        for key, name in (("e", "ExportDialog"), ("question_mark", "HelpScreen")):
            await open_dialog(pilot, key, name)
            raised = time.monotonic()
            app.notify(f"Raised{name}", timeout=1.0)
            await wait_for(pilot, lambda n=name: style_of(app, f"Raised{n}") is not None)
            assert style_of(app, f"Raised{name}") == undimmed  # not behind the overlay
            await wait_for(pilot, lambda n=name: style_of(app, f"Raised{n}") is None, 5)
            assert time.monotonic() - raised >= 0.9  # its own timeout, not at once
            assert type(app.screen).__name__ == name
            await pilot.press("escape")
            await wait_for(pilot, lambda: type(app.screen).__name__ == "MainScreen")


async def test_a_running_toast_follows_the_screens(library: Path) -> None:
    app = make_app(library)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        app.notify("Before", timeout=30)
        await wait_for(pilot, lambda: style_of(app, "Before") is not None)
        undimmed = style_of(app, "Before")
        await open_dialog(pilot, "e", "ExportDialog")
        # shown over the dialog, at full colour
        await wait_for(pilot, lambda: style_of(app, "Before") == undimmed)
        app.notify("During", timeout=30)
        await wait_for(pilot, lambda: style_of(app, "During") == undimmed)
        await pilot.press("escape")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "MainScreen")
        await wait_for(
            pilot,
            lambda: style_of(app, "Before") == undimmed and style_of(app, "During") == undimmed,
        )


async def test_a_dismissed_toast_leaves_no_copy_behind_a_dialog(library: Path) -> None:
    app = make_app(library)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        app.notify("Lingering", severity="error", timeout=30)
        await wait_for(pilot, lambda: style_of(app, "Lingering") is not None)
        await open_dialog(pilot, "e", "ExportDialog")
        await wait_for(pilot, lambda: style_of(app, "Lingering") is not None)
        await pilot.click(Toast)  # a click dismisses a toast
        # (before the fix the main screen's copy stayed, dimmed, for the rest of the 30 s)
        await wait_for(pilot, lambda: style_of(app, "Lingering") is None, 3)
        await pilot.pause(0.3)
        assert style_of(app, "Lingering") is None
        await pilot.press("escape")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "MainScreen")
        await pilot.pause(0.2)
        assert style_of(app, "Lingering") is None
