"""Keep annotations attached to their articles as files move and change.

An article's id is derived from its path, so a moved file has a new id: its annotations are
found again by the body fingerprint (or, for a file both moved and edited, by file name and
title). A changed body re-anchors each passage by quote and context; a passage that is gone
is flagged orphaned and kept. Nothing here deletes an annotation.
"""

from __future__ import annotations

import json
import posixpath
import sqlite3
from collections.abc import Iterable

from tuireader.annotations.anchoring import CONTEXT, relocate
from tuireader.annotations.models import ReconcileReport
from tuireader.articles.model import ArticleView

_SNAPSHOT_COLUMNS = ("path", "title", "author", "date", "url", "tags", "fingerprint", "length")


def snapshot_values(article: ArticleView) -> tuple[object, ...]:
    """An article's row values in `_SNAPSHOT_COLUMNS` order."""
    return (
        article.path,
        article.title,
        article.author,
        article.date.isoformat() if article.date else None,
        article.url,
        json.dumps(list(article.tags), ensure_ascii=False),
        article.fingerprint,
        len(article.body),
    )


def sync_article(
    conn: sqlite3.Connection,
    library: str,
    article: ArticleView,
    report: ReconcileReport | None = None,
) -> int:
    """The snapshot row of `article` (created or refreshed); re-anchors if the text changed."""
    report = report if report is not None else ReconcileReport()
    row = conn.execute(
        "SELECT pk, fingerprint FROM articles WHERE library = ? AND article_id = ?",
        (library, article.id),
    ).fetchone()
    if row is not None and row[1] is not None and row[1] != article.fingerprint:
        reanchor(conn, row[0], article.body, report)
    sets = ", ".join(f"{c} = excluded.{c}" for c in _SNAPSHOT_COLUMNS)
    pk = conn.execute(
        f"INSERT INTO articles (library, article_id, {', '.join(_SNAPSHOT_COLUMNS)}, missing) "
        f"VALUES (?, ?, {', '.join('?' * len(_SNAPSHOT_COLUMNS))}, 0) "
        f"ON CONFLICT (library, article_id) DO UPDATE SET {sets}, missing = 0 RETURNING pk",
        (library, article.id, *snapshot_values(article)),
    ).fetchone()[0]
    return int(pk)


def reanchor(conn: sqlite3.Connection, pk: int, body: str, report: ReconcileReport) -> None:
    """Move every passage of article `pk` to where its quote is in `body` now."""
    for table, start_col, end_col in (
        ("highlights", "start", '"end"'),
        ("bookmarks", "offset", None),
    ):
        end_expr = end_col or "NULL"
        rows = conn.execute(
            f"SELECT id, {start_col}, {end_expr}, quote, prefix, suffix, orphaned FROM {table} "
            f"WHERE article = ? AND {start_col} IS NOT NULL",
            (pk,),
        ).fetchall()
        for ident, start, _end, quote, prefix, suffix, orphaned in rows:
            if not quote:  # a bookmark at the very end of the text: keep it inside the text
                conn.execute(
                    f"UPDATE {table} SET {start_col} = ?, orphaned = 0 WHERE id = ?",
                    (min(start, len(body)), ident),
                )
                continue
            found = relocate(body, quote, prefix, suffix, start)
            if found is None:
                if not orphaned:
                    conn.execute(f"UPDATE {table} SET orphaned = 1 WHERE id = ?", (ident,))
                    report.orphaned += 1
                continue
            new_start, new_end = found
            report.restored += bool(orphaned)
            report.reanchored += new_start != start
            values = [
                new_start,
                body[new_start:new_end],
                body[max(0, new_start - CONTEXT) : new_start],
            ]
            values.append(body[new_end : new_end + CONTEXT])
            end_set = f", {end_col} = {new_end}" if end_col else ""
            conn.execute(
                f"UPDATE {table} SET {start_col} = ?{end_set}, quote = ?, prefix = ?, suffix = ?, "
                f"orphaned = 0 WHERE id = ?",
                (*values, ident),
            )
    conn.execute(
        "UPDATE reading_state SET position = min(position, ?) WHERE article = ?", (len(body), pk)
    )


def relink(
    conn: sqlite3.Connection,
    library: str,
    old_pk: int,
    article: ArticleView,
    report: ReconcileReport,
) -> None:
    """Attach everything of snapshot `old_pk` to `article` (a new id), merging any row it has."""
    target = conn.execute(
        "SELECT pk FROM articles WHERE library = ? AND article_id = ?", (library, article.id)
    ).fetchone()
    if target is not None and target[0] != old_pk:
        new_pk = target[0]
        for table in ("bookmarks", "highlights"):
            conn.execute(f"UPDATE {table} SET article = ? WHERE article = ?", (old_pk, new_pk))
        conn.execute(
            "DELETE FROM reading_state WHERE article = ? AND EXISTS (SELECT 1 FROM reading_state "
            "r WHERE r.article = ? AND r.updated >= reading_state.updated)",
            (old_pk, new_pk),
        )
        conn.execute(
            "UPDATE OR IGNORE reading_state SET article = ? WHERE article = ?", (old_pk, new_pk)
        )
        conn.execute("DELETE FROM articles WHERE pk = ?", (new_pk,))
    conn.execute("UPDATE articles SET article_id = ? WHERE pk = ?", (article.id, old_pk))
    sync_article(conn, library, article, report)


def reconcile(
    conn: sqlite3.Connection, library: str, articles: Iterable[ArticleView]
) -> ReconcileReport:
    """Bring every snapshot of `library` in line with the articles as they are now."""
    report = ReconcileReport()
    current = {a.id: a for a in articles}
    rows = conn.execute(
        "SELECT pk, article_id, path, title, author, date, url, tags, fingerprint, length, missing, "
        "EXISTS (SELECT 1 FROM bookmarks b WHERE b.article = a.pk) "
        "OR EXISTS (SELECT 1 FROM highlights h WHERE h.article = a.pk), "
        "EXISTS (SELECT 1 FROM reading_state r WHERE r.article = a.pk) "
        "FROM articles a WHERE library = ? ORDER BY path, article_id",
        (library,),
    ).fetchall()
    annotated = {row[1] for row in rows if row[11]}
    for row in rows:
        article = current.get(row[1])
        if article is not None and (tuple(row[2:10]) != snapshot_values(article) or row[10]):
            sync_article(conn, library, article, report)
    gone = [row for row in rows if row[1] not in current and (row[11] or row[12])]
    if not gone:
        return report
    pool = [a for a in current.values() if a.id not in annotated]
    by_fp: dict[str, list[ArticleView]] = {}
    for article in sorted(pool, key=lambda a: a.path):
        by_fp.setdefault(article.fingerprint, []).append(article)
    claimed: set[str] = set()
    for row in gone:
        pk, old_id, old_path, old_title, fp = row[0], row[1], row[2], row[3], row[8]
        name = posixpath.basename(old_path)
        candidates = [a for a in by_fp.get(fp or "", []) if a.id not in claimed]
        if not candidates:  # moved and edited: same file name and title
            candidates = [
                a
                for a in pool
                if a.id not in claimed
                and old_title
                and a.title == old_title
                and posixpath.basename(a.path) == name
            ]
        if candidates:
            candidates.sort(key=lambda a: (posixpath.basename(a.path) != name, a.path))
            article = candidates[0]
            claimed.add(article.id)
            relink(conn, library, pk, article, report)
            report.moved.append((old_id, article.id))
        else:
            if not row[10]:
                conn.execute("UPDATE articles SET missing = 1 WHERE pk = ?", (pk,))
            report.missing.append(old_id)
    return report
