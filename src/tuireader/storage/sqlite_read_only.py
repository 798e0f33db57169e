"""Opening a SQLite database to read when it cannot be opened to write.

A read-only folder or a full disk should not stop anyone reading what is already stored (the
annotation store, the search catalog). Both databases use WAL, which needs a `-shm` file
beside the database: when none can be created (the last writer has closed and removed it),
only SQLite's immutable mode can read the file, which is safe because nobody else can be
writing to it either.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import quote


class ReadOnlyConnection(sqlite3.Connection):
    """A database opened for reading only; `reason` says why it could not be written."""

    reason = "it is read-only"


def unwritable_reason(exc: sqlite3.DatabaseError) -> str | None:
    """Why opening to write failed when reading may still work (None: another failure)."""
    message = str(exc).lower()
    if "readonly" in message or "read-only" in message or "unable to open" in message:
        return "its folder or file is read-only"
    if "disk i/o" in message or "full" in message:
        return "the disk is full (or failing)"
    return None


def open_read_only(path: Path, reason: str, *, timeout: float) -> ReadOnlyConnection:
    """`path` opened with `query_only` on, its schema readable; raises the last error when
    neither the normal read-only mode nor the immutable one can read it."""
    uri = f"file:{quote(str(Path(path).resolve()))}?mode=ro"
    error: sqlite3.DatabaseError | None = None
    for suffix in ("", "&immutable=1"):
        conn = sqlite3.connect(
            uri + suffix,
            uri=True,
            factory=ReadOnlyConnection,
            timeout=timeout,
            isolation_level=None,
            check_same_thread=False,
        )
        try:
            conn.execute("PRAGMA query_only = ON")
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.DatabaseError as exc:
            conn.close()
            error = exc
            continue
        assert isinstance(conn, ReadOnlyConnection)
        conn.reason = reason
        return conn
    assert error is not None
    raise error
