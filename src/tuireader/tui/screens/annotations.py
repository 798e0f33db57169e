"""The `a` screen: every bookmark and highlight of the library, searchable; enter jumps there."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Label

from tuireader.text.inert import clean_line
from tuireader.tui.typeahead import release_held_keys


@dataclass(frozen=True)
class AnnotationRow:
    """One line of the browser (built by the app from the store's records)."""

    key: str  # annotation id
    kind: str  # "bookmark" or "highlight"
    article_id: str
    article_title: str
    offset: int | None
    text: str  # the quote (or "whole article")
    note: str
    color: str = ""
    orphaned: bool = False

    def matches(self, needle: str) -> bool:
        hay = f"{self.article_title} {self.text} {self.note} {self.kind} {self.color}".casefold()
        return all(word in hay for word in needle.casefold().split())


@dataclass(frozen=True)
class JumpTarget:
    article_id: str
    offset: int | None


class AnnotationsScreen(ModalScreen[JumpTarget | None]):
    """A DataTable is fine here: annotations number in the hundreds, not the 100,000s."""

    CLOSING_KEYS: ClassVar[frozenset[str]] = frozenset({"escape"})  # see typeahead.py
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close"),
        Binding("slash", "focus_filter", "Filter"),
    ]

    def __init__(self, rows: Sequence[AnnotationRow]) -> None:
        super().__init__()
        self._rows = list(rows)
        self._shown: list[AnnotationRow] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="annotations-body"):
            yield Label(
                f"Annotations ({len(self._rows)})", classes="dialog-title", id="annotations-title"
            )
            yield Input(placeholder="Filter annotations…", id="annotations-filter")
            table: DataTable[Text] = DataTable(
                id="annotations-table", cursor_type="row", zebra_stripes=True
            )
            yield table
            yield Label("enter: jump there · /: filter · escape: close", classes="dim")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("", "article", "text", "note")
        self._fill("")
        table.focus()
        self.call_after_refresh(release_held_keys, self)  # keys typed while it opened

    def _fill(self, needle: str) -> None:
        table = self.query_one(DataTable)
        table.clear()
        self._shown = [r for r in self._rows if r.matches(needle)] if needle else list(self._rows)
        for row in self._shown:
            mark = "★" if row.kind == "bookmark" else "▍"
            style = f"bold {_COLOR_STYLE.get(row.color, '')}".strip()
            if row.orphaned:
                mark, style = "?", "dim"
            table.add_row(
                Text(mark, style=style),
                Text(_cut(clean_line(row.article_title), 28)),
                Text(_cut(clean_line(row.text), 60)),
                Text(_cut(clean_line(row.note), 30), style="italic"),
                key=row.key,
            )
        if not self._shown:
            self.query_one("#annotations-title", Label).update(
                "No annotations yet: b bookmarks an article, h highlights"
                if not self._rows
                else "No match"
            )

    def on_input_changed(self, event: Input.Changed) -> None:
        self._fill(event.value.strip())

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.query_one(DataTable).focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        index = event.cursor_row
        if 0 <= index < len(self._shown):
            row = self._shown[index]
            self.dismiss(JumpTarget(row.article_id, row.offset))

    def action_close(self) -> None:
        self.dismiss(None)

    def action_focus_filter(self) -> None:
        self.query_one(Input).focus()


_COLOR_STYLE = {
    "yellow": "yellow",
    "green": "green",
    "blue": "blue",
    "pink": "magenta",
    "purple": "purple",
}


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
