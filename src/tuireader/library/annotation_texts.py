"""The annotation store as a source of searchable text (`search.AnnotationSource`).

The search layer knows no annotation code; this adapter hands it each bookmark's and
highlight's note, tags and passage, read once per change of the store (a search as you type
asks on every key).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from tuireader.search.annotation_terms import AnnotationText

if TYPE_CHECKING:
    from tuireader.annotations import AnnotationStore


class StoreAnnotations:
    """`annotation_texts()` of one store, cached until the store changes (any process).
    `open_store` is called on first use, so a search that needs no annotations never opens
    (or creates) the database; it may return None when there is no store to read."""

    def __init__(self, open_store: Callable[[], AnnotationStore | None]) -> None:
        self._open = open_store
        self._store: AnnotationStore | None = None
        self._opened = False
        self._cached: tuple[tuple[int, int], list[AnnotationText]] | None = None

    def store(self) -> AnnotationStore | None:
        """The store (opened now if it was not yet), None when there is none."""
        if not self._opened:
            self._store, self._opened = self._open(), True
        return self._store

    def annotation_texts(self) -> Sequence[AnnotationText]:
        store = self.store()
        if store is None:
            return ()
        mark = store.change_mark()
        if self._cached is None or self._cached[0] != mark:
            self._cached = (mark, _read(store))
        return self._cached[1]


def _read(store: AnnotationStore) -> list[AnnotationText]:
    texts = [
        AnnotationText(b.article_id, "bookmark", b.note or "", "", b.tags)
        for b in store.bookmarks()
    ]
    texts += [
        AnnotationText(h.article_id, "highlight", h.note or "", h.quote, h.tags)
        for h in store.highlights()
        if not h.orphaned
    ]
    return texts
