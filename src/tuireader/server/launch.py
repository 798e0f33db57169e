"""Start a server in the background after a command that one would have answered faster."""

from __future__ import annotations

import os
import subprocess
import sys

from tuireader.server import address


def start() -> bool:
    """Start `python -m tuireader.server`, detached: its own session, no terminal, no
    inherited descriptors, so the command that started it exits (and a pipe after it
    closes) at once. A second server for the same setup exits on the lock."""
    if not address.enabled(os.environ) or not _wanted():
        return False
    try:
        subprocess.Popen(
            [sys.executable, "-m", "tuireader.server"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            close_fds=True,
            start_new_session=True,
            cwd="/",
        )
    except OSError:
        return False
    return True


def _wanted() -> bool:
    """`server = false` in config.toml (read again here: the command has it cached, but
    this runs after it, outside click; a broken file is the command's to report)."""
    from tuireader.config import AppPaths, ConfigError, Settings

    try:
        return Settings.load(AppPaths.from_environment().config_file).server
    except ConfigError:
        return False
