"""The browser's `e` dialog: a bookmark's or highlight's note and tags (and a highlight's
colour). Like the highlight dialog, the note has focus at once and keeps what is typed."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label, Select

from tuireader.tui.screens.dialogs import COLORS, _Dialog


@dataclass(frozen=True)
class AnnotationEdit:
    note: str
    tags: tuple[str, ...]
    color: str | None  # None for a bookmark


def parse_tags(text: str) -> tuple[str, ...]:
    """`travel, to read  #later` → ('travel', 'to read', 'later'): commas separate tags;
    without a comma, words do (a leading # is dropped)."""
    parts = text.split(",") if "," in text else text.split()
    return tuple(dict.fromkeys(t.strip().lstrip("#").strip() for t in parts if t.strip("# ")))


class AnnotationEditDialog(_Dialog):
    def __init__(
        self, heading: str, quote: str, note: str, tags: tuple[str, ...], color: str | None
    ) -> None:
        super().__init__()
        self._heading = heading
        self._quote = quote
        self._note = note
        self._tags = tags
        self._color = color

    def compose(self) -> ComposeResult:
        shown = self._quote if len(self._quote) <= 100 else self._quote[:99] + "…"
        with Vertical(classes="dialog"):
            yield Label(self._heading, classes="dialog-title", markup=False)
            yield Label(f"“{shown}”", classes="dialog-quote", markup=False)
            yield Label("Note (enter saves)", classes="field-label")
            yield Input(self._note, placeholder="no note", id="note", select_on_focus=False)
            yield Label("Tags (comma or space separated)", classes="field-label")
            yield Input(", ".join(self._tags), placeholder="no tags", id="tags")
            if self._color is not None:
                yield Label("Colour", classes="field-label")
                color = self._color if self._color in COLORS else COLORS[0]
                yield Select([(c, c) for c in COLORS], value=color, allow_blank=False, id="color")
            yield from self.buttons()

    def on_mount(self) -> None:  # (the base class's on_mount runs too)
        self.set_focus(self.query_one("#note", Input))

    def submit(self) -> None:
        note = self.query_one("#note", Input).value.strip()
        tags = parse_tags(self.query_one("#tags", Input).value)
        color = str(self.query_one("#color", Select).value) if self._color is not None else None
        self.dismiss(AnnotationEdit(note, tags, color))
