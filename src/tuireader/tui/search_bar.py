"""The search bar and the did-you-mean line under it."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input, Static

from tuireader.textsafe import clean_line, clean_text


class SearchBar(Input):
    """An Input whose escape/tab leave (or accept a suggestion) instead of being swallowed."""

    BINDINGS: ClassVar[list[Binding]] = [
        Binding("escape", "leave", "Back to the list", show=False),
        Binding("tab", "accept_or_leave", "Accept suggestion", show=False),
    ]

    class Leave(Message):
        """The user wants to leave the search bar (escape, or tab with no suggestion)."""

    class AcceptSuggestion(Message):
        """Tab was pressed while a suggestion is shown."""

    suggestion_visible: bool = False

    def validate_value(self, value: str) -> str:
        """Pasted text may carry escape sequences or bidi controls: keep only what is inert."""
        return clean_text(value).replace("\n", " ").replace("\t", " ")

    def action_leave(self) -> None:
        self.post_message(self.Leave())

    def action_accept_or_leave(self) -> None:
        self.post_message(self.AcceptSuggestion() if self.suggestion_visible else self.Leave())


class SuggestionLine(Static):
    """'Did you mean: …' — shown only when the search engine has a better query."""

    def show_suggestion(self, suggestion: str | None) -> None:
        from rich.text import Text

        if suggestion:
            text = Text("Did you mean: ", style="dim")
            text.append(clean_line(suggestion), style="bold underline")
            text.append("   (tab accepts)", style="dim")
            self.update(text)
        self.display = bool(suggestion)
