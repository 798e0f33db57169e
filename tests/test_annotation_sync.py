"""Reconciling annotations against the search catalog (what the TUI does after indexing)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tuireader.annotations import AnnotationStore
from tuireader.library.annotation_sync import reconcile_with_catalog
from tuireader.search import SearchService

BODY = (
    "Harbour notes\n\nThe first ferry leaves at six and smells of diesel and coffee.\n\n"
    "By seven the gulls are awake and the market opens its shutters."
)


@pytest.fixture
def setup(tmp_path: Path):
    root = tmp_path / "lib"
    (root / "notes").mkdir(parents=True)
    (root / "notes" / "ferry.txt").write_text(BODY, encoding="utf-8")
    (root / "other.txt").write_text("Other\n\nNothing to see here at all.", encoding="utf-8")
    search = SearchService(root, tmp_path / "cache")
    search.refresh(index=False, processes=1)
    store = AnnotationStore(tmp_path / "annotations.sqlite3", root)
    yield root, search, store
    store.close()
    search.close()


def test_moved_and_edited_files_keep_their_highlights(setup) -> None:
    root, search, store = setup
    article = search.article("notes/ferry.txt")
    highlight = store.add_highlight_by_quote(article, "the gulls are awake")
    assert not reconcile_with_catalog(store, search).changed

    edited = BODY.replace("Harbour notes\n\n", "Harbour notes\n\nA new first paragraph.\n\n")
    (root / "archive").mkdir()
    (root / "archive" / "ferry.txt").write_text(edited, encoding="utf-8")
    (root / "notes" / "ferry.txt").unlink()
    search.refresh(index=False, processes=1)

    report = reconcile_with_catalog(store, search)
    moved = store.highlight(highlight.id)
    new = search.article("archive/ferry.txt")
    assert report.moved == [(article.id, new.id)]
    assert new.body[moved.start : moved.end] == "the gulls are awake"
    assert not moved.orphaned


def test_unchanged_library_reads_only_annotated_bodies(setup, monkeypatch) -> None:
    _root, search, store = setup
    article = search.article("other.txt")
    store.add_bookmark(article)
    asked: list[list[str]] = []
    real = search.catalog.bodies
    monkeypatch.setattr(search.catalog, "bodies", lambda ids: asked.append(list(ids)) or real(ids))
    assert not reconcile_with_catalog(store, search).changed
    assert asked == [[article.id]]


def test_vanished_article_is_flagged_missing_not_deleted(setup) -> None:
    root, search, store = setup
    article = search.article("other.txt")
    bookmark = store.add_bookmark(article, note="keep me")
    (root / "other.txt").unlink()
    search.refresh(index=False, processes=1)
    report = reconcile_with_catalog(store, search)
    assert report.missing == [article.id]
    assert store.bookmark(bookmark.id).note == "keep me"
