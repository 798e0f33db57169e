"""Relevance ranking of word queries: BM25F over title and body, plus a proximity bonus.

Whoosh's BM25F scores each field apart (a title word and the same word in the body are
two saturating scores, added) with idf = log(N / (df + 1)) + 1, which gives a word that
every article has a full point: a long question's common words ("information", "system")
then outweigh its rare, telling ones. For queries made of words alone (any mix of words on
title and body, prefixes of the word being typed, words* expanded, with the all-words bonus
the parser adds) this module scores instead, as arrays over the same postings:

- BM25F (Robertson & Zaragoza): a word's title and body frequencies, each normalised by
  its field's length, are added (the title's times `title_weight`) before one saturation
  with `k1`; idf is Robertson-Sparck Jones', log(1 + (N - df + 0.5) / (df + 0.5)), near 0
  for a word most articles have;
- a word's query frequency (the boost `query_words.weigh` gives a repeated word) multiplies
  its score, and the word being typed counts its prefix matches at word_prefix.LIVE_WEIGHT;
- documents with every word (the parser's all-words clause, 2-8 words) keep the bonus they
  had: their score times 1 + ALL_WORDS_BOOST;
- the best `RERANK` documents get a proximity bonus (`proximity.bonus`): query words
  close together in the body count more;
- a long question (`long_query` different words or more, plain words only, not being
  typed) is expanded by pseudo-relevance feedback (`feedback`, RM3): the strongest terms of
  its best matches are scored beside its words, and can find articles without them.

Anything else (phrases, NOT, ranges, other fields, fuzzy terms...) is `Unsupported` here
and ranked by `vector.run` as before. The settings were chosen on bench/relevance_bench.py
(CISI and two known-item collections built from the BBC corpus).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import islice

import numpy as np
from whoosh import query

from tuireader.search import feedback, proximity
from tuireader.search.vector.evaluate import Evaluator, Segment, Stats, Unsupported
from tuireader.search.vector.positions import decode
from tuireader.search.vector.postings import TermPostings, read_postings
from tuireader.search.vector.run import Ranked, segments, shared_cache, top
from tuireader.search.vector.unique import sorted_unique
from tuireader.search.whoosh_query import ALL_WORDS_BOOST
from tuireader.search.whoosh_schema import DEFAULT_FIELDS, TITLE_BOOST
from tuireader.search.word_prefix import WordPrefix

__all__ = ["SETTINGS", "Settings", "Unsupported", "rank", "units_of"]


@dataclass(frozen=True)
class Settings:
    """The knobs, chosen on the relevance bench (see docs/benchmarks.md)."""

    # k1 1.2 -> 2.0 raised MAP on all three bench collections (a word said often in a
    # long abstract keeps counting); b and the title weight kept at the usual 0.75 and 3
    # (0.5 / 0.9 and 2 / 5 moved MAP by less than 0.005, in no consistent direction; with
    # feedback, the title's own b at 0.3 / 0.5 / 1.0 and proximity 0.25 / 1.0 again did)
    k1: float = 2.0  # term frequency saturation
    b: float = 0.75  # length normalisation of the body
    title_b: float = 0.75  # ... and of the title
    title_weight: float = 3.0  # a title occurrence counts as this many body occurrences
    proximity: float = 0.5  # weight of the proximity bonus (0: none)
    all_words: float = ALL_WORDS_BOOST  # documents with every word: score times 1 + this
    # pseudo-relevance feedback (search/feedback.py) for queries of long_query words or more;
    # docs / terms / original as Anserini's RM3 defaults (10 / 10 / 0.5) moved to a plateau
    # (20 terms, 0.6-0.7, sharpness 12-24 within 0.003 on CISI and bbc-lead); expansion
    # terms in a quarter or a tenth of the library at most (not half): P@10 0.375 / 0.370
    long_query: int = 9  # different words: past the all-words bonus and proximity (2-8)
    feedback_docs: int = 10  # best articles read for their words (0: no feedback)
    feedback_terms: int = 20  # their strongest terms added to the query
    feedback_original: float = 0.6  # the original words' share of the expanded query
    feedback_sharpness: float = 16.0  # a feedback article counts (score / best score) ** this


SETTINGS = Settings()
PROXIMITY_UP_TO = 8  # words; a longer question's words meet by chance (it cost MAP on CISI)
RERANK = 200  # the best documents by BM25F that the proximity bonus may reorder
_FIELDS = frozenset(DEFAULT_FIELDS)
_IDF: dict[tuple, float] = {}  # (segments and their live counts, stem, fields) -> idf


@dataclass(frozen=True)
class Unit:
    """One stem of the query: its weight (query frequency, or the live prefix's share), the
    fields it is searched in, and whether it is a word the user wrote (proximity counts
    those only)."""

    stem: str
    weight: float
    fields: frozenset[str]
    exact: bool


@dataclass(frozen=True)
class Plan:
    units: tuple[Unit, ...]
    # the all-words clause, when the parser added one: the stems that match each word
    all_words: tuple[frozenset[str], ...] | None


def units_of(q: query.Query) -> Plan:
    """The stems of a word query, or Unsupported for any other query."""
    all_words = None
    rest = q
    if type(q) is query.Or:  # the all-words clause: beside the words, or flattened among them
        bonus = [c for c in q.subqueries if _is_all_words(c)]
        if len(bonus) == 1:
            all_words = tuple(_stems(word) for word in bonus[0].subqueries)
            rest = query.Or([c for c in q.subqueries if c is not bonus[0]], boost=q.boost)
    leaves: list[tuple[query.Query, float]] = []
    _leaves(rest, 1.0, leaves)
    merged: dict[tuple[str, float, bool], set[str]] = {}
    for leaf, boost in leaves:
        if isinstance(leaf, WordPrefix):
            for stem in leaf.stems:
                merged.setdefault((stem, boost * leaf.boost, False), set()).add(leaf.fieldname)
        else:
            merged.setdefault((leaf.text, boost * leaf.boost, True), set()).add(leaf.fieldname)
    units = tuple(Unit(s, w, frozenset(f), exact) for (s, w, exact), f in merged.items())
    if not units:
        raise Unsupported("no words")
    return Plan(units, all_words)


def _stems(q: query.Query) -> frozenset[str]:
    leaves: list[tuple[query.Query, float]] = []
    _leaves(q, 1.0, leaves)
    return frozenset(s for leaf, _b in leaves for s in _leaf_stems(leaf))


def _leaf_stems(leaf: query.Query) -> tuple[str, ...]:
    return leaf.stems if isinstance(leaf, WordPrefix) else (leaf.text,)


def _is_all_words(q: query.Query) -> bool:
    return type(q) is query.And and q.boost == ALL_WORDS_BOOST


def _leaves(q: query.Query, boost: float, out: list) -> None:
    if type(q) is query.Or:
        for child in q.subqueries:
            _leaves(child, boost * q.boost, out)
    elif type(q) in (query.Term, WordPrefix) and q.fieldname in _FIELDS:
        out.append((q, boost))
    else:
        raise Unsupported(type(q).__name__)


def rank(
    searcher,
    q: query.Query,
    *,
    limit: int | None,
    filter_q=None,
    allowed: set[int] | None = None,
    settings: Settings | None = None,
) -> Ranked:
    """The top `limit` of a word query (every match when None), within the filter query's
    matches and the `allowed` global document numbers; Unsupported for other queries. A
    long question is expanded with the words of its best matches (`_feedback`)."""
    plan = units_of(q)
    settings = settings or SETTINGS
    stats = Stats(searcher)
    scorer = _Scorer(searcher, plan, settings, stats)
    cache = shared_cache()
    parts = segments(searcher)
    scorer.signature = tuple((seg.key, seg.reader.doc_count()) for seg, _o in parts)
    scored: list[_Scored] = []
    for seg, offset in parts:
        hit, score = scorer.segment(seg)
        wanted = None
        if filter_q is not None:
            wanted = Evaluator(searcher, seg, cache, stats).evaluate(filter_q).hit
        if allowed is not None:
            mask = _allowed_mask(allowed, offset, seg.size)
            wanted = mask if wanted is None else wanted & mask
        scored.append(_Scored(seg, offset, hit, score, wanted))
    extra = _feedback(searcher, scorer, scored)
    if extra:
        for part in scored:
            scorer.add(part, extra)
    found: list[tuple[Segment, int, np.ndarray, np.ndarray]] = []
    kept: list[np.ndarray] = []
    for part in scored:
        local = np.flatnonzero(part.hit)
        if len(local):
            found.append((part.seg, part.offset, local, part.score[local]))
            kept.append(np.ones(len(local), bool) if part.wanted is None else part.wanted[local])
    if not found:
        empty = np.zeros(0, dtype=np.int64)
        return Ranked(0, empty, np.zeros(0))
    docs = np.concatenate([local + offset for _s, offset, local, _sc in found])
    scores = np.concatenate([sc for _s, _o, _l, sc in found])
    if settings.proximity > 0:
        # over every match, filtered or not: a filter narrows the list, never reorders it
        scores = scores + _proximity(scorer, found, docs, scores, settings)
    keep = np.concatenate(kept)
    return Ranked(int(keep.sum()), *top(docs[keep], scores[keep], limit))


@dataclass
class _Scored:
    """One segment's first ranking: matches, scores, and the filters' mask (None: none)."""

    seg: Segment
    offset: int
    hit: np.ndarray
    score: np.ndarray
    wanted: np.ndarray | None


def _feedback(searcher, scorer: _Scorer, scored: list[_Scored]) -> list[Unit]:
    """RM3's expansion terms of a long question (search/feedback.py), from its best matches
    (the filters' or not); none for any other query, or when no texts are at hand."""
    s = scorer.settings
    knobs = feedback.Feedback(
        s.feedback_docs, s.feedback_terms, s.feedback_original, s.feedback_sharpness, s.long_query
    )
    texts_of = feedback.feedback_texts() if feedback.applies(scorer.plan.units, knobs) else None
    if texts_of is None:
        return []
    docs, scores = [], []
    for part in scored:  # filtered or not, as proximity: a filter narrows, never reorders
        local = np.flatnonzero(part.hit)
        docs.append(local + part.offset)
        scores.append(part.score[local])
    if not docs:
        return []
    best, best_scores = top(np.concatenate(docs), np.concatenate(scores), knobs.docs)
    weights = feedback.doc_weights(best_scores, knobs.sharpness)
    counted = weights >= feedback.MIN_SHARE  # the others change nothing: their text unread
    stored = searcher.stored_fields
    ids = [stored(int(d)).get("id") for d in best[counted].tolist()]
    bodies = texts_of("body", [i for i in ids if i is not None])
    names = texts_of("title", [i for i in ids if i is not None])
    pairs = [(names.get(i, ""), bodies.get(i, "")) if i is not None else ("", "") for i in ids]
    model = feedback.relevance_model(pairs, weights[counted], s.title_weight)
    share = (1 - knobs.original) / knobs.original * sum(u.weight for u in scorer.plan.units)
    return [
        Unit(term, share * weight, _FIELDS, exact=False)
        for term, weight in feedback.expansion(model, knobs.terms, scorer.informative)
    ]


def _proximity(scorer: _Scorer, found, docs, scores, settings: Settings) -> np.ndarray:
    """The bonus of the best RERANK documents by BM25F (0 for the others: their order is
    BM25F's, and none of them can pass a reranked one, whose bonus is >= 0). Every
    segment's candidates are decoded and scored in one go."""
    exact = _near_units(scorer.plan)
    bonus = np.zeros(len(docs))
    if not exact:
        return bonus
    best, _s = top(np.arange(len(docs)), scores, RERANK)
    chosen = np.zeros(len(docs), bool)
    chosen[best] = True
    row_doc: list[np.ndarray] = []
    row_word: list[np.ndarray] = []
    values: list[bytes] = []
    norms, where = [], []
    start = joined = 0
    for seg, _offset, local, _sc in found:
        end = start + len(local)
        rows = np.flatnonzero(chosen[start:end])
        if len(rows):
            candidates = local[rows]
            for w, unit in enumerate(exact):
                postings = scorer.with_values(seg, scorer.btext("body", unit.stem))
                at, inside = _rows_of(postings.ids, candidates)
                row_doc.append(joined + inside)
                row_word.append(np.full(len(at), w, dtype=np.int64))
                encoded = postings.values or ()
                values.extend(encoded[i] for i in at.tolist())
            norms.append(scorer.body_norm(seg, candidates))
            where.append(start + rows)
            joined += len(rows)
        start = end
    found_positions = decode(np.zeros(len(values), np.int64), tuple(values), scorer.body_format)
    counts = np.diff(found_positions.starts)
    doc = np.repeat(np.concatenate(row_doc), counts)
    word = np.repeat(np.concatenate(row_word), counts)
    pos = found_positions.flat
    order = np.lexsort((pos, doc))
    weights = np.array([u.weight * scorer.idf(u) for u in exact])
    value = proximity.bonus_of(
        doc[order], pos[order], word[order], joined, weights, settings.k1, np.concatenate(norms)
    )
    bonus[np.concatenate(where)] = settings.proximity * value
    return bonus


def _rows_of(ids: np.ndarray, candidates: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(rows of `ids` holding a candidate, that candidate's index); both ascending."""
    rows = np.searchsorted(ids, candidates)
    inside = rows < len(ids)
    inside[inside] = ids[rows[inside]] == candidates[inside]
    which = np.flatnonzero(inside)
    return rows[which], which


def _near_units(plan: Plan) -> list[Unit]:
    """The words whose closeness counts: those the user wrote, searched in the body, when
    there are 2 to PROXIMITY_UP_TO of them."""
    exact = [u for u in plan.units if u.exact and "body" in u.fields]
    return exact if 2 <= len({u.stem for u in exact}) <= PROXIMITY_UP_TO else []


def _allowed_mask(allowed: set[int], offset: int, size: int) -> np.ndarray:
    mask = np.zeros(size, bool)
    local = np.fromiter((d - offset for d in allowed if offset <= d < offset + size), np.int64)
    mask[local] = True
    return mask


class _Scorer:
    """BM25F of a plan's units, one segment at a time (statistics from the whole index)."""

    def __init__(self, searcher, plan: Plan, settings: Settings, stats: Stats) -> None:
        self.searcher = searcher
        self.schema = searcher.schema
        self.plan = plan
        self.settings = settings
        self.stats = stats
        self.count = max(searcher.doc_count(), 1)
        self.signature: tuple = ()
        self.body_format = self.schema["body"].format
        near = _near_units(plan) if settings.proximity > 0 else []
        self.near = frozenset(u.stem for u in near)

    def btext(self, fieldname: str, stem: str) -> bytes:
        return self.schema[fieldname].to_bytes(stem)

    def idf(self, unit: Unit) -> float:
        """Robertson-Sparck Jones idf of a stem, with its document frequency the larger of
        its title's and its body's (a title word is nearly always in the body too). Kept
        while the index's segments and deletions stay the same: the next letter typed
        asks again for the words before it."""
        key = (self.signature, unit.stem, unit.fields)
        found = _IDF.get(key)
        if found is None:
            df = max(self.searcher.doc_frequency(f, self.btext(f, unit.stem)) for f in unit.fields)
            found = math.log(1 + (self.count - df + 0.5) / (df + 0.5))
            if len(_IDF) > 100_000 or any(k[0] != self.signature for k in islice(_IDF, 1)):
                _IDF.clear()
            _IDF[key] = found
        return found

    def informative(self, stem: str) -> bool:
        """Whether a term is in fewer than half the articles (its idf above log 2)."""
        return self.idf(Unit(stem, 1.0, _FIELDS, exact=False)) > math.log(2)

    def segment(self, seg: Segment) -> tuple[np.ndarray, np.ndarray]:
        """(hit, score) of every document of one segment, with the all-words bonus."""
        n = seg.size
        hit = np.zeros(n, bool)
        score = np.zeros(n)
        found: dict[str, list[np.ndarray]] = {}
        for unit in self.plan.units:
            ids, scores = self.unit_scores(seg, unit)
            if len(ids):
                hit[ids] = True
                score[ids] += unit.weight * scores
                found.setdefault(unit.stem, []).append(ids)
        if seg.live is not None:
            hit &= seg.live
        groups = self.plan.all_words
        if groups and self.settings.all_words:
            every = np.ones(n, bool)
            for stems in groups:
                word = np.zeros(n, bool)
                for stem in stems:
                    for ids in found.get(stem, ()):
                        word[ids] = True
                every &= word
            score = np.where(every, score * (1 + self.settings.all_words), score)
        return hit, score

    def add(self, part: _Scored, units: list[Unit]) -> None:
        """Add more units' scores to a segment's first ranking (after its all-words bonus:
        it is the original words' reward), in one pass over their postings."""
        ids_parts, score_parts = [], []
        for unit in units:
            ids, scores = self.unit_scores(part.seg, unit)
            if len(ids):
                ids_parts.append(ids)
                score_parts.append(unit.weight * scores)
        if not ids_parts:
            return
        ids = np.concatenate(ids_parts)
        part.score += np.bincount(ids, np.concatenate(score_parts), minlength=part.seg.size)
        if part.seg.live is not None:
            ids = ids[part.seg.live[ids]]
        part.hit[ids] = True

    def unit_scores(self, seg: Segment, unit: Unit) -> tuple[np.ndarray, np.ndarray]:
        """(local ids, BM25F score) of one stem in one segment, cached with the statistics
        and settings it was computed with."""
        cache = shared_cache()
        s = self.settings
        idf = self.idf(unit)
        avg = tuple(self.stats.avgfl(f) for f in sorted(unit.fields))
        key: tuple = (seg.key, "bm25f", unit.stem, unit.fields, idf, avg, s.k1, s.b)
        key += (s.title_b, s.title_weight)
        cached = cache.get(key)
        if cached is not None:
            return cached.ids, cached.weights
        parts = []
        for fieldname in sorted(unit.fields):
            btext = self.btext(fieldname, unit.stem)
            if (fieldname, btext) not in seg.reader:
                continue
            if fieldname == "body" and unit.stem in self.near:
                postings = self.with_values(seg, btext)  # one read for scores and positions
            else:
                postings = cache.postings(seg.key, seg.reader, fieldname, btext)
            lengths = cache.lengths(seg.key, seg.reader, fieldname)[postings.ids]
            b = s.title_b if fieldname == "title" else s.b
            norm = (1 - b) + b * lengths / self.stats.avgfl(fieldname)
            if fieldname == "title":  # posting weights hold the schema's title boost
                tf = s.title_weight * (postings.weights / TITLE_BOOST)
            else:
                tf = postings.weights
            parts.append((postings.ids, tf / norm))
        if not parts:
            ids, scores = np.zeros(0, np.int64), np.zeros(0)
        else:
            ids = sorted_unique(np.concatenate([p[0] for p in parts]))
            pseudo = np.zeros(len(ids))
            for part_ids, part_tf in parts:
                pseudo[np.searchsorted(ids, part_ids)] += part_tf
            scores = idf * pseudo * (s.k1 + 1) / (pseudo + s.k1)
        cache.put(key, TermPostings(ids, scores))
        return ids, scores

    def with_values(self, seg: Segment, btext: bytes) -> TermPostings:
        """A body term's postings with their encoded positions, read once and kept: the
        bonus decodes only its candidates' positions (decoding a common word's every
        posting doubled a two-word query's first run)."""
        cache = shared_cache()
        key = (seg.key, "body", btext, "with values")
        found = cache.get(key)
        if found is None:
            found = read_postings(seg.reader, "body", btext, with_values=True)
            cache.put(key, found)
        return found

    def body_norm(self, seg: Segment, candidates: np.ndarray) -> np.ndarray:
        """BM25's length norm of some documents' bodies."""
        lengths = shared_cache().lengths(seg.key, seg.reader, "body")[candidates]
        return (1 - self.settings.b) + self.settings.b * lengths / self.stats.avgfl("body")
