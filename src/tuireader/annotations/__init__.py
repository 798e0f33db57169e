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

import importlib
from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
    from tuireader.annotations.atomic import write_atomically
    from tuireader.annotations.exporting import FORMATS, export_annotations
    from tuireader.annotations.importer import import_json
    from tuireader.annotations.store import AnnotationStore

# The store (sqlite3), the exporters and the importer load on first use: the reader needs
# the records' classes before its first frame, the rest only when it touches the store.
_LAZY = {
    "write_atomically": "atomic",
    "FORMATS": "exporting",
    "export_annotations": "exporting",
    "import_json": "importer",
    "AnnotationStore": "store",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


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
