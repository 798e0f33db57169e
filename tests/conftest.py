"""Shared fixtures: every test runs with temporary XDG dirs, never the real home."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# no resident search server (tuireader.server) is started by the suite, not even from a
# module-scoped fixture that runs before `isolated_xdg`: every child process inherits this
# (tests/test_server.py turns it on where the server is the subject)
os.environ["TUIREADER_SERVER"] = "off"

REPO = Path(__file__).resolve().parent.parent
LIBRARY = REPO / "library"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(autouse=True)
def isolated_xdg(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point XDG data/cache/config/runtime at a temp dir (and unset the library override)."""
    home = tmp_path_factory.mktemp("xdg")
    for name in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(name, str(home / name.lower()))
    monkeypatch.delenv("TUIREADER_LIBRARY", raising=False)
    monkeypatch.setenv("HOME", str(home / "home"))
    # no resident search server (tuireader.server) outlives a test: tests/test_server.py
    # turns it on where it is the subject
    monkeypatch.setenv("TUIREADER_SERVER", "off")
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(home / "run"))
    return home


@pytest.fixture()
def anyio_backend() -> str:
    """The async tests (Textual's Pilot) run on asyncio."""
    return "asyncio"


@pytest.fixture()
def library(tmp_path: Path) -> Path:
    """A fresh copy of tests/fixtures/tui_library (the reader's tests change it)."""
    from tui_helpers import make_library

    return make_library(tmp_path)
