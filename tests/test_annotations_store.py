"""The store's operations: bookmarks, highlights, reading state, marks, scoping, schema."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from test_annotations_support import FERRY_BODY, frozen_store, make_article
from tuireader.annotations import (
    COLORS,
    AmbiguousQuote,
    AnnotationError,
    AnnotationNotFound,
    AnnotationStore,
    ArticleMarks,
    QuoteNotFound,
)
from tuireader.annotations.schema import SCHEMA_VERSION


@pytest.fixture
def store(tmp_path: Path) -> AnnotationStore:
    s = frozen_store(tmp_path / "a.sqlite3", tmp_path / "lib")
    yield s
    s.close()


@pytest.fixture
def ferry():
    return make_article("news/ferry.txt", FERRY_BODY, "Ferries")


def test_whole_article_bookmark_and_toggle(store: AnnotationStore, ferry) -> None:
    bookmark = store.toggle_article_bookmark(ferry, note="later")
    assert bookmark is not None and bookmark.offset is None and bookmark.quote is None
    assert bookmark.note == "later" and bookmark.title == "Ferries"
    assert [b.id for b in store.bookmarks(ferry.id)] == [bookmark.id]
    assert store.toggle_article_bookmark(ferry) is None
    assert store.bookmarks(ferry.id) == []


def test_bookmark_at_offset_keeps_a_short_quote(store: AnnotationStore, ferry) -> None:
    offset = FERRY_BODY.index("Commuters")
    bookmark = store.add_bookmark(ferry, offset=offset, tags=["#morning", "morning", " "])
    assert bookmark.offset == offset
    assert FERRY_BODY[offset:].startswith(bookmark.quote)
    assert bookmark.quote.startswith("Commuters") and "\n" not in bookmark.quote
    assert len(bookmark.quote) <= 60
    assert bookmark.prefix == FERRY_BODY[offset - 32 : offset]
    assert bookmark.tags == ("morning",)


def test_bookmark_position_snaps_to_the_start_of_a_word(store: AnnotationStore, ferry) -> None:
    word = FERRY_BODY.index("Commuters")
    inside = store.add_bookmark(ferry, offset=word + 4)  # in the middle of "Commuters"
    assert inside.offset == word and inside.quote.startswith("Commuters")
    before = store.add_bookmark(ferry, offset=word - 1)  # on the space before it
    assert before.offset == word and before.quote.startswith("Commuters")


def test_bookmark_offset_outside_text_is_refused(store: AnnotationStore, ferry) -> None:
    with pytest.raises(AnnotationError):
        store.add_bookmark(ferry, offset=len(FERRY_BODY) + 1)
    assert store.bookmarks() == []


def test_update_and_remove_bookmark(store: AnnotationStore, ferry) -> None:
    bookmark = store.add_bookmark(ferry, note="one")
    updated = store.update_bookmark(bookmark.id, tags=["a", "b"])
    assert updated.note == "one" and updated.tags == ("a", "b")
    assert updated.updated > bookmark.updated
    assert store.update_bookmark(bookmark.id, note=None).note is None
    assert store.remove_bookmark(bookmark.id) is True
    assert store.remove_bookmark(bookmark.id) is False
    with pytest.raises(AnnotationNotFound):
        store.update_bookmark(bookmark.id, note="x")


def test_highlight_stores_offsets_quote_and_context(store: AnnotationStore, ferry) -> None:
    start = FERRY_BODY.index("The harbour")
    end = start + len("The harbour smells of diesel")
    highlight = store.add_highlight(ferry, start, end, color="blue", note="smell", tags=["sense"])
    assert (highlight.start, highlight.end) == (start, end)
    assert highlight.quote == "The harbour smells of diesel"
    assert highlight.prefix == FERRY_BODY[start - 32 : start]
    assert highlight.suffix == FERRY_BODY[end : end + 32]
    assert (highlight.color, highlight.note, highlight.tags) == ("blue", "smell", ("sense",))
    assert not highlight.orphaned


def test_highlight_by_quote_found_missing_ambiguous(store: AnnotationStore, ferry) -> None:
    highlight = store.add_highlight_by_quote(ferry, "gulls are awake")
    assert FERRY_BODY[highlight.start : highlight.end] == "gulls are awake"
    # whitespace in the quote need not match the text's exactly
    spread = store.add_highlight_by_quote(ferry, "coffee.  The\nharbour")
    assert FERRY_BODY[spread.start : spread.end] == "coffee. The harbour"
    with pytest.raises(QuoteNotFound):
        store.add_highlight_by_quote(ferry, "submarine")
    with pytest.raises(AmbiguousQuote) as info:
        store.add_highlight_by_quote(ferry, "the")
    assert info.value.count == FERRY_BODY.count("the")
    assert len(store.highlights()) == 2


def test_highlights_in_reading_order_and_updates(store: AnnotationStore, ferry) -> None:
    late = store.add_highlight_by_quote(ferry, "city wakes up")
    early = store.add_highlight_by_quote(ferry, "first ferry")
    assert [h.id for h in store.highlights(ferry.id)] == [early.id, late.id]
    changed = store.update_highlight(late.id, color="pink", note="nice")
    assert (changed.color, changed.note, changed.quote) == ("pink", "nice", "city wakes up")
    with pytest.raises(AnnotationError):
        store.update_highlight(late.id, color="red")
    with pytest.raises(AnnotationError):
        store.add_highlight(ferry, 0, 5, color="orange")
    with pytest.raises(AnnotationError):
        store.add_highlight(ferry, 5, 5)
    assert store.remove_highlight(early.id) and not store.remove_highlight(early.id)
    assert [h.id for h in store.highlights()] == [late.id]
    assert set(COLORS) == {"yellow", "green", "blue", "pink", "purple"}


def test_reading_state_and_marks(store: AnnotationStore, ferry) -> None:
    other = make_article("b.txt", "Another text entirely.", "B")
    assert store.reading_state(ferry.id) is None
    store.save_reading_state(ferry, position=40, percent=33.3)
    state = store.reading_state(ferry.id)
    assert (state.position, state.percent, state.read) == (40, 33.3, False)
    assert state.last_opened is not None
    store.set_read(ferry.id, True)
    store.save_reading_state(ferry, position=10_000, percent=250)  # clamped, read kept
    state = store.reading_state(ferry.id)
    assert (state.position, state.percent, state.read) == (len(FERRY_BODY), 100.0, True)
    store.set_read("never-seen", True)  # by id only, before any snapshot exists
    store.add_highlight_by_quote(other, "Another")
    store.add_bookmark(other)
    marks = store.marks()
    assert marks[ferry.id] == ArticleMarks(
        bookmarked=False, highlighted=False, read=True, percent=100.0
    )
    assert marks[other.id] == ArticleMarks(
        bookmarked=True, highlighted=True, read=False, percent=0.0
    )
    assert marks["never-seen"].read
    store.set_read(ferry.id, False)
    assert not store.marks()[ferry.id].read


def test_rows_are_scoped_to_their_library(tmp_path: Path, ferry) -> None:
    db = tmp_path / "one.sqlite3"
    with (
        AnnotationStore(db, tmp_path / "lib1") as first,
        AnnotationStore(db, tmp_path / "lib2") as second,
    ):
        bookmark = first.add_bookmark(ferry)
        first.set_read(ferry.id, True)
        assert second.bookmarks() == [] and second.marks() == {}
        assert second.remove_bookmark(bookmark.id) is False
        assert [b.id for b in first.bookmarks()] == [bookmark.id]


def test_database_settings_and_schema_version(tmp_path: Path, ferry) -> None:
    db = tmp_path / "deep" / "a.sqlite3"
    with AnnotationStore(db, tmp_path) as store:
        store.add_bookmark(ferry)
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    with pytest.raises(AnnotationError, match="newer"):
        AnnotationStore(db, tmp_path)


def test_a_foreign_database_is_not_touched(tmp_path: Path) -> None:
    db = tmp_path / "other.sqlite3"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE notes (x)")
    conn.commit()
    conn.close()
    with pytest.raises(AnnotationError, match="something else"):
        AnnotationStore(db, tmp_path)
    conn = sqlite3.connect(db)
    assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master")] == ["notes"]


def test_foreign_keys_are_enforced(store: AnnotationStore, ferry) -> None:
    store.add_bookmark(ferry)
    with pytest.raises(sqlite3.IntegrityError):
        store.connection().execute("DELETE FROM articles")


def test_store_can_be_shared_between_threads(store: AnnotationStore, ferry) -> None:
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(20):
                store.add_bookmark(ferry)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(store.bookmarks()) == 60
