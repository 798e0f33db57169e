"""A list to pick one item from: the outline of the open article (`O`) and the articles
like it (`R`). Each item is a cleaned line of plain text (titles are never markup), with a
dim detail after it; enter picks, escape closes, j/k move as in the article list."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Generic, TypeVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from tuireader.text.inert import clean_line
from tuireader.tui.typeahead import release_held_keys

T = TypeVar("T")


@dataclass(frozen=True)
class Choice(Generic[T]):
    label: str
    detail: str
    value: T
    indent: int = 0  # levels (an outline's sub-headings)


class PickerList(OptionList):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("g", "first", "First", show=False),
        Binding("G", "last", "Last", show=False),
    ]


class PickerScreen(ModalScreen[T | None], Generic[T]):
    CLOSING_KEYS: ClassVar[frozenset[str]] = frozenset({"escape", "enter"})  # see typeahead.py
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", "Close")]

    def __init__(self, title: str, choices: Sequence[Choice[T]], hint: str) -> None:
        super().__init__()
        self._title = title
        self._choices = list(choices)
        self._hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="picker-body"):
            yield Label(clean_line(self._title), classes="dialog-title", markup=False)
            yield PickerList(*[_option(choice) for choice in self._choices])
            yield Label(self._hint, classes="dim", markup=False)

    def on_mount(self) -> None:
        options = self.query_one(PickerList)
        if self._choices:
            options.highlighted = 0
        options.focus()
        self.call_after_refresh(release_held_keys, self)  # keys typed while it opened

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self._choices[event.option_index].value)

    def action_close(self) -> None:
        self.dismiss(None)


def _option(choice: Choice) -> Option:
    line = Text("  " * choice.indent)
    line.append(clean_line(choice.label), style="bold" if choice.indent == 0 else "")
    if choice.detail:
        line.append("  " + clean_line(choice.detail), style="dim")
    return Option(line)
