"""Search: a SQLite catalog plus a Whoosh full-text index that stay fresh with the folder.

Public API (everything a caller needs; no Whoosh or SQLite types leak out):

- `SearchService(library_root, cache_dir)`: cheap to build, opens lazily.
  - `refresh(*, rebuild=False, progress=None, processes=None, index=True) -> RefreshSummary`:
    catalog then index, under a cross-process writer lock (`busy=True` if held elsewhere).
    `index=False` updates only the catalog (fast: the list is complete, search catches up).
  - `stale() -> bool`, `indexing_elsewhere() -> bool`, `optimize() -> bool` (merge segments)
  - `entries() -> list[CatalogEntry]` (no bodies; cached until the catalog changes),
    `entry(ref) -> CatalogEntry | None`
  - `article(ref) -> Article` parsed from disk (raises `tuireader.library.ArticleNotFound`)
  - `cached_article(entry) -> Article` from the catalog's copy of the body
  - `search(query, *, limit=50, sort="relevance", filters=None, annotations=None)
    -> SearchResults` (sort: relevance | date | title | author; an empty query lists the
    filtered catalog; `annotations`, an `AnnotationSource`, enables has:, note: and plain
    words found in notes: `annotation_terms`)
  - `matches_in(article, query) -> list[(start, end)]` offsets into `article.body`
- Records: `CatalogEntry`, `Filters`, `Hit`, `SearchResults` (+ `partial`: the index still
  lags the catalog; + `total_is_estimate`: `total` was scaled from part of a big index, show
  it as "about N"; in `to_dict()` only when true), `RefreshSummary` (+ `indexed`, `rebuilt`, `seconds`, `line()`),
  `IndexProgress` (phase "scan" | "parse" | "index" [| "optimize" from the CLI]).
- `QUERY_HELP`: the query language in one paragraph.

Modules: models (records), catalog (SQLite), refresh (freshness, batching), lock (flock),
highlight (offsets, snippets), spelling (vocabulary, did-you-mean), service; Whoosh only in
whoosh_schema, whoosh_store, whoosh_query, whoosh_count (exact or estimated totals).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tuireader.search import whoosh_light
from tuireader.search.models import (
    CatalogEntry,
    Filters,
    Hit,
    IndexProgress,
    RefreshSummary,
    SearchResults,
)

if TYPE_CHECKING:
    from tuireader.search.service import SORTS, SearchService

whoosh_light.install()  # before any Whoosh import: two of its imports are left out


def __getattr__(name: str) -> Any:
    """`SearchService` loads Whoosh (~0.3 s of imports): only when it is asked for, so the
    catalog alone (the reader's first screen) does not wait for it."""
    if name in {"SORTS", "SearchService"}:
        from tuireader.search import service

        return getattr(service, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


QUERY_HELP = (
    'words (all preferred) · "exact phrase" · AND OR NOT -word · title: author: tag: format: · '
    "date:2023 date:>2024-01 date:7d · wild* · fuzzy~ · has:highlight has:bookmark has:note "
    "note:word"
)

__all__ = [
    "QUERY_HELP",
    "SORTS",
    "CatalogEntry",
    "Filters",
    "Hit",
    "IndexProgress",
    "RefreshSummary",
    "SearchResults",
    "SearchService",
]
