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
    if not address.enabled(os.environ) or not configured(if_broken=False):
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


def configured(*, if_broken: bool) -> bool:
    """Whether config.toml wants a server (`server = false` turns it off), read afresh:
    the file may have changed since the command or the server started. A broken file is
    a command's to report; meanwhile `if_broken` decides."""
    from tuireader.config import AppPaths, ConfigError, Settings

    try:
        return Settings.load(AppPaths.from_environment().config_file).server
    except ConfigError:
        return if_broken
