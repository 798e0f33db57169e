"""Annotations follow their articles: edits re-anchor, moves relink, lost text is orphaned."""

from __future__ import annotations

from pathlib import Path

import pytest

from test_annotations_support import FERRY_BODY, frozen_store, make_article
from tuireader.annotations import AnnotationNotFound, AnnotationStore, export_annotations
from tuireader.annotations.anchoring import relocate
from tuireader.library import Library


@pytest.fixture
def store(tmp_path: Path) -> AnnotationStore:
    s = frozen_store(tmp_path / "a.sqlite3", tmp_path / "lib")
    yield s
    s.close()


def test_relocate_prefers_matching_context_then_nearest() -> None:
    body = "alpha beta gamma. alpha beta delta. alpha beta gamma."
    # context says "... gamma" after the quote: the first or last occurrence
    assert relocate(body, "alpha beta", "", " gamma", 40) == (36, 46)
    assert relocate(body, "alpha beta", "", " gamma", 0) == (0, 10)
    assert relocate(body, "alpha beta", "", " delta", 0) == (18, 28)
    assert relocate(body, "omega", "", "", 0) is None


def test_edit_before_a_highlight_shifts_it(store: AnnotationStore) -> None:
    old = make_article("ferry.txt", FERRY_BODY, "Ferries")
    highlight = store.add_highlight_by_quote(old, "smells of diesel")
    bookmark = store.add_bookmark(old, offset=FERRY_BODY.index("By seven"))
    whole = store.add_bookmark(old)
    new_body = "A new opening paragraph was added.\n\n" + FERRY_BODY
    new = make_article("ferry.txt", new_body, "Ferries")
    report = store.reconcile([new])
    assert report.reanchored == 2 and report.orphaned == 0 and not report.moved
    moved = store.highlight(highlight.id)
    assert new_body[moved.start : moved.end] == "smells of diesel"
    assert moved.prefix == new_body[moved.start - 32 : moved.start]
    assert new_body[store.bookmark(bookmark.id).offset :].startswith("By seven")
    assert store.bookmark(whole.id).offset is None
    assert store.reconcile([new]).changed is False  # nothing more to do


def test_repeated_quote_reanchors_to_the_right_occurrence(store: AnnotationStore) -> None:
    body = "The tide is high. Boats wait.\n\nThe tide is high. Nobody swims."
    article = make_article("tide.txt", body)
    second = store.add_highlight(article, body.rindex("The tide"), body.rindex("The tide") + 17)
    edited = "Preface.\n\nThe tide is high. Boats wait.\n\nLater that day:\n\nThe tide is high. Nobody swims."
    store.reconcile([make_article("tide.txt", edited)])
    found = store.highlight(second.id)
    assert found.start == edited.rindex("The tide") and edited[found.end :].startswith(" Nobody")


def test_deleted_passage_is_orphaned_kept_and_exported(store: AnnotationStore) -> None:
    old = make_article("ferry.txt", FERRY_BODY, "Ferries")
    keep = store.add_highlight_by_quote(old, "first ferry leaves")
    lose = store.add_highlight_by_quote(old, "smells of diesel", note="gone soon")
    lost_mark = store.add_bookmark(old, offset=FERRY_BODY.index("The harbour"))
    edited_body = FERRY_BODY.replace("The harbour smells of diesel and rain.", "It is cold.")
    edited = make_article("ferry.txt", edited_body, "Ferries")
    report = store.reconcile([edited])
    assert report.orphaned == 2
    highlights = {h.id: h for h in store.highlights(old.id)}
    assert set(highlights) == {keep.id, lose.id}
    assert highlights[lose.id].orphaned and highlights[lose.id].quote == "smells of diesel"
    assert not highlights[keep.id].orphaned
    assert store.bookmark(lost_mark.id).orphaned
    assert store.marks()[old.id].highlighted  # the kept highlight still counts
    markdown = export_annotations(store, {edited.id: edited}, "markdown")
    assert "smells of diesel" in markdown and "Orphaned" in markdown and "gone soon" in markdown
    # the text coming back restores the highlight
    report = store.reconcile([make_article("ferry.txt", FERRY_BODY, "Ferries")])
    assert report.restored == 2 and not store.highlight(lose.id).orphaned


def test_moved_file_is_followed_by_fingerprint(store: AnnotationStore) -> None:
    old = make_article("inbox/ferry.txt", FERRY_BODY, "Ferries")
    highlight = store.add_highlight_by_quote(old, "gulls are awake", note="n")
    bookmark = store.add_bookmark(old, note="b")
    store.save_reading_state(old, position=50, percent=20)
    store.set_read(old.id, True)
    new = make_article("archive/2024/ferry.txt", FERRY_BODY, "Ferries")
    assert new.id != old.id
    report = store.reconcile([new])
    assert report.moved == [(old.id, new.id)]
    assert store.highlights(old.id) == [] and store.bookmarks(old.id) == []
    moved = store.highlight(highlight.id)
    assert moved.article_id == new.id and moved.article.path == "archive/2024/ferry.txt"
    assert (moved.start, moved.end) == (highlight.start, highlight.end)
    assert store.bookmark(bookmark.id).article_id == new.id
    state = store.reading_state(new.id)
    assert state is not None and state.position == 50 and state.read
    assert store.marks()[new.id].bookmarked and old.id not in store.marks()


def test_move_merges_with_state_already_recorded_at_the_new_path(store: AnnotationStore) -> None:
    old = make_article("a/ferry.txt", FERRY_BODY, "Ferries")
    store.add_highlight_by_quote(old, "gulls are awake")
    new = make_article("b/ferry.txt", FERRY_BODY, "Ferries")
    store.set_read(new.id, True)  # the TUI opened the moved file before any reconcile
    store.reconcile([new])
    marks = store.marks()
    assert set(marks) == {new.id} and marks[new.id].highlighted and marks[new.id].read


def test_moved_and_edited_file_is_followed_by_name_and_title(store: AnnotationStore) -> None:
    old = make_article("inbox/ferry.txt", FERRY_BODY, "Ferries")
    highlight = store.add_highlight_by_quote(old, "gulls are awake")
    edited_body = "Update: timetable changed.\n\n" + FERRY_BODY
    new = make_article("done/ferry.txt", edited_body, "Ferries")
    report = store.reconcile([new, make_article("x.txt", "Unrelated.", "Other")])
    assert report.moved == [(old.id, new.id)]
    found = store.highlight(highlight.id)
    assert edited_body[found.start : found.end] == "gulls are awake" and not found.orphaned


def test_deleted_file_keeps_annotations_and_exports_from_snapshot(store: AnnotationStore) -> None:
    old = make_article("gone.txt", FERRY_BODY, "Lost Ferries", url="https://example.com/f")
    store.add_highlight_by_quote(old, "gulls are awake", note="remember")
    store.add_bookmark(old)
    report = store.reconcile([])
    assert report.missing == [old.id]
    assert len(store.highlights()) == 1 and len(store.bookmarks()) == 1
    markdown = export_annotations(store, lambda _id: None, "markdown")
    assert "## Lost Ferries" in markdown and "gulls are awake" in markdown
    assert "file missing" in markdown and "<https://example.com/f>" in markdown
    assert "Lost Ferries" in export_annotations(store, {}, "html")
    # and it comes back when the file does
    store.reconcile([old])
    assert store.grouped()[0].article.missing is False


def test_relink_by_hand(store: AnnotationStore) -> None:
    old = make_article("one.txt", FERRY_BODY, "Ferries")
    highlight = store.add_highlight_by_quote(old, "gulls are awake")
    new = make_article("two.txt", "Intro.\n\n" + FERRY_BODY, "Ferries 2")
    store.relink(old.id, new.id, new)
    found = store.highlight(highlight.id)
    assert found.article_id == new.id and found.title == "Ferries 2"
    assert new.body[found.start : found.end] == "gulls are awake"
    with pytest.raises(AnnotationNotFound):
        store.relink("nope", new.id, new)


def test_reconcile_with_a_real_library_after_mv(tmp_path: Path) -> None:
    root = tmp_path / "lib"
    (root / "in").mkdir(parents=True)
    (root / "in" / "tide.txt").write_text("Tide Tables\n\n" + FERRY_BODY + "\n", encoding="utf-8")
    library = Library(root, cache_dir=tmp_path / "cache")
    (article,) = library.articles()
    with frozen_store(tmp_path / "a.sqlite3", root) as store:
        highlight = store.add_highlight_by_quote(article, "gulls are awake")
        (root / "out").mkdir()
        (root / "in" / "tide.txt").rename(root / "out" / "tide.txt")
        (moved,) = Library(root, cache_dir=tmp_path / "cache").articles()
        assert moved.id != article.id
        store.reconcile([moved])
        assert store.highlight(highlight.id).article.path == "out/tide.txt"
