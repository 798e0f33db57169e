"""Edit distance used by fuzzy terms and suggestions."""

from __future__ import annotations

import pytest

from tuireader.search.spelling import closest, edit_distance, text_words


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
