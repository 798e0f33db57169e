"""The array scorer against Whoosh's own: same documents, same scores, same order, same total.

The reference is Whoosh's searcher scoring every match (`limit=None, optimize=False`: no
pruning). The indexes have several segments, deleted documents, a segment over 5,000
documents (where Whoosh's Or switches matcher) and small ones.
"""

from __future__ import annotations

import pickle
import random
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from whoosh import formats, index

from tuireader.search import whoosh_query
from tuireader.search.models import Filters
from tuireader.search.vector import run as vector
from tuireader.search.vector.positions import decode
from tuireader.search.vector.postings import read_postings
from tuireader.search.whoosh_schema import make_schema

_VOCABULARY = (
    "ferry harbour island night morning tram station market price music film award chief "
    "executive prime minister election campaign government people world cup mobile phone "
    "telephone television teleport economy economic champion championship"
)
WORDS = _VOCABULARY.split()
AUTHORS = ["Ada Okafor", "Ben Li", "Cleo Marsh"]
TAGS = ["travel", "city", "sport"]


def _doc(rng: random.Random, i: int) -> dict:
    length = rng.choice([3, 6, 12, 40])
    body = " ".join(rng.choice(WORDS) for _ in range(length))
    if rng.random() < 0.2:
        body += " chief executive world cup"
    title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 4)))
    doc = {
        "id": f"d{i}",
        "title": title,
        "body": body,
        "format": rng.choice(["text", "markdown"]),
        "path": f"p/{i}.txt",
        "title_key": title,
        "author_sort": "x",
        "date_sort": 0,
        "date": datetime(rng.choice([2019, 2020, 2021]), rng.randint(1, 12), 1),
    }
    if rng.random() < 0.7:
        doc["author"] = rng.choice(AUTHORS)
        doc["author_key"] = doc["author"].casefold()
    if rng.random() < 0.5:
        doc["tags"] = rng.choice(TAGS)
    return doc


def _index(folder: Path, sizes: list[int], seed: int):
    rng = random.Random(seed)
    # a folder of its own: Whoosh's writer spills to a temporary folder named after the
    # storage, which RamStorages of parallel test workers would share
    ix = index.create_in(str(folder), make_schema())
    n = 0
    for size in sizes:
        with ix.writer() as writer:
            writer.merge = False
            for _ in range(size):
                writer.add_document(**_doc(rng, n))
                n += 1
    with ix.writer() as writer:  # deletions in several segments
        writer.merge = False
        for i in range(0, n, 37):
            writer.delete_by_term("id", f"d{i}")
    return ix


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory):
    ix = _index(tmp_path_factory.mktemp("small"), [60, 300, 5, 140], seed=1)
    with ix.searcher() as searcher:
        assert len(searcher.leaf_searchers()) == 4
        yield searcher


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory):
    """One segment over 5,000 documents beside a small one."""
    ix = _index(tmp_path_factory.mktemp("big"), [5100, 200], seed=2)
    with ix.searcher() as searcher:
        assert max(s.reader().doc_count_all() for s, _o in searcher.leaf_searchers()) > 5000
        yield searcher


def whoosh_ranking(searcher, q) -> list[tuple[int, float]]:
    return [(r.docnum, r.score) for r in searcher.search(q, limit=None, optimize=False)]


def assert_same(searcher, text: str) -> None:
    q = whoosh_query.parse(text)
    expected = whoosh_ranking(searcher, q)
    got = vector.rank(searcher, q, limit=None)
    assert got.total == len(expected), text
    scores = dict(zip(got.docnums.tolist(), got.scores.tolist(), strict=True))
    assert set(scores) == {d for d, _s in expected}, text
    for docnum, score in expected:
        assert scores[docnum] == pytest.approx(score, rel=1e-12, abs=1e-12), (text, docnum)
    # the order: Whoosh's, except among scores equal to the last bits (summed in another
    # order), which both break by document number
    ranked = list(zip(got.docnums.tolist(), got.scores.tolist(), strict=True))
    for (d1, s1), (d2, s2) in zip(ranked, expected, strict=True):
        assert d1 == d2 or abs(s1 - s2) <= 1e-12 * max(1.0, abs(s2)), (text, ranked[:5])
    page = vector.rank(searcher, q, limit=7)
    assert page.total == len(expected)
    assert page.docnums.tolist() == got.docnums.tolist()[:7]


QUERIES = [
    "ferry",
    "ferry harbour",
    "ferry harbour island night",
    '"chief executive"',
    '"world cup" ferry',
    "tele*",
    "econom* market",
    "champion*",
    "t?am",
    "ferry -night",
    "ferry NOT night",
    "ferry AND NOT night",
    "NOT ferry",
    "ferry OR tram OR film",
    "ferry AND tram",
    "(ferry OR tram) AND (music OR film)",
    "title:ferry",
    "title:ferry body:night",
    "author:okafor",
    "author:okafor ferry",
    "tag:travel",
    "format:markdown night",
    "date:2020",
    "date:2020-03 ferry",
    "date:[2019-06-01 to 2020-06-30]",
    "ferry date:2021",
    "nosuchword",
    "ferry nosuchword",
    '"ferry nosuchword"',
]


@pytest.mark.parametrize("text", QUERIES)
def test_same_results_as_whoosh_in_small_segments(small, text: str) -> None:
    assert_same(small, text)


@pytest.mark.parametrize("text", QUERIES)
def test_same_results_as_whoosh_beside_a_segment_over_5000(big, text: str) -> None:
    assert_same(big, text)


def test_an_expanded_fuzzy_query_scores_as_whoosh(small) -> None:
    q = whoosh_query.expand_fuzzy(
        whoosh_query.parse("ferri~ night"), lambda _w, _d, _p: [(1, "ferry"), (1, "fern")]
    )
    expected = whoosh_ranking(small, q)
    got = vector.rank(small, q, limit=None)
    assert got.docnums.tolist() == [d for d, _s in expected]
    assert got.scores.tolist() == pytest.approx([s for _d, s in expected], rel=1e-12)


_word = st.sampled_from([*WORDS, "nosuchword"])
_leaf = st.one_of(
    _word,
    _word.map(lambda w: w[:3] + "*"),
    st.tuples(_word, _word).map(lambda p: f'"{p[0]} {p[1]}"'),
    _word.map(lambda w: f"title:{w}"),
    st.sampled_from(["author:okafor", "tag:sport", "date:2020", "format:text"]),
)
_query = st.recursive(
    _leaf,
    lambda inner: st.one_of(
        st.lists(inner, min_size=2, max_size=4).map(" ".join),
        st.tuples(inner, inner).map(lambda p: f"({p[0]}) AND ({p[1]})"),
        st.tuples(inner, inner).map(lambda p: f"({p[0]}) OR ({p[1]})"),
        st.tuples(inner, _word).map(lambda p: f"({p[0]}) -{p[1]}"),
    ),
    max_leaves=6,
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=_query)
def test_random_queries_score_as_whoosh(small, text: str) -> None:
    try:
        whoosh_query.parse(text)
    except whoosh_query.QueryError:
        return
    assert_same(small, text)  # Unsupported would fail it: every shape here is modelled


def test_the_parser_s_shapes_are_all_modelled(small) -> None:
    """The kinds of query the reader's users type never fall back to Whoosh's scorer."""
    for text in QUERIES:
        vector.rank(small, whoosh_query.parse(text), limit=5)  # raises Unsupported if not


def test_filters_and_ids_narrow_without_changing_scores(small) -> None:
    q = whoosh_query.parse("ferry night")
    everything = vector.rank(small, q, limit=None)
    scores = dict(zip(everything.docnums.tolist(), everything.scores.tolist(), strict=True))
    fq = whoosh_query.filter_query(Filters(author="Ada Okafor"))
    narrowed = vector.rank(small, q, limit=None, filter_q=fq)
    authored = set(small.docs_for_query(fq))
    assert set(narrowed.docnums.tolist()) == set(scores) & authored
    assert 0 < narrowed.total < everything.total
    for d, s in zip(narrowed.docnums.tolist(), narrowed.scores.tolist(), strict=True):
        assert s == scores[d]
    some = set(list(scores)[:5])
    only = vector.rank(small, q, limit=None, allowed=some)
    assert set(only.docnums.tolist()) == some


def test_run_uses_the_arrays_and_returns_whoosh_s_answer(small) -> None:
    for text in ['"chief executive"', "tele*", "ferry -night"]:
        q = whoosh_query.parse(text)
        fast = whoosh_query.run(small, q, limit=10, sort="relevance", filters=None)
        slow = whoosh_query.run_whoosh(small, q, limit=None, sort="relevance", filters=None)
        assert fast[0].total == slow[0].total and not fast[0].estimated
        assert [h.id for h in fast[1]] == [h.id for h in slow[1]][:10]


def test_run_ranks_word_queries_by_its_own_bm25f_over_whoosh_s_matches(small) -> None:
    """Plain words are ranked by search/ranking.py (its order is not Whoosh's), over the
    same matches with the same exact total."""
    q = whoosh_query.parse("ferry harbour")
    fast = whoosh_query.run(small, q, limit=None, sort="relevance", filters=None)
    slow = whoosh_query.run_whoosh(small, q, limit=None, sort="relevance", filters=None)
    assert fast[0].total == slow[0].total and not fast[0].estimated
    assert {h.id for h in fast[1]} == {h.id for h in slow[1]}


def test_postings_decode_to_whoosh_s_own_ids_and_weights(big) -> None:
    for sub, _offset in big.leaf_searchers():
        reader = sub.reader()
        for btext in (b"ferri", b"chief", b"island"):
            matcher = reader.postings("body", btext)  # deleted documents filtered out
            ids, weights = [], []
            while matcher.is_active():
                ids.append(matcher.id())
                weights.append(matcher.weight())
                matcher.next()
            got = read_postings(reader, "body", btext, with_values=False)
            live = [not reader.is_deleted(d) for d in got.ids.tolist()]
            assert got.ids[live].tolist() == ids and got.weights[live].tolist() == weights
            assert len(ids) < len(got.ids) or not reader.has_deletions()


_positions = st.lists(
    st.lists(st.integers(0, 3_000_000), min_size=1, max_size=80, unique=True).map(sorted),
    min_size=1,
    max_size=40,
)


@settings(max_examples=200, deadline=None)
@given(lists=_positions, odd=st.sets(st.integers(0, 39)))
def test_positions_decode_as_whoosh_decodes_them(lists: list[list[int]], odd: set[int]) -> None:
    fmt = formats.Positions()
    values = []
    for i, found in enumerate(lists):
        value = fmt.encode(found)
        if i in odd:  # other pickle shapes and a missing STOP: read by pickle itself
            value = value[:-1] if i % 2 else value[:4] + pickle.dumps(_deltas(found), 4)
        values.append(value)
    got = decode(np.arange(len(values)), tuple(values), fmt)
    for i, value in enumerate(values):
        assert got.flat[got.starts[i] : got.starts[i + 1]].tolist() == fmt.decode_positions(value)


def _deltas(positions: list[int]) -> list[int]:
    return [p - q for p, q in zip(positions, [0, *positions[:-1]], strict=True)]
