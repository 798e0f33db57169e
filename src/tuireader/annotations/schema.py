"""The annotation database: connection settings and the schema's migrations.

The schema version is SQLite's `user_version`; `MIGRATIONS[n]` takes version n to n+1.
Migrations run inside `BEGIN IMMEDIATE` and re-check the version, so two processes opening
a new database at once cannot both apply them. A database newer than this code is refused
rather than guessed at: it holds the user's data.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from tuireader.annotations.models import COLORS, AnnotationError
from tuireader.storage.sqlite_read_only import ReadOnlyConnection, open_read_only, unwritable_reason

APPLICATION_ID = 0x54524E31  # "TRN1": marks the file as a tuireader annotation store
BUSY_TIMEOUT_S = 30.0

_COLOR_CHECK = ", ".join(f"'{c}'" for c in COLORS)

MIGRATIONS: tuple[str, ...] = (
    # 0 -> 1
    f"""
    CREATE TABLE articles (
        pk          INTEGER PRIMARY KEY,
        library     TEXT NOT NULL,
        article_id  TEXT NOT NULL,
        path        TEXT NOT NULL DEFAULT '',
        title       TEXT NOT NULL DEFAULT '',
        author      TEXT,
        date        TEXT,
        url         TEXT,
        tags        TEXT NOT NULL DEFAULT '[]',
        fingerprint TEXT,
        length      INTEGER NOT NULL DEFAULT 0,
        missing     INTEGER NOT NULL DEFAULT 0,
        UNIQUE (library, article_id)
    );
    CREATE TABLE bookmarks (
        id       TEXT PRIMARY KEY,
        article  INTEGER NOT NULL REFERENCES articles(pk) ON DELETE RESTRICT,
        offset   INTEGER CHECK (offset IS NULL OR offset >= 0),
        quote    TEXT,
        prefix   TEXT NOT NULL DEFAULT '',
        suffix   TEXT NOT NULL DEFAULT '',
        note     TEXT,
        tags     TEXT NOT NULL DEFAULT '[]',
        created  TEXT NOT NULL,
        updated  TEXT NOT NULL,
        orphaned INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX bookmarks_article ON bookmarks(article, offset);
    CREATE TABLE highlights (
        id       TEXT PRIMARY KEY,
        article  INTEGER NOT NULL REFERENCES articles(pk) ON DELETE RESTRICT,
        start    INTEGER NOT NULL CHECK (start >= 0),
        "end"    INTEGER NOT NULL CHECK ("end" >= start),
        quote    TEXT NOT NULL,
        prefix   TEXT NOT NULL DEFAULT '',
        suffix   TEXT NOT NULL DEFAULT '',
        color    TEXT NOT NULL CHECK (color IN ({_COLOR_CHECK})),
        note     TEXT,
        tags     TEXT NOT NULL DEFAULT '[]',
        created  TEXT NOT NULL,
        updated  TEXT NOT NULL,
        orphaned INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX highlights_article ON highlights(article, start);
    CREATE TABLE reading_state (
        article     INTEGER PRIMARY KEY REFERENCES articles(pk) ON DELETE CASCADE,
        position    INTEGER NOT NULL DEFAULT 0,
        percent     REAL NOT NULL DEFAULT 0,
        read        INTEGER NOT NULL DEFAULT 0,
        last_opened TEXT,
        updated     TEXT NOT NULL
    );
    """,
)

SCHEMA_VERSION = len(MIGRATIONS)


def connect(db_path: Path, *, allow_read_only: bool = False) -> sqlite3.Connection:
    """Open (creating and migrating) the database: WAL, foreign keys, a busy timeout.

    The connection is in autocommit mode; writers use explicit `BEGIN IMMEDIATE` so a busy
    database is waited for up front instead of failing half way. `check_same_thread` is off:
    the store serialises calls with its own lock, and the TUI may open it on one thread and
    use it on another. With `allow_read_only`, a store the user may read but not write (a
    read-only folder or file system) opens read-only instead of failing: see `read_only_reason`.
    """
    db_path = Path(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(
        db_path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
    )
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        _retry_busy(lambda: conn.execute("PRAGMA journal_mode = WAL").fetchone())
        conn.execute("PRAGMA synchronous = FULL")  # user data: survive power loss too
        conn.execute("PRAGMA foreign_keys = ON")
        migrate(conn)
    except sqlite3.DatabaseError as exc:
        conn.close()
        reason = unwritable_reason(exc)
        if allow_read_only and reason and db_path.is_file():
            return _connect_read_only(db_path, reason)
        raise AnnotationError(f"cannot open annotation database {db_path}: {exc}") from exc
    except BaseException:
        conn.close()
        raise
    return conn


def read_only_reason(conn: sqlite3.Connection) -> str | None:
    return conn.reason if isinstance(conn, ReadOnlyConnection) else None


def _connect_read_only(db_path: Path, reason: str) -> sqlite3.Connection:
    """Read a store that cannot be written, if its schema is this version's."""
    try:
        conn = open_read_only(db_path, reason, timeout=BUSY_TIMEOUT_S)
    except sqlite3.DatabaseError as exc:
        raise AnnotationError(f"cannot open annotation database {db_path}: {exc}") from exc
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        _check_version(conn, version)
        if version != SCHEMA_VERSION:
            raise AnnotationError(
                f"cannot open annotation database {db_path}: it needs upgrading, but "
                "it is read-only (make its folder writable and try again)"
            )
    except BaseException:
        conn.close()
        raise
    return conn


def migrate(conn: sqlite3.Connection) -> None:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version == SCHEMA_VERSION:
        return
    _check_version(conn, version)
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        _check_version(conn, version)
        for step in range(version, SCHEMA_VERSION):
            for statement in _statements(MIGRATIONS[step]):
                conn.execute(statement)
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _check_version(conn: sqlite3.Connection, version: int) -> None:
    if version > SCHEMA_VERSION:
        raise AnnotationError(
            f"the annotation database has schema version {version}, newer than this "
            f"tuireader understands ({SCHEMA_VERSION}); upgrade tuireader"
        )
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    if version == 0:
        tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if tables:
            raise AnnotationError("the annotation database file holds something else")
    elif app_id != APPLICATION_ID:
        raise AnnotationError("the annotation database file is not a tuireader store")


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]


def _retry_busy(action: Callable[[], object], attempts: int = 50) -> object:
    """PRAGMA journal_mode does not always honour the busy timeout: retry it briefly."""
    for attempt in range(attempts):
        try:
            return action()
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            if attempt == attempts - 1:
                raise
            time.sleep(0.05)
    return None
