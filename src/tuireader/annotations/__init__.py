"""Annotations: bookmarks, highlights and reading state, kept in SQLite, exported and imported.

The public API (what the TUI and the CLI use):

- `AnnotationStore(db_path, library_root)`: add/update/remove bookmarks and highlights,
  reading state, `marks()` for the list pane, `reconcile(articles)` to follow moved and
  edited files.
- `export_annotations(store, articles, fmt)` for markdown | json | csv | html (Netscape).
- `import_json(store, text)` restores a JSON export (idempotent, all or nothing).
- `write_atomically(path, text)` writes an export file safely.
"""

from __future__ import annotations

from tuireader.annotations.atomic import write_atomically
from tuireader.annotations.exporting import FORMATS, export_annotations
from tuireader.annotations.importer import import_json
from tuireader.annotations.models import (
    COLORS,
    AmbiguousQuote,
    AnnotationError,
    AnnotationNotFound,
    ArticleAnnotations,
    ArticleMarks,
    ArticleRef,
    BadImport,
    Bookmark,
    Highlight,
    ImportReport,
    QuoteNotFound,
    ReadingState,
    ReconcileReport,
)
from tuireader.annotations.store import AnnotationStore

__all__ = [
    "COLORS",
    "FORMATS",
    "AmbiguousQuote",
    "AnnotationError",
    "AnnotationNotFound",
    "AnnotationStore",
    "ArticleAnnotations",
    "ArticleMarks",
    "ArticleRef",
    "BadImport",
    "Bookmark",
    "Highlight",
    "ImportReport",
    "QuoteNotFound",
    "ReadingState",
    "ReconcileReport",
    "export_annotations",
    "import_json",
    "write_atomically",
]
