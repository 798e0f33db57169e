"""Start the reader from the CLI (the only place the CLI imports Textual)."""

from __future__ import annotations

from tuireader.cli.context import AppContext


def launch(app: AppContext) -> None:
    from tuireader.tui.app import ReaderApp

    root = app.library_root  # first: it may move the cache (and so change app.paths)
    notices = [app.cache_warning] if app.cache_warning else []
    ReaderApp(root, app.paths, app.settings, notices=notices).run()
