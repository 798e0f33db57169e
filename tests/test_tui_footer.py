"""The key-hint footer at the promised minimum of 80×24 and wider: the hints that matter are
shown in full, none is cut at the edge, and every key stays on `?` and in the palette."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console
from textual.widgets import Static

from test_tui_flows import ready
from tui_helpers import make_app, screen_lines, wait_for
from tuireader.tui.keys import KEYS
from tuireader.tui.screens.help import HelpScreen

pytestmark = pytest.mark.anyio

ESSENTIAL = ("? Help", "/ Search", "q Quit")
LIST_HINTS = (*ESSENTIAL, "⏎ Open", "b Bookmark", "a Annotations")
READER_HINTS = (
    "? Help",
    "esc Back",
    "/ Search",
    "x Close",
    "n Next hit",
    "b Bookmark",
    "h Highlight",
)
ALL_HINTS = tuple(dict.fromkeys((*LIST_HINTS, *READER_HINTS)))
PALETTE_HINT = "^p palette"


def footer_line(app) -> str:
    return screen_lines(app)[-1]


async def drawn_footer(pilot) -> str:
    """The footer once drawn (it is laid out a refresh after the list is ready)."""
    await wait_for(pilot, lambda: footer_line(pilot.app).strip())
    return footer_line(pilot.app)


def assert_whole_hints(line: str) -> None:
    """Every word on the line belongs to a whole hint: nothing is cut mid-word."""
    shown = [hint for hint in (*ALL_HINTS, PALETTE_HINT) if hint in line]
    rest = line
    for hint in shown:
        rest = rest.replace(hint, " ")
    assert rest.replace("▏", " ").split() == [], f"cut or stray text in footer: {line!r}"


async def test_80_columns_show_each_panes_hints_in_full(library: Path) -> None:
    app = make_app(library)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        line = await drawn_footer(pilot)
        for hint in LIST_HINTS:
            assert hint in line, line
        assert "n Next hit" not in line and "h Highlight" not in line  # the article's keys
        assert line.rstrip().endswith(PALETTE_HINT)
        assert_whole_hints(line)

        await pilot.press("enter")  # open the first article: its pane's keys
        await wait_for(pilot, lambda: "x Close" in footer_line(app))
        line = footer_line(app)
        for hint in ("? Help", "esc Back", "/ Search", "x Close", "n Next hit"):
            assert hint in line, line
        assert "q Quit" not in line and "⏎ Open" not in line
        assert_whole_hints(line)


async def test_a_narrow_footer_drops_the_least_important_hint_first(library: Path) -> None:
    app = make_app(library)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        line = await drawn_footer(pilot)
        for hint in LIST_HINTS:
            assert hint in line, line
        assert_whole_hints(line)

        await pilot.resize_terminal(64, 24)
        await wait_for(pilot, lambda: "a Annotations" not in footer_line(app))
        line = footer_line(app)
        assert all(hint in line for hint in ESSENTIAL), line
        assert_whole_hints(line)

        await pilot.resize_terminal(120, 40)
        await wait_for(pilot, lambda: "a Annotations" in footer_line(app))
        assert_whole_hints(footer_line(app))


async def test_footer_hints_follow_remapped_keys(library: Path) -> None:
    app = make_app(library, keys={"help": "f1", "quit_app": "x"})
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        line = await drawn_footer(pilot)
        assert "f1 Help" in line and "x Quit" in line and "/ Search" in line, line
        assert "? Help" not in line


async def test_every_binding_stays_on_the_help_screen_and_in_the_palette(library: Path) -> None:
    app = make_app(library)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await ready(pilot)
        titles = {command.title for command in app.get_system_commands(screen)}
        for spec in KEYS:
            if spec.action not in {"quit", "quit_app"}:  # the palette has its own Quit
                assert spec.description in titles, spec.description

        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        console = Console(width=200, file=io.StringIO(), record=True)
        console.print(app.screen.query_one("#help-keys", Static).content)
        help_text = console.export_text()
        for spec in KEYS:
            assert spec.description in help_text, spec.description
