"""Start the reader (placeholder until the TUI lands)."""

from __future__ import annotations

from tuireader.cli.context import AppContext


def launch(app: AppContext) -> None:
    from textual.app import App
    from textual.widgets import Static

    root = app.library_root

    class Placeholder(App[None]):
        BINDINGS = [("q", "quit", "Quit")]

        def compose(self):  # type: ignore[no-untyped-def]
            yield Static(
                f"tuireader — library: {root}\n\nThe reader is coming. Press q to quit.",
                markup=False,
            )

    Placeholder().run()
