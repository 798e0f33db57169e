"""The search bar and the did-you-mean line under it."""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.message import Message
from textual.widgets import Input, Static

from tuireader.text.inert import clean_line, clean_text


class SearchBar(Input):
    """An Input whose enter/escape/tab hand the keyboard over to the screen (the app holds
    the keys typed meanwhile until the screen has moved focus: see typeahead.py)."""

    HAND_OFF_KEYS: ClassVar[dict[str, str]] = {"enter": "submit", "escape": "leave", "tab": "tab"}

    class HandOff(Message):
        """Enter (submit), escape or tab (leave for the list)."""

        def __init__(self, kind: str) -> None:
            super().__init__()
            self.kind = kind

    def validate_value(self, value: str) -> str:
        """Pasted text may carry escape sequences or bidi controls: keep only what is inert."""
        return clean_text(value).replace("\n", " ").replace("\t", " ")

    async def _on_key(self, event: events.Key) -> None:
        kind = self.HAND_OFF_KEYS.get(event.key)
        if kind is None:
            return  # Input's own handler (next in the MRO) types it
        event.stop()  # not Input's binding: the screen decides
        event.prevent_default()
        self.post_message(self.HandOff(kind))


class SuggestionLine(Static):
    """'Did you mean: …' — shown only when the search engine has a better query."""

    def show_suggestion(self, suggestion: str | None) -> None:
        from rich.text import Text

        if suggestion:
            text = Text("Did you mean: ", style="dim")
            text.append(clean_line(suggestion), style="bold underline")
            text.append("   (ctrl+y accepts)", style="dim")
            self.update(text)
        self.display = bool(suggestion)
