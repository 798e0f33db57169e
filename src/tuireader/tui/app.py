"""The Textual application: theme, keymap, palette commands, and the main screen."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from textual import events
from textual.app import App, SystemCommand
from textual.notifications import SeverityLevel
from textual.screen import Screen

from tuireader.config import AppPaths, Settings
from tuireader.text.inert import clean_line, clean_text
from tuireader.tui.bridge import Core, CoreBridge
from tuireader.tui.keys import KEYS, bound_keys, keymap_from_settings
from tuireader.tui.main_screen import MainScreen
from tuireader.tui.typeahead import KeyHold


class ReaderApp(App[None]):
    """tuireader's terminal UI. Holds no library state of its own: see MainScreen."""

    CSS_PATH = "app.tcss"
    TITLE = "tuireader"
    ENABLE_COMMAND_PALETTE = True
    # Screens covered by a dialog get this class: app.tcss hides their toasts (see there).
    SUSPENDED_SCREEN_CLASS = "-suspended"

    def __init__(
        self,
        library_root: Path,
        paths: AppPaths,
        settings: Settings,
        *,
        notices: Sequence[str] = (),
    ) -> None:
        super().__init__()
        self.settings = settings
        self._notices = list(notices)  # start-up warnings (e.g. a read-only cache folder)
        self.key_hold = KeyHold(self)
        self.bridge = CoreBridge(Core(library_root, paths, settings))
        keymap, unknown = keymap_from_settings(settings.keys)
        self._unknown_keys = unknown
        self.set_keymap(keymap)
        self.sub_title = clean_line(str(library_root))

    def on_mount(self) -> None:
        theme = self.settings.theme
        if theme:
            if theme in self.available_themes:
                self.theme = theme
            else:
                self.notify(f"Unknown theme {theme!r} in config.toml", severity="warning")
        for notice in self._notices:
            self.notify(notice, severity="warning", timeout=10)
        if self._unknown_keys:
            self.notify(
                f"Unknown actions in [keys]: {', '.join(self._unknown_keys)}", severity="warning"
            )
        self.push_screen(MainScreen(self.bridge))

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Messages often quote file names, queries or errors: plain text unless asked."""
        super().notify(
            clean_text(message),
            title=clean_line(title),
            severity=severity,
            timeout=timeout,
            markup=markup,
        )

    async def on_event(self, event: events.Event) -> None:
        """Raw keys wait while focus is on its way (see typeahead.py)."""
        if not isinstance(event, events.Key) or event.is_forwarded:
            await super().on_event(event)
            return
        hold = self.key_hold
        if hold.holding():
            assert hold.keys is not None
            hold.keys.append(event)
            return
        limit = hold.hold_after(event.key)
        await super().on_event(event)
        if limit is not None:
            hold.start(limit)

    def on_app_focus(self) -> None:
        """Back from another window: pick up files that changed meanwhile."""
        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                screen.check_for_changes()

    async def on_unmount(self) -> None:
        await self.bridge.aclose()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if isinstance(screen, MainScreen):
            for spec in KEYS:
                if spec.action in {"quit", "quit_app"}:
                    continue
                action = getattr(screen, f"action_{spec.action}", None)
                if action is not None:
                    keys = bound_keys(self._keymap or {}, spec)
                    yield SystemCommand(spec.description, f"key: {keys}", action)
