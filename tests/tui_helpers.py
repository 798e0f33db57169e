"""Helpers for the TUI tests: a copy of the fixture library and a ready-to-run app."""

from __future__ import annotations

import shutil
from pathlib import Path

from tuireader.config import AppPaths, Settings

FIXTURE_LIBRARY = Path(__file__).parent / "fixtures" / "tui_library"


def make_library(tmp_path: Path, *, indexed: bool = True) -> Path:
    """A copy of the fixture library. `indexed`: with its catalog and index already in the
    (temporary) cache, copied from one built per test process, so the reader finds nothing
    stale and starts no indexer process; tests about indexing pass indexed=False (or change
    files, which the reader then indexes as it would)."""
    root = tmp_path / "library"
    shutil.copytree(FIXTURE_LIBRARY, root)  # copy2: same mtimes, so the walk digest matches
    if indexed:
        shutil.copytree(_built_cache(), AppPaths.from_environment().library_cache(root))
    return root


_BUILT: list[Path] = []


def _built_cache() -> Path:
    """The fixture library's catalog and index, built once per process."""
    if not _BUILT:
        import tempfile

        from tuireader.search import SearchService

        base = Path(tempfile.mkdtemp(prefix="tuireader-built-"))
        root = base / "library"
        shutil.copytree(FIXTURE_LIBRARY, root)
        service = SearchService(root, base / "cache")
        service.refresh(processes=1)
        assert not service.stale()
        service.close()
        _BUILT.append(base / "cache")
    return _BUILT[0]


def make_app(root: Path, **settings: object):
    from tuireader.tui.app import ReaderApp

    return ReaderApp(root, AppPaths.from_environment(), Settings(**settings))  # type: ignore[arg-type]


async def wait_for(pilot, predicate, timeout: float = 20.0) -> None:
    """Let workers (indexing, search, opening) finish: poll the UI until predicate holds."""
    import asyncio

    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError("timed out waiting for the UI")
        await pilot.pause(0.05)


async def wait_until_listed(pilot, count: int) -> None:
    """Wait until the main screen is up, indexing has finished and `count` rows are listed."""
    from tuireader.tui.main_screen import MainScreen
    from tuireader.tui.widgets import ArticleList

    await wait_for(pilot, lambda: isinstance(pilot.app.screen, MainScreen))
    screen = pilot.app.screen
    await wait_for(
        pilot,
        lambda: (
            screen.query_one(ArticleList).row_count == count
            and len(screen.list_state.entries) == count
            and not screen.index_state.status
            and not screen.index_state.running
        ),
    )


async def settle(pilot, *, waiting_groups: tuple[str, ...] = (), timeout: float = 20.0) -> None:
    """Bring the UI to a still frame for a screenshot.

    Waits until every worker has finished (except those in `waiting_groups`, e.g. a worker
    parked on `push_screen_wait`), lets short timers fire (the reader's 0.1 s scroll report),
    clears toasts and stops cursor blinking, so two runs draw the same frame.
    """
    from textual.widgets import Input

    app = pilot.app

    def idle() -> bool:
        # the library watch ("live") runs as long as the screen does
        return all(w.is_finished or w.group in (*waiting_groups, "live") for w in app.workers)

    for _ in range(2):  # a finished worker may start another (indexer -> reload)
        await wait_for(pilot, idle, timeout)
        await pilot.pause(0.3)
    for screen in app.screen_stack:
        for field in screen.query(Input):
            field.cursor_blink = False
    app.clear_notifications()
    await wait_for(pilot, idle, timeout)
    await pilot.pause()


def screen_rows(app):
    """The terminal as the app draws it now, one rich-segment Strip per row.

    Renders like `App.export_screenshot` does: the top screen over the screens that show
    through its translucent background (a dialog over the dimmed main screen).
    """
    from textual.strip import Strip

    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    return [Strip.join(chops) for chops in update.strips]


def screen_lines(app) -> list[str]:
    """Plain text of each terminal row (see screen_rows)."""
    return [row.text for row in screen_rows(app)]


async def listed(pilot, count: int = 6):
    """(main screen, its article list) once `count` rows are listed."""
    from tuireader.tui.widgets import ArticleList

    await wait_until_listed(pilot, count)
    screen = pilot.app.screen
    return screen, screen.query_one(ArticleList)


async def search_for(pilot, query: str) -> None:
    """Type a query into a cleared search bar, press enter, wait for its rows."""
    screen = pilot.app.screen
    await pilot.press("slash", "ctrl+u", *query, "enter")
    await wait_for(pilot, lambda: screen.list_state.shown_query == query)
