"""Phrases match adjacent words as written, within one sentence, as a plain scan of the texts."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from whoosh.analysis import StopFilter
from whoosh.lang.porter import stem

from tuireader.search import SearchService
from tuireader.search.highlight import find_matches
from tuireader.search.whoosh_query import match_plan, parse

ARTICLES = {
    "games.txt": "Games\n\nShe sells video games to the shops in town.\n",
    "gaming.txt": "Gaming\n\nHe likes video and gaming, but not together.\n",
    "game.txt": "A game\n\nOne video game sold a million copies.\n",
    "commons.txt": "Debate\n\nThe house of commons voted late on Tuesday.\n",
    "curry.txt": "Dinner\n\nWe ate at a curry house. The Commons motion came later.\n",
    "big.txt": "Barn\n\nThe house big commons and the house in commons are not it.\n",
    "para.txt": "Split\n\nThey sold the video\n\ngames at the market.\n",
    "title.txt": "Video games of the year\n\nA list of the best of them.\n",
}

STOPS = StopFilter().stops
_WORD = re.compile(r"\w+(?:\.\w+)*")
_BREAK = re.compile(r"[.!?]+(?!\w)|\n\s*\n")


def _norm(word: str) -> str:
    word = word.lower()
    return "=" + word if len(word) < 2 or word in STOPS else stem(word)


def scan(text: str, phrase: str) -> bool:
    """A plain scan: the phrase's words, in order and adjacent, in one sentence of text
    (stop words compared as written, other words by stem; leading/trailing stop words of
    the phrase ignored, as the index cannot see them)."""
    wanted = [_norm(w) for w in _WORD.findall(phrase)]
    while wanted and wanted[0].startswith("="):
        wanted.pop(0)
    while wanted and wanted[-1].startswith("="):
        wanted.pop()
    for sentence in _BREAK.split(text):
        words = [_norm(w) for w in _WORD.findall(sentence)]
        for i in range(len(words) - len(wanted) + 1):
            if words[i : i + len(wanted)] == wanted:
                return True
    return False


def _service(root: Path, cache: Path, articles: dict[str, str]) -> SearchService:
    root.mkdir()
    for name, text in articles.items():
        (root / name).write_text(text, encoding="utf-8")
    svc = SearchService(root, cache)
    svc.refresh()
    return svc


@pytest.fixture()
def service(tmp_path: Path) -> SearchService:
    return _service(tmp_path / "lib", tmp_path / "cache", ARTICLES)


def found(service: SearchService, q: str, **kwargs) -> set[str]:
    return {h.path for h in service.search(q, limit=100, **kwargs).hits}


def test_phrase_words_must_be_adjacent(service: SearchService) -> None:
    # "video and gaming" has a stop word between: before, stop words lost their places
    assert found(service, '"video games"') == {"games.txt", "game.txt", "title.txt"}


def test_phrase_stays_in_one_sentence(service: SearchService) -> None:
    # "curry house. The Commons" and "video\n\ngames" run across a break
    assert found(service, '"house of commons"') == {"commons.txt"}
    assert "para.txt" not in found(service, '"video games"')


def test_stop_words_inside_a_phrase_are_checked(service: SearchService) -> None:
    # "house big commons" and "house in commons" put one word between, not "of"
    assert found(service, '"house of commons"') == {"commons.txt"}
    assert found(service, '"house in commons"') == {"big.txt"}
    assert found(service, 'title:"games of the year"') == {"title.txt"}
    assert found(service, 'title:"games in the year"') == set()


def test_other_sorts_match_the_same(service: SearchService) -> None:
    """Sorting by date or title runs Whoosh's own searcher: the same documents."""
    for q in ('"video games"', '"house of commons"', '"house in commons"'):
        assert found(service, q, sort="title") == found(service, q), q


def test_highlight_marks_only_the_exact_phrase() -> None:
    body = "video and gaming; video games. house. The commons; house of commons"
    plan = match_plan(parse('"video games" "house of commons"'))
    marked = [body[a:b] for a, b in find_matches(body, plan)]
    assert marked == ["video games", "house of commons"]


def test_phrases_equal_a_plain_scan_of_random_texts(tmp_path: Path) -> None:
    rng = random.Random(23)
    pieces = [
        "video",
        "games",
        "gaming",
        "house",
        "of",
        "the",
        "commons",
        "and",
        "in",
        "a",
        "vote",
        "x",
        "news",
        "late",
    ]
    seps = [" ", " ", " ", " ", ". ", "! ", ", ", "\n\n", " - "]
    articles = {}
    for n in range(60):
        words = [rng.choice(pieces) for _ in range(rng.randint(3, 40))]
        body = words[0] + "".join(rng.choice(seps) + w for w in words[1:])
        articles[f"a{n:02}.txt"] = f"Title {n}\n\n{body}\n"
    svc = _service(tmp_path / "lib", tmp_path / "cache", articles)
    phrases = [
        "video games",
        "house of commons",
        "house of the commons",
        "commons and video",
        "games in a vote",
        "the house",
        "video x news",
        "of the house",
        "late news",
    ]
    for phrase in phrases:
        expected = {name for name, text in articles.items() if scan(text, phrase)}
        assert found(svc, f'"{phrase}"') == expected, phrase
        assert found(svc, f'"{phrase}"', sort="title") == expected, phrase
