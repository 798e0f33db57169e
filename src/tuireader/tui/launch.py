"""Start the reader from the CLI (the only place the CLI imports Textual)."""

from __future__ import annotations

from tuireader.cli.context import AppContext


def launch(app: AppContext) -> None:
    from tuireader.tui.app import ReaderApp

    ReaderApp(app.library_root, app.paths, app.settings).run()
