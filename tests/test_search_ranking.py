"""Ranking of word queries (search/ranking.py, proximity.py, query_words.py)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from whoosh import query

from tuireader.search import Filters, SearchService, feedback, proximity, ranking, whoosh_query
from tuireader.search.vector.positions import TermPositions

FILLER = "harbour morning council bridge weather station report market summer road"


def build(tmp_path: Path, docs: dict[str, str]) -> SearchService:
    """A library of plain-text articles (title line, blank line, body), in name order."""
    lib = tmp_path / "lib"
    lib.mkdir()
    for name, (title, body) in sorted((k, v.split("\n", 1)) for k, v in docs.items()):
        (lib / f"{name}.txt").write_text(f"{title}\n\n{body}\n", encoding="utf-8")
    svc = SearchService(lib, tmp_path / "cache")
    svc.refresh(processes=1)
    return svc


def titles(svc: SearchService, text: str, **kw) -> list[str]:
    found = svc.search(text, suggest=False, details=False, **kw)
    assert found.error is None, found.error
    return [h.title for h in found.hits]


@pytest.fixture
def mirrored(tmp_path: Path) -> SearchService:
    """Two articles with the same words, one mostly about ferries, one about trams."""
    return build(
        tmp_path,
        {
            "a": f"Notes one\nferry ferry ferry tram {FILLER}",
            "b": f"Notes two\ntram tram tram ferry {FILLER}",
            "c": f"Notes three\n{FILLER} {FILLER}",
        },
    )


def test_a_word_repeated_in_the_query_counts_more(mirrored: SearchService) -> None:
    assert titles(mirrored, "ferry tram ferry")[0] == "Notes one"
    assert titles(mirrored, "tram ferry tram")[0] == "Notes two"


def test_question_words_cost_nothing(tmp_path: Path) -> None:
    svc = build(
        tmp_path,
        {
            "a": f"What about it\nwhat which how where there {FILLER}",
            "b": f"Crossing\nthe ferry {FILLER}",
        },
    )
    assert titles(svc, "what about ferries, and how") == ["Crossing"]
    assert titles(svc, "what") == ["What about it"]  # alone, a question word is searched
    parsed = whoosh_query.parse("how does the ferry work")
    assert {t.text for t in parsed.leaves()} == {"ferri", "work"}


def test_words_near_each_other_rank_first(tmp_path: Path) -> None:
    # the same words, as often, in bodies of the same length: only their distance differs,
    # and the article with them together comes second in the library (so it would lose a
    # tie broken by document number)
    far = f"ferry {FILLER} {FILLER} timetable"
    near = f"ferry timetable {FILLER} {FILLER}"
    svc = build(tmp_path, {"a": f"Apart\n{far}", "b": f"Together\n{near}"})
    assert titles(svc, "ferry timetable") == ["Together", "Apart"]


def test_operators_phrases_fields_and_filters_keep_their_meaning(mirrored: SearchService) -> None:
    assert titles(mirrored, '"ferry tram"') == ["Notes one"]
    assert titles(mirrored, "ferry -tram") == []
    assert titles(mirrored, "title:two ferry")[0] == "Notes two"
    assert set(titles(mirrored, "ferry OR weather")) == {"Notes one", "Notes two", "Notes three"}
    assert titles(mirrored, "ferry", filters=Filters(format="markdown")) == []


def test_only_word_queries_are_ranked_here() -> None:
    assert {u.stem for u in ranking.units_of(whoosh_query.parse("ferry tram")).units} == {
        "ferri",
        "tram",
    }
    for text in ['"ferry tram"', "ferry -tram", "author:okafor ferry", "date:2020 ferry"]:
        with pytest.raises(ranking.Unsupported):
            ranking.units_of(whoosh_query.parse(text))


def test_allowed_documents_narrow_without_changing_scores(mirrored: SearchService) -> None:
    searcher = mirrored.store.searcher()
    q = whoosh_query.parse("ferry tram")
    everything = ranking.rank(searcher, q, limit=None)
    scores = dict(zip(everything.docnums.tolist(), everything.scores.tolist(), strict=True))
    one = everything.docnums.tolist()[1]
    only = ranking.rank(searcher, q, limit=None, allowed={one})
    assert only.total == 1 and only.docnums.tolist() == [one]
    assert only.scores.tolist() == [scores[one]]


def _positions(rows: dict[int, list[int]]) -> TermPositions:
    ids = np.array(sorted(rows), dtype=np.int64)
    counts = [len(rows[d]) for d in sorted(rows)]
    starts = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
    flat = np.array([p for d in sorted(rows) for p in rows[d]], dtype=np.int64)
    return TermPositions(ids, starts, flat)


def test_the_bonus_falls_with_distance_and_ends_past_the_window() -> None:
    a = _positions({0: [10], 1: [10], 2: [10], 3: [10]})
    b = _positions({0: [11], 1: [12], 2: [10 + proximity.WINDOW + 1], 3: [9]})
    bonus = proximity.bonus(np.arange(4), [a, b], np.array([2.0, 2.0]), 1.2, np.ones(4))
    assert bonus[0] > bonus[1] > 0
    assert bonus[2] == 0
    assert bonus[3] == pytest.approx(bonus[0])  # order does not matter


def test_a_repeated_word_is_not_near_itself() -> None:
    a = _positions({0: [1, 2, 3]})
    b = _positions({0: [50]})
    assert proximity.bonus(np.arange(1), [a, b], np.ones(2), 1.2, np.ones(1))[0] == 0


def test_a_live_prefix_counts_below_the_word(mirrored: SearchService) -> None:
    q = mirrored._parse("tram fer", live=True)
    plan = ranking.units_of(q)
    prefix = [u for u in plan.units if not u.exact]
    assert prefix and all(u.weight < 1 for u in prefix)
    assert isinstance(q, query.Query)


def test_a_question_mark_ends_a_question_and_a_wildcard_stays_one(tmp_path: Path) -> None:
    svc = build(
        tmp_path,
        {"a": f"Winter crossings\nferry winter {FILLER}", "b": f"Team sheet\nteam tram {FILLER}"},
    )
    assert titles(svc, "how do ferries cross in winter?") == ["Winter crossings"]
    assert titles(svc, "what is a ferry?")[0] == "Winter crossings"
    assert set(titles(svc, "t?am")) == {"Team sheet"}  # team and tram: one letter each


# -- pseudo-relevance feedback (search/feedback.py) ------------------------------------

QUESTION = "harbour ferry crossing schedule island passenger boat service winter"  # 9 words
OTHER = "orchard apple pear blossom cider press autumn"


@pytest.fixture
def gangways(tmp_path: Path) -> SearchService:
    """Three articles answering the question, all of which also say "gangway" often; one
    about gangways with none of the question's words; unrelated ones."""
    answer = f"{QUESTION} gangway gangway gangway"
    docs = {f"a{i}": f"Answer {i}\n{answer}" for i in range(3)}
    docs["g"] = f"Boarding ramps\ngangway gangway {OTHER} {OTHER}"
    docs |= {f"z{i}": f"Unrelated {i}\n{OTHER} {OTHER} {OTHER}" for i in range(6)}
    return build(tmp_path, docs)


def test_feedback_finds_an_article_without_the_question_words(gangways: SearchService) -> None:
    found = titles(gangways, QUESTION)
    assert found[:3] == ["Answer 0", "Answer 1", "Answer 2"]  # the words still rank first
    assert found[3:] == ["Boarding ramps"]  # gangway, from the answers; not orchard words
    off = replace(ranking.SETTINGS, feedback_docs=0)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(ranking, "SETTINGS", off)
        assert "Boarding ramps" not in titles(gangways, QUESTION)


def test_feedback_only_for_long_questions_of_plain_words(gangways: SearchService) -> None:
    short = " ".join(QUESTION.split()[:8])  # 8 words: past the all-words bonus is long
    assert "Boarding ramps" not in titles(gangways, short)
    for text in (
        f'"{QUESTION}"',  # a phrase
        f'"harbour ferry" {QUESTION}',  # a phrase beside the words
        f"title:answer {QUESTION}",  # a field
        f"{QUESTION} -orchard",  # an operator
        f"{QUESTION} date:>2000",
    ):
        assert "Boarding ramps" not in titles(gangways, text), text
    # the word being typed is not finished: search-as-you-type is not expanded
    assert "Boarding ramps" not in titles(gangways, QUESTION, live=True)
    # ranking.rank called without the service's texts: no feedback either
    searcher = gangways.store.searcher()
    plain = ranking.rank(searcher, gangways._parse(QUESTION), limit=None)
    assert plain.total == 3


def test_a_filter_narrows_an_expanded_question_without_reordering(gangways: SearchService) -> None:
    searcher = gangways.store.searcher()
    q = gangways._parse(QUESTION)
    with feedback.lend_texts(gangways._field_texts):
        everything = ranking.rank(searcher, q, limit=None)
        assert everything.total == 4  # the three answers and, by feedback, the gangway article
        scores = dict(zip(everything.docnums.tolist(), everything.scores.tolist(), strict=True))
        last = everything.docnums.tolist()[-1]
        only = ranking.rank(searcher, q, limit=None, allowed={last})
    assert only.docnums.tolist() == [last]
    assert only.scores.tolist() == [scores[last]]


def test_feedback_units_decide_when_it_applies() -> None:
    knobs = feedback.Feedback(docs=10, terms=20, original=0.6, sharpness=16, from_words=9)
    words = ranking.units_of(whoosh_query.parse(QUESTION)).units
    assert feedback.applies(words, knobs)
    assert not feedback.applies(words[:-2], knobs)  # 8 of the 9 words
    fielded = ranking.units_of(whoosh_query.parse(f"title:answer {QUESTION}")).units
    assert not feedback.applies(fielded, knobs)
    assert not feedback.applies(words, replace(knobs, docs=0))


def test_feedback_articles_weigh_by_their_score_against_the_best() -> None:
    scores = np.array([10.0, 9.6, 8.5, 5.0])
    weights = feedback.doc_weights(scores, 16)
    assert weights.sum() == pytest.approx(1)
    assert weights[0] > weights[1] > weights[2] > weights[3] >= 0
    assert weights[1] / weights[0] == pytest.approx(0.96**16)
    assert feedback.doc_weights(scores * 7, 16) == pytest.approx(weights)  # scale-free
    model = feedback.relevance_model(
        [("Ferry", "ferry timetable"), ("Tram", "tram tram")], np.array([0.75, 0.25]), 3.0
    )
    # ferry: 4 of doc 1's 5 counted terms (title thrice); tram: all of doc 2's 5
    assert model["ferri"] == pytest.approx(0.75 * 4 / 5)
    assert model["tram"] == pytest.approx(0.25 * 5 / 5)
    terms = feedback.expansion(model, 2, lambda term: True)
    assert [t for t, _w in terms] == ["ferri", "tram"]
    assert sum(w for _t, w in terms) == pytest.approx(1)
    # a term the library is full of, and function words (indexed: "was"), are left out
    fuller = {**model, "wa": 0.9, "their": 0.85}
    kept = feedback.expansion(fuller, 2, lambda term: term != "ferri")
    assert [t for t, _w in kept] == ["tram", "timet"]
    assert [w for _t, w in kept] == pytest.approx([0.25 / 0.4, 0.15 / 0.4])
    # past the first 4 x count candidates when they are all left out
    crowded = {"wa": 0.9, "their": 0.8, "he": 0.7, "but": 0.6, "tram": 0.1}
    assert feedback.expansion(crowded, 1, lambda term: True) == [("tram", 1.0)]
