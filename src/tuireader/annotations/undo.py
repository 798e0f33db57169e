"""Putting a deleted bookmark or highlight back, as it was: same id, note, tags and times.

The reader's annotations browser deletes at once (so a crash never resurrects what was
deleted) and offers undo; undo re-inserts the record it was handed. The article row stays
in the store when its last annotation goes (ON DELETE RESTRICT), so the record's article
is found by its id.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from tuireader.annotations.models import AnnotationError, Bookmark, Highlight

if TYPE_CHECKING:
    from tuireader.annotations.store import AnnotationStore


def restore(store: AnnotationStore, record: Bookmark | Highlight) -> None:
    """Insert `record` again (a no-op if a record with its id is there)."""
    tags = json.dumps(list(record.tags), ensure_ascii=False)
    with store.transaction() as conn:
        row = conn.execute(
            "SELECT pk FROM articles WHERE library = ? AND article_id = ?",
            (store.library, record.article_id),
        ).fetchone()
        if row is None:
            raise AnnotationError(f"the article of {record.id} is no longer in the store")
        times = (record.created.isoformat(), record.updated.isoformat(), int(record.orphaned))
        if isinstance(record, Bookmark):
            conn.execute(
                "INSERT OR IGNORE INTO bookmarks (id, article, offset, quote, prefix, suffix, "
                "note, tags, created, updated, orphaned) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (record.id, row[0], record.offset, record.quote, record.prefix, record.suffix,
                 record.note, tags, *times),
            )  # fmt: skip
        else:
            conn.execute(
                'INSERT OR IGNORE INTO highlights (id, article, start, "end", quote, prefix, '
                "suffix, color, note, tags, created, updated, orphaned) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (record.id, row[0], record.start, record.end, record.quote, record.prefix,
                 record.suffix, record.color, record.note, tags, *times),
            )  # fmt: skip
