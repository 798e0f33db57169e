"""Keep annotations attached to their articles using the search catalog.

`AnnotationStore.reconcile` wants every article of the library. Parsing 100,000 files for it
would take minutes, and the catalog already holds each article's metadata, fingerprint and
body. `CatalogArticle` serves those lazily: the store reads the body only of the few
articles whose snapshot changed or that a moved file's annotations must re-anchor in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tuireader.annotations import AnnotationStore, ReconcileReport
    from tuireader.search import SearchService
    from tuireader.search.catalog import Catalog
    from tuireader.search.models import CatalogEntry


@dataclass(eq=False)
class CatalogArticle:
    """The `Article` fields reconciliation reads, with the body fetched on first use."""

    entry: CatalogEntry
    catalog: Catalog
    _body: str | None = field(default=None, repr=False)

    @property
    def id(self) -> str:
        return self.entry.id

    @property
    def path(self) -> str:
        return self.entry.path

    @property
    def title(self) -> str:
        return self.entry.title

    @property
    def author(self) -> str | None:
        return self.entry.author

    @property
    def date(self) -> datetime | None:
        return self.entry.date

    @property
    def url(self) -> str | None:
        return self.entry.url

    @property
    def tags(self) -> tuple[str, ...]:
        return self.entry.tags

    @property
    def fingerprint(self) -> str:
        return self.entry.fingerprint

    @property
    def body(self) -> str:
        if self._body is None:
            self._body = self.catalog.bodies([self.entry.id]).get(self.entry.id, "")
        return self._body


def reconcile_with_catalog(
    store: AnnotationStore,
    search: SearchService,
    entries: Sequence[CatalogEntry] | None = None,
) -> ReconcileReport:
    """Follow moves, re-anchor edits, flag orphans: `store.reconcile` over the catalog.

    The bodies of annotated articles are fetched in one batch (they are compared by length);
    any other body is read only if a vanished article's annotations move to it. A read-only
    store is left as it was last saved.
    """
    return _reconcile(store, search, entries)[0]


def reconciled_articles(
    store: AnnotationStore,
    search: SearchService,
    entries: Sequence[CatalogEntry] | None = None,
) -> dict[str, CatalogArticle]:
    """Reconcile as above, then the library's articles by id for exporting and listing (the
    bodies of annotated articles already fetched, every other body only on use)."""
    return _reconcile(store, search, entries)[1]


def _reconcile(
    store: AnnotationStore, search: SearchService, entries: Sequence[CatalogEntry] | None
) -> tuple[ReconcileReport, dict[str, CatalogArticle]]:
    from tuireader.annotations import ReconcileReport

    catalog = search.catalog
    if entries is None:  # (the reader passes the ones it has already loaded)
        entries = search.entries()
    articles = [CatalogArticle(entry, catalog) for entry in entries]
    by_id = {article.id: article for article in articles}
    known = store.marks()
    annotated = [a.id for a in articles if a.id in known]
    bodies = catalog.bodies(annotated) if annotated else {}
    for article_id, body in bodies.items():
        by_id[article_id]._body = body
    if store.read_only:  # a read-only store is listed as it was last saved
        return ReconcileReport(), by_id
    return store.reconcile(articles), by_id
