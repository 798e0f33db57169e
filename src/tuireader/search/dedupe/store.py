"""The near-duplicate store: each article's MinHash signature and its group, in SQLite.

Kept beside the catalog (`duplicates.sqlite3` in the library's cache folder) and brought up
to date at index time (`SearchService.refresh`): signatures are computed only for articles
that are new or whose body changed (the catalog's fingerprint), then the groups are worked
out again over every signature (array work: about a second at 100,000). Reading the groups
is one small table, so search results and the reader can fold copies cheaply. Rebuildable:
a damaged file is discarded and computed again.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from tuireader.search.dedupe import groups as grouping
from tuireader.search.dedupe.minhash import PERMUTATIONS, signature
from tuireader.search.dedupe.urls import article_key

SCHEMA = "3"  # 2: the article address (urls.article_key) beside each signature; 3: hashes
_DDL = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS sigs (
    id TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, url TEXT NOT NULL, sig BLOB);
CREATE TABLE IF NOT EXISTS groups (id TEXT PRIMARY KEY, grp TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS groups_grp ON groups(grp);
"""
BATCH = 500
PARALLEL_FROM = 2000  # below this, starting worker processes costs more than it saves

Bodies = Callable[[Sequence[str]], dict[str, str]]
Signer = Callable[[list[str]], Iterable[np.ndarray | None]]


@contextmanager
def _signer(processes: int) -> Iterator[Signer]:
    """`signature` over a list of bodies: here, or in spawned workers (never forked: the
    caller may have threads) that die with this process."""
    if processes <= 1:
        yield lambda texts: map(signature, texts)
        return
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    from tuireader.storage.orphans import die_with_parent

    with ProcessPoolExecutor(
        max_workers=processes,
        mp_context=get_context("spawn"),
        initializer=die_with_parent,
        initargs=(os.getpid(),),
    ) as pool:
        yield lambda texts: pool.map(signature, texts, chunksize=50)


class DuplicateStore:
    """One library's signatures and groups. Reads are safe while another process writes."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._db: sqlite3.Connection | None = None

    @property
    def db(self) -> sqlite3.Connection:
        if self._db is None:
            self._db = self._open()
        return self._db

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            return self._connect()
        except sqlite3.DatabaseError as exc:
            if "not a database" not in str(exc) and "malformed" not in str(exc):
                raise
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
            return self._connect()

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30, check_same_thread=False, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
        row = db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
        if row is not None and row[0] != SCHEMA:  # another version's signatures: start again
            db.executescript("DROP TABLE IF EXISTS sigs; DROP TABLE IF EXISTS groups;")
        db.executescript(_DDL)
        db.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (SCHEMA,))
        return db

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    # -- writing (at index time, under the writer lock) ----------------------------------

    def update(
        self,
        fingerprints: dict[str, str],
        bodies: Bodies,
        *,
        urls: dict[str, str | None] | None = None,
        processes: int = 1,
        progress: Callable[[int, int], None] | None = None,
    ) -> bool:
        """Follow the catalog (`fingerprints`: id -> fingerprint of every article, `urls`:
        id -> its address; `bodies` reads some ids' bodies) and group again when anything
        changed. True if it did. Many new bodies are signed in `processes` worker
        processes (about 0.35 ms each); `progress(done, total)` hears of each batch."""
        keys = {i: article_key((urls or {}).get(i)) for i in fingerprints}
        known = {
            i: (fp, u) for i, fp, u in self.db.execute("SELECT id, fingerprint, url FROM sigs")
        }
        gone = [i for i in known if i not in fingerprints]
        todo = [i for i, fp in fingerprints.items() if known.get(i) != (fp, keys[i])]
        if not gone and not todo:
            return False
        rows: list[tuple[str, str, str, bytes | None]] = []
        with _signer(processes if len(todo) >= PARALLEL_FROM else 1) as sign:
            for start in range(0, len(todo), BATCH):
                chunk = todo[start : start + BATCH]
                texts = bodies(chunk)
                found = [texts.get(i, "") for i in chunk]
                for i, body, sig in zip(chunk, found, sign(found), strict=True):
                    # an empty body's fingerprint is every empty body's: not a copy of them
                    fp = fingerprints[i] if body.strip() else ""
                    rows.append((i, fp, keys[i], sig.tobytes() if sig is not None else None))
                if progress is not None:
                    progress(len(rows), len(todo))
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            db.executemany("DELETE FROM sigs WHERE id=?", [(i,) for i in gone])
            db.executemany("INSERT OR REPLACE INTO sigs VALUES (?, ?, ?, ?)", rows)
            self._regroup(db)
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
        return True

    def _regroup(self, db: sqlite3.Connection) -> None:
        ids: list[str] = []
        fps: list[str] = []
        urls: list[str] = []
        signed: list[int] = []
        raw: list[bytes] = []
        for i, fp, url, sig in db.execute("SELECT id, fingerprint, url, sig FROM sigs ORDER BY id"):
            if sig is not None:
                signed.append(len(ids))
                raw.append(sig)
            ids.append(i)
            fps.append(fp)
            urls.append(url)
        sigs = (
            np.frombuffer(b"".join(raw), dtype=np.uint32).reshape(-1, PERMUTATIONS)
            if raw
            else np.zeros((0, PERMUTATIONS), np.uint32)
        )
        found = grouping.group(ids, fps, sigs, signed, urls=urls)
        db.execute("DELETE FROM groups")
        db.executemany("INSERT INTO groups VALUES (?, ?)", [(i, g[0]) for g in found for i in g])

    # -- reading -----------------------------------------------------------------------
    # Folding copies is a convenience: a store that cannot be opened or read (a read-only
    # or full cache folder before any index run) reads as "no groups", never as a failure
    # of the search that asked.

    def _rows(self, sql: str, args: tuple = ()) -> list[tuple]:
        try:
            return self.db.execute(sql, args).fetchall()
        except sqlite3.Error:
            return []

    def signed_count(self) -> int | None:
        """How many articles the store follows (None: it cannot be read)."""
        rows = self._rows("SELECT count(*) FROM sigs")
        return rows[0][0] if rows else None

    def groups(self) -> list[list[str]]:
        """Every group of two or more ids (sorted), ordered by their first id."""
        members: dict[str, list[str]] = {}
        for i, grp in self._rows("SELECT id, grp FROM groups ORDER BY grp, id"):
            members.setdefault(grp, []).append(i)
        return list(members.values())

    def group_keys(self) -> dict[str, str]:
        """id -> its group's key (the group's first id), for the ids in a group."""
        return dict(self._rows("SELECT id, grp FROM groups"))

    def group_of(self, article_id: str) -> list[str]:
        """The ids of the group `article_id` is in (itself included), [] when in none."""
        rows = self._rows(
            "SELECT g.id FROM groups g JOIN groups me ON g.grp = me.grp WHERE me.id=? ORDER BY g.id",
            (article_id,),
        )
        return [r[0] for r in rows]
