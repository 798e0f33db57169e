"""The catalog: every article's metadata, file stat, fingerprint and body, in SQLite.

Why a catalog next to the full-text index: it is written fast (one transaction per batch),
so the list, sorting and filters work at once while the slower index catches up; it is the
freshness record (size, mtime_ns per path); and it keeps a zlib copy of each body so snippets
and match offsets never re-parse files. Each row carries an index `state`:
NEW (not in the index), INDEXED, or DIRTY (may be in the index under an old version: it must
be replaced, not added). Ids removed from the catalog leave a tombstone until the index has
deleted them, so a crash at any point leaves work the next refresh finishes.

Paths are stored as UTF-8 bytes with surrogateescape, so undecodable file names survive.
"""

from __future__ import annotations

import re
import sqlite3
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from tuireader.articles.model import Article
from tuireader.search.models import CatalogEntry, Filters
from tuireader.search.spelling import closest, text_words
from tuireader.storage.sqlite_read_only import open_read_only, unwritable_reason

# 3: the vocabulary's words come from whoosh_schema's tokeniser and fold_word (marks kept in
# words, accents folded alike in NFC and NFD): an older catalog is discarded and re-parsed.
SCHEMA_VERSION = "3"
NEW, INDEXED, DIRTY = 0, 1, 2
_SEP = "\x1f"

_COLUMNS = (
    "id, path, format, title, author, date, tags, url, words, fingerprint, summary, size, "
    "mtime_ns, site"
)
_SORTS = {
    "date": "date IS NULL, date DESC, title_key",
    "title": "title_key, date DESC",
    "author": "author IS NULL, author_key, title_key",
    "relevance": "date IS NULL, date DESC, title_key",
}

_DDL = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY, path BLOB UNIQUE NOT NULL, format TEXT NOT NULL, title TEXT NOT NULL,
    title_key TEXT NOT NULL, author TEXT, author_key TEXT, date TEXT, tags TEXT NOT NULL,
    url TEXT, site TEXT, words INTEGER NOT NULL, fingerprint TEXT NOT NULL,
    summary TEXT NOT NULL, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
    state INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS articles_state ON articles(state) WHERE state != 1;
CREATE TABLE IF NOT EXISTS bodies (id TEXT PRIMARY KEY, body BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS skipped (
    path BLOB PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
    reason TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tombstones (id TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS vocab (word TEXT PRIMARY KEY, df INTEGER NOT NULL) WITHOUT ROWID;
"""
_DDL_NAMES = frozenset(re.findall(r"CREATE (?:TABLE|INDEX) IF NOT EXISTS (\w+)", _DDL))


def _names(db: sqlite3.Connection) -> frozenset[str]:
    return frozenset(row[0] for row in db.execute("SELECT name FROM sqlite_master"))


def _enc(path: str) -> bytes:
    return path.encode("utf-8", "surrogateescape")


def _dec(raw: bytes | str) -> str:
    return raw.decode("utf-8", "surrogateescape") if isinstance(raw, bytes) else raw


def _safe(text: str | None) -> str | None:
    """SQLite needs valid UTF-8: lone surrogates become U+FFFD."""
    if text is None:
        return None
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace").decode("utf-8")
    return text


@dataclass(frozen=True)
class Known:
    """What the catalog remembers about one path, for the freshness check."""

    id: str
    size: int
    mtime_ns: int
    fingerprint: str


@dataclass(frozen=True)
class Stored:
    """A parsed article ready to store, with the stat it was parsed at. `words` and
    `packed` (see `prepare`) come from the parsing worker, so the storing process does not
    tokenise and compress every body itself; without them `store` computes both."""

    article: Article
    size: int
    mtime_ns: int
    words: str | None = None  # the article's vocabulary words, joined by newlines
    packed: bytes | None = None  # the body as the bodies table keeps it


def pack_body(body: str) -> bytes:
    return zlib.compress(body.encode("utf-8", "surrogatepass"), 1)


def article_words(article: Article) -> str:
    """The distinct vocabulary words of an article (title and body), joined by newlines:
    one string pickles far faster than a set of hundreds."""
    return "\n".join(text_words(f"{article.title}\n{article.body}"))


def _entry(row: Sequence) -> CatalogEntry:
    return CatalogEntry(
        id=row[0],
        path=_dec(row[1]),
        format=row[2],
        title=row[3],
        author=row[4],
        date=datetime.fromisoformat(row[5]) if row[5] else None,
        tags=tuple(row[6].split(_SEP)) if row[6] else (),
        url=row[7],
        words=row[8],
        fingerprint=row[9],
        summary=row[10],
        size=row[11],
        mtime_ns=row[12],
        site=row[13],
    )


def _damaged(exc: sqlite3.DatabaseError) -> bool:
    """The catalog file is unusable (start it again), rather than unwritable for now."""
    message = str(exc).lower()
    return "not a database" in message or "malformed" in message or "encrypted" in message


class Catalog:
    """One library's catalog file. Reads are safe while another process writes (WAL)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._writes = 0
        self.read_only_error: str | None = None  # why writes are refused (opened to read)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.db = self._connect()
        except sqlite3.DatabaseError as exc:
            if unwritable_reason(exc):  # a full disk or read-only file: read what is there
                self.db = self._connect_read_only(exc)
            elif _damaged(exc):
                self._discard()
                self.db = self._connect()
            else:
                raise

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30, check_same_thread=False, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        version = None
        try:
            row = db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
            version = row[0] if row else None
        except sqlite3.OperationalError:
            pass
        if version not in (None, SCHEMA_VERSION):
            db.close()
            self._discard()
            return self._connect()
        if version == SCHEMA_VERSION and _names(db) >= _DDL_NAMES:
            return db  # nothing to create: no write, so a writer mid-transaction never blocks it
        db.executescript(_DDL)
        db.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
        return db

    def _connect_read_only(self, cause: sqlite3.DatabaseError) -> sqlite3.Connection:
        """The catalog as it is, for reading, when it cannot be opened to write (only if
        it is this version's: an older one is useless to read)."""
        if not self.path.is_file():
            raise cause
        try:
            db = open_read_only(self.path, str(cause), timeout=30)
        except sqlite3.DatabaseError:
            raise cause from None
        try:
            row = db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
        except sqlite3.DatabaseError:
            row = None
        if row is None or row[0] != SCHEMA_VERSION:
            db.close()
            raise cause
        self.read_only_error = str(cause)
        return db

    def _discard(self) -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)

    def close(self) -> None:
        self.db.close()

    def version(self) -> tuple[int, int]:
        """Changes whenever this or another connection commits (for caching reads)."""
        return self.db.execute("PRAGMA data_version").fetchone()[0], self._writes

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        if self.read_only_error is not None:
            raise sqlite3.OperationalError(self.read_only_error)
        self._writes += 1
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # -- freshness ------------------------------------------------------------------------

    def stats(self) -> dict[str, tuple[int, int]]:
        """path -> (size, mtime_ns) of every article: all the freshness check reads."""
        rows = self.db.execute("SELECT path, size, mtime_ns FROM articles")
        return {p.decode("utf-8", "surrogateescape"): (s, m) for p, s, m in rows}

    def details(self, paths: Iterable[str]) -> dict[str, Known]:
        """What the catalog knows about some paths (the changed or vanished ones)."""
        out: dict[str, Known] = {}
        for path in paths:
            row = self.db.execute(
                "SELECT id, size, mtime_ns, fingerprint FROM articles WHERE path=?", (_enc(path),)
            ).fetchone()
            if row:
                out[path] = Known(*row)
        return out

    def generation(self) -> int:
        """How many times the articles changed (any process): see `read_generation`."""
        return _generation(self.db)

    def walk_digest(self) -> str | None:
        """The digest of the folder walk the catalog was last brought up to date with, or None
        when unknown (an update started and did not finish, a rebuild, an older catalog)."""
        row = self.db.execute("SELECT value FROM meta WHERE key='walk'").fetchone()
        return row[0] if row else None

    def set_walk_digest(self, digest: str | None) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM meta WHERE key='walk'")
            if digest is not None:
                db.execute("INSERT INTO meta VALUES ('walk', ?)", (digest,))

    def known_skipped(self) -> dict[str, tuple[int, int, str]]:
        rows = self.db.execute("SELECT path, size, mtime_ns, reason FROM skipped")
        return {_dec(p): (s, m, r) for p, s, m, r in rows}

    def store(
        self,
        upserts: Iterable[Stored],
        *,
        remove_ids: Iterable[str] = (),
        skipped: Iterable[tuple[str, int, int, str]] = (),
        unskip: Iterable[str] = (),
    ) -> None:
        """Write one batch of changes in one transaction (vocabulary counts included)."""
        vocab: Counter[str] = Counter()
        remove_ids = list(remove_ids)
        with self.transaction() as db:
            for article_id in remove_ids:
                vocab.subtract(self._old_words(db, article_id))
                db.execute("DELETE FROM articles WHERE id=?", (article_id,))
                db.execute("DELETE FROM bodies WHERE id=?", (article_id,))
                db.execute("INSERT OR IGNORE INTO tombstones VALUES (?)", (article_id,))
            for path in unskip:
                db.execute("DELETE FROM skipped WHERE path=?", (_enc(path),))
            db.executemany(
                "INSERT OR REPLACE INTO skipped VALUES (?, ?, ?, ?)",
                [(_enc(p), s, m, _safe(r)) for p, s, m, r in skipped],
            )
            changed = bool(remove_ids)
            for item in upserts:
                vocab.subtract(self._old_words(db, item.article.id))
                words = item.words if item.words is not None else article_words(item.article)
                vocab.update(words.split("\n") if words else ())
                self._upsert(db, item)
                changed = True
            self._count_words(db, vocab)
            if changed:
                _bump_generation(db)

    def _old_words(self, db: sqlite3.Connection, article_id: str) -> set[str]:
        row = db.execute(
            "SELECT a.title, b.body FROM articles a JOIN bodies b USING (id) WHERE a.id=?",
            (article_id,),
        ).fetchone()
        if row is None:
            return set()
        return text_words(f"{row[0]}\n{zlib.decompress(row[1]).decode('utf-8', 'surrogatepass')}")

    def _count_words(self, db: sqlite3.Connection, delta: Counter[str]) -> None:
        db.executemany(
            "INSERT INTO vocab VALUES (?, ?) ON CONFLICT(word) DO UPDATE SET df = df + excluded.df",
            [(w, n) for w, n in delta.items() if n],
        )
        db.executemany(
            "DELETE FROM vocab WHERE word=? AND df <= 0", [(w,) for w, n in delta.items() if n < 0]
        )

    # -- vocabulary ---------------------------------------------------------------------

    def word_count(self, word: str) -> int:
        row = self.db.execute("SELECT df FROM vocab WHERE word=?", (word,)).fetchone()
        return row[0] if row else 0

    def vocabulary(self) -> list[str]:
        """Every known word (folded, unstemmed)."""
        return [r[0] for r in self.db.execute("SELECT word FROM vocab")]

    def prefix_words(self, prefix: str, limit: int) -> list[str]:
        """The known words starting with prefix, the most frequent first."""
        rows = self.db.execute(
            "SELECT word FROM vocab WHERE word >= ? AND word < ? ORDER BY df DESC LIMIT ?",
            (prefix, prefix + "\U0010ffff", limit),
        )
        return [r[0] for r in rows]

    def near_words(self, word: str, maxdist: int, prefix: int = 1) -> list[tuple[int, str]]:
        """(distance, word) of known words within maxdist edits sharing the first letters."""
        if not word:
            return []
        head = word[: max(1, prefix)]
        rows = self.db.execute(
            "SELECT word, df FROM vocab WHERE word >= ? AND word < ? AND length(word) BETWEEN ? AND ?",
            (head, head + "\U0010ffff", len(word) - maxdist, len(word) + maxdist),
        ).fetchall()
        return closest(word, rows, maxdist)

    def _upsert(self, db: sqlite3.Connection, item: Stored) -> None:
        a = item.article
        old = db.execute("SELECT state FROM articles WHERE id=?", (a.id,)).fetchone()
        tomb = db.execute("SELECT 1 FROM tombstones WHERE id=?", (a.id,)).fetchone()
        state = NEW if old is None and tomb is None else (NEW if old and old[0] == NEW else DIRTY)
        db.execute("DELETE FROM tombstones WHERE id=?", (a.id,))
        db.execute("DELETE FROM skipped WHERE path=?", (_enc(a.path),))
        db.execute(
            "INSERT OR REPLACE INTO articles VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                a.id,
                _enc(a.path),
                a.format,
                _safe(a.title),
                _safe(a.title.casefold()),
                _safe(a.author),
                _safe(a.author.casefold()) if a.author else None,
                a.date.isoformat() if a.date else None,
                _safe(_SEP.join(a.tags)),
                _safe(a.url),
                _safe(a.site),
                a.words,
                a.fingerprint,
                _safe(a.summary),
                item.size,
                item.mtime_ns,
                state,
            ),
        )
        body = item.packed if item.packed is not None else pack_body(a.body)
        db.execute("INSERT OR REPLACE INTO bodies VALUES (?, ?)", (a.id, body))

    # -- reading ----------------------------------------------------------------------------

    def count(self) -> int:
        return self.db.execute("SELECT count(*) FROM articles").fetchone()[0]

    def entries(self) -> list[CatalogEntry]:
        return [_entry(r) for r in self.db.execute(f"SELECT {_COLUMNS} FROM articles")]

    def entries_by_id(self, ids: Sequence[str]) -> dict[str, CatalogEntry]:
        found: dict[str, CatalogEntry] = {}
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT {_COLUMNS} FROM articles WHERE id IN ({marks})"
            found.update((e.id, e) for e in map(_entry, self.db.execute(sql, chunk)))
        return found

    def find(self, ref: str) -> CatalogEntry | None:
        """By id, path, or a unique id prefix of 4 characters or more."""
        row = self.db.execute(
            f"SELECT {_COLUMNS} FROM articles WHERE id=? OR path=?", (ref, _enc(ref))
        ).fetchone()
        if row is None and len(ref) >= 4 and all(c in "0123456789abcdef" for c in ref):
            rows = self.db.execute(
                f"SELECT {_COLUMNS} FROM articles WHERE id >= ? AND id < ? LIMIT 2",
                (ref, ref + "g"),
            ).fetchall()
            row = rows[0] if len(rows) == 1 else None
        return _entry(row) if row else None

    def bodies(self, ids: Sequence[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            marks = ",".join("?" * len(chunk))
            rows = self.db.execute(f"SELECT id, body FROM bodies WHERE id IN ({marks})", chunk)
            out.update((i, zlib.decompress(b).decode("utf-8", "surrogatepass")) for i, b in rows)
        return out

    def first_page(self, sort: str, limit: int) -> list[CatalogEntry]:
        """The first `limit` entries in `sort` order: the reader's first screen, without
        loading every row of a 100,000-article catalog first."""
        sql = f"SELECT {_COLUMNS} FROM articles ORDER BY {_SORTS.get(sort, _SORTS['date'])} LIMIT ?"
        return [_entry(r) for r in self.db.execute(sql, (limit,))]

    def select(
        self, filters: Filters | None, sort: str, limit: int | None
    ) -> tuple[int, list[CatalogEntry]]:
        """Entries matching the filters (no query), sorted, with the total before the limit."""
        where, args = [], []
        if filters and filters.author:
            where.append("author_key = ?")
            args.append(filters.author.casefold())
        if filters and filters.format:
            where.append("format = ?")
            args.append(filters.format.casefold())
        rows = self.db.execute(
            f"SELECT {_COLUMNS} FROM articles"
            + (f" WHERE {' AND '.join(where)}" if where else "")
            + f" ORDER BY {_SORTS.get(sort, _SORTS['date'])}",
            args,
        )
        entries = [_entry(r) for r in rows]
        if filters and filters.ids is not None:
            entries = [e for e in entries if e.id in filters.ids]
        if filters and filters.tag:
            tag = filters.tag.casefold()
            entries = [e for e in entries if tag in (t.casefold() for t in e.tags)]
        return len(entries), entries if limit is None else entries[:limit]

    # -- index bookkeeping --------------------------------------------------------------

    def pending(self) -> list[tuple[str, int]]:
        return self.db.execute("SELECT id, state FROM articles WHERE state != 1").fetchall()

    def pending_count(self) -> int:
        row = self.db.execute("SELECT count(*) FROM articles WHERE state != 1").fetchone()
        tombs = self.db.execute("SELECT count(*) FROM tombstones").fetchone()
        return row[0] + tombs[0]

    def indexed_count(self) -> int:
        return self.db.execute("SELECT count(*) FROM articles WHERE state = 1").fetchone()[0]

    def set_state(self, ids: Sequence[str], state: int) -> None:
        with self.transaction() as db:
            db.executemany("UPDATE articles SET state=? WHERE id=?", [(state, i) for i in ids])

    def tombstones(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT id FROM tombstones")]

    def clear_tombstones(self, ids: Sequence[str]) -> None:
        with self.transaction() as db:
            db.executemany("DELETE FROM tombstones WHERE id=?", [(i,) for i in ids])

    def forget_index(self) -> None:
        """The index is gone: every article must be added again, nothing deleted."""
        with self.transaction() as db:
            db.execute("UPDATE articles SET state=0")
            db.execute("DELETE FROM tombstones")

    def clear(self) -> None:
        with self.transaction() as db:
            for table in ("articles", "bodies", "skipped", "tombstones", "vocab"):
                db.execute(f"DELETE FROM {table}")
            db.execute("DELETE FROM meta WHERE key='walk'")
            _bump_generation(db)

    def reconcile(self, index_ids: set[str]) -> None:
        """Make the index states agree with what the index really holds (after a crash)."""
        with self.transaction() as db:
            rows = db.execute("SELECT id, state FROM articles").fetchall()
            known = set()
            for article_id, state in rows:
                known.add(article_id)
                inside = article_id in index_ids
                if inside and state == NEW:
                    db.execute("UPDATE articles SET state=? WHERE id=?", (DIRTY, article_id))
                elif not inside and state != NEW:
                    db.execute("UPDATE articles SET state=? WHERE id=?", (NEW, article_id))
            db.executemany(
                "INSERT OR IGNORE INTO tombstones VALUES (?)", [(i,) for i in index_ids - known]
            )


def _generation(db: sqlite3.Connection) -> int:
    row = db.execute("SELECT value FROM meta WHERE key='generation'").fetchone()
    return int(row[0]) if row else 0


def _bump_generation(db: sqlite3.Connection) -> None:
    db.execute(
        "INSERT INTO meta VALUES ('generation', '1') "
        "ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
    )


def read_generation(path: Path) -> int | None:
    """The catalog's generation, read without opening it as `Catalog` does (no schema work):
    a number every process that stores, changes or removes articles raises in the same
    transaction. A reader polls it to see articles added by `tuireader add` or `feed update`,
    which index them themselves, so the folder walk then finds nothing stale. None when there
    is no catalog (yet) or it cannot be read now."""
    try:
        db = sqlite3.connect(f"{Path(path).as_uri()}?mode=ro", uri=True, timeout=1)
    except sqlite3.Error:
        return None
    try:
        return _generation(db)
    except sqlite3.Error:
        return None
    finally:
        db.close()


def to_article(entry: CatalogEntry, body: str) -> Article:
    """An Article rebuilt from the catalog (Markdown `source` is not kept there)."""
    return Article(
        id=entry.id,
        path=entry.path,
        format=entry.format,
        title=entry.title,
        author=entry.author,
        date=entry.date,
        tags=entry.tags,
        url=entry.url,
        summary=entry.summary,
        body=body,
        words=entry.words,
        fingerprint=entry.fingerprint,
        site=entry.site,
    )
