"""The `?` screen: every key, as currently bound (after config remapping), what the list's
marks mean, and the search syntax. Taller than a small terminal, so it scrolls with the same
keys as the article."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tuireader.tui.keys import KEYS, WIDGET_KEYS, bound_keys
from tuireader.tui.typeahead import release_held_keys
from tuireader.tui.widgets.article_list import MARK_BOOKMARK, MARK_HIGHLIGHT, MARK_UNREAD

SEARCH_SYNTAX = (
    ("words", "all words preferred, ranked (BM25F); the last word also as a prefix while typing"),
    ('"exact phrase"', "the words together"),
    ("a OR b, a AND NOT b, -word", "boolean logic"),
    ("title: author: tag: format:", "one field, e.g. author:okafor"),
    ("date:2023  date:2023-03", "a year or a month"),
    ("date:[2023-01-01 to 2023-06-30]", "a date range"),
    ("wild*   fuzzy~", "word prefixes and near spellings"),
)

MARKS = (
    (MARK_UNREAD, "unread"),
    (MARK_BOOKMARK, "bookmarked"),
    (MARK_HIGHLIGHT, "has highlights or notes"),
)


class HelpBody(VerticalScroll):
    """The scrolling body: j/k, g/G, space and the page keys, as in an article."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "scroll_down", "Down", show=False),
        Binding("k", "scroll_up", "Up", show=False),
        Binding("g", "scroll_home", "Top", show=False),
        Binding("G", "scroll_end", "Bottom", show=False),
        Binding("space,ctrl+d", "page_down", "Page down", show=False),
        Binding("ctrl+u,b", "page_up", "Page up", show=False),
    ]


class HelpScreen(ModalScreen[None]):
    """Lists the bindings from the live keymap, so remapped keys show as remapped."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close"),
    ]

    def on_mount(self) -> None:  # keys typed while it opened
        self.query_one(HelpBody).focus()
        self.call_after_refresh(release_held_keys, self)

    def compose(self) -> ComposeResult:
        with HelpBody(id="help-body"):
            yield Static(
                Text("j/k, space, g/G scroll · escape closes", style="dim"), id="help-header"
            )
            yield Static(self._keys_table(), id="help-keys")
            yield Static(self._marks_table(), id="help-marks")
            yield Static(self._syntax_table(), id="help-syntax")

    def _keys_table(self) -> Table:
        keymap = getattr(self.app, "_keymap", {}) or {}
        table = _table("Keys", "key", "action")
        for spec in KEYS:
            table.add_row(Text(bound_keys(keymap, spec)), Text(spec.description))
        for keys, description in WIDGET_KEYS:
            table.add_row(Text(keys), Text(description))
        return table

    def _marks_table(self) -> Table:
        table = _table("Marks in the list", "mark", "meaning")
        for mark, meaning in MARKS:
            table.add_row(Text(mark), Text(meaning))
        return table

    def _syntax_table(self) -> Table:
        table = _table("Search syntax", "query", "meaning")
        for query, meaning in SEARCH_SYNTAX:
            table.add_row(Text(query), Text(meaning))
        return table

    def action_dismiss(self, result: None = None) -> None:  # type: ignore[override]
        self.dismiss(None)


def _table(title: str, left: str, right: str) -> Table:
    table = Table(title=title, box=None, expand=True, title_justify="left", pad_edge=False)
    table.add_column(left, style="bold", ratio=1)  # long keys wrap, never cut
    table.add_column(right, ratio=2)
    return table
