"""Keys typed while focus is on its way somewhere wait for it, then follow in order.

Textual routes each key to the focused widget as it arrives, before earlier keys are handled.
A key whose action opens a dialog does so only after its worker has loaded what the dialog
shows, so the keys typed right after it went to the list ("B" + a note typed at once sent the
note to the list). Enter in the search bar moves to the results only once they are listed, so
"tram⏎⏎" sent the second enter to the bar again and "tram⏎j" typed "j" into the query. The app
holds the keys that follow such a key until focus has moved (the dialog has focus, the
screen has handed off, or the action ended without a dialog), or a time limit passes.
The same goes for the key that closes a dialog from its text field (enter, escape): "B",
a note, enter and "j" typed at once saved the note as "...j" and left the list where it was;
the held keys now wait for the screen below to be back.
"""

from __future__ import annotations

from textual import events
from textual.app import App
from textual.timer import Timer
from textual.widgets import Input

from tuireader.tui.search_bar import SearchBar

# the main screen's actions that open a dialog (see tui/controllers/ and main_screen.py)
DIALOG_ACTIONS = frozenset(
    {
        "bookmark_with_note",
        "highlight",
        "annotations",
        "export",
        "filters",
        "help",
        "add_url",
        "saved_searches",
        "save_search",
    }
)
# seconds: never hold keys longer than this for a dialog (it is released as soon as the
# dialog has focus; some dialogs first ask the core thread, which may be busy with a search)
DIALOG_HOLD = 5.0
SEARCH_HOLD = 5.0  # ... or for a search (a heavy query in a big library takes a while)
CLOSE_HOLD = 1.0  # ... or for a dialog to close (one that stays open gets them after this)


class KeyHold:
    """The held keys of one app; `ReaderApp.on_event` feeds it raw key events."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.keys: list[events.Key] | None = None
        self._timer: Timer | None = None
        self._releasing = False

    def holding(self) -> bool:
        return self.keys is not None

    def hold_after(self, key: str) -> float | None:
        """How long to hold the keys after `key`, pressed now (None: not at all): the
        search bar's hand-off keys, and the keys of the dialog actions (as remapped)."""
        focused = self.app.focused
        if isinstance(focused, SearchBar):
            return SEARCH_HOLD if key in SearchBar.HAND_OFF_KEYS else None
        if isinstance(focused, Input):
            closing: frozenset[str] = getattr(focused.screen, "CLOSING_KEYS", frozenset())
            return CLOSE_HOLD if key in closing else None
        active = self.app.active_bindings.get(key)
        opens = active is not None and active.binding.action in DIALOG_ACTIONS
        return DIALOG_HOLD if opens else None

    def start(self, limit: float = DIALOG_HOLD) -> None:
        self.keys = []
        self._releasing = False
        self._timer = self.app.set_timer(limit, self.release)

    def release(self) -> None:
        """Dispatch the held keys on the app's own message loop, in order (once per hold:
        the dialog, the action and the timer may all ask)."""
        if self.keys is None or self._releasing:
            return
        self._releasing = True
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self.app.call_later(self._dispatch)

    async def _dispatch(self) -> None:
        held, self.keys = self.keys or [], None  # keys typed until now are in `held`
        self._releasing = False
        for key in held:  # a held key may open a dialog too: the rest then waits again
            await self.app.on_event(key)


def release_held_keys(node: object) -> None:
    """Called once focus has moved: by a dialog that has it, by an action that opens none
    after all, by the screen when the search bar has handed off, by a screen that is back
    after a dialog closed, by a dialog that stays open after enter."""
    hold = getattr(getattr(node, "app", None), "key_hold", None)
    if isinstance(hold, KeyHold):
        hold.release()
