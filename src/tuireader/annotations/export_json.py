"""JSON export: everything the store knows, lossless, and what `import_json` reads back."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from tuireader.annotations.models import ArticleAnnotations, Bookmark, Highlight, ReadingState
from tuireader.text.inert import inert_json

FORMAT = "tuireader-annotations"
VERSION = 1


def render_json(groups: Iterable[ArticleAnnotations], exported_at: datetime) -> str:
    document = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": exported_at.isoformat(),
        "articles": [_article(g) for g in groups],
    }
    return inert_json(json.dumps(document, ensure_ascii=False, indent=2)) + "\n"


def _article(group: ArticleAnnotations) -> dict[str, Any]:
    ref = group.article
    return {
        "id": ref.article_id,
        "path": ref.path,
        "title": ref.title,
        "author": ref.author,
        "date": ref.date,
        "url": ref.url,
        "tags": list(ref.tags),
        "fingerprint": ref.fingerprint,
        "length": ref.length,
        "missing": ref.missing,
        "reading_state": _state(group.reading_state) if group.reading_state else None,
        "bookmarks": [bookmark_dict(b) for b in group.bookmarks],
        "highlights": [highlight_dict(h) for h in group.highlights],
    }


def _common(item: Bookmark | Highlight) -> dict[str, Any]:
    return {
        "quote": item.quote,
        "prefix": item.prefix,
        "suffix": item.suffix,
        "note": item.note,
        "tags": list(item.tags),
        "created": item.created.isoformat(),
        "updated": item.updated.isoformat(),
        "orphaned": item.orphaned,
    }


def bookmark_dict(b: Bookmark) -> dict[str, Any]:
    """A bookmark as in the export (without its article)."""
    return {"id": b.id, "offset": b.offset, **_common(b)}


def highlight_dict(h: Highlight) -> dict[str, Any]:
    """A highlight as in the export (without its article)."""
    return {"id": h.id, "start": h.start, "end": h.end, "color": h.color, **_common(h)}


def _state(s: ReadingState) -> dict[str, Any]:
    return {
        "position": s.position,
        "percent": s.percent,
        "read": s.read,
        "last_opened": s.last_opened.isoformat() if s.last_opened else None,
        "updated": s.updated.isoformat(),
    }
