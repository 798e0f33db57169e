"""The `S` dialog: the saved searches, numbered; enter (or the number) runs one, d forgets it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from tuireader.storage.saved_searches import SavedSearch
from tuireader.text.inert import clean_line
from tuireader.tui.typeahead import release_held_keys


@dataclass(frozen=True)
class SavedChoice:
    action: str  # "run" | "delete"
    search: SavedSearch


class SavedSearchesScreen(ModalScreen[SavedChoice | None]):
    CLOSING_KEYS: ClassVar[frozenset[str]] = frozenset({"escape", "enter"})  # see typeahead.py
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close"),
        Binding("d,delete", "forget", "Forget"),
    ]

    def __init__(self, searches: Sequence[SavedSearch]) -> None:
        super().__init__()
        self._searches = list(searches)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="saved-body"):
            title = "Saved searches" if self._searches else "No saved searches yet"
            yield Label(title, classes="dialog-title")
            yield OptionList(*[_option(i, s) for i, s in enumerate(self._searches, 1)])
            hint = (
                "enter or 1-9: run · d: forget · escape: close"
                if self._searches
                else "ctrl+s saves the query, sort and filters you are looking at"
            )
            yield Label(hint, classes="dim")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        if self._searches:
            options.highlighted = 0
        options.focus()
        self.call_after_refresh(release_held_keys, self)  # keys typed while it opened

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(SavedChoice("run", self._searches[event.option_index]))

    def on_key(self, event: events.Key) -> None:
        if event.character and event.character.isdigit() and event.character != "0":
            index = int(event.character) - 1
            if index < len(self._searches):
                event.stop()
                self.dismiss(SavedChoice("run", self._searches[index]))

    def action_forget(self) -> None:
        index = self.query_one(OptionList).highlighted
        if index is not None and 0 <= index < len(self._searches):
            self.dismiss(SavedChoice("delete", self._searches[index]))

    def action_close(self) -> None:
        self.dismiss(None)


def _option(number: int, search: SavedSearch) -> Option:
    line = Text(f"{number:>2}  ", style="dim")
    line.append(clean_line(search.name), style="bold")
    line.append("  ")
    line.append(clean_line(search.describe()), style="italic")
    return Option(line)
