"""The `?` screen: every key, as currently bound (after config remapping)."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tuireader.tui.keys import KEYS, WIDGET_KEYS, binding_id
from tuireader.tui.typeahead import release_held_keys

SEARCH_SYNTAX = (
    ("words", "all words preferred, ranked (BM25F)"),
    ('"exact phrase"', "the words together"),
    ("a OR b, a AND NOT b, -word", "boolean logic"),
    ("title: author: tag: format:", "one field, e.g. author:okafor"),
    ("date:2023  date:2023-03", "a year or a month"),
    ("date:[2023-01-01 to 2023-06-30]", "a date range"),
    ("wild*   fuzzy~", "prefixes and near spellings"),
)


class HelpScreen(ModalScreen[None]):
    """Lists the bindings from the live keymap, so remapped keys show as remapped."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close"),
    ]

    def on_mount(self) -> None:  # keys typed while it opened
        self.call_after_refresh(release_held_keys, self)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body"):
            yield Static(self._keys_table(), id="help-keys")
            yield Static(self._syntax_table(), id="help-syntax")
            yield Static(Text("escape closes this screen", style="dim"), id="help-footer")

    def _keys_table(self) -> Table:
        keymap = getattr(self.app, "_keymap", {}) or {}
        table = Table(title="Keys", box=None, expand=True, title_justify="left", pad_edge=False)
        table.add_column("key", style="bold", no_wrap=True, ratio=1)
        table.add_column("action", ratio=2)
        for spec in KEYS:
            keys = keymap.get(binding_id(spec.action), spec.keys)
            table.add_row(Text(_pretty(keys)), Text(spec.description))
        for keys, description in WIDGET_KEYS:
            table.add_row(Text(keys), Text(description))
        return table

    def _syntax_table(self) -> Table:
        table = Table(
            title="Search syntax", box=None, expand=True, title_justify="left", pad_edge=False
        )
        table.add_column("query", style="bold", no_wrap=True, ratio=1)
        table.add_column("meaning", ratio=2)
        for query, meaning in SEARCH_SYNTAX:
            table.add_row(Text(query), Text(meaning))
        return table

    def action_dismiss(self, result: None = None) -> None:  # type: ignore[override]
        self.dismiss(None)


def _pretty(keys: str) -> str:
    names = {"slash": "/", "question_mark": "?", "shift+tab": "shift+tab", "enter": "enter"}
    return ", ".join(names.get(k.strip(), k.strip()) for k in keys.split(","))
