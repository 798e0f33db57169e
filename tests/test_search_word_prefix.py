"""Prefixes over words (not stems) and the half-typed last word of a live query."""

from __future__ import annotations

from pathlib import Path

import pytest

from tuireader.search import SearchService
from tuireader.search.word_prefix import typed_word

ARTICLES = {
    "gov.txt": "Local government\n\nThe government met on Tuesday about the budget.\n",
    "govern.txt": "Who governs\n\nThe board governs the harbour and nothing else.\n",
    "port.txt": "Port news\n\nThe port opened a second berth for the ferry.\n",
    "portable.txt": "Portable stoves\n\nA portable stove and a portable kettle, portable again.\n",
    "sediment.txt": "Lake cores\n\nThe sediment of the lake keeps a record of floods.\n",
    "theatre.txt": "A night out\n\nThe theatre reopened with a comedy.\n",
}


@pytest.fixture()
def service(tmp_path: Path) -> SearchService:
    root = tmp_path / "lib"
    root.mkdir()
    for name, text in ARTICLES.items():
        (root / name).write_text(text, encoding="utf-8")
    svc = SearchService(root, tmp_path / "cache")
    svc.refresh()
    return svc


def paths(results) -> list[str]:
    return [h.path for h in results.hits]


def test_explicit_prefix_matches_words_not_stems(service: SearchService) -> None:
    # "government" is stemmed to "govern": a prefix over stems missed it
    found = service.search("governm*")
    assert paths(found)[0] == "gov.txt"
    # the index holds stems, so "governs" (stem "govern") matches too; only words with
    # the prefix are marked
    marked = {found.hits[0].snippet[a:b] for a, b in found.hits[0].snippet_matches}
    assert marked == {"government"}
    assert sorted(paths(service.search("govern*"))) == ["gov.txt", "govern.txt"]


def test_half_typed_word_finds_its_articles_while_typing(service: SearchService) -> None:
    for typed in ("se", "sed", "sedi", "sedim", "sedimen"):
        found = service.search(typed, live=True)
        assert "sediment.txt" in paths(found), typed
    # submitted (not live), a half word is not a prefix
    assert paths(service.search("sedi")) == []


def test_whole_word_ranks_above_prefix_matches(service: SearchService) -> None:
    found = paths(service.search("port", live=True))
    assert found[0] == "port.txt"  # the word itself, though "portable" occurs four times
    assert "portable.txt" in found


def test_live_stop_word_on_the_way_to_a_longer_word(service: SearchService) -> None:
    found = service.search("the", live=True)
    assert found.error is None
    assert "theatre.txt" in paths(found)


def test_live_prefix_is_marked_in_snippets_and_details(service: SearchService) -> None:
    found = service.search("sedi", live=True, details=False)
    assert found.hits[0].snippet == "" and found.hits[0].matches == []
    details = service.hit_details("sedi", [found.hits[0].id], live=True)
    hit = details[found.hits[0].id]
    start, end = hit.snippet_matches[0]
    assert hit.snippet[start:end] == "sediment"


def test_suggest_false_skips_did_you_mean(service: SearchService) -> None:
    assert service.search("sedimant").suggestion == "sediment"
    assert service.search("sedimant", suggest=False).suggestion is None


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("sedi", "sedi"),
        ("harbour Ferr", "ferr"),
        ("(tram", "tram"),
        ("sedi ", None),  # a space: the word is finished
        ("s", None),
        ('"night fer', None),  # inside a phrase
        ("title:fer", None),
        ("-fer", None),
        ("fer*", None),
        ("tram OR", None),
    ],
)
def test_typed_word(text: str, word: str | None) -> None:
    assert typed_word(text) == word


def test_whoosh_path_finds_the_same_articles(service: SearchService) -> None:
    # sorted by date the query runs through Whoosh's own searcher, not the arrays
    for text in ("port", "sedi", "the"):
        ranked = service.search(text, live=True)
        by_date = service.search(text, live=True, sort="date")
        assert set(paths(ranked)) == set(paths(by_date)) != set(), text
