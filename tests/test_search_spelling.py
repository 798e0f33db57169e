"""Edit distance used by fuzzy terms and suggestions."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tuireader.search.spelling import closest, edit_distance, suggest, text_words


@pytest.mark.parametrize(
    ("a", "b", "limit", "expected"),
    [
        ("music", "music", 1, 0),
        ("musik", "music", 1, 1),
        ("govermnent", "government", 1, 1),  # a swap of neighbours counts once
        ("electoin", "election", 2, 1),
        ("champoin", "champion", 2, 1),
        ("abc", "abcde", 1, None),
        ("kitten", "sitting", 3, 3),
        ("kitten", "sitting", 2, None),
        ("", "ab", 2, 2),
    ],
)
def test_edit_distance(a: str, b: str, limit: int, expected: int | None) -> None:
    assert edit_distance(a, b, limit) == expected


def test_closest_prefers_near_then_frequent() -> None:
    ranked = closest("ferri", [("ferry", 5), ("berry", 50), ("ferret", 9), ("fern", 1)], 2)
    assert [w for _d, w in ranked] == ["ferry", "berry", "ferret", "fern"]  # 1, then 2 by count


def test_text_words_are_folded_and_distinct() -> None:
    assert text_words("Café CAFE naïve, U.S. cafe") == {"cafe", "naive", "u.s"}


VOCAB = {"march": 40, "market": 90, "ferry": 12, "hospital": 7, "prime": 30, "minister": 25}


def fake_suggest(text: str) -> str | None:
    def near(word: str, maxdist: int, prefix: int) -> list[tuple[int, str]]:
        return closest(word, [(w, n) for w, n in VOCAB.items() if w[:prefix] == word[:prefix]], 2)

    return suggest(text, lambda w: VOCAB.get(w, 0), near)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("hospitl", "hospital"),
        ("-hospitl", "-hospital"),
        ("(ferri OR hospitl)", "(ferry OR hospital)"),
        ('"prime ministr"', '"prime minister"'),  # a phrase without a field is free text
        ("Marta hospitl", "march hospital"),  # free text: a name is a word like any other
    ],
)
def test_suggest_fixes_unknown_free_words(query: str, expected: str) -> None:
    assert fake_suggest(query) == expected


@pytest.mark.parametrize(
    "query",
    [
        'author:"Marta Okonkwo"',  # the reported bug: "Marta" became "march"
        "author:Marta",
        "author:(Marta Okonkwo)",
        'title:"prime ministr"',
        "tag:marketz",
        "format:markdwn",
        "date:2023-03",
        "date:[2023-01-01 to 2023-06-30]",
        "date:[marhc to ferri]",
        "hospit*",
        "ferr?",
        "hospitl~",
        "hospitl~2",
        "ferry",
        "ferry AND hospital NOT market",
        "Ferry",  # known words are never corrected, whatever their case
        "zzzzz",  # nothing close: no suggestion rather than a wild guess
    ],
)
def test_suggest_never_touches_fields_wildcards_fuzzy_or_known_words(query: str) -> None:
    assert fake_suggest(query) is None


def test_suggest_keeps_field_values_while_fixing_free_words() -> None:
    assert fake_suggest('author:"Marta Okonkwo" hospitl') == 'author:"Marta Okonkwo" hospital'
    assert fake_suggest("title:ferri tramwya ferri") == "title:ferri tramwya ferry"


@settings(max_examples=300, deadline=None)
@given(
    word=st.text(alphabet="abcdeh", max_size=8),
    cand=st.text(alphabet="abcdeh", max_size=8),
    limit=st.integers(1, 2),
)
def test_closest_never_drops_a_word_within_the_limit(word: str, cand: str, limit: int) -> None:
    expected = edit_distance(word, cand, limit)  # the letter-set shortcut must agree
    found = closest(word, [(cand, 1)], limit)
    assert found == ([] if expected is None else [(expected, cand)])
