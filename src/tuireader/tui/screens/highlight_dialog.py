"""The `h` dialog: note and colour of a new, edited or merged highlight.

The note comes first and has focus, so typing goes into it at once; tab goes note →
colour → OK → Cancel (→ Remove when editing). A character typed while a button or the
closed colour list has focus is not dropped: it goes into the note, which takes focus
(enter or the arrows open the colour list; space would be lost in a note, so it does not).
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Select

from tuireader.tui.screens.dialogs import COLORS, _Dialog


@dataclass(frozen=True)
class HighlightChoice:
    color: str
    note: str
    remove: bool = False  # "Remove" pressed on an existing highlight


class HighlightDialog(_Dialog):
    """Shows the quote it will keep; `heading` says whether it is new, edited or merged."""

    def __init__(
        self,
        quote: str,
        color: str | None = "yellow",
        *,
        note: str = "",
        heading: str = "Highlight",
        removable: bool = False,
    ) -> None:
        super().__init__()
        self._quote = quote
        self._color = color if color in COLORS else COLORS[0]
        self._note = note
        self._heading = heading
        self._removable = removable

    def compose(self) -> ComposeResult:
        shown = self._quote if len(self._quote) <= 160 else self._quote[:157] + "…"
        with Vertical(classes="dialog"):
            yield Label(self._heading, classes="dialog-title", markup=False)
            yield Label(f"“{shown}”", classes="dialog-quote", markup=False)
            yield Label("Note (enter saves)", classes="field-label")
            yield Input(  # no select-all on focus: a key sent back here must not replace it
                self._note,
                placeholder="type a note, or leave empty",
                id="note",
                select_on_focus=False,
            )
            yield Label("Colour", classes="field-label")
            yield Select([(c, c) for c in COLORS], value=self._color, allow_blank=False, id="color")
            with Horizontal(classes="dialog-buttons"):
                yield Button("OK", id="ok", variant="primary")
                yield Button("Cancel", id="cancel")
                if self._removable:
                    yield Button("Remove", id="remove", variant="error")

    def on_mount(self) -> None:  # (the base class's on_mount runs too: Textual calls both)
        self.set_focus(self.query_one("#note", Input))

    def on_key(self, event: events.Key) -> None:
        """Printable keys that reached a button or the closed colour list go to the note."""
        char = event.character
        if not event.is_printable or char is None:
            return
        # A printable key reaching the screen was not taken by an Input (which stops it): keys
        # typed fast after tab were queued to the button/list before the first one moved the
        # focus back, and arrive here while the note already has it.
        if not isinstance(self.focused, (Button, Select, Input)):
            return  # the open colour list searches what is typed
        note = self.query_one("#note", Input)
        self.set_focus(note)
        note.insert_text_at_cursor(char)
        event.stop()
        event.prevent_default()

    def other_button(self, button_id: str) -> None:
        if button_id == "remove":
            self.dismiss(HighlightChoice(self._color, self._note, remove=True))
        else:
            self.dismiss(None)

    def submit(self) -> None:
        color = self.query_one("#color", Select).value
        note = self.query_one("#note", Input).value.strip()
        self.dismiss(HighlightChoice(str(color), note))
