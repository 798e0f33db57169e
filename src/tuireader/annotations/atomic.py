"""Write a file so that readers see the old version or the new one, never half of either."""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import tempfile
import time
from pathlib import Path


def write_atomically(path: Path, text: str | bytes, *, encoding: str = "utf-8") -> None:
    """Write `text` to a temporary file beside `path`, fsync it, then rename it over `path`.

    The temporary file (`.<name>.<8 random characters>.tmp`) is locked while it is written,
    so `remove_dead_temps` knows one whose writer died. It lives in the same directory so
    `os.replace` is a same-filesystem rename (atomic on POSIX); the directory is fsynced too
    so the rename itself survives a crash. Newlines are written as given (no platform translation); bytes are written as is.
    """
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    data = text if isinstance(text, bytes) else text.encode(encoding)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with contextlib.suppress(OSError):  # held until the rename: see remove_dead_temps
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
        with contextlib.suppress(OSError):  # mkstemp makes 0600; keep an existing file's mode
            os.fchmod(fd, path.stat().st_mode & 0o777 if path.exists() else 0o644)
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise
    finally:
        os.close(fd)
    with contextlib.suppress(OSError):
        dir_fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


# write_atomically's temporary files (mkstemp's 8 random characters).
TEMP_NAME = re.compile(r"\..+\.[a-z0-9_]{8}\.tmp")


def remove_dead_temps(folder: Path, *, recursive: bool = True, min_age: float = 1.0) -> int:
    """Remove the temporary files of writes whose process died (killed half-way): each one
    not locked by its writer and older than `min_age` seconds (a writer locks its file the
    moment it is made). Returns how many went; a folder that is not there has none."""
    removed = 0
    now = time.time()
    walk = os.walk(folder) if recursive else [(str(folder), [], _names(folder))]
    for where, _dirs, names in walk:
        for name in names:
            if TEMP_NAME.fullmatch(name) and _remove_if_dead(Path(where) / name, now - min_age):
                removed += 1
    return removed


def _names(folder: Path) -> list[str]:
    try:
        return os.listdir(folder)
    except OSError:
        return []


def _remove_if_dead(path: Path, before: float) -> bool:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return False
    try:
        if os.fstat(fd).st_mtime > before:
            return False
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        path.unlink()
        return True
    except OSError:  # locked (its writer is alive), or gone meanwhile
        return False
    finally:
        os.close(fd)
