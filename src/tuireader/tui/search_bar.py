"""The search bar and the did-you-mean line under it."""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.message import Message
from textual.widgets import Input, Static

from tuireader.textsafe import clean_line, clean_text


class SearchBar(Input):
    """An Input whose enter/escape/tab hand the keyboard over to the screen.

    Keys are routed to the focused widget as they arrive, before earlier keys are handled:
    "tram⏎⏎" typed fast would send the second enter to this bar again (and "⏎j" would type
    "j" into the query), because the first enter only moves focus once the screen has
    handled it. So from a hand-off key until the screen calls `release`, keys are held here
    in order; the screen replays them to whatever has focus then.
    """

    HAND_OFF_KEYS: ClassVar[dict[str, str]] = {"enter": "submit", "escape": "leave", "tab": "tab"}

    class HandOff(Message):
        """Enter (submit), escape (leave) or tab (accept a suggestion, or leave)."""

        def __init__(self, kind: str) -> None:
            super().__init__()
            self.kind = kind

    suggestion_visible: bool = False
    _held: list[events.Key] | None = None

    def validate_value(self, value: str) -> str:
        """Pasted text may carry escape sequences or bidi controls: keep only what is inert."""
        return clean_text(value).replace("\n", " ").replace("\t", " ")

    async def _on_key(self, event: events.Key) -> None:
        if self._held is None and event.key not in self.HAND_OFF_KEYS:
            return  # Input's own handler (next in the MRO) types it
        event.stop()  # neither typed here nor a binding: held, or handed off
        event.prevent_default()
        if self._held is not None:
            self._held.append(events.Key(event.key, event.character))
        else:
            self._held = []
            self.post_message(self.HandOff(self.HAND_OFF_KEYS[event.key]))

    def release(self) -> list[events.Key]:
        """Stop holding keys; the ones typed since the hand-off, in order."""
        held, self._held = self._held or [], None
        return held


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
