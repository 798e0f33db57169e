"""Disk and database failures as one line a person can act on.

A full disk, a read-only folder or a file the user may not read surface as OSError (errno)
or as sqlite3 errors whose text ("disk I/O error") does not say what to do. These helpers
name the cause and the path; `main` prints them instead of an exception's class name.
"""

from __future__ import annotations

import errno
import sqlite3

from tuireader.cli.output import visible
from tuireader.storage.cache_fallback import DISK_FULL

_NO_PERMISSION = {errno.EACCES, errno.EPERM}
_SQLITE_HINTS = (
    ("full", "the disk is full"),
    ("disk i/o", "the disk is full or failing, or the file too large"),
    ("readonly", "the folder or file is read-only"),
    ("read-only", "the folder or file is read-only"),
    ("unable to open", "the folder is missing or not writable"),
    ("locked", "another program holds the database"),
    ("malformed", "the file is damaged"),
    ("not a database", "the file is damaged or not a tuireader database"),
)


def describe_os_error(exc: OSError) -> str:
    """`cannot write PATH: the disk is full` and the like."""
    where = f" {visible(str(exc.filename))}" if exc.filename else ""
    if exc.errno in DISK_FULL:
        return f"cannot write{where}: the disk is full (or the file too large)"
    if exc.errno == errno.EROFS:
        return f"cannot write{where}: read-only file system"
    if exc.errno in _NO_PERMISSION:
        return f"cannot access{where}: permission denied (is the folder read-only?)"
    if exc.errno == errno.ENOENT:
        return f"cannot open{where}: no such file or folder"
    reason = exc.strerror or str(exc)
    return f"cannot use{where}: {visible(reason)}"


def describe_sqlite_error(exc: sqlite3.Error, context: object = None) -> str:
    """`cannot use the annotation database: disk I/O error (the disk is full ...)`.

    Without `context`, the database is named from where the error was raised: the
    annotation store (the user's data) or the search layer's catalog (rebuildable)."""
    message = str(exc) or type(exc).__name__
    hint = next((h for key, h in _SQLITE_HINTS if key in message.lower()), "")
    hint = f" ({hint})" if hint else ""
    if context is not None:
        return f"{visible(str(context))}{hint}"
    return f"cannot use the {_which_database(exc)}: {visible(message)}{hint}"


def _which_database(exc: BaseException) -> str:
    owner = ""
    tb = exc.__traceback__
    while tb is not None:  # the innermost tuireader module wins
        module = tb.tb_frame.f_globals.get("__name__", "")
        if module.startswith(("tuireader.annotations", "tuireader.search")):
            owner = module
        tb = tb.tb_next
    if owner.startswith("tuireader.annotations"):
        return "annotation database"
    if owner.startswith("tuireader.search"):
        return "search catalog"
    return "database"
