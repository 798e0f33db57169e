"""annotations.undo.restore: a deleted record comes back as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from tuireader.annotations import AnnotationError, AnnotationStore
from tuireader.annotations.undo import restore
from tuireader.articles.model import ParsedFields, build_article


def _article():
    body = "The harbour wall was rebuilt in spring. Boats came back in May."
    return build_article("news/harbour.txt", "text", ParsedFields(title="Harbour", body=body))


def test_a_deleted_highlight_and_bookmark_come_back_with_their_ids(tmp_path: Path) -> None:
    store = AnnotationStore(tmp_path / "a.db", tmp_path / "lib")
    article = _article()
    h = store.add_highlight(article, 4, 16, color="blue", note="wall", tags=["stone"])
    b = store.add_bookmark(article, offset=40, note="later")
    assert store.remove_highlight(h.id) and store.remove_bookmark(b.id)
    assert not store.highlights() and not store.bookmarks()
    restore(store, h)
    restore(store, b)
    assert store.highlights() == [h]
    assert store.bookmarks() == [b]
    restore(store, h)  # twice is harmless
    assert len(store.highlights()) == 1


def test_restoring_into_another_library_is_refused(tmp_path: Path) -> None:
    store = AnnotationStore(tmp_path / "a.db", tmp_path / "lib")
    h = store.add_highlight(_article(), 4, 16)
    other = AnnotationStore(tmp_path / "a.db", tmp_path / "other")
    with pytest.raises(AnnotationError, match="no longer in the store"):
        restore(other, h)
