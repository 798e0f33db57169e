"""Helpers for the TUI tests: a copy of the fixture library and a ready-to-run app."""

from __future__ import annotations

import shutil
from pathlib import Path

from tuireader.config import AppPaths, Settings

FIXTURE_LIBRARY = Path(__file__).parent / "fixtures" / "tui_library"


def make_library(tmp_path: Path) -> Path:
    root = tmp_path / "library"
    shutil.copytree(FIXTURE_LIBRARY, root)
    return root


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
