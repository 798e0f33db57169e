"""Searching what the reader wrote: has:, note:, and plain words found in notes."""

from __future__ import annotations

from pathlib import Path

import pytest

from tuireader.annotations import AnnotationStore
from tuireader.library.annotation_texts import StoreAnnotations
from tuireader.search import Filters, SearchService
from tuireader.search.annotation_terms import split

ARTICLES = {
    "ferry.txt": (
        "The Ferry Timetable\nBy Ada Quell\n\nThe winter ferry leaves the harbour at dawn."
        " Passengers wait on the pier with coffee."
    ),
    "orchard.txt": (
        "Orchard Notes\nBy Ben Marsh\n\nApple trees need pruning before the spring."
        " The orchard keeps bees in the summer."
    ),
    "bakery.txt": (
        "The Night Bakery\nBy Ada Quell\n\nBread rises slowly in a cold room."
        " The baker shapes loaves after midnight."
    ),
    "harbour.txt": (
        "Harbour Walls\nBy Cy Dunn\n\nThe harbour walls were rebuilt with granite."
        " The ferry company paid for half."
    ),
}


@pytest.fixture()
def setup(tmp_path: Path):
    root = tmp_path / "lib"
    root.mkdir()
    for name, text in ARTICLES.items():
        (root / name).write_text(text, encoding="utf-8")
    svc = SearchService(root, tmp_path / "cache")
    svc.refresh(processes=1)
    store = AnnotationStore(tmp_path / "notes.sqlite3", root)
    ids = {e.path: e.id for e in svc.entries()}
    yield svc, store, ids
    store.close()
    svc.close()


def search(svc, store, text: str, **kw):
    return svc.search(text, annotations=StoreAnnotations(lambda: store), **kw)


def found(results) -> list[str]:
    return [h.path for h in results.hits]


def test_has_terms_narrow_to_annotated_articles(setup) -> None:
    svc, store, _ids = setup
    store.add_highlight(svc.article("orchard.txt"), 0, 11)
    store.add_bookmark(svc.article("bakery.txt"), note="try this at home")
    store.add_bookmark(svc.article("ferry.txt"))

    assert sorted(found(search(svc, store, "has:highlight"))) == ["orchard.txt"]
    assert sorted(found(search(svc, store, "has:bookmark"))) == ["bakery.txt", "ferry.txt"]
    assert found(search(svc, store, "has:note")) == ["bakery.txt"]
    assert sorted(found(search(svc, store, "has:annotation"))) == [
        "bakery.txt",
        "ferry.txt",
        "orchard.txt",
    ]
    # beside words, has: is a condition on the word's matches
    assert found(search(svc, store, "ferry has:bookmark")) == ["ferry.txt"]
    assert found(search(svc, store, "ferry -has:bookmark")) == ["harbour.txt"]
    # alone, a negation lists everything else
    assert sorted(found(search(svc, store, "-has:annotation"))) == ["harbour.txt"]
    # the snippet of a has: listing is the annotation that qualified it
    hit = search(svc, store, "has:note").hits[0]
    assert hit.snippet == "note: try this at home"


def test_note_term_matches_notes_and_tags_stemmed(setup) -> None:
    svc, store, _ids = setup
    store.add_highlight(svc.article("orchard.txt"), 0, 11, note="Ask about the budgets")
    store.add_bookmark(svc.article("ferry.txt"), tags=["budget"])
    store.add_bookmark(svc.article("bakery.txt"), note="nothing relevant")

    results = search(svc, store, "note:budget")
    assert sorted(found(results)) == ["ferry.txt", "orchard.txt"]
    orchard = next(h for h in results.hits if h.path == "orchard.txt")
    start, end = orchard.snippet_matches[0]
    assert orchard.snippet[start:end] == "budgets"
    # with words: both must hold (ferry's body has "ferry", orchard's does not)
    assert found(search(svc, store, "ferry note:budget")) == ["ferry.txt"]
    assert found(search(svc, store, "-note:budget has:annotation")) == ["bakery.txt"]
    # a highlighted passage is not something the reader wrote: note: does not look at it
    assert found(search(svc, store, "note:apple")) == []


def test_plain_words_find_notes_after_body_matches(setup) -> None:
    svc, store, _ids = setup
    store.add_bookmark(svc.article("bakery.txt"), note="a ferry to catch on the way")
    results = search(svc, store, "ferry")
    # body matches first (ranked by the index), then the article found only by its note
    assert found(results)[-1] == "bakery.txt"
    assert sorted(found(results)[:-1]) == ["ferry.txt", "harbour.txt"]
    assert results.total == 3
    note_hit = results.hits[-1]
    assert note_hit.snippet.startswith("note: ")
    s, e = note_hit.snippet_matches[0]
    assert note_hit.snippet[s:e] == "ferry"
    # without the store, only the text is searched
    assert sorted(found(svc.search("ferry"))) == ["ferry.txt", "harbour.txt"]
    # the page limit counts the note-only hits too
    assert len(search(svc, store, "ferry", limit=2).hits) == 2
    assert search(svc, store, "ferry", limit=2).total == 3


def test_note_only_hits_respect_filters_and_query_shape(setup) -> None:
    svc, store, _ids = setup
    store.add_bookmark(svc.article("bakery.txt"), note="ferry schedule")
    store.add_highlight(svc.article("orchard.txt"), 0, 11, note="ferry too")
    by_ada = search(svc, store, "ferry", filters=Filters(author="Ada Quell"))
    assert found(by_ada) == ["ferry.txt", "bakery.txt"]
    # a field, NOT or date refers to the article: notes do not stand in for it
    assert sorted(found(search(svc, store, "title:ferry"))) == ["ferry.txt"]
    assert "bakery.txt" not in found(search(svc, store, "ferry -harbour"))
    # a highlighted passage counts for plain words too
    store.add_highlight(svc.article("harbour.txt"), 4, 16)  # "harbour wall"
    assert "harbour.txt" in found(search(svc, store, "granite OR walls"))


def test_an_article_matching_body_beyond_the_page_is_not_a_note_hit(setup) -> None:
    svc, store, _ids = setup
    store.add_bookmark(svc.article("harbour.txt"), note="ferry")
    results = search(svc, store, "ferry", limit=1)
    assert results.total == 2  # not 3: harbour matches by its text
    assert len(results.hits) == 1


def test_the_store_is_reread_after_a_change(setup) -> None:
    svc, store, _ids = setup
    source = StoreAnnotations(lambda: store)
    assert svc.search("has:note", annotations=source).total == 0
    store.add_bookmark(svc.article("ferry.txt"), note="later")
    assert svc.search("has:note", annotations=source).total == 1


def test_bad_terms_are_explained(setup) -> None:
    svc, store, _ids = setup
    bad = search(svc, store, "has:everything")
    assert bad.error and "has:highlight" in bad.error
    assert search(svc, store, 'note:""').error
    assert "no words" in (search(svc, store, "note:the").error or "")
    # a did-you-mean keeps the annotation terms
    store.add_bookmark(svc.article("harbour.txt"), note="x")
    assert search(svc, store, "harbuor has:bookmark").suggestion == "has:bookmark harbour"


def test_split_keeps_the_rest_of_the_query() -> None:
    rest, terms = split('winter has:highlights -has:bookmark note:"to read" -note:done ferry')
    assert rest == "winter ferry"
    assert terms.has == ("highlight",)
    assert terms.has_not == ("bookmark",)
    assert terms.notes == ("to read",)
    assert terms.notes_not == ("done",)
    assert split("title:has ferry")[0] == "title:has ferry"


def test_reader_matches_ignore_annotation_terms(setup) -> None:
    svc, _store, _ids = setup
    article = svc.article("ferry.txt")
    spans = svc.matches_in(article, "ferry has:bookmark")
    assert [article.body[s:e].lower() for s, e in spans] == ["ferry"]
    assert svc.matches_in(article, "has:bookmark") == []
