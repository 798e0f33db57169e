"""AnnotationStore: bookmarks, highlights and reading state of one library, in SQLite.

One database file holds every library's annotations; each row belongs to a library (its
resolved path) through its article snapshot. Every change is one short `BEGIN IMMEDIATE`
transaction, so two processes can write at once (the busy timeout makes the second wait)
and a kill -9 loses at most the change in flight. Calls are serialised by a lock, so one
store may be shared between threads.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from tuireader.annotations import reconcile as sync
from tuireader.annotations.anchoring import Anchor, anchor_span, bookmark_anchor, find_quote
from tuireader.annotations.models import (
    COLORS,
    AnnotationError,
    AnnotationNotFound,
    ArticleAnnotations,
    ArticleMarks,
    ArticleRef,
    Bookmark,
    Highlight,
    ReadingState,
    ReconcileReport,
    new_id,
    utc_now,
)
from tuireader.annotations.schema import connect, read_only_reason
from tuireader.articles.model import Article, ArticleView

_UNSET: Any = object()

_ARTICLE_COLS = "a.article_id, a.path, a.title, a.author, a.date, a.url, a.tags, a.fingerprint, a.length, a.missing"
_BOOKMARK_SQL = (
    "SELECT b.id, b.offset, b.quote, b.prefix, b.suffix, b.note, b.tags, b.created, b.updated, "
    f"b.orphaned, {_ARTICLE_COLS} FROM bookmarks b JOIN articles a ON a.pk = b.article "
    "WHERE a.library = ?"
)
_HIGHLIGHT_SQL = (
    'SELECT h.id, h.start, h."end", h.quote, h.prefix, h.suffix, h.color, h.note, h.tags, '
    f"h.created, h.updated, h.orphaned, {_ARTICLE_COLS} FROM highlights h "
    "JOIN articles a ON a.pk = h.article WHERE a.library = ?"
)
_STATE_SQL = (
    "SELECT a.article_id, r.position, r.percent, r.read, r.last_opened, r.updated "
    "FROM reading_state r JOIN articles a ON a.pk = r.article WHERE a.library = ?"
)


class AnnotationStore:
    """The user's annotations for the library at `library_root`, stored in `db_path`.

    `clock` and `make_id` exist so tests (and golden files) can be deterministic.
    """

    def __init__(
        self,
        db_path: Path,
        library_root: Path,
        *,
        clock: Callable[[], datetime] = utc_now,
        make_id: Callable[[str], str] = new_id,
        allow_read_only: bool = False,
    ) -> None:
        self.db_path = Path(db_path)
        self.library_root = Path(library_root).resolve()
        self.library = str(self.library_root)
        self._clock = clock
        self._make_id = make_id
        self._lock = threading.RLock()
        self._conn = connect(self.db_path, allow_read_only=allow_read_only)
        # opened for reading only (a read-only folder, a full disk): changes are refused
        self.read_only_reason = read_only_reason(self._conn)
        self.read_only = self.read_only_reason is not None

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> AnnotationStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ plumbing
    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One short write transaction, taken up front so a busy DB is waited for."""
        if self.read_only:
            raise AnnotationError(
                f"cannot save to the annotation database {self.db_path}: {self.read_only_reason}"
            )
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        """A read transaction: several queries see one consistent snapshot."""
        with self._lock:
            self._conn.execute("BEGIN")
            try:
                yield self._conn
            finally:
                self._conn.execute("COMMIT")

    def _now(self) -> str:
        return self._clock().isoformat()

    def _insert(self, conn: sqlite3.Connection, prefix: str, sql: str, values: tuple) -> str:
        """Insert with a fresh short id (retrying on the rare collision)."""
        for _ in range(20):
            ident = self._make_id(prefix)
            try:
                conn.execute(sql, (ident, *values))
            except sqlite3.IntegrityError as exc:
                if "UNIQUE" not in str(exc) and "PRIMARY" not in str(exc):
                    raise
                continue
            return ident
        raise AnnotationError("could not allocate a unique id")

    # ------------------------------------------------------------------ bookmarks
    def add_bookmark(
        self,
        article: Article,
        *,
        offset: int | None = None,
        note: str | None = None,
        tags: Sequence[str] = (),
    ) -> Bookmark:
        """Bookmark the whole article (`offset=None`) or a position in it (keeps a short quote
        of the text there, with context, so it can be re-anchored)."""
        anchor = bookmark_anchor(article.body, offset) if offset is not None else None
        now = self._now()
        with self._write() as conn:
            pk = sync.sync_article(conn, self.library, article)
            ident = self._insert(
                conn,
                "bm",
                "INSERT INTO bookmarks (id, article, offset, quote, prefix, suffix, note, tags, "
                "created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    pk,
                    anchor.start if anchor else None,
                    anchor.quote if anchor else None,
                    anchor.prefix if anchor else "",
                    anchor.suffix if anchor else "",
                    _note(note),
                    _tags(tags),
                    now,
                    now,
                ),
            )
        return self.bookmark(ident)

    def toggle_article_bookmark(self, article: Article, note: str | None = None) -> Bookmark | None:
        """Add the whole-article bookmark, or remove it if there is one (then returns None)."""
        with self._lock:
            existing = [b for b in self.bookmarks(article.id) if b.offset is None]
            if existing:
                for bookmark in existing:
                    self.remove_bookmark(bookmark.id)
                return None
            return self.add_bookmark(article, note=note)

    def bookmark(self, ident: str) -> Bookmark:
        with self._read() as conn:
            row = conn.execute(_BOOKMARK_SQL + " AND b.id = ?", (self.library, ident)).fetchone()
        if row is None:
            raise AnnotationNotFound(f"no bookmark {ident!r}")
        return _bookmark(row)

    def bookmarks(self, article_id: str | None = None) -> list[Bookmark]:
        """Bookmarks of one article (reading order) or of the library (by path, then order)."""
        sql, args = _BOOKMARK_SQL, [self.library]
        if article_id is not None:
            sql += " AND a.article_id = ?"
            args.append(article_id)
        sql += " ORDER BY a.path, a.article_id, coalesce(b.offset, -1), b.created, b.id"
        with self._read() as conn:
            return [_bookmark(row) for row in conn.execute(sql, args)]

    def update_bookmark(
        self, ident: str, *, note: str | None = _UNSET, tags: Sequence[str] = _UNSET
    ) -> Bookmark:
        """Change the note and/or tags (arguments left out stay as they are)."""
        self._update("bookmarks", ident, note=note, tags=tags)
        return self.bookmark(ident)

    def remove_bookmark(self, ident: str) -> bool:
        return self._remove("bookmarks", ident)

    # ------------------------------------------------------------------ highlights
    def add_highlight(
        self,
        article: Article,
        start: int,
        end: int,
        *,
        color: str = "yellow",
        note: str | None = None,
        tags: Sequence[str] = (),
    ) -> Highlight:
        """Highlight body[start:end]; stores the offsets and the quote with its context."""
        return self._add_highlight(
            article, anchor_span(article.body, start, end), color, note, tags
        )

    def add_highlight_by_quote(
        self,
        article: Article,
        quote: str,
        *,
        color: str = "yellow",
        note: str | None = None,
        tags: Sequence[str] = (),
    ) -> Highlight:
        """Highlight the one place `quote` occurs (QuoteNotFound / AmbiguousQuote otherwise)."""
        return self._add_highlight(article, find_quote(article.body, quote), color, note, tags)

    def _add_highlight(
        self, article: Article, anchor: Anchor, color: str, note: str | None, tags: Sequence[str]
    ) -> Highlight:
        _check_color(color)
        now = self._now()
        with self._write() as conn:
            pk = sync.sync_article(conn, self.library, article)
            ident = self._insert(
                conn,
                "hl",
                'INSERT INTO highlights (id, article, start, "end", quote, prefix, suffix, color, '
                "note, tags, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    pk,
                    anchor.start,
                    anchor.end,
                    anchor.quote,
                    anchor.prefix,
                    anchor.suffix,
                    color,
                    _note(note),
                    _tags(tags),
                    now,
                    now,
                ),
            )
        return self.highlight(ident)

    def highlight(self, ident: str) -> Highlight:
        with self._read() as conn:
            row = conn.execute(_HIGHLIGHT_SQL + " AND h.id = ?", (self.library, ident)).fetchone()
        if row is None:
            raise AnnotationNotFound(f"no highlight {ident!r}")
        return _highlight(row)

    def highlights(self, article_id: str | None = None) -> list[Highlight]:
        """Highlights in reading order (orphaned ones included, flagged `orphaned=True`)."""
        sql, args = _HIGHLIGHT_SQL, [self.library]
        if article_id is not None:
            sql += " AND a.article_id = ?"
            args.append(article_id)
        sql += ' ORDER BY a.path, a.article_id, h.start, h."end", h.created, h.id'
        with self._read() as conn:
            return [_highlight(row) for row in conn.execute(sql, args)]

    def update_highlight(
        self,
        ident: str,
        *,
        note: str | None = _UNSET,
        color: str = _UNSET,
        tags: Sequence[str] = _UNSET,
    ) -> Highlight:
        if color is not _UNSET:
            _check_color(color)
        self._update("highlights", ident, note=note, tags=tags, color=color)
        return self.highlight(ident)

    def remove_highlight(self, ident: str) -> bool:
        return self._remove("highlights", ident)

    # ------------------------------------------------------------------ shared edits
    def _update(self, table: str, ident: str, **changes: Any) -> None:
        values: dict[str, Any] = {k: v for k, v in changes.items() if v is not _UNSET}
        if "note" in values:
            values["note"] = _note(values["note"])
        if "tags" in values:
            values["tags"] = _tags(values["tags"])
        values["updated"] = self._now()
        sets = ", ".join(f"{k} = ?" for k in values)
        with self._write() as conn:
            cur = conn.execute(
                f"UPDATE {table} SET {sets} WHERE id = ? AND article IN "
                "(SELECT pk FROM articles WHERE library = ?)",
                (*values.values(), ident, self.library),
            )
            if cur.rowcount == 0:
                raise AnnotationNotFound(f"no {table[:-1]} {ident!r}")

    def _remove(self, table: str, ident: str) -> bool:
        with self._write() as conn:
            cur = conn.execute(
                f"DELETE FROM {table} WHERE id = ? AND article IN "
                "(SELECT pk FROM articles WHERE library = ?)",
                (ident, self.library),
            )
            return cur.rowcount > 0

    # ------------------------------------------------------------------ reading state
    def reading_state(self, article_id: str) -> ReadingState | None:
        with self._read() as conn:
            row = conn.execute(
                _STATE_SQL + " AND a.article_id = ?", (self.library, article_id)
            ).fetchone()
        return _state(row) if row else None

    def reading_states(self) -> list[ReadingState]:
        with self._read() as conn:
            return [
                _state(r) for r in conn.execute(_STATE_SQL + " ORDER BY a.path", (self.library,))
            ]

    def save_reading_state(self, article: Article, *, position: int, percent: float) -> None:
        """Remember where the reader is (also stamps `last_opened`); read/unread is kept."""
        position = max(0, min(int(position), len(article.body)))
        percent = max(0.0, min(float(percent), 100.0))
        now = self._now()
        with self._write() as conn:
            pk = sync.sync_article(conn, self.library, article)
            conn.execute(
                "INSERT INTO reading_state (article, position, percent, last_opened, updated) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (article) DO UPDATE SET "
                "position = excluded.position, percent = excluded.percent, "
                "last_opened = excluded.last_opened, updated = excluded.updated",
                (pk, position, percent, now, now),
            )

    def set_read(self, article_id: str, read: bool) -> None:
        """Mark read/unread by id (an article not seen before gets a bare snapshot row that
        the next `reconcile` fills in)."""
        now = self._now()
        with self._write() as conn:
            conn.execute(
                "INSERT INTO articles (library, article_id) VALUES (?, ?) "
                "ON CONFLICT (library, article_id) DO NOTHING",
                (self.library, article_id),
            )
            (pk,) = conn.execute(
                "SELECT pk FROM articles WHERE library = ? AND article_id = ?",
                (self.library, article_id),
            ).fetchone()
            conn.execute(
                "INSERT INTO reading_state (article, read, updated) VALUES (?, ?, ?) "
                "ON CONFLICT (article) DO UPDATE SET read = excluded.read, updated = excluded.updated",
                (pk, int(bool(read)), now),
            )

    def change_mark(self) -> tuple[int, int]:
        """Changes when any connection (this one or another process) has written: a cheap
        key for caches of what the store holds."""
        with self._lock:
            other = self._conn.execute("PRAGMA data_version").fetchone()[0]
            return int(other), self._conn.total_changes

    def marks(self) -> dict[str, ArticleMarks]:
        """article id -> marks for the list pane, in one query."""
        sql = (
            "SELECT a.article_id, "
            "EXISTS (SELECT 1 FROM bookmarks b WHERE b.article = a.pk), "
            "EXISTS (SELECT 1 FROM highlights h WHERE h.article = a.pk AND h.orphaned = 0), "
            "coalesce(r.read, 0), coalesce(r.percent, 0) "
            "FROM articles a LEFT JOIN reading_state r ON r.article = a.pk WHERE a.library = ?"
        )
        with self._read() as conn:
            return {
                row[0]: ArticleMarks(bool(row[1]), bool(row[2]), bool(row[3]), float(row[4]))
                for row in conn.execute(sql, (self.library,))
            }

    # ------------------------------------------------------------------ files moving and changing
    def reconcile(self, articles: Iterable[ArticleView]) -> ReconcileReport:
        """Follow moved files, re-anchor edited ones, flag what cannot be found (never
        deletes). Pass every article of the library: ids not among them count as gone."""
        articles = list(articles)
        with self._write() as conn:
            return sync.reconcile(conn, self.library, articles)

    def relink(self, old_id: str, new_id: str, article: ArticleView) -> ReconcileReport:
        """Attach the annotations of article `old_id` to `article` (whose id is `new_id`)."""
        if article.id != new_id:
            raise AnnotationError(f"article {article.id!r} is not {new_id!r}")
        report = ReconcileReport()
        with self._write() as conn:
            row = conn.execute(
                "SELECT pk FROM articles WHERE library = ? AND article_id = ?",
                (self.library, old_id),
            ).fetchone()
            if row is None:
                raise AnnotationNotFound(f"no annotations for article {old_id!r}")
            if old_id != new_id:
                sync.relink(conn, self.library, row[0], article, report)
                report.moved.append((old_id, new_id))
        return report

    # ------------------------------------------------------------------ export view
    def grouped(self, article_id: str | None = None) -> list[ArticleAnnotations]:
        """Each article with its bookmarks, highlights and reading state (by path)."""
        with self._lock:
            bookmarks = self.bookmarks(article_id)
            highlights = self.highlights(article_id)
            states = {s.article_id: s for s in self.reading_states()}
            with self._read() as conn:
                sql = f"SELECT {_ARTICLE_COLS} FROM articles a WHERE a.library = ?"
                args: list[Any] = [self.library]
                if article_id is not None:
                    sql += " AND a.article_id = ?"
                    args.append(article_id)
                refs = [
                    _ref(row) for row in conn.execute(sql + " ORDER BY a.path, a.article_id", args)
                ]
        result = []
        for ref in refs:
            marks_b = tuple(b for b in bookmarks if b.article_id == ref.article_id)
            marks_h = tuple(h for h in highlights if h.article_id == ref.article_id)
            state = states.get(ref.article_id)
            if marks_b or marks_h or state:
                result.append(ArticleAnnotations(ref, marks_b, marks_h, state))
        return result

    def connection(self) -> sqlite3.Connection:
        """The raw connection, for the importer (which runs its own transaction)."""
        return self._conn

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction for multi-row operations such as an import."""
        with self._write() as conn:
            yield conn


# ---------------------------------------------------------------------- row conversion
def _check_color(color: str) -> None:
    if color not in COLORS:
        raise AnnotationError(f"unknown colour {color!r}; choose one of {', '.join(COLORS)}")


def _note(note: str | None) -> str | None:
    return note if note and note.strip() else None


def _tags(tags: Sequence[str]) -> str:
    if isinstance(tags, str):
        tags = [tags]
    clean = [t.strip().lstrip("#") for t in tags]
    return json.dumps(list(dict.fromkeys(t for t in clean if t)), ensure_ascii=False)


def _time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _stamp(text: str) -> datetime:
    """A NOT NULL time column (created/updated)."""
    return datetime.fromisoformat(text)


def _ref(row: Sequence[Any]) -> ArticleRef:
    article_id, path, title, author, date, url, tags, fp, length, missing = row
    return ArticleRef(
        article_id,
        path,
        title,
        author,
        date,
        url,
        tuple(json.loads(tags)),
        fp,
        length,
        bool(missing),
    )


def _bookmark(row: Sequence[Any]) -> Bookmark:
    ident, offset, quote, prefix, suffix, note, tags, created, updated, orphaned = row[:10]
    ref = _ref(row[10:])
    return Bookmark(
        ident, ref.article_id, offset, quote, prefix, suffix, note, tuple(json.loads(tags)),
        _stamp(created), _stamp(updated), bool(orphaned), ref,
    )  # fmt: skip


def _highlight(row: Sequence[Any]) -> Highlight:
    ident, start, end, quote, prefix, suffix, color, note, tags, created, updated, orphaned = row[
        :12
    ]
    ref = _ref(row[12:])
    return Highlight(
        ident, ref.article_id, start, end, quote, prefix, suffix, color, note,
        tuple(json.loads(tags)), _stamp(created), _stamp(updated), bool(orphaned), ref,
    )  # fmt: skip


def _state(row: Sequence[Any]) -> ReadingState:
    article_id, position, percent, read, last_opened, updated = row
    return ReadingState(
        article_id, position, percent, bool(read), _time(last_opened), _stamp(updated)
    )
