"""A cache folder tuireader can write, or a temporary one for this run.

The cache (catalog and index) can always be rebuilt, so a cache folder the user may not write
(a read-only home, a shared or mounted cache, wrong permissions) should not stop them reading:
this run uses a private temporary cache instead, removed at exit, and says so. The choice is
published through `XDG_CACHE_HOME`, so the reader's indexer process (a child) uses the same one.

A full disk is not handled here: a temporary folder is usually on the same disk, and the
commands already report a full disk in one line.
"""

from __future__ import annotations

import atexit
import errno
import os
import shutil
import tempfile
from pathlib import Path

from tuireader.config import AppPaths

DISK_FULL = frozenset({errno.ENOSPC, errno.EFBIG, errno.EDQUOT})  # errnos of a full disk
# files of the cache that are rewritten in place; everything else is written new
_REWRITTEN = ("catalog.sqlite3", "catalog.sqlite3-wal", "catalog.sqlite3-shm", "writer.lock")


def write_problem(library_cache: Path) -> str | None:
    """Why the library's cache folder cannot be used for writing, or None when it can."""
    try:
        library_cache.mkdir(parents=True, exist_ok=True)
        for folder in (library_cache, library_cache / "index"):
            if folder.is_dir():
                fd, probe = tempfile.mkstemp(dir=folder, prefix=".probe-")
                os.close(fd)
                os.unlink(probe)
        for name in _REWRITTEN:
            path = library_cache / name
            if path.exists():
                os.close(os.open(path, os.O_RDWR))
    except OSError as exc:
        if exc.errno in DISK_FULL:
            return None
        return exc.strerror or str(exc)
    return None


def ensure_writable_cache(paths: AppPaths, library_root: Path) -> tuple[AppPaths, str | None]:
    """The paths to use and, when the cache had to move to a temporary folder, a warning."""
    cache = paths.library_cache(library_root)
    problem = write_problem(cache)
    if problem is None:
        return paths, None
    temporary = tempfile.mkdtemp(prefix="tuireader-cache-")
    atexit.register(shutil.rmtree, temporary, ignore_errors=True)
    os.environ["XDG_CACHE_HOME"] = temporary
    warning = (
        f"cannot write the cache folder {cache} ({problem.lower()}): using a temporary "
        "one for this run, so the library is indexed again"
    )
    return AppPaths(paths.data_dir, Path(temporary) / "tuireader", paths.config_dir), warning
