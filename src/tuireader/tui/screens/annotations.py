"""The `a` screen: every bookmark and highlight of the library, searchable; enter jumps there,
`e` edits the note, tags and colour, `d` deletes (at once, so nothing deleted comes back after
a crash) and `u` puts the last deleted one back. The store calls are the app's (`actions`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar, Protocol

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Label, Static

from tuireader.text.inert import clean_line
from tuireader.tui.screens.annotation_edit import AnnotationEdit, AnnotationEditDialog
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
    tags: tuple[str, ...] = ()
    created: datetime | None = None
    updated: datetime | None = None

    def matches(self, needle: str) -> bool:
        tags = " ".join(self.tags)
        hay = f"{self.article_title} {self.text} {self.note} {self.kind} {self.color} {tags}"
        hay = hay.casefold()
        return all(word in hay for word in needle.casefold().split())


@dataclass(frozen=True)
class JumpTarget:
    article_id: str
    offset: int | None


class BrowserActions(Protocol):
    """What the browser asks of the app: each runs the store call off the UI thread."""

    async def edit(self, row: AnnotationRow, change: AnnotationEdit) -> AnnotationRow: ...
    async def delete(self, row: AnnotationRow) -> None: ...
    async def restore(self, row: AnnotationRow) -> None: ...


HINT = "⏎ jump · e edit · d delete · u undo · / filter · s sort · esc close"


class AnnotationsScreen(ModalScreen[JumpTarget | None]):
    """A DataTable is fine here: annotations number in the hundreds, not the 100,000s."""

    CLOSING_KEYS: ClassVar[frozenset[str]] = frozenset({"escape"})  # see typeahead.py
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close"),
        Binding("slash", "focus_filter", "Filter"),
        Binding("s", "sort", "Sort"),
        Binding("e", "edit", "Edit"),
        Binding("d,delete", "delete", "Delete"),
        Binding("u", "undo", "Undo"),
    ]

    def __init__(
        self, rows: Sequence[AnnotationRow], actions: BrowserActions | None = None
    ) -> None:
        super().__init__()
        self._rows = list(rows)
        self._actions = actions
        self._deleted: list[tuple[int, AnnotationRow]] = []  # (place in _rows, row): undo
        self._shown: list[AnnotationRow] = []
        self._by_date = False
        self._needle = ""

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
            yield Static("", id="annotations-detail")
            yield Label(
                HINT if self._actions else "enter jump · / filter · esc close", classes="dim"
            )

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("", "article", "text", "note")
        self._fill("")
        table.focus()
        self.call_after_refresh(release_held_keys, self)  # keys typed while it opened

    def _fill(self, needle: str, cursor: int = 0) -> None:
        self._needle = needle
        table = self.query_one(DataTable)
        table.clear()
        self._shown = self._visible()
        title_w, text_w, note_w = _widths(self.size.width or self.app.size.width)
        for row in self._shown:
            mark = "★" if row.kind == "bookmark" else "▍"
            style = f"bold {_COLOR_STYLE.get(row.color, '')}".strip()
            if row.orphaned:
                mark, style = "?", "dim"
            table.add_row(
                Text(mark, style=style),
                Text(_cut(clean_line(row.article_title), title_w)),
                Text(_cut(clean_line(row.text), text_w)),
                Text(_cut(clean_line(row.note), note_w), style="italic"),
                key=row.key,
            )
        self.query_one("#annotations-title", Label).update(self._title())
        if self._shown and cursor:
            table.move_cursor(row=min(cursor, len(self._shown) - 1))
        self._show_detail(min(cursor, max(len(self._shown) - 1, 0)))

    def _title(self) -> str:
        total, shown = len(self._rows), len(self._shown)
        if not total:
            return "No annotations yet: b bookmarks an article, h highlights"
        order = "newest first" if self._by_date else "by article"
        count = f"{total}" if shown == total else f"{shown} of {total}"
        return f"Annotations ({count}) · {order}" if shown else f"No match (0 of {total})"

    def _show_detail(self, index: int) -> None:
        """The whole quote and note of the row under the cursor: the columns cut them."""
        detail = self.query_one("#annotations-detail", Static)
        if not 0 <= index < len(self._shown):
            detail.update("")
            return
        row = self._shown[index]
        text = Text()
        text.append(clean_line(row.article_title), style="bold")
        facts = [row.kind, row.color] if row.color else [row.kind]
        if row.tags:
            facts.append("tags: " + ", ".join(clean_line(t) for t in row.tags))
        if row.created:
            facts.append(f"created {row.created:%Y-%m-%d %H:%M}")
        if row.updated and row.updated != row.created:
            facts.append(f"updated {row.updated:%Y-%m-%d %H:%M}")
        text.append("  " + " · ".join(facts), style="dim")
        text.append("\n“" + clean_line(row.text) + "”")
        if row.note:
            text.append("\nNote: ", style="bold")
            text.append(clean_line(row.note), style="italic")
        detail.update(text)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail(event.cursor_row)

    def action_sort(self) -> None:
        self._by_date = not self._by_date
        self._fill(self._needle)

    def on_input_changed(self, event: Input.Changed) -> None:
        self._fill(event.value.strip())

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in the filter jumps to the first match (the hint says so)."""
        if self._shown:
            row = self._shown[0]
            self.dismiss(JumpTarget(row.article_id, row.offset))
        else:
            self.app.notify("No annotation matches the filter", severity="warning")

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        index = event.cursor_row
        if 0 <= index < len(self._shown):
            row = self._shown[index]
            self.dismiss(JumpTarget(row.article_id, row.offset))

    # ------------------------------------------------------------ edit, delete, undo
    def _current(self) -> AnnotationRow | None:
        index = self.query_one(DataTable).cursor_row
        return self._shown[index] if 0 <= index < len(self._shown) else None

    def action_edit(self) -> None:
        row = self._current()
        if row is not None and self._actions is not None:
            self.run_worker(self._edit(row, self._actions), group="annotation-edit")

    async def _edit(self, row: AnnotationRow, actions: BrowserActions) -> None:
        kind = "bookmark" if row.kind == "bookmark" else "highlight"
        dialog = AnnotationEditDialog(
            f"Edit {kind} · {clean_line(row.article_title)[:50]}",
            clean_line(row.text),
            row.note,
            row.tags,
            row.color if row.kind == "highlight" else None,
        )
        change: AnnotationEdit | None = await self.app.push_screen_wait(dialog)
        if change is None:
            return
        try:
            new = await actions.edit(row, change)
        except Exception as exc:  # the store's errors are one line for a person
            self.app.notify(f"Not saved: {exc}", severity="error", timeout=6, markup=False)
            return
        self._rows = [new if r.key == row.key else r for r in self._rows]
        self._fill(self._needle, self.query_one(DataTable).cursor_row)
        self.app.notify(f"{kind.capitalize()} updated", timeout=2)

    def action_delete(self) -> None:
        row = self._current()
        if row is not None and self._actions is not None:
            self.run_worker(self._delete(row, self._actions), group="annotation-edit")

    async def _delete(self, row: AnnotationRow, actions: BrowserActions) -> None:
        try:
            await actions.delete(row)
        except Exception as exc:
            self.app.notify(f"Not deleted: {exc}", severity="error", timeout=6, markup=False)
            return
        place = next(i for i, r in enumerate(self._rows) if r.key == row.key)
        self._deleted.append((place, row))
        del self._rows[place]
        self._fill(self._needle, self.query_one(DataTable).cursor_row)
        self.app.notify(f"Deleted the {row.kind} · u puts it back", timeout=5)

    def action_undo(self) -> None:
        if not self._deleted:
            self.app.notify("Nothing to undo", timeout=2)
        elif self._actions is not None:
            self.run_worker(self._undo(self._deleted.pop(), self._actions), group="annotation-edit")

    async def _undo(self, deleted: tuple[int, AnnotationRow], actions: BrowserActions) -> None:
        place, row = deleted
        try:
            await actions.restore(row)
        except Exception as exc:
            self.app.notify(f"Could not restore: {exc}", severity="error", timeout=6, markup=False)
            return
        self._rows.insert(min(place, len(self._rows)), row)
        shown_at = next((i for i, r in enumerate(self._visible()) if r.key == row.key), 0)
        self._fill(self._needle, shown_at)
        self.app.notify(f"Restored the {row.kind}", timeout=2)

    def _visible(self) -> list[AnnotationRow]:
        rows = sorted(self._rows, key=_newest_first) if self._by_date else self._rows
        return [r for r in rows if r.matches(self._needle)] if self._needle else list(rows)

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


def _newest_first(row: AnnotationRow) -> float:
    stamp = row.updated or row.created
    return -stamp.timestamp() if stamp else 0.0


def _widths(screen_width: int) -> tuple[int, int, int]:
    """Title, quote and note columns for the dialog's width: the note never drops out."""
    room = max(int(screen_width * 0.95) - 12, 40)  # the mark column, borders and padding
    title = max(12, room * 22 // 100)
    note = max(14, room * 30 // 100)
    return title, max(10, room - title - note), note


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
