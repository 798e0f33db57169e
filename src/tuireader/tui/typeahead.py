"""Keys typed while a dialog is on its way wait for it (`B` then a note, typed at once).

Textual routes each key to the focused widget as it arrives. A key whose action opens a
dialog does so only after its worker has loaded what the dialog shows, so the keys typed
right after it went to the list ("e⏎" opened an article instead of exporting). The app holds
the keys that follow such a key until the dialog has focus (or the action ends without one,
or HOLD_LIMIT passes), then dispatches them in order.
"""

from __future__ import annotations

from textual import events
from textual.app import App
from textual.timer import Timer
from textual.widgets import Input

# the main screen's actions that open a dialog (see annotating.py and main_screen.py)
DIALOG_ACTIONS = frozenset(
    {"bookmark_with_note", "highlight", "annotations", "export", "filters", "help"}
)
HOLD_LIMIT = 1.0  # seconds: never hold keys longer than this


class KeyHold:
    """The held keys of one app; `ReaderApp.on_event` feeds it raw key events."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.keys: list[events.Key] | None = None
        self._timer: Timer | None = None
        self._releasing = False

    def holding(self) -> bool:
        return self.keys is not None

    def opens_dialog(self, key: str) -> bool:
        """Whether `key`, pressed now, runs one of the dialog actions (as remapped)."""
        if isinstance(self.app.focused, Input):
            return False
        active = self.app.active_bindings.get(key)
        return active is not None and active.binding.action in DIALOG_ACTIONS

    def start(self) -> None:
        self.keys = []
        self._releasing = False
        self._timer = self.app.set_timer(HOLD_LIMIT, self.release)

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
    """Called by a dialog once it has focus, or by an action that opens none after all."""
    hold = getattr(getattr(node, "app", None), "key_hold", None)
    if isinstance(hold, KeyHold):
        hold.release()
